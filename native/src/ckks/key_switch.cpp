#include "cipherformer/ckks/key_switch.h"

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>

#include "cipherformer/ckks/validation.h"
#include "cipherformer/util/poly_arith.h"

namespace cf::ckks {
namespace {

using util::uint128_t;

// Prime index (in the key-level list) of key-switching prime t at a level with L data primes.
size_t key_prime_index(const Context &context, size_t t, size_t data_prime_count) {
  return t < data_prime_count ? t : context.key_level();
}

// Second half of switch_key_inplace: divides acc (2 x (L + 1) polynomials, NTT form, fully reduced; the special
// prime's rows are used as scratch) by P with rounding and adds the result to c0 and c1.
void mod_down_and_add(const Context &context, size_t data_primes, uint64_t *acc_data, uint64_t *c0, uint64_t *c1,
                      util::ThreadPool &pool) {
  const size_t n = context.poly_degree();
  const size_t key_primes = data_primes + 1;
  const size_t special = context.key_level();
  const util::Modulus &p_mod = context.key_moduli()[special];
  // r_c = (INTT_P(acc_c mod P) + floor(P/2)) mod P: adding half turns the floor of the division into rounding.
  const uint64_t half = p_mod.value() >> 1;
  pool.parallel_for(2, [&](size_t c) {
    uint64_t *last = acc_data + (c * key_primes + data_primes) * n;
    context.ntt_tables(special).inverse(last);
    util::add_poly_scalar_mod(last, n, half, p_mod, last);
  });

  const auto &inv_p = context.level(special).inv_last_mod();
  pool.parallel_for(2 * data_primes, [&](size_t task) {
    const size_t c = task / data_primes;
    const size_t i = task % data_primes;
    const util::Modulus &q = context.key_moduli()[i];
    const uint64_t *last = acc_data + (c * key_primes + data_primes) * n;
    // Fully overwritten below: no zero-fill.
    std::unique_ptr<uint64_t[]> temp(new uint64_t[n]);
    util::modulo_poly(last, n, q, temp.get());
    const uint64_t half_mod = util::barrett_reduce_64(half, q);
    for (size_t j = 0; j < n; ++j) temp[j] = util::sub_mod(temp[j], half_mod, q);
    context.ntt_tables(i).forward(temp.get());
    uint64_t *a = acc_data + (c * key_primes + i) * n;
    util::sub_poly_mod(a, temp.get(), n, q, a);
    util::multiply_poly_scalar_mod(a, n, inv_p[i], q, a);
    uint64_t *out = (c == 0 ? c0 : c1) + i * n;
    util::add_poly_mod(out, a, n, q, out);
  });
}

void check_key_switch_level(const Context &context, size_t level) {
  if (!context.using_key_switching()) throw std::invalid_argument("key switching needs at least two primes");
  if (level > context.first_level()) {
    throw std::invalid_argument("cannot key-switch at level " + std::to_string(level) + " above the first data level " +
                                std::to_string(context.first_level()));
  }
}

}  // namespace

void switch_key(const Context &context, size_t level, const uint64_t *target, const KSwitchKeys &key, uint64_t *c0,
                uint64_t *c1, util::ThreadPool &pool) {
  check_key_switch_level(context, level);
  check_kswitch_keys(context, key, "key-switching key");
  const size_t n = context.poly_degree();
  const size_t data_primes = level + 1;
  const size_t key_primes = data_primes + 1;

  // Coefficient form of every digit, once (L inverse NTTs). Buffers below are fully overwritten: no zero-fill.
  std::unique_ptr<uint64_t[]> coeffs(new uint64_t[data_primes * n]);
  pool.parallel_for(data_primes, [&](size_t j) {
    std::copy(target + j * n, target + (j + 1) * n, coeffs.get() + j * n);
    context.ntt_tables(j).inverse(coeffs.get() + j * n);
  });

  // acc[c][t] = sum_j digit_j * K_j,c under key prime t. Each task owns prime t: its root table, its two 128-bit
  // accumulator rows and one digit buffer stay in cache while the L digits stream through, instead of the L x (L + 1)
  // digit array of decompose_for_key_switch being written and read back (63 MB at N = 32768). The residues are the
  // same exact modular sums as apply_key_switch's, so the result is bit-identical.
  std::unique_ptr<uint64_t[]> acc(new uint64_t[2 * key_primes * n]);
  pool.parallel_for(key_primes, [&](size_t t) {
    const size_t prime = key_prime_index(context, t, data_primes);
    const util::NttTables &ntt = context.ntt_tables(prime);
    const util::Modulus &q = ntt.modulus();
    // Products are < 2^120 (primes <= 60 bits) and there are at most 63 digits, so 128-bit sums cannot overflow.
    std::unique_ptr<uint128_t[]> sum0(new uint128_t[n]);
    std::unique_ptr<uint128_t[]> sum1(new uint128_t[n]);
    std::unique_ptr<uint64_t[]> digit(new uint64_t[n]);
    for (size_t j = 0; j < data_primes; ++j) {
      const uint64_t *d = target + j * n;  // the digit under its own prime is the target limb itself (NTT form)
      if (t != j) {
        util::modulo_poly(coeffs.get() + j * n, n, q, digit.get());
        ntt.forward(digit.get());
        d = digit.get();
      }
      const uint64_t *k0 = key.data[j].data.limb(0, prime, n);
      const uint64_t *k1 = key.data[j].data.limb(1, prime, n);
      if (j == 0) {
        for (size_t i = 0; i < n; ++i) {
          sum0[i] = static_cast<uint128_t>(d[i]) * k0[i];
          sum1[i] = static_cast<uint128_t>(d[i]) * k1[i];
        }
      } else {
        for (size_t i = 0; i < n; ++i) {
          sum0[i] += static_cast<uint128_t>(d[i]) * k0[i];
          sum1[i] += static_cast<uint128_t>(d[i]) * k1[i];
        }
      }
    }
    uint64_t *a0 = acc.get() + t * n;
    uint64_t *a1 = acc.get() + (key_primes + t) * n;
    for (size_t i = 0; i < n; ++i) {
      a0[i] = util::barrett_reduce_128(sum0[i], q);
      a1[i] = util::barrett_reduce_128(sum1[i], q);
    }
  });

  mod_down_and_add(context, data_primes, acc.get(), c0, c1, pool);
}

KeySwitchDigits decompose_for_key_switch(const Context &context, size_t level, const uint64_t *target,
                                         util::ThreadPool &pool) {
  check_key_switch_level(context, level);
  const size_t n = context.poly_degree();
  const size_t data_primes = level + 1;
  const size_t key_primes = data_primes + 1;
  KeySwitchDigits digits;
  digits.level = level;
  digits.data.assign(data_primes * key_primes * n, 0);

  // Coefficient form of every digit, once.
  std::vector<uint64_t> coeffs(target, target + data_primes * n);
  pool.parallel_for(data_primes, [&](size_t j) { context.ntt_tables(j).inverse(coeffs.data() + j * n); });

  pool.parallel_for(data_primes * key_primes, [&](size_t task) {
    const size_t j = task / key_primes;
    const size_t t = task % key_primes;
    uint64_t *out = digits.digit(j, t, n);
    if (t == j) {
      // The digit under its own prime is the target limb itself (already NTT form).
      std::copy(target + j * n, target + (j + 1) * n, out);
      return;
    }
    const size_t prime = key_prime_index(context, t, data_primes);
    const util::NttTables &ntt = context.ntt_tables(prime);
    util::modulo_poly(coeffs.data() + j * n, n, ntt.modulus(), out);
    ntt.forward(out);
  });
  digits.coefficients = std::move(coeffs);
  return digits;
}

HoistingCorrection hoisting_correction(const Context &context, const KeySwitchDigits &digits, uint32_t galois_elt,
                                       util::ThreadPool &pool) {
  const size_t n = context.poly_degree();
  if ((galois_elt & 1) == 0 || galois_elt >= 2 * n) {
    throw std::invalid_argument("Galois element " + std::to_string(galois_elt) + " is not valid");
  }
  const size_t data_primes = digits.level + 1;
  const size_t key_primes = data_primes + 1;
  // X^i -> X^(i g mod 2N); exponents >= N wrap to position e - N with a sign flip.
  std::vector<uint64_t> negated(n, 0);
  std::vector<size_t> source(n, 0);
  for (size_t i = 0; i < n; ++i) {
    const uint64_t e = static_cast<uint64_t>(i) * galois_elt % (2 * n);
    if (e >= n) {
      negated[e - n] = 1;
      source[e - n] = i;
    }
  }
  HoistingCorrection correction;
  correction.negated.resize(key_primes * n);
  pool.parallel_for(key_primes, [&](size_t t) {
    uint64_t *out = correction.negated.data() + t * n;
    std::copy(negated.begin(), negated.end(), out);
    context.ntt_tables(key_prime_index(context, t, data_primes)).forward(out);
  });
  for (size_t j = 0; j < data_primes; ++j) {
    const uint64_t *d = digits.coefficients.data() + j * n;
    std::vector<uint64_t> zeros(n, 0);
    bool any = false;
    for (size_t e = 0; e < n; ++e) {
      if (negated[e] != 0 && d[source[e]] == 0) {
        zeros[e] = 1;
        any = true;
      }
    }
    if (!any) continue;
    std::vector<uint64_t> fix(key_primes * n);
    for (size_t t = 0; t < key_primes; ++t) {
      std::copy(zeros.begin(), zeros.end(), fix.begin() + static_cast<std::ptrdiff_t>(t * n));
      context.ntt_tables(key_prime_index(context, t, data_primes)).forward(fix.data() + t * n);
    }
    correction.zero_fixes.emplace_back(j, std::move(fix));
  }
  return correction;
}

void apply_key_switch(const Context &context, const KeySwitchDigits &digits, const KSwitchKeys &key,
                      const uint32_t *permutation, const HoistingCorrection *correction, uint64_t *c0, uint64_t *c1,
                      util::ThreadPool &pool) {
  check_kswitch_keys(context, key, "key-switching key");
  const size_t n = context.poly_degree();
  const size_t data_primes = digits.level + 1;
  const size_t key_primes = data_primes + 1;

  // acc[c][t]: sum over digits j of digit_j * K_j,c under key prime t, fully reduced.
  std::vector<uint64_t> acc(2 * key_primes * n);
  pool.parallel_for(key_primes, [&](size_t t) {
    const size_t prime = key_prime_index(context, t, data_primes);
    const util::Modulus &q = context.key_moduli()[prime];
    // Products are < 2^122 and there are at most 63 digits, so 128-bit sums cannot overflow.
    std::vector<uint128_t> sum0(n, 0);
    std::vector<uint128_t> sum1(n, 0);
    std::vector<uint64_t> corrected(correction != nullptr ? n : 0);
    for (size_t j = 0; j < data_primes; ++j) {
      const uint64_t *d = digits.digit(j, t, n);
      if (permutation != nullptr && correction != nullptr && t != j) {
        // SEAL's digit of the rotated target: permuted digit + (q_j mod m_t) * NTT_t(NEG - Z_j).
        util::MulOperand qj;
        qj.set(util::barrett_reduce_64(context.key_moduli()[j].value(), q), q);
        const uint64_t *neg = correction->negated.data() + t * n;
        const uint64_t *zero_fix = nullptr;
        for (const auto &fix : correction->zero_fixes) {
          if (fix.first == j) zero_fix = fix.second.data() + t * n;
        }
        for (size_t i = 0; i < n; ++i) {
          uint64_t v = util::add_mod(d[permutation[i]], util::multiply_mod(neg[i], qj, q), q);
          if (zero_fix != nullptr) v = util::sub_mod(v, util::multiply_mod(zero_fix[i], qj, q), q);
          corrected[i] = v;
        }
        const uint64_t *k0 = key.data[j].data.limb(0, prime, n);
        const uint64_t *k1 = key.data[j].data.limb(1, prime, n);
        for (size_t i = 0; i < n; ++i) {
          sum0[i] += static_cast<uint128_t>(corrected[i]) * k0[i];
          sum1[i] += static_cast<uint128_t>(corrected[i]) * k1[i];
        }
        continue;
      }
      const uint64_t *k0 = key.data[j].data.limb(0, prime, n);
      const uint64_t *k1 = key.data[j].data.limb(1, prime, n);
      if (permutation != nullptr) {
        for (size_t i = 0; i < n; ++i) {
          const uint64_t di = d[permutation[i]];
          sum0[i] += static_cast<uint128_t>(di) * k0[i];
          sum1[i] += static_cast<uint128_t>(di) * k1[i];
        }
      } else {
        for (size_t i = 0; i < n; ++i) {
          sum0[i] += static_cast<uint128_t>(d[i]) * k0[i];
          sum1[i] += static_cast<uint128_t>(d[i]) * k1[i];
        }
      }
    }
    uint64_t *a0 = acc.data() + t * n;
    uint64_t *a1 = acc.data() + (key_primes + t) * n;
    for (size_t i = 0; i < n; ++i) {
      a0[i] = util::barrett_reduce_128(sum0[i], q);
      a1[i] = util::barrett_reduce_128(sum1[i], q);
    }
  });

  mod_down_and_add(context, data_primes, acc.data(), c0, c1, pool);
}

}  // namespace cf::ckks
