// Bit-for-bit comparison with Microsoft SEAL 4.1: interop/ckks-native-vectors.js (node-seal) writes keys, plaintexts,
// ciphertexts and the results of SEAL's evaluator; this test reads SEAL's uncompressed binary layout, recomputes every
// result with cf::ckks from the same inputs and keys, and requires identical bytes (encoding included).
// Skipped (exit code 77) when node or interop/node_modules/node-seal is not installed (scripts/setup.sh installs them).

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>

#include "cipherformer/ckks/decryptor.h"
#include "cipherformer/ckks/encoder.h"
#include "cipherformer/ckks/evaluator.h"
#include "ckks_test_util.h"

using namespace cf::ckks;
using namespace cf::ckks::test;

namespace {

std::string g_dir;
size_t g_n = 0;

std::vector<unsigned char> read_bytes(const std::string &name) {
  std::ifstream s(g_dir + "/" + name, std::ios::binary);
  if (!s) throw std::runtime_error("cannot read " + name);
  return {std::istreambuf_iterator<char>(s), std::istreambuf_iterator<char>()};
}

uint64_t load_u64(const unsigned char *p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// SEAL's Ciphertext::save with compr_mode none: SEALHeader (16 bytes, total size at offset 8), parms_id (32),
// is_ntt_form (1), size (8), poly_modulus_degree (8), coeff_modulus_size (8), scale (8), correction_factor (8), then
// the data as a DynArray whose last size * k * N words are the coefficients.
Ciphertext parse_ciphertext(const unsigned char *blob) {
  const unsigned char *m = blob + 16 + 32;
  Ciphertext ct;
  ct.is_ntt_form = m[0] != 0;
  ct.size = load_u64(m + 1);
  const size_t k = load_u64(m + 17);
  std::memcpy(&ct.scale, m + 25, 8);
  ct.level = k - 1;
  const size_t words = ct.size * k * g_n;
  ct.data.resize(words);
  std::memcpy(ct.data.data(), blob + load_u64(blob + 8) - words * 8, words * 8);
  return ct;
}

Ciphertext ciphertext_file(const std::string &name) { return parse_ciphertext(read_bytes(name).data()); }

std::vector<uint64_t> trailing_words(const std::string &name, size_t words) {
  const auto b = read_bytes(name);
  std::vector<uint64_t> v(words);
  std::memcpy(v.data(), b.data() + b.size() - words * 8, words * 8);
  return v;
}

// KSwitchKeys::save: SEALHeader, parms_id, dim1, then per entry dim2 and dim2 complete PublicKey blobs.
std::vector<KSwitchKeys> parse_kswitch_keys(const std::string &name) {
  const auto b = read_bytes(name);
  const unsigned char *p = b.data() + 16 + 32;
  const uint64_t dim1 = load_u64(p);
  p += 8;
  std::vector<KSwitchKeys> keys(dim1);
  for (uint64_t i = 0; i < dim1; ++i) {
    const uint64_t dim2 = load_u64(p);
    p += 8;
    for (uint64_t j = 0; j < dim2; ++j) {
      PublicKey part;
      part.data = parse_ciphertext(p);
      keys[i].data.push_back(std::move(part));
      p += load_u64(p + 8);
    }
  }
  return keys;
}

std::vector<double> read_values(const std::string &name) {
  std::ifstream s(g_dir + "/" + name);
  std::vector<double> v;
  double x;
  while (s >> x) v.push_back(x);
  return v;
}

void expect_identical(const char *what, const Ciphertext &ours, const std::string &seal_file) {
  const Ciphertext seal = ciphertext_file(seal_file);
  CF_EXPECT(ours.level == seal.level && ours.size == seal.size, "%s: level %zu/%zu size %zu/%zu", what, ours.level,
            seal.level, ours.size, seal.size);
  CF_EXPECT(ours.scale == seal.scale, "%s: scale %.17g vs SEAL %.17g", what, ours.scale, seal.scale);
  CF_EXPECT(ours.data == seal.data, "%s differs from SEAL", what);
}

int run() {
  std::ifstream primes_file(g_dir + "/primes.txt");
  std::vector<uint64_t> primes;
  primes_file >> g_n;
  for (uint64_t q; primes_file >> q;) primes.push_back(q);
  auto ctx = std::make_shared<const Context>(g_n, primes);
  Evaluator ev(ctx);
  CkksEncoder encoder(ctx);
  SecretKey sk;
  sk.data = trailing_words("sk.bin", primes.size() * g_n);
  RelinKeys rk;
  rk.data = parse_kswitch_keys("rk.bin");
  GaloisKeys gk;
  const auto galois = parse_kswitch_keys("gk.bin");
  for (size_t i = 0; i < galois.size(); ++i) {
    if (!galois[i].data.empty()) gk.data.emplace(static_cast<uint32_t>(2 * i + 1), galois[i]);  // index (g - 1) / 2
  }
  CF_EXPECT(gk.data.size() == 5, "5 Galois keys, got %zu", gk.data.size());

  const auto x = read_values("x.txt");
  const auto y = read_values("y.txt");
  const double scale = std::pow(2.0, 40);
  const Plaintext px = encoder.encode(x, ctx->first_level(), scale);
  const Plaintext py = encoder.encode(y, ctx->first_level(), scale);
  CF_EXPECT(px.data == trailing_words("px.bin", px.data.size()), "encode(x) differs from SEAL");
  CF_EXPECT(py.data == trailing_words("py.bin", py.data.size()), "encode(y) differs from SEAL");

  const Ciphertext cx = ciphertext_file("cx.bin");
  const Ciphertext cy = ciphertext_file("cy.bin");
  const auto decoded = encoder.decode(Decryptor(ctx, sk).decrypt(cx));
  double err = 0;
  for (size_t i = 0; i < x.size(); ++i) err = std::max(err, std::fabs(decoded[i] - x[i]));
  std::printf("SEAL ciphertext decrypted with the SEAL secret key: max error %.3g\n", err);
  CF_EXPECT(err < 1e-6, "decryption error %g", err);

  expect_identical("add", ev.add(cx, cy), "add.bin");
  expect_identical("sub", ev.sub(cx, cy), "sub.bin");
  expect_identical("negate", ev.negate(cx), "negate.bin");
  expect_identical("add_plain", ev.add_plain(cx, py), "add_plain.bin");
  expect_identical("multiply", ev.multiply(cx, cy), "multiply.bin");
  expect_identical("relinearize", ev.relinearize(ciphertext_file("multiply.bin"), rk), "relinearize.bin");
  expect_identical("rescale_to_next", ev.rescale_to_next(ciphertext_file("relinearize.bin")), "rescale.bin");
  expect_identical("square", ev.square(cx), "square.bin");
  expect_identical("multiply_plain", ev.multiply_plain(cx, py), "multiply_plain.bin");
  expect_identical("mod_switch_to_next", ev.mod_switch_to_next(cx), "mod_switch.bin");
  for (int step : {1, -1, 3, 5}) {
    const std::string file = "rotate" + std::to_string(step) + ".bin";
    expect_identical(("rotate_vector " + std::to_string(step)).c_str(), ev.rotate_vector(cx, step, gk), file);
  }
  expect_identical("complex_conjugate", ev.complex_conjugate(cx, gk), "conjugate.bin");
  expect_identical("rotate_vector 3 at level 1", ev.rotate_vector(ciphertext_file("rescale.bin"), 3, gk),
                   "rotate3_level1.bin");
  const auto hoisted = ev.rotate_hoisted(cx, {1, -1, 3}, gk);
  expect_identical("hoisted 1", hoisted[0], "rotate1.bin");
  expect_identical("hoisted -1", hoisted[1], "rotate-1.bin");
  expect_identical("hoisted 3", hoisted[2], "rotate3.bin");
  return finish("ckks_seal_interop_test");
}

}  // namespace

int main() {
  // Repository root from this file's path (CMake compiles it by absolute path): <root>/native/tests/<file>.
  std::string root = __FILE__;
  for (int i = 0; i < 3; ++i) root = root.substr(0, root.find_last_of('/'));
  const std::string script = root + "/interop/ckks-native-vectors.js";
  if (std::system("node --version > /dev/null 2>&1") != 0 ||
      !std::ifstream(root + "/interop/node_modules/node-seal/package.json")) {
    std::printf("SKIPPED: node or interop/node_modules/node-seal missing (run scripts/setup.sh)\n");
    return 77;
  }
  char dir_template[] = "/tmp/cf-seal-vectors-XXXXXX";
  if (mkdtemp(dir_template) == nullptr) {
    std::fprintf(stderr, "cannot create a temporary directory\n");
    return 1;
  }
  g_dir = dir_template;
  const std::string command = "cd '" + root + "/interop' && node '" + script + "' '" + g_dir + "'";
  int rc = 1;
  if (std::system(command.c_str()) != 0) {
    std::fprintf(stderr, "FAIL: %s\n", command.c_str());
  } else {
    try {
      rc = run();
    } catch (const std::exception &e) {
      std::fprintf(stderr, "FAIL: %s\n", e.what());
      rc = 1;
    }
  }
  std::system(("rm -rf '" + g_dir + "'").c_str());
  return rc;
}
