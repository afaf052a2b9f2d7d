package org.cipherformer.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.cipherformer.client.CipherformerClient;
import org.cipherformer.client.Classification;
import org.cipherformer.client.ClientOptions;
import org.cipherformer.client.InferenceListener;
import org.cipherformer.client.KeyGenerationListener;
import org.cipherformer.client.ModelSession;
import org.cipherformer.client.UploadListener;
import org.cipherformer.he.NativeHandle;
import org.cipherformer.he.ops.CkksBackend;
import org.cipherformer.he.ops.PlaintextCache;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.model.encrypted.ShippedInputs;
import org.cipherformer.server.BackendFactory;
import org.cipherformer.server.CipherformerServer;

/**
 * Server memory with concurrent CKKS inferences, encode cache shared per model against one cache per session
 * (docs/benchmarks.md, "Shared encode cache"). For each mode a server runs in a child JVM (so its peak RSS is its
 * own: {@code VmHWM} of /proc/PID/status); this process opens {@code --sessions} client sessions of the shipped ViT
 * at once (each: its own keys, upload, one single-image classification), then reads the server's peak and current
 * RSS, its encode cache figures and its live native objects, closes the sessions and reads them again.
 *
 * <p>Modes: {@code shared} (the server's default: one cache per model), {@code private} (every session's backend
 * its own cache of the same bound, as before sharing), {@code none} (no cache). Not part of the test suite: each
 * mode runs {@code --sessions} full encrypted ViT inferences (minutes on a 2-core machine).
 *
 * <pre>
 *   scripts/shared-cache-memory.sh [--modes shared,private] [--sessions 2] [--model vit-fmnist]
 * </pre>
 */
