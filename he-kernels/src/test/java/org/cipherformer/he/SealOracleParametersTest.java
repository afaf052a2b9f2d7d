package org.cipherformer.he;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.stream.Stream;
import org.cipherformer.he.io.ComprMode;
import org.cipherformer.he.io.SealReader;
import org.cipherformer.he.io.SealWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Parameters, primes, chains and parms_ids compared with node-seal 6.0.3 (SEAL 4.1). */
class SealOracleParametersTest {
  static Stream<Arguments> bitSizeLists() {
    return Stream.of(
        Arguments.of(4096, new int[] {40, 20, 40}),
        Arguments.of(4096, new int[] {36, 36, 37}),
        Arguments.of(8192, new int[] {60, 40, 40, 60}),
        Arguments.of(8192, new int[] {50, 30, 30, 30, 50}),
        Arguments.of(16384, new int[] {60, 40, 40, 40, 40, 40, 40, 60}),
        Arguments.of(16384, new int[] {59, 50, 50, 50, 50, 50, 50, 59}),
        // Few primes at 32768: node-seal builds every level's tables, which takes minutes for long chains here.
        Arguments.of(32768, new int[] {60, 50, 50, 50, 60}));
  }

  private static void assertChainEqualsOracle(ParameterChain chain, JsonNode ctx) {
    assertTrue(ctx.get("parametersSet").asBoolean(), ctx.toString());
    JsonNode levels = ctx.get("levels");
    assertEquals(levels.size(), chain.levels().size(), "number of levels");
    for (int i = 0; i < levels.size(); i++) {
      ChainLevel mine = chain.levels().get(i);
      JsonNode theirs = levels.get(i);
      assertEquals(theirs.get("chainIndex").asInt(), mine.chainIndex(), "chain index of level " + i);
      assertArrayEquals(SealOracle.moduli(theirs.get("coeffModulus")), mine.coeffModulus(), "primes of level " + i);
      assertEquals(SealOracle.parmsId(theirs.get("parmsId")), mine.parmsId(), "parms_id of level " + i);
    }
    assertEquals(SealOracle.parmsId(ctx.get("keyParmsId")), chain.keyLevel().parmsId());
    assertEquals(SealOracle.parmsId(ctx.get("firstParmsId")), chain.firstDataLevel().parmsId());
  }

  @ParameterizedTest
  @MethodSource("bitSizeLists")
  void createPrimesChainAndParmsIdsEqualNodeSeal(int n, int[] bitSizes) throws Exception {
    ObjectNode job = SealOracle.job(n, bitSizes);
    SealOracle.op(job, "parms").putArray("compr").add("none").add("zlib").add("zstd");
    JsonNode result = SealOracle.run(job);
    JsonNode ctx = result.get("context");
    long[] mine = CoeffModulus.create(n, bitSizes);
    assertArrayEquals(SealOracle.moduli(ctx.get("coeffModulus")), mine);
    EncryptionParameters parms = EncryptionParameters.ckks(n, mine);
    assertEquals(SealOracle.parmsId(ctx.get("parmsId")), parms.parmsId());
    assertChainEqualsOracle(ParameterChain.create(parms), ctx);
    assertEquals(ctx.get("maxBitCount").asInt(), CoeffModulus.maxBitCount(n));

    // Serialized EncryptionParameters: ours equal SEAL's bytes; SEAL's (any compression) parse to ours.
    byte[] sealNone = SealOracle.data(result, 0, "none");
    assertArrayEquals(sealNone, SealWriter.write(parms, ComprMode.NONE));
    for (String c : List.of("none", "zlib", "zstd")) {
      assertEquals(parms, SealReader.readEncryptionParameters(SealOracle.data(result, 0, c)), c);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {4096, 8192, 16384, 32768})
  void bfvDefaultEqualsNodeSealAndParmsWeWriteLoadInNodeSeal(int n) throws Exception {
    EncryptionParameters parms = EncryptionParameters.ckks(n, CoeffModulus.bfvDefault(n));
    ObjectNode job = SealOracle.JSON.createObjectNode();
    job.putObject("params").put("n", n).put("bfvDefault", true);
    job.put("expandModChain", false);
    // Parameters we serialize (zstd) load in node-seal, which computes their parms_id itself.
    ObjectNode load = SealOracle.op(job, "load");
    load.put("type", "parms").put("data", SealOracle.base64(SealWriter.write(parms, ComprMode.ZSTD)));
    JsonNode result = SealOracle.run(job);
    JsonNode ctx = result.get("context");
    assertArrayEquals(SealOracle.moduli(ctx.get("coeffModulus")), CoeffModulus.bfvDefault(n));
    assertEquals(SealOracle.parmsId(ctx.get("keyParmsId")), parms.parmsId());
    assertEquals(
        SealOracle.parmsId(result.get("results").get(0).get("parmsId")), parms.parmsId(), "loaded parms_id");
    ParameterChain chain = ParameterChain.create(parms);
    assertEquals(SealOracle.parmsId(ctx.get("firstParmsId")), chain.firstDataLevel().parmsId());
  }

  @ParameterizedTest
  @ValueSource(strings = {"4096:60,55", "8192:60,60,60,50", "16384:60,60,60,60,60,60,60,60"})
  void parameterSetsOverTheLimitAreRefusedByBothSides(String spec) throws Exception {
    int n = Integer.parseInt(spec.split(":")[0]);
    int[] bits = Stream.of(spec.split(":")[1].split(",")).mapToInt(Integer::parseInt).toArray();
    JsonNode ctx = SealOracle.run(SealOracle.job(n, bits)).get("context");
    assertFalse(ctx.get("parametersSet").asBoolean(), "node-seal accepted " + spec);
    EncryptionParameters parms = EncryptionParameters.ckks(n, CoeffModulus.create(n, bits));
    InsecureParametersException e =
        assertThrows(InsecureParametersException.class, () -> ParameterChain.create(parms));
    assertEquals(CoeffModulus.maxBitCount(n), e.maxBits());
  }
}
