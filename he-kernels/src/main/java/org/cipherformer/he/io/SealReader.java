package org.cipherformer.he.io;

import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.cipherformer.he.ChainLevel;
import org.cipherformer.he.EncryptionParameters;
import org.cipherformer.he.InvalidParametersException;
import org.cipherformer.he.ParameterChain;
import org.cipherformer.he.ParmsId;
import org.cipherformer.he.SchemeType;

/**
 * Loads SEAL 4.1 serialized objects from untrusted bytes, validating them against a {@link ParameterChain} the way
 * SEAL's {@code load} does, and more strictly.
 *
 * <p>Order of checks (so that nothing large is allocated before the metadata says it may be): the 16-byte header
 * (magic, header size, version 4.0/4.1, compression mode, reserved, total size); the total size against the most
 * an object of this kind can take for these parameters; then each member as it is read: known parms_id at the
 * right kind of level, is_ntt_form 0/1 (and 1: CKKS works in NTT form), size 2..16 (keys: 2), poly degree and
 * prime count equal to the level's, scale positive, finite and normal, correction factor 1; each nested header;
 * the declared word count equal to exactly what the metadata implies (or half of it for a seeded size-2
 * ciphertext); only then the array is allocated and filled, each word checked {@code < q_j}. At the end the
 * object must end exactly where its header says (no missing or trailing bytes, no trailing decompressed bytes).
 *
 * <p>Compressed objects (zlib or zstd) are inflated as a stream with a hard bound on the output (the most the
 * object can take for these parameters, and at most {@link #maxObjectBytes()}): a compression bomb is stopped
 * once the bound is passed.
 *
 * <p>Everything that goes wrong is a {@link SealFormatException} naming the field and value. Deliberate
 * differences from SEAL: ciphertext sizes 0 and 1 are refused (SEAL allows an empty size-0 ciphertext); CKKS data
 * must be in NTT form; the reserved header field must be 0; nested objects must be uncompressed; SEAL 3.x
 * headers are refused.
 */
public final class SealReader {
  /** SEAL_CIPHERTEXT_SIZE_MIN. */
  public static final int MIN_CIPHERTEXT_SIZE = 2;
  /** SEAL_CIPHERTEXT_SIZE_MAX. */
  public static final int MAX_CIPHERTEXT_SIZE = 16;
  /** Size of a serialized UniformRandomGeneratorInfo: header, type byte, 64 seed bytes. */
  static final int PRNG_INFO_BYTES = SealHeader.SIZE + 1 + 8 * PrngSeed.SEED_WORDS;
  /** Fixed part of Ciphertext members: parms_id, ntt byte, size, N, k, scale, correction factor. */
  static final int CIPHERTEXT_FIXED_BYTES = 32 + 1 + 8 + 8 + 8 + 8 + 8;
  /** Fixed part of Plaintext members: parms_id, coeff_count, scale. */
  static final int PLAINTEXT_FIXED_BYTES = 32 + 8 + 8;
  /** A nested DynArray: header and uint64 count before the words. */
  static final int DYNARRAY_FIXED_BYTES = SealHeader.SIZE + 8;
  /** SEAL's RelinKeys hold keys for s^2 .. s^(SEAL_CIPHERTEXT_SIZE_MAX - 1). */
  static final int MAX_RELIN_KEY_POWERS = MAX_CIPHERTEXT_SIZE - 2;

  private final ParameterChain chain;
  private final long maxObjectBytes;

  /** A reader for objects of {@code chain}, with the default limit (see {@link #defaultMaxObjectBytes()}). */
  public SealReader(ParameterChain chain) {
    this(chain, defaultMaxObjectBytes());
  }

  /**
   * @param chain the parameters objects must belong to
   * @param maxObjectBytes the most uncompressed bytes one object may take (bounds Galois key sets, whose size
   *     the parameters alone do not bound usefully)
   */
  public SealReader(ParameterChain chain, long maxObjectBytes) {
    if (maxObjectBytes < SealHeader.SIZE) {
      throw new IllegalArgumentException("maxObjectBytes must be at least 16, got " + maxObjectBytes);
    }
    this.chain = chain;
    this.maxObjectBytes = maxObjectBytes;
  }

