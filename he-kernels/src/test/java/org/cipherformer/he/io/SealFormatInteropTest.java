package org.cipherformer.he.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.cipherformer.he.CoeffModulus;
import org.cipherformer.he.EncryptionParameters;
import org.cipherformer.he.ParameterChain;
import org.cipherformer.he.SealOracle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SEAL 4.1 format against node-seal: every object type node-seal saves (none, zlib, zstd; seeded and not) parses;
 * re-serialized uncompressed it is byte-identical to node-seal's own uncompressed save; what we write in every
 * mode loads in node-seal, and ciphertexts, keys and secret keys keep working there (decryption gives the
 * encrypted values).
 */
class SealFormatInteropTest {
  static final int N = 8192;
  static final int[] BITS = {60, 40, 40, 60};
  static final double SCALE = Math.pow(2, 40);
  static final double[] VALUES = {0.5, -1.25, 3.0, 2.0, 0.125};
  static final List<String> ALL = List.of("none", "zlib", "zstd");

  // Op indexes in the first job.
  static final int PARMS = 0;
  static final int SK = 1;
  static final int PK = 2;
  static final int PK_SEEDED = 3;
  static final int RK = 4;
  static final int RK_SEEDED = 5;
  static final int GK = 6;
  static final int GK_SEEDED = 7;
  static final int PT = 8;
  static final int CT = 9;
  static final int CT_SEEDED = 10;
  static final int CT_SYM = 11;
  static final int CT_LAST_LEVEL = 12;
  static final int CT_PRODUCT = 13;
  static final int DECRYPT_CT = 14;

  static ParameterChain chain;
  static SealReader reader;
  static JsonNode sealObjects;

  @BeforeAll
  static void makeObjectsWithNodeSeal() throws Exception {
    chain = ParameterChain.create(EncryptionParameters.ckks(N, CoeffModulus.create(N, BITS)));
    reader = new SealReader(chain);
    ObjectNode job = SealOracle.job(N, BITS);
    comprs(SealOracle.op(job, "parms"), ALL);
    comprs(SealOracle.op(job, "keygen").put("as", "sk"), ALL);
    comprs(SealOracle.op(job, "publicKey").put("as", "pk"), ALL);
    comprs(SealOracle.op(job, "publicKey").put("as", "pks").put("seeded", true), ALL);
    comprs(SealOracle.op(job, "relinKeys").put("as", "rk"), List.of("none"));
    comprs(SealOracle.op(job, "relinKeys").put("as", "rks").put("seeded", true), ALL);
    ObjectNode gk = comprs(SealOracle.op(job, "galoisKeys").put("as", "gk"), List.of("none"));
    gk.putArray("steps").add(1).add(-1);
    ObjectNode gks = comprs(SealOracle.op(job, "galoisKeys").put("as", "gks").put("seeded", true), ALL);
    gks.putArray("steps").add(1).add(2);
    comprs(values(SealOracle.op(job, "encode").put("as", "pt")), ALL);
    comprs(values(SealOracle.op(job, "encrypt").put("as", "ct")), ALL);
    comprs(values(SealOracle.op(job, "encrypt").put("as", "cts").put("mode", "symmetric").put("seeded", true)), ALL);
    comprs(values(SealOracle.op(job, "encrypt").put("as", "ctsym").put("mode", "symmetric")), List.of("none"));
    comprs(values(SealOracle.op(job, "encrypt").put("as", "ctlow").put("chainIndex", 0)), List.of("none"));
    SealOracle.op(job, "eval").put("fn", "multiply").put("as", "m").putArray("args").add("ct").add("ct");
    SealOracle.op(job, "decrypt").put("name", "ct").put("count", VALUES.length);
    sealObjects = SealOracle.run(job);
  }

  private static ObjectNode comprs(ObjectNode op, List<String> modes) {
    ArrayNode a = op.putArray("compr");
    modes.forEach(a::add);
    return op;
  }

  private static ObjectNode values(ObjectNode op) {
    ArrayNode v = op.putArray("values");
    for (double d : VALUES) {
      v.add(d);
    }
    op.put("scale", SCALE);
    return op;
  }

  private static byte[] seal(int op, String compr) {
    return SealOracle.data(sealObjects, op, compr);
  }

  @FunctionalInterface
  interface Parse {
    byte[] parseAndWriteUncompressed(byte[] bytes) throws Exception;
  }

  /** For each saved compression: parse, write uncompressed, compare with node-seal's uncompressed bytes. */
  private static void assertReserializesIdentically(int op, List<String> modes, Parse p) throws Exception {
    byte[] expected = seal(op, "none");
    for (String c : modes) {
      assertArrayEquals(expected, p.parseAndWriteUncompressed(seal(op, c)), "op " + op + " saved with " + c);
    }
  }

