#include "serve/io_context_pool.h"

#include <gtest/gtest.h>

#include <boost/asio/post.hpp>
#include <mutex>
#include <set>
#include <thread>

namespace decorum::serve {
namespace {

TEST(IoContextPoolTest, NextTakesEveryContextInTurn) {
  IoContextPool pool(3);
  ASSERT_EQ(pool.size(), 3u);
  boost::asio::io_context* first[3] = {&pool.Next(), &pool.Next(), &pool.Next()};
  EXPECT_NE(first[0], first[1]);
  EXPECT_NE(first[1], first[2]);
  EXPECT_NE(first[0], first[2]);
  EXPECT_EQ(first[0], &pool.main());  // the first connection goes to context 0
  for (int i = 0; i < 3; ++i) EXPECT_EQ(&pool.Next(), first[i]);
}

// What the daemon relies on: every context runs on a thread of its own (a connection
// placed on one never shares its thread's handlers with another context's), Run() keeps
// idle contexts alive, and Stop() from any thread ends Run().
TEST(IoContextPoolTest, RunsEachContextOnItsOwnThreadUntilStopped) {
  IoContextPool pool(2);
  std::mutex mu;
  std::set<std::thread::id> seen[2];
  boost::asio::io_context* contexts[2] = {&pool.Next(), &pool.Next()};
  for (int c = 0; c < 2; ++c) {
    for (int i = 0; i < 50; ++i) {
      boost::asio::post(*contexts[c], [&, c] {
        std::lock_guard<std::mutex> lock(mu);
        seen[c].insert(std::this_thread::get_id());
      });
    }
  }
  const auto caller = std::this_thread::get_id();
  std::thread stopper([&] {
    // Stop only once both contexts ran their work: an idle context must not end Run().
    for (;;) {
      {
        std::lock_guard<std::mutex> lock(mu);
        if (!seen[0].empty() && !seen[1].empty()) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    pool.Stop();
  });
  pool.Run();
  stopper.join();
  ASSERT_EQ(seen[0].size(), 1u);
  ASSERT_EQ(seen[1].size(), 1u);
  EXPECT_EQ(*seen[0].begin(), caller);  // context 0 runs on Run()'s caller
  EXPECT_NE(*seen[1].begin(), caller);
}

}  // namespace
}  // namespace decorum::serve
