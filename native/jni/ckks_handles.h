// Native objects behind the Java CKKS handles, and the argument checks every JNI entry point shares.
//
// Lifetime: every handle owns a std::shared_ptr to the Context it was made for, so a Ciphertext (or key, encoder, ...)
// stays usable after the Java CkksContext is closed; the Context is freed with the last object that uses it.
//
// Thread count: the kernels run limb-parallel loops on util::default_thread_pool(), which
// util::set_default_thread_count() replaces (and joins). To make NativeThreads.setThreadCount safe while other Java
// threads run kernels, every kernel call holds kernel_lock() (shared) and the replacement holds it exclusively.
#pragma once

#include <jni.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

#include "cipherformer/ckks/ciphertext.h"
#include "cipherformer/ckks/context.h"
#include "cipherformer/ckks/keys.h"
#include "cipherformer/ckks/plaintext.h"
#include "jni_util.h"

namespace cf::jni {

/// A value together with the context it belongs to.
template <class T>
struct Bound {
  std::shared_ptr<const ckks::Context> context;
  T value;
};

using CiphertextObject = Bound<ckks::Ciphertext>;
using PlaintextObject = Bound<ckks::Plaintext>;
using SecretKeyObject = Bound<ckks::SecretKey>;
using PublicKeyObject = Bound<ckks::PublicKey>;
using RelinKeysObject = Bound<ckks::RelinKeys>;
using GaloisKeysObject = Bound<ckks::GaloisKeys>;

/// The Java CkksContext's native side: just the shared context.
struct ContextObject {
  std::shared_ptr<const ckks::Context> context;
};

/// The lock every kernel call holds shared; NativeThreads.setThreadCount holds it exclusively.
std::shared_mutex &kernel_mutex();

/// Shared hold of kernel_mutex() for the duration of one kernel call.
inline std::shared_lock<std::shared_mutex> kernel_lock() { return std::shared_lock<std::shared_mutex>(kernel_mutex()); }

/// Throws IllegalArgumentException with message.
[[noreturn]] inline void illegal_argument(const std::string &message) {
  throw JavaException("java/lang/IllegalArgumentException", message);
}

/// True iff both contexts have the same ring degree and primes (SEAL compares parms_ids, i.e. exactly this).
bool same_parameters(const ckks::Context &a, const ckks::Context &b) noexcept;

/// Throws IllegalArgumentException naming `what` unless `object_context` has the parameters of `expected`.
void check_same_context(const ckks::Context &expected, const ckks::Context &object_context, const char *what);

/// A Java long[] copied into a vector after checking its length is exactly `expected` (checked before allocating).
/// @throws IllegalArgumentException naming `what` and both lengths.
std::vector<uint64_t> copy_long_array(JNIEnv *env, jlongArray array, size_t expected, const char *what);

/// A Java double[] copied into a vector after checking it is non-null and at most max_length long.
std::vector<double> copy_double_array(JNIEnv *env, jdoubleArray array, size_t max_length, const char *what);

/// A Java int[] copied into a vector after checking it is non-null and at most max_length long.
std::vector<int> copy_int_array(JNIEnv *env, jintArray array, size_t max_length, const char *what);

/// A new Java long[] holding data (throws OutOfMemoryError if the JVM cannot allocate it, or if it is too long).
jlongArray new_long_array(JNIEnv *env, const uint64_t *data, size_t count);

/// A new Java double[] holding data.
jdoubleArray new_double_array(JNIEnv *env, const double *data, size_t count);

/// Checks that every limb i of the count polynomials in data (limb-major per polynomial, `limbs` limbs of N words)
/// is below moduli[i]: what untrusted imported data must satisfy before a kernel sees it.
/// @throws IllegalArgumentException naming the polynomial, limb, coefficient index and value.
void check_coefficients(const ckks::Context &context, size_t level, size_t polys, const std::vector<uint64_t> &data,
                        const char *what);

/// Reads a Java long[8] seed (64 bytes, SEAL's prng_seed_type words).
util::PrngSeed copy_seed(JNIEnv *env, jlongArray seed);

/// Largest element count accepted for a Java array we allocate or read (keeps sizes far from overflow).
constexpr size_t kMaxArrayLength = static_cast<size_t>(INT32_MAX) - 8;

}  // namespace cf::jni