  /** min(4 GiB, half the JVM's maximum heap). */
  public static long defaultMaxObjectBytes() {
    return Math.min(1L << 32, Runtime.getRuntime().maxMemory() / 2);
  }

  public long maxObjectBytes() {
    return maxObjectBytes;
  }

  public ParameterChain chain() {
    return chain;
  }

  // ---------------------------------------------------------------- public entry points

  /** Reads EncryptionParameters from exactly the bytes given. */
  public static EncryptionParameters readEncryptionParameters(byte[] bytes) throws SealFormatException {
    return whole(bytes, in -> readEncryptionParameters(in));
  }

  /** Reads EncryptionParameters (exactly the bytes its header declares) from {@code in}. */
  public static EncryptionParameters readEncryptionParameters(InputStream in) throws IOException {
    long bound = 1 + 8 + 8 + 24L * (EncryptionParameters.MAX_COEFF_MODULUS_COUNT + 1);
    return readObject(in, ObjectKind.ENCRYPTION_PARAMETERS, bound, SealReader::encryptionParametersMembers);
  }

  public PlaintextData readPlaintext(byte[] bytes) throws SealFormatException {
    return whole(bytes, this::readPlaintext);
  }

  /** Reads a CKKS Plaintext (NTT form, at any level of the chain). */
  public PlaintextData readPlaintext(InputStream in) throws IOException {
    return readObject(in, ObjectKind.PLAINTEXT, plaintextBound(), m -> plaintextMembers(m, ObjectKind.PLAINTEXT));
  }

  public PlaintextData readSecretKey(byte[] bytes) throws SealFormatException {
    return whole(bytes, this::readSecretKey);
  }

  /** Reads a SecretKey: SEAL saves it as its Plaintext, which must be at the key level. */
  public PlaintextData readSecretKey(InputStream in) throws IOException {
    return readObject(
        in, ObjectKind.SECRET_KEY, plaintextBound(), m -> plaintextMembers(m, ObjectKind.SECRET_KEY));
  }

  public CiphertextData readCiphertext(byte[] bytes) throws SealFormatException {
    return whole(bytes, this::readCiphertext);
  }

  /** Reads a Ciphertext at a data level (seeded or not). */
  public CiphertextData readCiphertext(InputStream in) throws IOException {
    return readObject(
        in,
        ObjectKind.CIPHERTEXT,
        ciphertextBound(chain.firstDataLevel().coeffModulusSize(), MAX_CIPHERTEXT_SIZE),
        m -> ciphertextMembers(m, ObjectKind.CIPHERTEXT));
  }

  public CiphertextData readPublicKey(byte[] bytes) throws SealFormatException {
    return whole(bytes, this::readPublicKey);
  }

  /** Reads a PublicKey: SEAL saves it as its Ciphertext (key level, size 2, NTT form, possibly seeded). */
  public CiphertextData readPublicKey(InputStream in) throws IOException {
    return readObject(
        in,
        ObjectKind.PUBLIC_KEY,
        ciphertextBound(chain.keyLevel().coeffModulusSize(), 2),
        m -> ciphertextMembers(m, ObjectKind.PUBLIC_KEY));
  }

  public KSwitchKeysData readRelinKeys(byte[] bytes) throws SealFormatException {
    return whole(bytes, this::readRelinKeys);
  }

  /** Reads RelinKeys (KSwitchKeys with keys for s^2 .. s^15 at most; index 0 must be present). */
  public KSwitchKeysData readRelinKeys(InputStream in) throws IOException {
    return readObject(
        in,
        ObjectKind.RELIN_KEYS,
        kswitchBound(MAX_RELIN_KEY_POWERS),
        m -> kswitchMembers(m, ObjectKind.RELIN_KEYS, MAX_RELIN_KEY_POWERS));
  }

  public KSwitchKeysData readGaloisKeys(byte[] bytes) throws SealFormatException {
    return whole(bytes, this::readGaloisKeys);
  }

  /** Reads GaloisKeys (KSwitchKeys indexed by (galois_elt - 1) / 2, at most N entries). */
  public KSwitchKeysData readGaloisKeys(InputStream in) throws IOException {
    int n = chain.polyModulusDegree();
    return readObject(
        in, ObjectKind.GALOIS_KEYS, kswitchBound(n), m -> kswitchMembers(m, ObjectKind.GALOIS_KEYS, n));
  }

