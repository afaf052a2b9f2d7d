// JNI entry points of org.cipherformer.he.CkksEncoder.
#include <jni.h>

#include <complex>
#include <memory>

#include "cipherformer/ckks/encoder.h"
#include "ckks_handles.h"
#include "org_cipherformer_he_CkksEncoder.h"

using namespace cf;
using namespace cf::jni;

namespace {
struct EncoderObject {
  std::shared_ptr<const ckks::Context> context;
  ckks::CkksEncoder encoder;
};

EncoderObject &encoder(jlong handle) { return from_handle<EncoderObject>(handle, "CkksEncoder"); }

size_t checked_level(const ckks::Context &context, jint level) {
  if (level < 0 || static_cast<size_t>(level) > context.first_level()) {
    illegal_argument("level " + std::to_string(level) + " is not a data level (0.." +
                     std::to_string(context.first_level()) + ")");
  }
  return static_cast<size_t>(level);
}
}  // namespace

extern "C" {

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_CkksEncoder_nativeCreate(JNIEnv *env, jclass,
                                                                         jlong context_handle) {
  return guard(env, [&]() -> jlong {
    const auto &context = from_handle<ContextObject>(context_handle, "CkksContext").context;
    return to_handle(new EncoderObject{context, ckks::CkksEncoder(context)});
  });
}

JNIEXPORT void JNICALL Java_org_cipherformer_he_CkksEncoder_nativeFree(JNIEnv *env, jclass, jlong handle) {
  guard(env, [&] { delete reinterpret_cast<EncoderObject *>(static_cast<intptr_t>(handle)); });
}

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_CkksEncoder_nativeEncode(JNIEnv *env, jclass, jlong handle,
                                                                         jdoubleArray re, jdoubleArray im,
                                                                         jint level, jdouble scale) {
  return guard(env, [&]() -> jlong {
    const auto &e = encoder(handle);
    const size_t lvl = checked_level(*e.context, level);
    const size_t slots = e.encoder.slot_count();
    const std::vector<double> real = copy_double_array(env, re, slots, "values");
    ckks::Plaintext plain;
    if (im == nullptr) {
      plain = e.encoder.encode(real, lvl, scale);
    } else {
      const std::vector<double> imag = copy_double_array(env, im, slots, "imaginary parts");
      if (imag.size() != real.size()) {
        illegal_argument("real parts (" + std::to_string(real.size()) + ") and imaginary parts (" +
                         std::to_string(imag.size()) + ") differ in length");
      }
      std::vector<std::complex<double>> values(real.size());
      for (size_t i = 0; i < real.size(); i++) values[i] = {real[i], imag[i]};
      plain = e.encoder.encode(values, lvl, scale);
    }
    return to_handle(new PlaintextObject{e.context, std::move(plain)});
  });
}

JNIEXPORT jlong JNICALL Java_org_cipherformer_he_CkksEncoder_nativeEncodeConstant(JNIEnv *env, jclass, jlong handle,
                                                                                 jdouble re, jdouble im,
                                                                                 jboolean complex, jint level,
                                                                                 jdouble scale) {
  return guard(env, [&]() -> jlong {
    const auto &e = encoder(handle);
    const size_t lvl = checked_level(*e.context, level);
    ckks::Plaintext plain = complex ? e.encoder.encode(std::complex<double>(re, im), lvl, scale)
                                    : e.encoder.encode(static_cast<double>(re), lvl, scale);
    return to_handle(new PlaintextObject{e.context, std::move(plain)});
  });
}

JNIEXPORT jdoubleArray JNICALL Java_org_cipherformer_he_CkksEncoder_nativeDecode(JNIEnv *env, jclass, jlong handle,
                                                                                jlong plain_handle) {
  return guard(env, [&]() -> jdoubleArray {
    const auto &e = encoder(handle);
    const auto &plain = from_handle<PlaintextObject>(plain_handle, "Plaintext");
    check_same_context(*e.context, *plain.context, "plaintext");
    const std::vector<std::complex<double>> slots = e.encoder.decode_complex(plain.value);
    std::vector<double> interleaved(2 * slots.size());
    for (size_t i = 0; i < slots.size(); i++) {
      interleaved[2 * i] = slots[i].real();
      interleaved[2 * i + 1] = slots[i].imag();
    }
    return new_double_array(env, interleaved.data(), interleaved.size());
  });
}

}  // extern "C"
