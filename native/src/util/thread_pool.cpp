#include "cipherformer/util/thread_pool.h"

#include <stdexcept>

namespace cf::util {

struct ThreadPool::Job {};

// Stub: the real implementation lands next.
ThreadPool::ThreadPool(size_t threads) : size_(threads == 0 ? 1 : threads) {}
ThreadPool::~ThreadPool() = default;
void ThreadPool::parallel_for(size_t count, const std::function<void(size_t)> &body) {
  for (size_t i = 0; i < count; ++i) body(i);
}
void ThreadPool::worker_loop() {}

ThreadPool &default_thread_pool() {
  static ThreadPool pool(1);
  return pool;
}
void set_default_thread_count(size_t) {}

}  // namespace cf::util
