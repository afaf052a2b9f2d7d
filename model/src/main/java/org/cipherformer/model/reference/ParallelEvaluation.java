package org.cipherformer.model.reference;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.cipherformer.model.poly.RangeReport;

/**
 * Runs one evaluation step per item (an image, a token window) on a few threads, with one {@link RangeReport} per chunk
 * of items (range monitors are not thread-safe) merged at the end, and progress lines on a stream.
 *
 * <p>The step writes its result into the caller's per-item arrays (distinct indices, so no locking); the caller then
 * sums them in item order, which makes every figure independent of the thread count, bit for bit.
 */
final class ParallelEvaluation {
    /** Items per chunk: large enough to amortise task overhead, small enough to balance two threads. */
    private static final int CHUNK = 64;

    /** One evaluation step. */
    interface Step {
        /**
         * @param index  item index
         * @param ranges the chunk's range report (single-threaded use)
         */
        void run(int index, RangeReport ranges);
    }

    private ParallelEvaluation() {
    }

    /**
     * Runs {@code step} for items {@code 0 .. count-1}.
     *
     * @param label    names the run in progress lines, e.g. "vit-fmnist"
     * @param unit     what an item is, e.g. "images"
     * @param count    number of items
     * @param threads  worker threads, {@code >= 1}
     * @param progress receives about ten progress lines (null: silent)
     * @param step     the evaluation step
     * @return the merged range report
     * @throws IllegalArgumentException if threads < 1 or count < 0
     */
    static RangeReport run(String label, String unit, int count, int threads, PrintStream progress, Step step) {
        if (threads < 1 || count < 0) {
            throw new IllegalArgumentException("threads " + threads + " and count " + count + " must be >= 1 and >= 0");
        }
        int chunks = (count + CHUNK - 1) / CHUNK;
        RangeReport[] reports = new RangeReport[chunks];
        AtomicInteger done = new AtomicInteger();
        long start = System.nanoTime();
        int reportEvery = Math.max(CHUNK, count / 10);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, Math.max(1, chunks)), r -> {
            Thread t = new Thread(r, "evaluation-" + label);
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < chunks; c++) {
                int chunk = c;
                futures.add(pool.submit(() -> {
                    RangeReport ranges = new RangeReport();
                    int end = Math.min(count, (chunk + 1) * CHUNK);
                    for (int i = chunk * CHUNK; i < end; i++) {
                        step.run(i, ranges);
                    }
                    reports[chunk] = ranges;
                    int before = done.getAndAdd(end - chunk * CHUNK);
                    int after = before + end - chunk * CHUNK;
                    if (progress != null && (after / reportEvery > before / reportEvery || after == count)) {
                        progress.printf("%s: %d/%d %s, %.0f s%n", label, after, count, unit,
                                (System.nanoTime() - start) / 1e9);
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(label + ": interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(label + ": " + cause, cause);
        } finally {
            pool.shutdownNow();
        }
        RangeReport merged = new RangeReport();
        for (RangeReport r : reports) {
            merged.merge(r);
        }
        return merged;
    }
}
