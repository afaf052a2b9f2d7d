#include "cipherformer/cuda/device_evaluator.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "cipherformer/ckks/galois.h"
#include "cipherformer/ckks/validation.h"
#include "cuda_check.h"
#include "kernels.h"

namespace cf::cuda {
namespace {

using kernels::BinaryOp;

std::string scale_text(double s) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.17g", s);
  return buf;
}

[[noreturn]] void fail(const std::string &name, const std::string &what) {
  throw std::invalid_argument(name + ": " + what);
}

// The checks of cf::ckks::check_ciphertext on device metadata (the data size is right by construction, but a caller
// may have edited the fields, so it is checked too).
void check_device_ciphertext(const DeviceContext &context, const DeviceCiphertext &ct, const std::string &name) {
  const ckks::Context &host = context.host();
  if (ct.level > host.first_level()) {
    fail(name, "level " + std::to_string(ct.level) + " is not a data level (highest data level is " +
                   std::to_string(host.first_level()) + ")");
  }
  if (ct.size < 2 || ct.size > ckks::kMaxCiphertextSize) {
    fail(name, "size " + std::to_string(ct.size) + " is outside [2, 16]");
  }
  const size_t expected = ct.size * (ct.level + 1) * host.poly_degree();
  if (ct.data.words() != expected) {
    fail(name, "device data has " + std::to_string(ct.data.words()) + " words, expected " + std::to_string(expected));
  }
  if (!(ct.scale > 0) || !std::isfinite(ct.scale)) {
    fail(name, "scale " + scale_text(ct.scale) + " is not positive and finite");
  }
}

void check_device_plaintext(const DeviceContext &context, const DevicePlaintext &pt, const std::string &name) {
  const ckks::Context &host = context.host();
  if (pt.level > host.first_level()) {
    fail(name, "level " + std::to_string(pt.level) + " is not a data level");
  }
  const size_t expected = (pt.level + 1) * host.poly_degree();
  if (pt.data.words() != expected) {
    fail(name, "device data has " + std::to_string(pt.data.words()) + " words, expected " + std::to_string(expected));
  }
  if (!(pt.scale > 0) || !std::isfinite(pt.scale)) {
    fail(name, "scale " + scale_text(pt.scale) + " is not positive and finite");
  }
}

void check_same_level(size_t a, size_t b, const char *what) {
  if (a != b) {
    throw std::invalid_argument(std::string(what) + " parameter mismatch: levels " + std::to_string(a) + " and " +
                                std::to_string(b));
  }
}

void check_same_scale(double a, double b, const char *what) {
  if (!ckks::are_same_scale(a, b)) {
    throw std::invalid_argument(std::string("scale mismatch between ") + what + ": " + scale_text(a) + " and " +
                                scale_text(b));
  }
}

void check_scale_bounds(double scale, const ckks::LevelData &level) {
  if (!ckks::is_scale_within_bounds(scale, level)) {
    throw std::invalid_argument("scale out of bounds: " + scale_text(scale) + " needs at least the " +
                                std::to_string(level.total_bit_count()) + "-bit modulus of level " +
                                std::to_string(level.level()));
  }
}

LimbPrimes ciphertext_limbs(size_t level) {
  const auto k = static_cast<uint32_t>(level + 1);
  return LimbPrimes{k, k, 0};
}

// Divides polys polynomials (level + 1 limbs each, poly p at data + p * stride) by their last prime with rounding and
// writes the first `level` limbs of each to out (poly p at out + p * out_stride), or adds them there (accumulate).
// The last limbs are clobbered (as on the CPU). inv_last: q_last^-1 mod q_i of this level.
void divide_and_round_last(const DeviceContext &context, size_t level, uint64_t *data, size_t stride, size_t polys,
                           uint64_t *out, size_t out_stride, uint32_t last_prime, const DevMulOperand *inv_last,
                           bool accumulate) {
  const size_t n = context.poly_degree();
  uint64_t *last = data + level * n;
  // r = (INTT(c_last) + floor(q_last / 2)) mod q_last: adding half turns the floor of the division into rounding.
  kernels::ntt_inverse(context.ntt_tables(), last, polys, stride, LimbPrimes{1, 0, last_prime});
  kernels::add_half_limbs(last, polys, stride, n, last_prime, context.moduli());
  DeviceBuffer temp(polys * level * n);
  kernels::divide_round_temp(temp.data(), last, stride, polys, level, n, last_prime, context.moduli());
  kernels::ntt_forward(context.ntt_tables(), temp.data(), polys * level, n,
                       LimbPrimes{static_cast<uint32_t>(level), static_cast<uint32_t>(level), 0});
  kernels::divide_round_finish(out, out_stride, data, stride, temp.data(), polys, level, n, inv_last,
                               context.moduli(), accumulate);
}

/// a op= p on the first polynomial of a (the plaintext lives there), after SEAL's checks for add_plain/sub_plain.
void combine_plain_inplace(const DeviceContext &context, BinaryOp op, DeviceCiphertext &a, const DevicePlaintext &p) {
  check_device_ciphertext(context, a, "encrypted");
  check_device_plaintext(context, p, "plain");
  check_same_level(a.level, p.level, "encrypted and plain");
  check_same_scale(a.scale, p.scale, "encrypted and plain");
  const size_t k = a.level + 1;
  kernels::binary_limbs(op, a.data.data(), p.data.data(), k, k, context.poly_degree(), ciphertext_limbs(a.level),
                        context.moduli());
}

}  // namespace

