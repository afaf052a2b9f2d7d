package org.cipherformer.threats.robustness;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Memory figures of this JVM for the soak run: resident set size and its peak from {@code /proc/self/status} (Linux;
 * native memory of the CKKS kernels is only visible there, not in the heap) and Java heap used after garbage
 * collection.
 */
final class MemoryProbe {
    private static final Path STATUS = Path.of("/proc/self/status");

    private MemoryProbe() {
    }

    /** @return VmRSS in MiB, or -1 where /proc is not available */
    static long rssMib() {
        return statusKib("VmRSS:") / 1024;
    }

    /** @return VmHWM (peak resident set since the JVM started) in MiB, or -1 where /proc is not available */
    static long peakRssMib() {
        return statusKib("VmHWM:") / 1024;
    }

    /**
     * Heap used once unreachable objects are collected: runs the collector a few times (a request to the JVM, so
     * approximate, but stable enough to compare before and after a run).
     *
     * @return heap used in MiB
     */
    static long heapUsedAfterGcMib() throws InterruptedException {
        MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return mx.getHeapMemoryUsage().getUsed() >> 20;
    }

    private static long statusKib(String field) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(field)) {
                    // "VmRSS:\t  123456 kB"
                    String[] parts = line.substring(field.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1024;
        }
        return -1024;
    }
}
