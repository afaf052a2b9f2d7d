package org.cipherformer.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Map;

/**
 * The transformer program of the model format, written with differentiable NDArray operations so that the
 * polynomial components sit inside the training graph. Every formula follows docs/model-format.md ("Exact
 * semantics") literally; the same code runs in float32 for training and in float64 for the reference logits.
 */
public final class TransformerOps {
    private final ComponentSettings c;
    private final RangeMonitor monitor;
    private final int heads;
    private final boolean causal;
    private boolean clampInputs;
    private final double[] invSqrtMonomial;
    private final double[] activationMonomial;

    public TransformerOps(ComponentSettings settings, RangeMonitor monitor, int heads, boolean causal) {
        this.c = settings;
        this.monitor = monitor;
        this.heads = heads;
        this.causal = causal;
        this.invSqrtMonomial = settings.polyLayerNorm ? chebyshevToMonomial(settings.invSqrtCoefficients) : null;
        this.activationMonomial = settings.polyActivation ? chebyshevToMonomial(settings.activationCoefficients) : null;
    }

    private NDArray polynomial(NDArray x, double lo, double hi, double[] chebyshev, double[] monomial) {
        return clampInputs ? chebyshevByHorner(x, lo, hi, monomial) : chebyshev(x, lo, hi, chebyshev);
    }

    /**
     * Training only: clamp each polynomial's input to its domain. Outside its domain a Goldschmidt inverse diverges
     * doubly exponentially and a Newton step can flip sign, so one stray value early in training would turn the
     * loss into NaN; the range regularizer (which sees the unclamped values) pulls the inputs back inside. Off for
     * evaluation and export, which compute the model format's semantics exactly (no clamping).
     */
    public void setClampInputs(boolean clamp) {
        this.clampInputs = clamp;
    }

    private NDArray domain(NDArray x, double lo, double hi) {
        return clampInputs ? x.clip(lo, hi) : x;
    }

    /** y = x W^T + b, W stored [out, in]. */
    public static NDArray linear(NDArray x, NDArray w, NDArray b) {
        return x.matMul(w.transpose()).add(b);
    }

    /** Chebyshev series sum_k c_k T_k(t), t = (2x - lo - hi) / (hi - lo), by the three-term recurrence. */
    public static NDArray chebyshev(NDArray x, double lo, double hi, double[] coefficients) {
        NDArray t = Scalars.sub(Scalars.mul(x, 2.0 / (hi - lo)), (lo + hi) / (hi - lo));
        NDArray acc = Scalars.add(Scalars.mul(t, coefficients.length > 1 ? coefficients[1] : 0.0), coefficients[0]);
        NDArray tPrev2 = null; // null stands for T_0 = 1
        NDArray tPrev1 = t;
        for (int k = 2; k < coefficients.length; k++) {
            NDArray tk = Scalars.mul(t.mul(tPrev1), 2.0);
            tk = tPrev2 == null ? Scalars.sub(tk, 1.0) : tk.sub(tPrev2);
            acc = acc.add(Scalars.mul(tk, coefficients[k]));
            tPrev2 = tPrev1;
            tPrev1 = tk;
        }
        return acc;
    }

    /**
     * The same polynomial as {@link #chebyshev}, evaluated by Horner's rule on t in the monomial basis: 2 operations
     * per degree instead of 5, which matters because the activation polynomial runs on every MLP hidden unit. Used for
     * training only (in float32 the monomial form loses ~1e-4 absolute to cancellation, far below the approximation
     * error); evaluation and export use the Chebyshev recurrence of the model format.
     */
    public static NDArray chebyshevByHorner(NDArray x, double lo, double hi, double[] monomial) {
        NDArray t = Scalars.sub(Scalars.mul(x, 2.0 / (hi - lo)), (lo + hi) / (hi - lo));
        NDArray acc = Scalars.add(Scalars.mul(t, monomial[monomial.length - 1]), monomial[monomial.length - 2]);
        for (int k = monomial.length - 3; k >= 0; k--) {
            acc = Scalars.add(acc.mul(t), monomial[k]);
        }
        return acc;
    }

