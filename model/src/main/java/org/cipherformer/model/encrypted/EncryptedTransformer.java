package org.cipherformer.model.encrypted;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import org.cipherformer.he.ops.ChebyshevSeries;
import org.cipherformer.he.ops.HeBackend;
import org.cipherformer.he.ops.InverseOps;
import org.cipherformer.he.ops.LinearTransform;
import org.cipherformer.he.ops.OpStats;
import org.cipherformer.he.ops.SlotSums;
import org.cipherformer.model.format.ActivationSpec;
import org.cipherformer.model.format.Architecture;
import org.cipherformer.model.format.AttentionSpec;
import org.cipherformer.model.format.ChebyshevSpec;
import org.cipherformer.model.format.LayerNormSpec;
import org.cipherformer.model.format.ModelConfig;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.format.Task;

/**
 * The polynomial transformer as a homomorphic program, written once against {@link HeBackend}: on
 * {@code SimulatedBackend} running it is the plan compiler and the layout check, on {@code CkksBackend} it is
 * encrypted inference. It computes exactly the program of docs/model-format.md (what {@code ReferenceModel} computes),
 * rearranged for slots as docs/encrypted-inference.md describes:
 *
 * <ul>
 *   <li>Activations in a {@link SlotLayout} (row-major, stride d, B inputs per value). Every weight matrix is a
 *       {@link LinearTransform} applied row by row. LayerNorm gains/biases are folded into the following linear
 *       layer, {@code 1/sqrt(d_head)} into W_q, the affine maps of the Chebyshev polynomials into the layer before
 *       them (so they are evaluated on [-1, 1] with no extra level), and the Goldschmidt constant
 *       {@code c = 2/(lo+hi)} and the {@code 1/L_i} of the Power-Softmax mean into the score mask as
 *       {@code (c/L_i)^(1/p)}.
 *   <li>LayerNorm: window sums of d slots for the mean and the variance, masked to column 0 and replicated back;
 *       the Chebyshev start for {@code 1/sqrt(v)} on the mapped variance, Newton steps, one product.
 *   <li>Attention by key offsets s: {@code K_s, V_s} are K and V moved by s tokens (ViT: key {@code (i+s) mod T},
 *       rotations by d and by -Td with two row masks; causal LM: key {@code i-s}, a rotation by -d, rows
 *       {@code i < s} masked in the score). {@code P_s = Q K_s}, head sums of {@code d_head} slots at column
 *       {@code h d_head}, masked and scaled, raised to p; their sum is the mean; the inverse of {@code eps + mean}
 *       by Goldschmidt; {@code U = sum_s replicate(P_s^p) V_s}; output {@code U * inverse}, projection.
 *   <li>MLP: fc1 as {@code mlp_hidden / d} transforms sharing the input's rotations, the activation polynomial on
 *       each, fc2 as a sum of transforms.
 *   <li>Levels: before each stage the program asks a {@link LevelGuard} for the levels the stage takes; values that
 *       fall short are refreshed together in one round, at points where few values are live (the LayerNorm input,
 *       the three LayerNorm intermediates, the attention input, the attention accumulator and mean).
 * </ul>
 *
 * Instances are immutable and can run on several backends one after the other (not concurrently).
 */
public final class EncryptedTransformer {
  /**
   * Baby steps (n1) of every transform: the d x d maps (offsets -63..63) then rotate by 1..15 (hoisted, shared by the
   * maps of one input) and by the giant steps -64, -48, ..., 48, so all layers share one small set of Galois keys.
   */
  static final int BABY_STEPS = 16;

  /** Per-layer linear maps on slots (plain operands only). */
  private record LayerOps(LinearTransform q, LinearTransform k, LinearTransform v, LinearTransform out,
                          double[] qBias, double[] kBias, double[] vBias, double[] outBias,
                          List<LinearTransform> fc1, List<double[]> fc1Bias, List<LinearTransform> fc2,
                          double[] fc2Bias) {
  }

