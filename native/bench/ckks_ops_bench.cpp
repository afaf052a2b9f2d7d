// Where the time of the CKKS operations goes: single-threaded median thread-CPU time of each operation and of its
// parts (NTTs, key-switch decomposition vs. inner product and mod-down), at SEAL's default 128-bit moduli.
// Not a test: run by hand: build/ckks_ops_bench N reps [threads [name filter]], e.g. ckks_ops_bench 16384 9 1 relin
// (filter "compare": 8 single rotations against rotate_hoisted side by side). CPU time of the calling thread is reported
// besides wall time because it does not count time spent descheduled on a loaded machine (only meaningful with 1
// thread: workers' CPU time is not counted).

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <sys/resource.h>

#include "cipherformer/ckks/context.h"
#include "cipherformer/ckks/decryptor.h"
#include "cipherformer/ckks/encoder.h"
#include "cipherformer/ckks/encryptor.h"
#include "cipherformer/ckks/evaluator.h"
#include "cipherformer/ckks/galois.h"
#include "cipherformer/ckks/hoisted_key_switch.h"
#include "cipherformer/ckks/key_generator.h"
#include "cipherformer/ckks/key_switch.h"
#include "cipherformer/ckks/rlwe.h"
#include "cipherformer/util/poly_arith.h"
#include "cipherformer/util/thread_pool.h"

namespace {

using namespace cf;
using namespace cf::ckks;

// SEAL 4.1's CoeffModulus::BFVDefault(N) primes (128-bit security), as in he-kernels' CoeffModulus.bfvDefault.
std::vector<uint64_t> bfv_default(size_t n) {
  switch (n) {
    case 8192:
      return {0x7fffffd8001ULL, 0x7fffffc8001ULL, 0xfffffffc001ULL, 0xffffff6c001ULL, 0xfffffebc001ULL};
    case 16384:
      return {0xfffffffd8001ULL,  0xfffffffa0001ULL,  0xfffffff00001ULL,  0x1fffffff68001ULL, 0x1fffffff50001ULL,
              0x1ffffffee8001ULL, 0x1ffffffea0001ULL, 0x1ffffffe88001ULL, 0x1ffffffe48001ULL};
    case 32768:
      return {0x7fffffffe90001ULL, 0x7fffffffbf0001ULL, 0x7fffffffbd0001ULL, 0x7fffffffba0001ULL,
              0x7fffffffaa0001ULL, 0x7fffffffa50001ULL, 0x7fffffff9f0001ULL, 0x7fffffff7e0001ULL,
              0x7fffffff770001ULL, 0x7fffffff380001ULL, 0x7fffffff330001ULL, 0x7fffffff2d0001ULL,
              0x7fffffff170001ULL, 0x7fffffff150001ULL, 0x7ffffffef00001ULL, 0xfffffffff70001ULL};
    default:
      std::fprintf(stderr, "N must be 8192, 16384 or 32768, got %zu\n", n);
      std::exit(2);
  }
}

double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) * 1e-6;
}

double wall_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t m = v.size() / 2;
  return v.size() % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
}

// Only rows whose name contains this text run (argv[4]; empty = all), e.g. to profile one operation with perf.
std::string g_filter;

// Times body() reps times after one warm-up; prepare() runs untimed before each call.
void report(const char *name, int reps, const std::function<void()> &prepare, const std::function<void()> &body) {
  if (std::string(name).find(g_filter) == std::string::npos) return;
  prepare();
  body();
  std::vector<double> cpu;
  std::vector<double> wall;
  for (int r = 0; r < reps; ++r) {
    prepare();
    const double c0 = thread_cpu_ms();
    const double w0 = wall_ms();
    body();
    wall.push_back(wall_ms() - w0);
    cpu.push_back(thread_cpu_ms() - c0);
  }
  std::printf("%-44s cpu %9.3f ms   wall %9.3f ms (min %9.3f)\n", name, median(cpu), median(wall),
              *std::min_element(wall.begin(), wall.end()));
  std::fflush(stdout);
}

