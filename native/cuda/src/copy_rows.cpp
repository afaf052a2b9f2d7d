// Device-to-device row copies (host code: one runtime call, no kernel).

#include "cuda_check.h"
#include "kernels.h"

namespace cf::cuda::kernels {

void copy_rows(uint64_t *dst, size_t dst_pitch, const uint64_t *src, size_t src_pitch, size_t words, size_t rows) {
  if (rows == 0 || words == 0) return;
  if (rows == 1) {  // cudaMemcpy2D rejects pitches below the width, and one row needs none
    CF_CUDA_CHECK(cudaMemcpyAsync(dst, src, words * sizeof(uint64_t), cudaMemcpyDeviceToDevice, 0));
    return;
  }
  CF_CUDA_CHECK(cudaMemcpy2DAsync(dst, dst_pitch * sizeof(uint64_t), src, src_pitch * sizeof(uint64_t),
                                  words * sizeof(uint64_t), rows, cudaMemcpyDeviceToDevice, 0));
}

}  // namespace cf::cuda::kernels
