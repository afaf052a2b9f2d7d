#pragma once
// A small fixed-size thread pool for limb-parallel kernels (NTT over all RNS limbs, dyadic products, key switching).

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace cf::util {

/// Fixed set of worker threads running parallel_for loops. Safe to use from several threads at once; a parallel_for
/// issued from inside a worker runs inline on that worker (no deadlock on nesting).
class ThreadPool {
 public:
  /// threads = total parallelism including the calling thread (0 is treated as 1); threads - 1 workers are started.
  explicit ThreadPool(size_t threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  /// Total parallelism (workers + the calling thread).
  size_t size() const noexcept { return size_; }

  /// Runs body(i) for every i in [0, count) and returns when all have finished. The calling thread takes part.
  /// If bodies throw, the remaining indices are skipped where possible and the first exception is rethrown here.
  void parallel_for(size_t count, const std::function<void(size_t)> &body);

 private:
  struct Job;
  void worker_loop();

  size_t size_;
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable work_available_;
  std::vector<std::shared_ptr<Job>> jobs_;
  bool stopping_ = false;
};

/// The process-wide pool used by the kernels (hardware_concurrency threads unless changed).
ThreadPool &default_thread_pool();

/// Replaces the default pool with one of the given size (0 = hardware_concurrency). Call it while no kernel runs.
void set_default_thread_count(size_t threads);

}  // namespace cf::util
