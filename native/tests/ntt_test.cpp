// Checks NttTables against naive references: the negacyclic product, the evaluation points and output order SEAL uses,
// the choice of the minimal primitive root, and round trips up to n = 65536.

#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "cipherformer/util/blake2.h"
#include "cipherformer/util/modulus.h"
#include "cipherformer/util/ntt.h"
#include "cipherformer/util/poly_arith.h"
#include "test_support.h"

using cf::test::ref_mulmod;
using cf::test::ref_powmod;
using cf::test::ref_prime_below;
using cf::util::Modulus;
using cf::util::NttTables;

namespace {

std::mt19937_64 rng(20261127);

std::vector<uint64_t> random_poly(size_t n, uint64_t q) {
  std::uniform_int_distribution<uint64_t> dist(0, q - 1);
  std::vector<uint64_t> p(n);
  for (auto &c : p) c = dist(rng);
  return p;
}

size_t bitrev(size_t x, int bits) {
  size_t r = 0;
  for (int i = 0; i < bits; ++i, x >>= 1) r = (r << 1) | (x & 1);
  return r;
}

/// c = a * b mod (X^n + 1, q), schoolbook with 128-bit accumulation.
std::vector<uint64_t> naive_negacyclic_product(const std::vector<uint64_t> &a, const std::vector<uint64_t> &b,
                                               uint64_t q) {
  const size_t n = a.size();
  std::vector<uint64_t> c(n, 0);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      const uint64_t p = ref_mulmod(a[i], b[j], q);
      const size_t k = i + j;
      if (k < n) {
        c[k] = (c[k] + p) % q;
      } else {
        c[k - n] = (c[k - n] + q - p) % q;
      }
    }
  }
  return c;
}

void test_negacyclic_product() {
  for (int log_n = 3; log_n <= 10; ++log_n) {
    const size_t n = size_t{1} << log_n;
    for (int bits : {30, 45, 52, 60}) {
      const Modulus q(ref_prime_below(bits, 2 * n));
      const NttTables tables(log_n, q);
      auto a = random_poly(n, q.value());
      auto b = random_poly(n, q.value());
      const auto expected = naive_negacyclic_product(a, b, q.value());
      tables.forward(a.data());
      tables.forward(b.data());
      cf::util::dyadic_multiply_mod(a.data(), b.data(), n, q, a.data());
      tables.inverse(a.data());
      CHECK_MSG(a == expected, "negacyclic product mismatch at n=%zu q=%llu", n,
                static_cast<unsigned long long>(q.value()));
    }
  }
}

void test_output_order_matches_seal() {
  // SEAL's NTT form: slot k holds a(psi^(2 * bitrev(k) + 1)).
  for (int log_n = 1; log_n <= 8; ++log_n) {
    const size_t n = size_t{1} << log_n;
    for (int bits : {30, 50, 60}) {
      const Modulus q(ref_prime_below(bits, 2 * n));
      const NttTables tables(log_n, q);
      const uint64_t psi = tables.root();
      const auto a = random_poly(n, q.value());
      auto transformed = a;
      tables.forward(transformed.data());
      bool all_match = true;
      for (size_t k = 0; k < n; ++k) {
        const uint64_t point = ref_powmod(psi, 2 * bitrev(k, log_n) + 1, q.value());
        uint64_t value = 0;
        uint64_t power = 1;
        for (size_t j = 0; j < n; ++j) {
          value = (value + ref_mulmod(a[j], power, q.value())) % q.value();
          power = ref_mulmod(power, point, q.value());
        }
        all_match = all_match && transformed[k] == value;
      }
      CHECK_MSG(all_match, "forward output order differs from SEAL's at n=%zu q=%llu", n,
                static_cast<unsigned long long>(q.value()));
    }
  }
}

