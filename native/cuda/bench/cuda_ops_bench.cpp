// Device-event timing of the CUDA backend's CKKS operations (median of R runs, default 50) at the parameter sets of
// the Phantom comparison: N = 16384 with a 400-bit modulus and N = 32768 with an 880-bit modulus, one special prime
// each. Prints a Markdown table with the Phantom (H200) figures and the ratio. Usage: cuda_ops_bench [runs].
//
// Inputs are random residues (timing does not depend on the values). The transparency check (one device-to-host read
// per operation, a CPU-backend parity feature Phantom does not have) is off while timing.

#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "cipherformer/ckks/galois.h"
#include "cipherformer/cuda/device_evaluator.h"
#include "cipherformer/cuda/device_runtime.h"
#include "ckks_test_util.h"
#include "random_objects.h"

namespace {

using cf::cuda::DeviceCiphertext;

void check(cudaError_t status, const char *what) {
  if (status != cudaSuccess) {
    std::fprintf(stderr, "%s failed: %s\n", what, cudaGetErrorString(status));
    std::exit(1);
  }
}

/// Median and minimum in microseconds of `runs` timings of op, each between two events; prepare runs untimed first.
std::pair<double, double> time_op(int runs, const std::function<void()> &prepare, const std::function<void()> &op) {
  cudaEvent_t start;
  cudaEvent_t stop;
  check(cudaEventCreate(&start), "cudaEventCreate");
  check(cudaEventCreate(&stop), "cudaEventCreate");
  std::vector<double> us;
  for (int r = 0; r < runs + 3; ++r) {  // 3 warm-up runs
    prepare();
    check(cudaEventRecord(start, 0), "cudaEventRecord");
    op();
    check(cudaEventRecord(stop, 0), "cudaEventRecord");
    check(cudaEventSynchronize(stop), "cudaEventSynchronize");
    float ms = 0;
    check(cudaEventElapsedTime(&ms, start, stop), "cudaEventElapsedTime");
    if (r >= 3) us.push_back(static_cast<double>(ms) * 1000.0);
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  std::sort(us.begin(), us.end());
  return {us[us.size() / 2], us.front()};
}

struct Target {
  const char *op;
  double phantom_us;  // 0: no published figure
};

void bench(size_t n, const std::vector<int> &bits, const std::vector<Target> &targets, int runs) {
  std::mt19937_64 rng(7);
  auto ctx = cf::ckks::test::make_context(n, bits);
  auto dctx = std::make_shared<const cf::cuda::DeviceContext>(ctx);
  cf::cuda::DeviceEvaluator ev(dctx);
  ev.set_check_transparent(false);
  const size_t top = ctx->first_level();
  const double scale = 1099511627776.0;
  const DeviceCiphertext a =
      DeviceCiphertext::upload(*dctx, cf::cuda::test::random_ciphertext(*ctx, top, 2, scale, rng));
  const DeviceCiphertext b =
      DeviceCiphertext::upload(*dctx, cf::cuda::test::random_ciphertext(*ctx, top, 2, scale, rng));
  cf::ckks::RelinKeys relin;
  relin.data.push_back(cf::cuda::test::random_kswitch_key(*ctx, rng));
  const auto drelin = cf::cuda::DeviceRelinKeys::upload(*dctx, relin);
  cf::ckks::GaloisKeys galois;
  std::vector<int> steps;
  for (int s = 1; s <= 8; ++s) {
    steps.push_back(s);
    galois.data.emplace(cf::ckks::galois_elt_from_step(s, n), cf::cuda::test::random_kswitch_key(*ctx, rng));
  }
  const auto dgalois = cf::cuda::DeviceGaloisKeys::upload(*dctx, galois);
  galois.data.clear();  // host copies no longer needed
  cf::cuda::synchronize();

  DeviceCiphertext x;
  auto fresh = [&] { x = a.clone(); };
  std::vector<std::pair<std::string, std::pair<double, double>>> rows;
  rows.push_back({"multiply+relinearize", time_op(runs, fresh, [&] {
                    ev.multiply_inplace(x, b);
                    ev.relinearize_inplace(x, drelin);
                  })});
  rows.push_back({"multiply (no relin)", time_op(runs, fresh, [&] { ev.multiply_inplace(x, b); })});
  rows.push_back({"rotate", time_op(runs, fresh, [&] { ev.rotate_vector_inplace(x, 1, dgalois); })});
  std::vector<DeviceCiphertext> hoisted;
  rows.push_back({"hoisted rotation (8 steps)",
                  time_op(runs, [] {}, [&] { hoisted = ev.rotate_hoisted(a, steps, dgalois); })});
  rows.push_back({"rescale", time_op(runs, fresh, [&] { ev.rescale_to_next_inplace(x); })});
  rows.push_back({"NTT forward (2 x L limbs)", time_op(runs, fresh, [&] { ev.ntt_forward_limbs(x); })});
  rows.push_back({"NTT inverse (2 x L limbs)", time_op(runs, fresh, [&] { ev.ntt_inverse_limbs(x); })});
  rows.push_back({"add", time_op(runs, fresh, [&] { ev.add_inplace(x, b); })});

  const int log_q = ctx->level(ctx->key_level()).total_bit_count();
  for (const auto &row : rows) {
    double target = 0;
    for (const Target &t : targets) {
      if (row.first == t.op) target = t.phantom_us;
    }
    char target_text[64] = "-";
    char ratio_text[64] = "-";
    if (target > 0) {
      std::snprintf(target_text, sizeof(target_text), "%.0f", target);
      std::snprintf(ratio_text, sizeof(ratio_text), "%.2fx", row.second.first / target);
    }
    std::printf("| %zu | %d | %zu | %s | %.1f | %.1f | %s | %s |\n", n, log_q, top + 1, row.first.c_str(),
                row.second.first, row.second.second, target_text, ratio_text);
  }
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char **argv) {
  if (cf::cuda::device_count() == 0) {
    std::printf("cuda_ops_bench: %s\n", cf::cuda::device_description().c_str());
    return 77;
  }
  const int runs = argc > 1 ? std::max(30, std::atoi(argv[1])) : 50;
  std::printf("device: %s; median of %d runs (CUDA events), transparency check off\n\n",
              cf::cuda::device_description().c_str(), runs);
  std::printf("| N | log Q | L | operation | median us | min us | Phantom H200 us | ratio |\n");
  std::printf("|---|---|---|---|---|---|---|---|\n");
  try {
    // 400 bits: 60 + 7 x 40 + 60 (special); 880 bits: 60 + 19 x 40 + 60 (special).
    bench(16384, {60, 40, 40, 40, 40, 40, 40, 40, 60},
          {{"multiply+relinearize", 237}, {"rotate", 238}, {"rescale", 64}}, runs);
    std::vector<int> bits880{60};
    for (int i = 0; i < 19; ++i) bits880.push_back(40);
    bits880.push_back(60);
    bench(32768, bits880, {{"multiply+relinearize", 828}, {"rotate", 821}, {"rescale", 101}}, runs);
  } catch (const std::exception &e) {
    std::fprintf(stderr, "cuda_ops_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
