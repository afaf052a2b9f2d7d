#include "cipherformer/util/word_buffer.h"

#include <cstdlib>
#include <new>
#include <utility>

#include <sys/mman.h>

namespace cf::util {
namespace {

constexpr size_t kHugePage = size_t{2} << 20;

}  // namespace

WordBuffer::WordBuffer(size_t words) : words_(words) {
  if (words == 0) return;
  if (words > SIZE_MAX / sizeof(uint64_t) - kHugePage) throw std::bad_alloc();
  const size_t bytes = words * sizeof(uint64_t);
  void *p = nullptr;
  if (bytes >= kHugePage) {
    const size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
    p = std::aligned_alloc(kHugePage, rounded);
#ifdef MADV_HUGEPAGE
    // Only a hint; failure (no THP support) leaves ordinary pages.
    if (p != nullptr) (void)madvise(p, rounded, MADV_HUGEPAGE);
#endif
  } else {
    p = std::malloc(bytes);
  }
  if (p == nullptr) throw std::bad_alloc();
  data_ = static_cast<uint64_t *>(p);
}

WordBuffer::~WordBuffer() { std::free(data_); }

WordBuffer::WordBuffer(WordBuffer &&other) noexcept
    : data_(std::exchange(other.data_, nullptr)), words_(std::exchange(other.words_, 0)) {}

WordBuffer &WordBuffer::operator=(WordBuffer &&other) noexcept {
  if (this != &other) {
    std::free(data_);
    data_ = std::exchange(other.data_, nullptr);
    words_ = std::exchange(other.words_, 0);
  }
  return *this;
}

}  // namespace cf::util