  /** What one run returns: the output values (owned by the caller) and the level at each section boundary. */
  public record Result<V>(List<V> outputs, List<SectionLevels> sections) {
  }

  private final ModelConfig config;
  private final SlotLayout layout;
  private final boolean vit;
  private final int d;
  private final int dHead;
  private final int offsets;
  private final LayerOps[] layers;
  // LayerNorm
  private final ChebyshevSeries invSqrtStart;
  private final int newtonSteps;
  private final double varLo;
  private final double varHi;
  private final double[] meanMask;
  private final double[] uMask;
  private final double uShift;
  // attention
  private final int power;
  private final double[][] keyMaskDirect;
  private final double[][] keyMaskWrap;
  private final double[][] scoreMask;
  private final double invLo;
  private final double invHi;
  private final double invEps;
  private final int invIterations;
  // MLP
  private final ChebyshevSeries activation;
  // ends
  private final LinearTransform embed;
  private final double[] embedBias;
  private final LinearTransform head;
  private final double[] headBias;
  private final int headReplicas;
  private final double[] firstRowMask;

  private EncryptedTransformer(ModelDirectory.Model model, SlotLayout layout) {
    this.config = model.config();
    this.layout = layout;
    Architecture arch = config.architecture();
    this.vit = config.task() == Task.IMAGE_CLASSIFICATION;
    this.d = arch.dModel();
    this.dHead = arch.headDim();
    int tokens = layout.tokens();
    checkShape(arch, layout);
    var comps = config.components();
    if (!(comps.attention() instanceof AttentionSpec.PowerSoftmax ps)
        || !(comps.layerNorm() instanceof LayerNormSpec.Polynomial ln)
        || !(comps.activation() instanceof ActivationSpec.Polynomial act)) {
      throw new IllegalArgumentException("model " + config.name() + " is not all-polynomial (variant "
          + config.variant() + "); only polynomial models run under encryption");
    }
    int slots = layout.slotCount();
    IntPredicate allRows = t -> true;

    // LayerNorm: u = (2 v - lo - hi) / (hi - lo) with v = sum(c^2)/d + eps, so the start polynomial runs on [-1, 1].
    varLo = ln.invSqrt().domain().lo();
    varHi = ln.invSqrt().domain().hi();
    invSqrtStart = new ChebyshevSeries(ln.invSqrt().coefficients(), -1, 1);
    newtonSteps = ln.newtonSteps();
    meanMask = layout.vector((b, t, f) -> f == 0 ? 1.0 / d : 0);
    uMask = layout.vector((b, t, f) -> f == 0 ? 2.0 / (d * (varHi - varLo)) : 0);
    uShift = (2 * ln.eps() - varLo - varHi) / (varHi - varLo);

    // Attention.
    power = ps.p();
    offsets = tokens;
    double lo = ps.inverse().domain().lo();
    double hi = ps.inverse().domain().hi();
    double c = 2 / (lo + hi);
    double cLo = c * lo;
    double cHi = 2 - cLo;
    boolean fold = cLo + cHi == 2.0;
    double scoreScale = fold ? c : 1.0;
    invLo = fold ? cLo : lo;
    invHi = fold ? cHi : hi;
    invEps = fold ? c * ps.eps() : ps.eps();
    invIterations = ps.inverse().iterations();
    keyMaskDirect = new double[offsets][];
    keyMaskWrap = new double[offsets][];
    scoreMask = new double[offsets][];
    boolean causal = arch.causal();
    for (int s = 0; s < offsets; s++) {
      final int sh = s;
      if (vit && s > 0) {
        keyMaskDirect[s] = layout.vector((b, t, f) -> t < tokens - sh ? 1 : 0);
        keyMaskWrap[s] = layout.vector((b, t, f) -> t >= tokens - sh ? 1 : 0);
      }
      scoreMask[s] = layout.vector((b, t, f) -> {
        if (f % dHead != 0 || (causal && t < sh)) {
          return 0;
        }
        int visible = causal ? t + 1 : tokens;
        return Math.pow(scoreScale / visible, 1.0 / power);
      });
    }

    // MLP activation on [-1, 1]; its affine map goes into fc1.
    ChebyshevSpec a = act.polynomial();
    activation = new ChebyshevSeries(a.coefficients(), -1, 1);
    double actScale = 2 / (a.domain().hi() - a.domain().lo());
    double actShift = -(a.domain().lo() + a.domain().hi()) / (a.domain().hi() - a.domain().lo());

    layers = new LayerOps[arch.layers()];
    for (int l = 0; l < layers.length; l++) {
      String p = "layers." + l + ".";
      double[] g1 = vec(model, p + "ln1.weight");
      double[] b1 = vec(model, p + "ln1.bias");
      double[] g2 = vec(model, p + "ln2.weight");
      double[] b2 = vec(model, p + "ln2.bias");
      Affine q = affine(model, p + "attn.q").afterScaleShift(g1, b1).thenScaleShift(1 / Math.sqrt(dHead), 0);
      Affine k = affine(model, p + "attn.k").afterScaleShift(g1, b1);
      Affine v = affine(model, p + "attn.v").afterScaleShift(g1, b1);
      Affine o = affine(model, p + "attn.out");
      Affine fc1 = affine(model, p + "mlp.fc1").afterScaleShift(g2, b2).thenScaleShift(actScale, actShift);
      Affine fc2 = affine(model, p + "mlp.fc2");
      List<LinearTransform> fc1Parts = new ArrayList<>();
      List<double[]> fc1Bias = new ArrayList<>();
      List<LinearTransform> fc2Parts = new ArrayList<>();
      for (int part = 0; part < arch.mlpHidden() / d; part++) {
        Affine up = fc1.outputs(part * d, d);
        fc1Parts.add(transform(up.w(), allRows));
        fc1Bias.add(RowDiagonals.bias(layout, up.b(), allRows));
        fc2Parts.add(transform(fc2.inputs(part * d, d, 0).w(), allRows));
      }
      layers[l] = new LayerOps(transform(q.w(), allRows), transform(k.w(), allRows), transform(v.w(), allRows),
          transform(o.w(), allRows), RowDiagonals.bias(layout, q.b(), allRows),
          RowDiagonals.bias(layout, k.b(), allRows), RowDiagonals.bias(layout, v.b(), allRows),
          RowDiagonals.bias(layout, o.b(), allRows), fc1Parts, fc1Bias, fc2Parts,
          RowDiagonals.bias(layout, fc2.b(), allRows));
    }

    double[] gf = vec(model, "final_ln.weight");
    double[] bf = vec(model, "final_ln.bias");
    double[][] pos = model.tensor("pos_embed").toMatrix();
    if (vit) {
      Affine pe = affine(model, "patch_embed");
      double[] cls = vec(model, "cls_token");
      embed = transform(pe.w(), t -> t >= 1);
      embedBias = layout.vector((b, t, f) -> t == 0 ? cls[f] + pos[0][f] : pe.b()[f] + pos[t][f]);
      Affine h = affine(model, "head").afterScaleShift(gf, bf);
      head = transform(h.w(), t -> t == 0);
      headBias = RowDiagonals.bias(layout, h.b(), t -> t == 0);
      headReplicas = 0;
      firstRowMask = null;
    } else {
      embed = null;
      embedBias = null;
      Affine h = affine(model, "lm_head").afterScaleShift(gf, bf);
      int vocab = h.out();
      // logits o = sum_f W[o][f] n[f]: with n replicated with period d over slots 0 .. vocab + d - 1, slot o reads
      // n[(o + k) mod d] at offset k, so offsets 0..d-1 cover every feature once.
      headReplicas = Integer.highestOneBit(Math.max(1, (vocab + d - 1) / d)) * 2;
      if ((long) headReplicas * d > slots) {
        throw new IllegalArgumentException("vocabulary of " + vocab + " needs " + headReplicas * d
            + " slots for the head, the ciphertext has " + slots);
      }
      Map<Integer, double[]> diags = new HashMap<>();
      for (int k = 0; k < d; k++) {
        double[] diag = new double[vocab];
        for (int o = 0; o < vocab; o++) {
          diag[o] = h.w()[o][(o + k) % d];
        }
        diags.put(k, diag);
      }
      head = new LinearTransform(slots, diags, BABY_STEPS);
      headBias = h.b().clone();
      firstRowMask = new double[d];
      java.util.Arrays.fill(firstRowMask, 1.0);
    }
  }

