// JNI entry points of org.cipherformer.he.CkksContext.
#include <jni.h>

#include <memory>
#include <vector>

#include "ckks_handles.h"
#include "org_cipherformer_he_CkksContext.h"

using namespace cf;
using namespace cf::jni;

extern "C" JNIEXPORT jlong JNICALL Java_org_cipherformer_he_CkksContext_nativeCreate(JNIEnv *env, jclass,
                                                                                    jint poly_degree,
                                                                                    jlongArray primes) {
  return guard(env, [&]() -> jlong {
    if (poly_degree <= 0) illegal_argument("poly_modulus_degree " + std::to_string(poly_degree) + " is not positive");
    if (primes == nullptr) illegal_argument("coefficient modulus is null");
    const auto count = static_cast<size_t>(env->GetArrayLength(primes));
    if (count == 0 || count > ckks::Context::kMaxPrimeCount) {
      illegal_argument("coefficient modulus has " + std::to_string(count) + " primes, expected 1.." +
                       std::to_string(ckks::Context::kMaxPrimeCount));
    }
    std::vector<uint64_t> q = copy_long_array(env, primes, count, "coefficient modulus");
    auto object = std::make_unique<ContextObject>();
    object->context = std::make_shared<const ckks::Context>(static_cast<size_t>(poly_degree), q);
    return to_handle(object.release());
  });
}

extern "C" JNIEXPORT void JNICALL Java_org_cipherformer_he_CkksContext_nativeFree(JNIEnv *env, jclass,
                                                                                 jlong handle) {
  guard(env, [&] { delete reinterpret_cast<ContextObject *>(static_cast<intptr_t>(handle)); });
}
