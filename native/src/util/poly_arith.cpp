#include "cipherformer/util/poly_arith.h"

namespace cf::util {

void add_poly_mod(const uint64_t *a, const uint64_t *b, size_t n, const Modulus &q, uint64_t *out) noexcept {
  for (size_t i = 0; i < n; ++i) out[i] = add_mod(a[i], b[i], q);
}

void sub_poly_mod(const uint64_t *a, const uint64_t *b, size_t n, const Modulus &q, uint64_t *out) noexcept {
  for (size_t i = 0; i < n; ++i) out[i] = sub_mod(a[i], b[i], q);
}

void negate_poly_mod(const uint64_t *a, size_t n, const Modulus &q, uint64_t *out) noexcept {
  for (size_t i = 0; i < n; ++i) out[i] = negate_mod(a[i], q);
}

void dyadic_multiply_mod(const uint64_t *a, const uint64_t *b, size_t n, const Modulus &q, uint64_t *out) noexcept {
  for (size_t i = 0; i < n; ++i) out[i] = multiply_mod(a[i], b[i], q);
}

void multiply_poly_scalar_mod(const uint64_t *a, size_t n, const MulOperand &s, const Modulus &q,
                              uint64_t *out) noexcept {
  for (size_t i = 0; i < n; ++i) out[i] = multiply_mod(a[i], s, q);
}

void add_poly_scalar_mod(const uint64_t *a, size_t n, uint64_t s, const Modulus &q, uint64_t *out) noexcept {
  for (size_t i = 0; i < n; ++i) out[i] = add_mod(a[i], s, q);
}

void modulo_poly(const uint64_t *a, size_t n, const Modulus &q, uint64_t *out) noexcept {
  for (size_t i = 0; i < n; ++i) out[i] = barrett_reduce_64(a[i], q);
}

}  // namespace cf::util
