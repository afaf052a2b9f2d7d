// Byte-identity of the CUDA backend against the CPU engine: every device operation on random inputs at
// N = 16384, 32768 and 65536 (or the degrees given as arguments) must produce exactly the CPU's words and metadata,
// and the same exceptions on bad input. Exits 77 (ctest: skipped) when no CUDA device is usable.

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "cipherformer/ckks/evaluator.h"
#include "cipherformer/ckks/galois.h"
#include "cipherformer/ckks/rlwe.h"
#include "cipherformer/cuda/device_evaluator.h"
#include "cipherformer/cuda/device_runtime.h"
#include "ckks_test_util.h"
#include "random_objects.h"

namespace {

using cf::ckks::Ciphertext;
using cf::ckks::Context;
using cf::ckks::Evaluator;
using cf::ckks::Plaintext;
using cf::cuda::DeviceCiphertext;
using cf::cuda::DeviceContext;
using cf::cuda::DeviceEvaluator;
using cf::cuda::DevicePlaintext;
using cf::ckks::test::failure_count;

/// Compares metadata and every word; prints the first difference and the number of differing words.
bool same(const Ciphertext &cpu, const DeviceCiphertext &gpu, const std::string &label, size_t n) {
  const Ciphertext g = gpu.download();
  bool ok = true;
  if (g.level != cpu.level || g.size != cpu.size || g.scale != cpu.scale || g.data.size() != cpu.data.size()) {
    std::fprintf(stderr, "FAIL %s: metadata differs: level %zu/%zu size %zu/%zu scale %.17g/%.17g words %zu/%zu\n",
                 label.c_str(), g.level, cpu.level, g.size, cpu.size, g.scale, cpu.scale, g.data.size(),
                 cpu.data.size());
    ok = false;
  } else {
    size_t differing = 0;
    size_t first = 0;
    for (size_t w = 0; w < cpu.data.size(); ++w) {
      if (cpu.data[w] != g.data[w]) {
        if (differing == 0) first = w;
        ++differing;
      }
    }
    if (differing != 0) {
      const size_t limbs = cpu.level + 1;
      std::fprintf(stderr,
                   "FAIL %s: %zu of %zu words differ; first at poly %zu limb %zu coeff %zu: cpu %llu gpu %llu\n",
                   label.c_str(), differing, cpu.data.size(), first / (limbs * n), (first / n) % limbs, first % n,
                   static_cast<unsigned long long>(cpu.data[first]), static_cast<unsigned long long>(g.data[first]));
      ok = false;
    }
  }
  if (!ok) ++failure_count();
  return ok;
}

/// Runs cpu and gpu; both must throw the same exception type with the same message, or both succeed.
void same_outcome(const std::string &label, const std::function<void()> &cpu, const std::function<void()> &gpu) {
  auto run = [](const std::function<void()> &fn) -> std::string {
    try {
      fn();
      return "ok";
    } catch (const std::invalid_argument &e) {
      return std::string("invalid_argument: ") + e.what();
    } catch (const std::logic_error &e) {
      return std::string("logic_error: ") + e.what();
    } catch (const std::exception &e) {
      return std::string("exception: ") + e.what();
    }
  };
  const std::string a = run(cpu);
  const std::string b = run(gpu);
  if (a != b) {
    std::fprintf(stderr, "FAIL %s: cpu \"%s\" vs gpu \"%s\"\n", label.c_str(), a.c_str(), b.c_str());
    ++failure_count();
  }
}

struct Setup {
  size_t n;
  std::vector<int> bits;
  bool only_on_request;  // small degrees for the host emulation (cuda_ops_emulated_test 4096 8192)
};

void run_degree(const Setup &setup, std::mt19937_64 &rng) {
  const size_t n = setup.n;
  auto ctx = cf::ckks::test::make_context(n, setup.bits);
  const size_t top = ctx->first_level();
  std::printf("N = %zu, %zu primes, %d-bit modulus\n", n, ctx->level_count(),
              ctx->level(ctx->key_level()).total_bit_count());
  auto dctx = std::make_shared<const DeviceContext>(ctx);
  const Evaluator cpu(ctx);
  const DeviceEvaluator gpu(dctx);
  const double scale = 1099511627776.0;  // 2^40

  const Ciphertext a = cf::cuda::test::random_ciphertext(*ctx, top, 2, scale, rng);
  const Ciphertext b = cf::cuda::test::random_ciphertext(*ctx, top, 2, scale, rng);
  const Ciphertext c3 = cf::cuda::test::random_ciphertext(*ctx, top, 3, scale, rng);
  const Plaintext p = cf::cuda::test::random_plaintext(*ctx, top, scale, rng);
  const DeviceCiphertext da = DeviceCiphertext::upload(*dctx, a);
  const DeviceCiphertext db = DeviceCiphertext::upload(*dctx, b);
  const DeviceCiphertext dc3 = DeviceCiphertext::upload(*dctx, c3);
  const DevicePlaintext dp = DevicePlaintext::upload(*dctx, p);
  same(a, da, "upload/download", n);

  {  // raw NTTs of every limb
    Ciphertext cpu_f = a;
    for (size_t poly = 0; poly < 2; ++poly) cf::ckks::ntt_forward_limbs(*ctx, cpu_f.poly(poly, n), top + 1,
                                                                        cf::util::default_thread_pool());
    DeviceCiphertext g = da.clone();
    gpu.ntt_forward_limbs(g);
    same(cpu_f, g, "ntt forward", n);
    Ciphertext cpu_i = a;
    for (size_t poly = 0; poly < 2; ++poly) cf::ckks::ntt_inverse_limbs(*ctx, cpu_i.poly(poly, n), top + 1,
                                                                        cf::util::default_thread_pool());
    g = da.clone();
    gpu.ntt_inverse_limbs(g);
    same(cpu_i, g, "ntt inverse", n);
  }
  {
    DeviceCiphertext g = da.clone();
    gpu.negate_inplace(g);
    same(cpu.negate(a), g, "negate", n);
    g = da.clone();
    gpu.add_inplace(g, db);
    same(cpu.add(a, b), g, "add", n);
    g = da.clone();
    gpu.add_inplace(g, dc3);
    same(cpu.add(a, c3), g, "add 2+3", n);
    g = da.clone();
    gpu.sub_inplace(g, db);
    same(cpu.sub(a, b), g, "sub", n);
    g = da.clone();
    gpu.sub_inplace(g, dc3);
    same(cpu.sub(a, c3), g, "sub 2-3", n);
    g = da.clone();
    gpu.add_plain_inplace(g, dp);
    same(cpu.add_plain(a, p), g, "add_plain", n);
    g = da.clone();
    gpu.sub_plain_inplace(g, dp);
    same(cpu.sub_plain(a, p), g, "sub_plain", n);
    g = da.clone();
    gpu.multiply_plain_inplace(g, dp);
    same(cpu.multiply_plain(a, p), g, "multiply_plain", n);
    g = da.clone();
    gpu.multiply_inplace(g, db);
    same(cpu.multiply(a, b), g, "multiply", n);
    g = da.clone();
    gpu.square_inplace(g);
    same(cpu.square(a), g, "square", n);
    g = da.clone();
    gpu.rescale_to_next_inplace(g);
    same(cpu.rescale_to_next(a), g, "rescale_to_next", n);
    g = dc3.clone();
    gpu.rescale_to_next_inplace(g);
    same(cpu.rescale_to_next(c3), g, "rescale_to_next size 3", n);
    g = da.clone();
    gpu.mod_switch_to_next_inplace(g);
    same(cpu.mod_switch_to_next(a), g, "mod_switch_to_next", n);

    Plaintext cpu_p = p;
    cpu.mod_switch_to_next_inplace(cpu_p);
    DevicePlaintext gp = DevicePlaintext::upload(*dctx, p);
    gpu.mod_switch_to_next_inplace(gp);
    const Plaintext back = gp.download();
    if (back.level != cpu_p.level || back.data != cpu_p.data) {
      std::fprintf(stderr, "FAIL plaintext mod_switch_to_next differs\n");
      ++failure_count();
    }
  }

  // Key switching.
  cf::ckks::RelinKeys relin;
  relin.data.push_back(cf::cuda::test::random_kswitch_key(*ctx, rng));
  const auto drelin = cf::cuda::DeviceRelinKeys::upload(*dctx, relin);
  cf::ckks::GaloisKeys galois;
  for (int step : {1, 2, 4, -1}) {
    galois.data.emplace(cf::ckks::galois_elt_from_step(step, n), cf::cuda::test::random_kswitch_key(*ctx, rng));
  }
  galois.data.emplace(cf::ckks::conjugation_galois_elt(n), cf::cuda::test::random_kswitch_key(*ctx, rng));
  const auto dgalois = cf::cuda::DeviceGaloisKeys::upload(*dctx, galois);
  {
    DeviceCiphertext g = dc3.clone();
    gpu.relinearize_inplace(g, drelin);
    same(cpu.relinearize(c3, relin), g, "relinearize", n);

    g = da.clone();
    gpu.multiply_inplace(g, db);
    gpu.relinearize_inplace(g, drelin);
    gpu.rescale_to_next_inplace(g);
    same(cpu.rescale_to_next(cpu.relinearize(cpu.multiply(a, b), relin)), g, "multiply+relinearize+rescale", n);

    g = da.clone();
    gpu.rotate_vector_inplace(g, 1, dgalois);
    same(cpu.rotate_vector(a, 1, galois), g, "rotate 1", n);
    g = da.clone();
    gpu.rotate_vector_inplace(g, -1, dgalois);
    same(cpu.rotate_vector(a, -1, galois), g, "rotate -1", n);
    g = da.clone();
    gpu.rotate_vector_inplace(g, 3, dgalois);  // no key for 3: NAF 4 - 1
    same(cpu.rotate_vector(a, 3, galois), g, "rotate 3 (NAF)", n);
    g = da.clone();
    gpu.complex_conjugate_inplace(g, dgalois);
    same(cpu.complex_conjugate(a, galois), g, "conjugate", n);

    // Rotations one level down (fewer digits than key parts).
    const Ciphertext low = cpu.mod_switch_to_next(a);
    g = DeviceCiphertext::upload(*dctx, low);
    gpu.rotate_vector_inplace(g, 2, dgalois);
    same(cpu.rotate_vector(low, 2, galois), g, "rotate 2 at level - 1", n);
  }
  {
    const std::vector<int> steps{0, 1, 2, 4, -1};
    const auto cpu_r = cpu.rotate_hoisted(a, steps, galois);
    const auto gpu_r = gpu.rotate_hoisted(da, steps, dgalois);
    for (size_t s = 0; s < steps.size(); ++s) same(cpu_r[s], gpu_r[s], "hoisted step " + std::to_string(steps[s]), n);

    // c_1 with zero coefficients in coefficient form: exercises the rare zero-digit correction of hoisting.
    Ciphertext z = a;
    for (size_t j = 0; j <= top; ++j) {
      std::vector<uint64_t> coeffs(z.limb(1, j, n), z.limb(1, j, n) + n);
      ctx->ntt_tables(j).inverse(coeffs.data());
      for (size_t i = j; i < n; i += 5) coeffs[i] = 0;
      ctx->ntt_tables(j).forward(coeffs.data());
      std::copy(coeffs.begin(), coeffs.end(), z.limb(1, j, n));
    }
    const DeviceCiphertext dz = DeviceCiphertext::upload(*dctx, z);
    const auto cpu_z = cpu.rotate_hoisted(z, steps, galois);
    const auto gpu_z = gpu.rotate_hoisted(dz, steps, dgalois);
    for (size_t s = 0; s < steps.size(); ++s) {
      same(cpu_z[s], gpu_z[s], "hoisted with zero digits, step " + std::to_string(steps[s]), n);
    }
    // Hoisting equals plain rotation on both backends (what makes hoisting usable at all).
    same(cpu.rotate_vector(z, 4, galois), gpu_z[3], "hoisted step 4 vs rotate 4", n);
  }

  // Same errors for bad input.
  const Ciphertext low = cpu.mod_switch_to_next(a);
  const DeviceCiphertext dlow = DeviceCiphertext::upload(*dctx, low);
  same_outcome("add level mismatch", [&] { Ciphertext x = a; cpu.add_inplace(x, low); },
               [&] { DeviceCiphertext x = da.clone(); gpu.add_inplace(x, dlow); });
  same_outcome("missing Galois key", [&] { Ciphertext x = a; cpu.apply_galois_inplace(x, 5, galois); },
               [&] { DeviceCiphertext x = da.clone(); gpu.apply_galois_inplace(x, 5, dgalois); });
  same_outcome("rotate size 3", [&] { Ciphertext x = c3; cpu.rotate_vector_inplace(x, 1, galois); },
               [&] { DeviceCiphertext x = dc3.clone(); gpu.rotate_vector_inplace(x, 1, dgalois); });
  Ciphertext transparent = a;
  std::fill(transparent.poly(1, n), transparent.poly(1, n) + (top + 1) * n, 0);
  const DeviceCiphertext dt = DeviceCiphertext::upload(*dctx, transparent);
  same_outcome("transparent result", [&] { Ciphertext x = transparent; cpu.negate_inplace(x); },
               [&] { DeviceCiphertext x = dt.clone(); gpu.negate_inplace(x); });
  Ciphertext level0 = a;
  cpu.mod_switch_to_inplace(level0, 0);
  const DeviceCiphertext d0 = DeviceCiphertext::upload(*dctx, level0);
  same_outcome("rescale at level 0", [&] { Ciphertext x = level0; cpu.rescale_to_next_inplace(x); },
               [&] { DeviceCiphertext x = d0.clone(); gpu.rescale_to_next_inplace(x); });
  cf::cuda::synchronize();
}

}  // namespace

