package org.cipherformer.server;

import java.util.List;
import org.cipherformer.he.ops.RefreshClient;

/**
 * The refresh client a session's backend is built with: it forwards to the stream of the inference that is running
 * on the session at the moment (a backend lives as long as the session's keys, a stream as long as one inference).
 */
final class SwitchableRefreshClient implements RefreshClient {
  private volatile RefreshClient target;

  void bind(RefreshClient client) {
    target = client;
  }

  void unbind() {
    target = null;
  }

  @Override
  public List<byte[]> refresh(List<byte[]> maskedCiphertexts) {
    RefreshClient t = target;
    if (t == null) {
      throw new IllegalStateException("no inference stream is bound to answer refreshes");
    }
    return t.refresh(maskedCiphertexts);
  }
}