  /**
   * Lays a model out on slots.
   *
   * @param model  a loaded polynomial model
   * @param layout slot layout: d = d_model; T = seq_len for the ViT, the prompt length (<= seq_len) for the LM
   * @return the program
   * @throws IllegalArgumentException if the model is not polynomial or does not fit the layout
   */
  public static EncryptedTransformer of(ModelDirectory.Model model, SlotLayout layout) {
    return new EncryptedTransformer(model, layout);
  }

  private static void checkShape(Architecture arch, SlotLayout layout) {
    int d = arch.dModel();
    if (layout.dModel() != d) {
      throw new IllegalArgumentException("layout stride " + layout.dModel() + " != d_model " + d);
    }
    int dh = arch.headDim();
    if (Integer.bitCount(dh) != 1) {
      throw new IllegalArgumentException("head dimension " + dh + " is not a power of two (head sums need it)");
    }
    if (arch.mlpHidden() % d != 0) {
      throw new IllegalArgumentException("mlp_hidden " + arch.mlpHidden() + " is not a multiple of d_model " + d);
    }
    if (arch.image() != null) {
      if (layout.tokens() != arch.seqLen()) {
        throw new IllegalArgumentException("ViT layout needs " + arch.seqLen() + " tokens, got " + layout.tokens());
      }
      if (arch.image().patchDim() > d || arch.image().numClasses() > d) {
        throw new IllegalArgumentException("patch dimension " + arch.image().patchDim() + " or class count "
            + arch.image().numClasses() + " exceeds d_model " + d);
      }
    } else if (layout.tokens() > arch.seqLen()) {
      throw new IllegalArgumentException("prompt of " + layout.tokens() + " tokens exceeds seq_len "
          + arch.seqLen());
    }
  }

