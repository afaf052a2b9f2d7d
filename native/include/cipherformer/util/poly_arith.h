#pragma once
// Coefficient-wise arithmetic on one RNS limb: n residues modulo one prime q, stored contiguously.
// Inputs are in [0, q) unless stated otherwise; outputs are in [0, q). Every output pointer may alias an input
// pointer exactly (in-place use), but must not partially overlap one.

#include <cstddef>
#include <cstdint>

#include "cipherformer/util/modulus.h"

namespace cf::util {

/// out[i] = (a[i] + b[i]) mod q.
void add_poly_mod(const uint64_t *a, const uint64_t *b, size_t n, const Modulus &q, uint64_t *out) noexcept;

/// out[i] = (a[i] - b[i]) mod q.
void sub_poly_mod(const uint64_t *a, const uint64_t *b, size_t n, const Modulus &q, uint64_t *out) noexcept;

/// out[i] = (-a[i]) mod q (0 stays 0).
void negate_poly_mod(const uint64_t *a, size_t n, const Modulus &q, uint64_t *out) noexcept;

/// out[i] = (a[i] * b[i]) mod q: the product of two polynomials in NTT (evaluation) form.
void dyadic_multiply_mod(const uint64_t *a, const uint64_t *b, size_t n, const Modulus &q, uint64_t *out) noexcept;

/// out[i] = (a[i] * s) mod q for a Shoup-prepared scalar s (s.operand < q).
void multiply_poly_scalar_mod(const uint64_t *a, size_t n, const MulOperand &s, const Modulus &q,
                              uint64_t *out) noexcept;

/// out[i] = (a[i] + s) mod q for a scalar s in [0, q).
void add_poly_scalar_mod(const uint64_t *a, size_t n, uint64_t s, const Modulus &q, uint64_t *out) noexcept;

/// out[i] = a[i] mod q for arbitrary 64-bit a[i].
void modulo_poly(const uint64_t *a, size_t n, const Modulus &q, uint64_t *out) noexcept;

}  // namespace cf::util
