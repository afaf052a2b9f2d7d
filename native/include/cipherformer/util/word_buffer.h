#pragma once
// An uninitialized array of 64-bit words for the large transient buffers of key switching (the hoisted digits, the
// accumulators), backed by transparent huge pages where the size allows.
//
// Why: every fresh 4 KiB page costs a page fault on first touch, and on the project's virtual machines a fault costs
// about 20 us of CPU (measured: 64 MiB touched page by page took 19-27 us per page, 360 ms in all; with MADV_HUGEPAGE
// the same 64 MiB took 32 faults and 5 ms). The hoisted digits at N = 32768 are 63 MB, allocated by every
// rotate_hoisted call: 15 360 small-page faults would cost more than the arithmetic they replace.

#include <cstddef>
#include <cstdint>

namespace cf::util {

/// Owns words * 8 bytes of uninitialized memory. Buffers of at least 2 MiB are 2 MiB-aligned, rounded up to a whole
/// number of 2 MiB pages and advised MADV_HUGEPAGE (a hint: without transparent huge pages they are ordinary memory).
/// Move-only.
class WordBuffer {
 public:
  WordBuffer() noexcept = default;
  /// @throws std::bad_alloc if the memory cannot be allocated.
  explicit WordBuffer(size_t words);
  ~WordBuffer();
  WordBuffer(WordBuffer &&other) noexcept;
  WordBuffer &operator=(WordBuffer &&other) noexcept;
  WordBuffer(const WordBuffer &) = delete;
  WordBuffer &operator=(const WordBuffer &) = delete;

  uint64_t *get() noexcept { return data_; }
  const uint64_t *get() const noexcept { return data_; }
  size_t size() const noexcept { return words_; }
  explicit operator bool() const noexcept { return data_ != nullptr; }

 private:
  uint64_t *data_ = nullptr;
  size_t words_ = 0;
};

}  // namespace cf::util