DeviceEvaluator::DeviceEvaluator(std::shared_ptr<const DeviceContext> context) : context_(std::move(context)) {
  if (!context_) throw std::invalid_argument("device context is null");
}

void DeviceEvaluator::check_not_transparent(const DeviceCiphertext &a) const {
  if (!check_transparent_) return;
  const size_t n = context_->poly_degree();
  const size_t poly_words = (a.level + 1) * n;
  if (!kernels::any_nonzero(a.data.data() + poly_words, (a.size - 1) * poly_words)) {
    throw std::logic_error("result ciphertext is transparent");
  }
}

// ----- linear operations -----

void DeviceEvaluator::negate_inplace(DeviceCiphertext &a) const {
  check_device_ciphertext(*context_, a, "encrypted");
  const size_t n = context_->poly_degree();
  kernels::negate_limbs(a.data.data(), a.size * (a.level + 1), n, ciphertext_limbs(a.level), context_->moduli());
  check_not_transparent(a);
}

void DeviceEvaluator::add_inplace(DeviceCiphertext &a, const DeviceCiphertext &b) const {
  check_device_ciphertext(*context_, a, "encrypted1");
  check_device_ciphertext(*context_, b, "encrypted2");
  check_same_level(a.level, b.level, "encrypted1 and encrypted2");
  check_same_scale(a.scale, b.scale, "encrypted1 and encrypted2");
  const size_t n = context_->poly_degree();
  const size_t k = a.level + 1;
  const size_t common = std::min(a.size, b.size);
  if (b.size > a.size) {
    // The extra polynomials of b are copied (SEAL's set_poly_array).
    DeviceBuffer grown(b.size * k * n);
    kernels::copy_rows(grown.data(), 0, a.data.data(), 0, a.size * k * n, 1);
    kernels::copy_rows(grown.data() + a.size * k * n, 0, b.data.data() + a.size * k * n, 0, (b.size - a.size) * k * n,
                       1);
    a.data = std::move(grown);
    a.size = b.size;
  }
  kernels::binary_limbs(BinaryOp::kAdd, a.data.data(), b.data.data(), common * k, common * k, n,
                        ciphertext_limbs(a.level), context_->moduli());
  check_not_transparent(a);
}

