// ThreadPool: every index runs exactly once, the first exception reaches the caller, several threads may submit at
// once, nested loops run inline instead of deadlocking, and the default pool can be resized.

#include <atomic>
#include <chrono>
#include <mutex>
#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "cipherformer/util/thread_pool.h"
#include "test_support.h"

using cf::util::ThreadPool;

namespace {

void test_each_index_once() {
  for (size_t threads : {1u, 2u, 4u, 8u}) {
    ThreadPool pool(threads);
    CHECK(pool.size() == threads);
    for (size_t count : {0u, 1u, 2u, 3u, 7u, 100u, 10000u}) {
      std::vector<std::atomic<int>> hits(count);
      for (auto &h : hits) h = 0;
      pool.parallel_for(count, [&](size_t i) { hits[i].fetch_add(1); });
      bool ok = true;
      for (auto &h : hits) ok = ok && h.load() == 1;
      CHECK_MSG(ok, "threads=%zu count=%zu: some index did not run exactly once", threads, count);
    }
  }
  ThreadPool zero(0);
  CHECK(zero.size() == 1);
}

void test_uses_several_threads() {
  ThreadPool pool(4);
  std::mutex m;
  std::set<std::thread::id> ids;
  pool.parallel_for(64, [&](size_t) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    std::lock_guard<std::mutex> lock(m);
    ids.insert(std::this_thread::get_id());
  });
  CHECK_MSG(ids.size() >= 2, "only %zu thread(s) ran the loop", ids.size());
  CHECK(ids.count(std::this_thread::get_id()) == 1);  // the caller takes part
}

void test_exception_propagates() {
  ThreadPool pool(4);
  std::atomic<int> ran{0};
  bool caught = false;
  try {
    pool.parallel_for(1000, [&](size_t i) {
      ran.fetch_add(1);
      if (i == 17) throw std::runtime_error("index 17 failed");
    });
  } catch (const std::runtime_error &e) {
    caught = std::string(e.what()) == "index 17 failed";
  }
  CHECK(caught);
  // The pool is still usable afterwards.
  std::atomic<int> after{0};
  pool.parallel_for(100, [&](size_t) { after.fetch_add(1); });
  CHECK(after.load() == 100);
  // Inline path (single thread) also propagates.
  ThreadPool single(1);
  caught = false;
  try {
    single.parallel_for(3, [](size_t i) {
      if (i == 1) throw std::logic_error("one");
    });
  } catch (const std::logic_error &) {
    caught = true;
  }
  CHECK(caught);
}

void test_concurrent_callers() {
  ThreadPool pool(3);
  std::atomic<uint64_t> total{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < 6; ++t) {
    callers.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        pool.parallel_for(50, [&](size_t i) { total.fetch_add(i + static_cast<uint64_t>(t)); });
      }
    });
  }
  for (auto &c : callers) c.join();
  // sum over t, round, i of (i + t) = 20 * (6 * 1225 + 50 * 15)
  CHECK(total.load() == 20ULL * (6ULL * 1225ULL + 50ULL * 15ULL));
}

void test_nested_does_not_deadlock() {
  ThreadPool pool(4);
  std::atomic<int> inner_runs{0};
  pool.parallel_for(8, [&](size_t) {
    pool.parallel_for(8, [&](size_t) {
      pool.parallel_for(2, [&](size_t) { inner_runs.fetch_add(1); });
    });
  });
  CHECK(inner_runs.load() == 8 * 8 * 2);
}

void test_default_pool() {
  CHECK(cf::util::default_thread_pool().size() >= 1);
  cf::util::set_default_thread_count(3);
  CHECK(cf::util::default_thread_pool().size() == 3);
  std::atomic<int> n{0};
  cf::util::default_thread_pool().parallel_for(10, [&](size_t) { n.fetch_add(1); });
  CHECK(n.load() == 10);
  cf::util::set_default_thread_count(0);
  CHECK(cf::util::default_thread_pool().size() ==
        (std::thread::hardware_concurrency() == 0 ? 1 : std::thread::hardware_concurrency()));
}

}  // namespace

int main() {
  test_each_index_once();
  test_uses_several_threads();
  test_exception_propagates();
  test_concurrent_callers();
  test_nested_does_not_deadlock();
  test_default_pool();
  return cf::test::test_exit_code();
}
