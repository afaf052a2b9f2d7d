#include "cipherformer/util/prng.h"

#include <sys/random.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "cipherformer/util/blake2.h"

namespace cf::util {

namespace {

// SEAL 4.1's UniformRandomGenerator refills a 4096-byte buffer at a time; Blake2xbPRNG fills it with
// blake2xb(out = 4096 bytes, in = the 8-byte little-endian block counter, key = the 64-byte seed), counter 0, 1, ...
// Because xof_length (4096) is part of every BLAKE2Xb block, the buffer size is part of the stream definition.
constexpr size_t kBufferBytes = 4096;
constexpr size_t kSeedBytes = 64;

void seed_to_bytes(const PrngSeed &seed, unsigned char *bytes) noexcept {
  for (size_t w = 0; w < seed.size(); ++w) {
    for (size_t b = 0; b < 8; ++b) bytes[8 * w + b] = static_cast<unsigned char>(seed[w] >> (8 * b));
  }
}

}  // namespace

Blake2xbPrng::Blake2xbPrng(const PrngSeed &seed) : seed_(seed), buffer_(kBufferBytes), buffer_pos_(kBufferBytes) {}

void Blake2xbPrng::refill() {
  unsigned char key[kSeedBytes];
  seed_to_bytes(seed_, key);
  unsigned char counter_bytes[8];
  for (size_t b = 0; b < 8; ++b) counter_bytes[b] = static_cast<unsigned char>(counter_ >> (8 * b));
  blake2xb(buffer_.data(), kBufferBytes, counter_bytes, sizeof counter_bytes, key, sizeof key);
  std::memset(key, 0, sizeof key);
  ++counter_;
  buffer_pos_ = 0;
}

void Blake2xbPrng::generate(size_t byte_count, void *out) {
  if (out == nullptr && byte_count != 0) {
    throw std::invalid_argument("PRNG output pointer is null for " + std::to_string(byte_count) + " bytes");
  }
  auto *dest = static_cast<unsigned char *>(out);
  // SEAL copies what is left in the buffer, then refills; the byte stream is the concatenation of the buffers, so any
  // split of requests yields the same bytes.
  while (byte_count > 0) {
    if (buffer_pos_ == kBufferBytes) refill();
    const size_t take = std::min(byte_count, kBufferBytes - buffer_pos_);
    std::memcpy(dest, buffer_.data() + buffer_pos_, take);
    buffer_pos_ += take;
    dest += take;
    byte_count -= take;
  }
}

uint64_t Blake2xbPrng::next_u64() {
  unsigned char bytes[8];
  generate(sizeof bytes, bytes);
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | bytes[i];
  return v;
}

PrngSeed os_random_seed() {
  unsigned char bytes[kSeedBytes];
  size_t filled = 0;
  while (filled < sizeof bytes) {
    const ssize_t got = getrandom(bytes + filled, sizeof bytes - filled, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("getrandom failed: ") + std::strerror(errno));
    }
    filled += static_cast<size_t>(got);
  }
  PrngSeed seed{};
  for (size_t w = 0; w < seed.size(); ++w) {
    uint64_t v = 0;
    for (int b = 7; b >= 0; --b) v = (v << 8) | bytes[8 * w + static_cast<size_t>(b)];
    seed[w] = v;
  }
  std::memset(bytes, 0, sizeof bytes);
  return seed;
}

}  // namespace cf::util
