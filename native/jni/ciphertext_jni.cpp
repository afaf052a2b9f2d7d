// JNI entry points of org.cipherformer.he.Ciphertext: metadata, copies, and raw data export/import for serialization.
#include <jni.h>

#include <cmath>
#include <memory>

#include "cipherformer/ckks/rlwe.h"
#include "cipherformer/ckks/validation.h"
#include "ckks_handles.h"
#include "org_cipherformer_he_Ciphertext.h"

using namespace cf;
using namespace cf::jni;

namespace {
CiphertextObject &ciphertext(jlong handle) { return from_handle<CiphertextObject>(handle, "Ciphertext"); }
}  // namespace

extern "C" {

JNIEXPORT void JNICALL Java_org_cipherformer_he_Ciphertext_nativeFree(JNIEnv *env, jclass, jlong handle) {
  guard(env, [&] { delete reinterpret_cast<CiphertextObject *>(static_cast<intptr_t>(handle)); });
}

JNIEXPORT jint JNICALL Java_org_cipherformer_he_Ciphertext_nativeLevel(JNIEnv *env, jclass, jlong handle) {
  return guard(env, [&]() -> jint { return static_cast<jint>(ciphertext(handle).value.level); });
}

JNIEXPORT jint JNICALL Java_org_cipherformer_he_Ciphertext_nativeSize(JNIEnv *env, jclass, jlong handle) {
  return guard(env, [&]() -> jint { return static_cast<jint>(ciphertext(handle).value.size); });
}

JNIEXPORT jdouble JNICALL Java_org_cipherformer_he_Ciphertext_nativeScale(JNIEnv *env, jclass, jlong handle) {
  return guard(env, [&]() -> jdouble { return ciphertext(handle).value.scale; });
}

JNIEXPORT void JNICALL Java_org_cipherformer_he_Ciphertext_nativeSetScale(JNIEnv *env, jclass, jlong handle,
                                                                         jdouble scale) {
  guard(env, [&] {
    if (!(scale > 0) || !std::isfinite(scale)) illegal_argument("scale " + std::to_string(scale) + " is not positive");
    ciphertext(handle).value.scale = scale;
  });
}

JNIEXPORT jboolean JNICALL Java_org_cipherformer_he_Ciphertext_nativeHasSeed(JNIEnv *env, jclass, jlong handle) {
  return guard(env, [&]() -> jboolean { return ciphertext(handle).value.seed.has_value() ? JNI_TRUE : JNI_FALSE; });
}

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_Ciphertext_nativeCopy(JNIEnv *env, jclass, jlong handle) {
  return guard(env, [&]() -> jlong { return to_handle(new CiphertextObject(ciphertext(handle))); });
}

JNIEXPORT jlongArray JNICALL Java_org_cipherformer_he_Ciphertext_nativeData(JNIEnv *env, jclass, jlong handle) {
  return guard(env, [&]() -> jlongArray {
    const auto &ct = ciphertext(handle).value;
    return new_long_array(env, ct.data.data(), ct.data.size());
  });
}

JNIEXPORT jlongArray JNICALL Java_org_cipherformer_he_Ciphertext_nativeSeed(JNIEnv *env, jclass, jlong handle) {
  return guard(env, [&]() -> jlongArray {
    const auto &ct = ciphertext(handle).value;
    if (!ct.seed) return nullptr;
    return new_long_array(env, ct.seed->data(), ct.seed->size());
  });
}

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_Ciphertext_nativeImport(JNIEnv *env, jclass, jlong context_handle,
                                                                        jint level, jint size, jdouble scale,
                                                                        jlongArray data, jlongArray seed) {
  return guard(env, [&]() -> jlong {
    const auto &context = from_handle<ContextObject>(context_handle, "CkksContext").context;
    // Bound every dimension before any allocation that depends on it.
    if (level < 0 || static_cast<size_t>(level) > context->first_level()) {
      illegal_argument("ciphertext level " + std::to_string(level) + " is not a data level (0.." +
                       std::to_string(context->first_level()) + ")");
    }
    if (size < 2 || static_cast<size_t>(size) > ckks::kMaxCiphertextSize) {
      illegal_argument("ciphertext size " + std::to_string(size) + " outside 2.." +
                       std::to_string(ckks::kMaxCiphertextSize));
    }
    if (seed != nullptr && size != 2) {
      illegal_argument("a seeded ciphertext must have size 2, got " + std::to_string(size));
    }
    const size_t n = context->poly_degree();
    const size_t limbs = static_cast<size_t>(level) + 1;
    const size_t stored_polys = seed != nullptr ? 1 : static_cast<size_t>(size);
    auto object = std::make_unique<CiphertextObject>();
    object->context = context;
    auto &ct = object->value;
    ct.level = static_cast<size_t>(level);
    ct.size = static_cast<size_t>(size);
    ct.scale = scale;
    ct.data = copy_long_array(env, data, stored_polys * limbs * n, "ciphertext data");
    check_coefficients(*context, ct.level, stored_polys, ct.data, "ciphertext");
    if (seed != nullptr) {
      ct.seed = copy_seed(env, seed);
      ct.data.resize(2 * limbs * n);
      ckks::expand_seeded_c1(*context, ct);
      // As SEAL's load: the seed is expanded and forgotten; saving the loaded ciphertext writes it in full.
      ct.seed.reset();
    }
    ckks::check_ciphertext(*context, ct, "ciphertext");
    return to_handle(object.release());
  });
}

}  // extern "C"
