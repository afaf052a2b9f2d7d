#include "cipherformer/ckks/encoder.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "cipherformer/ckks/rlwe.h"
#include "cipherformer/ckks/validation.h"

namespace cf::ckks {
namespace {

using util::uint128_t;
using Complex = std::complex<double>;

std::string number_text(double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.17g", v);
  return buf;
}

size_t reverse_bits(size_t value, int bit_count) {
  size_t r = 0;
  for (int i = 0; i < bit_count; ++i) {
    r = (r << 1) | (value & 1);
    value >>= 1;
  }
  return r;
}

// The m-th roots of unity exp(2 pi i k / m), computed for k <= m/8 and extended by symmetry (SEAL's ComplexRoots), so
// the encoder's roots match SEAL's to the last bit.
class ComplexRoots {
 public:
  explicit ComplexRoots(size_t m) : m_(m), roots_(m / 8 + 1) {
    const double pi = 3.1415926535897932384626433832795028842;
    for (size_t i = 0; i <= m / 8; ++i) {
      roots_[i] = std::polar<double>(1.0, 2 * pi * static_cast<double>(i) / static_cast<double>(m));
    }
  }
  Complex get(size_t index) const {
    index &= m_ - 1;
    if (index <= m_ / 8) return roots_[index];
    if (index <= m_ / 4) {
      const Complex a = roots_[m_ / 4 - index];
      return {a.imag(), a.real()};
    }
    if (index <= m_ / 2) return -std::conj(get(m_ / 2 - index));
    if (index <= 3 * m_ / 4) return -get(index - m_ / 2);
    return std::conj(get(m_ - index));
  }

