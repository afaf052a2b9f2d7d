// Median time of one forward / inverse negacyclic NTT for a 50-bit prime at n = 16384 and 32768.
// Not a test: run by hand (build/ntt_bench) on a quiet machine.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <random>
#include <vector>

#include "cipherformer/util/modulus.h"
#include "cipherformer/util/ntt.h"

namespace {

// Deterministic Miller-Rabin (exact for 64-bit inputs), to pick the largest 50-bit prime that is 1 mod 2^17.
bool is_prime(uint64_t n) {
  using cf::util::Modulus;
  if (n < 2 || n % 2 == 0) return n == 2;
  const Modulus m(n);
  uint64_t d = n - 1;
  int r = 0;
  while ((d & 1) == 0) {
    d >>= 1;
    ++r;
  }
  for (uint64_t a : {2ULL, 3ULL, 5ULL, 7ULL, 11ULL, 13ULL, 17ULL, 19ULL, 23ULL, 29ULL, 31ULL, 37ULL}) {
    uint64_t x = cf::util::pow_mod(a, d, m);
    if (x == 1 || x == n - 1) continue;
    bool composite = true;
    for (int i = 1; i < r && composite; ++i) {
      x = cf::util::multiply_mod(x, x, m);
      composite = x != n - 1;
    }
    if (composite) return false;
  }
  return true;
}

template <typename F>
double median_ms(F &&f, int reps) {
  std::vector<double> times;
  for (int i = 0; i < reps; ++i) {
    const auto start = std::chrono::steady_clock::now();
    f();
    const auto end = std::chrono::steady_clock::now();
    times.push_back(std::chrono::duration<double, std::milli>(end - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

}  // namespace

int main() {
  const uint64_t factor = uint64_t{1} << 17;
  uint64_t qv = (uint64_t{1} << 50) - factor + 1;
  while (!is_prime(qv)) qv -= factor;
  const cf::util::Modulus q(qv);
  std::mt19937_64 rng(1);
  for (int log_n : {14, 15}) {
    const cf::util::NttTables tables(log_n, q);
    std::vector<uint64_t> a(tables.n());
    for (auto &x : a) x = rng() % qv;
    const int reps = 201;
    const double fwd = median_ms([&] { tables.forward(a.data()); }, reps);
    const double lazy = median_ms([&] { tables.forward_lazy(a.data()); tables.inverse(a.data()); }, reps);
    const double inv = median_ms([&] { tables.inverse(a.data()); }, reps);
    std::printf("n=%zu q=%llu (50-bit): forward %.4f ms, inverse %.4f ms, forward_lazy+inverse %.4f ms (median of %d)\n",
                tables.n(), static_cast<unsigned long long>(qv), fwd, inv, lazy, reps);
  }
  return 0;
}
