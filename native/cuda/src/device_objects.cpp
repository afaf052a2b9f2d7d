#include "cipherformer/cuda/device_objects.h"

#include <string>

#include "cipherformer/ckks/validation.h"
#include "cuda_check.h"

namespace cf::cuda {

DeviceCiphertext DeviceCiphertext::upload(const DeviceContext &context, const ckks::Ciphertext &ct) {
  ckks::check_ciphertext(context.host(), ct, "encrypted");
  DeviceCiphertext d;
  d.level = ct.level;
  d.size = ct.size;
  d.scale = ct.scale;
  d.data = DeviceBuffer(ct.data.size());
  d.data.upload(ct.data.data(), ct.data.size());
  return d;
}

ckks::Ciphertext DeviceCiphertext::download() const {
  ckks::Ciphertext ct;
  ct.level = level;
  ct.size = size;
  ct.scale = scale;
  ct.is_ntt_form = true;
  ct.data = data.download();
  return ct;
}

DeviceCiphertext DeviceCiphertext::clone() const {
  DeviceCiphertext d;
  d.level = level;
  d.size = size;
  d.scale = scale;
  d.data = data.clone();
  return d;
}

DevicePlaintext DevicePlaintext::upload(const DeviceContext &context, const ckks::Plaintext &pt) {
  ckks::check_plaintext(context.host(), pt, "plain");
  DevicePlaintext d;
  d.level = pt.level;
  d.scale = pt.scale;
  d.data = DeviceBuffer(pt.data.size());
  d.data.upload(pt.data.data(), pt.data.size());
  return d;
}

ckks::Plaintext DevicePlaintext::download() const {
  ckks::Plaintext pt;
  pt.level = level;
  pt.scale = scale;
  pt.is_ntt_form = true;
  pt.data = data.download();
  return pt;
}

DeviceKSwitchKey DeviceKSwitchKey::upload(const DeviceContext &context, const ckks::KSwitchKeys &key) {
  ckks::check_kswitch_keys(context.host(), key, "key-switching key");
  DeviceKSwitchKey d;
  d.parts = key.data.size();
  // Each part is a size-2 key-level ciphertext: (c, prime, i) contiguous, so the parts simply follow each other.
  const size_t part_words = key.data.front().data.data.size();
  d.data = DeviceBuffer(d.parts * part_words);
  for (size_t j = 0; j < d.parts; ++j) {
    CF_CUDA_CHECK(cudaMemcpy(d.data.data() + j * part_words, key.data[j].data.data.data(),
                             part_words * sizeof(uint64_t), cudaMemcpyHostToDevice));
  }
  return d;
}

DeviceRelinKeys DeviceRelinKeys::upload(const DeviceContext &context, const ckks::RelinKeys &keys) {
  DeviceRelinKeys d;
  for (const auto &key : keys.data) d.data.push_back(DeviceKSwitchKey::upload(context, key));
  return d;
}

DeviceGaloisKeys DeviceGaloisKeys::upload(const DeviceContext &context, const ckks::GaloisKeys &keys) {
  DeviceGaloisKeys d;
  for (const auto &entry : keys.data) d.data.emplace(entry.first, DeviceKSwitchKey::upload(context, entry.second));
  return d;
}

}  // namespace cf::cuda
