package org.cipherformer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cipherformer.model.data.RepoPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon entry point: a bad file is one error line and status 2; SIGTERM runs the graceful stop. */
class ServerMainTest {
  @TempDir
  Path dir;

  @Test
  void badConfigIsOneLineNamingTheFieldAndStatus2() throws Exception {
    Path file = dir.resolve("bad.json");
    Files.writeString(file, "{\"port\": 99999}");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = ServerMain.run(file, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true));
    assertEquals(2, status);
    String text = err.toString(StandardCharsets.UTF_8);
    assertEquals("error: " + file + ": port: must be in [0, 65535], got 99999\n", text);
  }

  @Test
  void sigtermStopsTheDaemonGracefully() throws Exception {
    Path file = dir.resolve("server.json");
    // The softmax twin has no CKKS plan: nothing to compile, the process starts fast.
    Files.writeString(file, "{\"port\": 0, \"modelsDirectory\": \"" + RepoPaths.root().resolve("models")
        + "\", \"models\": [\"vit-fmnist-original\"], \"shutdownDelaySeconds\": 1, \"drainTimeoutSeconds\": 2}");
    Path stderr = dir.resolve("stderr.txt");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), ServerMain.class.getName(), file.toString())
        .redirectError(stderr.toFile()).start();
    ManagedChannel channel = null;
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      CompletableFuture<String> firstLine = CompletableFuture.supplyAsync(() -> {
        try {
          return out.readLine();
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      String line = firstLine.get(120, TimeUnit.SECONDS);
      Matcher m = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+) \\(plaintext\\), no API keys").matcher(
          String.valueOf(line));
      assertTrue(m.find(), line + " / " + Files.readString(stderr));
      channel = NettyChannelBuilder.forAddress("127.0.0.1", Integer.parseInt(m.group(1))).usePlaintext().build();
      LinkedBlockingQueue<ServingStatus> watched = new LinkedBlockingQueue<>();
      HealthGrpc.newStub(channel).watch(HealthCheckRequest.getDefaultInstance(), new StreamObserver<>() {
        @Override
        public void onNext(HealthCheckResponse r) {
          watched.add(r.getStatus());
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
        }
      });
      assertEquals(ServingStatus.SERVING, watched.poll(30, TimeUnit.SECONDS));

      p.destroy(); // SIGTERM
      assertEquals(ServingStatus.NOT_SERVING, watched.poll(30, TimeUnit.SECONDS), "the hook ran close()");
      // During the 1 s shutdown delay the port still answers.
      assertEquals(ServingStatus.NOT_SERVING, HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5,
          TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance()).getStatus());
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the daemon exits after the graceful stop");
      assertTrue(Files.readString(stderr).contains("stopping the Cipherformer server gracefully"),
          Files.readString(stderr));
    } finally {
      if (channel != null) {
        LoopbackServer.closeQuietly(channel);
      }
      p.destroyForcibly();
    }
  }
}
