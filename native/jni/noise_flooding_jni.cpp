// JNI entry points of org.cipherformer.he.NoiseFlooding and org.cipherformer.he.RnsNtt.
#include <jni.h>

#include <string>
#include <vector>

#include "cipherformer/ckks/noise_flooding.h"
#include "ckks_handles.h"
#include "org_cipherformer_he_NoiseFlooding.h"
#include "org_cipherformer_he_RnsNtt.h"

using namespace cf;
using namespace cf::jni;

namespace {

/// Copies a limb-major polynomial of level `level` (levels up to the key level), checks every word against its
/// prime, and applies the forward or inverse NTT limb by limb.
jlongArray transform(JNIEnv *env, jlong context_handle, jint level, jlongArray data, bool forward) {
  const auto &context = from_handle<ContextObject>(context_handle, "CkksContext").context;
  if (level < 0 || static_cast<size_t>(level) > context->key_level()) {
    illegal_argument("level " + std::to_string(level) + " is not in 0.." + std::to_string(context->key_level()));
  }
  const size_t n = context->poly_degree();
  const auto lvl = static_cast<size_t>(level);
  std::vector<uint64_t> words = copy_long_array(env, data, (lvl + 1) * n, "polynomial data");
  check_coefficients(*context, lvl, 1, words, "polynomial");
  auto lock = kernel_lock();
  for (size_t i = 0; i <= lvl; ++i) {
    if (forward) {
      context->ntt_tables(i).forward(words.data() + i * n);
    } else {
      context->ntt_tables(i).inverse(words.data() + i * n);
    }
  }
  return new_long_array(env, words.data(), words.size());
}

}  // namespace

extern "C" {

JNIEXPORT void JNICALL Java_org_cipherformer_he_NoiseFlooding_nativeAddInPlace(JNIEnv *env, jclass,
                                                                              jlong plain_handle, jdouble sigma) {
  guard(env, [&] {
    auto &pt = from_handle<PlaintextObject>(plain_handle, "Plaintext");
    auto lock = kernel_lock();
    ckks::add_flooding_noise(*pt.context, pt.value, sigma);
  });
}

JNIEXPORT jlongArray JNICALL Java_org_cipherformer_he_RnsNtt_nativeInverse(JNIEnv *env, jclass, jlong context_handle,
                                                                          jint level, jlongArray data) {
  return guard(env, [&]() -> jlongArray { return transform(env, context_handle, level, data, false); });
}

JNIEXPORT jlongArray JNICALL Java_org_cipherformer_he_RnsNtt_nativeForward(JNIEnv *env, jclass, jlong context_handle,
                                                                          jint level, jlongArray data) {
  return guard(env, [&]() -> jlongArray { return transform(env, context_handle, level, data, true); });
}

}  // extern "C"
