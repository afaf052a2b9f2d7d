#include "cipherformer/ckks/evaluator.h"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "cipherformer/ckks/galois.h"
#include "cipherformer/ckks/hoisted_key_switch.h"
#include "cipherformer/ckks/key_switch.h"
#include "cipherformer/ckks/rlwe.h"
#include "cipherformer/ckks/validation.h"
#include "cipherformer/util/poly_arith.h"

namespace cf::ckks {
namespace {

std::string scale_text(double s) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.17g", s);
  return buf;
}

void check_same_level(const Ciphertext &a, size_t other_level, const char *what) {
  if (a.level != other_level) {
    throw std::invalid_argument(std::string(what) + " parameter mismatch: levels " + std::to_string(a.level) +
                                " and " + std::to_string(other_level));
  }
}

void check_same_scale(double a, double b, const char *what) {
  if (!are_same_scale(a, b)) {
    throw std::invalid_argument(std::string("scale mismatch between ") + what + ": " + scale_text(a) + " and " +
                                scale_text(b));
  }
}

void check_scale_bounds(double scale, const LevelData &level) {
  if (!is_scale_within_bounds(scale, level)) {
    throw std::invalid_argument("scale out of bounds: " + scale_text(scale) + " needs at least the " +
                                std::to_string(level.total_bit_count()) + "-bit modulus of level " +
                                std::to_string(level.level()));
  }
}

}  // namespace

Evaluator::Evaluator(std::shared_ptr<const Context> context, util::ThreadPool *pool)
    : context_(std::move(context)), pool_(pool) {
  if (!context_) throw std::invalid_argument("context is null");
}

void Evaluator::check_not_transparent(const Ciphertext &result) const {
  if (is_transparent(result)) throw std::logic_error("result ciphertext is transparent");
}

// ----- linear operations -----

void Evaluator::negate_inplace(Ciphertext &a) const {
  check_ciphertext(*context_, a, "encrypted");
  const size_t n = context_->poly_degree();
  const auto &moduli = context_->moduli(a.level);
  pool_or_default(pool_).parallel_for(a.size * moduli.size(), [&](size_t task) {
    const size_t p = task / moduli.size();
    const size_t i = task % moduli.size();
    util::negate_poly_mod(a.limb(p, i, n), n, moduli[i], a.limb(p, i, n));
  });
  a.seed.reset();
  check_not_transparent(a);
}

Ciphertext Evaluator::negate(const Ciphertext &a) const {
  Ciphertext r = a;
  negate_inplace(r);
  return r;
}

void Evaluator::add_inplace(Ciphertext &a, const Ciphertext &b) const {
  check_ciphertext(*context_, a, "encrypted1");
  check_ciphertext(*context_, b, "encrypted2");
  check_same_level(a, b.level, "encrypted1 and encrypted2");
  check_same_scale(a.scale, b.scale, "encrypted1 and encrypted2");
  const size_t n = context_->poly_degree();
  const auto &moduli = context_->moduli(a.level);
  const size_t k = moduli.size();
  const size_t min_size = std::min(a.size, b.size);
  if (b.size > a.size) {
    // The extra polynomials of b are copied (SEAL's set_poly_array).
    a.data.insert(a.data.end(), b.data.begin() + static_cast<std::ptrdiff_t>(a.size * k * n), b.data.end());
    a.size = b.size;
  }
  pool_or_default(pool_).parallel_for(min_size * k, [&](size_t task) {
    const size_t p = task / k;
    const size_t i = task % k;
    util::add_poly_mod(a.limb(p, i, n), b.limb(p, i, n), n, moduli[i], a.limb(p, i, n));
  });
  a.seed.reset();
  check_not_transparent(a);
}

Ciphertext Evaluator::add(const Ciphertext &a, const Ciphertext &b) const {
  Ciphertext r = a;
  add_inplace(r, b);
  return r;
}

