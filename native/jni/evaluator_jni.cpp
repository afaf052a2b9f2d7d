// JNI entry points of org.cipherformer.he.Evaluator. Operation codes match the constants in Evaluator.java.
// Out-of-place calls return a new Ciphertext/Plaintext handle; in-place calls write into the first operand and
// return 0. The native evaluator is stateless, so concurrent calls from several Java threads are safe.
#include <jni.h>

#include <memory>

#include "cipherformer/ckks/evaluator.h"
#include "ckks_handles.h"
#include "org_cipherformer_he_Evaluator.h"

using namespace cf;
using namespace cf::jni;

namespace {
struct EvaluatorObject {
  std::shared_ptr<const ckks::Context> context;
  ckks::Evaluator evaluator;
};

enum UnaryOp { kNegate = 0, kSquare = 1, kRescaleToNext = 2, kModSwitchToNext = 3 };
enum BinaryOp { kAdd = 0, kSub = 1, kMultiply = 2 };
enum PlainOp { kAddPlain = 0, kSubPlain = 1, kMultiplyPlain = 2 };

EvaluatorObject &evaluator(jlong handle) { return from_handle<EvaluatorObject>(handle, "Evaluator"); }

template <class T>
Bound<T> &operand(const EvaluatorObject &e, jlong handle, const char *what) {
  auto &object = from_handle<Bound<T>>(handle, what);
  check_same_context(*e.context, *object.context, what);
  return object;
}

/// Runs op on a copy (out of place: returns the new handle) or on the operand itself (in place: returns 0).
template <class Op>
jlong apply(const EvaluatorObject &e, CiphertextObject &a, bool in_place, Op &&op) {
  auto lock = kernel_lock();
  if (in_place) {
    op(a.value);
    return 0;
  }
  auto result = std::make_unique<CiphertextObject>(CiphertextObject{e.context, a.value});
  result->value.seed.reset();
  op(result->value);
  return to_handle(result.release());
}
}  // namespace

