package org.cipherformer.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.ToLongFunction;
import org.cipherformer.client.CipherformerClient;
import org.cipherformer.client.ClientOptions;
import org.cipherformer.client.Classification;
import org.cipherformer.client.InferenceListener;
import org.cipherformer.client.InferenceTimings;
import org.cipherformer.client.KeyGenerationListener;
import org.cipherformer.client.ModelKeys;
import org.cipherformer.client.ModelSession;
import org.cipherformer.client.UploadListener;
import org.cipherformer.model.data.FashionMnist;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.reference.ReferenceModel;
import org.cipherformer.proto.v1.ModelDescription;
import org.cipherformer.server.CipherformerServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * End-to-end benchmark through the gRPC API on loopback (scripts/api-bench.sh): latency of one single-image ViT
 * classification split into client work, key upload, server compute and refresh round trips (median of N runs,
 * each run a fresh session with the same key set), then throughput of C concurrent clients, each with its own keys
 * and session, running single-image classifications at the same time.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "End-to-end API benchmark on loopback (embedded server): single-image latency split into client "
        + "work, upload, server compute, refresh round trips (median of --runs); throughput of --clients concurrent "
        + "clients. Prints Markdown tables.")
final class BenchCommand implements Callable<Integer> {
  @Option(names = "--runs", defaultValue = "3", description = "Latency runs (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(names = "--clients", defaultValue = "4", description = "Concurrent clients (default: ${DEFAULT-VALUE}; 0 skips).")
  int clients;

  @Option(names = "--per-client", defaultValue = "1",
      description = "Inferences per concurrent client (default: ${DEFAULT-VALUE}).")
  int perClient;

  @Mixin
  OutputOptions output;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (runs < 1 || clients < 0 || perClient < 1) {
      throw new IllegalArgumentException("--runs and --per-client must be >= 1, --clients >= 0");
    }
    var out = spec.commandLine().getOut();
    FashionMnist.Samples samples = FashionMnist.shippedSamples(RepoRoot.get());
    ReferenceModel reference = new ReferenceModel(ModelDirectory.load(RepoRoot.model("vit-fmnist")));
    int agree = 0;
    int total = 0;
    try (CipherformerServer server = EmbeddedServer.start(List.of("vit-fmnist"), Math.max(1, clients));
         CipherformerClient client = CipherformerClient.connect(EmbeddedServer.target(server),
             ClientOptions.defaults())) {
      ModelDescription d = client.describe("vit-fmnist");
      out.printf(Locale.ROOT, "API benchmark: vit-fmnist, preset %s, %d cores, loopback gRPC; load average at start "
              + "%.2f%n", d.getCkks().getPreset(), Runtime.getRuntime().availableProcessors(), load());
      out.flush();
      List<InferenceTimings> timings = new ArrayList<>();
      List<Long> uploads = new ArrayList<>();
      long keygen;
      long keyBytes;
      try (ModelKeys keys = client.generateKeys(d, KeyGenerationListener.NONE)) {
        keygen = keys.generationNanos();
        keyBytes = keys.uploadBytes();
        for (int r = 0; r < runs; r++) {
          try (ModelSession s = client.openSession(keys, UploadListener.NONE)) {
            uploads.add(s.uploadNanos());
            double[] px = samples.image(r % samples.size());
            Classification c = s.classify(List.of(px), InferenceListener.NONE);
            timings.add(c.timings());
            agree += agrees(reference, px, c, 0) ? 1 : 0;
            total++;
            out.printf(Locale.ROOT, "run %d: %.2f s%n", r + 1, c.timings().totalNanos() / 1e9);
            out.flush();
          }
        }
      }
      out.printf(Locale.ROOT, "%n### Latency, one image (median of %d runs, seconds)%n%n", runs);
      out.println("| step | median s | min s | max s |");
      out.println("|---|---:|---:|---:|");
      row(out, "client: key generation (once per key set)", List.of(keygen), x -> x);
      row(out, String.format(Locale.ROOT, "upload of the evaluation keys (%.1f MB)", keyBytes / 1e6), uploads,
          x -> x);
      row(out, "client: encrypt", timings, InferenceTimings::encryptNanos);
      row(out, "server compute", timings, InferenceTimings::serverComputeNanos);
      row(out, "refresh round trips (as the server waits)", timings, InferenceTimings::refreshWaitNanos);
      row(out, "  of which client: refresh answers", timings, InferenceTimings::clientRefreshNanos);
      row(out, "  of which transfer", timings, InferenceTimings::refreshNetworkNanos);
      row(out, "client: decrypt", timings, InferenceTimings::decryptNanos);
      row(out, "input/output transfer and queueing", timings, InferenceTimings::transferNanos);
      row(out, "client: all client work (encrypt + refresh + decrypt)", timings, InferenceTimings::clientWorkNanos);
      row(out, "**inference total (encrypt to decrypt)**", timings, InferenceTimings::totalNanos);
      InferenceTimings t0 = timings.get(0);
      out.printf(Locale.ROOT, "%nper inference: %d refresh rounds, %d ciphertexts refreshed; input %.2f MB, output "
              + "%.2f MB, refresh %.2f MB in / %.2f MB out%n", t0.refreshRounds(), t0.refreshedCiphertexts(),
          t0.inputBytes() / 1e6, t0.outputBytes() / 1e6, t0.refreshBytesIn() / 1e6, t0.refreshBytesOut() / 1e6);
      out.flush();

      if (clients > 0) {
        Throughput tp = throughput(server, d, samples, reference);
        agree += tp.agree;
        total += tp.inferences;
        out.printf(Locale.ROOT, "%n### Throughput, %d concurrent clients (own keys and session each), %d "
            + "single-image inference(s) each%n%n", clients, perClient);
        out.println("| measure | value |");
        out.println("|---|---:|");
        out.printf(Locale.ROOT, "| wall time, all inferences | %.1f s |%n", tp.wallNanos / 1e9);
        out.printf(Locale.ROOT, "| throughput | %.2f inferences/min |%n", tp.inferences * 60e9 / tp.wallNanos);
        out.printf(Locale.ROOT, "| latency per inference under load, median | %.1f s |%n",
            median(tp.latencies) / 1e9);
        out.printf(Locale.ROOT, "| server compute per inference under load, median | %.1f s |%n",
            median(tp.compute) / 1e9);
        out.printf(Locale.ROOT, "| set-up per client (keygen + upload, one client at a time, median) | %.1f s |%n",
            median(tp.setup) / 1e9);
      }
      out.printf(Locale.ROOT, "%nencrypted class = plaintext class in %d of %d inferences; load average at end "
          + "%.2f%n", agree, total, load());
    }
    return agree == total ? 0 : Main.FAILED;
  }

