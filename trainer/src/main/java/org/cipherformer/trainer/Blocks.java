package org.cipherformer.trainer;

import java.util.Random;

/** Initial weights of the pre-LN blocks and the final LayerNorm (shared by both network kinds). */
final class Blocks {
    private Blocks() {
    }

    static void initialize(ParameterSet p, Random r, NetShape s) {
        int d = s.dModel();
        int h = s.mlpHidden();
        // residual-branch outputs are scaled down by sqrt(2 * layers) so the residual stream's variance stays O(1)
        double residual = 1.0 / Math.sqrt(2.0 * s.layers());
        for (int i = 0; i < s.layers(); i++) {
            String l = "layers." + i;
            p.add(l + ".ln1.weight", r, -1, d);
            p.add(l + ".ln1.bias", r, 0, d);
            for (String m : new String[] {"q", "k", "v"}) {
                // smaller q, k: scores s ~ N(0, 1/4) keep eps + mean(s^4) well inside the Goldschmidt domain at start
                double gain = m.equals("v") ? 1.0 : 0.7;
                p.add(l + ".attn." + m + ".weight", r, gain / Math.sqrt(d), d, d);
                p.add(l + ".attn." + m + ".bias", r, 0, d);
            }
            p.add(l + ".attn.out.weight", r, residual / Math.sqrt(d), d, d);
            p.add(l + ".attn.out.bias", r, 0, d);
            p.add(l + ".ln2.weight", r, -1, d);
            p.add(l + ".ln2.bias", r, 0, d);
            p.add(l + ".mlp.fc1.weight", r, 1.0 / Math.sqrt(d), h, d);
            p.add(l + ".mlp.fc1.bias", r, 0, h);
            p.add(l + ".mlp.fc2.weight", r, residual / Math.sqrt(h), d, h);
            p.add(l + ".mlp.fc2.bias", r, 0, d);
        }
        p.add("final_ln.weight", r, -1, d);
        p.add("final_ln.bias", r, 0, d);
    }
}
