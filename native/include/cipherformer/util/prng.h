#pragma once
// The seeded PRNG of SEAL 4.1 (Blake2xbPRNG in seal/randomgen.h): a 64-byte seed expands into a byte stream that must
// be reproduced exactly, because "seeded" ciphertexts and keys carry only the seed of their uniform polynomial.

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace cf::util {

/// 64 bytes of seed, as SEAL's prng_seed_type (8 little-endian 64-bit words on the wire).
using PrngSeed = std::array<uint64_t, 8>;

/// Byte-for-byte the output stream of SEAL 4.1's Blake2xbPRNG for the same seed. Not thread-safe.
class Blake2xbPrng {
 public:
  explicit Blake2xbPrng(const PrngSeed &seed);

  /// Writes the next byte_count bytes of the stream to out.
  void generate(size_t byte_count, void *out);
  /// The next 8 bytes of the stream as a little-endian uint64.
  uint64_t next_u64();
  const PrngSeed &seed() const noexcept { return seed_; }

 private:
  void refill();

  PrngSeed seed_;
  uint64_t counter_ = 0;
  std::vector<unsigned char> buffer_;
  size_t buffer_pos_;
};

/// 64 fresh bytes from the operating system's CSPRNG (getrandom(2)); the seed source for secret keys and noise.
/// @throws std::runtime_error if the OS cannot deliver random bytes.
PrngSeed os_random_seed();

}  // namespace cf::util