  private record Throughput(long wallNanos, int inferences, int agree, List<Long> latencies, List<Long> compute,
                            List<Long> setup) {
  }

  private Throughput throughput(CipherformerServer server, ModelDescription d, FashionMnist.Samples samples,
                                ReferenceModel reference) throws Exception {
    CyclicBarrier ready = new CyclicBarrier(clients + 1);
    // Set-up one client at a time (not timed as throughput): serializing a key set takes over 1 GB of heap for a
    // moment, and the server buffers each upload until its keys are loaded.
    Semaphore setupSlot = new Semaphore(1);
    CyclicBarrier done = new CyclicBarrier(clients + 1);
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<long[][]>> futures = new ArrayList<>();
    try {
      for (int k = 0; k < clients; k++) {
        int id = k;
        futures.add(pool.submit(() -> {
          try (CipherformerClient c = CipherformerClient.connect(EmbeddedServer.target(server),
              ClientOptions.defaults())) {
            long s0 = System.nanoTime();
            ModelSession s;
            long setup;
            try {
              setupSlot.acquire();
              try {
                s0 = System.nanoTime();
                s = c.openSession("vit-fmnist", KeyGenerationListener.NONE, UploadListener.NONE);
                setup = System.nanoTime() - s0;
              } finally {
                setupSlot.release();
              }
            } finally {
              ready.await();
            }
            try (s) {
              long[][] r = new long[perClient + 1][];
              r[0] = new long[] {setup};
              for (int i = 0; i < perClient; i++) {
                double[] px = samples.image((id * perClient + i) % samples.size());
                Classification cl = s.classify(List.of(px), InferenceListener.NONE);
                r[i + 1] = new long[] {cl.timings().totalNanos(), cl.timings().serverComputeNanos(),
                    agrees(reference, px, cl, 0) ? 1 : 0};
              }
              return r;
            } finally {
              done.await();
            }
          }
        }));
      }
      ready.await();
      long start = System.nanoTime();
      done.await();
      long wall = System.nanoTime() - start;
      List<Long> lat = new ArrayList<>();
      List<Long> comp = new ArrayList<>();
      List<Long> setup = new ArrayList<>();
      int agree = 0;
      for (Future<long[][]> f : futures) {
        long[][] r = f.get();
        setup.add(r[0][0]);
        for (int i = 1; i < r.length; i++) {
          lat.add(r[i][0]);
          comp.add(r[i][1]);
          agree += (int) r[i][2];
        }
      }
      return new Throughput(wall, clients * perClient, agree, lat, comp, setup);
    } finally {
      pool.shutdownNow();
    }
  }

  private static boolean agrees(ReferenceModel reference, double[] px, Classification c, int i) {
    double[] want = reference.classify(px).logits()[0];
    int best = 0;
    for (int j = 1; j < want.length; j++) {
      if (want[j] > want[best]) {
        best = j;
      }
    }
    return best == c.predicted(i);
  }

  private static <T> void row(java.io.PrintWriter out, String name, List<T> xs, ToLongFunction<T> f) {
    long[] v = xs.stream().mapToLong(f).sorted().toArray();
    out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.3f |%n", name, median(v) / 1e9, v[0] / 1e9,
        v[v.length - 1] / 1e9);
  }

  private static double median(long[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
  }

  private static double median(List<Long> xs) {
    return median(xs.stream().mapToLong(Long::longValue).sorted().toArray());
  }

  private static double load() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }
}
