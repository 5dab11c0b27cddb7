// DurabilityQueue: one flush covers every request queued while the previous one ran,
// requests complete in the order they were made, a failed flush fails exactly the
// requests it was for, and Stop() completes everything queued. Through the real plugin
// ABI (tests/abi_plugins/test_plugin.cc: `flush_ms` makes a flush slow, `flush_fail`
// makes it fail, `log` is written by flush()).
#include "serve/durability_queue.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "pipeline/moderator.h"
#include "testing/rule_fixture.h"

namespace decorum::serve {
namespace {

constexpr char kRules[] = R"(
rules:
  - {id: insult.idiot, category: insult, score: 2, match: {words: [idiot]}}
)";

std::shared_ptr<PluginChain> Chain(const std::string& config) {
  auto chain = PluginChain::Create(
      {{"disk", std::string(DECORUM_TEST_PLUGIN_DIR) + "/test_plugin.so", config}});
  EXPECT_TRUE(chain.ok()) << chain.status().message();
  return chain.ok() ? chain.value() : nullptr;
}

// Moderates one comment, so that the chain's acting plugin has something to flush.
void Moderate(Moderator& m, const std::string& id) {
  const std::string json = R"({"id":")" + id + R"(","text":"idiot"})";
  Line line;
  line.bytes = json;
  line.number = 1;
  line.length = json.size();
  std::string out;
  RunStats stats;
  m.ModerateLine(line, 1, &out, &stats);
}

size_t LinesIn(const std::string& path) {
  std::ifstream in(path);
  size_t n = 0;
  for (std::string l; std::getline(in, l);) ++n;
  return n;
}

// Completions as they arrive, and a way to wait for a number of them.
struct Completions {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::pair<int, bool>> got;  // (request number, durable)
  std::vector<std::string> errors;        // the failed flushes' messages, in order

  DurabilityQueue::Done For(int request, std::function<void()> check = nullptr) {
    return [this, request, check](const Status& flushed) {
      if (check) check();
      std::lock_guard lock(mu);
      got.emplace_back(request, flushed.ok());
      if (!flushed.ok()) errors.push_back(flushed.message());
      cv.notify_all();
    };
  }
  void WaitFor(size_t n) {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return got.size() >= n; }));
  }
};

std::string TempLog(const char* name) {
  const auto dir = std::filesystem::path(::testing::TempDir()) / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return (dir / "acted.log").string();
}

TEST(DurabilityQueueTest, OneFlushCoversEveryRequestQueuedWhileTheLastOneRan) {
  const std::string log = TempLog("dq_group");
  auto gen = test::CompileYaml(kRules);
  auto chain = Chain(R"({"log":")" + log + R"(","flush_ms":300})");
  ASSERT_TRUE(gen && chain);
  Moderator m(gen, FieldMap(), 1 << 20, chain);
  DurabilityQueue queue;
  Completions c;
  constexpr int kRequests = 11;
  // Each request's comment is in the log (which flush() writes) by the time it completes.
  for (int i = 0; i < kRequests; ++i) {
    Moderate(m, "c" + std::to_string(i));
    queue.Request(chain, c.For(i, [&log, i] { EXPECT_GE(LinesIn(log), static_cast<size_t>(i + 1)); }));
  }
  {
    // Request() only queues: the first flush is still asleep when the last one returns.
    std::lock_guard lock(c.mu);
    EXPECT_TRUE(c.got.empty()) << "a request waited for a flush";
  }
  c.WaitFor(kRequests);
  for (int i = 0; i < kRequests; ++i) {
    EXPECT_EQ(c.got[i], std::make_pair(i, true)) << "in request order, each durable";
  }
  // The first request's flush sleeps 300 ms; the other ten queue meanwhile and are covered
  // by the next one. (Flushing where each comment was moderated, as the io threads did
  // before, makes 11. Flushing once per request on the queue's thread would still make 2:
  // PluginChain::Flush skips an instance with nothing new, so what the queue adds is that
  // the io threads do not wait, checked above.)
  const uint64_t flushes = chain->Instances()[0].counts.flush_calls;
  EXPECT_GE(flushes, 1u);
  EXPECT_LE(flushes, 2u);
  EXPECT_EQ(LinesIn(log), static_cast<size_t>(kRequests));
}

