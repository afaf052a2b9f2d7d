package org.cipherformer.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs interop/classify-client.js (the Node.js client: node-seal + @grpc/grpc-js) as a subprocess and reads the one
 * JSON line it prints. Used by the tests that check a non-Java SEAL client against the real server.
 */
final class NodeClientProcess {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What one run printed: exit status, its JSON line, and its stderr (progress lines, error message). */
  record Result(int exitCode, JsonNode json, String stderr) {
  }

  private NodeClientProcess() {
  }

  /**
   * Null if {@code node} is on the PATH and the client's modules are installed in {@code interopDir}, else what is
   * missing (the tests skip with it).
   */
  static String missingSetup(Path interopDir) {
    for (String module : List.of("node-seal", "@grpc/grpc-js", "@grpc/proto-loader")) {
      if (!Files.isDirectory(interopDir.resolve("node_modules").resolve(module))) {
        return "interop/node_modules/" + module + " is not installed";
      }
    }
    try {
      Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "node --version did not answer in 30 s";
      }
      return p.exitValue() == 0 ? null : "node --version exited with " + p.exitValue();
    } catch (IOException e) {
      return "node is not on the PATH (" + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted while looking for node";
    }
  }

  /**
   * Runs the client from the repository root.
   *
   * @param root           repository root (holds interop/)
   * @param port           the server's loopback port
   * @param environment    extra environment variables (e.g. CIPHERFORMER_API_KEY)
   * @param timeoutSeconds the process is killed after this and the call fails
   * @param args           further command-line options
   * @return what it printed
   */
  static Result run(Path root, int port, Map<String, String> environment, long timeoutSeconds, String... args)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("classify-client-out", ".json");
    Path err = Files.createTempFile("classify-client-err", ".txt");
    try {
      List<String> command = new ArrayList<>(List.of("node",
          root.resolve("interop").resolve("classify-client.js").toString(), "--server", "127.0.0.1:" + port));
      command.addAll(List.of(args));
      ProcessBuilder pb = new ProcessBuilder(command)
          .directory(root.toFile())
          .redirectOutput(out.toFile())
          .redirectError(err.toFile());
      // Only what the test passes: no API key leaks in from the environment of the build.
      pb.environment().remove("CIPHERFORMER_API_KEY");
      pb.environment().putAll(environment);
      Process p = pb.start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        throw new AssertionError("classify-client.js did not finish in " + timeoutSeconds + " s; stderr:\n"
            + Files.readString(err, StandardCharsets.UTF_8));
      }
      String stdout = Files.readString(out, StandardCharsets.UTF_8).strip();
      String stderr = Files.readString(err, StandardCharsets.UTF_8);
      JsonNode json;
      try {
        json = JSON.readTree(stdout);
      } catch (IOException e) {
        throw new AssertionError("classify-client.js printed no JSON (exit " + p.exitValue() + "): " + stdout
            + "\nstderr:\n" + stderr, e);
      }
      if (json == null) {
        throw new AssertionError("classify-client.js printed nothing (exit " + p.exitValue() + "); stderr:\n"
            + stderr);
      }
      return new Result(p.exitValue(), json, stderr);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
