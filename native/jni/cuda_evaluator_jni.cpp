// JNI entry points of org.cipherformer.he.CudaEvaluator: device-resident ciphertexts (upload, download, metadata,
// copies) and the evaluator operations of cf::cuda::DeviceEvaluator, with the relinearization and Galois keys
// uploaded once when the evaluator is made. Operation codes match the constants in CudaEvaluator.java.
//
// Built into every JNI library. Without CF_WITH_CUDA (the default build) each entry point raises
// IllegalStateException "built without the CUDA backend"; Java never gets there, because CudaEvaluator refuses to be
// made unless CudaSupport reports a usable device. With CF_WITH_CUDA it is linked against cf_cuda (the real backend)
// or, for the JUnit test of the device path, against cf_cuda_emulated (native/cuda/emulation: the same host code on
// a host stand-in of the CUDA runtime).
//
// Device work is serialized by one process-wide mutex: every operation runs on the legacy default stream anyway, and
// the lock keeps concurrent Java threads (several server sessions) from interleaving the host-side steps of two
// operations (temporary pools, the transparency read-back). Each call also holds kernel_lock(), because the host
// parts use the CPU engine's thread pool.
#include <jni.h>

#include <memory>
#include <string>
#include <vector>

#include "ckks_handles.h"
#include "org_cipherformer_he_CudaEvaluator.h"

#ifdef CF_WITH_CUDA
#include <mutex>

#include "cipherformer/cuda/device_context.h"
#include "cipherformer/cuda/device_evaluator.h"
#include "cipherformer/cuda/device_objects.h"
#endif

using namespace cf;
using namespace cf::jni;

namespace {

#ifdef CF_WITH_CUDA

/// The Java CudaEvaluator's native side: the device tables of one context, the device evaluator, and the
/// evaluation keys in device memory (uploaded once; relinearize and rotate use them).
struct CudaEvaluatorObject {
  std::shared_ptr<const ckks::Context> context;
  std::shared_ptr<const cuda::DeviceContext> device;
  cuda::DeviceEvaluator evaluator;
  cuda::DeviceRelinKeys relin_keys;
  bool has_relin_keys;
  cuda::DeviceGaloisKeys galois_keys;
};

/// A device-resident ciphertext (the native side of a Java Ciphertext whose isOnDevice() is true).
struct DeviceCiphertextObject {
  std::shared_ptr<const ckks::Context> context;
  cuda::DeviceCiphertext value;
};

enum UnaryOp { kNegate = 0, kSquare = 1, kRescaleToNext = 2, kModSwitchToNext = 3 };
enum BinaryOp { kAdd = 0, kSub = 1, kMultiply = 2 };
enum PlainOp { kAddPlain = 0, kSubPlain = 1, kMultiplyPlain = 2 };

std::mutex &device_mutex() {
  static std::mutex mutex;
  return mutex;
}

/// Held for the duration of one device call: the device mutex, then the shared kernel lock.
struct DeviceLock {
  std::lock_guard<std::mutex> device{device_mutex()};
  std::shared_lock<std::shared_mutex> kernels = kernel_lock();
};

CudaEvaluatorObject &evaluator(jlong handle) { return from_handle<CudaEvaluatorObject>(handle, "CudaEvaluator"); }

DeviceCiphertextObject &device_ciphertext(jlong handle) {
  return from_handle<DeviceCiphertextObject>(handle, "device Ciphertext");
}

DeviceCiphertextObject &operand(const CudaEvaluatorObject &e, jlong handle, const char *what) {
  auto &object = from_handle<DeviceCiphertextObject>(handle, what);
  check_same_context(*e.context, *object.context, what);
  return object;
}

jlong new_device_handle(const std::shared_ptr<const ckks::Context> &context, cuda::DeviceCiphertext value) {
  return to_handle(new DeviceCiphertextObject{context, std::move(value)});
}

/// Runs op on a device copy (out of place: returns the new handle) or on the operand itself (in place: returns 0).
template <class Op>
jlong apply(const CudaEvaluatorObject &e, DeviceCiphertextObject &a, bool in_place, Op &&op) {
  DeviceLock lock;
  if (in_place) {
    op(a.value);
    return 0;
  }
  cuda::DeviceCiphertext result = a.value.clone();
  op(result);
  return new_device_handle(e.context, std::move(result));
}

const cuda::DeviceRelinKeys &relin_keys(const CudaEvaluatorObject &e) {
  if (!e.has_relin_keys) {
    throw JavaException("java/lang/IllegalStateException",
                        "this CudaEvaluator was made without relinearization keys");
  }
  return e.relin_keys;
}

#else

[[noreturn]] void no_cuda() {
  throw JavaException("java/lang/IllegalStateException",
                      "this native library was built without the CUDA backend (build with -Dcipherformer.cuda=true "
                      "on a machine with nvcc)");
}

#endif

}  // namespace