 private:
  size_t m_;
  std::vector<Complex> roots_;
};

// SEAL's DWTHandler::transform_from_rev (Gentleman-Sande butterflies, roots read sequentially from index 1), with the
// final layer also multiplied by `scalar`.
void transform_from_rev(Complex *values, int log_n, const Complex *roots, double scalar) {
  const size_t n = size_t{1} << log_n;
  size_t gap = 1;
  size_t m = n >> 1;
  for (; m > 1; m >>= 1) {
    size_t offset = 0;
    for (size_t i = 0; i < m; ++i) {
      const Complex r = *++roots;
      Complex *x = values + offset;
      Complex *y = x + gap;
      for (size_t j = 0; j < gap; ++j) {
        const Complex u = *x;
        const Complex v = *y;
        *x++ = u + v;
        *y++ = (u - v) * r;
      }
      offset += gap << 1;
    }
    gap <<= 1;
  }
  const Complex r = *++roots;
  const Complex scaled_r = r * scalar;
  Complex *x = values;
  Complex *y = x + gap;
  for (size_t j = 0; j < gap; ++j) {
    const Complex u = *x;
    const Complex v = *y;
    *x++ = (u + v) * scalar;
    *y++ = (u - v) * scaled_r;
  }
}

// SEAL's DWTHandler::transform_to_rev without scalar (Cooley-Tukey butterflies).
void transform_to_rev(Complex *values, int log_n, const Complex *roots) {
  const size_t n = size_t{1} << log_n;
  size_t gap = n >> 1;
  size_t m = 1;
  for (; m < (n >> 1); m <<= 1) {
    size_t offset = 0;
    for (size_t i = 0; i < m; ++i) {
      const Complex r = *++roots;
      Complex *x = values + offset;
      Complex *y = x + gap;
      for (size_t j = 0; j < gap; ++j) {
        const Complex u = *x;
        const Complex v = *y * r;
        *x++ = u + v;
        *y++ = u - v;
      }
      offset += gap << 1;
    }
    gap >>= 1;
  }
  for (size_t i = 0; i < m; ++i) {
    const Complex r = *++roots;
    const Complex u = values[0];
    const Complex v = values[1] * r;
    values[0] = u + v;
    values[1] = u - v;
    values += 2;
  }
}

// Writes the residues of the integer round(coeffd) (|coeffd| < Q_level) into limb-major dest at coefficient index
// `index` (stride n), exactly as SEAL's three cases (64-bit, 128-bit, multi-word) do.
void decompose_coefficient(double coeffd, int bit_count, const RnsBase &base, size_t n, size_t index, uint64_t *dest,
                           std::vector<uint64_t> &words, std::vector<uint64_t> &residues) {
  const auto &moduli = base.moduli();
  const size_t k = moduli.size();
  const bool negative = std::signbit(coeffd);
  coeffd = std::fabs(coeffd);
  const double two_pow_64 = 18446744073709551616.0;
  if (bit_count <= 64) {
    const uint64_t c = static_cast<uint64_t>(coeffd);
    for (size_t j = 0; j < k; ++j) residues[j] = util::barrett_reduce_64(c, moduli[j]);
  } else if (bit_count <= 128) {
    const uint64_t lo = static_cast<uint64_t>(std::fmod(coeffd, two_pow_64));
    const uint64_t hi = static_cast<uint64_t>(coeffd / two_pow_64);
    const uint128_t c = (static_cast<uint128_t>(hi) << 64) | lo;
    for (size_t j = 0; j < k; ++j) residues[j] = util::barrett_reduce_128(c, moduli[j]);
  } else {
    std::fill(words.begin(), words.end(), 0);
    size_t w = 0;
    while (coeffd >= 1 && w < k) {
      words[w++] = static_cast<uint64_t>(std::fmod(coeffd, two_pow_64));
      coeffd /= two_pow_64;
    }
    base.decompose(words.data(), residues.data());
  }
  for (size_t j = 0; j < k; ++j) {
    dest[j * n + index] = negative ? util::negate_mod(residues[j], moduli[j]) : residues[j];
  }
}

}  // namespace

CkksEncoder::CkksEncoder(std::shared_ptr<const Context> context) : context_(std::move(context)) {
  if (!context_) throw std::invalid_argument("context is null");
  const size_t n = context_->poly_degree();
  const int log_n = context_->log_poly_degree();
  slots_ = n / 2;
  matrix_reps_index_map_.resize(n);
  // Slot i sits at the evaluation point psi^(3^i) and its conjugate at psi^(-3^i), in bit-reversed order.
  const uint64_t m = static_cast<uint64_t>(n) * 2;
  uint64_t pos = 1;
  for (size_t i = 0; i < slots_; ++i) {
    const uint64_t index1 = (pos - 1) >> 1;
    const uint64_t index2 = (m - pos - 1) >> 1;
    matrix_reps_index_map_[i] = reverse_bits(static_cast<size_t>(index1), log_n);
    matrix_reps_index_map_[slots_ | i] = reverse_bits(static_cast<size_t>(index2), log_n);
    pos = (pos * 3) & (m - 1);
  }
  const ComplexRoots roots(static_cast<size_t>(m));
  root_powers_.assign(n, Complex(0, 0));
  inv_root_powers_.assign(n, Complex(0, 0));
  for (size_t i = 1; i < n; ++i) {
    root_powers_[i] = roots.get(reverse_bits(i, log_n));
    inv_root_powers_[i] = std::conj(roots.get(reverse_bits(i - 1, log_n) + 1));
  }
}

Plaintext CkksEncoder::encode(const std::vector<Complex> &values, size_t level, double scale) const {
  if (values.size() > slots_) {
    throw std::invalid_argument("too many values to encode: " + std::to_string(values.size()) + " > " +
                                std::to_string(slots_) + " slots");
  }
  return encode_slots(values, level, scale);
}

Plaintext CkksEncoder::encode(const std::vector<double> &values, size_t level, double scale) const {
  if (values.size() > slots_) {
    throw std::invalid_argument("too many values to encode: " + std::to_string(values.size()) + " > " +
                                std::to_string(slots_) + " slots");
  }
  return encode_slots(std::vector<Complex>(values.begin(), values.end()), level, scale);
}

Plaintext CkksEncoder::encode(Complex value, size_t level, double scale) const {
  return encode_slots(std::vector<Complex>(slots_, value), level, scale);
}

Plaintext CkksEncoder::encode_slots(std::vector<Complex> values, size_t level, double scale) const {
  const LevelData &level_data = context_->level(level);
  const int total_bits = level_data.total_bit_count();
  if (!(scale > 0) || !std::isfinite(scale) || static_cast<int>(std::log2(scale)) + 1 >= total_bits) {
    throw std::invalid_argument("scale out of bounds: " + number_text(scale) + " for the " +
                                std::to_string(total_bits) + "-bit modulus of level " + std::to_string(level));
  }
  for (size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i].real()) || !std::isfinite(values[i].imag())) {
      throw std::invalid_argument("value #" + std::to_string(i) + " is not finite: (" + number_text(values[i].real()) +
                                  ", " + number_text(values[i].imag()) + ")");
    }
  }
  const size_t n = context_->poly_degree();
  std::vector<Complex> conj_values(n, Complex(0, 0));
  for (size_t i = 0; i < values.size(); ++i) {
    conj_values[matrix_reps_index_map_[i]] = values[i];
    conj_values[matrix_reps_index_map_[i + slots_]] = std::conj(values[i]);
  }
  transform_from_rev(conj_values.data(), context_->log_poly_degree(), inv_root_powers_.data(),
                     scale / static_cast<double>(n));

  double max_coeff = 0;
  for (const auto &c : conj_values) max_coeff = std::max(max_coeff, std::fabs(c.real()));
  const int max_coeff_bit_count = static_cast<int>(std::ceil(std::log2(std::max(max_coeff, 1.0))));
  if (max_coeff_bit_count >= total_bits) {
    throw std::invalid_argument("encoded values are too large: a coefficient needs " +
                                std::to_string(max_coeff_bit_count) + " bits, the modulus of level " +
                                std::to_string(level) + " has " + std::to_string(total_bits));
  }

  const auto &moduli = level_data.moduli();
  const size_t k = moduli.size();
  Plaintext plain;
  plain.level = level;
  plain.scale = scale;
  plain.is_ntt_form = true;
  plain.data.assign(k * n, 0);
  std::vector<uint64_t> words(k);
  std::vector<uint64_t> residues(k);
  for (size_t i = 0; i < n; ++i) {
    decompose_coefficient(std::round(conj_values[i].real()), max_coeff_bit_count, level_data.rns_base(), n, i,
                          plain.data.data(), words, residues);
  }
  ntt_forward_limbs(*context_, plain.data.data(), k, util::default_thread_pool());
  return plain;
}

