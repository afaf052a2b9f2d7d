// Blake2xbPrng must reproduce SEAL 4.1's Blake2xbPRNG stream: buffer i = blake2xb(4096 bytes, in = counter i as
// 8 little-endian bytes, key = the 64-byte seed), concatenated, independent of how requests are split.
// Expected bytes were computed with an independent Python model of BLAKE2Xb that reproduces the SEAL-produced
// blake2xb outputs checked in blake2_test.cpp.

#include <array>
#include <cstdint>
#include <cstring>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "cipherformer/util/blake2.h"
#include "cipherformer/util/prng.h"
#include "test_support.h"

using cf::util::Blake2xbPrng;
using cf::util::PrngSeed;

namespace {

std::string hex(const unsigned char *p, size_t n) {
  static const char *digits = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s.push_back(digits[p[i] >> 4]);
    s.push_back(digits[p[i] & 15]);
  }
  return s;
}

const PrngSeed kSeedOneToEight = {1, 2, 3, 4, 5, 6, 7, 8};

void test_known_stream() {
  std::vector<unsigned char> bytes(4096);
  Blake2xbPrng zero(PrngSeed{});
  zero.generate(bytes.size(), bytes.data());
  CHECK(hex(bytes.data(), 32) == "881fc3cb56026ecb0a1d5ad59a95f74e6e4c6f94d03104eb28dbc0176cfce0f4");
  CHECK(hex(bytes.data() + 4064, 32) == "22f848cb3581684ad09ba3143caf5a08601f6c709fadc5e5efd9a1acbed0410c");

  Blake2xbPrng prng(kSeedOneToEight);
  std::vector<unsigned char> stream(8192 + 5);
  prng.generate(stream.size(), stream.data());
  CHECK(hex(stream.data(), 32) == "3984716049ea22d4f590de50b2754c4c00597ab596e217ce34399b37770b2813");
  CHECK(hex(stream.data() + 4096, 32) == "463a034a88ee479600bb040a07caccfbb483419ca15770276c80902d468b2ab2");
  CHECK(hex(stream.data() + 8192, 5) == "df84663fc5");
  CHECK(prng.seed() == kSeedOneToEight);
}

void test_stream_is_concatenated_blake2xb() {
  // Structural check against blake2xb directly, with request sizes that straddle buffer boundaries.
  unsigned char key[64];
  for (size_t w = 0; w < 8; ++w) {
    for (size_t b = 0; b < 8; ++b) key[8 * w + b] = static_cast<unsigned char>(kSeedOneToEight[w] >> (8 * b));
  }
  std::vector<unsigned char> expected(3 * 4096);
  for (uint64_t counter = 0; counter < 3; ++counter) {
    unsigned char in[8];
    for (size_t b = 0; b < 8; ++b) in[b] = static_cast<unsigned char>(counter >> (8 * b));
    cf::util::blake2xb(expected.data() + counter * 4096, 4096, in, 8, key, 64);
  }
  Blake2xbPrng prng(kSeedOneToEight);
  std::vector<unsigned char> got;
  std::mt19937 rng(5);
  while (got.size() < expected.size()) {
    size_t want = std::min<size_t>(rng() % 5000, expected.size() - got.size());
    std::vector<unsigned char> chunk(want);
    prng.generate(want, chunk.data());
    got.insert(got.end(), chunk.begin(), chunk.end());
  }
  CHECK(got == expected);

  // next_u64 reads 8 bytes little-endian from the same stream.
  Blake2xbPrng words(kSeedOneToEight);
  bool ok = true;
  for (size_t i = 0; i < expected.size() / 8; ++i) {
    uint64_t v = 0;
    for (int b = 7; b >= 0; --b) v = (v << 8) | expected[8 * i + static_cast<size_t>(b)];
    ok = ok && words.next_u64() == v;
  }
  CHECK(ok);
}

void test_os_random_seed() {
  std::set<PrngSeed> seen;
  for (int i = 0; i < 16; ++i) seen.insert(cf::util::os_random_seed());
  CHECK(seen.size() == 16);
  // Not all zero bits and not all one bits overall (a broken source returning a constant would fail above too).
  const PrngSeed s = cf::util::os_random_seed();
  int ones = 0;
  for (uint64_t w : s) ones += __builtin_popcountll(w);
  CHECK(ones > 128 && ones < 384);
}

void test_null_output_rejected() {
  Blake2xbPrng prng(PrngSeed{});
  bool threw = false;
  try {
    prng.generate(4, nullptr);
  } catch (const std::invalid_argument &) {
    threw = true;
  }
  CHECK(threw);
  prng.generate(0, nullptr);  // nothing to write: allowed
}

}  // namespace

int main() {
  test_known_stream();
  test_stream_is_concatenated_blake2xb();
  test_os_random_seed();
  test_null_output_rejected();
  return cf::test::test_exit_code();
}
