// JNI entry points of org.cipherformer.he.Decryptor.
#include <jni.h>

#include <memory>

#include "cipherformer/ckks/decryptor.h"
#include "ckks_handles.h"
#include "org_cipherformer_he_Decryptor.h"

using namespace cf;
using namespace cf::jni;

namespace {
struct DecryptorObject {
  std::shared_ptr<const ckks::Context> context;
  ckks::Decryptor decryptor;
};
}  // namespace

extern "C" {

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_Decryptor_nativeCreate(JNIEnv *env, jclass, jlong context_handle,
                                                                       jlong secret_key_handle) {
  return guard(env, [&]() -> jlong {
    const auto &context = from_handle<ContextObject>(context_handle, "CkksContext").context;
    const auto &sk = from_handle<SecretKeyObject>(secret_key_handle, "SecretKey");
    check_same_context(*context, *sk.context, "secret key");
    return to_handle(new DecryptorObject{context, ckks::Decryptor(context, sk.value)});
  });
}

JNIEXPORT void JNICALL Java_org_cipherformer_he_Decryptor_nativeFree(JNIEnv *env, jclass, jlong handle) {
  guard(env, [&] { delete reinterpret_cast<DecryptorObject *>(static_cast<intptr_t>(handle)); });
}

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_Decryptor_nativeDecrypt(JNIEnv *env, jclass, jlong handle,
                                                                        jlong ciphertext_handle) {
  return guard(env, [&]() -> jlong {
    const auto &d = from_handle<DecryptorObject>(handle, "Decryptor");
    const auto &ct = from_handle<CiphertextObject>(ciphertext_handle, "Ciphertext");
    check_same_context(*d.context, *ct.context, "ciphertext");
    auto lock = kernel_lock();
    return to_handle(new PlaintextObject{d.context, d.decryptor.decrypt(ct.value)});
  });
}

}  // extern "C"
