#include "cipherformer/ckks/validation.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace cf::ckks {
namespace {

[[noreturn]] void fail(const std::string &name, const std::string &what) {
  throw std::invalid_argument(name + ": " + what);
}

void check_level_exists(const Context &context, size_t level, const std::string &name) {
  if (level >= context.level_count()) {
    fail(name, "level " + std::to_string(level) + " does not exist (the context has " +
                   std::to_string(context.level_count()) + " levels)");
  }
}

void check_data_level(const Context &context, size_t level, const std::string &name) {
  check_level_exists(context, level, name);
  if (level > context.first_level()) {
    fail(name, "level " + std::to_string(level) + " is the key level, not a data level (highest data level is " +
                   std::to_string(context.first_level()) + ")");
  }
}

void check_scale_value(double scale, const std::string &name) {
  if (!(scale > 0) || !std::isfinite(scale)) fail(name, "scale " + std::to_string(scale) + " is not positive and finite");
}

void check_ciphertext_shape(const Context &context, const Ciphertext &ct, const std::string &name) {
  if (ct.size < 2 || ct.size > kMaxCiphertextSize) {
    fail(name, "size " + std::to_string(ct.size) + " is outside [2, 16]");
  }
  if (!ct.is_ntt_form) fail(name, "CKKS ciphertext must be in NTT form");
  const size_t expected = ct.size * (ct.level + 1) * context.poly_degree();
  if (ct.data.size() != expected) {
    fail(name, "data has " + std::to_string(ct.data.size()) + " words, expected " + std::to_string(expected) +
                   " (size " + std::to_string(ct.size) + " x " + std::to_string(ct.level + 1) + " limbs x N)");
  }
  check_scale_value(ct.scale, name);
}

}  // namespace

void check_ciphertext(const Context &context, const Ciphertext &ct, const std::string &name) {
  check_data_level(context, ct.level, name);
  check_ciphertext_shape(context, ct, name);
}

void check_plaintext(const Context &context, const Plaintext &pt, const std::string &name) {
  check_data_level(context, pt.level, name);
  if (!pt.is_ntt_form) fail(name, "CKKS plaintext must be in NTT form");
  const size_t expected = (pt.level + 1) * context.poly_degree();
  if (pt.data.size() != expected) {
    fail(name, "data has " + std::to_string(pt.data.size()) + " words, expected " + std::to_string(expected));
  }
  check_scale_value(pt.scale, name);
}

void check_key_ciphertext(const Context &context, const Ciphertext &ct, const std::string &name) {
  if (ct.level != context.key_level()) {
    fail(name, "level " + std::to_string(ct.level) + " is not the key level " + std::to_string(context.key_level()));
  }
  if (ct.size != 2) fail(name, "size " + std::to_string(ct.size) + " is not 2");
  check_ciphertext_shape(context, ct, name);
}

void check_secret_key(const Context &context, const SecretKey &sk) {
  const size_t expected = (context.key_level() + 1) * context.poly_degree();
  if (sk.data.size() != expected) {
    fail("secret key", "data has " + std::to_string(sk.data.size()) + " words, expected " + std::to_string(expected));
  }
}

void check_kswitch_keys(const Context &context, const KSwitchKeys &key, const std::string &name) {
  if (!context.using_key_switching()) fail(name, "key switching is not supported with a single prime");
  const size_t expected = context.first_level() + 1;
  if (key.data.size() != expected) {
    fail(name, "has " + std::to_string(key.data.size()) + " decomposition parts, expected " + std::to_string(expected));
  }
  for (size_t i = 0; i < key.data.size(); ++i) {
    check_key_ciphertext(context, key.data[i].data, name + " part " + std::to_string(i));
  }
}

bool are_same_scale(double a, double b) noexcept {
  const double scale_factor = std::max({std::fabs(a), std::fabs(b), 1.0});
  return std::fabs(a - b) < std::numeric_limits<double>::epsilon() * scale_factor;
}

bool is_scale_within_bounds(double scale, const LevelData &level) noexcept {
  if (!std::isfinite(scale) || !(scale > 0)) return false;
  return static_cast<int>(std::log2(scale)) < level.total_bit_count();
}

bool is_transparent(const Ciphertext &ct) noexcept {
  if (ct.size < 2) return true;
  const size_t poly_words = ct.data.size() / ct.size;
  return std::all_of(ct.data.begin() + static_cast<std::ptrdiff_t>(poly_words), ct.data.end(),
                     [](uint64_t w) { return w == 0; });
}

}  // namespace cf::ckks
