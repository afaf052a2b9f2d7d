package org.cipherformer.model.data;

import java.util.Arrays;

/**
 * The non-overlapping next-token windows over which validation perplexity is measured (by the trainer and by the
 * accuracy report alike): window {@code w} of a stream {@code ids} with context {@code c} has the inputs
 * {@code ids[w*c .. w*c + c)} and the targets {@code ids[w*c + 1 .. w*c + c]}, so every position of a window is one
 * prediction. There are {@code (ids.length - 1) / c} windows; the tail too short for a whole window is not used.
 */
public final class TokenWindows {
    private TokenWindows() {
    }

    /**
     * @param streamLength tokens in the stream, {@code >= 0}
     * @param context      window length, {@code >= 1}
     * @return {@code max(0, (streamLength - 1) / context)}
     * @throws IllegalArgumentException if an argument is out of range
     */
    public static int count(int streamLength, int context) {
        if (context < 1 || streamLength < 0) {
            throw new IllegalArgumentException("stream length " + streamLength + " / context " + context
                    + ": need length >= 0 and context >= 1");
        }
        return streamLength == 0 ? 0 : (streamLength - 1) / context;
    }

    /**
     * @param ids     the stream
     * @param window  window index in {@code [0, count(ids.length, context))}
     * @param context window length
     * @return the window's input ids
     * @throws IndexOutOfBoundsException if the window does not exist
     */
    public static int[] inputs(int[] ids, int window, int context) {
        int off = offset(ids, window, context);
        return Arrays.copyOfRange(ids, off, off + context);
    }

    /**
     * @param ids     the stream
     * @param window  window index in {@code [0, count(ids.length, context))}
     * @param context window length
     * @return the window's targets: each input's next id
     * @throws IndexOutOfBoundsException if the window does not exist
     */
    public static int[] targets(int[] ids, int window, int context) {
        int off = offset(ids, window, context);
        return Arrays.copyOfRange(ids, off + 1, off + context + 1);
    }

    private static int offset(int[] ids, int window, int context) {
        int n = count(ids.length, context);
        if (window < 0 || window >= n) {
            throw new IndexOutOfBoundsException("window " + window + " outside [0, " + n + ") for " + ids.length
                    + " tokens and context " + context);
        }
        return window * context;
    }
}