  private LinearTransform transform(double[][] w, IntPredicate rows) {
    return new LinearTransform(layout.slotCount(), RowDiagonals.of(layout, w, rows), BABY_STEPS);
  }

  private static double[] vec(ModelDirectory.Model m, String name) {
    return m.tensor(name).data();
  }

  private static Affine affine(ModelDirectory.Model m, String prefix) {
    return new Affine(m.tensor(prefix + ".weight").toMatrix(), m.tensor(prefix + ".bias").data());
  }

  /** @return the slot layout */
  public SlotLayout layout() {
    return layout;
  }

  /** @return the model configuration */
  public ModelConfig config() {
    return config;
  }

  /**
   * Every weight matrix as a transform (for listing rotation steps without running): per layer q, k, v, out, fc1
   * parts, fc2 parts, then the embedding (ViT) and the head.
   *
   * @return the transforms
   */
  public List<LinearTransform> transforms() {
    List<LinearTransform> all = new ArrayList<>();
    for (LayerOps l : layers) {
      all.addAll(List.of(l.q, l.k, l.v, l.out));
      all.addAll(l.fc1);
      all.addAll(l.fc2);
    }
    if (embed != null) {
      all.add(embed);
    }
    all.add(head);
    return all;
  }

  /**
   * Runs the program.
   *
   * @param be    the backend
   * @param input the client's packed input (see {@link InputPacker}); not released
   * @param <V>   value type
   * @return ViT: one value with the logits of input b at slots {@code (b, 0, 0..classes-1)}; LM: one value per
   *     input with the last position's logits at slots {@code 0..vocab-1}; plus the section levels
   */
  public <V> Result<V> run(HeBackend<V> be, V input) {
    if (be.slotCount() != layout.slotCount()) {
      throw new IllegalArgumentException("backend has " + be.slotCount() + " slots, the layout "
          + layout.slotCount());
    }
    return new Run<>(be).forward(input);
  }