  // ---------------------------------------------------------------- framing

  @FunctionalInterface
  private interface MemberReader<T> {
    T read(SealInput in) throws IOException;
  }

  @FunctionalInterface
  private interface StreamReader<T> {
    T read(InputStream in) throws IOException;
  }

  private static <T> T whole(byte[] bytes, StreamReader<T> reader) throws SealFormatException {
    ByteArrayInputStream in = new ByteArrayInputStream(bytes);
    T result;
    try {
      result = reader.read(in);
    } catch (SealFormatException e) {
      throw e;
    } catch (IOException e) {
      // A byte array has no I/O errors: anything else comes from a decompressor.
      throw new SealFormatException("corrupt data: " + e.getMessage(), e);
    }
    if (in.available() != 0) {
      throw new SealFormatException(
          in.available() + " bytes after the end of the object (the header declares "
              + (bytes.length - in.available()) + " of " + bytes.length + ")");
    }
    return result;
  }

  /**
   * Reads one framed object: header, then members from the (possibly decompressed) body, bounded by
   * {@code memberBound} bytes of members.
   */
  private static <T> T readObject(InputStream src, ObjectKind kind, long memberBound, MemberReader<T> members)
      throws IOException {
    byte[] h = new byte[SealHeader.SIZE];
    int got = src.readNBytes(h, 0, h.length);
    if (got < h.length) {
      throw new SealFormatException(
          "truncated " + kind + ": " + got + " bytes, less than the 16-byte SEAL header");
    }
    SealHeader header = SealHeader.parse(h, 0);
    long bodyBytes = header.size() - SealHeader.SIZE;
    if (header.comprMode() == ComprMode.NONE) {
      if (Long.compareUnsigned(bodyBytes, memberBound) > 0) {
        throw new SealFormatException(
            kind + " header declares " + Long.toUnsignedString(header.size()) + " bytes, more than the "
                + (memberBound + SealHeader.SIZE) + " such an object can take for these parameters");
      }
      BoundedInputStream body = new BoundedInputStream(src, bodyBytes, null);
      T result = members.read(new SealInput(body, kind.toString()));
      if (body.remaining() != 0) {
        throw new SealFormatException(
            kind + " header declares " + header.size() + " bytes but the object ends after "
                + (body.consumed() + SealHeader.SIZE));
      }
      return result;
    }
    // Compressed: the compressed form of incompressible data can be slightly larger than the data.
    long compressedBound = memberBound + memberBound / 64 + 1024;
    if (Long.compareUnsigned(bodyBytes, compressedBound) > 0 || bodyBytes > Integer.MAX_VALUE - 16) {
      throw new SealFormatException(
          kind + " header declares " + Long.toUnsignedString(header.size()) + " compressed bytes, more than "
              + "the " + (Math.min(compressedBound, Integer.MAX_VALUE - 16) + SealHeader.SIZE) + " allowed");
    }
    byte[] compressed = new byte[(int) Math.min(bodyBytes, 1 << 20)];
    int have = 0;
    // Grow as data actually arrives, so a lying size field cannot make us allocate before the bytes exist.
    while (have < bodyBytes) {
      if (have == compressed.length) {
        compressed = java.util.Arrays.copyOf(compressed, (int) Math.min(bodyBytes, 2L * compressed.length));
      }
      int r = src.read(compressed, have, compressed.length - have);
      if (r < 0) {
        throw new SealFormatException(
            "truncated " + kind + ": header declares " + header.size() + " bytes, stream ended after "
                + (have + SealHeader.SIZE));
      }
      have += r;
    }
    try {
      return decompressAndRead(compressed, header.comprMode(), kind, memberBound, members);
    } catch (SealFormatException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // The compressed bytes are all in memory: any failure now is corrupt data (zlib's ZipException, zstd-jni's
      // ZstdIOException or unchecked ZstdException).
      throw new SealFormatException(
          kind + ": corrupt " + header.comprMode() + " data: " + e.getMessage(), e);
    }
  }

