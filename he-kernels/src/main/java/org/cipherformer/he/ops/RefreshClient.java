package org.cipherformer.he.ops;

import java.util.List;

/**
 * The key holder's side of a client-aided refresh, as the server sees it: one round trip that takes masked
 * ciphertexts and returns fresh encryptions of the same slot values at the top level. Both directions are SEAL 4.1
 * serialized ciphertexts (what goes over gRPC), so the server never holds a decrypted value and the key holder never
 * returns one: it answers with new encryptions only.
 *
 * <p>Implemented in-process by {@link CkksKeyHolder}; a remote client implements it over the wire.
 */
public interface RefreshClient {
  /**
   * Decrypts each ciphertext, decodes the real parts and encrypts them again at the top level with the canonical top
   * scale.
   *
   * @param maskedCiphertexts SEAL-serialized ciphertexts (any data level at or above the refresh floor)
   * @return SEAL-serialized fresh ciphertexts, in the same order, as many as given
   */
  List<byte[]> refresh(List<byte[]> maskedCiphertexts);
}