  /** The state of one run: the backend, the refresh guard, the residual stream. */
  private final class Run<V> {
    private final HeBackend<V> be;
    private final LevelGuard<V> guard;
    private final List<SectionLevels> sections = new ArrayList<>();
    private V x;
    private V last;

    Run(HeBackend<V> be) {
      this.be = be;
      this.guard = new LevelGuard<>(be);
    }

    Result<V> forward(V input) {
      try (OpStats.Section s = be.stats().enter("embed")) {
        int entry = be.level(input);
        if (vit) {
          V e = embed.apply(be, input);
          x = be.addPlain(e, embedBias);
          be.release(e);
        } else {
          x = be.copy(input);
        }
        sections.add(new SectionLevels("embed", entry, be.level(x)));
      }
      for (int l = 0; l < layers.length; l++) {
        LayerOps ops = layers[l];
        String p = "layers." + l + ".";
        section(p + "ln1", x, this::layerNorm);
        V n1 = last;
        section(p + "attention", n1, () -> {
          residual(attention(ops, n1));
          return x;
        });
        section(p + "ln2", x, this::layerNorm);
        V n2 = last;
        section(p + "mlp", n2, () -> {
          residual(mlp(ops, n2));
          return x;
        });
      }
      section("final_ln", x, this::layerNorm);
      V n = last;
      be.release(x);
      x = null;
      List<V> outputs = new ArrayList<>();
      try (OpStats.Section s = be.stats().enter("head")) {
        V nn = guard.ensure(n, vit ? 1 : 2);
        int entry = be.level(nn);
        if (vit) {
          V h = head.apply(be, nn);
          outputs.add(be.addPlain(h, headBias));
          be.release(h);
        } else {
          // Input b's last row moves to slot 0 by (T-1) d + b T d: one rotation by (T-1) d, then steps of T d,
          // so any batch needs two Galois keys here.
          V moved = be.rotate(nn, (layout.tokens() - 1) * d);
          for (int b = 0; b < layout.batch(); b++) {
            if (b > 0) {
              moved = rotateAndRelease(moved, layout.blockSize());
            }
            outputs.add(lastPositionLogits(moved));
          }
          be.release(moved);
        }
        be.release(nn);
        sections.add(new SectionLevels("head", entry, be.level(outputs.get(0))));
      }
      return new Result<>(outputs, sections);
    }

    /**
     * Runs one section and records the level of its input (read before it runs) and of its output (LayerNorm: the
     * normalized value; attention and MLP: the residual stream after the addition); the output is left in
     * {@link #last}.
     */
    private void section(String name, V input, java.util.function.Supplier<V> body) {
      try (OpStats.Section s = be.stats().enter(name)) {
        int entry = be.level(input);
        last = body.get();
        sections.add(new SectionLevels(name, entry, be.level(last)));
      }
    }

    private void residual(V delta) {
      V sum = be.add(x, delta);
      be.release(x);
      be.release(delta);
      x = sum;
    }

