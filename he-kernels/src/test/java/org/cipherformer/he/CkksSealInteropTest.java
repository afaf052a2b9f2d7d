package org.cipherformer.he;

import static org.cipherformer.he.CkksTestFixture.SCALE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.cipherformer.he.io.ComprMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Interop of the Java CKKS API with real SEAL 4.1 (node-seal 6.0.3 through interop/seal-oracle.js, no mocks):
 * (a) node-seal's keys and ciphertexts load and work here; (b) ours load and decrypt in node-seal; (c) every Evaluator
 * operation, on the same serialized inputs and keys, gives byte-identical serialized results here and in SEAL.
 */
class CkksSealInteropTest {
  private static final double[] VALUES = {0.5, -0.25, 0.125, 1.0, -1.0, 0.75, 0.3, -0.6, 0.9, 0.01, -0.02, 0.4};
  private static final String[] MODES = {"none", "zlib", "zstd"};
  /** operation -> N -> byte-identical. */
  private static final Map<String, Map<Integer, Boolean>> MATRIX = new TreeMap<>();

  private static ArrayNode compr(ObjectNode op, String... modes) {
    ArrayNode a = op.putArray("compr");
    for (String m : modes) {
      a.add(m);
    }
    return a;
  }

  private static void values(ObjectNode op) {
    ArrayNode a = op.putArray("values");
    for (double v : VALUES) {
      a.add(v);
    }
    op.put("scale", SCALE);
  }

  private static ComprMode mode(String name) {
    return ComprMode.valueOf(name.toUpperCase());
  }

  private static void assertValues(double[] expected, double[] actual, double tolerance, String what) {
    for (int i = 0; i < expected.length; i++) {
      if (!(Math.abs(expected[i] - actual[i]) <= tolerance)) {
        throw new AssertionError(what + ": slot " + i + " expected " + expected[i] + " got " + actual[i]);
      }
    }
  }

  private static double[] decodedValues(JsonNode result) {
    JsonNode v = result.get("values");
    double[] out = new double[v.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = v.get(i).asDouble();
    }
    return out;
  }

