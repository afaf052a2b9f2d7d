package org.cipherformer.he.io;

import com.github.luben.zstd.ZstdCompressCtx;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.zip.Deflater;
import org.cipherformer.he.EncryptionParameters;

/**
 * Writes SEAL 4.1 serialized objects. With {@link ComprMode#NONE} the output is byte-identical to SEAL's own
 * {@code save(compr_mode_type::none)} of the same object (checked against node-seal in the tests). With ZLIB or
 * ZSTD the members are compressed as one stream after an uncompressed header whose size field is the compressed
 * total; the compressed bytes differ from SEAL's (other compressor settings) but SEAL loads them.
 *
 * <p>The writer trusts its input records (they come from this process); it does not re-validate coefficients.
 */
public final class SealWriter {
  /** zstd level used for ZSTD output. */
  public static final int ZSTD_LEVEL = 3;

  private SealWriter() {}

  /** Serializes EncryptionParameters: scheme byte, N, k, k nested Modulus objects, the nested plain modulus. */
  public static byte[] write(EncryptionParameters parms, ComprMode mode) {
    SealOutput out = new SealOutput(64 + 24 * parms.coeffModulusSize());
    out.writeU8(parms.scheme().value());
    out.writeU64(parms.polyModulusDegree());
    out.writeU64(parms.coeffModulusSize());
    for (int i = 0; i < parms.coeffModulusSize(); i++) {
      writeModulus(out, parms.coeffModulus(i));
    }
    writeModulus(out, parms.plainModulus());
    return frame(out, mode);
  }

  /** Serializes a Plaintext (or a SecretKey, which SEAL saves as its plaintext). */
  public static byte[] write(PlaintextData p, ComprMode mode) {
    SealOutput out = new SealOutput(SealReader.PLAINTEXT_FIXED_BYTES + SealReader.DYNARRAY_FIXED_BYTES + 8 * p.data().length);
    plaintextMembers(out, p);
    return frame(out, mode);
  }

  /** Serializes a Ciphertext (or a PublicKey, which SEAL saves as its ciphertext); seeded if it has a seed. */
  public static byte[] write(CiphertextData c, ComprMode mode) {
    SealOutput out = new SealOutput(
        SealReader.CIPHERTEXT_FIXED_BYTES + SealReader.DYNARRAY_FIXED_BYTES + 8 * c.data().length
            + SealReader.PRNG_INFO_BYTES);
    ciphertextMembers(out, c);
    return frame(out, mode);
  }

  /** Serializes KSwitchKeys (RelinKeys or GaloisKeys). */
  public static byte[] write(KSwitchKeysData keys, ComprMode mode) {
    long words = 0;
    for (List<CiphertextData> slot : keys.keys()) {
      for (CiphertextData c : slot) {
        words += c.data().length;
      }
    }
    SealOutput out = new SealOutput((int) Math.min(Integer.MAX_VALUE - 64, 8 * words + 4096));
    out.writeParmsId(keys.parmsId());
    out.writeU64(keys.keys().size());
    for (List<CiphertextData> slot : keys.keys()) {
      out.writeU64(slot.size());
      for (CiphertextData c : slot) {
        int at = out.startNestedHeader();
        ciphertextMembers(out, c);
        out.finishNestedHeader(at);
      }
    }
    return frame(out, mode);
  }

  private static void writeModulus(SealOutput out, long value) {
    int at = out.startNestedHeader();
    out.writeU64(value);
    out.finishNestedHeader(at);
  }

  private static void plaintextMembers(SealOutput out, PlaintextData p) {
    out.writeParmsId(p.parmsId());
    out.writeU64(p.coeffCount());
    out.writeDouble(p.scale());
    dynArray(out, p.data(), p.data().length);
  }

  private static void ciphertextMembers(SealOutput out, CiphertextData c) {
    out.writeParmsId(c.parmsId());
    out.writeU8(c.nttForm() ? 1 : 0);
    out.writeU64(c.size());
    out.writeU64(c.polyModulusDegree());
    out.writeU64(c.coeffModulusSize());
    out.writeDouble(c.scale());
    out.writeU64(c.correctionFactor());
    dynArray(out, c.data(), c.data().length);
    if (c.seed() != null) {
      int at = out.startNestedHeader();
      out.writeU8(c.seed().type().value());
      for (long w : c.seed().seed()) {
        out.writeU64(w);
      }
      out.finishNestedHeader(at);
    }
  }

  private static void dynArray(SealOutput out, long[] words, int count) {
    int at = out.startNestedHeader();
    out.writeU64(count);
    out.writeWords(words, 0, count);
    out.finishNestedHeader(at);
  }

  /** Prepends the outer header, compressing the members if asked. */
  private static byte[] frame(SealOutput members, ComprMode mode) {
    byte[] body;
    int bodyLength;
    switch (mode) {
      case NONE:
        body = members.buffer();
        bodyLength = members.length();
        break;
      case ZLIB:
        body = deflate(members.buffer(), members.length());
        bodyLength = body.length;
        break;
      case ZSTD:
        body = zstd(members.buffer(), members.length());
        bodyLength = body.length;
        break;
      default:
        throw new IllegalArgumentException("unknown compression mode " + mode);
    }
    byte[] result = new byte[SealHeader.SIZE + bodyLength];
    SealHeader.of(mode, result.length).writeTo(result, 0);
    System.arraycopy(body, 0, result, SealHeader.SIZE, bodyLength);
    return result;
  }

  /** One zstd frame with the content size and a content checksum (so corruption is detected on load). */
  private static byte[] zstd(byte[] in, int length) {
    try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
      ctx.setLevel(ZSTD_LEVEL);
      ctx.setChecksum(true);
      ctx.setContentSize(true);
      return ctx.compress(java.util.Arrays.copyOf(in, length));
    }
  }

  private static byte[] deflate(byte[] in, int length) {
    Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, false);
    try {
      d.setInput(in, 0, length);
      d.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, length / 2));
      byte[] buf = new byte[65536];
      while (!d.finished()) {
        int n = d.deflate(buf);
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } finally {
      d.end();
    }
  }
}