void DeviceEvaluator::sub_inplace(DeviceCiphertext &a, const DeviceCiphertext &b) const {
  check_device_ciphertext(*context_, a, "encrypted1");
  check_device_ciphertext(*context_, b, "encrypted2");
  check_same_level(a.level, b.level, "encrypted1 and encrypted2");
  check_same_scale(a.scale, b.scale, "encrypted1 and encrypted2");
  const size_t n = context_->poly_degree();
  const size_t k = a.level + 1;
  const size_t common = std::min(a.size, b.size);
  if (b.size > a.size) {
    // The extra polynomials of b are negated into a.
    DeviceBuffer grown(b.size * k * n);
    kernels::copy_rows(grown.data(), 0, a.data.data(), 0, a.size * k * n, 1);
    kernels::negate_limbs_to(grown.data() + a.size * k * n, b.data.data() + a.size * k * n, (b.size - a.size) * k, n,
                             ciphertext_limbs(a.level), context_->moduli());
    a.data = std::move(grown);
    a.size = b.size;
  }
  kernels::binary_limbs(BinaryOp::kSub, a.data.data(), b.data.data(), common * k, common * k, n,
                        ciphertext_limbs(a.level), context_->moduli());
  check_not_transparent(a);
}

void DeviceEvaluator::add_plain_inplace(DeviceCiphertext &a, const DevicePlaintext &p) const {
  combine_plain_inplace(*context_, BinaryOp::kAdd, a, p);
  check_not_transparent(a);
}

void DeviceEvaluator::sub_plain_inplace(DeviceCiphertext &a, const DevicePlaintext &p) const {
  combine_plain_inplace(*context_, BinaryOp::kSub, a, p);
  check_not_transparent(a);
}

// ----- products -----

void DeviceEvaluator::multiply_inplace(DeviceCiphertext &a, const DeviceCiphertext &b) const {
  check_device_ciphertext(*context_, a, "encrypted1");
  check_device_ciphertext(*context_, b, "encrypted2");
  check_same_level(a.level, b.level, "encrypted1 and encrypted2");
  const ckks::LevelData &level = context_->host().level(a.level);
  const double new_scale = a.scale * b.scale;
  const size_t dest_size = a.size + b.size - 1;
  if (dest_size > ckks::kMaxCiphertextSize) {
    throw std::invalid_argument("product size " + std::to_string(dest_size) + " exceeds 16");
  }
  check_scale_bounds(new_scale, level);
  const size_t n = context_->poly_degree();
  const size_t k = a.level + 1;
  DeviceBuffer out(dest_size * k * n);
  kernels::tensor_product(out.data(), a.data.data(), a.size, b.data.data(), b.size, k, n, context_->moduli());
  a.data = std::move(out);
  a.size = dest_size;
  a.scale = new_scale;
  check_not_transparent(a);
}

void DeviceEvaluator::square_inplace(DeviceCiphertext &a) const {
  check_device_ciphertext(*context_, a, "encrypted");
  // The tensor kernel reads a and writes a fresh buffer, so a may be both operands.
  multiply_inplace(a, a);
}

void DeviceEvaluator::multiply_plain_inplace(DeviceCiphertext &a, const DevicePlaintext &p) const {
  check_device_ciphertext(*context_, a, "encrypted");
  check_device_plaintext(*context_, p, "plain");
  check_same_level(a.level, p.level, "encrypted and plain");
  const double new_scale = a.scale * p.scale;
  check_scale_bounds(new_scale, context_->host().level(a.level));
  const size_t k = a.level + 1;
  kernels::binary_limbs(BinaryOp::kMultiply, a.data.data(), p.data.data(), a.size * k, k, context_->poly_degree(),
                        ciphertext_limbs(a.level), context_->moduli());
  a.scale = new_scale;
  check_not_transparent(a);
}

// ----- key switching -----

