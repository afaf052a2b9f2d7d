// JNI entry points of org.cipherformer.he.Plaintext.
#include <jni.h>

#include <cmath>
#include <memory>

#include "cipherformer/ckks/validation.h"
#include "ckks_handles.h"
#include "org_cipherformer_he_Plaintext.h"

using namespace cf;
using namespace cf::jni;

namespace {
PlaintextObject &plaintext(jlong handle) { return from_handle<PlaintextObject>(handle, "Plaintext"); }
}  // namespace

extern "C" {

JNIEXPORT void JNICALL Java_org_cipherformer_he_Plaintext_nativeFree(JNIEnv *env, jclass, jlong handle) {
  guard(env, [&] { delete reinterpret_cast<PlaintextObject *>(static_cast<intptr_t>(handle)); });
}

JNIEXPORT jint JNICALL Java_org_cipherformer_he_Plaintext_nativeLevel(JNIEnv *env, jclass, jlong handle) {
  return guard(env, [&]() -> jint { return static_cast<jint>(plaintext(handle).value.level); });
}

JNIEXPORT jdouble JNICALL Java_org_cipherformer_he_Plaintext_nativeScale(JNIEnv *env, jclass, jlong handle) {
  return guard(env, [&]() -> jdouble { return plaintext(handle).value.scale; });
}

JNIEXPORT void JNICALL Java_org_cipherformer_he_Plaintext_nativeSetScale(JNIEnv *env, jclass, jlong handle,
                                                                        jdouble scale) {
  guard(env, [&] {
    if (!(scale > 0) || !std::isfinite(scale)) illegal_argument("scale " + std::to_string(scale) + " is not positive");
    plaintext(handle).value.scale = scale;
  });
}

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_Plaintext_nativeCopy(JNIEnv *env, jclass, jlong handle) {
  return guard(env, [&]() -> jlong { return to_handle(new PlaintextObject(plaintext(handle))); });
}

JNIEXPORT jlongArray JNICALL Java_org_cipherformer_he_Plaintext_nativeData(JNIEnv *env, jclass, jlong handle) {
  return guard(env, [&]() -> jlongArray {
    const auto &pt = plaintext(handle).value;
    return new_long_array(env, pt.data.data(), pt.data.size());
  });
}

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_Plaintext_nativeImport(JNIEnv *env, jclass, jlong context_handle,
                                                                       jint level, jdouble scale, jlongArray data) {
  return guard(env, [&]() -> jlong {
    const auto &context = from_handle<ContextObject>(context_handle, "CkksContext").context;
    if (level < 0 || static_cast<size_t>(level) > context->first_level()) {
      illegal_argument("plaintext level " + std::to_string(level) + " is not a data level (0.." +
                       std::to_string(context->first_level()) + ")");
    }
    auto object = std::make_unique<PlaintextObject>();
    object->context = context;
    auto &pt = object->value;
    pt.level = static_cast<size_t>(level);
    pt.scale = scale;
    pt.data = copy_long_array(env, data, (pt.level + 1) * context->poly_degree(), "plaintext data");
    check_coefficients(*context, pt.level, 1, pt.data, "plaintext");
    ckks::check_plaintext(*context, pt, "plaintext");
    return to_handle(object.release());
  });
}

}  // extern "C"