  @Test
  void nodeSealKeysAndCiphertextsWorkHere() throws Exception {
    ObjectNode job = SealOracle.job(8192, 60, 40, 40, 60);
    compr(SealOracle.op(job, "keygen").put("as", "sk"), MODES); // 0
    compr(SealOracle.op(job, "publicKey").put("as", "pk"), MODES); // 1
    compr(SealOracle.op(job, "publicKey").put("as", "pks").put("seeded", true), MODES); // 2
    compr(SealOracle.op(job, "relinKeys").put("as", "rks").put("seeded", true), "zstd"); // 3
    ObjectNode gk = SealOracle.op(job, "galoisKeys").put("as", "gks").put("seeded", true); // 4
    gk.putArray("steps").add(1);
    compr(gk, "none");
    ObjectNode ct = SealOracle.op(job, "encrypt").put("as", "ct"); // 5
    values(ct);
    compr(ct, MODES);
    ObjectNode cts = SealOracle.op(job, "encrypt").put("as", "cts").put("mode", "symmetric").put("seeded", true);
    values(cts); // 6
    compr(cts, MODES);
    compr(SealOracle.op(job, "relinKeys").put("as", "rk"), MODES); // 7
    ObjectNode gkFull = SealOracle.op(job, "galoisKeys").put("as", "gk"); // 8
    gkFull.putArray("steps").add(1);
    compr(gkFull, "zlib");
    JsonNode result = SealOracle.run(job);

    try (CkksContext context = CkksContext.create(EncryptionParameters.ckks(8192, CoeffModulus.create(8192, 60, 40, 40, 60)));
        CkksEncoder encoder = new CkksEncoder(context);
        Evaluator evaluator = new Evaluator(context)) {
      for (String skMode : MODES) {
        try (SecretKey sk = SecretKey.load(context, SealOracle.data(result, 0, skMode));
            Decryptor decryptor = new Decryptor(context, sk)) {
          Supplier<String> where = () -> "secret key (" + skMode + ")";
          for (String m : MODES) {
            for (int op : new int[] {5, 6}) {
              try (Ciphertext c = Ciphertext.load(context, SealOracle.data(result, op, m));
                  Plaintext p = decryptor.decrypt(c)) {
                assertValues(VALUES, encoder.decode(p), 1e-5, where.get() + " decrypting node-seal op " + op + " " + m);
              }
            }
            for (int op : new int[] {1, 2}) {
              try (PublicKey pk = PublicKey.load(context, SealOracle.data(result, op, m));
                  Encryptor enc = new Encryptor(context, pk);
                  Plaintext p = encoder.encode(VALUES, SCALE);
                  Ciphertext c = enc.encrypt(p);
                  Plaintext d = decryptor.decrypt(c)) {
                assertValues(VALUES, encoder.decode(d), 1e-5, "node-seal public key op " + op + " " + m);
              }
            }
          }
          try (RelinKeys rk = RelinKeys.load(context, SealOracle.data(result, 3, "zstd"));
              GaloisKeys gks = GaloisKeys.load(context, SealOracle.data(result, 4, "none"));
              Ciphertext c = Ciphertext.load(context, SealOracle.data(result, 5, "none"));
              Ciphertext sq = evaluator.square(c)) {
            evaluator.relinearizeInplace(sq, rk);
            evaluator.rescaleToNextInplace(sq);
            double[] squares = Arrays.stream(VALUES).map(v -> v * v).toArray();
            try (Plaintext d = decryptor.decrypt(sq)) {
              assertValues(squares, encoder.decode(d), 1e-4, "square relinearized with node-seal's seeded relin key");
            }
            try (Ciphertext r = evaluator.rotateVector(c, 1, gks); Plaintext d = decryptor.decrypt(r)) {
              double[] rotated = Arrays.copyOfRange(VALUES, 1, VALUES.length);
              assertValues(rotated, encoder.decode(d), 1e-4, "rotation with node-seal's seeded Galois key");
            }
          }
          for (String m : MODES) {
            try (RelinKeys rk = RelinKeys.load(context, SealOracle.data(result, 7, m));
                Ciphertext c = Ciphertext.load(context, SealOracle.data(result, 6, m));
                Ciphertext sq = evaluator.square(c)) {
              evaluator.relinearizeInplace(sq, rk);
              double[] squares = Arrays.stream(VALUES).map(v -> v * v).toArray();
              try (Plaintext d = decryptor.decrypt(sq)) {
                assertValues(squares, encoder.decode(d), 1e-4, "node-seal's full relin key (" + m + ")");
              }
            }
          }
          try (GaloisKeys gkLoaded = GaloisKeys.load(context, SealOracle.data(result, 8, "zlib"));
              Ciphertext c = Ciphertext.load(context, SealOracle.data(result, 5, "zstd"));
              Ciphertext r = evaluator.rotateVector(c, 1, gkLoaded);
              Plaintext d = decryptor.decrypt(r)) {
            double[] rotated = Arrays.copyOfRange(VALUES, 1, VALUES.length);
            assertValues(rotated, encoder.decode(d), 1e-4, "rotation with node-seal's full Galois key");
          }
        }
      }
    }
  }