void Evaluator::sub_inplace(Ciphertext &a, const Ciphertext &b) const {
  check_ciphertext(*context_, a, "encrypted1");
  check_ciphertext(*context_, b, "encrypted2");
  check_same_level(a, b.level, "encrypted1 and encrypted2");
  check_same_scale(a.scale, b.scale, "encrypted1 and encrypted2");
  const size_t n = context_->poly_degree();
  const auto &moduli = context_->moduli(a.level);
  const size_t k = moduli.size();
  const size_t old_size = a.size;
  const size_t min_size = std::min(a.size, b.size);
  if (b.size > a.size) {
    a.data.resize(b.data.size());
    a.size = b.size;
  }
  pool_or_default(pool_).parallel_for(a.size * k, [&](size_t task) {
    const size_t p = task / k;
    const size_t i = task % k;
    if (p < min_size) {
      util::sub_poly_mod(a.limb(p, i, n), b.limb(p, i, n), n, moduli[i], a.limb(p, i, n));
    } else if (p >= old_size) {
      // The extra polynomials of b are negated into a.
      util::negate_poly_mod(b.limb(p, i, n), n, moduli[i], a.limb(p, i, n));
    }
  });
  a.seed.reset();
  check_not_transparent(a);
}

Ciphertext Evaluator::sub(const Ciphertext &a, const Ciphertext &b) const {
  Ciphertext r = a;
  sub_inplace(r, b);
  return r;
}

void Evaluator::add_plain_inplace(Ciphertext &a, const Plaintext &p) const {
  check_ciphertext(*context_, a, "encrypted");
  check_plaintext(*context_, p, "plain");
  check_same_level(a, p.level, "encrypted and plain");
  check_same_scale(a.scale, p.scale, "encrypted and plain");
  const size_t n = context_->poly_degree();
  const auto &moduli = context_->moduli(a.level);
  pool_or_default(pool_).parallel_for(moduli.size(), [&](size_t i) {
    util::add_poly_mod(a.limb(0, i, n), p.limb(i, n), n, moduli[i], a.limb(0, i, n));
  });
  a.seed.reset();
  check_not_transparent(a);
}

Ciphertext Evaluator::add_plain(const Ciphertext &a, const Plaintext &p) const {
  Ciphertext r = a;
  add_plain_inplace(r, p);
  return r;
}

void Evaluator::sub_plain_inplace(Ciphertext &a, const Plaintext &p) const {
  check_ciphertext(*context_, a, "encrypted");
  check_plaintext(*context_, p, "plain");
  check_same_level(a, p.level, "encrypted and plain");
  check_same_scale(a.scale, p.scale, "encrypted and plain");
  const size_t n = context_->poly_degree();
  const auto &moduli = context_->moduli(a.level);
  pool_or_default(pool_).parallel_for(moduli.size(), [&](size_t i) {
    util::sub_poly_mod(a.limb(0, i, n), p.limb(i, n), n, moduli[i], a.limb(0, i, n));
  });
  a.seed.reset();
  check_not_transparent(a);
}

Ciphertext Evaluator::sub_plain(const Ciphertext &a, const Plaintext &p) const {
  Ciphertext r = a;
  sub_plain_inplace(r, p);
  return r;
}

// ----- products -----

void Evaluator::multiply_inplace(Ciphertext &a, const Ciphertext &b) const {
  check_ciphertext(*context_, a, "encrypted1");
  check_ciphertext(*context_, b, "encrypted2");
  check_same_level(a, b.level, "encrypted1 and encrypted2");
  const LevelData &level = context_->level(a.level);
  const double new_scale = a.scale * b.scale;
  const size_t dest_size = a.size + b.size - 1;
  if (dest_size > kMaxCiphertextSize) {
    throw std::invalid_argument("product size " + std::to_string(dest_size) + " exceeds 16");
  }
  check_scale_bounds(new_scale, level);
  const size_t n = context_->poly_degree();
  const auto &moduli = level.moduli();
  const size_t k = moduli.size();
  // Output polynomial r is sum over p + q = r of a_p * b_q (dyadic products in NTT form); all exact mod q_i.
  std::vector<uint64_t> out(dest_size * k * n, 0);
  pool_or_default(pool_).parallel_for(dest_size * k, [&](size_t task) {
    const size_t r = task / k;
    const size_t i = task % k;
    uint64_t *dst = out.data() + (r * k + i) * n;
    std::vector<uint64_t> prod(n);
    const size_t p_first = r >= b.size ? r - (b.size - 1) : 0;
    const size_t p_last = std::min(r, a.size - 1);
    for (size_t p = p_first; p <= p_last; ++p) {
      util::dyadic_multiply_mod(a.limb(p, i, n), b.limb(r - p, i, n), n, moduli[i], prod.data());
      util::add_poly_mod(dst, prod.data(), n, moduli[i], dst);
    }
  });
  a.data.swap(out);
  a.size = dest_size;
  a.scale = new_scale;
  a.seed.reset();
  check_not_transparent(a);
}