double process_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) * 1e-6;
}

double minor_faults() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_minflt);
}

// Hoisting against the separate rotations it replaces, side by side: each repetition times, back to back and in a
// rotating order so that all see the same machine load, (a) 8 single rotations (rotate_vector by 1..8) whose results
// are kept until all 8 are done, as a baby-step set needs them, (b) the same 8 rotations with each result dropped at
// once (its memory is then reused by the next one: no fresh pages), (c) rotate_hoisted with the same 8 steps (8
// results kept). Reports the medians (wall clock, CPU of all threads, page faults) and the medians of the
// per-repetition ratios (c) / (a) and (c) / (b).
void compare_hoisting(const cf::ckks::Evaluator &evaluator, const cf::ckks::Ciphertext &ct,
                      const cf::ckks::GaloisKeys &gk, int reps) {
  if (std::string("compare: 8 singles vs hoisted").find(g_filter) == std::string::npos) return;
  const std::vector<int> steps = {1, 2, 3, 4, 5, 6, 7, 8};
  const std::function<void()> variants[3] = {
      [&] {
        std::vector<cf::ckks::Ciphertext> kept;
        for (int s : steps) kept.push_back(evaluator.rotate_vector(ct, s, gk));
      },
      [&] {
        for (int s : steps) (void)evaluator.rotate_vector(ct, s, gk);
      },
      [&] { (void)evaluator.rotate_hoisted(ct, steps, gk); }};
  const char *names[3] = {"8 single rotations, results kept", "8 single rotations, each dropped",
                          "rotate_hoisted, same 8 steps"};
  for (const auto &v : variants) v();
  std::vector<double> wall[3], cpu[3], faults[3], ratio_kept_cpu, ratio_kept_wall, ratio_dropped_cpu,
      ratio_dropped_wall;
  for (int r = 0; r < reps; ++r) {
    for (int k = 0; k < 3; ++k) {
      const int v = (r + k) % 3;
      const double f0 = minor_faults();
      const double c0 = process_cpu_ms();
      const double w0 = wall_ms();
      variants[v]();
      wall[v].push_back(wall_ms() - w0);
      cpu[v].push_back(process_cpu_ms() - c0);
      faults[v].push_back(minor_faults() - f0);
    }
    ratio_kept_cpu.push_back(cpu[2].back() / cpu[0].back());
    ratio_kept_wall.push_back(wall[2].back() / wall[0].back());
    ratio_dropped_cpu.push_back(cpu[2].back() / cpu[1].back());
    ratio_dropped_wall.push_back(wall[2].back() / wall[1].back());
  }
  for (int v = 0; v < 3; ++v) {
    std::printf("compare: %-36s cpu %9.3f ms   wall %9.3f ms   page faults %.0f\n", names[v], median(cpu[v]),
                median(wall[v]), median(faults[v]));
  }
  std::printf("compare: hoisted / singles kept, median of %d paired reps: cpu %.3f, wall %.3f\n", reps,
              median(ratio_kept_cpu), median(ratio_kept_wall));
  std::printf("compare: hoisted / singles dropped, median of %d paired reps: cpu %.3f, wall %.3f\n", reps,
              median(ratio_dropped_cpu), median(ratio_dropped_wall));
  std::printf("compare: (CPU = all threads of the process; page faults = minor faults, ~20 us each on this VM)\n");
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char **argv) {
  const size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 16384;
  const int reps = argc > 2 ? std::atoi(argv[2]) : 9;
  const size_t threads = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 1;
  if (argc > 4) g_filter = argv[4];
  util::ThreadPool pool(threads);
  auto context = std::make_shared<const Context>(n, bfv_default(n));
  const size_t level = context->first_level();
  const size_t k = level + 1;
  std::printf("N = %zu, %zu data primes + special prime, %zu thread(s), %d reps\n", n, k, threads, reps);

  KeyGenerator keygen(context, &pool);
  const PublicKey pk = keygen.create_public_key();
  const RelinKeys rk = keygen.create_relin_keys();
  const GaloisKeys gk = keygen.create_galois_keys_for_steps({1, 2, 3, 4, 5, 6, 7, 8});
  CkksEncoder encoder(context);
  Encryptor encryptor(context, pk, &pool);
  Decryptor decryptor(context, keygen.secret_key(), &pool);
  Evaluator evaluator(context, &pool);
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> dist(-1, 1);
  std::vector<double> values(encoder.slot_count());
  for (auto &v : values) v = dist(rng);
  const double scale = 1099511627776.0;  // 2^40
  const Plaintext plain = encoder.encode(values, level, scale);
  const Ciphertext ct = encryptor.encrypt(plain);
  const Ciphertext ct3 = evaluator.multiply(ct, ct);
  const uint32_t elt = galois_elt_from_step(1, n);

  const auto nothing = [] {};
  std::vector<uint64_t> limb(ct.data.begin(), ct.data.begin() + static_cast<std::ptrdiff_t>(n));
  const util::NttTables &ntt0 = context->ntt_tables(0);
  report("NTT forward, one limb", reps * 10, nothing, [&] { ntt0.forward(limb.data()); });
  report("NTT inverse, one limb", reps * 10, nothing, [&] { ntt0.inverse(limb.data()); });
  std::vector<uint64_t> prod(n);
  report("dyadic multiply, one limb", reps * 10, nothing, [&] {
    util::dyadic_multiply_mod(ct.data.data(), ct.data.data() + n, n, context->key_moduli()[0], prod.data());
  });

  report("encode", reps, nothing, [&] { (void)encoder.encode(values, level, scale); });
  report("encrypt (public key)", reps, nothing, [&] { (void)encryptor.encrypt(plain); });
  report("decrypt", reps, nothing, [&] { (void)decryptor.decrypt(ct); });

  Ciphertext work;
  report("multiply (in place)", reps, [&] { work = ct; }, [&] { evaluator.multiply_inplace(work, ct); });
  report("relinearize (in place)", reps, [&] { work = ct3; }, [&] { evaluator.relinearize_inplace(work, rk); });
  report("  relin: switch_key (fused; = relinearize)", reps, [&] { work = ct3; },
         [&] { switch_key(*context, level, ct3.poly(2, n), rk.data[0], work.poly(0, n), work.poly(1, n), pool); });
  report("rescale_to_next (in place)", reps, [&] { work = ct; }, [&] { evaluator.rescale_to_next_inplace(work); });
  report("rotate_vector 1 (in place)", reps, [&] { work = ct; }, [&] { evaluator.rotate_vector_inplace(work, 1, gk); });
  // The split that rotate_hoisted runs: one decomposition shared by all steps, then per step the permuted products.
  HoistedDigits digits;
  report("  hoisting: decompose (INTT + k^2 NTT)", reps, nothing,
         [&] { digits = decompose_for_hoisting(*context, level, ct.poly(1, n), pool); });
  report("  hoisting: one step (products + mod-down)", reps,
         [&] {
           work = ct;
           if (!digits.data) digits = decompose_for_hoisting(*context, level, ct.poly(1, n), pool);
         },
         [&] { apply_hoisted_key_switch(*context, digits, elt, gk.data.at(elt), work.poly(0, n), work.poly(1, n), pool); });
  report("hoisted rotation, 8 steps", reps, nothing,
         [&] { (void)evaluator.rotate_hoisted(ct, {1, 2, 3, 4, 5, 6, 7, 8}, gk); });
  compare_hoisting(evaluator, ct, gk, reps);
  report("keygen: relin keys", std::max(1, reps / 3), nothing, [&] { (void)keygen.create_relin_keys(); });
  report("keygen: one Galois key", std::max(1, reps / 3), nothing,
         [&] { (void)keygen.create_galois_keys_for_steps({1}); });
  return 0;
}
