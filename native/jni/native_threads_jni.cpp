// JNI entry points of org.cipherformer.he.NativeThreads.
#include <jni.h>

#include <mutex>

#include "cipherformer/util/thread_pool.h"
#include "ckks_handles.h"
#include "org_cipherformer_he_NativeThreads.h"

using namespace cf;
using namespace cf::jni;

extern "C" {

JNIEXPORT void JNICALL Java_org_cipherformer_he_NativeThreads_nativeSetThreadCount(JNIEnv *env, jclass,
                                                                                  jint threads) {
  guard(env, [&] {
    if (threads < 0) illegal_argument("thread count " + std::to_string(threads) + " is negative");
    // Exclusive: no kernel may hold a reference to the pool being replaced (set_default_thread_count joins it).
    std::unique_lock<std::shared_mutex> lock(kernel_mutex());
    util::set_default_thread_count(static_cast<size_t>(threads));
  });
}

JNIEXPORT jint JNICALL Java_org_cipherformer_he_NativeThreads_nativeThreadCount(JNIEnv *env, jclass) {
  return guard(env, [&]() -> jint {
    std::shared_lock<std::shared_mutex> lock(kernel_mutex());
    return static_cast<jint>(util::default_thread_pool().size());
  });
}

}  // extern "C"
