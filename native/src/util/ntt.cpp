#include "cipherformer/util/ntt.h"

#include <stdexcept>
#include <string>

namespace cf::util {

namespace {

/// Reverses the low `bits` bits of x.
size_t reverse_bits(size_t x, int bits) noexcept {
  size_t r = 0;
  for (int i = 0; i < bits; ++i) {
    r = (r << 1) | (x & 1);
    x >>= 1;
  }
  return r;
}

bool is_power_of_two_at_least_2(uint64_t x) noexcept { return x >= 2 && (x & (x - 1)) == 0; }

}  // namespace

bool is_primitive_root(uint64_t root, uint64_t degree, const Modulus &q) noexcept {
  if (root == 0 || !is_power_of_two_at_least_2(degree)) return false;
  // For degree = 2^k, root has order exactly degree iff root^(degree/2) = -1.
  return pow_mod(root, degree >> 1, q) == q.value() - 1;
}

bool try_minimal_primitive_root(uint64_t degree, const Modulus &q, uint64_t &root) {
  if (!is_power_of_two_at_least_2(degree) || (q.value() - 1) % degree != 0) return false;
  const uint64_t cofactor = (q.value() - 1) / degree;
  // Find one primitive root g^((q-1)/degree). SEAL draws g at random; for a prime q the minimum below does not depend
  // on which primitive root we start from, so a deterministic scan gives the same final answer. For a prime, half of
  // all g qualify, so the scan ends almost at once; the bound keeps composite inputs from looping for long.
  uint64_t found = 0;
  const uint64_t last_candidate = q.value() - 1 < 100000 ? q.value() - 1 : 100000;
  for (uint64_t g = 2; g <= last_candidate; ++g) {
    const uint64_t candidate = pow_mod(g, cofactor, q);
    if (is_primitive_root(candidate, degree, q)) {
      found = candidate;
      break;
    }
  }
  if (found == 0) return false;
  // All primitive degree-th roots are found^k for odd k: walk them with found^2 and keep the smallest (SEAL's
  // try_minimal_primitive_root does exactly this walk over `degree` steps).
  const uint64_t step = multiply_mod(found, found, q);
  uint64_t current = found;
  uint64_t smallest = found;
  for (uint64_t i = 0; i < degree; ++i) {
    if (current < smallest) smallest = current;
    current = multiply_mod(current, step, q);
  }
  root = smallest;
  return true;
}

NttTables::NttTables(int log_n, const Modulus &q) : log_n_(log_n), n_(0), q_(q), root_(0) {
  if (log_n < 1 || log_n > 17) {
    throw std::invalid_argument("NTT log_n " + std::to_string(log_n) + " is outside [1, 17]");
  }
  n_ = size_t{1} << log_n;
  const uint64_t two_n = 2 * static_cast<uint64_t>(n_);
  if ((q.value() - 1) % two_n != 0) {
    throw std::invalid_argument("modulus " + std::to_string(q.value()) + " is not 1 mod 2n = " +
                                std::to_string(two_n));
  }
  if (!try_minimal_primitive_root(two_n, q, root_)) {
    throw std::invalid_argument("modulus " + std::to_string(q.value()) + " has no primitive " +
                                std::to_string(two_n) + "-th root of unity");
  }
  uint64_t inv_root = 0;
  if (!try_invert_mod(root_, q, inv_root)) {
    throw std::invalid_argument("root " + std::to_string(root_) + " is not invertible mod " +
                                std::to_string(q.value()));
  }

  // Forward table: psi^i stored at bitrev(i), so stage m (m blocks) reads entries m .. 2m-1 in order.
  root_powers_.resize(n_);
  uint64_t power = 1;
  for (size_t i = 0; i < n_; ++i) {
    root_powers_[reverse_bits(i, log_n)].set(power, q);
    power = multiply_mod(power, root_, q);
  }

  // Inverse table: psi^-i stored at bitrev(i - 1) + 1 (SEAL's order), so the Gentleman-Sande stages, running from
  // n/2 blocks down to 1, read it strictly sequentially; slot 0 holds 1 and is never used.
  inv_root_powers_.resize(n_);
  inv_root_powers_[0].set(1, q);
  power = inv_root;
  for (size_t i = 1; i < n_; ++i) {
    inv_root_powers_[reverse_bits(i - 1, log_n) + 1].set(power, q);
    power = multiply_mod(power, inv_root, q);
  }

  uint64_t inv_n = 0;
  if (!try_invert_mod(static_cast<uint64_t>(n_), q, inv_n)) {
    throw std::invalid_argument("n = " + std::to_string(n_) + " is not invertible mod " + std::to_string(q.value()));
  }
  inv_n_.set(inv_n, q);
  // The last inverse stage multiplies its difference output by its twiddle and by 1/n at once.
  inv_n_w_.set(multiply_mod(inv_root_powers_[n_ - 1].operand, inv_n, q), q);
}

namespace {

/// Shoup product with the modulus passed by value: the kernels keep q in a register (a Modulus reference would be
/// reloaded after every store, since the compiler cannot rule out that the output aliases it).
inline uint64_t shoup_lazy(uint64_t x, uint64_t w, uint64_t w_quotient, uint64_t q) noexcept {
  const uint64_t estimate = static_cast<uint64_t>((static_cast<uint128_t>(x) * w_quotient) >> 64);
  return x * w - estimate * q;
}

/// One Harvey forward butterfly: (x, y) -> (x + w y, x - w y) with inputs in [0, 4q) and outputs in [0, 4q).
/// x is folded to [0, 2q) first; w*y is computed lazily in [0, 2q); x - wy + 2q stays positive.
inline void forward_butterfly(uint64_t &x, uint64_t &y, const MulOperand &w, uint64_t q, uint64_t two_q) noexcept {
  uint64_t u = x;
  u -= (u >= two_q) ? two_q : 0;
  const uint64_t v = shoup_lazy(y, w.operand, w.quotient, q);
  x = u + v;
  y = u + two_q - v;
}

/// Reduces a value in [0, 4q) to [0, q).
inline uint64_t reduce_from_4q(uint64_t v, uint64_t q, uint64_t two_q) noexcept {
  v -= (v >= two_q) ? two_q : 0;
  v -= (v >= q) ? q : 0;
  return v;
}

/// Cooley-Tukey, decimation in time, natural order in, bit-reversed order out. Stage m (m blocks of 2*gap) uses
/// roots[m .. 2m-1]. The last two stages (gap 2 and 1) are written out because their inner loops are too short to
/// amortize the loop overhead. With kReduce the last stage also reduces its outputs to [0, q).
template <bool kReduce>
void forward_transform(uint64_t *__restrict a, size_t n, const MulOperand *__restrict roots, uint64_t q) noexcept {
  const uint64_t two_q = 2 * q;
  size_t m = 1;
  size_t gap = n >> 1;
  for (; gap > 2; m <<= 1, gap >>= 1) {
    uint64_t *block = a;
    for (size_t i = 0; i < m; ++i, block += 2 * gap) {
      const MulOperand w = roots[m + i];
      uint64_t *x = block;
      uint64_t *y = block + gap;
      for (size_t j = 0; j < gap; j += 2) {
        forward_butterfly(x[j], y[j], w, q, two_q);
        forward_butterfly(x[j + 1], y[j + 1], w, q, two_q);
      }
    }
  }
  if (gap == 2) {  // blocks of 4: (a0, a2) and (a1, a3) share one root
    for (size_t i = 0; i < m; ++i) {
      const MulOperand w = roots[m + i];
      uint64_t *b = a + 4 * i;
      forward_butterfly(b[0], b[2], w, q, two_q);
      forward_butterfly(b[1], b[3], w, q, two_q);
    }
    m <<= 1;
    gap = 1;
  }
  // gap == 1: blocks of 2, one root each.
  for (size_t i = 0; i < m; ++i) {
    uint64_t *b = a + 2 * i;
    forward_butterfly(b[0], b[1], roots[m + i], q, two_q);
    if (kReduce) {
      b[0] = reduce_from_4q(b[0], q, two_q);
      b[1] = reduce_from_4q(b[1], q, two_q);
    }
  }
}

/// One Gentleman-Sande inverse butterfly: (x, y) -> (x + y, w (x - y)) with values kept in [0, 2q).
inline void inverse_butterfly(uint64_t &x, uint64_t &y, const MulOperand &w, uint64_t q, uint64_t two_q) noexcept {
  const uint64_t u = x;
  const uint64_t v = y;
  uint64_t s = u + v;
  s -= (s >= two_q) ? two_q : 0;
  x = s;
  y = shoup_lazy(u + two_q - v, w.operand, w.quotient, q);
}

}  // namespace

void NttTables::forward_lazy(uint64_t *a) const noexcept {
  forward_transform<false>(a, n_, root_powers_.data(), q_.value());
}

void NttTables::forward(uint64_t *a) const noexcept {
  forward_transform<true>(a, n_, root_powers_.data(), q_.value());
}

void NttTables::inverse(uint64_t *a) const noexcept {
  // Gentleman-Sande, decimation in frequency, bit-reversed order in, natural order out; the stages run from n/2
  // blocks of 2 down to 2 blocks of n/2 and read the scrambled inverse table sequentially. Values stay in [0, 2q).
  const uint64_t q = q_.value();
  const uint64_t two_q = 2 * q;
  const MulOperand *__restrict roots = inv_root_powers_.data();
  size_t root_index = 1;
  size_t m = n_ >> 1;
  size_t gap = 1;
  if (m > 1) {  // gap 1: blocks of 2
    for (size_t i = 0; i < m; ++i) inverse_butterfly(a[2 * i], a[2 * i + 1], roots[root_index++], q, two_q);
    m >>= 1;
    gap <<= 1;
  }
  if (m > 1) {  // gap 2: blocks of 4
    for (size_t i = 0; i < m; ++i) {
      const MulOperand w = roots[root_index++];
      uint64_t *b = a + 4 * i;
      inverse_butterfly(b[0], b[2], w, q, two_q);
      inverse_butterfly(b[1], b[3], w, q, two_q);
    }
    m >>= 1;
    gap <<= 1;
  }
  for (; m > 1; m >>= 1, gap <<= 1) {
    uint64_t *block = a;
    for (size_t i = 0; i < m; ++i, block += 2 * gap) {
      const MulOperand w = roots[root_index++];
      uint64_t *x = block;
      uint64_t *y = block + gap;
      for (size_t j = 0; j < gap; j += 2) {
        inverse_butterfly(x[j], y[j], w, q, two_q);
        inverse_butterfly(x[j + 1], y[j + 1], w, q, two_q);
      }
    }
  }
  // Last stage (one block of n): fold in the factor 1/n (and 1/n times the last twiddle), then reduce fully.
  const uint64_t inv_n = inv_n_.operand;
  const uint64_t inv_n_q = inv_n_.quotient;
  const uint64_t inv_n_w = inv_n_w_.operand;
  const uint64_t inv_n_w_q = inv_n_w_.quotient;
  uint64_t *x = a;
  uint64_t *y = a + gap;
  for (size_t j = 0; j < gap; ++j) {
    uint64_t u = x[j];
    u -= (u >= two_q) ? two_q : 0;
    const uint64_t v = y[j];
    uint64_t s = u + v;
    s -= (s >= two_q) ? two_q : 0;
    const uint64_t r0 = shoup_lazy(s, inv_n, inv_n_q, q);
    const uint64_t r1 = shoup_lazy(u + two_q - v, inv_n_w, inv_n_w_q, q);
    x[j] = r0 >= q ? r0 - q : r0;
    y[j] = r1 >= q ? r1 - q : r1;
  }
}

}  // namespace cf::util