Plaintext CkksEncoder::encode(double value, size_t level, double scale) const {
  const LevelData &level_data = context_->level(level);
  const int total_bits = level_data.total_bit_count();
  if (!(scale > 0) || !std::isfinite(scale) || static_cast<int>(std::log2(scale)) >= total_bits) {
    throw std::invalid_argument("scale out of bounds: " + number_text(scale) + " for the " +
                                std::to_string(total_bits) + "-bit modulus of level " + std::to_string(level));
  }
  if (!std::isfinite(value)) throw std::invalid_argument("value is not finite: " + number_text(value));
  const double scaled = value * scale;
  if (!std::isfinite(scaled)) throw std::invalid_argument("encoded value is too large: " + number_text(value));
  // SEAL: (int)log2(|value|) + 2 bits (a zero value needs none).
  const int bit_count = scaled == 0 ? 0 : static_cast<int>(std::log2(std::fabs(scaled))) + 2;
  if (bit_count >= total_bits) {
    throw std::invalid_argument("encoded value is too large: " + number_text(value) + " at scale " +
                                number_text(scale) + " needs " + std::to_string(bit_count) + " bits");
  }
  const size_t n = context_->poly_degree();
  const auto &moduli = level_data.moduli();
  const size_t k = moduli.size();
  Plaintext plain;
  plain.level = level;
  plain.scale = scale;
  plain.is_ntt_form = true;
  plain.data.assign(k * n, 0);
  std::vector<uint64_t> words(k);
  std::vector<uint64_t> residues(k);
  // The constant polynomial c has NTT form (c, c, ..., c): decompose once and fill every limb.
  decompose_coefficient(std::round(scaled), bit_count, level_data.rns_base(), n, 0, plain.data.data(), words,
                        residues);
  for (size_t j = 0; j < k; ++j) std::fill_n(plain.data.data() + j * n, n, plain.data[j * n]);
  return plain;
}

std::vector<Complex> CkksEncoder::decode_complex(const Plaintext &plain) const {
  const LevelData &level_data = context_->level(plain.level);
  if (!plain.is_ntt_form) throw std::invalid_argument("plain must be in NTT form");
  const size_t n = context_->poly_degree();
  const size_t k = level_data.moduli().size();
  if (plain.data.size() != k * n) {
    throw std::invalid_argument("plain data has " + std::to_string(plain.data.size()) + " words, expected " +
                                std::to_string(k * n));
  }
  if (!(plain.scale > 0) || !std::isfinite(plain.scale) ||
      static_cast<int>(std::log2(plain.scale)) >= level_data.total_bit_count()) {
    throw std::invalid_argument("scale out of bounds: " + number_text(plain.scale));
  }
  std::vector<uint64_t> coeffs(plain.data);
  ntt_inverse_limbs(*context_, coeffs.data(), k, util::default_thread_pool());

  const RnsBase &base = level_data.rns_base();
  const std::vector<uint64_t> &q = base.product();
  const std::vector<uint64_t> &threshold = base.upper_half_threshold();
  const double inv_scale = 1.0 / plain.scale;
  const double two_pow_64 = 18446744073709551616.0;
  std::vector<Complex> res(n);
  std::vector<uint64_t> residues(k);
  std::vector<uint64_t> value(k);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < k; ++j) residues[j] = coeffs[j * n + i];
    base.compose(residues.data(), value.data());
    bool negative = true;  // value >= threshold (compare from the top word)
    for (size_t w = k; w-- > 0;) {
      if (value[w] != threshold[w]) {
        negative = value[w] > threshold[w];
        break;
      }
    }
    if (negative) {
      // |value - Q| = Q - value, exact multi-word subtraction.
      uint64_t borrow = 0;
      for (size_t w = 0; w < k; ++w) {
        const uint64_t sub = value[w] + borrow;
        const uint64_t next = (sub < borrow) || (q[w] < sub) ? 1 : 0;
        value[w] = q[w] - sub;
        borrow = next;
      }
    }
    double acc = 0;
    double scaled_two_pow_64 = inv_scale;
    for (size_t w = 0; w < k; ++w, scaled_two_pow_64 *= two_pow_64) {
      if (value[w] != 0) acc += static_cast<double>(value[w]) * scaled_two_pow_64;
    }
    res[i] = negative ? -acc : acc;
  }
  transform_to_rev(res.data(), context_->log_poly_degree(), root_powers_.data());
  std::vector<Complex> out(slots_);
  for (size_t i = 0; i < slots_; ++i) out[i] = res[matrix_reps_index_map_[i]];
  return out;
}

std::vector<double> CkksEncoder::decode(const Plaintext &plain) const {
  const std::vector<Complex> c = decode_complex(plain);
  std::vector<double> out(c.size());
  for (size_t i = 0; i < c.size(); ++i) out[i] = c[i].real();
  return out;
}

}  // namespace cf::ckks
