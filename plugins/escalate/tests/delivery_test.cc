// Delivery to a real HTTP receiver: retries, order, restarts, rejection, at-least-once,
// concurrency and prompt shutdown without a drain (drain_test.cc has the drain).
#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <set>
#include <thread>

#include "escalate_fixture.h"
#include "test_receiver.h"

namespace decorum::escalate::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

class EscalateDeliveryTest : public ::testing::Test {
 protected:
  std::string Spool() const { return dir_.path() + "/spool"; }
  std::string Rejected() const { return Spool() + "/rejected"; }
  bool SpoolEmpty() const { return ListFiles(Spool()).empty(); }

  // Creates the instance; on failure records the error and returns false (callers
  // ASSERT on it: a helper's own ASSERT would not stop the test).
  bool Create(PluginHarness& h, const std::string& url, const std::string& extra = "") {
    std::string error;
    const bool ok = h.Create(FastConfig(url, Spool(), extra), &error);
    EXPECT_TRUE(ok) << error;
    return ok;
  }

  TempDir dir_;
};

TEST_F(EscalateDeliveryTest, PostsThePayloadWithItsHeaders) {
  TestReceiver receiver;
  PluginHarness h(kPluginPath);
  ASSERT_TRUE(Create(h, receiver.url(), "\"headers\":{\"Authorization\":\"Bearer s3cret\"}"));
  TestComment c = Comment("c-42", "line one\nsays \"hi\" \x01");
  c.has_ts = true;
  c.ts_ms = 1718000000123;
  const std::string record = Record("c-42");
  ASSERT_EQ(h.OnDecision(c, DECORUM_ACTION_ESCALATE, 12.5, record), DECORUM_OK);
  ASSERT_EQ(h.Flush(), DECORUM_OK);
  ASSERT_TRUE(WaitUntil([&] { return SpoolEmpty() && receiver.answered().size() == 1; }));

  const TestReceiver::Request r = receiver.requests().at(0);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/escalations");
  EXPECT_EQ(r.Header("content-type"), "application/json");
  EXPECT_EQ(r.Header("authorization"), "Bearer s3cret");
  EXPECT_EQ(r.Header("expect"), "");

  simdjson::dom::parser parser;
  simdjson::dom::element body = parser.parse(r.body);
  EXPECT_EQ(std::string_view(body["escalation_id"]), r.key());
  EXPECT_EQ(r.key().size(), 16u + 1 + 6 + 1 + 16u) << r.key();
  EXPECT_EQ(std::string_view(body["instance"]), "test");
  const int64_t at = body["escalated_at"];
  EXPECT_GT(at, 1600000000000);
  simdjson::dom::element comment = body["comment"];
  EXPECT_EQ(std::string_view(comment["id"]), "c-42");
  EXPECT_EQ(std::string_view(comment["author"]), "author-c-42");
  EXPECT_EQ(std::string_view(comment["thread"]), "t1");
  EXPECT_EQ(std::string_view(comment["text"]), c.text);
  EXPECT_EQ(int64_t(comment["ts_ms"]), 1718000000123);
  // The decision record is passed through verbatim, not re-encoded.
  EXPECT_NE(r.body.find("\"decision\":" + record + "}"), std::string::npos) << r.body;
}

TEST_F(EscalateDeliveryTest, ThreeFailuresThenRecoveryDeliversEverythingOnceInOrder) {
  TestReceiver receiver;
  receiver.FailNext(3, 503);
  PluginHarness h(kPluginPath);
  ASSERT_TRUE(Create(h, receiver.url()));
  for (int i = 0; i < 5; ++i) ASSERT_EQ(Escalate(h, "c" + std::to_string(i)), DECORUM_OK);
  ASSERT_EQ(h.Flush(), DECORUM_OK);
  ASSERT_TRUE(WaitUntil([&] { return receiver.Deduplicated().size() == 5 && SpoolEmpty(); }));

  const auto answered = receiver.answered();
  // The head escalation took the three 503s: nothing behind it overtook it.
  ASSERT_EQ(answered.size(), 8u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(answered[i].key(), answered[0].key());
    EXPECT_EQ(answered[i].status, i < 3 ? 503 : 200);
  }
  const auto delivered = receiver.Deduplicated();
  EXPECT_EQ(CommentIds(delivered), (std::vector<std::string>{"c0", "c1", "c2", "c3", "c4"}));
  std::set<std::string> keys;
  for (const auto& r : answered) {
    if (r.status == 200) {
      EXPECT_TRUE(keys.insert(r.key()).second) << "2xx twice: " << r.key();
    }
  }
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
  EXPECT_TRUE(ListFiles(Rejected()).empty());
}

TEST_F(EscalateDeliveryTest, ConnectionClosedWithoutAnAnswerIsRetried) {
  TestReceiver receiver;
  receiver.CloseNext(2);
  PluginHarness h(kPluginPath);
  ASSERT_TRUE(Create(h, receiver.url()));
  ASSERT_EQ(Escalate(h, "c1"), DECORUM_OK);
  ASSERT_EQ(Escalate(h, "c2"), DECORUM_OK);
  ASSERT_TRUE(WaitUntil([&] { return receiver.Deduplicated().size() == 2 && SpoolEmpty(); }));
  EXPECT_EQ(CommentIds(receiver.Deduplicated()), (std::vector<std::string>{"c1", "c2"}));
}