void DeviceEvaluator::switch_key(size_t level, const uint64_t *target, const DeviceKSwitchKey &key, uint64_t *c0,
                                 uint64_t *c1) const {
  const ckks::Context &host = context_->host();
  if (!host.using_key_switching()) throw std::invalid_argument("key switching needs at least two primes");
  if (key.parts != host.first_level() + 1) {
    throw std::invalid_argument("key-switching key has " + std::to_string(key.parts) + " parts, expected " +
                                std::to_string(host.first_level() + 1));
  }
  if (c1 != c0 + (level + 1) * context_->poly_degree()) {
    throw std::logic_error("switch_key: c1 must follow c0");
  }
  const size_t n = context_->poly_degree();
  const size_t data_primes = level + 1;
  const size_t key_limbs = data_primes + 1;
  const auto special = static_cast<uint32_t>(host.key_level());

  // Digits: INTT of every target limb, each reduced modulo every key prime and NTT'd there. (Digit j under its own
  // prime comes out equal to the target limb: NTT(INTT(x)) = x on canonical residues.)
  DeviceBuffer coeffs(data_primes * n);
  kernels::copy_rows(coeffs.data(), 0, target, 0, data_primes * n, 1);
  kernels::ntt_inverse(context_->ntt_tables(), coeffs.data(), data_primes, n, ciphertext_limbs(level));
  DeviceBuffer digits(data_primes * key_limbs * n);
  kernels::decompose_digits(digits.data(), coeffs.data(), data_primes, n, special, context_->moduli());
  const LimbPrimes digit_map{static_cast<uint32_t>(key_limbs), static_cast<uint32_t>(data_primes), special};
  kernels::ntt_forward(context_->ntt_tables(), digits.data(), data_primes * key_limbs, n, digit_map);

  DeviceBuffer acc(2 * key_limbs * n);
  kernels::InnerProductArgs args{};
  args.acc = acc.data();
  args.digits = digits.data();
  args.key = key.data.data();
  args.data_primes = data_primes;
  args.key_primes_total = context_->prime_count();
  args.special = special;
  args.n = n;
  args.moduli = context_->moduli();
  kernels::key_switch_inner_product(args);
  divide_and_round_last(*context_, data_primes, acc.data(), key_limbs * n, 2, c0, data_primes * n, special,
                        context_->inv_last_mod(host.key_level()), true);
}

void DeviceEvaluator::relinearize_inplace(DeviceCiphertext &a, const DeviceRelinKeys &keys) const {
  check_device_ciphertext(*context_, a, "encrypted");
  if (!context_->host().using_key_switching()) {
    throw std::invalid_argument("key switching is not supported with one prime");
  }
  if (a.size == 2) return;
  if (keys.data.size() < a.size - 2) {
    throw std::invalid_argument("not enough relinearization keys: " + std::to_string(keys.data.size()) +
                                " for a size-" + std::to_string(a.size) + " ciphertext");
  }
  const size_t n = context_->poly_degree();
  const size_t k = a.level + 1;
  // As SEAL: switch the last polynomial into c_0, c_1, then drop it; repeat. The buffer keeps its size (the extra
  // polynomials are ignored) and is compacted at the end.
  const size_t original_size = a.size;
  while (a.size > 2) {
    const size_t last = a.size - 1;
    switch_key(a.level, a.poly(last, n), keys.data[last - 2], a.poly(0, n), a.poly(1, n));
    a.size = last;
  }
  if (original_size != 2) {
    DeviceBuffer compact(2 * k * n);
    kernels::copy_rows(compact.data(), 0, a.data.data(), 0, 2 * k * n, 1);
    a.data = std::move(compact);
  }
  check_not_transparent(a);
}

void DeviceEvaluator::check_galois_key(const DeviceGaloisKeys &keys, uint32_t galois_elt) const {
  if (!keys.has_key(galois_elt)) {
    throw std::invalid_argument("Galois key not present for Galois element " + std::to_string(galois_elt));
  }
}

