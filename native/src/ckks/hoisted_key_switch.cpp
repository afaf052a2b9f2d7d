#include "cipherformer/ckks/hoisted_key_switch.h"

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>

#include "cipherformer/ckks/key_switch.h"
#include "cipherformer/ckks/validation.h"
#include "cipherformer/util/modulus.h"

namespace cf::ckks {
namespace {

using util::uint128_t;

// Tasks per key prime: each task owns a chunk of N / 4 coefficients under one key prime, so (L + 1) * 4 tasks balance
// two threads better than L + 1 (9 primes at N = 16384). Per task the digits are streamed one after the other over
// the whole chunk (digit-major, as switch_key does): at any time only a few streams are live (one digit, two key
// rows, NTT_t(U), the 128-bit sums of the chunk: 2 x N/4 x 16 bytes = 256 KB at N = 32768, in L2), which the hardware
// prefetchers follow. (A block-major order with all digits and up to 4 fused steps per block was measured 1.5x slower
// at N = 32768: 45-135 concurrent page streams. Two steps per pass, digit-major, are kept: see apply_steps.) The NTT-form Galois permutation maps every aligned block of 2^k
// indices onto an aligned block (the low bits of i * g mod 2N depend only on the low bits of i, and both ends are
// bit-reversed), so a chunk gathers from one contiguous quarter of each digit.
constexpr size_t kChunksPerPrime = 4;

size_t key_prime_index(const Context &context, size_t t, size_t data_prime_count) {
  return t < data_prime_count ? t : context.key_level();
}

// h = q_j * 2^-1 mod m (m odd): the shift that turns the automorphism's sign flips into SEAL's lift q_j - d.
uint64_t half_of(uint64_t q_j, const util::Modulus &m) {
  const uint64_t inv2 = (m.value() + 1) >> 1;
  return util::multiply_mod(util::barrett_reduce_64(q_j, m), inv2, m);
}

// How a digit's permuted words become SEAL's digit (see hoisted_key_switch.h).
enum class DigitFix {
  kNone,         // t = j: the rotated c_1 limb itself
  kShift,        // + h_jt * NTT_t(U)
  kShiftAndZero  // + h_jt * NTT_t(U) - (q_j mod m_t) * NTT_t(Z_jg)
};

// sum0[i] (+)= v_i * k0[i], sum1[i] (+)= v_i * k1[i] for i in [begin, end) (sums indexed from begin), v = SEAL's
// digit. Digit words are fully reduced, so each product is < 2^122 and at most 63 digits fit in 128 bits.
template <DigitFix fix, bool first>
void accumulate_range(const uint64_t *digit, const uint32_t *perm, const uint64_t *k0, const uint64_t *k1,
                      const uint64_t *all_ones, const util::MulOperand &h, const uint64_t *zero_fix,
                      const util::MulOperand &q_j, const util::Modulus &q, size_t begin, size_t end, uint128_t *sum0,
                      uint128_t *sum1) {
  for (size_t i = begin; i < end; ++i) {
    uint64_t v = digit[perm[i]];
    if constexpr (fix != DigitFix::kNone) v = util::add_mod(v, util::multiply_mod(all_ones[i], h, q), q);
    if constexpr (fix == DigitFix::kShiftAndZero) v = util::sub_mod(v, util::multiply_mod(zero_fix[i], q_j, q), q);
    const size_t b = i - begin;
    if constexpr (first) {
      sum0[b] = static_cast<uint128_t>(v) * k0[i];
      sum1[b] = static_cast<uint128_t>(v) * k1[i];
    } else {
      sum0[b] += static_cast<uint128_t>(v) * k0[i];
      sum1[b] += static_cast<uint128_t>(v) * k1[i];
    }
  }
}

template <bool first>
void accumulate_digit(DigitFix fix, const uint64_t *digit, const uint32_t *perm, const uint64_t *k0,
                      const uint64_t *k1, const uint64_t *all_ones, const util::MulOperand &h,
                      const uint64_t *zero_fix, const util::MulOperand &q_j, const util::Modulus &q, size_t begin,
                      size_t end, uint128_t *sum0, uint128_t *sum1) {
  switch (fix) {
    case DigitFix::kNone:
      accumulate_range<DigitFix::kNone, first>(digit, perm, k0, k1, all_ones, h, zero_fix, q_j, q, begin, end, sum0,
                                               sum1);
      break;
    case DigitFix::kShift:
      accumulate_range<DigitFix::kShift, first>(digit, perm, k0, k1, all_ones, h, zero_fix, q_j, q, begin, end, sum0,
                                                sum1);
      break;
    case DigitFix::kShiftAndZero:
      accumulate_range<DigitFix::kShiftAndZero, first>(digit, perm, k0, k1, all_ones, h, zero_fix, q_j, q, begin, end,
                                                       sum0, sum1);
      break;
  }
}

// Two steps at once (no Z_jg in either): the digit's words and the h_jt correction are loaded and computed once for
// both permutations. sums: a0, a1 for step a, b0, b1 for step b, indexed from begin.
template <bool shift, bool first>
void accumulate_pair(const uint64_t *digit, const uint32_t *perm_a, const uint32_t *perm_b, const uint64_t *ka0,
                     const uint64_t *ka1, const uint64_t *kb0, const uint64_t *kb1, const uint64_t *all_ones,
                     const util::MulOperand &h, const util::Modulus &q, size_t begin, size_t end, uint128_t *a0,
                     uint128_t *a1, uint128_t *b0, uint128_t *b1) {
  for (size_t i = begin; i < end; ++i) {
    uint64_t va = digit[perm_a[i]];
    uint64_t vb = digit[perm_b[i]];
    if constexpr (shift) {
      const uint64_t c = util::multiply_mod(all_ones[i], h, q);
      va = util::add_mod(va, c, q);
      vb = util::add_mod(vb, c, q);
    }
    const size_t x = i - begin;
    if constexpr (first) {
      a0[x] = static_cast<uint128_t>(va) * ka0[i];
      a1[x] = static_cast<uint128_t>(va) * ka1[i];
      b0[x] = static_cast<uint128_t>(vb) * kb0[i];
      b1[x] = static_cast<uint128_t>(vb) * kb1[i];
    } else {
      a0[x] += static_cast<uint128_t>(va) * ka0[i];
      a1[x] += static_cast<uint128_t>(va) * ka1[i];
      b0[x] += static_cast<uint128_t>(vb) * kb0[i];
      b1[x] += static_cast<uint128_t>(vb) * kb1[i];
    }
  }
}

// NTT_t(Z_jg) for the digits j of one step with a non-empty Z_jg (usually none): index[j] is the digit's slot in
// data ((L + 1) polynomials per slot) or SIZE_MAX.
struct ZeroFixes {
  std::vector<size_t> index;
  util::WordBuffer data;
};

ZeroFixes zero_fixes(const Context &context, const HoistedDigits &digits, uint32_t galois_elt,
                     util::ThreadPool &pool) {
  const size_t n = context.poly_degree();
  const size_t data_primes = digits.level + 1;
  const size_t key_primes = data_primes + 1;
  ZeroFixes fixes;
  fixes.index.assign(data_primes, SIZE_MAX);
  // Z_jg: output positions i * g mod 2N - N (a sign flip) whose source coefficient i of d_j is 0.
  std::vector<std::vector<uint32_t>> flipped_zeros;
  for (size_t j = 0; j < data_primes; ++j) {
    std::vector<uint32_t> positions;
    for (uint32_t i : digits.zero_coefficients[j]) {
      const uint64_t e = static_cast<uint64_t>(i) * galois_elt % (2 * n);
      if (e >= n) positions.push_back(static_cast<uint32_t>(e - n));
    }
    if (positions.empty()) continue;
    fixes.index[j] = flipped_zeros.size();
    flipped_zeros.push_back(std::move(positions));
  }
  if (flipped_zeros.empty()) return fixes;
  fixes.data = util::WordBuffer(flipped_zeros.size() * key_primes * n);
  pool.parallel_for(flipped_zeros.size() * key_primes, [&](size_t task) {
    uint64_t *z = fixes.data.get() + task * n;
    std::fill(z, z + n, uint64_t{0});
    for (uint32_t p : flipped_zeros[task / key_primes]) z[p] = 1;
    context.ntt_tables(key_prime_index(context, task % key_primes, data_primes)).forward(z);
  });
  return fixes;
}

// One or two steps (count). Per (key prime t, chunk of coefficients) task: every digit's permuted, corrected products
// accumulated over the chunk (for two steps in one pass over the digit, sharing its loads and the h_jt correction);
// the products under a data prime q_t are finished at once (acc * P^-1 added to the output limb t while in cache),
// and only the special prime's two rows per step are kept, for subtract_special_prime_part.
void apply_steps(const Context &context, const HoistedDigits &digits, const HoistedKeySwitch *steps, size_t count,
                 uint64_t *special_rows, util::ThreadPool &pool) {
  const size_t n = context.poly_degree();
  const size_t data_primes = digits.level + 1;
  const size_t key_primes = data_primes + 1;
  const auto &inv_p = context.level(context.key_level()).inv_last_mod();
  const uint32_t *perms[2] = {nullptr, nullptr};
  std::vector<ZeroFixes> fixes;
  for (size_t s = 0; s < count; ++s) {
    perms[s] = context.galois_permutation(steps[s].galois_elt).data();
    fixes.push_back(zero_fixes(context, digits, steps[s].galois_elt, pool));
  }

  // Same sum memory per task for one or two steps: chunks of N / 4 or N / 8 coefficients.
  const size_t chunks_per_prime = kChunksPerPrime * count;
  const size_t chunk = n / chunks_per_prime;
  pool.parallel_for(key_primes * chunks_per_prime, [&](size_t task) {
    const size_t t = task / chunks_per_prime;
    const size_t begin = (task % chunks_per_prime) * chunk;
    const size_t end = begin + chunk;
    const size_t prime = key_prime_index(context, t, data_primes);
    const util::Modulus &q = context.key_moduli()[prime];
    const uint64_t *all_ones = digits.all_ones.get() + t * n;
    // Kept per thread for reuse: a fresh 128-256 KB buffer per task would cost page faults every step.
    thread_local std::vector<uint128_t> sums;
    if (sums.size() < 2 * count * chunk) sums.resize(2 * count * chunk);
    const auto sum = [&](size_t s, size_t c) { return sums.data() + (2 * s + c) * chunk; };
    for (size_t j = 0; j < data_primes; ++j) {
      util::MulOperand h;
      util::MulOperand q_j;
      if (j != t) {
        h.set(half_of(context.key_moduli()[j].value(), q), q);
        q_j.set(util::barrett_reduce_64(context.key_moduli()[j].value(), q), q);
      }
      const uint64_t *digit = digits.digit(j, t, n);
      const bool first = j == 0;
      if (count == 2 && (j == t || (fixes[0].index[j] == SIZE_MAX && fixes[1].index[j] == SIZE_MAX))) {
        const uint64_t *ka0 = steps[0].key->data[j].data.limb(0, prime, n);
        const uint64_t *ka1 = steps[0].key->data[j].data.limb(1, prime, n);
        const uint64_t *kb0 = steps[1].key->data[j].data.limb(0, prime, n);
        const uint64_t *kb1 = steps[1].key->data[j].data.limb(1, prime, n);
        uint128_t *a0 = sum(0, 0), *a1 = sum(0, 1), *b0 = sum(1, 0), *b1 = sum(1, 1);
        if (j == t) {
          if (first) {
            accumulate_pair<false, true>(digit, perms[0], perms[1], ka0, ka1, kb0, kb1, all_ones, h, q, begin, end,
                                         a0, a1, b0, b1);
          } else {
            accumulate_pair<false, false>(digit, perms[0], perms[1], ka0, ka1, kb0, kb1, all_ones, h, q, begin, end,
                                          a0, a1, b0, b1);
          }
        } else if (first) {
          accumulate_pair<true, true>(digit, perms[0], perms[1], ka0, ka1, kb0, kb1, all_ones, h, q, begin, end, a0,
                                      a1, b0, b1);
        } else {
          accumulate_pair<true, false>(digit, perms[0], perms[1], ka0, ka1, kb0, kb1, all_ones, h, q, begin, end, a0,
                                       a1, b0, b1);
        }
        continue;
      }
      for (size_t s = 0; s < count; ++s) {
        const uint64_t *z = nullptr;
        DigitFix fix = DigitFix::kNone;
        if (j != t) {
          fix = DigitFix::kShift;
          if (fixes[s].index[j] != SIZE_MAX) {
            fix = DigitFix::kShiftAndZero;
            z = fixes[s].data.get() + (fixes[s].index[j] * key_primes + t) * n;
          }
        }
        const uint64_t *k0 = steps[s].key->data[j].data.limb(0, prime, n);
        const uint64_t *k1 = steps[s].key->data[j].data.limb(1, prime, n);
        if (first) {
          accumulate_digit<true>(fix, digit, perms[s], k0, k1, all_ones, h, z, q_j, q, begin, end, sum(s, 0),
                                 sum(s, 1));
        } else {
          accumulate_digit<false>(fix, digit, perms[s], k0, k1, all_ones, h, z, q_j, q, begin, end, sum(s, 0),
                                  sum(s, 1));
        }
      }
    }
    for (size_t s = 0; s < count; ++s) {
      for (size_t c = 0; c < 2; ++c) {
        const uint128_t *acc = sum(s, c);
        if (t == data_primes) {
          uint64_t *row = special_rows + (2 * s + c) * n + begin;
          for (size_t b = 0; b < chunk; ++b) row[b] = util::barrett_reduce_128(acc[b], q);
        } else {
          uint64_t *out = (c == 0 ? steps[s].c0 : steps[s].c1) + t * n + begin;
          for (size_t b = 0; b < chunk; ++b) {
            out[b] = util::add_mod(out[b], util::multiply_mod(util::barrett_reduce_128(acc[b], q), inv_p[t], q), q);
          }
        }
      }
    }
  });
  for (size_t s = 0; s < count; ++s) {
    uint64_t *p0 = special_rows + 2 * s * n;
    subtract_special_prime_part(context, data_primes, p0, p0 + n, steps[s].c0, steps[s].c1, pool);
  }
}

}  // namespace

HoistedDigits decompose_for_hoisting(const Context &context, size_t level, const uint64_t *target,
                                     util::ThreadPool &pool) {
  check_key_switch_level(context, level);
  const size_t n = context.poly_degree();
  const size_t data_primes = level + 1;
  const size_t key_primes = data_primes + 1;
  HoistedDigits digits;
  digits.level = level;
  // Every word below is written before it is read: no zero-fill.
  digits.data = util::WordBuffer(data_primes * key_primes * n);
  digits.all_ones = util::WordBuffer(key_primes * n);
  digits.zero_coefficients.resize(data_primes);

  // Coefficient form of every digit (L inverse NTTs, with the scan for zero coefficients), parked in the digit's row
  // for the special prime (written last, in place), and NTT_t(U). No separate coefficient buffer: its fresh pages
  // would cost more page faults than the copy it saves.
  const auto coefficients = [&](size_t j) { return digits.data.get() + (j * key_primes + data_primes) * n; };
  pool.parallel_for(data_primes + key_primes, [&](size_t task) {
    if (task < data_primes) {
      uint64_t *c = coefficients(task);
      std::copy(target + task * n, target + (task + 1) * n, c);
      context.ntt_tables(task).inverse(c);
      std::vector<uint32_t> &zeros = digits.zero_coefficients[task];
      for (size_t i = 0; i < n; ++i) {
        if (c[i] == 0) zeros.push_back(static_cast<uint32_t>(i));
      }
      return;
    }
    const size_t t = task - data_primes;
    uint64_t *u = digits.all_ones.get() + t * n;
    std::fill(u, u + n, uint64_t{1});
    context.ntt_tables(key_prime_index(context, t, data_primes)).forward(u);
  });

  // D_jt = NTT_t((d_j - h_jt) mod m_t) for the data primes t != j; under its own prime the digit is the target limb
  // (already NTT form) and h_jj = 0. Then the special prime's rows, in place over the coefficients.
  const auto shifted_digit = [&](size_t j, size_t t, const uint64_t *c, uint64_t *out) {
    const util::NttTables &ntt = context.ntt_tables(key_prime_index(context, t, data_primes));
    const util::Modulus &m = ntt.modulus();
    const uint64_t h = half_of(context.key_moduli()[j].value(), m);
    for (size_t i = 0; i < n; ++i) out[i] = util::sub_mod(util::barrett_reduce_64(c[i], m), h, m);
    ntt.forward(out);
  };
  pool.parallel_for(data_primes * data_primes, [&](size_t task) {
    const size_t j = task / data_primes;
    const size_t t = task % data_primes;
    uint64_t *out = digits.data.get() + (j * key_primes + t) * n;
    if (t == j) {
      std::copy(target + j * n, target + (j + 1) * n, out);
    } else {
      shifted_digit(j, t, coefficients(j), out);
    }
  });
  pool.parallel_for(data_primes, [&](size_t j) { shifted_digit(j, data_primes, coefficients(j), coefficients(j)); });
  return digits;
}

void apply_hoisted_key_switches(const Context &context, const HoistedDigits &digits,
                                const std::vector<HoistedKeySwitch> &steps, util::ThreadPool &pool) {
  const size_t n = context.poly_degree();
  check_key_switch_level(context, digits.level);
  const size_t data_primes = digits.level + 1;
  if (digits.data.size() != data_primes * (data_primes + 1) * n || digits.all_ones.size() != (data_primes + 1) * n ||
      digits.zero_coefficients.size() != data_primes) {
    throw std::invalid_argument("hoisted digits do not match level " + std::to_string(digits.level) +
                                " (not made by decompose_for_hoisting?)");
  }
  for (const HoistedKeySwitch &step : steps) {
    if ((step.galois_elt & 1) == 0 || step.galois_elt >= 2 * n) {
      throw std::invalid_argument("Galois element " + std::to_string(step.galois_elt) + " is not odd and below 2N = " +
                                  std::to_string(2 * n));
    }
    if (step.key == nullptr) throw std::invalid_argument("key-switching key is null");
    check_kswitch_keys(context, *step.key, "key-switching key");
  }
  util::WordBuffer special_rows(4 * n);  // the special prime's rows of two steps, reused by the next two
  for (size_t begin = 0; begin < steps.size(); begin += 2) {
    apply_steps(context, digits, steps.data() + begin, std::min<size_t>(2, steps.size() - begin), special_rows.get(),
                pool);
  }
}

void apply_hoisted_key_switch(const Context &context, const HoistedDigits &digits, uint32_t galois_elt,
                              const KSwitchKeys &key, uint64_t *c0, uint64_t *c1, util::ThreadPool &pool) {
  apply_hoisted_key_switches(context, digits, {HoistedKeySwitch{galois_elt, &key, c0, c1}}, pool);
}

}  // namespace cf::ckks
