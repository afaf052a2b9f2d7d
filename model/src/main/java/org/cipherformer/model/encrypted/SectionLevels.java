package org.cipherformer.model.encrypted;

/**
 * Level of the value entering and of the value leaving one section of the program (e.g. {@code layers.0.ln1}), on the
 * backend that ran it. Levels count down from {@code topLevel} as multiplications are rescaled; a refresh inside the
 * section brings values back up, so the exit level can be above the entry level.
 *
 * @param section section name
 * @param entry   level of the section's input (LayerNorm: the residual stream; attention and MLP: the normalized
 *                value they read)
 * @param exit    level of the section's output (LayerNorm: the normalized value; attention and MLP: the residual
 *                stream after the addition; head: the logits)
 */
public record SectionLevels(String section, int entry, int exit) {
}
