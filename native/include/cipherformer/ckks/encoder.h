#pragma once
// CKKS encoding as SEAL 4.1's CKKSEncoder: N/2 complex slots, slot order from the powers of the generator 3
// (matrix_reps_index_map), SEAL's complex roots and its FFT-like transforms, rounding to the nearest integer, and RNS
// decomposition of coefficients of any width up to the level's modulus.

#include <complex>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "cipherformer/ckks/context.h"
#include "cipherformer/ckks/plaintext.h"

namespace cf::ckks {

/// Encoder/decoder bound to a context; immutable and thread-safe after construction.
class CkksEncoder {
 public:
  explicit CkksEncoder(std::shared_ptr<const Context> context);

  /// N / 2.
  size_t slot_count() const noexcept { return slots_; }

  /// Encodes up to N/2 complex values (missing slots are 0) at `level` with scale Delta: the plaintext polynomial is
  /// round(Delta * IDFT(values)), in NTT form over the level's primes.
  /// @throws std::invalid_argument naming the value if level does not exist, if more than N/2 values are given, if a
  ///         value is not finite, if scale <= 0 or (int)log2(scale) + 1 >= the level's modulus bit count ("scale out
  ///         of bounds"), or if a coefficient needs as many bits as the level's modulus ("encoded values are too
  ///         large").
  Plaintext encode(const std::vector<std::complex<double>> &values, size_t level, double scale) const;
  /// Encodes up to N/2 real values (imaginary parts 0). @throws as the complex overload.
  Plaintext encode(const std::vector<double> &values, size_t level, double scale) const;
  /// Encodes value into every slot: the constant polynomial round(value * scale) (SEAL's encode(double)).
  /// @throws std::invalid_argument naming the value if it is not finite, scale <= 0 or (int)log2(scale) >= the
  ///         modulus bit count, or (int)log2(|value * scale|) + 2 >= the modulus bit count.
  Plaintext encode(double value, size_t level, double scale) const;
  /// Encodes value into every slot (all N/2 slots set to value). @throws as the vector overload.
  Plaintext encode(std::complex<double> value, size_t level, double scale) const;

  /// Decodes all N/2 slots: CRT-composes each coefficient exactly, maps [ceil(Q/2), Q) to negative values, divides by
  /// the scale and applies the forward transform.
  /// @throws std::invalid_argument naming the value if the plaintext is malformed or its scale is out of bounds.
  std::vector<std::complex<double>> decode_complex(const Plaintext &plain) const;
  /// Real parts of decode_complex.
  std::vector<double> decode(const Plaintext &plain) const;

 private:
  Plaintext encode_slots(std::vector<std::complex<double>> slots_values, size_t level, double scale) const;

  std::shared_ptr<const Context> context_;
  size_t slots_;
  std::vector<size_t> matrix_reps_index_map_;
  std::vector<std::complex<double>> root_powers_;
  std::vector<std::complex<double>> inv_root_powers_;
};

}  // namespace cf::ckks