    /** Monomial coefficients a_k (sum a_k t^k) of the Chebyshev series sum c_k T_k(t), computed in double. */
    static double[] chebyshevToMonomial(double[] c) {
        int n = c.length;
        double[] out = new double[Math.max(n, 2)];
        double[] tPrev2 = new double[n + 1];
        double[] tPrev1 = new double[n + 1];
        tPrev2[0] = 1; // T_0
        tPrev1[1] = 1; // T_1
        out[0] += c[0];
        if (n > 1) {
            out[1] += c[1];
        }
        for (int k = 2; k < n; k++) {
            double[] tk = new double[n + 1];
            for (int i = 0; i < n; i++) {
                tk[i + 1] += 2 * tPrev1[i];
            }
            for (int i = 0; i <= n; i++) {
                tk[i] -= tPrev2[i];
            }
            for (int i = 0; i < n; i++) {
                out[i] += c[k] * tk[i];
            }
            tPrev2 = tPrev1;
            tPrev1 = tk;
        }
        return out;
    }

    /**
     * Goldschmidt inverse on [lo, hi] with k iterations: c = 2/(lo+hi), x' = c x, a = 2 - x', b = 1 - x',
     * k times { b = b^2; a = a (1 + b) }, result c a. Converges to 1/x for x in (0, lo + hi).
     */
    public static NDArray goldschmidt(NDArray x, double lo, double hi, int iterations) {
        double scale = 2.0 / (lo + hi);
        NDArray xs = Scalars.mul(x, scale);
        NDArray a = Scalars.rsub(2.0, xs);
        NDArray b = Scalars.rsub(1.0, xs);
        for (int i = 0; i < iterations; i++) {
            b = b.mul(b);
            a = a.mul(Scalars.add(b, 1.0));
        }
        return Scalars.mul(a, scale);
    }

    /** Exact GELU: x/2 (1 + erf(x / sqrt 2)). */
    public static NDArray gelu(NDArray x) {
        return Scalars.mul(x, 0.5).mul(Scalars.add(Scalars.mul(x, 1.0 / Math.sqrt(2.0)).erf(), 1.0));
    }

    /** LayerNorm over the last axis (exact or polynomial, per the settings). */
    public NDArray layerNorm(String name, NDArray x, NDArray gamma, NDArray beta) {
        NDArray mu = x.mean(new int[] {-1}, true);
        NDArray xc = x.sub(mu);
        NDArray v = Scalars.add(xc.mul(xc).mean(new int[] {-1}, true), c.layerNormEps);
        NDArray y;
        if (c.polyLayerNorm) {
            monitor.observe(name + ".var", v, c.varLo, c.varHi, true);
            NDArray vin = domain(v, c.varLo, c.varHi);
            y = polynomial(vin, c.varLo, c.varHi, c.invSqrtCoefficients, invSqrtMonomial);
            for (int i = 0; i < c.newtonSteps; i++) {
                y = Scalars.mul(y.mul(Scalars.rsub(3.0, vin.mul(y).mul(y))), 0.5);
            }
        } else {
            y = Scalars.of(v, 1.0).div(v.sqrt());
        }
        return xc.mul(y).mul(gamma).add(beta);
    }

