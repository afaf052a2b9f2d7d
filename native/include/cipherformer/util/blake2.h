#pragma once
// BLAKE2b (RFC 7693) and its extendable-output variant BLAKE2Xb, the hash behind SEAL 4.1's default PRNG.

#include <cstddef>
#include <cstdint>

namespace cf::util {

/// BLAKE2b: writes outlen bytes (1..64) of the (optionally keyed, keylen 0..64) hash of in[0..inlen).
/// @throws std::invalid_argument naming the value if outlen is not in [1, 64], keylen > 64, or a pointer is null
///         while its length is non-zero.
void blake2b(void *out, size_t outlen, const void *in, size_t inlen, const void *key, size_t keylen);

/// BLAKE2Xb (the BLAKE2X XOF over BLAKE2b, reference semantics): writes outlen bytes (1..2^32-2) of output bound to
/// outlen (xof_length = outlen in the parameter block). Keyed if keylen > 0 (keylen 0..64).
/// @throws std::invalid_argument naming the value on bad lengths or null pointers with non-zero lengths.
void blake2xb(void *out, size_t outlen, const void *in, size_t inlen, const void *key, size_t keylen);

}  // namespace cf::util