void DeviceEvaluator::apply_galois_inplace(DeviceCiphertext &a, uint32_t galois_elt,
                                           const DeviceGaloisKeys &keys) const {
  check_device_ciphertext(*context_, a, "encrypted");
  if (!context_->host().using_key_switching()) {
    throw std::invalid_argument("key switching is not supported with one prime");
  }
  if ((galois_elt & 1) == 0 || galois_elt >= 2 * context_->poly_degree()) {
    throw std::invalid_argument("Galois element " + std::to_string(galois_elt) + " is not valid");
  }
  check_galois_key(keys, galois_elt);
  if (a.size != 2) throw std::invalid_argument("encrypted size must be 2, got " + std::to_string(a.size));
  const size_t n = context_->poly_degree();
  const size_t k = a.level + 1;
  const DeviceGaloisTables tables = context_->galois_tables(galois_elt);
  // c_0' = sigma(c_0), target = sigma(c_1), c_1' = 0; then (c_0', c_1') += switch(target).
  DeviceBuffer out(2 * k * n);
  kernels::permute_limbs(out.data(), a.data.data(), k, n, tables.permutation);
  DeviceBuffer target(k * n);
  kernels::permute_limbs(target.data(), a.data.data() + k * n, k, n, tables.permutation);
  CF_CUDA_CHECK(cudaMemsetAsync(out.data() + k * n, 0, k * n * sizeof(uint64_t), 0));
  switch_key(a.level, target.data(), keys.data.at(galois_elt), out.data(), out.data() + k * n);
  a.data = std::move(out);
  check_not_transparent(a);
}

void DeviceEvaluator::rotate_vector_inplace(DeviceCiphertext &a, int steps, const DeviceGaloisKeys &keys) const {
  check_device_ciphertext(*context_, a, "encrypted");
  if (steps == 0) return;
  const size_t n = context_->poly_degree();
  const uint32_t elt = ckks::galois_elt_from_step(steps, n);
  if (keys.has_key(elt)) {
    apply_galois_inplace(a, elt, keys);
    return;
  }
  // As SEAL: without a key for the step itself, rotate by the terms of its non-adjacent form.
  const std::vector<int> terms = ckks::non_adjacent_form(steps);
  if (terms.size() == 1) check_galois_key(keys, elt);
  for (int term : terms) {
    if (static_cast<size_t>(std::abs(term)) != n / 2) rotate_vector_inplace(a, term, keys);
  }
}

void DeviceEvaluator::complex_conjugate_inplace(DeviceCiphertext &a, const DeviceGaloisKeys &keys) const {
  apply_galois_inplace(a, ckks::conjugation_galois_elt(context_->poly_degree()), keys);
}

