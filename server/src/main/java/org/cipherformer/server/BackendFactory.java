package org.cipherformer.server;

import org.cipherformer.he.CkksContext;
import org.cipherformer.he.ops.CkksBackend;
import org.cipherformer.he.ops.EvaluationKeys;
import org.cipherformer.he.ops.RefreshClient;

/**
 * Makes the CKKS backend of a session once its keys are in: the one place where the server decides how backends
 * encode plain operands. The server's default is {@link SharedEncodeCaches} (one encode cache per model, shared by
 * all its sessions); {@link #withEncodeCacheBytes} gives each backend a private cache instead.
 */
@FunctionalInterface
public interface BackendFactory {
  /**
   * @param model   the session's model
   * @param program its CKKS program
   * @param context the server's context for the program's parameters
   * @param keys    the session's evaluation keys (the backend owns them from now on)
   * @param refresh answers the backend's refresh rounds
   * @return the backend (the caller closes it)
   */
  CkksBackend create(HostedModel model, CkksProgram program, CkksContext context, EvaluationKeys keys,
      RefreshClient refresh);

  /**
   * Backends with a private encode cache of at most {@code bytes} native bytes each (0: none). The shipped ViT's
   * working set is about 2 GiB at n16384 (docs/encrypted-inference.md), and a cache smaller than the working set gets
   * no hits on a program that cycles through its operands, so per-session caches are all or nothing: 0 (encode every
   * operand, about 4-5 s more per ViT inference) or at least 2.5 GiB per session.
   */
  static BackendFactory withEncodeCacheBytes(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("encode cache bytes must be >= 0, got " + bytes);
    }
    return (model, program, context, keys, refresh) -> new CkksBackend(program.parameters(), context, keys, refresh,
        CkksBackend.DEFAULT_MASK_BOUND, bytes);
  }
}
