package org.cipherformer.threats.robustness;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cipherformer.he.NativeLibrary;

/**
 * The real server ({@code org.cipherformer.server.ServerMain <config.json>}) in a child JVM, so that whatever a
 * client sends can at worst kill that process, which the harness then observes (a native crash, an
 * OutOfMemoryError that ends the JVM, an exit) instead of dying with it. The child runs on this JVM's class path
 * (with the same hand-built native library, if one is set) and listens where the config says; with {@code port: 0}
 * the port is read from the server's "listening on" line.
 *
 * <p>Output of the child (stdout and stderr, and a HotSpot error report if the JVM crashes) goes to files in the
 * working directory, so {@link #logTail} can say why it died.
 */
public final class ServerProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on [^ ]*:(\\d+)");

  private final Process process;
  private final Path log;
  private final int port;

  private ServerProcess(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /**
   * Starts the server and waits until it listens.
   *
   * @param config    the server config file (docs/server-config.md)
   * @param workDir   where the child's log and crash reports go
   * @param maxHeap   the child's -Xmx, e.g. "1g"
   * @param startLimit how long to wait for the "listening on" line (plans are compiled before it)
   * @return the running server
   * @throws IOException if the child cannot be started, exits, or does not listen in time (the message holds the
   *     end of its log)
   */
  public static ServerProcess start(Path config, Path workDir, String maxHeap, Duration startLimit)
      throws IOException {
    Files.createDirectories(workDir);
    Path log = Files.createTempFile(workDir, "server-", ".log");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + maxHeap);
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:ErrorFile=" + workDir.resolve("hs_err_pid%p.log"));
    String lib = System.getProperty(NativeLibrary.LIBRARY_PATH_PROPERTY);
    if (lib != null && !lib.isBlank()) {
      cmd.add("-D" + NativeLibrary.LIBRARY_PATH_PROPERTY + "=" + lib);
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("org.cipherformer.server.ServerMain");
    cmd.add(config.toAbsolutePath().toString());
    Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    long until = System.nanoTime() + startLimit.toNanos();
    while (System.nanoTime() < until) {
      Matcher m = LISTENING.matcher(new String(Files.readAllBytes(log), StandardCharsets.UTF_8));
      if (m.find()) {
        return new ServerProcess(p, log, Integer.parseInt(m.group(1)));
      }
      if (!p.isAlive()) {
        throw new IOException("the server process exited with status " + p.exitValue() + " before listening: "
            + tail(log, 2000));
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while the server started", e);
      }
    }
    p.destroyForcibly();
    throw new IOException("the server did not listen within " + startLimit.toSeconds() + " s: " + tail(log, 2000));
  }

  /** @return the gRPC port on 127.0.0.1 */
  public int port() {
    return port;
  }

  /** @return the child's process id */
  public long pid() {
    return process.pid();
  }

  /** @return true while the child runs */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** @return the exit status, or -1 while the child runs */
  public int exitValue() {
    return process.isAlive() ? -1 : process.exitValue();
  }

  /** @return a plaintext channel to the server (the caller shuts it down) */
  public ManagedChannel channel(int maxInboundBytes) {
    return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
        .maxInboundMessageSize(maxInboundBytes).build();
  }

  /**
   * The standard gRPC health check of the whole server (no API key needed).
   *
   * @return true if the server answered SERVING within the timeout
   */
  public boolean healthy(ManagedChannel channel, Duration timeout) {
    if (!process.isAlive()) {
      return false;
    }
    try {
      HealthCheckResponse r = HealthGrpc.newBlockingStub(channel)
          .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .check(HealthCheckRequest.getDefaultInstance());
      return r.getStatus() == HealthCheckResponse.ServingStatus.SERVING;
    } catch (StatusRuntimeException e) {
      return false;
    }
  }

  /** @return the last {@code chars} characters of the child's output */
  public String logTail(int chars) {
    return tail(log, chars);
  }

  /** @return the child's log file */
  public Path log() {
    return log;
  }

  /** Graceful stop (SIGTERM: the server's drain), then a kill if it takes longer than {@code limit}. */
  public void stop(Duration limit) {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(15));
  }

  private static String tail(Path file, int chars) {
    try {
      String s = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
      return s.length() <= chars ? s : "..." + s.substring(s.length() - chars);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the server log " + file, e);
    }
  }
}