std::vector<DeviceCiphertext> DeviceEvaluator::rotate_hoisted(const DeviceCiphertext &a, const std::vector<int> &steps,
                                                              const DeviceGaloisKeys &keys) const {
  check_device_ciphertext(*context_, a, "encrypted");
  if (a.size != 2) throw std::invalid_argument("encrypted size must be 2, got " + std::to_string(a.size));
  const ckks::Context &host = context_->host();
  const size_t n = context_->poly_degree();
  std::vector<uint32_t> elts(steps.size(), 0);
  bool any_rotation = false;
  for (size_t s = 0; s < steps.size(); ++s) {
    if (steps[s] == 0) continue;
    elts[s] = ckks::galois_elt_from_step(steps[s], n);
    check_galois_key(keys, elts[s]);
    any_rotation = true;
  }
  if (any_rotation && !host.using_key_switching()) {
    throw std::invalid_argument("key switching is not supported with one prime");
  }
  const size_t data_primes = a.level + 1;
  const size_t key_limbs = data_primes + 1;
  const auto special = static_cast<uint32_t>(host.key_level());
  const size_t k = data_primes;

  // One decomposition of c_1 shared by all steps: coefficient-form digits and their NTTs under every key prime.
  DeviceBuffer coeffs;
  DeviceBuffer digits;
  if (any_rotation) {
    coeffs = DeviceBuffer(data_primes * n);
    kernels::copy_rows(coeffs.data(), 0, a.data.data() + k * n, 0, data_primes * n, 1);
    kernels::ntt_inverse(context_->ntt_tables(), coeffs.data(), data_primes, n, ciphertext_limbs(a.level));
    digits = DeviceBuffer(data_primes * key_limbs * n);
    kernels::decompose_digits(digits.data(), coeffs.data(), data_primes, n, special, context_->moduli());
    kernels::ntt_forward(context_->ntt_tables(), digits.data(), data_primes * key_limbs, n,
                         LimbPrimes{static_cast<uint32_t>(key_limbs), static_cast<uint32_t>(data_primes), special});
  }
  const LimbPrimes digit_map{static_cast<uint32_t>(key_limbs), static_cast<uint32_t>(data_primes), special};

  std::vector<DeviceCiphertext> results;
  results.reserve(steps.size());
  for (size_t s = 0; s < steps.size(); ++s) {
    if (steps[s] == 0) {
      results.push_back(a.clone());
      continue;
    }
    const DeviceGaloisTables tables = context_->galois_tables(elts[s]);
    DeviceCiphertext r;
    r.level = a.level;
    r.size = 2;
    r.scale = a.scale;
    r.data = DeviceBuffer(2 * k * n);
    kernels::permute_limbs(r.data.data(), a.data.data(), k, n, tables.permutation);
    CF_CUDA_CHECK(cudaMemsetAsync(r.data.data() + k * n, 0, k * n * sizeof(uint64_t), 0));

    // SEAL's digits of the rotated c_1 = permuted digits + q_j * (NEG - Z_j): the sign correction of hoisted key
    // switching (the CPU engine now uses shifted digits instead, native/src/ckks/hoisted_key_switch.cpp; same results).
    // Z_j (source coefficient 0 at a negated position) is rare; find the digits that have one.
    const uint64_t *negated_ntt = context_->hoisting_negated_ntt(elts[s], a.level);
    DeviceBuffer z(data_primes * n);
    z.zero();
    DeviceBuffer flags((data_primes + 1) / 2);
    flags.zero();
    auto *flag_ptr = reinterpret_cast<uint32_t *>(flags.data());
    kernels::hoisting_zero_marks(z.data(), flag_ptr, coeffs.data(), tables.source, data_primes, n);
    std::vector<uint32_t> host_flags(data_primes, 0);
    CF_CUDA_CHECK(cudaMemcpy(host_flags.data(), flag_ptr, data_primes * sizeof(uint32_t), cudaMemcpyDeviceToHost));
    std::vector<size_t> fixed;
    for (size_t j = 0; j < data_primes; ++j) {
      if (host_flags[j] != 0) fixed.push_back(j);
    }
    const uint64_t *correction = negated_ntt;
    const uint32_t *correction_index = context_->zero_indices();
    DeviceBuffer fixes;
    DeviceBuffer index_buffer;
    if (!fixed.empty()) {
      // Slot 0: NTT(NEG); slot f + 1: NTT(NEG - Z_j) for the f-th digit with zeros.
      fixes = DeviceBuffer((fixed.size() + 1) * key_limbs * n);
      kernels::copy_rows(fixes.data(), 0, negated_ntt, 0, key_limbs * n, 1);
      std::vector<uint32_t> index(data_primes + (data_primes & 1), 0);
      for (size_t f = 0; f < fixed.size(); ++f) {
        uint64_t *w = fixes.data() + (f + 1) * key_limbs * n;
        kernels::hoisting_fix_polys(w, tables.negated, z.data() + fixed[f] * n, key_limbs, n);
        kernels::ntt_forward(context_->ntt_tables(), w, key_limbs, n, digit_map);
        index[fixed[f]] = static_cast<uint32_t>(f + 1);
      }
      index_buffer = DeviceBuffer(index.size() / 2);
      CF_CUDA_CHECK(cudaMemcpy(index_buffer.data(), index.data(), index.size() * sizeof(uint32_t),
                               cudaMemcpyHostToDevice));
      correction = fixes.data();
      correction_index = reinterpret_cast<const uint32_t *>(index_buffer.data());
    }

    DeviceBuffer acc(2 * key_limbs * n);
    kernels::InnerProductArgs args{};
    args.acc = acc.data();
    args.digits = digits.data();
    args.key = keys.data.at(elts[s]).data.data();
    args.data_primes = data_primes;
    args.key_primes_total = context_->prime_count();
    args.special = special;
    args.n = n;
    args.moduli = context_->moduli();
    args.perm = tables.permutation;
    args.correction = correction;
    args.correction_index = correction_index;
    args.qj_mod_p = context_->qj_mod_p();
    kernels::key_switch_inner_product(args);
    divide_and_round_last(*context_, data_primes, acc.data(), key_limbs * n, 2, r.data.data(), k * n, special,
                          context_->inv_last_mod(host.key_level()), true);
    check_not_transparent(r);
    results.push_back(std::move(r));
  }
  return results;
}