Ciphertext Evaluator::multiply(const Ciphertext &a, const Ciphertext &b) const {
  Ciphertext r = a;
  multiply_inplace(r, b);
  return r;
}

void Evaluator::square_inplace(Ciphertext &a) const {
  const Ciphertext copy = a;
  multiply_inplace(a, copy);
}

Ciphertext Evaluator::square(const Ciphertext &a) const { return multiply(a, a); }

void Evaluator::multiply_plain_inplace(Ciphertext &a, const Plaintext &p) const {
  check_ciphertext(*context_, a, "encrypted");
  check_plaintext(*context_, p, "plain");
  check_same_level(a, p.level, "encrypted and plain");
  const LevelData &level = context_->level(a.level);
  const double new_scale = a.scale * p.scale;
  check_scale_bounds(new_scale, level);
  const size_t n = context_->poly_degree();
  const auto &moduli = level.moduli();
  const size_t k = moduli.size();
  pool_or_default(pool_).parallel_for(a.size * k, [&](size_t task) {
    const size_t q = task / k;
    const size_t i = task % k;
    util::dyadic_multiply_mod(a.limb(q, i, n), p.limb(i, n), n, moduli[i], a.limb(q, i, n));
  });
  a.scale = new_scale;
  a.seed.reset();
  check_not_transparent(a);
}

Ciphertext Evaluator::multiply_plain(const Ciphertext &a, const Plaintext &p) const {
  Ciphertext r = a;
  multiply_plain_inplace(r, p);
  return r;
}

// ----- key switching -----

void Evaluator::relinearize_inplace(Ciphertext &a, const RelinKeys &relin_keys) const {
  check_ciphertext(*context_, a, "encrypted");
  if (!context_->using_key_switching()) throw std::invalid_argument("key switching is not supported with one prime");
  if (a.size == 2) return;
  if (relin_keys.data.size() < a.size - 2) {
    throw std::invalid_argument("not enough relinearization keys: " + std::to_string(relin_keys.data.size()) +
                                " for a size-" + std::to_string(a.size) + " ciphertext");
  }
  const size_t n = context_->poly_degree();
  const size_t k = a.level + 1;
  auto &pool = pool_or_default(pool_);
  // As SEAL: switch the last polynomial c_{size-1} (key s^{size-1}) into c_0, c_1, then drop it; repeat.
  while (a.size > 2) {
    const size_t last = a.size - 1;
    const KSwitchKeys &key = relin_keys.data[last - 2];
    switch_key(*context_, a.level, a.poly(last, n), key, a.poly(0, n), a.poly(1, n), pool);
    a.size = last;
    a.data.resize(a.size * k * n);
  }
  a.seed.reset();
  check_not_transparent(a);
}

Ciphertext Evaluator::relinearize(const Ciphertext &a, const RelinKeys &relin_keys) const {
  Ciphertext r = a;
  relinearize_inplace(r, relin_keys);
  return r;
}

void Evaluator::check_galois_key(const GaloisKeys &galois_keys, uint32_t galois_elt) const {
  if (!galois_keys.has_key(galois_elt)) {
    throw std::invalid_argument("Galois key not present for Galois element " + std::to_string(galois_elt));
  }
}