  private static <T> T decompressAndRead(
      byte[] compressed, ComprMode mode, ObjectKind kind, long memberBound, MemberReader<T> members)
      throws IOException {
    String bomb =
        kind + " (" + mode + ") decompresses to more than " + memberBound
            + " bytes, the most such an object can take for these parameters";
    if (mode == ComprMode.ZLIB) {
      Inflater inflater = new Inflater();
      try {
        InflaterInputStream z = new InflaterInputStream(new ByteArrayInputStream(compressed), inflater, 65536);
        BoundedInputStream body = new BoundedInputStream(z, memberBound, bomb);
        T result = members.read(new SealInput(body, kind.toString()));
        if (body.read() >= 0) {
          throw new SealFormatException(kind + ": decompressed data continues after the end of the object");
        }
        if (!inflater.finished() || inflater.getRemaining() != 0) {
          throw new SealFormatException(
              kind + ": " + inflater.getRemaining() + " compressed bytes after the end of the zlib stream");
        }
        return result;
      } finally {
        inflater.end();
      }
    }
    try (ZstdInputStream z = new ZstdInputStream(new ByteArrayInputStream(compressed))) {
      BoundedInputStream body = new BoundedInputStream(z, memberBound, bomb);
      T result = members.read(new SealInput(body, kind.toString()));
      if (body.read() >= 0) {
        throw new SealFormatException(kind + ": decompressed data continues after the end of the object");
      }
      return result;
    }
  }

  // ---------------------------------------------------------------- bounds

  private long cap(double bytes) {
    return (long) Math.min((double) maxObjectBytes, bytes);
  }

  private long plaintextBound() {
    double words = (double) chain.polyModulusDegree() * chain.keyLevel().coeffModulusSize();
    return cap(PLAINTEXT_FIXED_BYTES + DYNARRAY_FIXED_BYTES + 8 * words);
  }

  private double ciphertextBytes(int k, int size) {
    double words = (double) chain.polyModulusDegree() * k * size;
    return CIPHERTEXT_FIXED_BYTES + DYNARRAY_FIXED_BYTES + 8 * words + PRNG_INFO_BYTES;
  }

  private long ciphertextBound(int k, int size) {
    return cap(ciphertextBytes(k, size));
  }

  private long kswitchBound(int maxOuter) {
    int keyK = chain.keyLevel().coeffModulusSize();
    double perKey = SealHeader.SIZE + ciphertextBytes(keyK, 2);
    return cap(32 + 8 + (double) maxOuter * (8 + (keyK - 1) * perKey));
  }

  // ---------------------------------------------------------------- members

  private static EncryptionParameters encryptionParametersMembers(SealInput in) throws IOException {
    int schemeByte = in.readU8();
    SchemeType scheme;
    try {
      scheme = SchemeType.fromValue(schemeByte);
    } catch (IllegalArgumentException e) {
      throw new SealFormatException("EncryptionParameters: " + e.getMessage());
    }
    long n = in.readU64();
    if (n > EncryptionParameters.MAX_POLY_MODULUS_DEGREE) {
      throw new SealFormatException(
          "EncryptionParameters: poly modulus degree " + Long.toUnsignedString(n) + " is above 131072");
    }
    long k = in.readU64();
    if (Long.compareUnsigned(k, EncryptionParameters.MAX_COEFF_MODULUS_COUNT) > 0) {
      throw new SealFormatException(
          "EncryptionParameters: coeff modulus count " + Long.toUnsignedString(k) + " is above 64");
    }
    long[] q = new long[(int) k];
    for (int i = 0; i < q.length; i++) {
      q[i] = modulusObject(in, "coeff modulus " + i);
    }
    long plain = modulusObject(in, "plain modulus");
    try {
      return new EncryptionParameters(scheme, (int) n, q, plain);
    } catch (InvalidParametersException e) {
      throw new SealFormatException("EncryptionParameters: " + e.getMessage(), e);
    }
  }

  /** A nested Modulus object: header (size 24) and the uint64 value. */
  private static long modulusObject(SealInput in, String field) throws IOException {
    SealHeader h = in.readNestedHeader(field);
    if (h.size() != SealHeader.SIZE + 8) {
      throw new SealFormatException(
          "EncryptionParameters: " + field + " object declares " + h.size() + " bytes, a Modulus has 24");
    }
    return in.readU64();
  }

