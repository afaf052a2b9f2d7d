package org.cipherformer.he.ops;

/** The primitive operations a backend counts and times. */
public enum OpKind {
  /** Addition, subtraction, negation, plain or constant addition. */
  ADD,
  /** Multiplication by a plaintext vector or constant (before rescaling). */
  MUL_PLAIN,
  /** Ciphertext-ciphertext multiplication or squaring (the tensor product, before relinearization). */
  MUL,
  /** Relinearization (one key switch). */
  RELINEARIZE,
  /** Rescaling by the last prime. */
  RESCALE,
  /** One rotation by a key switch (a hoisted rotation counts once per output step). */
  ROTATE,
  /** Bringing a value down to a lower level (modulus switching plus scale correction). */
  DROP,
  /** Encoding a plaintext operand. */
  ENCODE,
  /** One value sent through a client-aided refresh. */
  REFRESH,
  /** One client round trip of a refresh (any number of values). */
  REFRESH_ROUND
}
