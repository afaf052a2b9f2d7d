// JNI entry points of org.cipherformer.he.GaloisKeys: metadata and part-by-part export/import for serialization.
#include <jni.h>

#include <memory>

#include "cipherformer/ckks/validation.h"
#include "ckks_handles.h"
#include "key_import.h"
#include "org_cipherformer_he_GaloisKeys.h"

using namespace cf;
using namespace cf::jni;

namespace {
GaloisKeysObject &galois_keys(jlong handle) { return from_handle<GaloisKeysObject>(handle, "GaloisKeys"); }

const ckks::KSwitchKeys &key_of(const GaloisKeysObject &keys, jint element) {
  const auto it = keys.value.data.find(static_cast<uint32_t>(element));
  if (element <= 0 || it == keys.value.data.end()) {
    illegal_argument("no Galois key for element " + std::to_string(element));
  }
  return it->second;
}

const ckks::PublicKey &part_at(const GaloisKeysObject &keys, jint element, jint part) {
  const auto &parts = key_of(keys, element).data;
  if (part < 0 || static_cast<size_t>(part) >= parts.size()) {
    illegal_argument("Galois key part " + std::to_string(part) + " outside 0.." +
                     std::to_string(static_cast<long>(parts.size()) - 1));
  }
  return parts[static_cast<size_t>(part)];
}
}  // namespace

extern "C" {

JNIEXPORT void JNICALL Java_org_cipherformer_he_GaloisKeys_nativeFree(JNIEnv *env, jclass, jlong handle) {
  guard(env, [&] { delete reinterpret_cast<GaloisKeysObject *>(static_cast<intptr_t>(handle)); });
}

JNIEXPORT jintArray JNICALL Java_org_cipherformer_he_GaloisKeys_nativeGaloisElements(JNIEnv *env, jclass,
                                                                                    jlong handle) {
  return guard(env, [&]() -> jintArray {
    const auto &map = galois_keys(handle).value.data;
    std::vector<jint> elements;
    elements.reserve(map.size());
    for (const auto &entry : map) elements.push_back(static_cast<jint>(entry.first));
    jintArray out = env->NewIntArray(static_cast<jsize>(elements.size()));
    if (out == nullptr) throw JavaException("java/lang/OutOfMemoryError", "allocating the Galois element list");
    env->SetIntArrayRegion(out, 0, static_cast<jsize>(elements.size()), elements.data());
    return out;
  });
}

JNIEXPORT jint JNICALL Java_org_cipherformer_he_GaloisKeys_nativePartCount(JNIEnv *env, jclass, jlong handle,
                                                                          jint element) {
  return guard(env, [&]() -> jint { return static_cast<jint>(key_of(galois_keys(handle), element).data.size()); });
}

JNIEXPORT jlongArray JNICALL Java_org_cipherformer_he_GaloisKeys_nativePartData(JNIEnv *env, jclass, jlong handle,
                                                                               jint element, jint part) {
  return guard(env, [&]() -> jlongArray {
    const auto &data = part_at(galois_keys(handle), element, part).data.data;
    return new_long_array(env, data.data(), data.size());
  });
}

JNIEXPORT jlongArray JNICALL Java_org_cipherformer_he_GaloisKeys_nativePartSeed(JNIEnv *env, jclass, jlong handle,
                                                                               jint element, jint part) {
  return guard(env, [&]() -> jlongArray {
    const auto &seed = part_at(galois_keys(handle), element, part).data.seed;
    if (!seed) return nullptr;
    return new_long_array(env, seed->data(), seed->size());
  });
}

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_GaloisKeys_nativeCreateEmpty(JNIEnv *env, jclass,
                                                                             jlong context_handle) {
  return guard(env, [&]() -> jlong {
    auto object = std::make_unique<GaloisKeysObject>();
    object->context = from_handle<ContextObject>(context_handle, "CkksContext").context;
    return to_handle(object.release());
  });
}

JNIEXPORT void JNICALL Java_org_cipherformer_he_GaloisKeys_nativeAppendPart(JNIEnv *env, jclass, jlong handle,
                                                                           jint element, jlongArray data,
                                                                           jlongArray seed) {
  guard(env, [&] {
    auto &keys = galois_keys(handle);
    const auto two_n = static_cast<jint>(2 * keys.context->poly_degree());
    if (element <= 0 || element >= two_n || element % 2 == 0) {
      illegal_argument("Galois element " + std::to_string(element) + " is not odd in 1.." +
                       std::to_string(two_n - 1));
    }
    auto &parts = keys.value.data[static_cast<uint32_t>(element)].data;
    const size_t parts_per_key = keys.context->first_level() + 1;
    if (parts.size() >= parts_per_key) {
      illegal_argument("Galois key " + std::to_string(element) + " already has " + std::to_string(parts.size()) +
                       " parts (one per data prime)");
    }
    ckks::PublicKey part;
    part.data = import_key_ciphertext(env, *keys.context, data, seed,
                                      "Galois key " + std::to_string(element) + " part " +
                                          std::to_string(parts.size()));
    parts.push_back(std::move(part));
  });
}

JNIEXPORT void JNICALL Java_org_cipherformer_he_GaloisKeys_nativeValidate(JNIEnv *env, jclass, jlong handle) {
  guard(env, [&] {
    const auto &keys = galois_keys(handle);
    for (const auto &entry : keys.value.data) {
      ckks::check_kswitch_keys(*keys.context, entry.second, "Galois key " + std::to_string(entry.first));
    }
  });
}

}  // extern "C"
