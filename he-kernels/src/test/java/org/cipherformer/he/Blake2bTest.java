package org.cipherformer.he;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Blake2bTest {
  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }

  private static byte[] counting(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) i;
    }
    return b;
  }

  @Test
  void rfc7693AppendixAAbc() {
    byte[] d = Blake2b.hash(64, "abc".getBytes(StandardCharsets.US_ASCII));
    assertArrayEquals(
        hex("ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
            + "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923"),
        d);
  }

  @Test
  void blake2KatKeyedEmptyAndOneByte() {
    // blake2b-kat.txt (BLAKE2 reference repository): key = 00..3f, input = first i bytes of 00 01 02 ...
    byte[] key = counting(64);
    assertArrayEquals(
        hex("10ebb67700b1868efb4417987acf4690ae9d972fb7a590c2f02871799aaa4786"
            + "b5e996e8f0f4eb981fc214b005f42d2ff4233499391653df7aefcbc13fc51568"),
        Blake2b.newKeyedDigest(64, key).digest());
    assertArrayEquals(
        hex("961f6dd1e4dd30f63901690c512e78e4b45e4742ed197c3c5e45c549fd25f2e4"
            + "187b0bc9fe30492b16b0d0bc4ef9b0f34c7003fac09a5ef1532e69430234cebd"),
        Blake2b.newKeyedDigest(64, key).update(new byte[] {0}).digest());
  }

  @Test
  void incrementalUpdatesEqualOneShotAcrossBlockBoundaries() {
    byte[] msg = counting(1000);
    for (int split : new int[] {0, 1, 127, 128, 129, 256, 999, 1000}) {
      Blake2b b = Blake2b.newDigest(32);
      b.update(msg, 0, split);
      b.update(msg, split, msg.length - split);
      assertArrayEquals(Blake2b.hash(32, msg), b.digest(), "split at " + split);
    }
  }

  @Test
  void blake2xbMatchesSealOutputs() {
    // Outputs of SEAL's util::blake2xb as published with mpc4j's SEAL port (Blake2xbTest); unkeyed, empty input.
    assertEquals(
        "c4a522632c214104372ed2a05d7a9c0423153094f569e06c75a9989f530ce51e"
            + "fb837f468cb95ad94755e4ced2093c7edffa59dc89331f17a87fe01c22ff4ddc"
            + "68e4d158946acf99a7590f142e0b6b08667fcb735ddcf7997693b11647e03da5"
            + "9781606ce4c7e38e98f290319fd093efc3ed3c68db238080f5d6c9565b6f6998",
        HexFormat.of().formatHex(Blake2b.xof(128, new byte[0], new byte[0])));
    // 64 zero key bytes, 64 zero input bytes.
    assertEquals(
        "c4ddc9af6039f2ab43e805a272ca3dba54dab7ab4434abd68b1ce9dd750fcf68"
            + "939ce09913db75cbfd30387d3a21f9063cd0a45254bab8caa84b4d5debd99db4"
            + "685e1e9bac8bbee177383087e77942cf14301243b8d43e38b417c1a91579004f"
            + "e7224d2cb2e1abeff8b26eed09b493060a4b994febf3ef5aef5011757b16de38",
        HexFormat.of().formatHex(Blake2b.xof(128, new byte[64], new byte[64])));
  }

  @Test
  void blake2xbAsSealPrngSeedOneToEightCounterNine() {
    // SEAL's Blake2xbPRNG::refill_buffer: key = the 8-word seed (little-endian), input = the 8-byte counter.
    byte[] key = new byte[64];
    for (int w = 0; w < 8; w++) {
      key[8 * w] = (byte) (w + 1);
    }
    byte[] counter = new byte[8];
    counter[0] = 9;
    assertEquals(
        "b2e43bb535794650da468e6a304f16bc4001a094da6ca6ef3fde79631b569ae1"
            + "c2413eaddc2dfa33a97fdcb6cc0770ae17c5a53ff635366daf9a188f34bacef6"
            + "36d83153c436b5dd43040521632354a6455431c08baf979f93d893e8a208ab58"
            + "006153c8399e5ac09e499bd0dd085418b2892d7684f0bc02e65fbaa76ef58932"
            + "5f71be72aba09392bbd33b004624a49602ac3876836e5c485574dd65e2439f9e"
            + "461feb56b8c2e9be603191f64dc5c6be8238a985dcee5be6aac161fe7bc0aec8"
            + "068ca67775edddb94564962bf38862a7db5c80a468e3032ecf23d93ae2fc7400"
            + "27c2b5b13fd243c2193599552d4ff64a76595b5194275bea12e774afec37bf6b",
        HexFormat.of().formatHex(Blake2b.xof(256, counter, key)));
  }

  @Test
  void rejectsBadLengths() {
    assertThrows(IllegalArgumentException.class, () -> Blake2b.newDigest(0));
    assertThrows(IllegalArgumentException.class, () -> Blake2b.newDigest(65));
    assertThrows(IllegalArgumentException.class, () -> Blake2b.newKeyedDigest(32, new byte[65]));
    assertThrows(IllegalArgumentException.class, () -> Blake2b.xof(0, new byte[0], new byte[0]));
  }
}