int main(int argc, char **argv) {
  if (cf::cuda::device_count() == 0) {
    std::printf("cuda_ops_test: skipped (%s)\n", cf::cuda::device_description().c_str());
    return 77;
  }
  std::printf("device: %s\n", cf::cuda::device_description().c_str());
  // 400-bit at 16384 and 880-bit at 32768 (the benchmark sets); 65536 with 12 primes keeps the CPU reference quick.
  std::vector<Setup> setups{{4096, {50, 40, 40, 40, 50}, true},
                            {8192, {60, 40, 40, 40, 40, 60}, true},
                            {16384, {60, 40, 40, 40, 40, 40, 40, 40, 60}, false},
                            {32768, {60, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40,
                                     60}, false},
                            {65536, {60, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 60}, false}};
  std::vector<size_t> wanted;
  for (int i = 1; i < argc; ++i) wanted.push_back(static_cast<size_t>(std::strtoull(argv[i], nullptr, 10)));
  std::mt19937_64 rng(20261128);
  for (const Setup &s : setups) {
    const bool asked = std::find(wanted.begin(), wanted.end(), s.n) != wanted.end();
    if (wanted.empty() ? s.only_on_request : !asked) continue;
    try {
      run_degree(s, rng);
    } catch (const std::exception &e) {
      std::fprintf(stderr, "FAIL N = %zu: unexpected exception: %s\n", s.n, e.what());
      ++failure_count();
    }
  }
  return cf::ckks::test::finish("cuda_ops_test");
}