void test_minimal_root() {
  // Brute force over all of Z_q for small primes: the root must be primitive and no smaller primitive root exists.
  for (int log_n : {1, 2, 3, 4, 6}) {
    const size_t n = size_t{1} << log_n;
    for (int bits : {17, 20}) {
      const uint64_t qv = ref_prime_below(bits, 2 * n);
      const Modulus q(qv);
      const NttTables tables(log_n, q);
      const uint64_t root = tables.root();
      CHECK(ref_powmod(root, n, qv) == qv - 1);
      uint64_t smallest = 0;
      for (uint64_t x = 1; x < qv; ++x) {
        if (ref_powmod(x, n, qv) == qv - 1) {
          smallest = x;
          break;
        }
      }
      CHECK_MSG(root == smallest, "n=%zu q=%llu: root %llu, smallest primitive root %llu", n,
                static_cast<unsigned long long>(qv), static_cast<unsigned long long>(root),
                static_cast<unsigned long long>(smallest));
    }
  }
  // For large primes the root is still primitive of order exactly 2n and matches the free function.
  const Modulus big(ref_prime_below(60, 1 << 17));
  const NttTables tables(16, big);
  CHECK(cf::util::is_primitive_root(tables.root(), 1 << 17, big));
  uint64_t again = 0;
  CHECK(cf::util::try_minimal_primitive_root(1 << 17, big, again) && again == tables.root());
}

void test_round_trip_large() {
  for (int log_n = 12; log_n <= 17; ++log_n) {
    const size_t n = size_t{1} << log_n;
    for (int bits : {36, 50, 60}) {
      if (log_n == 17 && bits != 50) continue;  // the largest size once is enough
      const Modulus q(ref_prime_below(bits, 2 * n));
      const NttTables tables(log_n, q);
      const auto a = random_poly(n, q.value());
      auto b = a;
      tables.forward(b.data());
      CHECK(b != a);
      bool reduced = true;
      for (auto v : b) reduced = reduced && v < q.value();
      CHECK_MSG(reduced, "forward output not reduced at n=%zu", n);
      tables.inverse(b.data());
      CHECK_MSG(b == a, "inverse(forward(a)) != a at n=%zu q=%llu", n, static_cast<unsigned long long>(q.value()));
    }
  }
}

void test_lazy_matches_full() {
  for (int log_n : {3, 8, 13}) {
    const size_t n = size_t{1} << log_n;
    const Modulus q(ref_prime_below(61, 2 * n));  // the largest allowed size stresses the lazy bounds most
    const NttTables tables(log_n, q);
    // Lazy input may be anywhere in [0, 4q).
    std::uniform_int_distribution<uint64_t> dist(0, 4 * q.value() - 1);
    std::vector<uint64_t> a(n);
    for (auto &c : a) c = dist(rng);
    std::vector<uint64_t> reduced(n);
    for (size_t i = 0; i < n; ++i) reduced[i] = a[i] % q.value();
    auto lazy = a;
    tables.forward_lazy(lazy.data());
    auto full = reduced;
    tables.forward(full.data());
    bool ok = true;
    for (size_t i = 0; i < n; ++i) ok = ok && lazy[i] < 4 * q.value() && lazy[i] % q.value() == full[i];
    CHECK_MSG(ok, "forward_lazy disagrees with forward at n=%zu", n);
    // Inverse accepts [0, 2q).
    std::vector<uint64_t> twice(n);
    for (size_t i = 0; i < n; ++i) twice[i] = full[i] + ((i & 1) ? q.value() : 0);
    tables.inverse(twice.data());
    CHECK_MSG(twice == reduced, "inverse of [0, 2q) input wrong at n=%zu", n);
  }
}

/// BLAKE2b-256 of the little-endian words: a compact fingerprint of a whole transformed polynomial.
std::string digest_hex(const std::vector<uint64_t> &words) {
  std::vector<unsigned char> bytes(words.size() * 8);
  for (size_t i = 0; i < words.size(); ++i) {
    for (size_t b = 0; b < 8; ++b) bytes[8 * i + b] = static_cast<unsigned char>(words[i] >> (8 * b));
  }
  unsigned char d[32];
  cf::util::blake2b(d, sizeof d, bytes.data(), bytes.size(), nullptr, 0);
  static const char *digits = "0123456789abcdef";
  std::string s;
  for (unsigned char c : d) {
    s.push_back(digits[c >> 4]);
    s.push_back(digits[c & 15]);
  }
  return s;
}

