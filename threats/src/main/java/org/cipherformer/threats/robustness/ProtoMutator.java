package org.cipherformer.threats.robustness;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Mutations of a valid protobuf message's bytes, at the wire-format level (so they need no schema): bit flips,
 * truncation, a duplicated field, a length prefix far above the bytes that follow, a field of another oneof case
 * or with the wrong wire type, inserted random tags and bytes. Each returns new bytes and names itself, so a
 * failure can be reported as "proto:truncate" and replayed from the seed.
 */
final class ProtoMutator {
  /** One mutation and its name. */
  record Mutant(String kind, byte[] bytes) {
  }

  static final String[] KINDS = {"bit_flips", "truncate", "duplicate_field", "huge_length",
      "wrong_oneof", "wrong_wire_type", "random_tag", "insert_bytes", "repeat_field"};

  private ProtoMutator() {
  }

  /** @return one random mutation of {@code message} */
  static Mutant mutate(byte[] message, Random rnd) {
    String kind = KINDS[rnd.nextInt(KINDS.length)];
    return new Mutant("proto:" + kind, apply(kind, message, rnd));
  }

  static byte[] apply(String kind, byte[] m, Random rnd) {
    List<int[]> fields = fields(m);
    switch (kind) {
      case "bit_flips" -> {
        byte[] b = m.length == 0 ? new byte[] {(byte) rnd.nextInt(256)} : m.clone();
        int flips = 1 + rnd.nextInt(8);
        for (int i = 0; i < flips; i++) {
          b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
        }
        return b;
      }
      case "truncate" -> {
        return m.length == 0 ? new byte[] {0x0a} : Arrays.copyOf(m, rnd.nextInt(m.length));
      }
      case "duplicate_field" -> {
        if (fields.isEmpty()) {
          return concat(m, m);
        }
        int[] f = fields.get(rnd.nextInt(fields.size()));
        return concat(m, Arrays.copyOfRange(m, f[0], f[1]));
      }
      case "huge_length" -> {
        // A length-delimited field whose length says far more than follows: 2^31-1, 2^32+5 or 2^62.
        long[] lengths = {Integer.MAX_VALUE, (1L << 32) + 5, 1L << 62, 0xFFFF_FFFFL};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int field = 1 + rnd.nextInt(4);
        varint(out, ((long) field << 3) | 2);
        varint(out, lengths[rnd.nextInt(lengths.length)]);
        out.writeBytes(new byte[rnd.nextInt(16)]);
        return rnd.nextBoolean() ? concat(m, out.toByteArray()) : concat(out.toByteArray(), m);
      }
      case "wrong_oneof" -> {
        // Another case of the message's oneof (fields 1..3 are the oneof cases of every streamed message): the last
        // one on the wire wins, so this turns e.g. a start into an (empty or garbage) refresh reply.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int field = 1 + rnd.nextInt(3);
        byte[] body = fields.isEmpty() ? new byte[0] : Arrays.copyOfRange(m, fields.get(0)[2], fields.get(0)[1]);
        varint(out, ((long) field << 3) | 2);
        varint(out, body.length);
        out.writeBytes(body);
        return concat(m, out.toByteArray());
      }
      case "wrong_wire_type" -> {
        // A known field number with a wire type its declaration does not have (varint for a message, or a group).
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int field = 1 + rnd.nextInt(3);
        int[] types = {0, 1, 3, 4, 5};
        int type = types[rnd.nextInt(types.length)];
        varint(out, ((long) field << 3) | type);
        out.writeBytes(new byte[] {(byte) 0x96, 0x01, 0, 0, 0, 0, 0, 0});
        return rnd.nextBoolean() ? concat(out.toByteArray(), m) : concat(m, out.toByteArray());
      }
      case "random_tag" -> {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        varint(out, rnd.nextLong() >>> rnd.nextInt(64));
        out.writeBytes(randomBytes(rnd, rnd.nextInt(12)));
        int at = m.length == 0 ? 0 : boundary(fields, m.length, rnd);
        return insert(m, at, out.toByteArray());
      }
      case "insert_bytes" -> {
        return insert(m, m.length == 0 ? 0 : rnd.nextInt(m.length + 1), randomBytes(rnd, 1 + rnd.nextInt(32)));
      }
      case "repeat_field" -> {
        if (fields.isEmpty()) {
          return m;
        }
        int[] f = fields.get(rnd.nextInt(fields.size()));
        byte[] one = Arrays.copyOfRange(m, f[0], f[1]);
        int times = Math.max(2, Math.min(2000, (1 << 20) / Math.max(1, one.length)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(m);
        for (int i = 0; i < times; i++) {
          out.writeBytes(one);
        }
        return out.toByteArray();
      }
      default -> throw new IllegalArgumentException("unknown mutation " + kind);
    }
  }

  /**
   * The top-level fields of a message as {start, end, payloadStart}; empty if the bytes do not parse (a mutation
   * then works on the raw bytes).
   */
  static List<int[]> fields(byte[] m) {
    List<int[]> out = new ArrayList<>();
    int[] pos = {0};
    try {
      while (pos[0] < m.length) {
        int start = pos[0];
        long tag = readVarint(m, pos);
        int type = (int) (tag & 7);
        switch (type) {
          case 0 -> readVarint(m, pos);
          case 1 -> pos[0] += 8;
          case 5 -> pos[0] += 4;
          case 2 -> {
            long len = readVarint(m, pos);
            if (len < 0 || len > m.length - pos[0]) {
              return List.of();
            }
            int payload = pos[0];
            pos[0] += (int) len;
            out.add(new int[] {start, pos[0], payload});
            continue;
          }
          default -> {
            return List.of();
          }
        }
        if (pos[0] > m.length) {
          return List.of();
        }
        out.add(new int[] {start, pos[0], pos[0]});
      }
    } catch (ArrayIndexOutOfBoundsException e) {
      return List.of();
    }
    return out;
  }

  private static int boundary(List<int[]> fields, int length, Random rnd) {
    if (fields.isEmpty()) {
      return rnd.nextInt(length + 1);
    }
    int i = rnd.nextInt(fields.size() + 1);
    return i == fields.size() ? length : fields.get(i)[0];
  }

  private static long readVarint(byte[] b, int[] pos) {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte x = b[pos[0]++];
      v |= (long) (x & 0x7F) << shift;
      if ((x & 0x80) == 0) {
        return v;
      }
    }
    throw new ArrayIndexOutOfBoundsException("varint too long");
  }

  static void varint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  static byte[] randomBytes(Random rnd, int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return b;
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  static byte[] insert(byte[] a, int at, byte[] b) {
    byte[] r = new byte[a.length + b.length];
    System.arraycopy(a, 0, r, 0, at);
    System.arraycopy(b, 0, r, at, b.length);
    System.arraycopy(a, at, r, at + b.length, a.length - at);
    return r;
  }
}
