package org.cipherformer.he.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.cipherformer.he.CoeffModulus;
import org.cipherformer.he.EncryptionParameters;
import org.cipherformer.he.ParameterChain;
import org.cipherformer.he.SealOracle;
import org.junit.jupiter.api.Test;

/**
 * SeedExpansion against SEAL: node-seal expands a seeded object when it loads it, so saving the loaded object
 * uncompressed gives c1 as SEAL computes it.
 */
class SeedExpansionTest {
  @Test
  void expandedC1EqualsNodeSealsForCiphertextsAndKeys() throws Exception {
    int n = 4096;
    int[] bits = {40, 20, 40};
    ParameterChain chain = ParameterChain.create(EncryptionParameters.ckks(n, CoeffModulus.create(n, bits)));
    SealReader reader = new SealReader(chain);
    ObjectNode job = SealOracle.job(n, bits);
    SealOracle.op(job, "keygen").put("as", "sk");
    ObjectNode enc = SealOracle.op(job, "encrypt").put("as", "cts").put("mode", "symmetric").put("seeded", true);
    enc.putArray("values").add(1.0).add(-2.0);
    enc.put("scale", Math.pow(2, 20));
    SealOracle.op(job, "save").put("name", "cts");
    SealOracle.op(job, "publicKey").put("as", "pks").put("seeded", true);
    SealOracle.op(job, "save").put("name", "pks");
    JsonNode result = SealOracle.run(job);

    CiphertextData seeded = reader.readCiphertext(SealOracle.data(result, 1, "none"));
    CiphertextData full = reader.readCiphertext(SealOracle.data(result, 2, "none"));
    assertTrue(seeded.isSeeded());
    CiphertextData mine = SeedExpansion.expand(seeded, chain.level(seeded.parmsId()).coeffModulus());
    assertArrayEquals(full.data(), mine.data(), "ciphertext c0 || c1");
    assertArrayEquals(SealOracle.data(result, 2, "none"), SealWriter.write(mine, ComprMode.NONE));

    CiphertextData seededKey = reader.readPublicKey(SealOracle.data(result, 3, "none"));
    CiphertextData fullKey = reader.readPublicKey(SealOracle.data(result, 4, "none"));
    assertArrayEquals(fullKey.data(), SeedExpansion.expand(seededKey, chain.keyLevel().coeffModulus()).data(), "public key");
  }
}
