// Shared argument checks and conversions of the CKKS JNI shim (see ckks_handles.h).
#include "ckks_handles.h"

#include <algorithm>

namespace cf::jni {

std::shared_mutex &kernel_mutex() {
  static std::shared_mutex mutex;
  return mutex;
}

bool same_parameters(const ckks::Context &a, const ckks::Context &b) noexcept {
  if (&a == &b) return true;
  if (a.poly_degree() != b.poly_degree() || a.level_count() != b.level_count()) return false;
  const auto &qa = a.key_moduli();
  const auto &qb = b.key_moduli();
  for (size_t i = 0; i < qa.size(); i++) {
    if (qa[i].value() != qb[i].value()) return false;
  }
  return true;
}

void check_same_context(const ckks::Context &expected, const ckks::Context &object_context, const char *what) {
  if (!same_parameters(expected, object_context)) {
    illegal_argument(std::string(what) + " was made for other encryption parameters (N = " +
                     std::to_string(object_context.poly_degree()) + ", " +
                     std::to_string(object_context.level_count()) + " primes) than this object's (N = " +
                     std::to_string(expected.poly_degree()) + ", " + std::to_string(expected.level_count()) +
                     " primes)");
  }
}

std::vector<uint64_t> copy_long_array(JNIEnv *env, jlongArray array, size_t expected, const char *what) {
  if (array == nullptr) illegal_argument(std::string(what) + " is null");
  const auto length = static_cast<size_t>(env->GetArrayLength(array));
  if (length != expected) {
    illegal_argument(std::string(what) + " has " + std::to_string(length) + " words, expected " +
                     std::to_string(expected));
  }
  std::vector<uint64_t> out(length);
  static_assert(sizeof(jlong) == sizeof(uint64_t), "jlong is 64 bits");
  env->GetLongArrayRegion(array, 0, static_cast<jsize>(length), reinterpret_cast<jlong *>(out.data()));
  if (env->ExceptionCheck()) throw JavaException("java/lang/IllegalStateException", "reading " + std::string(what));
  return out;
}

std::vector<double> copy_double_array(JNIEnv *env, jdoubleArray array, size_t max_length, const char *what) {
  if (array == nullptr) illegal_argument(std::string(what) + " is null");
  const auto length = static_cast<size_t>(env->GetArrayLength(array));
  if (length > max_length) {
    illegal_argument(std::string(what) + " has " + std::to_string(length) + " values, at most " +
                     std::to_string(max_length) + " allowed");
  }
  std::vector<double> out(length);
  env->GetDoubleArrayRegion(array, 0, static_cast<jsize>(length), out.data());
  if (env->ExceptionCheck()) throw JavaException("java/lang/IllegalStateException", "reading " + std::string(what));
  return out;
}

std::vector<int> copy_int_array(JNIEnv *env, jintArray array, size_t max_length, const char *what) {
  if (array == nullptr) illegal_argument(std::string(what) + " is null");
  const auto length = static_cast<size_t>(env->GetArrayLength(array));
  if (length > max_length) {
    illegal_argument(std::string(what) + " has " + std::to_string(length) + " entries, at most " +
                     std::to_string(max_length) + " allowed");
  }
  std::vector<jint> raw(length);
  env->GetIntArrayRegion(array, 0, static_cast<jsize>(length), raw.data());
  if (env->ExceptionCheck()) throw JavaException("java/lang/IllegalStateException", "reading " + std::string(what));
  return std::vector<int>(raw.begin(), raw.end());
}

jlongArray new_long_array(JNIEnv *env, const uint64_t *data, size_t count) {
  if (count > kMaxArrayLength) {
    throw JavaException("java/lang/OutOfMemoryError", std::to_string(count) + " words do not fit a Java array");
  }
  jlongArray out = env->NewLongArray(static_cast<jsize>(count));
  if (out == nullptr) throw JavaException("java/lang/OutOfMemoryError", "allocating a long[" +
                                          std::to_string(count) + "]");
  env->SetLongArrayRegion(out, 0, static_cast<jsize>(count), reinterpret_cast<const jlong *>(data));
  return out;
}

jdoubleArray new_double_array(JNIEnv *env, const double *data, size_t count) {
  if (count > kMaxArrayLength) {
    throw JavaException("java/lang/OutOfMemoryError", std::to_string(count) + " values do not fit a Java array");
  }
  jdoubleArray out = env->NewDoubleArray(static_cast<jsize>(count));
  if (out == nullptr) throw JavaException("java/lang/OutOfMemoryError", "allocating a double[" +
                                          std::to_string(count) + "]");
  env->SetDoubleArrayRegion(out, 0, static_cast<jsize>(count), data);
  return out;
}

void check_coefficients(const ckks::Context &context, size_t level, size_t polys, const std::vector<uint64_t> &data,
                        const char *what) {
  const size_t n = context.poly_degree();
  const auto &moduli = context.moduli(level);
  for (size_t p = 0; p < polys; p++) {
    for (size_t i = 0; i < moduli.size(); i++) {
      const uint64_t q = moduli[i].value();
      const uint64_t *limb = data.data() + (p * moduli.size() + i) * n;
      const uint64_t *bad = std::find_if(limb, limb + n, [q](uint64_t c) { return c >= q; });
      if (bad != limb + n) {
        illegal_argument(std::string(what) + ": coefficient " + std::to_string(bad - limb) + " of polynomial " +
                         std::to_string(p) + " modulo q_" + std::to_string(i) + " = " + std::to_string(q) +
                         " is " + std::to_string(*bad) + ", not below the prime");
      }
    }
  }
}

util::PrngSeed copy_seed(JNIEnv *env, jlongArray seed) {
  std::vector<uint64_t> words = copy_long_array(env, seed, 8, "seed");
  util::PrngSeed out{};
  std::copy(words.begin(), words.end(), out.begin());
  return out;
}

}  // namespace cf::jni
