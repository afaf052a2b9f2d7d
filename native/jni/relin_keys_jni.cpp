// JNI entry points of org.cipherformer.he.RelinKeys: metadata and part-by-part export/import for serialization.
#include <jni.h>

#include <memory>

#include "cipherformer/ckks/validation.h"
#include "ckks_handles.h"
#include "key_import.h"
#include "org_cipherformer_he_RelinKeys.h"

using namespace cf;
using namespace cf::jni;

namespace {
RelinKeysObject &relin_keys(jlong handle) { return from_handle<RelinKeysObject>(handle, "RelinKeys"); }

const ckks::PublicKey &part_at(const RelinKeysObject &keys, jint key, jint part) {
  if (key < 0 || static_cast<size_t>(key) >= keys.value.data.size()) {
    illegal_argument("relinearization key index " + std::to_string(key) + " outside 0.." +
                     std::to_string(static_cast<long>(keys.value.data.size()) - 1));
  }
  const auto &parts = keys.value.data[static_cast<size_t>(key)].data;
  if (part < 0 || static_cast<size_t>(part) >= parts.size()) {
    illegal_argument("relinearization key part " + std::to_string(part) + " outside 0.." +
                     std::to_string(static_cast<long>(parts.size()) - 1));
  }
  return parts[static_cast<size_t>(part)];
}
}  // namespace

extern "C" {

JNIEXPORT void JNICALL Java_org_cipherformer_he_RelinKeys_nativeFree(JNIEnv *env, jclass, jlong handle) {
  guard(env, [&] { delete reinterpret_cast<RelinKeysObject *>(static_cast<intptr_t>(handle)); });
}

JNIEXPORT jint JNICALL Java_org_cipherformer_he_RelinKeys_nativeKeyCount(JNIEnv *env, jclass, jlong handle) {
  return guard(env, [&]() -> jint { return static_cast<jint>(relin_keys(handle).value.data.size()); });
}

JNIEXPORT jint JNICALL Java_org_cipherformer_he_RelinKeys_nativePartCount(JNIEnv *env, jclass, jlong handle,
                                                                         jint key) {
  return guard(env, [&]() -> jint {
    const auto &keys = relin_keys(handle);
    if (key < 0 || static_cast<size_t>(key) >= keys.value.data.size()) {
      illegal_argument("relinearization key index " + std::to_string(key) + " out of range");
    }
    return static_cast<jint>(keys.value.data[static_cast<size_t>(key)].data.size());
  });
}

JNIEXPORT jlongArray JNICALL Java_org_cipherformer_he_RelinKeys_nativePartData(JNIEnv *env, jclass, jlong handle,
                                                                              jint key, jint part) {
  return guard(env, [&]() -> jlongArray {
    const auto &data = part_at(relin_keys(handle), key, part).data.data;
    return new_long_array(env, data.data(), data.size());
  });
}

JNIEXPORT jlongArray JNICALL Java_org_cipherformer_he_RelinKeys_nativePartSeed(JNIEnv *env, jclass, jlong handle,
                                                                              jint key, jint part) {
  return guard(env, [&]() -> jlongArray {
    const auto &seed = part_at(relin_keys(handle), key, part).data.seed;
    if (!seed) return nullptr;
    return new_long_array(env, seed->data(), seed->size());
  });
}

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_RelinKeys_nativeCreateEmpty(JNIEnv *env, jclass,
                                                                            jlong context_handle) {
  return guard(env, [&]() -> jlong {
    auto object = std::make_unique<RelinKeysObject>();
    object->context = from_handle<ContextObject>(context_handle, "CkksContext").context;
    return to_handle(object.release());
  });
}

JNIEXPORT void JNICALL Java_org_cipherformer_he_RelinKeys_nativeAppendPart(JNIEnv *env, jclass, jlong handle,
                                                                          jint key, jlongArray data,
                                                                          jlongArray seed) {
  guard(env, [&] {
    auto &keys = relin_keys(handle);
    auto &list = keys.value.data;
    // Keys arrive in order: append to the last key or start the next one; SEAL allows at most 16 - 2 + 1 keys.
    if (key < 0 || static_cast<size_t>(key) > list.size() || static_cast<size_t>(key) + 2 > ckks::kMaxCiphertextSize) {
      illegal_argument("relinearization key index " + std::to_string(key) + " is not the current (" +
                       std::to_string(static_cast<long>(list.size()) - 1) + ") or next key");
    }
    const size_t parts_per_key = keys.context->first_level() + 1;
    if (static_cast<size_t>(key) == list.size()) list.emplace_back();
    auto &parts = list[static_cast<size_t>(key)].data;
    if (parts.size() >= parts_per_key) {
      illegal_argument("relinearization key " + std::to_string(key) + " already has " + std::to_string(parts.size()) +
                       " parts (one per data prime)");
    }
    ckks::PublicKey part;
    part.data = import_key_ciphertext(env, *keys.context, data, seed,
                                      "relinearization key " + std::to_string(key) + " part " +
                                          std::to_string(parts.size()));
    parts.push_back(std::move(part));
  });
}

JNIEXPORT void JNICALL Java_org_cipherformer_he_RelinKeys_nativeValidate(JNIEnv *env, jclass, jlong handle) {
  guard(env, [&] {
    const auto &keys = relin_keys(handle);
    if (keys.value.data.empty()) illegal_argument("relinearization keys are empty");
    for (size_t i = 0; i < keys.value.data.size(); i++) {
      ckks::check_kswitch_keys(*keys.context, keys.value.data[i], "relinearization key " + std::to_string(i));
    }
  });
}

}  // extern "C"