  @Test
  void ourKeysAndCiphertextsWorkInNodeSeal() throws Exception {
    try (CkksTestFixture f = new CkksTestFixture(8192, new int[] {60, 40, 40, 60}, new int[] {1});
        PublicKey pks = f.keyGenerator.createPublicKeySeeded();
        RelinKeys rks = f.keyGenerator.createRelinKeysSeeded();
        GaloisKeys gks = f.keyGenerator.createGaloisKeysSeeded(new int[] {1});
        Plaintext p = f.encoder.encode(VALUES, SCALE);
        Ciphertext ctPublic = f.encryptor.encrypt(p);
        Ciphertext ctSymmetric = f.encryptor.encryptSymmetric(p);
        Ciphertext ctSeeded = f.encryptor.encryptSymmetricSeeded(p)) {
      ObjectNode job = SealOracle.job(8192, 60, 40, 40, 60);
      SealOracle.op(job, "load").put("type", "secretKey").put("as", "sk")
          .put("data", SealOracle.base64(f.secretKey.save(ComprMode.ZSTD)));
      List<String> decrypted = new ArrayList<>();
      Map<String, Ciphertext> cts = Map.of("public", ctPublic, "symmetric", ctSymmetric, "seeded", ctSeeded);
      for (Map.Entry<String, Ciphertext> e : new TreeMap<>(cts).entrySet()) {
        for (String m : MODES) {
          String name = e.getKey() + "_" + m;
          SealOracle.op(job, "load").put("type", "ciphertext").put("as", name)
              .put("data", SealOracle.base64(e.getValue().save(mode(m))));
          SealOracle.op(job, "decrypt").put("name", name).put("count", VALUES.length);
          decrypted.add(name);
        }
      }
      Map<String, PublicKey> pks2 = Map.of("pk", f.publicKey, "pks", pks);
      for (Map.Entry<String, PublicKey> e : new TreeMap<>(pks2).entrySet()) {
        for (String m : MODES) {
          String name = e.getKey() + "_" + m;
          SealOracle.op(job, "load").put("type", "publicKey").put("as", name)
              .put("data", SealOracle.base64(e.getValue().save(mode(m))));
          ObjectNode enc = SealOracle.op(job, "encrypt").put("as", "by_" + name).put("publicKey", name);
          values(enc);
          SealOracle.op(job, "decrypt").put("name", "by_" + name).put("count", VALUES.length);
          decrypted.add("encrypted with " + name);
        }
      }
      // Every key type, seeded and full, in every compression mode, must load in SEAL; each secret key decrypts.
      for (String m : MODES) {
        SealOracle.op(job, "load").put("type", "secretKey").put("as", "sk_" + m)
            .put("data", SealOracle.base64(f.secretKey.save(mode(m))));
        SealOracle.op(job, "decrypt").put("name", "public_none").put("secretKey", "sk_" + m)
            .put("count", VALUES.length);
        decrypted.add("public_none with the secret key saved " + m);
        SealOracle.op(job, "load").put("type", "relinKeys").put("as", "rks_" + m)
            .put("data", SealOracle.base64(rks.save(mode(m))));
        SealOracle.op(job, "load").put("type", "relinKeys").put("as", "rkfull_" + m)
            .put("data", SealOracle.base64(f.relinKeys.save(mode(m))));
        SealOracle.op(job, "load").put("type", "galoisKeys").put("as", "gks_" + m)
            .put("data", SealOracle.base64(gks.save(mode(m))));
        SealOracle.op(job, "load").put("type", "galoisKeys").put("as", "gkfull_" + m)
            .put("data", SealOracle.base64(f.galoisKeys.save(mode(m))));
      }
      SealOracle.op(job, "load").put("type", "relinKeys").put("as", "rk")
          .put("data", SealOracle.base64(rks.save(ComprMode.NONE)));
      SealOracle.op(job, "load").put("type", "galoisKeys").put("as", "gk")
          .put("data", SealOracle.base64(gks.save(ComprMode.ZLIB)));
      SealOracle.op(job, "eval").put("fn", "square").put("as", "sq").putArray("args").add("seeded_none");
      SealOracle.op(job, "eval").put("fn", "relinearize").put("as", "r").putArray("args").add("sq");
      SealOracle.op(job, "eval").put("fn", "rescale_to_next").put("as", "rs").putArray("args").add("r");
      SealOracle.op(job, "decrypt").put("name", "rs").put("count", VALUES.length);
      SealOracle.op(job, "eval").put("fn", "rotate_vector").put("steps", 1).put("as", "rot").putArray("args")
          .add("public_zstd");
      SealOracle.op(job, "decrypt").put("name", "rot").put("count", VALUES.length);
      // A hoisted rotation (beyond SEAL) is an ordinary SEAL ciphertext too.
      Ciphertext[] hoisted = f.evaluator.rotateHoisted(ctPublic, new int[] {1}, gks);
      try (Ciphertext h = hoisted[0]) {
        SealOracle.op(job, "load").put("type", "ciphertext").put("as", "hoisted")
            .put("data", SealOracle.base64(h.save(ComprMode.ZSTD)));
      }
      SealOracle.op(job, "decrypt").put("name", "hoisted").put("count", VALUES.length);
      JsonNode results = SealOracle.run(job).get("results");

      int checked = 0;
      for (JsonNode r : results) {
        if (r.get("op").asText().equals("decrypt") && checked < decrypted.size()) {
          assertValues(VALUES, decodedValues(r), 1e-5, "node-seal decrypting our " + decrypted.get(checked));
          checked++;
        }
      }
      assertEquals(decrypted.size(), checked);
      int n = results.size();
      double[] squares = Arrays.stream(VALUES).map(v -> v * v).toArray();
      assertValues(squares, decodedValues(results.get(n - 5)), 1e-4, "node-seal: square + our seeded relin key");
      double[] rotated = Arrays.copyOfRange(VALUES, 1, VALUES.length);
      assertValues(rotated, decodedValues(results.get(n - 3)), 1e-4, "node-seal: rotation with our seeded Galois key");
      assertValues(rotated, decodedValues(results.get(n - 1)), 1e-4, "node-seal: decrypting our hoisted rotation");
    }
  }