    /** Multi-head self attention on x [B, T, d] with the layer's parameters under prefix ("layers.i.attn"). */
    public NDArray attention(String prefix, NDArray x, Map<String, NDArray> p) {
        Shape shape = x.getShape();
        long batch = shape.get(0);
        long tokens = shape.get(1);
        long d = shape.get(2);
        long dHead = d / heads;
        NDArray q = split(linear(x, p.get(prefix + ".q.weight"), p.get(prefix + ".q.bias")), batch, tokens, dHead);
        NDArray k = split(linear(x, p.get(prefix + ".k.weight"), p.get(prefix + ".k.bias")), batch, tokens, dHead);
        NDArray v = split(linear(x, p.get(prefix + ".v.weight"), p.get(prefix + ".v.bias")), batch, tokens, dHead);
        NDArray s = Scalars.mul(q.matMul(k.transpose(0, 1, 3, 2)), 1.0 / Math.sqrt(dHead)); // [B, H, T, T]
        NDManager m = s.getManager();
        int t = (int) tokens;
        double[] mask = new double[t * t];
        double[] invRowCount = new double[t];
        for (int i = 0; i < t; i++) {
            int count = 0;
            for (int j = 0; j < t; j++) {
                boolean on = !causal || j <= i;
                mask[i * t + j] = on ? 1.0 : 0.0;
                count += on ? 1 : 0;
            }
            invRowCount[i] = 1.0 / count;
        }
        NDArray maskArr = m.create(mask, new Shape(t, t)).toType(s.getDataType(), false);
        NDArray a;
        if (c.powerSoftmax) {
            NDArray sp = s;
            for (int i = 1; i < c.power; i++) {
                sp = sp.mul(s);
            }
            if (causal) {
                sp = sp.mul(maskArr);
            }
            NDArray invL = m.create(invRowCount, new Shape(t, 1)).toType(s.getDataType(), false);
            NDArray mean = sp.sum(new int[] {-1}, true).mul(invL);
            NDArray denom = Scalars.add(mean, c.attentionEps);
            monitor.observe(prefix + ".denominator", denom, c.invLo, c.invHi, false);
            NDArray inv = c.invIterations > 0 ? goldschmidt(domain(denom, c.invLo, c.invHi), c.invLo, c.invHi, c.invIterations)
                    : Scalars.of(denom, 1.0).div(denom);
            a = sp.mul(inv.mul(invL));
        } else {
            if (causal) {
                // masked scores get -1e9 (exp underflows to exactly 0 in float32 and float64)
                s = s.add(Scalars.mul(Scalars.rsub(1.0, maskArr), -1e9));
            }
            a = s.softmax(-1);
        }
        NDArray out = a.matMul(v).transpose(0, 2, 1, 3).reshape(batch, tokens, d);
        return linear(out, p.get(prefix + ".out.weight"), p.get(prefix + ".out.bias"));
    }

    private NDArray split(NDArray x, long batch, long tokens, long dHead) {
        return x.reshape(batch, tokens, heads, dHead).transpose(0, 2, 1, 3);
    }

    /** MLP(x) = fc2(act(fc1(x))). */
    public NDArray mlp(String prefix, NDArray x, Map<String, NDArray> p) {
        NDArray h = linear(x, p.get(prefix + ".fc1.weight"), p.get(prefix + ".fc1.bias"));
        if (c.polyActivation) {
            monitor.observe(prefix + ".act", h, c.actLo, c.actHi, true);
            h = polynomial(domain(h, c.actLo, c.actHi), c.actLo, c.actHi, c.activationCoefficients, activationMonomial);
        } else {
            h = gelu(h);
        }
        return linear(h, p.get(prefix + ".fc2.weight"), p.get(prefix + ".fc2.bias"));
    }

    /** Pre-LN block i: x + Attn(LN1(x)), then + MLP(LN2(x)). */
    public NDArray block(int i, NDArray x, Map<String, NDArray> p) {
        String l = "layers." + i;
        x = x.add(attention(l + ".attn", layerNorm(l + ".ln1", x, p.get(l + ".ln1.weight"), p.get(l + ".ln1.bias")),
                p));
        return x.add(mlp(l + ".mlp", layerNorm(l + ".ln2", x, p.get(l + ".ln2.weight"), p.get(l + ".ln2.bias")), p));
    }
}
