#pragma once
// Metadata checks of SEAL 4.1's is_metadata_valid_for / is_buffer_valid, with messages that name the offending value.

#include <cstddef>
#include <string>

#include "cipherformer/ckks/ciphertext.h"
#include "cipherformer/ckks/context.h"
#include "cipherformer/ckks/keys.h"
#include "cipherformer/ckks/plaintext.h"

namespace cf::ckks {

/// SEAL's largest ciphertext size (SEAL_CIPHERTEXT_SIZE_MAX).
constexpr size_t kMaxCiphertextSize = 16;

/// Checks that ct may be used at a data level: level exists and is not a pure key level (SEAL rejects ciphertexts at
/// the key level unless there is only one prime), 2 <= size <= 16, NTT form, data.size() == size * (level + 1) * N,
/// scale positive and finite.
/// @throws std::invalid_argument "<name>: ..." naming the offending value.
void check_ciphertext(const Context &context, const Ciphertext &ct, const std::string &name);

/// Checks that pt may be used at a data level: level exists and is a data level, NTT form,
/// data.size() == (level + 1) * N, scale positive and finite. @throws std::invalid_argument naming the value.
void check_plaintext(const Context &context, const Plaintext &pt, const std::string &name);

/// Checks a key-level size-2 ciphertext (public key or one part of a key-switching key).
/// @throws std::invalid_argument naming the value.
void check_key_ciphertext(const Context &context, const Ciphertext &ct, const std::string &name);

/// Checks that sk has (key_level + 1) * N words. @throws std::invalid_argument naming the value.
void check_secret_key(const Context &context, const SecretKey &sk);

/// Checks a key-switching key: first_level + 1 parts, each a valid key-level ciphertext.
/// @throws std::invalid_argument naming the value.
void check_kswitch_keys(const Context &context, const KSwitchKeys &key, const std::string &name);

/// SEAL's are_same_scale / util::are_close: |a - b| < 2^-52 * max(|a|, |b|, 1).
bool are_same_scale(double a, double b) noexcept;

/// SEAL's is_scale_within_bounds for CKKS: scale > 0 and (int)log2(scale) < total bit count of the level's modulus.
bool is_scale_within_bounds(double scale, const LevelData &level) noexcept;

/// SEAL's Ciphertext::is_transparent: every coefficient of c_1, ..., c_{size-1} is zero (decrypts without the key).
bool is_transparent(const Ciphertext &ct) noexcept;

}  // namespace cf::ckks