  @Test
  void encryptionParameters() throws Exception {
    assertReserializesIdentically(
        PARMS, ALL, b -> SealWriter.write(SealReader.readEncryptionParameters(b), ComprMode.NONE));
    assertEquals(chain.keyLevel().parms(), SealReader.readEncryptionParameters(seal(PARMS, "zstd")));
  }

  @Test
  void secretKey() throws Exception {
    assertReserializesIdentically(SK, ALL, b -> SealWriter.write(reader.readSecretKey(b), ComprMode.NONE));
    PlaintextData sk = reader.readSecretKey(seal(SK, "none"));
    assertEquals(chain.keyLevel().parmsId(), sk.parmsId());
    assertEquals(N * 4, sk.coeffCount());
  }

  @Test
  void publicKeysSeededAndNot() throws Exception {
    assertReserializesIdentically(PK, ALL, b -> SealWriter.write(reader.readPublicKey(b), ComprMode.NONE));
    assertReserializesIdentically(
        PK_SEEDED, ALL, b -> SealWriter.write(reader.readPublicKey(b), ComprMode.NONE));
    CiphertextData pk = reader.readPublicKey(seal(PK, "none"));
    assertNull(pk.seed());
    assertEquals(2 * N * 4, pk.data().length);
    CiphertextData pks = reader.readPublicKey(seal(PK_SEEDED, "zstd"));
    assertNotNull(pks.seed());
    assertEquals(PrngType.BLAKE2XB, pks.seed().type());
    assertEquals(N * 4, pks.data().length, "seeded: c0 only");
  }

  @Test
  void relinAndGaloisKeysSeededAndNot() throws Exception {
    assertReserializesIdentically(RK, List.of("none"), b -> SealWriter.write(reader.readRelinKeys(b), ComprMode.NONE));
    assertReserializesIdentically(
        RK_SEEDED, ALL, b -> SealWriter.write(reader.readRelinKeys(b), ComprMode.NONE));
    assertReserializesIdentically(GK, List.of("none"), b -> SealWriter.write(reader.readGaloisKeys(b), ComprMode.NONE));
    assertReserializesIdentically(
        GK_SEEDED, ALL, b -> SealWriter.write(reader.readGaloisKeys(b), ComprMode.NONE));

    KSwitchKeysData rk = reader.readRelinKeys(seal(RK, "none"));
    assertEquals(chain.keyLevel().parmsId(), rk.parmsId());
    assertEquals(1, rk.keys().size());
    assertEquals(3, rk.keys().get(0).size(), "one key per data prime");
    assertNull(rk.keys().get(0).get(0).seed());
    KSwitchKeysData rks = reader.readRelinKeys(seal(RK_SEEDED, "zlib"));
    assertNotNull(rks.keys().get(0).get(2).seed());

    // Steps 1 and -1 at N = 8192: Galois elements 3 and 3^-1 mod 2N (= 3^(N/2-1)).
    KSwitchKeysData gk = reader.readGaloisKeys(seal(GK, "none"));
    assertTrue(gk.hasGaloisKey(3));
    int inverse = 1;
    for (int i = 0; i < N / 2 - 1; i++) {
      inverse = (int) ((inverse * 3L) % (2 * N));
    }
    assertTrue(gk.hasGaloisKey(inverse));
    assertFalse(gk.hasGaloisKey(9));
    long present = gk.keys().stream().filter(s -> !s.isEmpty()).count();
    assertEquals(2, present);
    KSwitchKeysData gks = reader.readGaloisKeys(seal(GK_SEEDED, "zstd"));
    assertTrue(gks.hasGaloisKey(3) && gks.hasGaloisKey(9), "steps 1 and 2");
  }

  @Test
  void plaintextsAndCiphertexts() throws Exception {
    assertReserializesIdentically(PT, ALL, b -> SealWriter.write(reader.readPlaintext(b), ComprMode.NONE));
    for (int op : new int[] {CT, CT_SEEDED}) {
      assertReserializesIdentically(op, ALL, b -> SealWriter.write(reader.readCiphertext(b), ComprMode.NONE));
    }
    for (int op : new int[] {CT_SYM, CT_LAST_LEVEL, CT_PRODUCT}) {
      assertReserializesIdentically(
          op, List.of("none"), b -> SealWriter.write(reader.readCiphertext(b), ComprMode.NONE));
    }
    CiphertextData ct = reader.readCiphertext(seal(CT, "zstd"));
    assertEquals(chain.firstDataLevel().parmsId(), ct.parmsId());
    assertEquals(SCALE, ct.scale());
    assertTrue(ct.nttForm());
    assertEquals(3, ct.coeffModulusSize());
    assertEquals(3, reader.readCiphertext(seal(CT_PRODUCT, "none")).size());
    CiphertextData low = reader.readCiphertext(seal(CT_LAST_LEVEL, "none"));
    assertEquals(chain.lastLevel().parmsId(), low.parmsId());
    assertEquals(1, low.coeffModulusSize());
    CiphertextData seeded = reader.readCiphertext(seal(CT_SEEDED, "zlib"));
    assertTrue(seeded.isSeeded());
    assertEquals(N * 3, seeded.data().length);
  }

