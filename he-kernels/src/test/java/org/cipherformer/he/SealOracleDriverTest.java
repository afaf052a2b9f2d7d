package org.cipherformer.he;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.DoubleBinaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The oracle driver itself: every Evaluator function it offers computes what it should (checked by decrypting in
 * node-seal), and bad jobs fail with a message and a non-zero exit.
 */
class SealOracleDriverTest {
  static final int N = 8192;
  static final int[] BITS = {60, 40, 40, 60};
  static final double SCALE = Math.pow(2, 40);
  static final double[] A = {1.5, -2.0, 0.25, 3.0};
  static final double[] B = {0.5, 4.0, -1.0, 2.0};
  static final double[] P = {2.0, 0.5, 3.0, -1.0};

  private static ObjectNode values(ObjectNode op, double[] v) {
    ArrayNode a = op.putArray("values");
    for (double d : v) {
      a.add(d);
    }
    return op.put("scale", SCALE);
  }

  private static void eval(ObjectNode job, String fn, String as, String... args) {
    ObjectNode op = SealOracle.op(job, "eval").put("fn", fn).put("as", as);
    ArrayNode a = op.putArray("args");
    for (String s : args) {
      a.add(s);
    }
  }

  @Test
  void everyEvaluatorFunctionComputesItsResult() throws Exception {
    ObjectNode job = SealOracle.job(N, BITS);
    SealOracle.op(job, "keygen").put("as", "sk");
    SealOracle.op(job, "relinKeys").put("as", "rk");
    SealOracle.op(job, "galoisKeys").put("as", "gk").putArray("steps").add(0).add(1);
    SealOracle.op(job, "publicKey").put("as", "pk");
    values(SealOracle.op(job, "encrypt").put("as", "a"), A);
    values(SealOracle.op(job, "encrypt").put("as", "b").put("mode", "symmetric"), B);
    values(SealOracle.op(job, "encode").put("as", "p"), P);
    eval(job, "add", "add", "a", "b");
    eval(job, "sub", "sub", "a", "b");
    eval(job, "negate", "negate", "a");
    eval(job, "add_plain", "add_plain", "a", "p");
    eval(job, "sub_plain", "sub_plain", "a", "p");
    eval(job, "multiply", "multiply", "a", "b");
    eval(job, "relinearize", "relinearize", "multiply");
    eval(job, "rescale_to_next", "rescale_to_next", "relinearize");
    eval(job, "square", "square", "a");
    eval(job, "multiply_plain", "multiply_plain", "a", "p");
    eval(job, "mod_switch_to_next", "mod_switch_to_next", "a");
    SealOracle.op(job, "eval").put("fn", "rotate_vector").put("as", "rotate_vector").put("steps", 1)
        .putArray("args").add("a");
    eval(job, "complex_conjugate", "complex_conjugate", "a");

    Map<String, double[]> expected = new LinkedHashMap<>();
    expected.put("add", zip(A, B, Double::sum));
    expected.put("sub", zip(A, B, (x, y) -> x - y));
    expected.put("negate", zip(A, A, (x, y) -> -x));
    expected.put("add_plain", zip(A, P, Double::sum));
    expected.put("sub_plain", zip(A, P, (x, y) -> x - y));
    expected.put("multiply", zip(A, B, (x, y) -> x * y));
    expected.put("relinearize", expected.get("multiply"));
    expected.put("rescale_to_next", expected.get("multiply"));
    expected.put("square", zip(A, A, (x, y) -> x * y));
    expected.put("multiply_plain", zip(A, P, (x, y) -> x * y));
    expected.put("mod_switch_to_next", A);
    expected.put("rotate_vector", new double[] {A[1], A[2], A[3], 0});
    expected.put("complex_conjugate", A);
    int firstDecrypt = job.get("ops").size();
    for (String name : expected.keySet()) {
      SealOracle.op(job, "decrypt").put("name", name).put("count", A.length);
    }
    SealOracle.op(job, "info").put("name", "rescale_to_next");
    SealOracle.op(job, "info").put("name", "multiply");

    JsonNode results = SealOracle.run(job).get("results");
    int i = firstDecrypt;
    for (Map.Entry<String, double[]> e : expected.entrySet()) {
      JsonNode v = results.get(i++).get("values");
      for (int k = 0; k < A.length; k++) {
        assertEquals(e.getValue()[k], v.get(k).asDouble(), 1e-3, e.getKey() + " slot " + k + ": " + v);
      }
    }
    JsonNode rescaled = results.get(i++);
    // Fresh ciphertexts sit at the first data level (chain index 2 for four primes); rescale drops one prime.
    assertEquals(1, rescaled.get("chainIndex").asInt(), "rescale dropped one prime from chain index 2");
    JsonNode product = results.get(i);
    assertEquals(3, product.get("size").asInt());
    assertEquals(SCALE * SCALE, product.get("scale").asDouble());
    // Every eval result comes back saved uncompressed (op 7 is the first eval).
    assertTrue(results.get(7).get("data").get("none").asText().length() > 1000);
  }

  private static double[] zip(double[] x, double[] y, DoubleBinaryOperator f) {
    double[] r = new double[x.length];
    for (int k = 0; k < x.length; k++) {
      r[k] = f.applyAsDouble(x[k], y[k]);
    }
    return r;
  }

  @Test
  void badJobsFailWithAMessage() {
    ObjectNode unknownOp = SealOracle.job(4096, 40, 20, 40);
    SealOracle.op(unknownOp, "frobnicate");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> SealOracle.run(unknownOp));
    assertTrue(e.getMessage().contains("unknown op \"frobnicate\""), e.getMessage());
    assertTrue(e.getMessage().contains("exited with 2"), e.getMessage());

    ObjectNode corrupt = SealOracle.job(4096, 40, 20, 40);
    SealOracle.op(corrupt, "load").put("type", "ciphertext").put("data", SealOracle.base64(new byte[] {1, 2, 3}));
    e = assertThrows(IllegalStateException.class, () -> SealOracle.run(corrupt));
    assertTrue(e.getMessage().contains("op 0 (load) failed"), e.getMessage());
    assertTrue(e.getMessage().contains("exited with 1"), e.getMessage());

    ObjectNode missing = SealOracle.job(4096, 40, 20, 40);
    SealOracle.op(missing, "decrypt").put("name", "nothing");
    e = assertThrows(IllegalStateException.class, () -> SealOracle.run(missing));
    assertTrue(e.getMessage().contains("no object named \"nothing\""), e.getMessage());
  }
}
