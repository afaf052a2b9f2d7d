// JNI entry points of org.cipherformer.he.SecretKey.
#include <jni.h>

#include <memory>

#include "cipherformer/ckks/validation.h"
#include "ckks_handles.h"
#include "org_cipherformer_he_SecretKey.h"

using namespace cf;
using namespace cf::jni;

extern "C" {

JNIEXPORT void JNICALL Java_org_cipherformer_he_SecretKey_nativeFree(JNIEnv *env, jclass, jlong handle) {
  guard(env, [&] {
    auto *key = reinterpret_cast<SecretKeyObject *>(static_cast<intptr_t>(handle));
    // Wipe the secret before returning the memory (volatile stores are not optimized away).
    if (key != nullptr) {
      volatile uint64_t *words = key->value.data.data();
      for (size_t i = 0; i < key->value.data.size(); i++) words[i] = 0;
    }
    delete key;
  });
}

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_SecretKey_nativeCopy(JNIEnv *env, jclass, jlong handle) {
  return guard(env, [&]() -> jlong {
    return to_handle(new SecretKeyObject(from_handle<SecretKeyObject>(handle, "SecretKey")));
  });
}

JNIEXPORT jlongArray JNICALL Java_org_cipherformer_he_SecretKey_nativeData(JNIEnv *env, jclass, jlong handle) {
  return guard(env, [&]() -> jlongArray {
    const auto &data = from_handle<SecretKeyObject>(handle, "SecretKey").value.data;
    return new_long_array(env, data.data(), data.size());
  });
}

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_SecretKey_nativeImport(JNIEnv *env, jclass, jlong context_handle,
                                                                       jlongArray data) {
  return guard(env, [&]() -> jlong {
    const auto &context = from_handle<ContextObject>(context_handle, "CkksContext").context;
    auto object = std::make_unique<SecretKeyObject>();
    object->context = context;
    object->value.data = copy_long_array(env, data, context->level_count() * context->poly_degree(), "secret key");
    check_coefficients(*context, context->key_level(), 1, object->value.data, "secret key");
    ckks::check_secret_key(*context, object->value);
    return to_handle(object.release());
  });
}

}  // extern "C"
