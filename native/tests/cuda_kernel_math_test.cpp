// The CUDA backend's word arithmetic (native/cuda/include/cipherformer/cuda/kernel_math.h), run on the host, against
// the CPU engine's (util/modulus.h) and unsigned __int128 references, including the edge values that random
// ciphertexts rarely reach: all-ones words, q - 1, products near 2^128, 63-term 128-bit sums.

#include <cstdint>
#include <cstdio>
#include <random>
#include <vector>

#include "../cuda/include/cipherformer/cuda/kernel_math.h"
#include "cipherformer/util/modulus.h"

namespace {

using cf::util::uint128_t;

cf::cuda::DevModulus dev(const cf::util::Modulus &q) {
  return cf::cuda::DevModulus{q.value(), q.const_ratio()[0], q.const_ratio()[1]};
}

int failures = 0;

void expect_eq(uint64_t got, uint64_t want, const char *what, uint64_t q, uint64_t x, uint64_t y) {
  if (got != want) {
    std::fprintf(stderr, "FAIL %s q=%llu x=%llu y=%llu: got %llu want %llu\n", what, static_cast<unsigned long long>(q),
                 static_cast<unsigned long long>(x), static_cast<unsigned long long>(y),
                 static_cast<unsigned long long>(got), static_cast<unsigned long long>(want));
    ++failures;
  }
}

}  // namespace

int main() {
  std::mt19937_64 rng(42);
  // Primes of several sizes (1 mod 2^17 for NTT use, but any modulus < 2^61 is valid here) and small odd moduli.
  const std::vector<uint64_t> moduli{3, 65537, 1152921504606748673ULL, 1152921504606584833ULL, 1099511480321ULL,
                                     (uint64_t{1} << 61) - 1};
  for (uint64_t qv : moduli) {
    if (qv < 2 || qv >= (uint64_t{1} << 61)) continue;
    const cf::util::Modulus q(qv);
    const cf::cuda::DevModulus d = dev(q);
    std::vector<uint64_t> values{0, 1, 2, qv - 1, qv, qv + 1, 2 * qv - 1, 4 * qv - 1, ~uint64_t{0}, ~uint64_t{0} - 1,
                                 uint64_t{1} << 63};
    for (int i = 0; i < 200; ++i) values.push_back(rng());
    for (uint64_t x : values) {
      expect_eq(cf::cuda::barrett_reduce_64(x, d), x % qv, "barrett_reduce_64", qv, x, 0);
      for (uint64_t y : values) {
        const uint128_t wide = static_cast<uint128_t>(x) * y;
        const uint64_t want = static_cast<uint64_t>(wide % qv);
        expect_eq(cf::cuda::barrett_reduce_128(static_cast<uint64_t>(wide), static_cast<uint64_t>(wide >> 64), d), want,
                  "barrett_reduce_128", qv, x, y);
        expect_eq(cf::cuda::multiply_mod(x, y, d), cf::util::multiply_mod(x, y, q), "multiply_mod vs CPU", qv, x, y);
        expect_eq(cf::cuda::mul_hi64(x, y), static_cast<uint64_t>(wide >> 64), "mul_hi64", qv, x, y);
        if (x < qv && y < qv) {
          expect_eq(cf::cuda::add_mod(x, y, d), cf::util::add_mod(x, y, q), "add_mod", qv, x, y);
          expect_eq(cf::cuda::sub_mod(x, y, d), cf::util::sub_mod(x, y, q), "sub_mod", qv, x, y);
          cf::util::MulOperand w;
          w.set(y, q);
          expect_eq(cf::cuda::shoup_mod(x, cf::cuda::DevMulOperand{w.operand, w.quotient}, qv),
                    cf::util::multiply_mod(x, w, q), "shoup_mod", qv, x, y);
        }
      }
      if (x < qv) expect_eq(cf::cuda::negate_mod(x, d), cf::util::negate_mod(x, q), "negate_mod", qv, x, 0);
    }
    // 63 products of (q - 1)^2 accumulated in two words, then reduced: the key-switching inner product's worst case.
    cf::cuda::U128 acc{0, 0};
    uint128_t ref = 0;
    for (int j = 0; j < 63; ++j) {
      const uint64_t a = qv - 1 - static_cast<uint64_t>(j % 3);
      const uint64_t b = qv - 1;
      cf::cuda::multiply_accumulate(acc, a, b);
      ref += static_cast<uint128_t>(a) * b;
    }
    expect_eq(acc.lo, static_cast<uint64_t>(ref), "accumulate low word", qv, 0, 0);
    expect_eq(acc.hi, static_cast<uint64_t>(ref >> 64), "accumulate high word", qv, 0, 0);
    expect_eq(cf::cuda::barrett_reduce_128(acc.lo, acc.hi, d), static_cast<uint64_t>(ref % qv), "accumulated reduce",
              qv, 0, 0);
  }
  // Butterfly index math: every position of every stage is hit exactly once.
  for (unsigned log_gap = 0; log_gap < 12; ++log_gap) {
    const size_t n = 8192;
    std::vector<int> hits(n, 0);
    for (size_t k = 0; k < n / 2; ++k) {
      const cf::cuda::ButterflyIndex bi = cf::cuda::butterfly_index(k, log_gap);
      ++hits[bi.x];
      ++hits[bi.y];
      if (bi.block != k / (size_t{1} << log_gap) || bi.y - bi.x != (size_t{1} << log_gap)) {
        std::fprintf(stderr, "FAIL butterfly_index k=%zu log_gap=%u\n", k, log_gap);
        ++failures;
      }
    }
    for (size_t i = 0; i < n; ++i) {
      if (hits[i] != 1) {
        std::fprintf(stderr, "FAIL butterfly_index log_gap=%u covers %zu %d times\n", log_gap, i, hits[i]);
        ++failures;
        break;
      }
    }
    if (cf::cuda::log2_pow2(size_t{1} << log_gap) != log_gap) {
      std::fprintf(stderr, "FAIL log2_pow2(2^%u)\n", log_gap);
      ++failures;
    }
  }
  if (failures != 0) {
    std::fprintf(stderr, "cuda_kernel_math_test: %d failure(s)\n", failures);
    return 1;
  }
  std::printf("cuda_kernel_math_test: all checks passed\n");
  return 0;
}
