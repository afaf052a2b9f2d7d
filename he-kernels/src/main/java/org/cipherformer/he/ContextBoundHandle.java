package org.cipherformer.he;

import java.util.function.LongConsumer;

/** A native object made for one {@link CkksContext} (keys, ciphertexts, plaintexts, encoders, ...). */
abstract class ContextBoundHandle extends NativeHandle {
  private final CkksContext context;

  ContextBoundHandle(CkksContext context, long pointer, LongConsumer free) {
    super(pointer, free);
    this.context = context;
  }

  /** The context this object belongs to. */
  public final CkksContext context() {
    return context;
  }

  /** Runs call with this object's pointer (package-internal counterpart of {@link #use}). */
  final <T> T withPointer(PointerFunction<T> call) {
    return use(call);
  }

  /** Throws IllegalArgumentException unless other was made for this object's parameters. */
  final void requireSameParameters(ContextBoundHandle other, String what) {
    if (other.context != context && !other.context.parameters().equals(context.parameters())) {
      throw new IllegalArgumentException(
          what + " belongs to a context with other parameters (" + other.context + ", expected " + context + ")");
    }
  }
}
