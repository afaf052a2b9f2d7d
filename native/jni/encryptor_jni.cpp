// JNI entry points of org.cipherformer.he.Encryptor.
#include <jni.h>

#include <memory>

#include "cipherformer/ckks/encryptor.h"
#include "ckks_handles.h"
#include "org_cipherformer_he_Encryptor.h"

using namespace cf;
using namespace cf::jni;

namespace {
struct EncryptorObject {
  std::shared_ptr<const ckks::Context> context;
  ckks::Encryptor encryptor;
};
}  // namespace

extern "C" {

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_Encryptor_nativeCreate(JNIEnv *env, jclass, jlong context_handle,
                                                                       jlong public_key_handle,
                                                                       jlong secret_key_handle) {
  return guard(env, [&]() -> jlong {
    const auto &context = from_handle<ContextObject>(context_handle, "CkksContext").context;
    const PublicKeyObject *pk =
        public_key_handle != 0 ? &from_handle<PublicKeyObject>(public_key_handle, "PublicKey") : nullptr;
    const SecretKeyObject *sk =
        secret_key_handle != 0 ? &from_handle<SecretKeyObject>(secret_key_handle, "SecretKey") : nullptr;
    if (pk != nullptr) check_same_context(*context, *pk->context, "public key");
    if (sk != nullptr) check_same_context(*context, *sk->context, "secret key");
    if (pk != nullptr && sk != nullptr) {
      return to_handle(new EncryptorObject{context, ckks::Encryptor(context, pk->value, sk->value)});
    }
    if (pk != nullptr) return to_handle(new EncryptorObject{context, ckks::Encryptor(context, pk->value)});
    if (sk != nullptr) return to_handle(new EncryptorObject{context, ckks::Encryptor(context, sk->value)});
    illegal_argument("an encryptor needs a public key, a secret key or both");
  });
}

JNIEXPORT void JNICALL Java_org_cipherformer_he_Encryptor_nativeFree(JNIEnv *env, jclass, jlong handle) {
  guard(env, [&] { delete reinterpret_cast<EncryptorObject *>(static_cast<intptr_t>(handle)); });
}

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_Encryptor_nativeEncrypt(JNIEnv *env, jclass, jlong handle,
                                                                        jlong plain_handle, jboolean symmetric,
                                                                        jboolean keep_seed) {
  return guard(env, [&]() -> jlong {
    const auto &e = from_handle<EncryptorObject>(handle, "Encryptor");
    const auto &plain = from_handle<PlaintextObject>(plain_handle, "Plaintext");
    check_same_context(*e.context, *plain.context, "plaintext");
    auto lock = kernel_lock();
    ckks::Ciphertext ct = symmetric ? e.encryptor.encrypt_symmetric(plain.value) : e.encryptor.encrypt(plain.value);
    if (!keep_seed) ct.seed.reset();
    return to_handle(new CiphertextObject{e.context, std::move(ct)});
  });
}

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_Encryptor_nativeEncryptZero(JNIEnv *env, jclass, jlong handle,
                                                                            jint level, jboolean symmetric) {
  return guard(env, [&]() -> jlong {
    const auto &e = from_handle<EncryptorObject>(handle, "Encryptor");
    if (level < 0) illegal_argument("level " + std::to_string(level) + " is negative");
    auto lock = kernel_lock();
    ckks::Ciphertext ct = symmetric ? e.encryptor.encrypt_zero_symmetric(static_cast<size_t>(level))
                                    : e.encryptor.encrypt_zero(static_cast<size_t>(level));
    ct.seed.reset();
    return to_handle(new CiphertextObject{e.context, std::move(ct)});
  });
}

}  // extern "C"
