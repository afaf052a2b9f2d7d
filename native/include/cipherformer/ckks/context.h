#pragma once
// The CKKS parameter context: ring degree N, the coefficient-modulus primes and the modulus-switching chain built from
// them exactly as SEAL 4.1's SEALContext builds it, with everything the kernels precompute per level.
//
// Levels are numbered by SEAL's chain index: level l uses the first l + 1 primes. With k primes
//   * level k - 1 is the key level (all primes; the last prime is the key-switching "special" prime P),
//   * level k - 2 is the first data level (SEAL's first_parms_id), and each lower level drops one more prime,
//   * level 0 is the last level (one prime).
// With a single prime there is no key switching and level 0 is both the key level and the first data level.
// The Java side maps levels to SEAL parms_ids (the parms_id of level l is the hash of the first l + 1 primes).

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "cipherformer/ckks/rns_base.h"
#include "cipherformer/util/modulus.h"
#include "cipherformer/util/ntt.h"
#include "cipherformer/util/thread_pool.h"

namespace cf::ckks {

/// Precomputed data of one level of the chain.
class LevelData {
 public:
  LevelData(size_t level, std::vector<util::Modulus> moduli);

  /// Chain index: this level has level() + 1 primes.
  size_t level() const noexcept { return level_; }
  const std::vector<util::Modulus> &moduli() const noexcept { return moduli_; }
  /// CRT basis of this level's primes (Q_l, its bit count, composition constants).
  const RnsBase &rns_base() const noexcept { return rns_base_; }
  /// Bit count of Q_l = product of this level's primes (SEAL's total_coeff_modulus_bit_count).
  int total_bit_count() const noexcept { return rns_base_.product_bit_count(); }
  /// For i < level(): q_last^-1 mod q_i (q_last = this level's last prime), Shoup-prepared. Used by rescale, by the
  /// modulus switch inside public-key encryption, and (at the key level, where q_last = P) by key switching.
  const std::vector<util::MulOperand> &inv_last_mod() const noexcept { return inv_last_mod_; }

 private:
  size_t level_;
  std::vector<util::Modulus> moduli_;
  RnsBase rns_base_;
  std::vector<util::MulOperand> inv_last_mod_;
};

/// Immutable CKKS context (thread-safe; the Galois permutation cache is guarded by a mutex).
class Context {
 public:
  /// Smallest and largest supported ring degree.
  static constexpr size_t kMinPolyDegree = 4096;
  static constexpr size_t kMaxPolyDegree = 65536;
  /// SEAL's limit on the number of coefficient-modulus primes.
  static constexpr size_t kMaxPrimeCount = 64;

  /// @param poly_degree N, a power of two in [4096, 65536].
  /// @param primes the coefficient modulus as SEAL's coeff_modulus: data primes, then the special prime.
  /// @throws std::invalid_argument naming the value if N is not a power of two in range, if there are no primes or
  ///         more than 64, or if a prime is >= 2^61, not prime, not 1 mod 2N, or repeated.
  Context(size_t poly_degree, const std::vector<uint64_t> &primes);

  size_t poly_degree() const noexcept { return poly_degree_; }
  int log_poly_degree() const noexcept { return log_n_; }
  /// N / 2, the number of complex slots.
  size_t slot_count() const noexcept { return poly_degree_ / 2; }
  /// Number of levels = number of primes.
  size_t level_count() const noexcept { return levels_.size(); }
  /// Level with all primes (k - 1).
  size_t key_level() const noexcept { return levels_.size() - 1; }
  /// Highest level a ciphertext may live at: k - 2 with key switching, else 0.
  size_t first_level() const noexcept { return using_key_switching() ? levels_.size() - 2 : 0; }
  /// True iff there are at least two primes (SEAL's using_keyswitching).
  bool using_key_switching() const noexcept { return levels_.size() > 1; }

  /// @throws std::out_of_range naming the level if level >= level_count().
  const LevelData &level(size_t level) const;
  /// The primes of a level (the first level + 1 primes). @throws std::out_of_range as level().
  const std::vector<util::Modulus> &moduli(size_t level) const { return this->level(level).moduli(); }
  /// All primes (key level).
  const std::vector<util::Modulus> &key_moduli() const noexcept { return levels_.back()->moduli(); }
  /// NTT tables of prime index i (the same prime at every level). @throws std::out_of_range if i >= level_count().
  const util::NttTables &ntt_tables(size_t prime_index) const;

  /// The permutation of NTT-form coefficients realizing X -> X^galois_elt: result[i] = input[table[i]] (SEAL's
  /// GaloisTool::apply_galois_ntt). Computed on first use and cached.
  /// @throws std::invalid_argument naming the value if galois_elt is even or >= 2N.
  const std::vector<uint32_t> &galois_permutation(uint32_t galois_elt) const;

 private:
  size_t poly_degree_;
  int log_n_;
  std::vector<std::unique_ptr<LevelData>> levels_;
  std::vector<std::unique_ptr<util::NttTables>> ntt_tables_;
  mutable std::mutex galois_mutex_;
  mutable std::map<uint32_t, std::unique_ptr<const std::vector<uint32_t>>> galois_tables_;
};

/// True iff n is prime (deterministic Miller-Rabin for 64-bit n).
bool is_prime(uint64_t n) noexcept;

}  // namespace cf::ckks
