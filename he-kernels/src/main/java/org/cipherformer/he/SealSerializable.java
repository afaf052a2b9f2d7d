package org.cipherformer.he;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import org.cipherformer.he.io.ComprMode;

/** An object that has a SEAL 4.1 binary form (what SEAL's {@code save} writes). */
public interface SealSerializable {
  /**
   * This object in SEAL 4.1's format; objects made seeded (SEAL's {@code Serializable}) are written seeded.
   *
   * @param mode compression of the body: none, zlib or zstd
   */
  byte[] save(ComprMode mode);

  /**
   * Writes {@link #save(ComprMode)} to {@code out}.
   *
   * @throws IOException if writing fails
   */
  default void save(OutputStream out, ComprMode mode) throws IOException {
    Objects.requireNonNull(out, "out");
    out.write(save(mode));
  }
}
