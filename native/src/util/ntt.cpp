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

void NttTables::forward_lazy(uint64_t *a) const noexcept {
  // Cooley-Tukey, decimation in time, natural order in, bit-reversed order out (Harvey's lazy butterflies):
  // inputs of each butterfly are kept in [0, 4q); X is folded to [0, 2q), W*Y is computed lazily in [0, 2q), and the
  // outputs X + WY and X - WY + 2q land in [0, 4q). With q < 2^61 nothing overflows.
  const uint64_t two_q = 2 * q_.value();
  const MulOperand *roots = root_powers_.data();
  size_t gap = n_ >> 1;
  for (size_t m = 1; m < n_; m <<= 1, gap >>= 1) {
    uint64_t *block = a;
    for (size_t i = 0; i < m; ++i, block += 2 * gap) {
      const MulOperand w = roots[m + i];
      uint64_t *x = block;
      uint64_t *y = block + gap;
      for (size_t j = 0; j < gap; ++j) {
        uint64_t u = x[j];
        u -= (u >= two_q) ? two_q : 0;
        const uint64_t v = multiply_mod_lazy(y[j], w, q_);
        x[j] = u + v;
        y[j] = u + two_q - v;
      }
    }
  }
}

void NttTables::forward(uint64_t *a) const noexcept {
  forward_lazy(a);
  const uint64_t q = q_.value();
  const uint64_t two_q = 2 * q;
  for (size_t i = 0; i < n_; ++i) {
    uint64_t v = a[i];
    v -= (v >= two_q) ? two_q : 0;
    v -= (v >= q) ? q : 0;
    a[i] = v;
  }
}

void NttTables::inverse(uint64_t *a) const noexcept {
  // Gentleman-Sande, decimation in frequency, bit-reversed order in, natural order out. Values stay in [0, 2q):
  // sums are folded back from [0, 4q), differences u - v + 2q in (0, 4q) go through a lazy Shoup product.
  const uint64_t q = q_.value();
  const uint64_t two_q = 2 * q;
  const MulOperand *roots = inv_root_powers_.data();
  size_t root_index = 1;
  size_t gap = 1;
  for (size_t m = n_ >> 1; m > 1; m >>= 1, gap <<= 1) {
    uint64_t *block = a;
    for (size_t i = 0; i < m; ++i, block += 2 * gap) {
      const MulOperand w = roots[root_index++];
      uint64_t *x = block;
      uint64_t *y = block + gap;
      for (size_t j = 0; j < gap; ++j) {
        const uint64_t u = x[j];
        const uint64_t v = y[j];
        uint64_t s = u + v;
        s -= (s >= two_q) ? two_q : 0;
        x[j] = s;
        y[j] = multiply_mod_lazy(u + two_q - v, w, q_);
      }
    }
  }
  // Last stage (one block of n): fold in the factor 1/n, then reduce fully.
  uint64_t *x = a;
  uint64_t *y = a + gap;
  for (size_t j = 0; j < gap; ++j) {
    uint64_t u = x[j];
    u -= (u >= two_q) ? two_q : 0;
    const uint64_t v = y[j];
    uint64_t s = u + v;
    s -= (s >= two_q) ? two_q : 0;
    uint64_t r0 = multiply_mod_lazy(s, inv_n_, q_);
    uint64_t r1 = multiply_mod_lazy(u + two_q - v, inv_n_w_, q_);
    x[j] = r0 >= q ? r0 - q : r0;
    y[j] = r1 >= q ? r1 - q : r1;
  }
}

}  // namespace cf::util