void Evaluator::apply_galois_inplace(Ciphertext &a, uint32_t galois_elt, const GaloisKeys &galois_keys) const {
  check_ciphertext(*context_, a, "encrypted");
  if (!context_->using_key_switching()) throw std::invalid_argument("key switching is not supported with one prime");
  if ((galois_elt & 1) == 0 || galois_elt >= 2 * context_->poly_degree()) {
    throw std::invalid_argument("Galois element " + std::to_string(galois_elt) + " is not valid");
  }
  check_galois_key(galois_keys, galois_elt);
  if (a.size != 2) throw std::invalid_argument("encrypted size must be 2, got " + std::to_string(a.size));
  const size_t n = context_->poly_degree();
  const size_t k = a.level + 1;
  auto &pool = pool_or_default(pool_);
  const std::vector<uint32_t> &perm = context_->galois_permutation(galois_elt);
  // c_0' = sigma(c_0), target = sigma(c_1), c_1' = 0; then (c_0', c_1') += switch(target).
  std::vector<uint64_t> target(k * n);
  pool.parallel_for(k, [&](size_t i) {
    std::vector<uint64_t> tmp(n);
    uint64_t *c0 = a.limb(0, i, n);
    for (size_t j = 0; j < n; ++j) tmp[j] = c0[perm[j]];
    std::copy(tmp.begin(), tmp.end(), c0);
    const uint64_t *c1 = a.limb(1, i, n);
    uint64_t *t = target.data() + i * n;
    for (size_t j = 0; j < n; ++j) t[j] = c1[perm[j]];
  });
  std::fill(a.poly(1, n), a.poly(1, n) + k * n, 0);
  switch_key(*context_, a.level, target.data(), galois_keys.data.at(galois_elt), a.poly(0, n), a.poly(1, n), pool);
  a.seed.reset();
  check_not_transparent(a);
}

void Evaluator::rotate_vector_inplace(Ciphertext &a, int steps, const GaloisKeys &galois_keys) const {
  check_ciphertext(*context_, a, "encrypted");
  if (steps == 0) return;
  const uint32_t elt = galois_elt_from_step(steps, context_->poly_degree());
  if (galois_keys.has_key(elt)) {
    apply_galois_inplace(a, elt, galois_keys);
    return;
  }
  // As SEAL: without a key for the step itself, rotate by the terms of its non-adjacent form.
  const std::vector<int> terms = non_adjacent_form(steps);
  if (terms.size() == 1) check_galois_key(galois_keys, elt);
  for (int term : terms) {
    if (static_cast<size_t>(std::abs(term)) != context_->poly_degree() / 2) {
      rotate_vector_inplace(a, term, galois_keys);
    }
  }
}

Ciphertext Evaluator::rotate_vector(const Ciphertext &a, int steps, const GaloisKeys &galois_keys) const {
  Ciphertext r = a;
  rotate_vector_inplace(r, steps, galois_keys);
  r.seed.reset();
  return r;
}

void Evaluator::complex_conjugate_inplace(Ciphertext &a, const GaloisKeys &galois_keys) const {
  apply_galois_inplace(a, conjugation_galois_elt(context_->poly_degree()), galois_keys);
}

Ciphertext Evaluator::complex_conjugate(const Ciphertext &a, const GaloisKeys &galois_keys) const {
  Ciphertext r = a;
  complex_conjugate_inplace(r, galois_keys);
  return r;
}

std::vector<Ciphertext> Evaluator::rotate_hoisted(const Ciphertext &a, const std::vector<int> &steps,
                                                  const GaloisKeys &galois_keys) const {
  check_ciphertext(*context_, a, "encrypted");
  if (a.size != 2) throw std::invalid_argument("encrypted size must be 2, got " + std::to_string(a.size));
  const size_t n = context_->poly_degree();
  std::vector<uint32_t> elts(steps.size(), 0);
  bool any_rotation = false;
  for (size_t s = 0; s < steps.size(); ++s) {
    if (steps[s] == 0) continue;
    elts[s] = galois_elt_from_step(steps[s], n);
    check_galois_key(galois_keys, elts[s]);
    any_rotation = true;
  }
  if (any_rotation && !context_->using_key_switching()) {
    throw std::invalid_argument("key switching is not supported with one prime");
  }
  auto &pool = pool_or_default(pool_);
  const size_t k = a.level + 1;
  // The one decomposition of c_1 that every step shares (L (L + 1) N words, the peak besides the results).
  HoistedDigits digits;
  if (any_rotation) digits = decompose_for_hoisting(*context_, a.level, a.poly(1, n), pool);

  std::vector<Ciphertext> results(steps.size());
  std::vector<HoistedKeySwitch> switches;
  for (size_t s = 0; s < steps.size(); ++s) {
    Ciphertext &r = results[s];
    r.level = a.level;
    r.size = 2;
    r.scale = a.scale;
    r.is_ntt_form = true;
    if (steps[s] == 0) {
      r.data = a.data;
      continue;
    }
    // c_0' = perm(c_0), c_1' = 0, then (c_0', c_1') += switch(perm(c_1)) from the shared digits.
    const uint32_t *perm = context_->galois_permutation(elts[s]).data();
    r.data.assign(2 * k * n, 0);
    pool.parallel_for(k, [&](size_t i) {
      const uint64_t *c0 = a.limb(0, i, n);
      uint64_t *out = r.limb(0, i, n);
      for (size_t j = 0; j < n; ++j) out[j] = c0[perm[j]];
    });
    switches.push_back(HoistedKeySwitch{elts[s], &galois_keys.data.at(elts[s]), r.poly(0, n), r.poly(1, n)});
  }
  if (!switches.empty()) apply_hoisted_key_switches(*context_, digits, switches, pool);
  for (size_t s = 0; s < steps.size(); ++s) {
    if (steps[s] != 0) check_not_transparent(results[s]);
  }
  return results;
}

