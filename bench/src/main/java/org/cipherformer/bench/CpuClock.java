package org.cipherformer.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * CPU time of the calling thread and of the native kernels' pool workers, in nanoseconds, from Linux's
 * {@code schedstat} (time spent running on a CPU, nanosecond resolution). The workers are not Java threads, so Java's
 * ThreadMXBean cannot see them, and the process CPU time Java offers counts in 10 ms ticks and includes JIT and GC.
 *
 * <p>Why: on a loaded machine a thread spends much of a measurement descheduled, so wall-clock time says little.
 * CPU time does not count that, and with T threads the busiest thread's CPU time estimates the wall-clock time the
 * operation would take on an idle machine (see {@link #criticalPathNanos}).
 */
final class CpuClock {
  private static final Path SELF_THREAD = Path.of("/proc/thread-self/schedstat");
  private static final Path TASKS = Path.of("/proc/self/task");

  /** A reading: the calling thread's CPU nanoseconds and each worker's, so far. */
  record Reading(long callerNanos, long[] workerNanos) {}

  /** The caller's CPU time through ThreadMXBean: the same kernel counter as schedstat, but cheap to read. */
  private static final ThreadMXBean THREAD_MX = ManagementFactory.getThreadMXBean();

  private final List<Path> workerStats;

  /** A clock for the calling thread and the given worker threads (Linux thread ids). */
  CpuClock(Set<Long> workerThreadIds) {
    workerStats = new ArrayList<>();
    for (long tid : workerThreadIds) {
      workerStats.add(TASKS.resolve(Long.toString(tid)).resolve("schedstat"));
    }
  }

  /** Whether this system offers per-thread schedstat. */
  static boolean available() {
    return Files.isReadable(SELF_THREAD);
  }

  /** The ids of this process's threads now (empty if /proc is not available). */
  static Set<Long> threadIds() {
    Set<Long> ids = new HashSet<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
      for (Path task : tasks) {
        ids.add(Long.parseLong(task.getFileName().toString()));
      }
    } catch (IOException | RuntimeException e) {
      ids.clear();
    }
    return ids;
  }

  /** A reading for the start of a measurement (workers first, the caller last, so reading is not counted). */
  Reading start() {
    long[] workers = readWorkers();
    return new Reading(THREAD_MX.getCurrentThreadCpuTime(), workers);
  }

  /** A reading for the end of a measurement (caller first, then the workers). */
  Reading stop() {
    long caller = THREAD_MX.getCurrentThreadCpuTime();
    return new Reading(caller, readWorkers());
  }

  /**
   * The CPU time of the busiest thread between two readings: the estimate of the idle-machine wall-clock time of work
   * done by the caller and its pool workers. The caller runs all serial parts and its share of each parallel loop;
   * a blocked worker uses no CPU, so {@code max(caller, each worker)} is the critical path if nothing waits on a
   * descheduled thread.
   */
  static long criticalPathNanos(Reading before, Reading after) {
    long max = after.callerNanos() - before.callerNanos();
    for (int i = 0; i < before.workerNanos().length; i++) {
      max = Math.max(max, after.workerNanos()[i] - before.workerNanos()[i]);
    }
    return max;
  }

  /** @throws UncheckedIOException naming the file if a worker's schedstat cannot be read (the pool went away) */
  private long[] readWorkers() {
    long[] nanos = new long[workerStats.size()];
    for (int i = 0; i < nanos.length; i++) {
      try {
        nanos[i] = runNanos(workerStats.get(i));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + workerStats.get(i), e);
      }
    }
    return nanos;
  }

  private static long runNanos(Path schedstat) throws IOException {
    String text = Files.readString(schedstat).trim();
    int space = text.indexOf(' ');
    return Long.parseLong(space < 0 ? text : text.substring(0, space));
  }
}