  /** One evaluator operation run on both sides. */
  private record Op(String name, String fn, String[] args, Integer steps) {}

  private static List<Op> allOps() {
    return List.of(
        new Op("add", "add", new String[] {"x", "y"}, null),
        new Op("sub", "sub", new String[] {"x", "y"}, null),
        new Op("negate", "negate", new String[] {"x"}, null),
        new Op("add_plain", "add_plain", new String[] {"x", "p"}, null),
        new Op("sub_plain", "sub_plain", new String[] {"x", "p"}, null),
        new Op("multiply", "multiply", new String[] {"x", "y"}, null),
        new Op("square", "square", new String[] {"x"}, null),
        new Op("multiply_plain", "multiply_plain", new String[] {"x", "p"}, null),
        new Op("relinearize", "relinearize", new String[] {"multiply"}, null),
        new Op("rescale_to_next", "rescale_to_next", new String[] {"relinearize"}, null),
        new Op("mod_switch_to_next", "mod_switch_to_next", new String[] {"x"}, null),
        new Op("mod_switch_to_next (plain)", "mod_switch_to_next_plain", new String[] {"p"}, null),
        new Op("rotate_vector 1", "rotate_vector", new String[] {"x"}, 1),
        new Op("rotate_vector -1", "rotate_vector", new String[] {"x"}, -1),
        new Op("rotate_vector 7", "rotate_vector", new String[] {"x"}, 7),
        new Op("rotate_vector 3 (NAF: 4 - 1)", "rotate_vector", new String[] {"x"}, 3),
        new Op("complex_conjugate", "complex_conjugate", new String[] {"x"}, null));
  }

  private static List<Op> largeOps() {
    return List.of(
        new Op("multiply", "multiply", new String[] {"x", "y"}, null),
        new Op("relinearize", "relinearize", new String[] {"multiply"}, null),
        new Op("rescale_to_next", "rescale_to_next", new String[] {"relinearize"}, null),
        new Op("rotate_vector 1", "rotate_vector", new String[] {"x"}, 1));
  }

  @Test
  void everyOperationIsByteIdenticalAt8192() throws Exception {
    byteIdentity(8192, new int[] {60, 40, 40, 60}, new int[] {0, 1, -1, 4, 7}, allOps());
  }

  @Test
  void everyOperationIsByteIdenticalAt16384() throws Exception {
    byteIdentity(16384, new int[] {60, 50, 50, 50, 60}, new int[] {0, 1, -1, 4, 7}, allOps());
  }

  @Test
  void keySwitchingIsByteIdenticalAt32768() throws Exception {
    byteIdentity(32768, new int[] {60, 50, 50, 50, 50, 60}, new int[] {1}, largeOps());
  }