// ----- modulus switching -----

void Evaluator::rescale_to_next_inplace(Ciphertext &a) const {
  check_ciphertext(*context_, a, "encrypted");
  if (a.level == 0) throw std::invalid_argument("end of modulus switching chain reached (encrypted is at level 0)");
  const size_t n = context_->poly_degree();
  const size_t k = a.level + 1;
  const double q_last = static_cast<double>(context_->moduli(a.level).back().value());
  auto &pool = pool_or_default(pool_);
  divide_and_round_q_last_ntt(*context_, a.level, a.data.data(), a.size, k * n, pool);
  std::vector<uint64_t> out(a.size * (k - 1) * n);
  for (size_t p = 0; p < a.size; ++p) {
    const uint64_t *poly = a.poly(p, n);
    std::copy(poly, poly + (k - 1) * n, out.data() + p * (k - 1) * n);
  }
  a.data.swap(out);
  a.level -= 1;
  a.scale /= q_last;
  a.seed.reset();
  check_not_transparent(a);
}

Ciphertext Evaluator::rescale_to_next(const Ciphertext &a) const {
  Ciphertext r = a;
  rescale_to_next_inplace(r);
  return r;
}

void Evaluator::mod_switch_to_next_inplace(Ciphertext &a) const {
  check_ciphertext(*context_, a, "encrypted");
  if (a.level == 0) throw std::invalid_argument("end of modulus switching chain reached (encrypted is at level 0)");
  check_scale_bounds(a.scale, context_->level(a.level - 1));
  const size_t n = context_->poly_degree();
  const size_t k = a.level + 1;
  std::vector<uint64_t> out(a.size * (k - 1) * n);
  for (size_t p = 0; p < a.size; ++p) {
    std::copy(a.poly(p, n), a.poly(p, n) + (k - 1) * n, out.data() + p * (k - 1) * n);
  }
  a.data.swap(out);
  a.level -= 1;
  a.seed.reset();
  check_not_transparent(a);
}

Ciphertext Evaluator::mod_switch_to_next(const Ciphertext &a) const {
  Ciphertext r = a;
  mod_switch_to_next_inplace(r);
  return r;
}

void Evaluator::mod_switch_to_inplace(Ciphertext &a, size_t level) const {
  check_ciphertext(*context_, a, "encrypted");
  if (level > a.level) {
    throw std::invalid_argument("cannot switch up from level " + std::to_string(a.level) + " to level " +
                                std::to_string(level));
  }
  while (a.level > level) mod_switch_to_next_inplace(a);
}

void Evaluator::mod_switch_to_next_inplace(Plaintext &p) const {
  check_plaintext(*context_, p, "plain");
  if (p.level == 0) throw std::invalid_argument("end of modulus switching chain reached (plain is at level 0)");
  check_scale_bounds(p.scale, context_->level(p.level - 1));
  p.data.resize(p.level * context_->poly_degree());
  p.level -= 1;
}

void Evaluator::mod_switch_to_inplace(Plaintext &p, size_t level) const {
  check_plaintext(*context_, p, "plain");
  if (level > p.level) {
    throw std::invalid_argument("cannot switch up from level " + std::to_string(p.level) + " to level " +
                                std::to_string(level));
  }
  while (p.level > level) mod_switch_to_next_inplace(p);
}

}  // namespace cf::ckks