TEST_F(EscalateDeliveryTest, WebhookDownKeepsEverythingAcrossARestart) {
  const uint16_t port = UnusedPort();
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/escalations";
  std::vector<std::string> spooled;
  {
    PluginHarness h(kPluginPath);
    ASSERT_TRUE(Create(h, url));
    for (int i = 0; i < 5; ++i) ASSERT_EQ(Escalate(h, "c" + std::to_string(i)), DECORUM_OK);
    ASSERT_EQ(h.Flush(), DECORUM_OK);
    std::this_thread::sleep_for(milliseconds(100));  // a few failed attempts
    h.Destroy();
    spooled = ListFiles(Spool());
    ASSERT_EQ(spooled.size(), 5u);
  }
  TestReceiver receiver(port);  // the webhook comes back, on the same address
  PluginHarness h(kPluginPath);
  ASSERT_TRUE(Create(h, url));
  ASSERT_TRUE(WaitUntil([&] { return receiver.Deduplicated().size() == 5 && SpoolEmpty(); }));
  const auto delivered = receiver.Deduplicated();
  EXPECT_EQ(CommentIds(delivered), (std::vector<std::string>{"c0", "c1", "c2", "c3", "c4"}));
  for (size_t i = 0; i < delivered.size(); ++i) EXPECT_EQ(delivered[i].key(), Stem(spooled[i]));
  EXPECT_EQ(receiver.requests().size(), 5u);
}

// At least once: a file still in the spool after the receiver answered 2xx (the process
// died before deleting it) is sent again after the restart, with the same key and body,
// so the receiver can drop the duplicate.
TEST_F(EscalateDeliveryTest, AFileStillSpooledAfterA2xxIsResentWithTheSameKey) {
  TestReceiver receiver;
  receiver.Hold();
  const std::string backup = dir_.path() + "/backup";
  std::string name;
  {
    PluginHarness h(kPluginPath);
    ASSERT_TRUE(Create(h, receiver.url()));
    ASSERT_EQ(Escalate(h, "c1"), DECORUM_OK);
    ASSERT_EQ(h.Flush(), DECORUM_OK);
    ASSERT_TRUE(receiver.WaitForRequests(1));
    // The disk as a crash right now would leave it: the request is at the receiver,
    // the file still in the spool.
    ASSERT_EQ(ListFiles(Spool()).size(), 1u);
    name = ListFiles(Spool())[0];
    fs::copy_file(Spool() + "/" + name, backup);
    receiver.Release();
    ASSERT_TRUE(WaitUntil([&] { return SpoolEmpty(); }));
  }
  fs::copy_file(backup, Spool() + "/" + name);  // the "crash": the delete never happened
  PluginHarness h(kPluginPath);
  ASSERT_TRUE(Create(h, receiver.url()));
  ASSERT_TRUE(WaitUntil([&] { return receiver.answered().size() == 2 && SpoolEmpty(); }));
  const auto answered = receiver.answered();
  EXPECT_EQ(answered[0].status, 200);
  EXPECT_EQ(answered[1].status, 200);
  EXPECT_EQ(answered[0].key(), Stem(name));
  EXPECT_EQ(answered[1].key(), answered[0].key());
  EXPECT_EQ(answered[1].body, answered[0].body);
  EXPECT_EQ(receiver.Deduplicated().size(), 1u);
}

TEST_F(EscalateDeliveryTest, A4xxMovesTheFileToRejectedWithoutRetrying) {
  TestReceiver receiver;
  receiver.FailNext(1, 400);
  PluginHarness h(kPluginPath);
  ASSERT_TRUE(Create(h, receiver.url()));
  ASSERT_EQ(Escalate(h, "bad"), DECORUM_OK);
  ASSERT_EQ(Escalate(h, "good"), DECORUM_OK);
  ASSERT_TRUE(WaitUntil([&] { return receiver.Deduplicated().size() == 1 && SpoolEmpty(); }));
  std::this_thread::sleep_for(milliseconds(150));  // several backoffs: no retry may come

  const auto answered = receiver.answered();
  ASSERT_EQ(answered.size(), 2u);
  EXPECT_EQ(answered[0].status, 400);
  EXPECT_EQ(CommentIds({answered[0]}), std::vector<std::string>{"bad"});
  EXPECT_EQ(CommentIds({answered[1]}), std::vector<std::string>{"good"});
  // Not lost: the refused escalation is kept, byte for byte, for a person to look at.
  const auto rejected = ListFiles(Rejected());
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(Stem(rejected[0]), answered[0].key());
  EXPECT_EQ(ReadFile(Rejected() + "/" + rejected[0]), answered[0].body);
}