void test_matches_seal_4_1() {
  // Produced by SEAL 4.1 itself (node-seal 6.0.3): BFV, N = 4096, CoeffModulus::BFVDefault(4096) =
  // {68719403009, 68719230977, 137438822401}, plain modulus 1032193; Evaluator::transform_to_ntt of a plaintext,
  // saved uncompressed. The data level has the first two primes; limb j holds the NTT of the lifted coefficients.
  const uint64_t primes[2] = {68719403009ULL, 68719230977ULL};
  const uint64_t seal_roots[2] = {24250113ULL, 29008497ULL};  // slot 0 of NTT(x) is psi itself
  const size_t n = 4096;
  // Input 1: the polynomial x. Input 2: pseudo-random coefficients in [0, t) from an LCG; SEAL lifts the upper half
  // [(t+1)/2, t) to q - t + c (centered representative) before the NTT.
  const uint64_t t = 1032193;
  std::vector<uint64_t> x(n, 0);
  x[1] = 1;
  std::vector<uint64_t> mixed(n);
  uint64_t state = 12345;
  for (auto &c : mixed) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    c = (state >> 33) % t;
  }
  std::vector<uint64_t> all_x;
  std::vector<uint64_t> all_mixed;
  for (int j = 0; j < 2; ++j) {
    const Modulus q(primes[j]);
    const NttTables tables(12, q);
    CHECK_MSG(tables.root() == seal_roots[j], "root for q=%llu is %llu, SEAL uses %llu",
              static_cast<unsigned long long>(primes[j]), static_cast<unsigned long long>(tables.root()),
              static_cast<unsigned long long>(seal_roots[j]));
    auto a = x;
    tables.forward(a.data());
    all_x.insert(all_x.end(), a.begin(), a.end());
    auto b = mixed;
    for (auto &c : b) c = c >= (t + 1) / 2 ? q.value() - t + c : c;
    tables.forward(b.data());
    all_mixed.insert(all_mixed.end(), b.begin(), b.end());
  }
  CHECK(all_x[0] == 24250113ULL && all_x[1] == 68695152896ULL && all_x[2] == 38940794085ULL);
  CHECK(all_mixed[0] == 2213300870ULL && all_mixed[1] == 17654789015ULL && all_mixed[2] == 14971828127ULL);
  CHECK(all_mixed[2 * n - 1] == 62787359785ULL);
  CHECK_MSG(digest_hex(all_x) == "4d04107842f766de247a4a84cb753206538722bfd31a723c7648014665e36d70",
            "NTT(x) differs from SEAL's");
  CHECK_MSG(digest_hex(all_mixed) == "41887056445b1880b58fd5c70fffba63ef898a52566a0a621919b74583bfd9fe",
            "NTT(random) differs from SEAL's");
}

template <typename F>
bool throws_invalid_argument(F &&f) {
  try {
    f();
  } catch (const std::invalid_argument &) {
    return true;
  }
  return false;
}

void test_bad_parameters() {
  const Modulus q(ref_prime_below(50, 1 << 18));
  CHECK(throws_invalid_argument([&] { NttTables t(0, q); }));
  CHECK(throws_invalid_argument([&] { NttTables t(18, q); }));
  // 2^50 - 1 style values that are not 1 mod 2n.
  CHECK(throws_invalid_argument([&] { NttTables t(4, Modulus((uint64_t{1} << 50) + 3)); }));
  // 33 = 3 * 11 is 1 mod 16, but x^8 = -1 has no solution mod 3, so no primitive 16th root exists.
  CHECK(throws_invalid_argument([&] { NttTables t(3, Modulus(33)); }));
}

}  // namespace

int main() {
  test_negacyclic_product();
  test_output_order_matches_seal();
  test_minimal_root();
  test_round_trip_large();
  test_lazy_matches_full();
  test_bad_parameters();
  test_matches_seal_4_1();
  return cf::test::test_exit_code();
}