public final class SharedCacheMemoryBench {
  private SharedCacheMemoryBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length >= 1 && args[0].equals("--serve")) {
      serve(args[1], args[2]);
      return;
    }
    List<String> modes = List.of("shared", "private");
    int sessions = 2;
    String model = "vit-fmnist";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--modes" -> modes = List.of(args[++i].split(","));
        case "--sessions" -> sessions = Integer.parseInt(args[++i]);
        case "--model" -> model = args[++i];
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + " (use --modes shared,private,none --sessions N --model NAME)");
      }
    }
    List<String> rows = new ArrayList<>();
    for (String mode : modes) {
      rows.add(measure(mode, sessions, model));
      System.err.println(rows.get(rows.size() - 1));
    }
    System.out.println();
    System.out.println("| mode | sessions | peak RSS (GiB) | RSS with sessions open | RSS after close | cache bytes (GiB)"
        + " | encodings (misses) | cache hits | inference wall s | live native objects after close |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|");
    rows.forEach(System.out::println);
  }

  /** Starts a server child for mode, runs the sessions against it, returns one Markdown table row. */
  private static String measure(String mode, int sessions, String model) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // The same heap limit in every mode: the key uploads pass through the heap (about 0.6 GB per session at
    // n16384), the encode cache and keys live in native memory.
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx2g", "-cp", System.getProperty("java.class.path"),
        SharedCacheMemoryBench.class.getName(), "--serve", mode, model);
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process server = pb.start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(),
            StandardCharsets.UTF_8));
        PrintWriter in = new PrintWriter(server.getOutputStream(), true, StandardCharsets.UTF_8)) {
      int port = Integer.parseInt(expect(out, "PORT"));
      System.err.printf("mode %s: server pid %d on port %d; %d sessions start%n", mode, server.pid(), port, sessions);
      List<double[]> images = ShippedInputs.images(RepoPaths.root());
      CyclicBarrier start = new CyclicBarrier(sessions);
      ExecutorService pool = Executors.newFixedThreadPool(sessions);
      List<ModelSession> open = new ArrayList<>();
      try (CipherformerClient client = CipherformerClient.connect("127.0.0.1:" + port, ClientOptions.defaults())) {
        // Sessions open one after another (key generation and serialization are the client's memory peak), then
        // their inferences run at once.
        for (int s = 0; s < sessions; s++) {
          open.add(client.openSession(model, KeyGenerationListener.NONE, UploadListener.NONE));
          System.err.printf("mode %s: session %d open%n", mode, s);
        }
        long t1 = System.nanoTime();
        List<Future<ModelSession>> runs = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
          double[] image = images.get(s % images.size());
          int id = s;
          ModelSession session = open.get(s);
          runs.add(pool.submit(() -> {
            start.await(30, TimeUnit.MINUTES);
            long ts = System.nanoTime();
            Classification c = session.classify(List.of(image), InferenceListener.NONE);
            System.err.printf("mode %s: session %d classified as %s in %.1f s%n", mode, id, c.label(0),
                (System.nanoTime() - ts) / 1e9);
            return session;
          }));
        }
        for (Future<ModelSession> f : runs) {
          f.get();
        }
        double wall = (System.nanoTime() - t1) / 1e9;
        in.println("stats");
        String[] during = expect(out, "STATS").split(" ");
        for (ModelSession s : open) {
          s.close();
        }
        in.println("stats");
        String[] after = expect(out, "STATS").split(" ");
        in.println("exit");
        return String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.2f | %.2f | %s | %s | %.0f | %s |", mode,
            sessions, gib(during[0]), gib(during[1]), gib(after[1]), gib(during[2]), during[3], during[4], wall,
            after[5]);
      } finally {
        pool.shutdownNow();
      }
    } finally {
      if (!server.waitFor(60, TimeUnit.SECONDS)) {
        server.destroy();
      }
    }
  }

  private static double gib(String bytes) {
    return Long.parseLong(bytes) / (double) (1L << 30);
  }

  /** Reads lines until one starts with tag; returns the rest of it. */
  private static String expect(BufferedReader out, String tag) throws IOException {
    for (String line; (line = out.readLine()) != null; ) {
      if (line.startsWith(tag + " ")) {
        return line.substring(tag.length() + 1);
      }
    }
    throw new IOException("server child ended before printing " + tag);
  }

  /**
   * The child: a server in the given mode; prints {@code PORT p}, then answers each {@code stats} line on stdin
   * with {@code STATS peakRss rss cacheBytes misses hits liveNativeObjects} and stops at {@code exit} (or EOF).
   */
  private static void serve(String mode, String model) throws Exception {
    long bound = CkksBackend.DEFAULT_ENCODE_CACHE_BYTES;
    CipherformerServer.Builder b = CipherformerServer.builder().port(0).models(List.of(model))
        .maxConcurrentInferences(8);
    switch (mode) {
      case "shared" -> b.encodeCacheBytes(bound);
      case "private" -> b.backendFactory(BackendFactory.withEncodeCacheBytes(bound));
      case "none" -> b.backendFactory(BackendFactory.withEncodeCacheBytes(0));
      default -> throw new IllegalArgumentException("mode must be shared, private or none, got " + mode);
    }
    PrintStream out = System.out;
    try (CipherformerServer server = b.start()) {
      out.println("PORT " + server.port());
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null && !line.equals("exit"); ) {
        if (line.equals("stats")) {
          long cacheBytes = 0;
          long misses = 0;
          long hits = 0;
          if (server.encodeCaches() != null) {
            for (var m : server.models().models()) {
              PlaintextCache c = server.encodeCaches().cache(m);
              if (c != null) {
                cacheBytes += c.bytes();
                misses += c.misses();
                hits += c.hits();
              }
            }
          }
          String status = Files.readString(Path.of("/proc/self/status"));
          out.printf(Locale.ROOT, "STATS %d %d %d %s %s %d%n", kib(status, "VmHWM:") * 1024,
              kib(status, "VmRSS:") * 1024, cacheBytes, server.encodeCaches() != null ? misses : "-",
              server.encodeCaches() != null ? hits : "-", NativeHandle.liveHandles());
          out.flush();
        }
      }
    }
  }

  /** A "Name:   123 kB" field of /proc/self/status, in KiB. */
  private static long kib(String status, String field) {
    for (String line : status.split("\n")) {
      if (line.startsWith(field)) {
        return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
      }
    }
    throw new IllegalStateException("no " + field + " in /proc/self/status");
  }
}