    /** Polynomial LayerNorm of the residual stream without gains and biases (they are folded forward). */
    private V layerNorm() {
      int chebDepth = invSqrtStart.depth();
      int statsDepth = 3;
      boolean together = statsDepth + chebDepth <= guard.budget();
      x = guard.ensure(x, together ? statsDepth + chebDepth : statsDepth);
      V rowSum = SlotSums.sumWindow(be, x, d);
      V mean = be.mulPlain(rowSum, meanMask);
      be.release(rowSum);
      V mu = SlotSums.replicate(be, mean, d);
      be.release(mean);
      V c = be.sub(x, mu);
      be.release(mu);
      V c2 = be.square(c);
      V sqSum = SlotSums.sumWindow(be, c2, d);
      be.release(c2);
      V uCol = be.mulPlain(sqSum, uMask);
      be.release(sqSum);
      V uRep = SlotSums.replicate(be, uCol, d);
      be.release(uCol);
      V u = be.addConst(uRep, uShift);
      be.release(uRep);
      if (!together) {
        u = guard.ensure(u, chebDepth);
      }
      V y0 = invSqrtStart.evaluate(be, u);
      V vHalfWidth = be.mulConst(u, (varHi - varLo) / 2);
      be.release(u);
      V v = be.addConst(vHalfWidth, (varLo + varHi) / 2);
      be.release(vHalfWidth);
      V y;
      if (newtonSteps > 0) {
        // Newton's result is at min(level(y0), level(v) - 1) - nd; then one product with c, and n must stay
        // refreshable (>= floor).
        int nd = InverseOps.newtonDepth(newtonSteps);
        List<V> r = guard.ensure(List.of(y0, v, c), nd + 1, nd + 2, 1);
        y0 = r.get(0);
        v = r.get(1);
        c = r.get(2);
        y = InverseOps.newtonInverseSqrt(be, v, y0, newtonSteps);
        be.release(y0);
      } else {
        List<V> r = guard.ensure(List.of(y0, c), 1, 1);
        y = r.get(0);
        c = r.get(1);
      }
      be.release(v);
      V n = be.mul(c, y);
      be.release(c);
      be.release(y);
      return n;
    }

    /** Power-Softmax attention plus output projection; consumes {@code n}. */
    private V attention(LayerOps ops, V n) {
      int need = 1 + (vit ? 1 : 0) + 1 + 1 + powerDepth(power) + 1;
      V in = guard.ensure(n, need);
      List<V> raw = LinearTransform.applyAll(be, in, List.of(ops.q, ops.k, ops.v));
      be.release(in);
      V q = be.addPlain(raw.get(0), ops.qBias);
      V kr = be.addPlain(raw.get(1), ops.kBias);
      V vr = be.addPlain(raw.get(2), ops.vBias);
      raw.forEach(be::release);
      int tokenStep = vit ? d : -d;
      V sum = null;
      V acc = null;
      for (int s = 0; s < offsets; s++) {
        if (s > 0) {
          kr = rotateAndRelease(kr, tokenStep);
          vr = rotateAndRelease(vr, tokenStep);
        }
        V ks = vit && s > 0 ? wrapCombine(kr, s) : kr;
        V prod = be.mul(q, ks);
        if (ks != kr) {
          be.release(ks);
        }
        V headSum = SlotSums.sumWindow(be, prod, dHead);
        be.release(prod);
        V score = be.mulPlain(headSum, scoreMask[s]);
        be.release(headSum);
        V pw = power(score, power);
        be.release(score);
        sum = accumulate(sum, be.copy(pw));
        V weights = SlotSums.replicate(be, pw, dHead);
        be.release(pw);
        V vs = vit && s > 0 ? wrapCombine(vr, s) : vr;
        V term = be.mul(weights, vs);
        be.release(weights);
        if (vs != vr) {
          be.release(vs);
        }
        acc = accumulate(acc, term);
      }
      be.release(q);
      be.release(kr);
      be.release(vr);
      V meanRep = SlotSums.replicate(be, sum, dHead);
      be.release(sum);
      List<V> r = guard.ensure(List.of(acc, meanRep), 2,
          InverseOps.goldschmidtDepth(invIterations, invLo, invHi));
      acc = r.get(0);
      V denom = be.addConst(r.get(1), invEps);
      be.release(r.get(1));
      // k = 9 takes 10 levels (c == 1), more than n16384 has between refreshes: the block refreshes inside.
      V inv = InverseOps.goldschmidtInverse(be, denom, invLo, invHi, invIterations);
      be.release(denom);
      r = guard.ensure(List.of(acc, inv), 2, 2);
      V o = be.mul(r.get(0), r.get(1));
      be.release(r.get(0));
      be.release(r.get(1));
      V proj = ops.out.apply(be, o);
      be.release(o);
      V out = be.addPlain(proj, ops.outBias);
      be.release(proj);
      return out;
    }

