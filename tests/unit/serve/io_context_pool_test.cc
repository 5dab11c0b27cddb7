#include "serve/io_context_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/post.hpp>
#include <chrono>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

namespace decorum::serve {
namespace {

TEST(IoContextPoolTest, HasOneContextPerThread) {
  IoContextPool pool(3);
  ASSERT_EQ(pool.size(), 3u);
  EXPECT_EQ(&pool.context(0), &pool.main());
  EXPECT_NE(&pool.context(0), &pool.context(1));
  EXPECT_NE(&pool.context(1), &pool.context(2));
  EXPECT_NE(&pool.context(0), &pool.context(2));
}

// Polls `done` until it holds (or 10 s pass: the test's assertions then fail rather than
// hang), then stops the pool, from a thread of its own.
std::thread StopWhen(IoContextPool& pool, std::function<bool()> done) {
  return std::thread([&pool, done = std::move(done)] {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    pool.Stop();
  });
}

// What the daemon relies on: every context runs on a thread of its own (a connection
// placed on one never shares its thread's handlers with another context's), Run() keeps
// idle contexts alive, and Stop() from any thread ends Run().
TEST(IoContextPoolTest, RunsEachContextOnItsOwnThreadUntilStopped) {
  IoContextPool pool(2);
  std::mutex mu;
  std::set<std::thread::id> seen[2];
  for (unsigned c = 0; c < 2; ++c) {
    for (int i = 0; i < 50; ++i) {
      boost::asio::post(pool.context(c), [&, c] {
        std::lock_guard<std::mutex> lock(mu);
        seen[c].insert(std::this_thread::get_id());
      });
    }
  }
  const auto caller = std::this_thread::get_id();
  // Stopped only once both contexts ran their work: an idle context must not end Run().
  std::thread stopper = StopWhen(pool, [&] {
    std::lock_guard<std::mutex> lock(mu);
    return !seen[0].empty() && !seen[1].empty();
  });
  pool.Run();
  stopper.join();
  ASSERT_EQ(seen[0].size(), 1u);
  ASSERT_EQ(seen[1].size(), 1u);
  EXPECT_EQ(*seen[0].begin(), caller);  // context 0 runs on Run()'s caller
  EXPECT_NE(*seen[1].begin(), caller);
}

TEST(IoContextPoolTest, PostToEachRunsOnceOnEveryThread) {
  IoContextPool pool(3);
  std::mutex mu;
  std::multiset<std::thread::id> ran;
  pool.PostToEach([&] {
    std::lock_guard<std::mutex> lock(mu);
    ran.insert(std::this_thread::get_id());
  });
  std::thread stopper = StopWhen(pool, [&] {
    std::lock_guard<std::mutex> lock(mu);
    return ran.size() >= 3;
  });
  pool.Run();
  stopper.join();
  // Whatever was still queued when Stop() came runs now, on this thread: one task a
  // context in all, never more.
  for (unsigned c = 0; c < pool.size(); ++c) {
    pool.context(c).restart();
    pool.context(c).poll();
  }
  ASSERT_EQ(ran.size(), 3u);
  for (const auto& id : ran) EXPECT_LE(ran.count(id), 1u) << "twice on one thread";
}

// A handler that throws on another io thread must not leave Run() with joinable threads
// (std::terminate) nor keep the rest of the pool running: the pool stops and Run()
// rethrows.
TEST(IoContextPoolTest, AHandlerThatThrowsStopsThePoolAndLeavesRun) {
  IoContextPool pool(2);
  boost::asio::post(pool.context(1), [] { throw std::runtime_error("handler failed"); });
  EXPECT_THROW(pool.Run(), std::runtime_error);
}

}  // namespace
}  // namespace decorum::serve
