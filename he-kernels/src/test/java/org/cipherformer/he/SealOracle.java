package org.cipherformer.he;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * Runs interop/seal-oracle.js (node-seal 6.0.3 = SEAL 4.1 in WebAssembly) as a subprocess: the independent SEAL
 * the format and parameter tests compare against. See the comment at the top of seal-oracle.js for the job format.
 *
 * <p>interop/ is found through the system property {@code cipherformer.interop.dir} (set by surefire in
 * he-kernels/pom.xml). If node-seal is not installed the tests fail, saying to run scripts/setup.sh.
 */
public final class SealOracle {
  public static final ObjectMapper JSON = new ObjectMapper();
  private static final long TIMEOUT_SECONDS = 300;

  private SealOracle() {}

  /** The interop directory, checked to hold the driver and an installed node-seal. */
  public static Path interopDir() {
    String dir = System.getProperty("cipherformer.interop.dir");
    if (dir == null) {
      throw new IllegalStateException(
          "system property cipherformer.interop.dir is not set (surefire sets it in he-kernels/pom.xml)");
    }
    Path p = Paths.get(dir).toAbsolutePath().normalize();
    if (!Files.isRegularFile(p.resolve("seal-oracle.js"))) {
      throw new IllegalStateException("no seal-oracle.js in " + p);
    }
    if (!Files.isDirectory(p.resolve("node_modules/node-seal"))) {
      throw new IllegalStateException(
          "node-seal is not installed in " + p + "/node_modules: run scripts/setup.sh (npm ci in interop/)");
    }
    return p;
  }

  /** A job for CKKS parameters CoeffModulus.Create(n, bitSizes), with an empty op list. */
  public static ObjectNode job(int n, int... bitSizes) {
    ObjectNode job = JSON.createObjectNode();
    ObjectNode params = job.putObject("params");
    params.put("n", n);
    ArrayNode bits = params.putArray("bitSizes");
    for (int b : bitSizes) {
      bits.add(b);
    }
    job.putArray("ops");
    return job;
  }

  /** Appends an op to the job and returns it for filling in. */
  public static ObjectNode op(ObjectNode job, String name) {
    if (!(job.get("ops") instanceof ArrayNode)) {
      job.putArray("ops");
    }
    ObjectNode op = ((ArrayNode) job.get("ops")).addObject();
    op.put("op", name);
    return op;
  }

  /** Runs the job; returns the parsed result (ok is true) or throws with node's error message. */
  public static JsonNode run(ObjectNode job) throws IOException, InterruptedException {
    Path dir = interopDir();
    Path jobFile = Files.createTempFile("seal-oracle-job", ".json");
    Path outFile = Files.createTempFile("seal-oracle-out", ".json");
    Path errFile = Files.createTempFile("seal-oracle-err", ".txt");
    try {
      JSON.writeValue(jobFile.toFile(), job);
      Process p =
          new ProcessBuilder("node", dir.resolve("seal-oracle.js").toString(), jobFile.toString())
              .directory(dir.toFile())
              .redirectOutput(outFile.toFile())
              .redirectError(errFile.toFile())
              .start();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("seal-oracle.js did not finish in " + TIMEOUT_SECONDS + " s");
      }
      String err = Files.readString(errFile, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IllegalStateException("seal-oracle.js exited with " + p.exitValue() + ": " + err.strip());
      }
      JsonNode result = JSON.readTree(outFile.toFile());
      if (!result.path("ok").asBoolean(false)) {
        throw new IllegalStateException("seal-oracle.js failed: " + result.path("error").asText(err));
      }
      return result;
    } finally {
      Files.deleteIfExists(jobFile);
      Files.deleteIfExists(outFile);
      Files.deleteIfExists(errFile);
    }
  }

  /** The bytes node-seal saved for op {@code index} with compression {@code compr} ("none", "zlib", "zstd"). */
  public static byte[] data(JsonNode result, int index, String compr) {
    JsonNode d = result.get("results").get(index).path("data").get(compr);
    if (d == null) {
      throw new IllegalArgumentException("op " + index + " has no " + compr + " data");
    }
    return Base64.getDecoder().decode(d.asText());
  }

  /** Base64 of bytes, for "load" ops. */
  public static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** A parms_id from the oracle's 4 hex words. */
  public static ParmsId parmsId(JsonNode words) {
    long[] w = new long[4];
    for (int i = 0; i < 4; i++) {
      w[i] = Long.parseUnsignedLong(words.get(i).asText(), 16);
    }
    return ParmsId.of(w);
  }

  /** The moduli from the oracle's hex strings. */
  public static long[] moduli(JsonNode hex) {
    long[] q = new long[hex.size()];
    for (int i = 0; i < q.length; i++) {
      q[i] = Long.parseUnsignedLong(hex.get(i).asText(), 16);
    }
    return q;
  }
}
