package org.cipherformer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.cipherformer.he.Ciphertext;
import org.cipherformer.he.NativeHandle;
import org.cipherformer.he.ops.CkksBackend;
import org.cipherformer.he.ops.CkksKeyHolder;
import org.cipherformer.he.ops.CkksParameters;
import org.cipherformer.he.ops.PlaintextCache;
import org.cipherformer.model.data.RepoPaths;
import org.junit.jupiter.api.Test;

/**
 * {@link SharedEncodeCaches}, the server's default backend factory: the backends of all sessions of one model share
 * one encode cache (a second session finds what the first encoded), other models get their own, closing a backend
 * leaves the cache, closing the factory frees everything; and the server wires it in by default.
 *
 * <p>Small parameters (N = 8192, three primes) and a one-operation program stand in for a model's plan: the factory
 * only reads the program's parameters, and what it must get right is which cache a backend gets.
 */
class SharedEncodeCachesTest {
  static final CkksParameters PARAMETERS = CkksParameters.custom(8192, new int[] {50, 40, 60}, 40, 1);
  static final long PER_PRIME = 8L * 8192;

  static double[] random(long seed) {
    Random r = new Random(seed);
    double[] v = new double[4096];
    for (int i = 0; i < v.length; i++) {
      v[i] = 2 * r.nextDouble() - 1;
    }
    return v;
  }

  /** Runs {@code x * w} on the backend (a fresh encryption of x by the holder) and checks the decrypted product. */
  static void multiplyAndCheck(CkksBackend backend, CkksKeyHolder holder, double[] x, double[] w) {
    Ciphertext in = backend.input(holder.encrypt(x));
    Ciphertext product = backend.mulPlain(in, w);
    double[] out = holder.decrypt(product);
    backend.release(in);
    backend.release(product);
    for (int i = 0; i < x.length; i++) {
      assertEquals(x[i] * w[i], out[i], 1e-6, "slot " + i);
    }
  }

  @Test
  void sessionsOfOneModelShareOneCacheAndOtherModelsDoNot() throws Exception {
    long before = NativeHandle.settledLiveHandles();
    double[] w = random(1);
    try (ModelRegistry registry = ModelRegistry.load(RepoPaths.root().resolve("models"),
            List.of("vit-fmnist", "tiny-lm"), PARAMETERS, null);
        CkksKeyHolder alice = new CkksKeyHolder(PARAMETERS);
        CkksKeyHolder bob = new CkksKeyHolder(PARAMETERS)) {
      HostedModel vit = registry.get("vit-fmnist");
      HostedModel lm = registry.get("tiny-lm");
      CkksProgram program = new CkksProgram(null, null, PARAMETERS, null, 0);
      SharedEncodeCaches caches = new SharedEncodeCaches(4 * PER_PRIME);
      assertNull(caches.cache(vit), "no cache before the model's first backend");

      try (CkksBackend a = caches.create(vit, program, registry.context(),
              alice.generateEvaluationKeys(new TreeSet<>()), alice);
          CkksBackend b = caches.create(vit, program, registry.context(),
              bob.generateEvaluationKeys(new TreeSet<>()), bob)) {
        multiplyAndCheck(a, alice, random(2), w);
        PlaintextCache shared = caches.cache(vit);
        assertNotNull(shared);
        assertEquals(1, shared.misses());
        multiplyAndCheck(b, bob, random(3), w);
        assertEquals(1, shared.misses(), "bob's session must find the operand alice's session encoded");
        assertEquals(1, shared.hits());
        assertEquals(2 * PER_PRIME, caches.bytes());

        try (CkksBackend c = caches.create(lm, program, registry.context(),
            alice.generateEvaluationKeys(new TreeSet<>()), alice)) {
          multiplyAndCheck(c, alice, random(4), w);
          assertNotSame(shared, caches.cache(lm), "another model's operands live in another cache");
          assertEquals(1, caches.cache(lm).misses());
          assertEquals(4 * PER_PRIME, caches.bytes());
        }
      }
      PlaintextCache shared = caches.cache(vit);
      assertEquals(1, shared.size(), "closing the sessions' backends must leave the shared cache");

      caches.close();
      assertEquals(0, shared.size());
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> caches.create(vit, program, registry.context(), alice.generateEvaluationKeys(new TreeSet<>()),
              alice));
      assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }
    assertEquals(before, NativeHandle.awaitLiveHandles(before, Duration.ofSeconds(30)),
        "native objects left: " + NativeHandle.liveHandlesByKind());
  }

  @Test
  void negativeBoundIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SharedEncodeCaches(-1));
    assertTrue(e.getMessage().contains("-1"), e.getMessage());
  }

  @Test
  void theServerSharesOneCachePerModelByDefault() throws Exception {
    try (CipherformerServer server = CipherformerServer.builder().port(0)
        .modelsDirectory(RepoPaths.root().resolve("models")).models(List.of("vit-fmnist"))
        .precompilePlans(false).start()) {
      assertNotNull(server.encodeCaches());
      assertEquals(CkksBackend.DEFAULT_ENCODE_CACHE_BYTES, server.encodeCaches().bytesPerModel());
    }
    try (CipherformerServer server = CipherformerServer.builder().port(0)
        .modelsDirectory(RepoPaths.root().resolve("models")).models(List.of("vit-fmnist"))
        .encodeCacheBytes(123 * PER_PRIME).precompilePlans(false).start()) {
      assertEquals(123 * PER_PRIME, server.encodeCaches().bytesPerModel());
    }
    try (CipherformerServer server = CipherformerServer.builder().port(0)
        .modelsDirectory(RepoPaths.root().resolve("models")).models(List.of("vit-fmnist"))
        .backendFactory(BackendFactory.withEncodeCacheBytes(0)).precompilePlans(false).start()) {
      assertNull(server.encodeCaches(), "a custom factory replaces the shared caches");
    }
  }
}