  private static void byteIdentity(int n, int[] bits, int[] steps, List<Op> ops) throws Exception {
    try (CkksTestFixture f = new CkksTestFixture(n, bits, steps);
        RelinKeys rk = f.keyGenerator.createRelinKeysSeeded();
        GaloisKeys gk = f.keyGenerator.createGaloisKeysSeeded(steps);
        Evaluator ev = new Evaluator(f.context)) {
      Map<String, Object> ours = new TreeMap<>();
      double[] re = f.randomValues(n + 1);
      double[] im = f.randomValues(n + 2);
      try (Plaintext px = f.encoder.encode(re, im, f.context.firstLevel(), SCALE)) {
        ours.put("x", f.encryptor.encrypt(px));
      }
      ours.put("y", f.encrypt(f.randomValues(n + 3)));
      ours.put("p", f.encoder.encode(f.randomValues(n + 4), SCALE));
      ObjectNode job = SealOracle.job(n, bits);
      SealOracle.op(job, "load").put("type", "ciphertext").put("as", "x")
          .put("data", SealOracle.base64(((Ciphertext) ours.get("x")).save(ComprMode.NONE)));
      SealOracle.op(job, "load").put("type", "ciphertext").put("as", "y")
          .put("data", SealOracle.base64(((Ciphertext) ours.get("y")).save(ComprMode.NONE)));
      SealOracle.op(job, "load").put("type", "plaintext").put("as", "p")
          .put("data", SealOracle.base64(((Plaintext) ours.get("p")).save(ComprMode.NONE)));
      SealOracle.op(job, "load").put("type", "relinKeys").put("as", "rk")
          .put("data", SealOracle.base64(rk.save(ComprMode.NONE)));
      SealOracle.op(job, "load").put("type", "galoisKeys").put("as", "gk")
          .put("data", SealOracle.base64(gk.save(ComprMode.NONE)));
      int first = 5;
      for (Op op : ops) {
        ObjectNode o = SealOracle.op(job, "eval").put("fn", op.fn()).put("as", op.name());
        ArrayNode args = o.putArray("args");
        for (String a : op.args()) {
          args.add(a);
        }
        if (op.steps() != null) {
          o.put("steps", op.steps());
        }
      }
      long start = System.nanoTime();
      JsonNode result = SealOracle.run(job);
      System.out.printf("node-seal ran %d operations at N = %d in %.1f s%n", ops.size(), n,
          (System.nanoTime() - start) / 1e9);

      List<String> mismatches = new ArrayList<>();
      for (int i = 0; i < ops.size(); i++) {
        Op op = ops.get(i);
        Object a0 = ours.get(op.args()[0]);
        Object a1 = op.args().length > 1 ? ours.get(op.args()[1]) : null;
        Object mine = switch (op.fn()) {
          case "add" -> ev.add((Ciphertext) a0, (Ciphertext) a1);
          case "sub" -> ev.sub((Ciphertext) a0, (Ciphertext) a1);
          case "negate" -> ev.negate((Ciphertext) a0);
          case "add_plain" -> ev.addPlain((Ciphertext) a0, (Plaintext) a1);
          case "sub_plain" -> ev.subPlain((Ciphertext) a0, (Plaintext) a1);
          case "multiply" -> ev.multiply((Ciphertext) a0, (Ciphertext) a1);
          case "square" -> ev.square((Ciphertext) a0);
          case "multiply_plain" -> ev.multiplyPlain((Ciphertext) a0, (Plaintext) a1);
          case "relinearize" -> ev.relinearize((Ciphertext) a0, rk);
          case "rescale_to_next" -> ev.rescaleToNext((Ciphertext) a0);
          case "mod_switch_to_next" -> ev.modSwitchToNext((Ciphertext) a0);
          case "mod_switch_to_next_plain" -> ev.modSwitchToNext((Plaintext) a0);
          case "rotate_vector" -> ev.rotateVector((Ciphertext) a0, op.steps(), gk);
          case "complex_conjugate" -> ev.complexConjugate((Ciphertext) a0, gk);
          default -> throw new IllegalStateException(op.fn());
        };
        ours.put(op.name(), mine);
        byte[] ourBytes = mine instanceof Ciphertext c ? c.save(ComprMode.NONE) : ((Plaintext) mine).save(ComprMode.NONE);
        byte[] sealBytes = SealOracle.data(result, first + i, "none");
        boolean identical = Arrays.equals(ourBytes, sealBytes);
        MATRIX.computeIfAbsent(op.name(), k -> new TreeMap<>()).put(n, identical);
        if (!identical) {
          mismatches.add(op.name() + " (" + describeDifference(ourBytes, sealBytes) + ")");
        }
      }
      for (Object o : ours.values()) {
        ((AutoCloseable) o).close();
      }
      assertTrue(mismatches.isEmpty(), "not byte-identical to SEAL at N = " + n + ": " + mismatches);
    }
  }

  private static String describeDifference(byte[] a, byte[] b) {
    if (a.length != b.length) {
      return "length " + a.length + " vs SEAL's " + b.length;
    }
    int count = 0;
    int firstIndex = -1;
    for (int i = 0; i < a.length; i++) {
      if (a[i] != b[i]) {
        count++;
        if (firstIndex < 0) {
          firstIndex = i;
        }
      }
    }
    return count + " bytes differ, first at offset " + firstIndex;
  }

  @AfterAll
  static void printMatrix() {
    if (MATRIX.isEmpty()) {
      return;
    }
    int[] ns = {8192, 16384, 32768};
    StringBuilder sb = new StringBuilder("\nByte identity with SEAL 4.1 (node-seal 6.0.3), serialized results, compression none\n");
    sb.append(String.format("%-30s", "operation"));
    for (int n : ns) {
      sb.append(String.format("%10s", "N=" + n));
    }
    sb.append('\n');
    for (Op op : allOps()) {
      Map<Integer, Boolean> row = MATRIX.getOrDefault(op.name(), Map.of());
      sb.append(String.format("%-30s", op.name()));
      for (int n : ns) {
        Boolean b = row.get(n);
        sb.append(String.format("%10s", b == null ? "-" : b ? "yes" : "NO"));
      }
      sb.append('\n');
    }
    System.out.println(sb);
  }
}
