// JNI entry points of org.cipherformer.he.PublicKey.
#include <jni.h>

#include <memory>

#include "cipherformer/ckks/rlwe.h"
#include "cipherformer/ckks/validation.h"
#include "ckks_handles.h"
#include "key_import.h"
#include "org_cipherformer_he_PublicKey.h"

using namespace cf;
using namespace cf::jni;

extern "C" {

JNIEXPORT void JNICALL Java_org_cipherformer_he_PublicKey_nativeFree(JNIEnv *env, jclass, jlong handle) {
  guard(env, [&] { delete reinterpret_cast<PublicKeyObject *>(static_cast<intptr_t>(handle)); });
}

JNIEXPORT jlongArray JNICALL Java_org_cipherformer_he_PublicKey_nativeData(JNIEnv *env, jclass, jlong handle) {
  return guard(env, [&]() -> jlongArray {
    const auto &data = from_handle<PublicKeyObject>(handle, "PublicKey").value.data.data;
    return new_long_array(env, data.data(), data.size());
  });
}

JNIEXPORT jlongArray JNICALL Java_org_cipherformer_he_PublicKey_nativeSeed(JNIEnv *env, jclass, jlong handle) {
  return guard(env, [&]() -> jlongArray {
    const auto &seed = from_handle<PublicKeyObject>(handle, "PublicKey").value.data.seed;
    if (!seed) return nullptr;
    return new_long_array(env, seed->data(), seed->size());
  });
}

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_PublicKey_nativeImport(JNIEnv *env, jclass, jlong context_handle,
                                                                       jlongArray data, jlongArray seed) {
  return guard(env, [&]() -> jlong {
    const auto &context = from_handle<ContextObject>(context_handle, "CkksContext").context;
    auto object = std::make_unique<PublicKeyObject>();
    object->context = context;
    object->value.data = import_key_ciphertext(env, *context, data, seed, "public key");
    return to_handle(object.release());
  });
}

}  // extern "C"