TEST(DurabilityQueueTest, AFailedFlushFailsItsRequestsOnlyAndRequestsWithoutPluginsKeepTheirTurn) {
  auto gen = test::CompileYaml(kRules);
  auto failing = Chain(R"({"flush_fail":true})");
  auto slow = Chain(R"({"flush_ms":200})");
  ASSERT_TRUE(gen && failing && slow);
  Moderator on_failing(gen, FieldMap(), 1 << 20, failing);
  Moderator on_slow(gen, FieldMap(), 1 << 20, slow);
  DurabilityQueue queue;
  Completions c;
  Moderate(on_slow, "s1");
  queue.Request(slow, c.For(0));     // its flush takes 200 ms: the rest queue behind it
  queue.Request(nullptr, c.For(1));  // nothing to flush, but not ahead of request 0
  Moderate(on_failing, "f1");
  queue.Request(failing, c.For(2));
  Moderate(on_slow, "s2");
  queue.Request(slow, c.For(3));
  queue.Request(nullptr, c.For(4));
  c.WaitFor(5);
  const std::vector<std::pair<int, bool>> want = {{0, true}, {1, true}, {2, false}, {3, true}, {4, true}};
  EXPECT_EQ(c.got, want);
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_NE(c.errors[0].find("flush failed: disk full"), std::string::npos)
      << "the failure says which plugin and why (an HTTP 503 passes it on): " << c.errors[0];
  EXPECT_EQ(failing->Instances()[0].counts.flush_errors, 1u);
}

TEST(DurabilityQueueTest, StopCompletesWhatWasQueuedAndLaterRequestsCompleteAtOnce) {
  const std::string log = TempLog("dq_stop");
  auto gen = test::CompileYaml(kRules);
  auto chain = Chain(R"({"log":")" + log + R"(","flush_ms":100})");
  ASSERT_TRUE(gen && chain);
  Moderator m(gen, FieldMap(), 1 << 20, chain);
  DurabilityQueue queue;
  Completions c;
  for (int i = 0; i < 3; ++i) {
    Moderate(m, "c" + std::to_string(i));
    queue.Request(chain, c.For(i));
  }
  queue.Stop();
  ASSERT_EQ(c.got.size(), 3u) << "Stop() returns after every queued request completed";
  EXPECT_EQ(LinesIn(log), 3u);
  Moderate(m, "late");
  queue.Request(chain, c.For(3));
  ASSERT_EQ(c.got.size(), 4u) << "after Stop(), a request completes on the caller's thread";
  EXPECT_EQ(c.got[3], std::make_pair(3, true));
  EXPECT_EQ(LinesIn(log), 4u);
}

// Stop() while a flush runs: a request made meanwhile still waits its turn rather than
// completing at once on the caller's thread, ahead of the one being flushed.
TEST(DurabilityQueueTest, ARequestMadeWhileStoppingKeepsItsTurn) {
  auto gen = test::CompileYaml(kRules);
  auto chain = Chain(R"({"flush_ms":400})");
  ASSERT_TRUE(gen && chain);
  Moderator m(gen, FieldMap(), 1 << 20, chain);
  DurabilityQueue queue;
  Completions c;
  Moderate(m, "first");
  queue.Request(chain, c.For(0));
  std::thread stopper([&] { queue.Stop(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // Stop() has begun
  queue.Request(nullptr, c.For(1));  // nothing to flush: only its turn holds it back
  stopper.join();
  queue.Stop();  // a second call returns once the thread is gone too
  ASSERT_EQ(c.got.size(), 2u);
  EXPECT_EQ(c.got[0].first, 0);
  EXPECT_EQ(c.got[1].first, 1);
}

}  // namespace
}  // namespace decorum::serve
