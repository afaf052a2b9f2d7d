// JNI entry points of org.cipherformer.he.NativeInfo.
#include <jni.h>

#include "cipherformer/version.h"
#include "jni_util.h"
#include "org_cipherformer_he_NativeInfo.h"

extern "C" JNIEXPORT jstring JNICALL Java_org_cipherformer_he_NativeInfo_nativeVersion(JNIEnv *env, jclass) {
  return cf::jni::guard(env, [&]() -> jstring { return env->NewStringUTF(cf::native_version()); });
}
