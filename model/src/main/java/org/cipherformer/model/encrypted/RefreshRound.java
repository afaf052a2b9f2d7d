package org.cipherformer.model.encrypted;

/**
 * One client-aided refresh round of a program run: which section asked for it, how many values went through it and
 * their levels before (the client sees the number of rounds, their order and their sizes; these are public in the
 * plan).
 *
 * @param section      section that was running
 * @param values       number of values refreshed in the round
 * @param levelsBefore level of each value before the refresh
 */
public record RefreshRound(String section, int values, int[] levelsBefore) {
}
