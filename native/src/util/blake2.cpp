#include "cipherformer/util/blake2.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>
#include <string>

namespace cf::util {

namespace {

constexpr size_t kBlockBytes = 128;
constexpr size_t kOutBytes = 64;
constexpr size_t kKeyBytes = 64;

constexpr std::array<uint64_t, 8> kIv = {0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL,
                                         0xa54ff53a5f1d36f1ULL, 0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL,
                                         0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL};

constexpr unsigned char kSigma[12][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4}, {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13}, {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11}, {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5}, {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3}};

uint64_t load64_le(const unsigned char *p) noexcept {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

void store32_le(unsigned char *p, uint32_t v) noexcept {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}

uint64_t rotr64(uint64_t x, int r) noexcept { return (x >> r) | (x << (64 - r)); }

/// The 64-byte BLAKE2b parameter block (RFC 7693 section 2.5; BLAKE2X adds xof_length at bytes 12..15).
struct ParamBlock {
  unsigned char bytes[64] = {};
  void set_digest_length(size_t v) { bytes[0] = static_cast<unsigned char>(v); }
  void set_key_length(size_t v) { bytes[1] = static_cast<unsigned char>(v); }
  void set_fanout(unsigned char v) { bytes[2] = v; }
  void set_depth(unsigned char v) { bytes[3] = v; }
  void set_leaf_length(uint32_t v) { store32_le(bytes + 4, v); }
  void set_node_offset(uint32_t v) { store32_le(bytes + 8, v); }
  void set_xof_length(uint32_t v) { store32_le(bytes + 12, v); }
  void set_node_depth(unsigned char v) { bytes[16] = v; }
  void set_inner_length(unsigned char v) { bytes[17] = v; }
};

/// Streaming BLAKE2b state; the last block is held back until final() because it is compressed with the final flag.
class Blake2bState {
 public:
  Blake2bState(const ParamBlock &params, size_t outlen) : outlen_(outlen) {
    for (size_t i = 0; i < 8; ++i) h_[i] = kIv[i] ^ load64_le(params.bytes + 8 * i);
  }

  void update(const unsigned char *in, size_t inlen) noexcept {
    while (inlen > 0) {
      if (buffered_ == kBlockBytes) {  // a full block is pending and more input follows: it is not the last one
        counter_ += kBlockBytes;
        compress(buffer_, false);
        buffered_ = 0;
      }
      const size_t take = std::min(inlen, kBlockBytes - buffered_);
      std::memcpy(buffer_ + buffered_, in, take);
      buffered_ += take;
      in += take;
      inlen -= take;
    }
  }

  void final(unsigned char *out) noexcept {
    counter_ += buffered_;
    std::memset(buffer_ + buffered_, 0, kBlockBytes - buffered_);
    compress(buffer_, true);
    unsigned char full[kOutBytes];
    for (size_t i = 0; i < 8; ++i) {
      for (size_t b = 0; b < 8; ++b) full[8 * i + b] = static_cast<unsigned char>(h_[i] >> (8 * b));
    }
    std::memcpy(out, full, outlen_);
  }

 private:
  void compress(const unsigned char *block, bool last) noexcept {
    uint64_t m[16];
    for (size_t i = 0; i < 16; ++i) m[i] = load64_le(block + 8 * i);
    uint64_t v[16];
    for (size_t i = 0; i < 8; ++i) {
      v[i] = h_[i];
      v[i + 8] = kIv[i];
    }
    // The byte counter is 128 bits; inputs here never exceed 2^64 bytes, so the high word stays zero.
    v[12] ^= counter_;
    if (last) v[14] = ~v[14];
    auto g = [&v](int a, int b, int c, int d, uint64_t x, uint64_t y) {
      v[a] = v[a] + v[b] + x;
      v[d] = rotr64(v[d] ^ v[a], 32);
      v[c] = v[c] + v[d];
      v[b] = rotr64(v[b] ^ v[c], 24);
      v[a] = v[a] + v[b] + y;
      v[d] = rotr64(v[d] ^ v[a], 16);
      v[c] = v[c] + v[d];
      v[b] = rotr64(v[b] ^ v[c], 63);
    };
    for (const auto &s : kSigma) {
      g(0, 4, 8, 12, m[s[0]], m[s[1]]);
      g(1, 5, 9, 13, m[s[2]], m[s[3]]);
      g(2, 6, 10, 14, m[s[4]], m[s[5]]);
      g(3, 7, 11, 15, m[s[6]], m[s[7]]);
      g(0, 5, 10, 15, m[s[8]], m[s[9]]);
      g(1, 6, 11, 12, m[s[10]], m[s[11]]);
      g(2, 7, 8, 13, m[s[12]], m[s[13]]);
      g(3, 4, 9, 14, m[s[14]], m[s[15]]);
    }
    for (size_t i = 0; i < 8; ++i) h_[i] ^= v[i] ^ v[i + 8];
  }

  std::array<uint64_t, 8> h_{};
  uint64_t counter_ = 0;
  unsigned char buffer_[kBlockBytes] = {};
  size_t buffered_ = 0;
  size_t outlen_;
};

/// A keyed hash starts by compressing the key zero-padded to one full block (RFC 7693 section 3.3).
void absorb_key(Blake2bState &state, const void *key, size_t keylen) {
  if (keylen == 0) return;
  unsigned char block[kBlockBytes] = {};
  std::memcpy(block, key, keylen);
  state.update(block, kBlockBytes);
  std::memset(block, 0, sizeof block);
}

void check_pointers(const void *out, const void *in, size_t inlen, const void *key, size_t keylen) {
  if (out == nullptr) throw std::invalid_argument("BLAKE2 output pointer is null");
  if (in == nullptr && inlen != 0) {
    throw std::invalid_argument("BLAKE2 input pointer is null but inlen is " + std::to_string(inlen));
  }
  if (keylen > kKeyBytes) {
    throw std::invalid_argument("BLAKE2 key length " + std::to_string(keylen) + " exceeds 64 bytes");
  }
  if (key == nullptr && keylen != 0) {
    throw std::invalid_argument("BLAKE2 key pointer is null but keylen is " + std::to_string(keylen));
  }
}

}  // namespace

void blake2b(void *out, size_t outlen, const void *in, size_t inlen, const void *key, size_t keylen) {
  if (outlen == 0 || outlen > kOutBytes) {
    throw std::invalid_argument("BLAKE2b output length " + std::to_string(outlen) + " is outside [1, 64]");
  }
  check_pointers(out, in, inlen, key, keylen);
  ParamBlock params;
  params.set_digest_length(outlen);
  params.set_key_length(keylen);
  params.set_fanout(1);
  params.set_depth(1);
  Blake2bState state(params, outlen);
  absorb_key(state, key, keylen);
  state.update(static_cast<const unsigned char *>(in), inlen);
  state.final(static_cast<unsigned char *>(out));
}

void blake2xb(void *out, size_t outlen, const void *in, size_t inlen, const void *key, size_t keylen) {
  // 0xFFFFFFFF is reserved by BLAKE2X for "length unknown in advance", so the largest fixed length is 2^32 - 2.
  if (outlen == 0 || outlen >= 0xFFFFFFFFULL) {
    throw std::invalid_argument("BLAKE2Xb output length " + std::to_string(outlen) + " is outside [1, 2^32 - 2]");
  }
  check_pointers(out, in, inlen, key, keylen);
  const auto xof_length = static_cast<uint32_t>(outlen);

  // Root: an ordinary (keyed) BLAKE2b-512 of the input whose parameter block also carries xof_length.
  ParamBlock root_params;
  root_params.set_digest_length(kOutBytes);
  root_params.set_key_length(keylen);
  root_params.set_fanout(1);
  root_params.set_depth(1);
  root_params.set_xof_length(xof_length);
  Blake2bState root_state(root_params, kOutBytes);
  absorb_key(root_state, key, keylen);
  root_state.update(static_cast<const unsigned char *>(in), inlen);
  unsigned char root[kOutBytes];
  root_state.final(root);

  // Output block i = BLAKE2b(root) with node_offset i, unkeyed, as a leaf of fanout 0 / depth 0 whose leaf and inner
  // lengths are 64 and whose digest length is the size of that block (the last one may be short).
  ParamBlock leaf_params;
  leaf_params.set_key_length(0);
  leaf_params.set_fanout(0);
  leaf_params.set_depth(0);
  leaf_params.set_leaf_length(kOutBytes);
  leaf_params.set_xof_length(xof_length);
  leaf_params.set_node_depth(0);
  leaf_params.set_inner_length(kOutBytes);
  auto *dest = static_cast<unsigned char *>(out);
  for (uint32_t i = 0; outlen > 0; ++i) {
    const size_t block = std::min(outlen, kOutBytes);
    leaf_params.set_digest_length(block);
    leaf_params.set_node_offset(i);
    Blake2bState leaf(leaf_params, block);
    leaf.update(root, kOutBytes);
    leaf.final(dest);
    dest += block;
    outlen -= block;
  }
  std::memset(root, 0, sizeof root);
}

}  // namespace cf::util