extern "C" {

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_CudaEvaluator_nativeCreate(JNIEnv *env, jclass,
                                                                           jlong context_handle, jlong relin_handle,
                                                                           jlong galois_handle) {
  return guard(env, [&]() -> jlong {
#ifdef CF_WITH_CUDA
    const auto &context = from_handle<ContextObject>(context_handle, "CkksContext").context;
    DeviceLock lock;
    auto device = std::make_shared<const cuda::DeviceContext>(context);
    cuda::DeviceRelinKeys relin;
    if (relin_handle != 0) {
      const auto &keys = from_handle<RelinKeysObject>(relin_handle, "RelinKeys");
      check_same_context(*context, *keys.context, "RelinKeys");
      relin = cuda::DeviceRelinKeys::upload(*device, keys.value);
    }
    cuda::DeviceGaloisKeys galois;
    if (galois_handle != 0) {
      const auto &keys = from_handle<GaloisKeysObject>(galois_handle, "GaloisKeys");
      check_same_context(*context, *keys.context, "GaloisKeys");
      galois = cuda::DeviceGaloisKeys::upload(*device, keys.value);
    }
    cuda::DeviceEvaluator ev(device);
    return to_handle(new CudaEvaluatorObject{context, device, std::move(ev), std::move(relin), relin_handle != 0,
                                             std::move(galois)});
#else
    (void)context_handle;
    (void)relin_handle;
    (void)galois_handle;
    no_cuda();
#endif
  });
}

JNIEXPORT void JNICALL Java_org_cipherformer_he_CudaEvaluator_nativeFree(JNIEnv *env, jclass, jlong handle) {
  guard(env, [&] {
#ifdef CF_WITH_CUDA
    // Device frees are stream-ordered: take the device lock like every other device call.
    DeviceLock lock;
    delete reinterpret_cast<CudaEvaluatorObject *>(static_cast<intptr_t>(handle));
#else
    (void)handle;
#endif
  });
}

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_CudaEvaluator_nativeUpload(JNIEnv *env, jclass, jlong handle,
                                                                           jlong ct_handle) {
  return guard(env, [&]() -> jlong {
#ifdef CF_WITH_CUDA
    const auto &e = evaluator(handle);
    const auto &ct = from_handle<CiphertextObject>(ct_handle, "Ciphertext");
    check_same_context(*e.context, *ct.context, "Ciphertext");
    DeviceLock lock;
    return new_device_handle(e.context, cuda::DeviceCiphertext::upload(*e.device, ct.value));
#else
    (void)handle;
    (void)ct_handle;
    no_cuda();
#endif
  });
}

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_CudaEvaluator_nativeDownload(JNIEnv *env, jclass, jlong handle) {
  return guard(env, [&]() -> jlong {
#ifdef CF_WITH_CUDA
    const auto &d = device_ciphertext(handle);
    DeviceLock lock;
    return to_handle(new CiphertextObject{d.context, d.value.download()});
#else
    (void)handle;
    no_cuda();
#endif
  });
}

JNIEXPORT void JNICALL Java_org_cipherformer_he_CudaEvaluator_nativeFreeCiphertext(JNIEnv *env, jclass,
                                                                                  jlong handle) {
  guard(env, [&] {
#ifdef CF_WITH_CUDA
    DeviceLock lock;
    delete reinterpret_cast<DeviceCiphertextObject *>(static_cast<intptr_t>(handle));
#else
    (void)handle;
#endif
  });
}

JNIEXPORT jint JNICALL Java_org_cipherformer_he_CudaEvaluator_nativeLevel(JNIEnv *env, jclass, jlong handle) {
  return guard(env, [&]() -> jint {
#ifdef CF_WITH_CUDA
    return static_cast<jint>(device_ciphertext(handle).value.level);
#else
    (void)handle;
    no_cuda();
#endif
  });
}

JNIEXPORT jint JNICALL Java_org_cipherformer_he_CudaEvaluator_nativeSize(JNIEnv *env, jclass, jlong handle) {
  return guard(env, [&]() -> jint {
#ifdef CF_WITH_CUDA
    return static_cast<jint>(device_ciphertext(handle).value.size);
#else
    (void)handle;
    no_cuda();
#endif
  });
}

JNIEXPORT jdouble JNICALL Java_org_cipherformer_he_CudaEvaluator_nativeScale(JNIEnv *env, jclass, jlong handle) {
  return guard(env, [&]() -> jdouble {
#ifdef CF_WITH_CUDA
    return device_ciphertext(handle).value.scale;
#else
    (void)handle;
    no_cuda();
#endif
  });
}

JNIEXPORT void JNICALL Java_org_cipherformer_he_CudaEvaluator_nativeSetScale(JNIEnv *env, jclass, jlong handle,
                                                                            jdouble scale) {
  guard(env, [&] {
#ifdef CF_WITH_CUDA
    // Java checked the value (positive, finite); only host metadata changes.
    device_ciphertext(handle).value.scale = scale;
#else
    (void)handle;
    (void)scale;
    no_cuda();
#endif
  });
}

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_CudaEvaluator_nativeCopy(JNIEnv *env, jclass, jlong handle) {
  return guard(env, [&]() -> jlong {
#ifdef CF_WITH_CUDA
    const auto &d = device_ciphertext(handle);
    DeviceLock lock;
    return new_device_handle(d.context, d.value.clone());
#else
    (void)handle;
    no_cuda();
#endif
  });
}

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_CudaEvaluator_nativeUnary(JNIEnv *env, jclass, jlong handle,
                                                                          jint op, jlong a_handle,
                                                                          jboolean in_place) {
  return guard(env, [&]() -> jlong {
#ifdef CF_WITH_CUDA
    const auto &e = evaluator(handle);
    auto &a = operand(e, a_handle, "Ciphertext");
    const auto &ev = e.evaluator;
    switch (op) {
      case kNegate:
        return apply(e, a, in_place, [&](cuda::DeviceCiphertext &c) { ev.negate_inplace(c); });
      case kSquare:
        return apply(e, a, in_place, [&](cuda::DeviceCiphertext &c) { ev.square_inplace(c); });
      case kRescaleToNext:
        return apply(e, a, in_place, [&](cuda::DeviceCiphertext &c) { ev.rescale_to_next_inplace(c); });
      case kModSwitchToNext:
        return apply(e, a, in_place, [&](cuda::DeviceCiphertext &c) { ev.mod_switch_to_next_inplace(c); });
      default:
        illegal_argument("unknown unary evaluator operation " + std::to_string(op));
    }
#else
    (void)handle;
    (void)op;
    (void)a_handle;
    (void)in_place;
    no_cuda();
#endif
  });
}

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_CudaEvaluator_nativeBinary(JNIEnv *env, jclass, jlong handle,
                                                                           jint op, jlong a_handle, jlong b_handle,
                                                                           jboolean in_place) {
  return guard(env, [&]() -> jlong {
#ifdef CF_WITH_CUDA
    const auto &e = evaluator(handle);
    auto &a = operand(e, a_handle, "Ciphertext a");
    const auto &b_object = operand(e, b_handle, "Ciphertext b");
    // The same ciphertext on both sides of an in-place operation: read b from a device copy, so that writes to a do
    // not feed back into the operand being read (as the CPU shim does).
    std::unique_ptr<cuda::DeviceCiphertext> b_copy;
    if (in_place && &a == &b_object) {
      DeviceLock lock;
      b_copy = std::make_unique<cuda::DeviceCiphertext>(b_object.value.clone());
    }
    const cuda::DeviceCiphertext &b = b_copy ? *b_copy : b_object.value;
    const auto &ev = e.evaluator;
    jlong result = 0;
    switch (op) {
      case kAdd:
        result = apply(e, a, in_place, [&](cuda::DeviceCiphertext &c) { ev.add_inplace(c, b); });
        break;
      case kSub:
        result = apply(e, a, in_place, [&](cuda::DeviceCiphertext &c) { ev.sub_inplace(c, b); });
        break;
      case kMultiply:
        result = apply(e, a, in_place, [&](cuda::DeviceCiphertext &c) { ev.multiply_inplace(c, b); });
        break;
      default:
        illegal_argument("unknown binary evaluator operation " + std::to_string(op));
    }
    if (b_copy) {
      DeviceLock lock;  // the copy's device memory is freed stream-ordered
      b_copy.reset();
    }
    return result;
#else
    (void)handle;
    (void)op;
    (void)a_handle;
    (void)b_handle;
    (void)in_place;
    no_cuda();
#endif
  });
}

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_CudaEvaluator_nativePlain(JNIEnv *env, jclass, jlong handle,
                                                                          jint op, jlong a_handle, jlong p_handle,
                                                                          jboolean in_place) {
  return guard(env, [&]() -> jlong {
#ifdef CF_WITH_CUDA
    const auto &e = evaluator(handle);
    auto &a = operand(e, a_handle, "Ciphertext");
    const auto &p_object = from_handle<PlaintextObject>(p_handle, "Plaintext");
    check_same_context(*e.context, *p_object.context, "Plaintext");
    // Plaintexts live on the host (the encode cache keeps them there); each use copies one to the device.
    std::unique_ptr<cuda::DevicePlaintext> p;
    {
      DeviceLock lock;
      p = std::make_unique<cuda::DevicePlaintext>(cuda::DevicePlaintext::upload(*e.device, p_object.value));
    }
    const auto &ev = e.evaluator;
    jlong result = 0;
    switch (op) {
      case kAddPlain:
        result = apply(e, a, in_place, [&](cuda::DeviceCiphertext &c) { ev.add_plain_inplace(c, *p); });
        break;
      case kSubPlain:
        result = apply(e, a, in_place, [&](cuda::DeviceCiphertext &c) { ev.sub_plain_inplace(c, *p); });
        break;
      case kMultiplyPlain:
        result = apply(e, a, in_place, [&](cuda::DeviceCiphertext &c) { ev.multiply_plain_inplace(c, *p); });
        break;
      default:
        illegal_argument("unknown plaintext evaluator operation " + std::to_string(op));
    }
    DeviceLock lock;
    p.reset();
    return result;
#else
    (void)handle;
    (void)op;
    (void)a_handle;
    (void)p_handle;
    (void)in_place;
    no_cuda();
#endif
  });
}

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_CudaEvaluator_nativeRelinearize(JNIEnv *env, jclass, jlong handle,
                                                                                jlong a_handle, jboolean in_place) {
  return guard(env, [&]() -> jlong {
#ifdef CF_WITH_CUDA
    const auto &e = evaluator(handle);
    auto &a = operand(e, a_handle, "Ciphertext");
    const auto &keys = relin_keys(e);
    return apply(e, a, in_place, [&](cuda::DeviceCiphertext &c) { e.evaluator.relinearize_inplace(c, keys); });
#else
    (void)handle;
    (void)a_handle;
    (void)in_place;
    no_cuda();
#endif
  });
}

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_CudaEvaluator_nativeRotate(JNIEnv *env, jclass, jlong handle,
                                                                           jlong a_handle, jint steps,
                                                                           jboolean in_place) {
  return guard(env, [&]() -> jlong {
#ifdef CF_WITH_CUDA
    const auto &e = evaluator(handle);
    auto &a = operand(e, a_handle, "Ciphertext");
    return apply(e, a, in_place,
                 [&](cuda::DeviceCiphertext &c) { e.evaluator.rotate_vector_inplace(c, steps, e.galois_keys); });
#else
    (void)handle;
    (void)a_handle;
    (void)steps;
    (void)in_place;
    no_cuda();
#endif
  });
}

JNIEXPORT jlongArray JNICALL Java_org_cipherformer_he_CudaEvaluator_nativeRotateHoisted(JNIEnv *env, jclass,
                                                                                       jlong handle, jlong a_handle,
                                                                                       jintArray steps_array) {
  return guard(env, [&]() -> jlongArray {
#ifdef CF_WITH_CUDA
    const auto &e = evaluator(handle);
    const auto &a = operand(e, a_handle, "Ciphertext");
    // Every result is a full device ciphertext: bound the count by the number of distinct rotations.
    const std::vector<int> steps = copy_int_array(env, steps_array, e.context->slot_count(), "rotation steps");
    std::vector<std::unique_ptr<DeviceCiphertextObject>> owned;
    {
      DeviceLock lock;
      std::vector<cuda::DeviceCiphertext> results = e.evaluator.rotate_hoisted(a.value, steps, e.galois_keys);
      owned.reserve(results.size());
      for (auto &r : results) {
        owned.push_back(std::make_unique<DeviceCiphertextObject>(DeviceCiphertextObject{e.context, std::move(r)}));
      }
    }
    std::vector<uint64_t> handles(owned.size());
    for (size_t i = 0; i < owned.size(); i++) handles[i] = static_cast<uint64_t>(to_handle(owned[i].get()));
    jlongArray out = new_long_array(env, handles.data(), handles.size());
    for (auto &o : owned) o.release();  // now owned by the Java array (the caller wraps each in a Ciphertext)
    return out;
#else
    (void)handle;
    (void)a_handle;
    (void)steps_array;
    no_cuda();
#endif
  });
}

JNIEXPORT void JNICALL Java_org_cipherformer_he_CudaEvaluator_nativeModSwitchTo(JNIEnv *env, jclass, jlong handle,
                                                                               jlong a_handle, jint level) {
  guard(env, [&] {
#ifdef CF_WITH_CUDA
    const auto &e = evaluator(handle);
    auto &a = operand(e, a_handle, "Ciphertext");
    if (level < 0) illegal_argument("level " + std::to_string(level) + " is negative");
    const size_t target = static_cast<size_t>(level);
    // The CPU engine's check and message (Evaluator::mod_switch_to_inplace).
    if (target > a.value.level) {
      illegal_argument("cannot switch up from level " + std::to_string(a.value.level) + " to level " +
                       std::to_string(target));
    }
    DeviceLock lock;
    while (a.value.level > target) e.evaluator.mod_switch_to_next_inplace(a.value);
#else
    (void)handle;
    (void)a_handle;
    (void)level;
    no_cuda();
#endif
  });
}

}  // extern "C"