  @Test
  void objectsWeWriteLoadAndWorkInNodeSeal() throws Exception {
    // Parse node-seal's objects and write them back in every mode; node-seal must load and use them.
    PlaintextData sk = reader.readSecretKey(seal(SK, "zstd"));
    CiphertextData ct = reader.readCiphertext(seal(CT, "none"));
    CiphertextData cts = reader.readCiphertext(seal(CT_SEEDED, "none"));
    CiphertextData ctlow = reader.readCiphertext(seal(CT_LAST_LEVEL, "none"));
    CiphertextData pks = reader.readPublicKey(seal(PK_SEEDED, "none"));
    KSwitchKeysData rks = reader.readRelinKeys(seal(RK_SEEDED, "none"));
    KSwitchKeysData gks = reader.readGaloisKeys(seal(GK_SEEDED, "none"));

    ObjectNode job = SealOracle.job(N, BITS);
    load(job, "secretKey", "sk", SealWriter.write(sk, ComprMode.ZSTD));
    String[] ctNames = new String[3];
    int i = 0;
    for (ComprMode mode : ComprMode.values()) {
      ctNames[i] = "ct_" + mode;
      load(job, "ciphertext", ctNames[i++], SealWriter.write(ct, mode));
    }
    load(job, "ciphertext", "cts", SealWriter.write(cts, ComprMode.ZLIB));
    load(job, "ciphertext", "ctlow", SealWriter.write(ctlow, ComprMode.NONE));
    load(job, "publicKey", "pk", SealWriter.write(pks, ComprMode.ZSTD));
    load(job, "relinKeys", "rk", SealWriter.write(rks, ComprMode.ZLIB));
    load(job, "galoisKeys", "gk", SealWriter.write(gks, ComprMode.ZSTD));
    List<Integer> plainDecrypts = new java.util.ArrayList<>();
    for (String name : ctNames) {
      plainDecrypts.add(decrypt(job, name));
    }
    plainDecrypts.add(decrypt(job, "cts"));
    plainDecrypts.add(decrypt(job, "ctlow"));
    values(SealOracle.op(job, "encrypt").put("as", "fresh").put("publicKey", "pk"));
    plainDecrypts.add(decrypt(job, "fresh"));
    SealOracle.op(job, "eval").put("fn", "multiply").put("as", "m").putArray("args").add("ct_NONE").add("cts");
    SealOracle.op(job, "eval").put("fn", "relinearize").put("as", "r").putArray("args").add("m");
    int squareDecrypt = decrypt(job, "r");
    SealOracle.op(job, "eval").put("fn", "rotate_vector").put("steps", 2).put("as", "rot").putArray("args").add("ct_ZSTD");
    int rotateDecrypt = decrypt(job, "rot");

    JsonNode results = SealOracle.run(job).get("results");
    for (int d : plainDecrypts) {
      assertValues(VALUES, results.get(d), 1e-5);
    }
    double[] squares = new double[VALUES.length];
    for (int k = 0; k < VALUES.length; k++) {
      squares[k] = VALUES[k] * VALUES[k];
    }
    assertValues(squares, results.get(squareDecrypt), 1e-3);
    double[] rotated = {VALUES[2], VALUES[3], VALUES[4], 0, 0};
    assertValues(rotated, results.get(rotateDecrypt), 1e-3);
  }

  @Test
  void nodeSealDecryptsWhatItEncrypted() {
    // Sanity of the oracle itself: the values put in come out.
    assertValues(VALUES, sealObjects.get("results").get(DECRYPT_CT), 1e-5);
  }

  private static void load(ObjectNode job, String type, String as, byte[] bytes) {
    SealOracle.op(job, "load").put("type", type).put("as", as).put("data", SealOracle.base64(bytes));
  }

  /** Adds a decrypt op; returns its index in the results. */
  private static int decrypt(ObjectNode job, String name) {
    SealOracle.op(job, "decrypt").put("name", name).put("count", VALUES.length);
    return job.get("ops").size() - 1;
  }

  private static void assertValues(double[] expected, JsonNode result, double tolerance) {
    JsonNode v = result.get("values");
    assertNotNull(v, "not a decrypt result: op " + result.get("op"));
    for (int k = 0; k < expected.length; k++) {
      assertEquals(expected[k], v.get(k).asDouble(), tolerance, "slot " + k + " of " + v);
    }
  }
}