// ----- modulus switching -----

void DeviceEvaluator::rescale_to_next_inplace(DeviceCiphertext &a) const {
  check_device_ciphertext(*context_, a, "encrypted");
  if (a.level == 0) throw std::invalid_argument("end of modulus switching chain reached (encrypted is at level 0)");
  const size_t n = context_->poly_degree();
  const size_t k = a.level + 1;
  const double q_last = static_cast<double>(context_->host().moduli(a.level).back().value());
  DeviceBuffer out(a.size * (k - 1) * n);
  divide_and_round_last(*context_, a.level, a.data.data(), k * n, a.size, out.data(), (k - 1) * n,
                        static_cast<uint32_t>(a.level), context_->inv_last_mod(a.level), false);
  a.data = std::move(out);
  a.level -= 1;
  a.scale /= q_last;
  check_not_transparent(a);
}

void DeviceEvaluator::mod_switch_to_next_inplace(DeviceCiphertext &a) const {
  check_device_ciphertext(*context_, a, "encrypted");
  if (a.level == 0) throw std::invalid_argument("end of modulus switching chain reached (encrypted is at level 0)");
  check_scale_bounds(a.scale, context_->host().level(a.level - 1));
  const size_t n = context_->poly_degree();
  const size_t k = a.level + 1;
  DeviceBuffer out(a.size * (k - 1) * n);
  kernels::copy_rows(out.data(), (k - 1) * n, a.data.data(), k * n, (k - 1) * n, a.size);
  a.data = std::move(out);
  a.level -= 1;
  check_not_transparent(a);
}

void DeviceEvaluator::mod_switch_to_next_inplace(DevicePlaintext &p) const {
  check_device_plaintext(*context_, p, "plain");
  if (p.level == 0) throw std::invalid_argument("end of modulus switching chain reached (plain is at level 0)");
  check_scale_bounds(p.scale, context_->host().level(p.level - 1));
  const size_t n = context_->poly_degree();
  DeviceBuffer out(p.level * n);
  kernels::copy_rows(out.data(), 0, p.data.data(), 0, p.level * n, 1);
  p.data = std::move(out);
  p.level -= 1;
}

// ----- raw transforms -----

void DeviceEvaluator::ntt_forward_limbs(DeviceCiphertext &a) const {
  check_device_ciphertext(*context_, a, "encrypted");
  kernels::ntt_forward(context_->ntt_tables(), a.data.data(), a.size * (a.level + 1), context_->poly_degree(),
                       ciphertext_limbs(a.level));
}

void DeviceEvaluator::ntt_inverse_limbs(DeviceCiphertext &a) const {
  check_device_ciphertext(*context_, a, "encrypted");
  kernels::ntt_inverse(context_->ntt_tables(), a.data.data(), a.size * (a.level + 1), context_->poly_degree(),
                       ciphertext_limbs(a.level));
}

}  // namespace cf::cuda
