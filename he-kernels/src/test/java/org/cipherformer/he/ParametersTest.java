package org.cipherformer.he;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** Offline checks of parameters; the comparisons with node-seal are in SealOracleParametersTest. */
class ParametersTest {
  @Test
  void parmsIdOfKnownParametersEqualsNodeSeal() {
    // Printed by node-seal 6.0.3 for CKKS, N = 4096, CoeffModulus.Create(4096, [40, 20, 40]).
    EncryptionParameters p = EncryptionParameters.ckks(4096, 0xfffffc6001L, 0xfc001L, 0xfffffdc001L);
    assertEquals(
        new ParmsId(0x0c361ba09bc0f498L, 0x93f53c9e21f5d55eL, 0x8194e9020fcbfa3bL, 0x9e656394184dd11dL),
        p.parmsId());
    assertEquals(
        "0c361ba09bc0f498 93f53c9e21f5d55e 8194e9020fcbfa3b 9e656394184dd11d", p.parmsId().toString());
  }

  @Test
  void createGivesSmallestPrimeToFirstSlotOfASize() {
    long[] q = CoeffModulus.create(4096, 40, 20, 40);
    assertArrayEquals(new long[] {0xfffffc6001L, 0xfc001L, 0xfffffdc001L}, q);
  }

  @Test
  void createdPrimesAreNttFriendlyPrimesOfTheRequestedSize() {
    int[] sizes = {60, 40, 40, 40, 40, 60};
    long[] q = CoeffModulus.create(16384, sizes);
    for (int i = 0; i < q.length; i++) {
      assertEquals(sizes[i], 64 - Long.numberOfLeadingZeros(q[i]));
      assertEquals(1, q[i] % (2 * 16384));
      assertTrue(BigInteger.valueOf(q[i]).isProbablePrime(60));
    }
  }

  @Test
  void createRejectsBadInput() {
    assertThrows(InvalidParametersException.class, () -> CoeffModulus.create(3000, 40));
    assertThrows(InvalidParametersException.class, () -> CoeffModulus.create(4096, 61));
    assertThrows(InvalidParametersException.class, () -> CoeffModulus.create(4096, 1));
    assertThrows(InvalidParametersException.class, () -> CoeffModulus.create(4096));
    // No 14-bit prime is 1 mod 8192 (the only candidate is 8193 = 3 * 2731).
    InvalidParametersException e =
        assertThrows(InvalidParametersException.class, () -> CoeffModulus.create(4096, 14));
    assertTrue(e.getMessage().contains("14-bit"), e.getMessage());
  }

  @Test
  void maxBitCountsAreTheHeStandardTable() {
    assertEquals(109, CoeffModulus.maxBitCount(4096));
    assertEquals(218, CoeffModulus.maxBitCount(8192));
    assertEquals(438, CoeffModulus.maxBitCount(16384));
    assertEquals(881, CoeffModulus.maxBitCount(32768));
    assertThrows(InvalidParametersException.class, () -> CoeffModulus.maxBitCount(65536));
    assertEquals(1747, CoeffModulus.maxBitCount(65536, SecurityLevel.TC128_EXTENDED));
    assertThrows(InvalidParametersException.class, () -> CoeffModulus.maxBitCount(2048));
  }

  @Test
  void chainDropsTheLastPrimePerLevel() {
    long[] q = CoeffModulus.create(8192, 60, 40, 40, 60);
    ParameterChain chain = ParameterChain.create(EncryptionParameters.ckks(8192, q));
    assertEquals(4, chain.levels().size());
    assertTrue(chain.keyLevel().keyLevel());
    assertEquals(3, chain.keyLevel().chainIndex());
    assertArrayEquals(q, chain.keyLevel().coeffModulus());
    assertArrayEquals(new long[] {q[0], q[1], q[2]}, chain.firstDataLevel().coeffModulus());
    assertArrayEquals(new long[] {q[0]}, chain.lastLevel().coeffModulus());
    assertEquals(0, chain.lastLevel().chainIndex());
    for (ChainLevel l : chain.levels()) {
      assertEquals(l, chain.level(l.parmsId()));
      assertEquals(l, chain.levelByChainIndex(l.chainIndex()));
    }
    assertFalse(chain.find(ParmsId.ZERO).isPresent());
    assertThrows(InvalidParametersException.class, () -> chain.level(ParmsId.ZERO));
  }

  @Test
  void chainRefusesTooManyBitsNamingTotalAndLimit() {
    // 4096: limit 109; 60 + 50 = 110 bits requested (product has 109 or 110 bits).
    long[] q = CoeffModulus.create(4096, 60, 55);
    InsecureParametersException e =
        assertThrows(
            InsecureParametersException.class,
            () -> ParameterChain.create(EncryptionParameters.ckks(4096, q)));
    assertEquals(109, e.maxBits());
    assertEquals(BigInteger.valueOf(q[0]).multiply(BigInteger.valueOf(q[1])).bitLength(), e.totalBits());
    assertTrue(e.getMessage().contains(e.totalBits() + " bits"), e.getMessage());
    assertTrue(e.getMessage().contains("109-bit limit"), e.getMessage());
  }

  @Test
  void chainAcceptsN65536OnlyWhenExtended() {
    long[] q = CoeffModulus.create(65536, 60, 60);
    EncryptionParameters p = EncryptionParameters.ckks(65536, q);
    assertThrows(InvalidParametersException.class, () -> ParameterChain.create(p));
    assertEquals(2, ParameterChain.create(p, SecurityLevel.TC128_EXTENDED).levels().size());
  }

  @Test
  void chainRefusesBadModuli() {
    long[] q = CoeffModulus.create(4096, 30, 30);
    assertThrows(
        InvalidParametersException.class,
        () -> ParameterChain.create(EncryptionParameters.ckks(4096, q[0], q[0])));
    assertThrows(
        InvalidParametersException.class,
        () -> ParameterChain.create(EncryptionParameters.ckks(4096, q[0] + 8192 * 2)));
    assertThrows(
        InvalidParametersException.class, () -> ParameterChain.create(EncryptionParameters.ckks(4096, 12289)));
    assertThrows(InvalidParametersException.class, () -> EncryptionParameters.ckks(4096, 1L));
    assertThrows(InvalidParametersException.class, () -> EncryptionParameters.ckks(4095, q));
    assertThrows(
        InvalidParametersException.class,
        () -> ParameterChain.create(new EncryptionParameters(SchemeType.BFV, 4096, q, 65537)));
  }
}
