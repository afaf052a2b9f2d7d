package org.cipherformer.threats.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.zip.InflaterInputStream;
import org.cipherformer.he.Ciphertext;
import org.cipherformer.he.io.ComprMode;
import org.cipherformer.he.ops.CkksKeyHolder;
import org.cipherformer.he.ops.CkksParameters;
import org.junit.jupiter.api.Test;

/**
 * The member offsets the fuzzer mutates are where SEAL 4.1 puts them (read back from a real ciphertext), every
 * mutation of a ciphertext is refused by the loader with a typed exception, and the bombs really inflate far beyond
 * their size.
 */
class SealMutatorTest {
  @Test
  void offsetsMatchARealCiphertextAndEveryMutationIsRefused() throws Exception {
    CkksParameters p = CkksParameters.custom(8192, new int[] {60, 40, 60}, 40, 1);
    try (CkksKeyHolder holder = new CkksKeyHolder(p); Ciphertext c = holder.encrypt(new double[] {1, 2, 3})) {
      byte[] none = c.save(ComprMode.NONE);
      ByteBuffer le = ByteBuffer.wrap(none).order(ByteOrder.LITTLE_ENDIAN);
      assertEquals((short) 0xA15E, le.getShort(0));
      assertEquals(0, none[5], "compression mode none");
      assertEquals(none.length, le.getLong(8), "total size");
      assertEquals(1, none[SealMutator.NTT_FORM], "is_ntt_form");
      assertEquals(2, le.getLong(SealMutator.SIZE), "two polynomials");
      assertEquals(8192, le.getLong(SealMutator.POLY_DEGREE));
      assertEquals(2, le.getLong(SealMutator.COEFF_COUNT), "data primes at the top level");
      assertEquals(Math.scalb(1.0, 40), le.getDouble(SealMutator.SCALE));
      assertEquals(1, le.getLong(SealMutator.CORRECTION));
      assertEquals((short) 0xA15E, le.getShort(SealMutator.DYN_COUNT - 16), "the DynArray's own header");
      long words = le.getLong(SealMutator.DYN_COUNT);
      assertTrue(words == 8192L * 2 || words == 8192L * 2 * 2, "coefficients of c0 (seeded) or c0 and c1: " + words);

      String[] kinds = {"parms_id", "ntt_flag", "ct_size", "poly_degree", "coeff_count", "scale",
          "correction_factor", "dyn_count", "coeff_ge_q", "header_magic", "header_size_byte", "header_version",
          "header_compr_mode", "header_reserved", "header_total_size", "truncate", "word_all_ones", "zlib_bomb",
          "zstd_bomb"};
      Random r = new Random(7);
      for (String kind : kinds) {
        for (int i = 0; i < 4; i++) {
          byte[] m = SealMutator.apply(kind, none, r);
          // Some draws leave the object valid (e.g. a scale of 2^41, or header_compr_mode set to 0 again);
          // anything else must be a typed refusal, never a crash.
          try (Ciphertext loaded = Ciphertext.load(holder.context(), m)) {
            assertTrue(kind.equals("scale") || kind.equals("header_compr_mode") || kind.equals("ntt_flag")
                || kind.equals("correction_factor") || kind.equals("header_total_size"),
                kind + " produced a loadable ciphertext");
          } catch (org.cipherformer.he.io.SealFormatException | RuntimeException refused) {
            assertTrue(refused.getMessage() != null && !refused.getMessage().isBlank(), kind + ": " + refused);
          }
        }
      }
      org.cipherformer.he.io.SealFormatException e = assertThrows(org.cipherformer.he.io.SealFormatException.class,
          () -> Ciphertext.load(holder.context(), SealMutator.apply("coeff_ge_q", none, new Random(1))).close());
      assertTrue(e.getMessage().contains("coefficient") || e.getMessage().contains("modulus")
          || e.getMessage().contains(">="), e.getMessage());
    }
  }

  @Test
  void bombsInflateFarBeyondTheirSize() throws Exception {
    byte[] zlib = SealMutator.zlibBomb();
    assertTrue(zlib.length < 1 << 20, "zlib bomb of " + zlib.length + " bytes");
    assertEquals(512L << 20, inflatedSize(new InflaterInputStream(new java.io.ByteArrayInputStream(zlib))));
    byte[] zstd = SealMutator.zstdBomb(64L << 20);
    assertTrue(zstd.length < 4096, "zstd bomb of " + zstd.length + " bytes");
    assertEquals(64L << 20, inflatedSize(new com.github.luben.zstd.ZstdInputStream(
        new java.io.ByteArrayInputStream(zstd))));
  }

  private static long inflatedSize(InputStream in) throws Exception {
    try (in) {
      byte[] buf = new byte[1 << 16];
      long total = 0;
      for (int n; (n = in.read(buf)) > 0; ) {
        total += n;
      }
      return total;
    }
  }

  @Test
  void everyProtoMutationChangesAValidMessage() {
    byte[] valid = org.cipherformer.proto.v1.DescribeModelRequest.newBuilder().setName("vit-fmnist").build()
        .toByteArray();
    assertEquals(1, ProtoMutator.fields(valid).size(), "one field parsed");
    Random r = new Random(3);
    for (String kind : ProtoMutator.KINDS) {
      for (int i = 0; i < 20; i++) {
        byte[] m = ProtoMutator.apply(kind, valid, r);
        assertTrue(!java.util.Arrays.equals(valid, m), kind + " left the message as it was");
      }
    }
  }
}
