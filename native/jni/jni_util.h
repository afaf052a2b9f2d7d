// Helpers shared by every JNI entry point: exception translation and handle conversion.
//
// Rule: no C++ exception may cross the JNI boundary (it would abort the JVM). Every entry point wraps its body in
// cf::jni::guard(env, [&] { ... }), which catches everything and raises the matching Java exception instead.
#pragma once

#include <jni.h>

#include <cstdint>
#include <exception>
#include <new>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace cf::jni {

/// Raises a Java exception of the given class (binary name with slashes) unless one is already pending.
inline void throw_java(JNIEnv *env, const char *class_name, const std::string &message) noexcept {
  if (env->ExceptionCheck()) {
    return;
  }
  jclass cls = env->FindClass(class_name);
  if (cls == nullptr) {
    return;  // FindClass has raised NoClassDefFoundError already
  }
  env->ThrowNew(cls, message.c_str());
  env->DeleteLocalRef(cls);
}

/// Thrown by JNI code itself to report a bad argument detected before calling into the kernels.
struct JavaException : std::runtime_error {
  JavaException(const char *java_class, const std::string &message)
      : std::runtime_error(message), java_class_name(java_class) {}
  const char *java_class_name;
};

/// Runs body and translates any C++ exception into a Java exception; returns body's value, or a zero value of the
/// return type when an exception was raised (Java ignores the return value of a call that threw).
template <class Body>
auto guard(JNIEnv *env, Body &&body) noexcept -> decltype(body()) {
  using Result = decltype(body());
  try {
    return body();
  } catch (const JavaException &e) {
    throw_java(env, e.java_class_name, e.what());
  } catch (const std::invalid_argument &e) {
    throw_java(env, "java/lang/IllegalArgumentException", e.what());
  } catch (const std::out_of_range &e) {
    throw_java(env, "java/lang/IllegalArgumentException", e.what());
  } catch (const std::logic_error &e) {
    throw_java(env, "java/lang/IllegalStateException", e.what());
  } catch (const std::bad_alloc &) {
    throw_java(env, "java/lang/OutOfMemoryError", "native allocation failed in the CKKS kernels");
  } catch (const std::exception &e) {
    throw_java(env, "java/lang/RuntimeException", std::string("native error: ") + e.what());
  } catch (...) {
    throw_java(env, "java/lang/RuntimeException", "native error of unknown type");
  }
  if constexpr (!std::is_void_v<Result>) {
    return Result{};
  }
}

/// The object behind a handle; a zero handle (closed or never set) raises IllegalStateException via guard().
template <class T>
T &from_handle(jlong handle, const char *what) {
  if (handle == 0) {
    throw JavaException("java/lang/IllegalStateException", std::string(what) + " handle is null (closed?)");
  }
  return *reinterpret_cast<T *>(static_cast<intptr_t>(handle));
}

template <class T>
jlong to_handle(T *object) noexcept {
  return static_cast<jlong>(reinterpret_cast<intptr_t>(object));
}

}  // namespace cf::jni