extern "C" {

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_Evaluator_nativeCreate(JNIEnv *env, jclass, jlong context_handle) {
  return guard(env, [&]() -> jlong {
    const auto &context = from_handle<ContextObject>(context_handle, "CkksContext").context;
    return to_handle(new EvaluatorObject{context, ckks::Evaluator(context)});
  });
}

JNIEXPORT void JNICALL Java_org_cipherformer_he_Evaluator_nativeFree(JNIEnv *env, jclass, jlong handle) {
  guard(env, [&] { delete reinterpret_cast<EvaluatorObject *>(static_cast<intptr_t>(handle)); });
}

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_Evaluator_nativeUnary(JNIEnv *env, jclass, jlong handle, jint op,
                                                                      jlong a_handle, jboolean in_place) {
  return guard(env, [&]() -> jlong {
    const auto &e = evaluator(handle);
    auto &a = operand<ckks::Ciphertext>(e, a_handle, "Ciphertext");
    const auto &ev = e.evaluator;
    switch (op) {
      case kNegate:
        return apply(e, a, in_place, [&](ckks::Ciphertext &c) { ev.negate_inplace(c); });
      case kSquare:
        return apply(e, a, in_place, [&](ckks::Ciphertext &c) { ev.square_inplace(c); });
      case kRescaleToNext:
        return apply(e, a, in_place, [&](ckks::Ciphertext &c) { ev.rescale_to_next_inplace(c); });
      case kModSwitchToNext:
        return apply(e, a, in_place, [&](ckks::Ciphertext &c) { ev.mod_switch_to_next_inplace(c); });
      default:
        illegal_argument("unknown unary evaluator operation " + std::to_string(op));
    }
  });
}

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_Evaluator_nativeBinary(JNIEnv *env, jclass, jlong handle, jint op,
                                                                       jlong a_handle, jlong b_handle,
                                                                       jboolean in_place) {
  return guard(env, [&]() -> jlong {
    const auto &e = evaluator(handle);
    auto &a = operand<ckks::Ciphertext>(e, a_handle, "Ciphertext a");
    const auto &b_object = operand<ckks::Ciphertext>(e, b_handle, "Ciphertext b");
    // The same ciphertext on both sides of an in-place operation: work from a copy of b so writes to a don't feed
    // back into the operand being read.
    std::unique_ptr<ckks::Ciphertext> b_copy;
    if (in_place && &a == &b_object) b_copy = std::make_unique<ckks::Ciphertext>(b_object.value);
    const ckks::Ciphertext &b = b_copy ? *b_copy : b_object.value;
    const auto &ev = e.evaluator;
    switch (op) {
      case kAdd:
        return apply(e, a, in_place, [&](ckks::Ciphertext &c) { ev.add_inplace(c, b); });
      case kSub:
        return apply(e, a, in_place, [&](ckks::Ciphertext &c) { ev.sub_inplace(c, b); });
      case kMultiply:
        return apply(e, a, in_place, [&](ckks::Ciphertext &c) { ev.multiply_inplace(c, b); });
      default:
        illegal_argument("unknown binary evaluator operation " + std::to_string(op));
    }
  });
}

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_Evaluator_nativePlain(JNIEnv *env, jclass, jlong handle, jint op,
                                                                      jlong a_handle, jlong p_handle,
                                                                      jboolean in_place) {
  return guard(env, [&]() -> jlong {
    const auto &e = evaluator(handle);
    auto &a = operand<ckks::Ciphertext>(e, a_handle, "Ciphertext");
    const auto &p = operand<ckks::Plaintext>(e, p_handle, "Plaintext").value;
    const auto &ev = e.evaluator;
    switch (op) {
      case kAddPlain:
        return apply(e, a, in_place, [&](ckks::Ciphertext &c) { ev.add_plain_inplace(c, p); });
      case kSubPlain:
        return apply(e, a, in_place, [&](ckks::Ciphertext &c) { ev.sub_plain_inplace(c, p); });
      case kMultiplyPlain:
        return apply(e, a, in_place, [&](ckks::Ciphertext &c) { ev.multiply_plain_inplace(c, p); });
      default:
        illegal_argument("unknown plaintext evaluator operation " + std::to_string(op));
    }
  });
}

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_Evaluator_nativeRelinearize(JNIEnv *env, jclass, jlong handle,
                                                                            jlong a_handle, jlong keys_handle,
                                                                            jboolean in_place) {
  return guard(env, [&]() -> jlong {
    const auto &e = evaluator(handle);
    auto &a = operand<ckks::Ciphertext>(e, a_handle, "Ciphertext");
    const auto &keys = operand<ckks::RelinKeys>(e, keys_handle, "RelinKeys").value;
    return apply(e, a, in_place, [&](ckks::Ciphertext &c) { e.evaluator.relinearize_inplace(c, keys); });
  });
}

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_Evaluator_nativeRotate(JNIEnv *env, jclass, jlong handle,
                                                                       jlong a_handle, jint steps,
                                                                       jlong keys_handle, jboolean in_place) {
  return guard(env, [&]() -> jlong {
    const auto &e = evaluator(handle);
    auto &a = operand<ckks::Ciphertext>(e, a_handle, "Ciphertext");
    const auto &keys = operand<ckks::GaloisKeys>(e, keys_handle, "GaloisKeys").value;
    return apply(e, a, in_place, [&](ckks::Ciphertext &c) { e.evaluator.rotate_vector_inplace(c, steps, keys); });
  });
}

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_Evaluator_nativeConjugate(JNIEnv *env, jclass, jlong handle,
                                                                          jlong a_handle, jlong keys_handle,
                                                                          jboolean in_place) {
  return guard(env, [&]() -> jlong {
    const auto &e = evaluator(handle);
    auto &a = operand<ckks::Ciphertext>(e, a_handle, "Ciphertext");
    const auto &keys = operand<ckks::GaloisKeys>(e, keys_handle, "GaloisKeys").value;
    return apply(e, a, in_place, [&](ckks::Ciphertext &c) { e.evaluator.complex_conjugate_inplace(c, keys); });
  });
}

JNIEXPORT jlongArray JNICALL Java_org_cipherformer_he_Evaluator_nativeRotateHoisted(JNIEnv *env, jclass,
                                                                                   jlong handle, jlong a_handle,
                                                                                   jintArray steps_array,
                                                                                   jlong keys_handle) {
  return guard(env, [&]() -> jlongArray {
    const auto &e = evaluator(handle);
    const auto &a = operand<ckks::Ciphertext>(e, a_handle, "Ciphertext");
    const auto &keys = operand<ckks::GaloisKeys>(e, keys_handle, "GaloisKeys").value;
    // Every result is a full ciphertext: bound the count by the number of distinct rotations.
    const std::vector<int> steps = copy_int_array(env, steps_array, e.context->slot_count(), "rotation steps");
    std::vector<ckks::Ciphertext> results;
    {
      auto lock = kernel_lock();
      results = e.evaluator.rotate_hoisted(a.value, steps, keys);
    }
    std::vector<std::unique_ptr<CiphertextObject>> owned;
    owned.reserve(results.size());
    for (auto &r : results) owned.push_back(std::make_unique<CiphertextObject>(CiphertextObject{e.context, std::move(r)}));
    std::vector<uint64_t> handles(owned.size());
    for (size_t i = 0; i < owned.size(); i++) handles[i] = static_cast<uint64_t>(to_handle(owned[i].get()));
    jlongArray out = new_long_array(env, handles.data(), handles.size());
    for (auto &o : owned) o.release();  // now owned by the Java array (the caller wraps each in a Ciphertext)
    return out;
  });
}

JNIEXPORT void JNICALL Java_org_cipherformer_he_Evaluator_nativeModSwitchTo(JNIEnv *env, jclass, jlong handle,
                                                                           jlong a_handle, jint level) {
  guard(env, [&] {
    const auto &e = evaluator(handle);
    auto &a = operand<ckks::Ciphertext>(e, a_handle, "Ciphertext");
    if (level < 0) illegal_argument("level " + std::to_string(level) + " is negative");
    auto lock = kernel_lock();
    e.evaluator.mod_switch_to_inplace(a.value, static_cast<size_t>(level));
  });
}

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_Evaluator_nativeModSwitchPlain(JNIEnv *env, jclass, jlong handle,
                                                                               jlong p_handle, jint level,
                                                                               jboolean in_place) {
  return guard(env, [&]() -> jlong {
    const auto &e = evaluator(handle);
    auto &p = operand<ckks::Plaintext>(e, p_handle, "Plaintext");
    if (level < -1) illegal_argument("level " + std::to_string(level) + " is negative");
    auto run = [&](ckks::Plaintext &target) {
      if (level == -1) {
        e.evaluator.mod_switch_to_next_inplace(target);
      } else {
        e.evaluator.mod_switch_to_inplace(target, static_cast<size_t>(level));
      }
    };
    auto lock = kernel_lock();
    if (in_place) {
      run(p.value);
      return 0;
    }
    auto result = std::make_unique<PlaintextObject>(PlaintextObject{e.context, p.value});
    run(result->value);
    return to_handle(result.release());
  });
}

}  // extern "C"