  private ChainLevel levelOf(ParmsId parmsId, ObjectKind kind) throws SealFormatException {
    ChainLevel level =
        chain.find(parmsId).orElseThrow(
            () -> new SealFormatException(kind + ": unknown parms_id " + parmsId + " (not a level of these parameters)"));
    boolean keyOnly = kind == ObjectKind.SECRET_KEY || kind == ObjectKind.PUBLIC_KEY
        || kind == ObjectKind.RELIN_KEYS || kind == ObjectKind.GALOIS_KEYS;
    if (keyOnly && !level.keyLevel()) {
      throw new SealFormatException(
          kind + ": parms_id " + parmsId + " is data level " + level.chainIndex() + ", keys must be at the key level");
    }
    if (kind == ObjectKind.CIPHERTEXT && level.keyLevel() && chain.usingKeySwitching()) {
      throw new SealFormatException(
          kind + ": parms_id " + parmsId + " is the key level; ciphertexts must be at a data level");
    }
    return level;
  }

  private static double checkScale(double scale, ObjectKind kind) throws SealFormatException {
    if (!(scale > 0) || Double.isInfinite(scale) || scale < Double.MIN_NORMAL) {
      throw new SealFormatException(
          kind + ": scale " + scale + " is not a positive, finite, normal double");
    }
    return scale;
  }

  private PlaintextData plaintextMembers(SealInput in, ObjectKind kind) throws IOException {
    ParmsId parmsId = in.readParmsId();
    if (parmsId.isZero()) {
      throw new SealFormatException(
          kind + ": parms_id is zero (a non-NTT plaintext); CKKS plaintexts are in NTT form at a level");
    }
    ChainLevel level = levelOf(parmsId, kind);
    int n = chain.polyModulusDegree();
    long expected = (long) n * level.coeffModulusSize();
    long coeffCount = in.readU64();
    if (coeffCount != expected) {
      throw new SealFormatException(
          kind + ": coeff count " + Long.toUnsignedString(coeffCount) + " is not N * k = " + expected
              + " for its level");
    }
    double scale = checkScale(in.readDouble(), kind);
    long[] data = dynArray(in, kind, expected, expected, n, level.coeffModulus(), "data");
    return new PlaintextData(parmsId, (int) coeffCount, scale, data);
  }

  /**
   * A nested DynArray of uint64: header, count, words. The count must be {@code full} or {@code seeded}; checked
   * with the header's size before allocating.
   */
  private static long[] dynArray(
      SealInput in, ObjectKind kind, long full, long seeded, int n, long[] moduli, String field)
      throws IOException {
    SealHeader h = in.readNestedHeader(field + " array");
    long count = in.readU64();
    if (count != full && count != seeded) {
      throw new SealFormatException(
          kind + ": " + field + " array declares " + Long.toUnsignedString(count) + " words, expected " + full
              + (seeded != full ? " (or " + seeded + " when seeded)" : ""));
    }
    if (h.size() != DYNARRAY_FIXED_BYTES + 8 * count) {
      throw new SealFormatException(
          kind + ": " + field + " array header declares " + Long.toUnsignedString(h.size()) + " bytes for "
              + count + " words (expected " + (DYNARRAY_FIXED_BYTES + 8 * count) + ")");
    }
    long[] data = new long[(int) count];
    in.readWordsBelowModuli(data, n, moduli, field);
    return data;
  }

