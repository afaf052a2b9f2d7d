// JNI entry points of org.cipherformer.he.CudaSupport: whether this library contains the CUDA backend and what GPU it
// sees. CF_WITH_CUDA is defined (by native/cuda/CMakeLists.txt) only when the library is built with CF_BUILD_CUDA=ON.
#include <jni.h>

#include <string>

#include "jni_util.h"
#include "org_cipherformer_he_CudaSupport.h"

#ifdef CF_WITH_CUDA
#include "cipherformer/cuda/device_runtime.h"
#endif

extern "C" JNIEXPORT jint JNICALL Java_org_cipherformer_he_CudaSupport_nativeDeviceCount(JNIEnv *env, jclass) {
  return cf::jni::guard(env, [&]() -> jint {
#ifdef CF_WITH_CUDA
    return static_cast<jint>(cf::cuda::device_count());
#else
    return -1;
#endif
  });
}

extern "C" JNIEXPORT jstring JNICALL Java_org_cipherformer_he_CudaSupport_nativeDescription(JNIEnv *env, jclass) {
  return cf::jni::guard(env, [&]() -> jstring {
#ifdef CF_WITH_CUDA
    const std::string text = cf::cuda::device_description();
#else
    const std::string text =
        "this native library was built without the CUDA backend (build with -Dcipherformer.cuda=true on a machine "
        "with nvcc)";
#endif
    return env->NewStringUTF(text.c_str());
  });
}
