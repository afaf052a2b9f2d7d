// Import of key-level ciphertexts (see key_import.h).
#include "key_import.h"

#include "cipherformer/ckks/rlwe.h"
#include "cipherformer/ckks/validation.h"
#include "ckks_handles.h"

namespace cf::jni {

ckks::Ciphertext import_key_ciphertext(JNIEnv *env, const ckks::Context &context, jlongArray data, jlongArray seed,
                                       const std::string &what) {
  const size_t n = context.poly_degree();
  const size_t limbs = context.level_count();
  const size_t stored_polys = seed != nullptr ? 1 : 2;
  ckks::Ciphertext ct;
  ct.level = context.key_level();
  ct.size = 2;
  ct.scale = 1.0;
  ct.data = copy_long_array(env, data, stored_polys * limbs * n, what.c_str());
  check_coefficients(context, ct.level, stored_polys, ct.data, what.c_str());
  if (seed != nullptr) {
    ct.seed = copy_seed(env, seed);
    ct.data.resize(2 * limbs * n);
    ckks::expand_seeded_c1(context, ct);
  }
  ckks::check_key_ciphertext(context, ct, what);
  return ct;
}

}  // namespace cf::jni
