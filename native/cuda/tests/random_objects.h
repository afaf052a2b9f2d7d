#pragma once
// Random CKKS objects for the CUDA byte-identity test and benchmark. Key switching, rescaling and the other evaluator
// operations are deterministic modular arithmetic, so uniformly random residues exercise them exactly as real
// encryptions and keys do (test data only: never key material).

#include <cstdint>
#include <random>
#include <vector>

#include "cipherformer/ckks/ciphertext.h"
#include "cipherformer/ckks/context.h"
#include "cipherformer/ckks/keys.h"
#include "cipherformer/ckks/plaintext.h"

namespace cf::cuda::test {

/// count limbs of n words, limb b uniform in [0, moduli[b % moduli.size()]).
inline void fill_uniform(const std::vector<util::Modulus> &moduli, size_t n, size_t count, std::mt19937_64 &rng,
                         uint64_t *out) {
  for (size_t b = 0; b < count; ++b) {
    const uint64_t q = moduli[b % moduli.size()].value();
    for (size_t i = 0; i < n; ++i) out[b * n + i] = rng() % q;
  }
}

inline ckks::Ciphertext random_ciphertext(const ckks::Context &ctx, size_t level, size_t size, double scale,
                                          std::mt19937_64 &rng) {
  ckks::Ciphertext ct;
  ct.level = level;
  ct.size = size;
  ct.scale = scale;
  const auto &moduli = ctx.moduli(level);
  ct.data.resize(size * moduli.size() * ctx.poly_degree());
  fill_uniform(moduli, ctx.poly_degree(), size * moduli.size(), rng, ct.data.data());
  return ct;
}

inline ckks::Plaintext random_plaintext(const ckks::Context &ctx, size_t level, double scale, std::mt19937_64 &rng) {
  ckks::Plaintext pt;
  pt.level = level;
  pt.scale = scale;
  const auto &moduli = ctx.moduli(level);
  pt.data.resize(moduli.size() * ctx.poly_degree());
  fill_uniform(moduli, ctx.poly_degree(), moduli.size(), rng, pt.data.data());
  return pt;
}

/// A key-switching key of the right shape (first_level + 1 key-level size-2 parts) with uniform residues.
inline ckks::KSwitchKeys random_kswitch_key(const ckks::Context &ctx, std::mt19937_64 &rng) {
  ckks::KSwitchKeys key;
  for (size_t j = 0; j <= ctx.first_level(); ++j) {
    ckks::PublicKey part;
    part.data = random_ciphertext(ctx, ctx.key_level(), 2, 1.0, rng);
    key.data.push_back(std::move(part));
  }
  return key;
}

}  // namespace cf::cuda::test
