#include "cipherformer/ckks/key_switch.h"

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "cipherformer/ckks/validation.h"
#include "cipherformer/util/poly_arith.h"
#include "cipherformer/util/word_buffer.h"

namespace cf::ckks {
namespace {

using util::uint128_t;

// Prime index (in the key-level list) of key-switching prime t at a level with L data primes.
size_t key_prime_index(const Context &context, size_t t, size_t data_prime_count) {
  return t < data_prime_count ? t : context.key_level();
}

}  // namespace

namespace {

// temp = NTT_{q_i}((((last mod q_i) - floor(P/2)) mod q_i) * scale), lazily reduced to [0, 4 q_i), where
// last = (INTT_P(acc_c mod P) + floor(P/2)) mod P. scale = null: no factor.
void special_prime_term(const Context &context, size_t i, const uint64_t *last, uint64_t half,
                        const util::MulOperand *scale, uint64_t *temp) {
  const size_t n = context.poly_degree();
  const util::Modulus &q = context.key_moduli()[i];
  const uint64_t half_mod = util::barrett_reduce_64(half, q);
  if (scale == nullptr) {
    for (size_t j = 0; j < n; ++j) temp[j] = util::sub_mod(util::barrett_reduce_64(last[j], q), half_mod, q);
  } else {
    for (size_t j = 0; j < n; ++j) {
      temp[j] = util::multiply_mod(util::sub_mod(util::barrett_reduce_64(last[j], q), half_mod, q), *scale, q);
    }
  }
  context.ntt_tables(i).forward_lazy(temp);
}

// [0, 4q) -> [0, q).
inline uint64_t reduce_from_4q(uint64_t t, uint64_t q) noexcept {
  t = t >= 2 * q ? t - 2 * q : t;
  return t >= q ? t - q : t;
}

// A per-thread N-word temporary, kept for reuse: a fresh one per task would cost page faults (N = 16384: 32 per
// task, ~20 us each on the project's VMs), more than the arithmetic of the task.
uint64_t *thread_temp(size_t n) {
  thread_local std::vector<uint64_t> temp;
  if (temp.size() < n) temp.resize(n);
  return temp.data();
}

// last_c = (INTT_P(p_c) + floor(P/2)) mod P in place, c = 0, 1: adding half turns the floor of the division into
// rounding.
void center_special_rows(const Context &context, uint64_t *p0, uint64_t *p1, util::ThreadPool &pool) {
  const size_t n = context.poly_degree();
  const size_t special = context.key_level();
  const util::Modulus &p_mod = context.key_moduli()[special];
  const uint64_t half = p_mod.value() >> 1;
  pool.parallel_for(2, [&](size_t c) {
    uint64_t *last = c == 0 ? p0 : p1;
    context.ntt_tables(special).inverse(last);
    util::add_poly_scalar_mod(last, n, half, p_mod, last);
  });
}

}  // namespace

void mod_down_and_add(const Context &context, size_t data_primes, uint64_t *acc_data, uint64_t *c0, uint64_t *c1,
                      util::ThreadPool &pool) {
  const size_t n = context.poly_degree();
  const size_t key_primes = data_primes + 1;
  const size_t special = context.key_level();
  const uint64_t half = context.key_moduli()[special].value() >> 1;
  center_special_rows(context, acc_data + data_primes * n, acc_data + (key_primes + data_primes) * n, pool);
  const auto &inv_p = context.level(special).inv_last_mod();
  pool.parallel_for(2 * data_primes, [&](size_t task) {
    const size_t c = task / data_primes;
    const size_t i = task % data_primes;
    const util::Modulus &q = context.key_moduli()[i];
    const uint64_t *a = acc_data + (c * key_primes + i) * n;
    uint64_t *out = (c == 0 ? c0 : c1) + i * n;
    uint64_t *temp = thread_temp(n);
    special_prime_term(context, i, acc_data + (c * key_primes + data_primes) * n, half, nullptr, temp);
    const uint64_t qv = q.value();
    for (size_t j = 0; j < n; ++j) {
      const uint64_t t = reduce_from_4q(temp[j], qv);
      out[j] = util::add_mod(out[j], util::multiply_mod(util::sub_mod(a[j], t, q), inv_p[i], q), q);
    }
  });
}

void subtract_special_prime_part(const Context &context, size_t data_primes, uint64_t *p0, uint64_t *p1, uint64_t *c0,
                                 uint64_t *c1, util::ThreadPool &pool) {
  const size_t n = context.poly_degree();
  const size_t special = context.key_level();
  const uint64_t half = context.key_moduli()[special].value() >> 1;
  center_special_rows(context, p0, p1, pool);
  const auto &inv_p = context.level(special).inv_last_mod();
  pool.parallel_for(2 * data_primes, [&](size_t task) {
    const size_t c = task / data_primes;
    const size_t i = task % data_primes;
    const util::Modulus &q = context.key_moduli()[i];
    uint64_t *out = (c == 0 ? c0 : c1) + i * n;
    uint64_t *temp = thread_temp(n);
    // NTT(x) * P^-1 = NTT(x * P^-1): the factor goes into the pass before the transform.
    special_prime_term(context, i, c == 0 ? p0 : p1, half, &inv_p[i], temp);
    const uint64_t qv = q.value();
    for (size_t j = 0; j < n; ++j) out[j] = util::sub_mod(out[j], reduce_from_4q(temp[j], qv), q);
  });
}

void check_key_switch_level(const Context &context, size_t level) {
  if (!context.using_key_switching()) throw std::invalid_argument("key switching needs at least two primes");
  if (level > context.first_level()) {
    throw std::invalid_argument("cannot key-switch at level " + std::to_string(level) + " above the first data level " +
                                std::to_string(context.first_level()));
  }
}

void switch_key(const Context &context, size_t level, const uint64_t *target, const KSwitchKeys &key, uint64_t *c0,
                uint64_t *c1, util::ThreadPool &pool) {
  check_key_switch_level(context, level);
  check_kswitch_keys(context, key, "key-switching key");
  const size_t n = context.poly_degree();
  const size_t data_primes = level + 1;
  const size_t key_primes = data_primes + 1;

  // Coefficient form of every digit, once (L inverse NTTs). Buffers below are fully overwritten: no zero-fill.
  // WordBuffer: huge pages where large (first touch of fresh 4 KiB pages costs ~20 us each on the project's VMs).
  util::WordBuffer coeffs(data_primes * n);
  pool.parallel_for(data_primes, [&](size_t j) {
    std::copy(target + j * n, target + (j + 1) * n, coeffs.get() + j * n);
    context.ntt_tables(j).inverse(coeffs.get() + j * n);
  });

  // acc[c][t] = sum_j digit_j * K_j,c under key prime t. Each task owns prime t: its root table, its two 128-bit
  // accumulator rows and one digit buffer stay in cache while the L digits stream through, instead of an L x (L + 1)
  // digit array being written and read back (63 MB at N = 32768; only hoisting keeps one, to share it).
  util::WordBuffer acc(2 * key_primes * n);
  pool.parallel_for(key_primes, [&](size_t t) {
    const size_t prime = key_prime_index(context, t, data_primes);
    const util::NttTables &ntt = context.ntt_tables(prime);
    const util::Modulus &q = ntt.modulus();
    // Products are < 2^120 (primes <= 60 bits) and there are at most 63 digits, so 128-bit sums cannot overflow.
    // Per-thread buffers kept for reuse (fresh ones per task would cost page faults on every call).
    thread_local std::vector<uint128_t> sums;
    thread_local std::vector<uint64_t> digit_buffer;
    if (sums.size() < 2 * n) sums.resize(2 * n);
    if (digit_buffer.size() < n) digit_buffer.resize(n);
    uint128_t *sum0 = sums.data();
    uint128_t *sum1 = sums.data() + n;
    uint64_t *digit = digit_buffer.data();
    for (size_t j = 0; j < data_primes; ++j) {
      const uint64_t *d = target + j * n;  // the digit under its own prime is the target limb itself (NTT form)
      if (t != j) {
        util::modulo_poly(coeffs.get() + j * n, n, q, digit);
        ntt.forward(digit);
        d = digit;
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

}  // namespace cf::ckks
