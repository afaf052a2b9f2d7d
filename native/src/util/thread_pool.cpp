#include "cipherformer/util/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <exception>

namespace cf::util {

namespace {

// Set on pool worker threads: a parallel_for issued from inside a body runs inline there. Waiting on other workers
// from a worker could deadlock once every worker waits; running inline is always safe and the outer loop already
// keeps the pool busy.
thread_local bool t_is_pool_worker = false;

}  // namespace

/// One parallel_for call: indices are claimed with an atomic counter by the caller and by any idle worker.
struct ThreadPool::Job {
  const std::function<void(size_t)> *body = nullptr;
  size_t count = 0;
  std::atomic<size_t> next{0};
  std::atomic<size_t> finished{0};
  std::atomic<bool> failed{false};
  std::mutex mutex;  // guards error and the completion wait
  std::condition_variable all_done;
  std::exception_ptr error;

  /// Claims and runs indices until none are left. After a failure the remaining bodies are skipped (but still
  /// counted), so the loop finishes quickly and the first exception is reported.
  void run() {
    size_t done_here = 0;
    for (;;) {
      const size_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= count) break;
      if (!failed.load(std::memory_order_relaxed)) {
        try {
          (*body)(i);
        } catch (...) {
          std::lock_guard<std::mutex> lock(mutex);
          if (!error) error = std::current_exception();
          failed.store(true, std::memory_order_relaxed);
        }
      }
      ++done_here;
    }
    if (done_here != 0 && finished.fetch_add(done_here, std::memory_order_acq_rel) + done_here == count) {
      std::lock_guard<std::mutex> lock(mutex);
      all_done.notify_all();
    }
  }

  bool exhausted() const noexcept { return next.load(std::memory_order_relaxed) >= count; }
};

ThreadPool::ThreadPool(size_t threads) : size_(threads == 0 ? 1 : threads) {
  workers_.reserve(size_ - 1);
  try {
    for (size_t i = 0; i + 1 < size_; ++i) workers_.emplace_back([this] { worker_loop(); });
  } catch (...) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    work_available_.notify_all();
    for (auto &w : workers_) w.join();
    throw;
  }
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  work_available_.notify_all();
  for (auto &w : workers_) w.join();
}

void ThreadPool::worker_loop() {
  t_is_pool_worker = true;
  for (;;) {
    std::shared_ptr<Job> job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      work_available_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping and nothing left
      job = jobs_.front();
      if (job->exhausted()) {
        // Every index is claimed; whoever holds them finishes them. Drop the job so we look at the next one.
        jobs_.erase(jobs_.begin());
        continue;
      }
    }
    job->run();
  }
}

void ThreadPool::parallel_for(size_t count, const std::function<void(size_t)> &body) {
  if (count == 0) return;
  if (size_ == 1 || count == 1 || t_is_pool_worker) {
    for (size_t i = 0; i < count; ++i) body(i);
    return;
  }
  auto job = std::make_shared<Job>();
  job->body = &body;
  job->count = count;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    jobs_.push_back(job);
  }
  // Wake no more workers than there are indices beyond the caller's own share.
  if (count - 1 >= workers_.size()) {
    work_available_.notify_all();
  } else {
    for (size_t i = 0; i + 1 < count; ++i) work_available_.notify_one();
  }
  job->run();
  {
    std::unique_lock<std::mutex> lock(job->mutex);
    job->all_done.wait(lock, [&] { return job->finished.load(std::memory_order_acquire) == count; });
  }
  {
    // Workers drop exhausted jobs lazily; remove ours now so it does not linger at the front of the queue.
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = std::find(jobs_.begin(), jobs_.end(), job);
    if (it != jobs_.end()) jobs_.erase(it);
  }
  if (job->error) std::rethrow_exception(job->error);
}

namespace {

std::mutex g_default_pool_mutex;
std::unique_ptr<ThreadPool> g_default_pool;

size_t hardware_threads() {
  const unsigned hc = std::thread::hardware_concurrency();
  return hc == 0 ? 1 : hc;
}

}  // namespace

ThreadPool &default_thread_pool() {
  std::lock_guard<std::mutex> lock(g_default_pool_mutex);
  if (!g_default_pool) g_default_pool = std::make_unique<ThreadPool>(hardware_threads());
  return *g_default_pool;
}

void set_default_thread_count(size_t threads) {
  auto replacement = std::make_unique<ThreadPool>(threads == 0 ? hardware_threads() : threads);
  std::unique_ptr<ThreadPool> old;
  {
    std::lock_guard<std::mutex> lock(g_default_pool_mutex);
    old = std::move(g_default_pool);
    g_default_pool = std::move(replacement);
  }
  // old is joined here, outside the lock.
}

}  // namespace cf::util
