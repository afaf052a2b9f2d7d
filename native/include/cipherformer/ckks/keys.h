#pragma once
// Key material in SEAL's memory layout. All keys live at the key level (all primes, including the special prime P).

#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

#include "cipherformer/ckks/ciphertext.h"

namespace cf::ckks {

/// The secret s: a ternary polynomial in NTT form over all key-level primes (key_level + 1 limbs of N words).
struct SecretKey {
  std::vector<uint64_t> data;
};

/// A public key: a size-2 ciphertext (c_0, c_1) = (-(a s + e), a) at the key level (SEAL's PublicKey wraps one).
/// If data.seed is set, c_1 = a is the expansion of that seed.
struct PublicKey {
  Ciphertext data;
};

/// One key-switching key from a secret s' to s (SEAL stores it as a vector<PublicKey>): for each prime q_i of the first
/// data level, an encryption of zero at the key level whose c_0 limb i additionally holds (P mod q_i) * s'.
struct KSwitchKeys {
  std::vector<PublicKey> data;
};

/// Relinearization keys: data[p - 2] switches s^p to s (SEAL's RelinKeys::get_index(p) = p - 2); SEAL generates one
/// (for s^2), enough to relinearize size-3 ciphertexts.
struct RelinKeys {
  std::vector<KSwitchKeys> data;
};

/// Galois keys by Galois element: data[g] switches s(X^g) to s (SEAL stores index (g - 1) / 2 of an N-entry vector).
struct GaloisKeys {
  std::map<uint32_t, KSwitchKeys> data;
  bool has_key(uint32_t galois_elt) const { return data.count(galois_elt) != 0; }
};

}  // namespace cf::ckks
