// Import of one key-level ciphertext (a public key, or one part of a key-switching key) from Java arrays.
#pragma once

#include <jni.h>

#include "cipherformer/ckks/ciphertext.h"
#include "cipherformer/ckks/context.h"

namespace cf::jni {

/// A size-2 key-level ciphertext from data (c_0 and c_1, or c_0 alone when seed is not null: c_1 is then expanded
/// from the seed with SEAL's PRNG). Checks the length before allocating and every coefficient against its prime.
/// @throws IllegalArgumentException naming `what` and the offending value.
ckks::Ciphertext import_key_ciphertext(JNIEnv *env, const ckks::Context &context, jlongArray data, jlongArray seed,
                                       const std::string &what);

}  // namespace cf::jni
