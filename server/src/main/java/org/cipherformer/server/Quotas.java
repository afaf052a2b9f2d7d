package org.cipherformer.server;

/**
 * What one tenant may hold at once on a server.
 *
 * @param maxSessions             open sessions (CreateSession beyond it is RESOURCE_EXHAUSTED)
 * @param maxKeyBytes             bytes of one session's key upload, relinearization and Galois keys together (an
 *                                upload announcing more is RESOURCE_EXHAUSTED before anything is allocated)
 * @param maxConcurrentInferences inferences running at once over all of the tenant's sessions
 */
public record Quotas(int maxSessions, long maxKeyBytes, int maxConcurrentInferences) {
  /**
   * 8 sessions, 1 GiB of keys per session, 2 concurrent inferences. The shipped ViT's keys at n16384 are far below
   * 1 GiB even unseeded (a relinearization key and one Galois key per plan step, 19 MB each).
   */
  public static final Quotas DEFAULT = new Quotas(8, 1L << 30, 2);

  /** @throws IllegalArgumentException naming the field if a quota is not positive */
  public Quotas {
    if (maxSessions < 1) {
      throw new IllegalArgumentException("maxSessions must be >= 1, got " + maxSessions);
    }
    if (maxKeyBytes < 1) {
      throw new IllegalArgumentException("maxKeyBytes must be >= 1, got " + maxKeyBytes);
    }
    if (maxConcurrentInferences < 1) {
      throw new IllegalArgumentException("maxConcurrentInferences must be >= 1, got " + maxConcurrentInferences);
    }
  }
}