TEST_F(EscalateDeliveryTest, RetryableStatusesAreRetried) {
  TestReceiver receiver;
  PluginHarness h(kPluginPath);
  ASSERT_TRUE(Create(h, receiver.url()));
  for (int status : {408, 429, 500, 502}) {
    const size_t before = receiver.answered().size();
    receiver.FailNext(1, status);
    ASSERT_EQ(Escalate(h, "s" + std::to_string(status)), DECORUM_OK);
    ASSERT_TRUE(WaitUntil([&] { return receiver.answered().size() == before + 2 && SpoolEmpty(); }))
        << status;
    EXPECT_EQ(receiver.answered()[before].status, status);
    EXPECT_EQ(receiver.answered()[before + 1].status, 200);
  }
  EXPECT_TRUE(ListFiles(Rejected()).empty());
}

TEST_F(EscalateDeliveryTest, ConcurrentDecisionsAndFlushesDeliverEachExactlyOnce) {
  TestReceiver receiver;
  PluginHarness h(kPluginPath);
  ASSERT_TRUE(Create(h, receiver.url()));
  constexpr int kThreads = 4, kEach = 50;
  std::atomic<bool> writing{true};
  std::atomic<int> failures{0};
  std::thread flusher([&] {
    while (writing) {
      if (h.Flush() != DECORUM_OK) ++failures;
    }
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        if (Escalate(h, "t" + std::to_string(t) + "-" + std::to_string(i)) != DECORUM_OK) {
          ++failures;
        }
      }
    });
  }
  for (auto& w : writers) w.join();
  writing = false;
  flusher.join();
  ASSERT_EQ(h.Flush(), DECORUM_OK);
  EXPECT_EQ(failures, 0);
  ASSERT_TRUE(WaitUntil([&] {
    return receiver.answered().size() >= kThreads * kEach && SpoolEmpty();
  }));
  const auto answered = receiver.answered();
  EXPECT_EQ(answered.size(), size_t{kThreads * kEach});  // a well-behaved receiver: no resend
  std::set<std::string> keys, comments;
  for (const auto& r : answered) keys.insert(r.key());
  for (const auto& id : CommentIds(answered)) comments.insert(id);
  EXPECT_EQ(keys.size(), size_t{kThreads * kEach});
  EXPECT_EQ(comments.size(), size_t{kThreads * kEach});
  // Each writer's escalations arrive in the order it made them.
  for (int t = 0; t < kThreads; ++t) {
    int next = 0;
    for (const auto& id : CommentIds(answered)) {
      if (id.rfind("t" + std::to_string(t) + "-", 0) == 0) {
        EXPECT_EQ(id, "t" + std::to_string(t) + "-" + std::to_string(next));
        ++next;
      }
    }
  }
}

TEST_F(EscalateDeliveryTest, DestroyIsPromptDuringABackoff) {
  PluginHarness h(kPluginPath);
  const std::string url = "http://127.0.0.1:" + std::to_string(UnusedPort()) + "/x";
  std::string error;
  ASSERT_TRUE(h.Create("{\"url\":\"" + url + "\",\"spool_dir\":\"" + Spool() +
                           "\",\"initial_backoff_ms\":60000,\"max_backoff_ms\":60000,"
                           "\"drain_timeout_ms\":0}",
                       &error))
      << error;
  ASSERT_EQ(Escalate(h, "c1"), DECORUM_OK);
  std::this_thread::sleep_for(milliseconds(200));  // refused at once, now sleeping 30-60 s
  const auto start = steady_clock::now();
  h.Destroy();
  EXPECT_LT(steady_clock::now() - start, milliseconds(1000));
  EXPECT_EQ(ListFiles(Spool()).size(), 1u);
}

TEST_F(EscalateDeliveryTest, DestroyIsPromptDuringARequestAndKeepsTheFile) {
  TestReceiver receiver;
  receiver.Hold();
  PluginHarness h(kPluginPath);
  std::string error;
  ASSERT_TRUE(h.Create("{\"url\":\"" + receiver.url() + "\",\"spool_dir\":\"" + Spool() +
                           "\",\"timeout_ms\":10000,\"drain_timeout_ms\":0}",
                       &error))
      << error;
  ASSERT_EQ(Escalate(h, "c1"), DECORUM_OK);
  ASSERT_TRUE(receiver.WaitForRequests(1));
  const auto start = steady_clock::now();
  h.Destroy();
  EXPECT_LT(steady_clock::now() - start, milliseconds(2500));
  EXPECT_EQ(ListFiles(Spool()).size(), 1u);  // never answered: still to deliver
  receiver.Release();
}

TEST_F(EscalateDeliveryTest, OnlyEscalationsAreSpooled) {
  TestReceiver receiver;
  PluginHarness h(kPluginPath);
  ASSERT_TRUE(Create(h, receiver.url()));
  ASSERT_EQ(h.OnDecision(Comment("q"), DECORUM_ACTION_QUARANTINE, 8, Record("q")), DECORUM_OK);
  ASSERT_EQ(Escalate(h, "e"), DECORUM_OK);
  ASSERT_TRUE(WaitUntil([&] { return receiver.answered().size() == 1 && SpoolEmpty(); }));
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_EQ(CommentIds(receiver.requests()), std::vector<std::string>{"e"});
}

}  // namespace
}  // namespace decorum::escalate::testing
