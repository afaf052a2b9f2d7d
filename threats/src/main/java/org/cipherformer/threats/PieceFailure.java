package org.cipherformer.threats;

import java.util.List;

/**
 * A suite piece that threw: the report shows it as an error row instead of losing the other pieces' figures.
 *
 * @param piece   the piece's name
 * @param ids     the attack ids it would have reported
 * @param error   the exception's type (simple name)
 * @param message the exception's message (and its cause's, if any)
 * @param seconds time spent before it failed
 */
public record PieceFailure(String piece, List<String> ids, String error, String message, double seconds) {
    public PieceFailure {
        ids = List.copyOf(ids);
    }

    /**
     * @param piece   the failed piece
     * @param e       what it threw
     * @param seconds time spent
     * @return the failure row
     */
    static PieceFailure of(SuitePiece piece, Throwable e, double seconds) {
        StringBuilder m = new StringBuilder(e.getMessage() == null ? "(no message)" : e.getMessage());
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            m.append("; caused by ").append(c.getClass().getSimpleName()).append(": ").append(c.getMessage());
        }
        return new PieceFailure(piece.name(), piece.ids(), e.getClass().getSimpleName(),
                m.toString().replace('\n', ' '), seconds);
    }
}