    /** ViT key/value of offset s: rows t < T - s from {@code (t + s)}, rows t >= T - s from {@code t + s - T}. */
    private V wrapCombine(V moved, int s) {
      V wrapped = be.rotate(moved, -layout.blockSize());
      V direct = be.mulPlain(moved, keyMaskDirect[s]);
      V wrap = be.mulPlain(wrapped, keyMaskWrap[s]);
      be.release(wrapped);
      V out = be.add(direct, wrap);
      be.release(direct);
      be.release(wrap);
      return out;
    }

    private V rotateAndRelease(V a, int steps) {
      V r = be.rotate(a, steps);
      be.release(a);
      return r;
    }

    private V accumulate(V acc, V term) {
      if (acc == null) {
        return term;
      }
      V s = be.add(acc, term);
      be.release(acc);
      be.release(term);
      return s;
    }

    /** {@code a^p} by squarings (and one product per odd step); depth {@link #powerDepth}. */
    private V power(V a, int p) {
      if (p == 1) {
        return be.copy(a);
      }
      if (p % 2 == 0) {
        V h = power(a, p / 2);
        V r = be.square(h);
        be.release(h);
        return r;
      }
      V h = power(a, p - 1);
      V r = be.mul(h, a);
      be.release(h);
      return r;
    }

    /** MLP with the polynomial activation; consumes {@code n}. */
    private V mlp(LayerOps ops, V n) {
      int actDepth = activation.depth();
      V in = guard.ensure(n, 2 + actDepth);
      List<V> raw = LinearTransform.applyAll(be, in, ops.fc1);
      be.release(in);
      List<V> hidden = new ArrayList<>();
      for (int part = 0; part < raw.size(); part++) {
        hidden.add(be.addPlain(raw.get(part), ops.fc1Bias.get(part)));
        be.release(raw.get(part));
      }
      int[] needs = new int[hidden.size()];
      java.util.Arrays.fill(needs, actDepth + 1);
      hidden = guard.ensure(hidden, needs);
      List<V> act = new ArrayList<>();
      for (V h : hidden) {
        act.add(activation.evaluate(be, h));
        be.release(h);
      }
      V s = LinearTransform.applySum(be, act, ops.fc2);
      act.forEach(be::release);
      V out = be.addPlain(s, ops.fc2Bias);
      be.release(s);
      return out;
    }

    /** LM head for the input whose last row is at slots 0..d-1: masked there, replicated with period d, one map. */
    private V lastPositionLogits(V moved) {
      V atZero = be.mulPlain(moved, firstRowMask);
      V rep = SlotSums.replicate(be, atZero, headReplicas, d);
      be.release(atZero);
      V l = head.apply(be, rep);
      be.release(rep);
      V out = be.addPlain(l, headBias);
      be.release(l);
      return out;
    }
  }

  /** Levels {@code a^p} takes with the squaring scheme of the program. */
  static int powerDepth(int p) {
    if (p <= 1) {
      return 0;
    }
    return p % 2 == 0 ? powerDepth(p / 2) + 1 : Math.max(powerDepth(p - 1), 0) + 1;
  }
}
