#include "cipherformer/ckks/rns_base.h"

#include <stdexcept>

namespace cf::ckks {
namespace {

using util::uint128_t;

// words[0..n) *= factor; returns the carry-out word.
uint64_t multiply_words_by(uint64_t *words, size_t n, uint64_t factor) {
  uint64_t carry = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint128_t p = static_cast<uint128_t>(words[i]) * factor + carry;
    words[i] = static_cast<uint64_t>(p);
    carry = static_cast<uint64_t>(p >> 64);
  }
  return carry;
}

// a += b (n words); returns the carry-out bit.
uint64_t add_words(uint64_t *a, const uint64_t *b, size_t n) {
  uint64_t carry = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint128_t s = static_cast<uint128_t>(a[i]) + b[i] + carry;
    a[i] = static_cast<uint64_t>(s);
    carry = static_cast<uint64_t>(s >> 64);
  }
  return carry;
}

// a -= b (n words), assuming a >= b or accepting wrap-around.
void sub_words(uint64_t *a, const uint64_t *b, size_t n) {
  uint64_t borrow = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint64_t bi = b[i] + borrow;
    const uint64_t next_borrow = (bi < borrow) || (a[i] < bi) ? 1 : 0;
    a[i] -= bi;
    borrow = next_borrow;
  }
}

bool greater_or_equal_words(const uint64_t *a, const uint64_t *b, size_t n) {
  for (size_t i = n; i-- > 0;) {
    if (a[i] != b[i]) return a[i] > b[i];
  }
  return true;
}

}  // namespace

RnsBase::RnsBase(std::vector<util::Modulus> moduli) : moduli_(std::move(moduli)) {
  const size_t k = moduli_.size();
  if (k == 0) throw std::invalid_argument("RNS base must have at least one modulus, got 0");
  product_.assign(k, 0);
  product_[0] = 1;
  for (const auto &q : moduli_) multiply_words_by(product_.data(), k, q.value());
  for (size_t i = k; i-- > 0;) {
    if (product_[i] != 0) {
      product_bit_count_ = static_cast<int>(64 * i) + 64 - __builtin_clzll(product_[i]);
      break;
    }
  }
  // (Q + 1) / 2: Q is odd (a product of odd primes) so this is floor(Q/2) + 1.
  upper_half_threshold_ = product_;
  for (size_t i = 0; i < k; ++i) {
    upper_half_threshold_[i] = (upper_half_threshold_[i] >> 1) | (i + 1 < k ? (upper_half_threshold_[i + 1] << 63) : 0);
  }
  const std::vector<uint64_t> one_word = [k] {
    std::vector<uint64_t> v(k, 0);
    v[0] = 1;
    return v;
  }();
  add_words(upper_half_threshold_.data(), one_word.data(), k);

  punctured_products_.assign(k, std::vector<uint64_t>(k, 0));
  inv_punctured_.resize(k);
  for (size_t i = 0; i < k; ++i) {
    auto &p = punctured_products_[i];
    p[0] = 1;
    uint64_t p_mod_qi = 1;
    for (size_t j = 0; j < k; ++j) {
      if (j == i) continue;
      multiply_words_by(p.data(), k, moduli_[j].value());
      p_mod_qi = util::multiply_mod(p_mod_qi, util::barrett_reduce_64(moduli_[j].value(), moduli_[i]), moduli_[i]);
    }
    uint64_t inv = 0;
    if (!util::try_invert_mod(p_mod_qi, moduli_[i], inv)) {
      throw std::invalid_argument("RNS moduli are not coprime: modulus " + std::to_string(moduli_[i].value()));
    }
    inv_punctured_[i].set(inv, moduli_[i]);
  }
}

void RnsBase::compose(const uint64_t *residues, uint64_t *value) const {
  const size_t k = moduli_.size();
  if (k == 1) {
    value[0] = residues[0];
    return;
  }
  std::vector<uint64_t> term(k + 1);
  std::vector<uint64_t> acc(k + 1, 0);
  std::vector<uint64_t> q_ext(product_);
  q_ext.push_back(0);
  for (size_t i = 0; i < k; ++i) {
    const uint64_t coefficient = util::multiply_mod(residues[i], inv_punctured_[i], moduli_[i]);
    std::copy(punctured_products_[i].begin(), punctured_products_[i].end(), term.begin());
    term[k] = multiply_words_by(term.data(), k, coefficient);  // < Q, so term[k] == 0
    add_words(acc.data(), term.data(), k + 1);                // acc < 2Q
    if (greater_or_equal_words(acc.data(), q_ext.data(), k + 1)) sub_words(acc.data(), q_ext.data(), k + 1);
  }
  std::copy(acc.begin(), acc.begin() + static_cast<std::ptrdiff_t>(k), value);
}

void RnsBase::decompose(const uint64_t *value, uint64_t *residues) const {
  const size_t k = moduli_.size();
  for (size_t i = 0; i < k; ++i) {
    // Horner from the most significant word: r = (r * 2^64 + w) mod q.
    uint64_t r = 0;
    for (size_t w = k; w-- > 0;) {
      r = util::barrett_reduce_128((static_cast<uint128_t>(r) << 64) | value[w], moduli_[i]);
    }
    residues[i] = r;
  }
}

}  // namespace cf::ckks
