package org.cipherformer.threats;

import java.util.List;

/**
 * What one suite run produced.
 *
 * @param results  every measured row, in suite order
 * @param failures pieces that threw (empty on a clean run)
 * @param ran      names of the pieces that ran (selected by {@code --only}), in order
 * @param ids      the attack ids of the pieces that ran (an id may have no rows: a piece that runs only in the
 *                 full suite, or one that failed)
 */
public record SuiteOutcome(List<AttackResult> results, List<PieceFailure> failures, List<String> ran,
                           List<String> ids) {
    public SuiteOutcome {
        results = List.copyOf(results);
        failures = List.copyOf(failures);
        ran = List.copyOf(ran);
        ids = List.copyOf(ids);
    }

    /** @return true when no piece failed */
    public boolean clean() {
        return failures.isEmpty();
    }
}
