// Median time of one forward / inverse negacyclic NTT for a 50-bit prime at n = 16384 and 32768.
// Not a test: run by hand (build/ntt_bench) on a quiet machine.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
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

double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) * 1e-6;
}

struct Timing {
  double wall_ms;
  double cpu_ms;  // thread CPU time: on a loaded machine this excludes time spent descheduled
};

template <typename F>
Timing median_ms(F &&f, int reps) {
  std::vector<double> wall;
  std::vector<double> cpu;
  for (int i = 0; i < reps; ++i) {
    const double c0 = thread_cpu_ms();
    const auto start = std::chrono::steady_clock::now();
    f();
    const auto end = std::chrono::steady_clock::now();
    cpu.push_back(thread_cpu_ms() - c0);
    wall.push_back(std::chrono::duration<double, std::milli>(end - start).count());
  }
  std::sort(wall.begin(), wall.end());
  std::sort(cpu.begin(), cpu.end());
  return {wall[wall.size() / 2], cpu[cpu.size() / 2]};
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
    const Timing fwd = median_ms([&] { tables.forward(a.data()); }, reps);
    const Timing inv = median_ms([&] { tables.inverse(a.data()); }, reps);
    const Timing lazy = median_ms([&] { tables.forward_lazy(a.data()); }, reps);
    for (auto &x : a) x %= qv;
    std::printf("n=%zu q=%llu (50-bit), median of %d: forward %.4f ms (cpu %.4f), inverse %.4f ms (cpu %.4f), "
                "forward_lazy %.4f ms (cpu %.4f)\n",
                tables.n(), static_cast<unsigned long long>(qv), reps, fwd.wall_ms, fwd.cpu_ms, inv.wall_ms,
                inv.cpu_ms, lazy.wall_ms, lazy.cpu_ms);
  }
  return 0;
}
