#pragma once
// Negacyclic number-theoretic transform over Z_q[X]/(X^n + 1), mathematically identical to SEAL 4.1's NTTTables
// (util/ntt.h). CKKS ciphertexts are stored and serialized in this "NTT form", so the root choice and the output order
// are part of the wire format:
//   * psi = the smallest primitive 2n-th root of unity mod q (SEAL's try_minimal_primitive_root);
//   * forward output index k holds a(psi^(2*bitrev(k, log_n) + 1)) mod q, where a(x) = sum_j a_j x^j;
//   * inverse is the exact inverse of forward, including the factor 1/n.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "cipherformer/util/modulus.h"

namespace cf::util {

/// Precomputed root powers for the negacyclic NTT of size n = 2^log_n modulo q, and the transforms themselves.
/// Immutable after construction, so one instance may be shared by many threads.
class NttTables {
 public:
  /// @throws std::invalid_argument naming the value if log_n is outside [1, 17], if q is not 1 mod 2n, or if no
  ///         primitive 2n-th root of unity mod q exists.
  NttTables(int log_n, const Modulus &q);

  int log_n() const noexcept { return log_n_; }
  size_t n() const noexcept { return n_; }
  const Modulus &modulus() const noexcept { return q_; }
  /// psi: the minimal primitive 2n-th root of unity mod q.
  uint64_t root() const noexcept { return root_; }

  /// In-place forward NTT; input in [0, q) (values up to 4q are tolerated), output in [0, q).
  void forward(uint64_t *a) const noexcept;
  /// In-place forward NTT with lazy reduction; input in [0, 4q), output in [0, 4q) (same residues as forward).
  void forward_lazy(uint64_t *a) const noexcept;
  /// In-place inverse NTT (including the 1/n factor); input in [0, 2q), output in [0, q).
  void inverse(uint64_t *a) const noexcept;

 private:
  int log_n_;
  size_t n_;
  Modulus q_;
  uint64_t root_;
  // root_powers_[bitrev(i, log_n)] = psi^i (Shoup-prepared): the forward butterflies read it sequentially.
  std::vector<MulOperand> root_powers_;
  // inv_root_powers_[bitrev(i - 1, log_n) + 1] = psi^-i (Shoup-prepared), in the order the inverse reads it.
  std::vector<MulOperand> inv_root_powers_;
  // The last inverse stage (one block of n) multiplies its sum output by n^-1 and its difference output by
  // n^-1 * inv_root_powers_[n - 1] (= n^-1 * psi^-(n/2)), saving a separate scaling pass.
  MulOperand inv_n_;
  MulOperand inv_n_w_;
};

/// True iff root^(degree/2) = -1 mod q, i.e. root is a primitive degree-th root of unity (degree a power of two >= 2).
bool is_primitive_root(uint64_t root, uint64_t degree, const Modulus &q) noexcept;

/// Finds the smallest primitive degree-th root of unity mod q (degree a power of two >= 2), as SEAL's
/// try_minimal_primitive_root does for a prime q. Returns false if q - 1 is not divisible by degree or none exists.
bool try_minimal_primitive_root(uint64_t degree, const Modulus &q, uint64_t &root);

}  // namespace cf::util