  private CiphertextData ciphertextMembers(SealInput in, ObjectKind kind) throws IOException {
    ParmsId parmsId = in.readParmsId();
    ChainLevel level = levelOf(parmsId, kind);
    int ntt = in.readU8();
    if (ntt > 1) {
      throw new SealFormatException(kind + ": is_ntt_form byte is " + ntt + ", not 0 or 1");
    }
    if (ntt == 0) {
      throw new SealFormatException(kind + ": not in NTT form; CKKS data must be in NTT form");
    }
    long size = in.readU64();
    boolean key = kind != ObjectKind.CIPHERTEXT;
    if (key ? size != 2 : (size < MIN_CIPHERTEXT_SIZE || size > MAX_CIPHERTEXT_SIZE)) {
      throw new SealFormatException(
          kind + ": size " + Long.toUnsignedString(size) + (key ? " is not 2" : " is outside 2..16"));
    }
    long n = in.readU64();
    if (n != chain.polyModulusDegree()) {
      throw new SealFormatException(
          kind + ": poly modulus degree " + Long.toUnsignedString(n) + " does not match the parameters' "
              + chain.polyModulusDegree());
    }
    long k = in.readU64();
    if (k != level.coeffModulusSize()) {
      throw new SealFormatException(
          kind + ": coeff modulus size " + Long.toUnsignedString(k) + " does not match its level's "
              + level.coeffModulusSize());
    }
    double scale = checkScale(in.readDouble(), kind);
    long correction = in.readU64();
    if (correction != 1) {
      throw new SealFormatException(
          kind + ": correction factor " + Long.toUnsignedString(correction) + " is not 1 (CKKS)");
    }
    long polyWords = n * k;
    long full = polyWords * size;
    long seeded = size == 2 ? polyWords : full;
    long[] data = dynArray(in, kind, full, seeded, (int) n, level.coeffModulus(), "data");
    PrngSeed seed = null;
    if (data.length != full) {
      seed = prngInfo(in, kind);
    }
    return new CiphertextData(parmsId, true, (int) size, (int) n, (int) k, scale, correction, data, seed);
  }

  private static PrngSeed prngInfo(SealInput in, ObjectKind kind) throws IOException {
    SealHeader h = in.readNestedHeader("PRNG info");
    if (h.size() != PRNG_INFO_BYTES) {
      throw new SealFormatException(
          kind + ": PRNG info declares " + h.size() + " bytes, expected " + PRNG_INFO_BYTES);
    }
    int typeByte = in.readU8();
    PrngType type = PrngType.fromValue(typeByte);
    if (type == null) {
      throw new SealFormatException(kind + ": PRNG type " + typeByte + " is not 1 (blake2xb) or 2 (shake256)");
    }
    long[] seed = new long[PrngSeed.SEED_WORDS];
    for (int i = 0; i < seed.length; i++) {
      seed[i] = in.readU64();
    }
    return new PrngSeed(type, seed);
  }

  private KSwitchKeysData kswitchMembers(SealInput in, ObjectKind kind, int maxOuter) throws IOException {
    ParmsId parmsId = in.readParmsId();
    levelOf(parmsId, kind);
    if (!chain.usingKeySwitching()) {
      throw new SealFormatException(kind + ": these parameters have one prime, so no key switching");
    }
    long outer = in.readU64();
    if (Long.compareUnsigned(outer, maxOuter) > 0) {
      throw new SealFormatException(
          kind + ": " + Long.toUnsignedString(outer) + " key slots, more than the " + maxOuter + " allowed");
    }
    int decomposition = chain.keyLevel().coeffModulusSize() - 1;
    List<List<CiphertextData>> keys = new ArrayList<>();
    for (long i = 0; i < outer; i++) {
      long inner = in.readU64();
      if (inner != 0 && inner != decomposition) {
        throw new SealFormatException(
            kind + ": key slot " + i + " has " + Long.toUnsignedString(inner) + " keys, expected 0 or "
                + decomposition + " (one per data prime)");
      }
      List<CiphertextData> slot = new ArrayList<>((int) inner);
      for (long j = 0; j < inner; j++) {
        long start = in.position();
        SealHeader h = in.readNestedHeader("key " + i + "/" + j);
        CiphertextData key = ciphertextMembers(in, kind);
        if (in.position() - start != h.size()) {
          throw new SealFormatException(
              kind + ": key " + i + "/" + j + " header declares " + h.size() + " bytes, its members take "
                  + (in.position() - start));
        }
        slot.add(key);
      }
      keys.add(slot);
    }
    if (kind == ObjectKind.RELIN_KEYS && (keys.isEmpty() || keys.get(0).isEmpty())) {
      throw new SealFormatException(kind + ": no key for s^2 (slot 0 is missing or empty)");
    }
    return new KSwitchKeysData(parmsId, keys);
  }
}
