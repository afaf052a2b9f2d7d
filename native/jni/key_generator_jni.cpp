// JNI entry points of org.cipherformer.he.KeyGenerator.
#include <jni.h>

#include <memory>

#include "cipherformer/ckks/key_generator.h"
#include "ckks_handles.h"
#include "org_cipherformer_he_KeyGenerator.h"

using namespace cf;
using namespace cf::jni;

namespace {
struct KeyGeneratorObject {
  std::shared_ptr<const ckks::Context> context;
  ckks::KeyGenerator generator;
};

KeyGeneratorObject &generator(jlong handle) { return from_handle<KeyGeneratorObject>(handle, "KeyGenerator"); }

template <class T>
jlong bound(const std::shared_ptr<const ckks::Context> &context, T value) {
  return to_handle(new Bound<T>{context, std::move(value)});
}

/// Galois elements must fit uint32 and be odd below 2N; the kernel checks the latter, we check the sign here.
std::vector<uint32_t> to_elements(const std::vector<int> &raw) {
  std::vector<uint32_t> out;
  out.reserve(raw.size());
  for (int g : raw) {
    if (g <= 0) illegal_argument("Galois element " + std::to_string(g) + " is not positive");
    out.push_back(static_cast<uint32_t>(g));
  }
  return out;
}
}  // namespace

extern "C" {

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_KeyGenerator_nativeCreate(JNIEnv *env, jclass,
                                                                          jlong context_handle) {
  return guard(env, [&]() -> jlong {
    const auto &context = from_handle<ContextObject>(context_handle, "CkksContext").context;
    auto lock = kernel_lock();
    return to_handle(new KeyGeneratorObject{context, ckks::KeyGenerator(context)});
  });
}

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_KeyGenerator_nativeCreateFrom(JNIEnv *env, jclass,
                                                                              jlong context_handle,
                                                                              jlong secret_key_handle) {
  return guard(env, [&]() -> jlong {
    const auto &context = from_handle<ContextObject>(context_handle, "CkksContext").context;
    const auto &secret_key = from_handle<SecretKeyObject>(secret_key_handle, "SecretKey");
    check_same_context(*context, *secret_key.context, "secret key");
    auto lock = kernel_lock();
    return to_handle(new KeyGeneratorObject{context, ckks::KeyGenerator(context, secret_key.value)});
  });
}

JNIEXPORT void JNICALL Java_org_cipherformer_he_KeyGenerator_nativeFree(JNIEnv *env, jclass, jlong handle) {
  guard(env, [&] { delete reinterpret_cast<KeyGeneratorObject *>(static_cast<intptr_t>(handle)); });
}

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_KeyGenerator_nativeSecretKey(JNIEnv *env, jclass, jlong handle) {
  return guard(env, [&]() -> jlong {
    const auto &g = generator(handle);
    return bound(g.context, g.generator.secret_key());
  });
}

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_KeyGenerator_nativeCreatePublicKey(JNIEnv *env, jclass,
                                                                                   jlong handle) {
  return guard(env, [&]() -> jlong {
    const auto &g = generator(handle);
    auto lock = kernel_lock();
    return bound(g.context, g.generator.create_public_key());
  });
}

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_KeyGenerator_nativeCreateRelinKeys(JNIEnv *env, jclass,
                                                                                   jlong handle) {
  return guard(env, [&]() -> jlong {
    const auto &g = generator(handle);
    auto lock = kernel_lock();
    return bound(g.context, g.generator.create_relin_keys());
  });
}

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_KeyGenerator_nativeCreateGaloisKeysForSteps(JNIEnv *env, jclass,
                                                                                            jlong handle,
                                                                                            jintArray steps) {
  return guard(env, [&]() -> jlong {
    const auto &g = generator(handle);
    // At most one key per Galois element: N distinct steps is already far more than anyone can store.
    const std::vector<int> list = copy_int_array(env, steps, g.context->poly_degree(), "rotation steps");
    auto lock = kernel_lock();
    return bound(g.context, g.generator.create_galois_keys_for_steps(list));
  });
}

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_KeyGenerator_nativeCreateGaloisKeysForElements(
    JNIEnv *env, jclass, jlong handle, jintArray elements) {
  return guard(env, [&]() -> jlong {
    const auto &g = generator(handle);
    const std::vector<uint32_t> list =
        to_elements(copy_int_array(env, elements, g.context->poly_degree(), "Galois elements"));
    auto lock = kernel_lock();
    return bound(g.context, g.generator.create_galois_keys(list));
  });
}

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_KeyGenerator_nativeCreateDefaultGaloisKeys(JNIEnv *env, jclass,
                                                                                           jlong handle) {
  return guard(env, [&]() -> jlong {
    const auto &g = generator(handle);
    auto lock = kernel_lock();
    return bound(g.context, g.generator.create_galois_keys());
  });
}

}  // extern "C"
