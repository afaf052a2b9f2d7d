#include "cipherformer/ckks/context.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "cipherformer/ckks/galois.h"

namespace cf::ckks {
namespace {

using util::uint128_t;

uint64_t mul_mod_u64(uint64_t a, uint64_t b, uint64_t m) {
  return static_cast<uint64_t>(static_cast<uint128_t>(a) * b % m);
}

uint64_t pow_mod_u64(uint64_t base, uint64_t exp, uint64_t m) {
  uint64_t result = 1 % m;
  base %= m;
  while (exp != 0) {
    if (exp & 1) result = mul_mod_u64(result, base, m);
    base = mul_mod_u64(base, base, m);
    exp >>= 1;
  }
  return result;
}

}  // namespace

bool is_prime(uint64_t n) noexcept {
  if (n < 2) return false;
  for (uint64_t p : {2ULL, 3ULL, 5ULL, 7ULL, 11ULL, 13ULL, 17ULL, 19ULL, 23ULL, 29ULL, 31ULL, 37ULL}) {
    if (n % p == 0) return n == p;
  }
  uint64_t d = n - 1;
  int s = 0;
  while ((d & 1) == 0) {
    d >>= 1;
    ++s;
  }
  // These 12 bases make Miller-Rabin deterministic for all n < 3.3 * 10^24.
  for (uint64_t a : {2ULL, 3ULL, 5ULL, 7ULL, 11ULL, 13ULL, 17ULL, 19ULL, 23ULL, 29ULL, 31ULL, 37ULL}) {
    uint64_t x = pow_mod_u64(a, d, n);
    if (x == 1 || x == n - 1) continue;
    bool composite = true;
    for (int r = 1; r < s; ++r) {
      x = mul_mod_u64(x, x, n);
      if (x == n - 1) {
        composite = false;
        break;
      }
    }
    if (composite) return false;
  }
  return true;
}

LevelData::LevelData(size_t level, std::vector<util::Modulus> moduli)
    : level_(level), moduli_(moduli), rns_base_(std::move(moduli)) {
  const util::Modulus &last = moduli_.back();
  inv_last_mod_.resize(level_);
  for (size_t i = 0; i < level_; ++i) {
    uint64_t inv = 0;
    if (!util::try_invert_mod(util::barrett_reduce_64(last.value(), moduli_[i]), moduli_[i], inv)) {
      throw std::invalid_argument("prime " + std::to_string(last.value()) + " is not invertible modulo " +
                                  std::to_string(moduli_[i].value()));
    }
    inv_last_mod_[i].set(inv, moduli_[i]);
  }
}

Context::Context(size_t poly_degree, const std::vector<uint64_t> &primes) : poly_degree_(poly_degree), log_n_(0) {
  if (poly_degree < kMinPolyDegree || poly_degree > kMaxPolyDegree || (poly_degree & (poly_degree - 1)) != 0) {
    throw std::invalid_argument("poly_modulus_degree " + std::to_string(poly_degree) +
                                " is not a power of two in [4096, 65536]");
  }
  while ((size_t{1} << log_n_) < poly_degree) ++log_n_;
  if (primes.empty() || primes.size() > kMaxPrimeCount) {
    throw std::invalid_argument("coefficient modulus has " + std::to_string(primes.size()) +
                                " primes; expected 1 to 64");
  }
  const uint64_t two_n = 2 * static_cast<uint64_t>(poly_degree);
  std::vector<util::Modulus> moduli;
  for (size_t i = 0; i < primes.size(); ++i) {
    const uint64_t p = primes[i];
    const std::string where = "coefficient modulus prime #" + std::to_string(i) + " = " + std::to_string(p);
    if (p >= (uint64_t{1} << util::Modulus::kMaxBitCount)) throw std::invalid_argument(where + " is not below 2^61");
    if (p % two_n != 1) throw std::invalid_argument(where + " is not 1 mod 2N = " + std::to_string(two_n));
    if (!is_prime(p)) throw std::invalid_argument(where + " is not prime");
    if (std::find(primes.begin(), primes.begin() + static_cast<std::ptrdiff_t>(i), p) !=
        primes.begin() + static_cast<std::ptrdiff_t>(i)) {
      throw std::invalid_argument(where + " appears more than once");
    }
    moduli.emplace_back(p);
  }
  for (size_t i = 0; i < moduli.size(); ++i) {
    ntt_tables_.push_back(std::make_unique<util::NttTables>(log_n_, moduli[i]));
  }
  for (size_t l = 0; l < moduli.size(); ++l) {
    levels_.push_back(std::make_unique<LevelData>(
        l, std::vector<util::Modulus>(moduli.begin(), moduli.begin() + static_cast<std::ptrdiff_t>(l + 1))));
  }
}

const LevelData &Context::level(size_t level) const {
  if (level >= levels_.size()) {
    throw std::out_of_range("level " + std::to_string(level) + " does not exist; the context has " +
                            std::to_string(levels_.size()) + " levels");
  }
  return *levels_[level];
}

const util::NttTables &Context::ntt_tables(size_t prime_index) const {
  if (prime_index >= ntt_tables_.size()) {
    throw std::out_of_range("prime index " + std::to_string(prime_index) + " does not exist");
  }
  return *ntt_tables_[prime_index];
}

const std::vector<uint32_t> &Context::galois_permutation(uint32_t galois_elt) const {
  std::lock_guard<std::mutex> lock(galois_mutex_);
  auto it = galois_tables_.find(galois_elt);
  if (it == galois_tables_.end()) {
    auto table = std::make_unique<const std::vector<uint32_t>>(galois_permutation_table(galois_elt, log_n_));
    it = galois_tables_.emplace(galois_elt, std::move(table)).first;
  }
  return *it->second;
}

}  // namespace cf::ckks
