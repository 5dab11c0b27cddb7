// destroy() of the last instance on a spool drains it (drain_timeout_ms): delivery goes on
// until the spool is empty or the deadline, every answer that completed is acted on, and
// destroy() never blocks much longer than drain_timeout_ms, even with the webhook down.
// This is what delivers the escalations of a short batch run (`decorum score --config`).
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <set>
#include <string>

#include "escalate_fixture.h"
#include "test_receiver.h"

namespace decorum::escalate::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// What destroy() may take beyond drain_timeout_ms: abandoning a request in flight takes
// up to WebhookClient::kCancelCheckMs; the rest is for slow (sanitizer) builds.
constexpr milliseconds kMargin{500};

class EscalateDrainTest : public ::testing::Test {
 protected:
  std::string Spool() const { return dir_.path() + "/spool"; }
  std::string Rejected() const { return Spool() + "/rejected"; }
  bool SpoolEmpty() const { return ListFiles(Spool()).empty(); }
  std::string DownUrl() const {
    return "http://127.0.0.1:" + std::to_string(down_port_) + "/escalations";
  }

  // Creates the instance; on failure records the error and returns false (callers
  // ASSERT on it: a helper's own ASSERT would not stop the test).
  bool Create(PluginHarness& h, const std::string& config) {
    std::string error;
    const bool ok = h.Create(config, &error);
    EXPECT_TRUE(ok) << error;
    return ok;
  }

  // Destroys `h`; returns how long that took.
  static milliseconds TimedDestroy(PluginHarness& h) {
    const auto start = steady_clock::now();
    h.Destroy();
    return std::chrono::duration_cast<milliseconds>(steady_clock::now() - start);
  }

  // The line destroy() logs when the drain leaves `n` escalations behind.
  std::string LeftLine(int n) const {
    return "decorum escalate[test]: " + std::to_string(n) + " escalations still in the spool " +
           Spool() + "; they will be sent by the next start\n";
  }

  static size_t Count(const std::string& text, const std::string& part) {
    size_t n = 0;
    for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
    return n;
  }

  TempDir dir_;
  uint16_t down_port_ = UnusedPort();
};

// The batch case: decorum exits right after spooling. With the default drain_timeout_ms
// destroy() waits for a receiver that answers slowly, and each escalation is sent once.
TEST_F(EscalateDrainTest, DefaultDrainWaitsForASlowReceiverAndDeletesTheFiles) {
  TestReceiver receiver;
  receiver.DelayAnswers(milliseconds(200));
  PluginHarness h(kPluginPath);
  ASSERT_TRUE(Create(h, "{\"url\":\"" + receiver.url() + "\",\"spool_dir\":\"" + Spool() + "\"}"));
  ASSERT_EQ(Escalate(h, "c1"), DECORUM_OK);
  ASSERT_EQ(Escalate(h, "c2"), DECORUM_OK);
  ASSERT_EQ(h.Flush(), DECORUM_OK);
  ::testing::internal::CaptureStderr();
  const milliseconds took = TimedDestroy(h);
  const std::string log = ::testing::internal::GetCapturedStderr();

  EXPECT_TRUE(SpoolEmpty()) << log;
  EXPECT_LT(took, milliseconds(5000));  // ended when the spool was empty, not at the deadline
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(CommentIds(requests), (std::vector<std::string>{"c1", "c2"}));
  EXPECT_NE(requests[0].key(), requests[1].key());
  for (const auto& r : requests) EXPECT_EQ(r.status, 200);
  EXPECT_EQ(log.find("still in the spool"), std::string::npos) << log;
}

TEST_F(EscalateDrainTest, AnAnswerCompletedBeforeTheDeadlineIsHonoured) {
  TestReceiver receiver;
  receiver.DelayAnswers(milliseconds(300));
  PluginHarness h(kPluginPath);
  ASSERT_TRUE(Create(h, DrainConfig(receiver.url(), Spool(), 1000)));
  ASSERT_EQ(Escalate(h, "c1"), DECORUM_OK);
  ASSERT_TRUE(receiver.WaitForRequests(1));  // in flight when destroy() starts
  const milliseconds took = TimedDestroy(h);
  EXPECT_TRUE(SpoolEmpty());
  EXPECT_LT(took, milliseconds(1000) + kMargin);
  ASSERT_EQ(receiver.answered().size(), 1u);
  EXPECT_EQ(receiver.answered()[0].status, 200);
  EXPECT_EQ(receiver.requests().size(), 1u);
}

// Any complete answer counts, not only 2xx: a permanent refusal is moved aside as usual,
// and the drain goes on with the next escalation.
TEST_F(EscalateDrainTest, APermanentRefusalDuringTheDrainIsMovedToRejected) {
  TestReceiver receiver;
  receiver.DelayAnswers(milliseconds(100));
  receiver.FailNext(1, 400);
  PluginHarness h(kPluginPath);
  ASSERT_TRUE(Create(h, DrainConfig(receiver.url(), Spool(), 3000)));
  ASSERT_EQ(Escalate(h, "bad"), DECORUM_OK);
  ASSERT_EQ(Escalate(h, "good"), DECORUM_OK);
  h.Destroy();
  EXPECT_TRUE(SpoolEmpty());
  const auto answered = receiver.answered();
  ASSERT_EQ(answered.size(), 2u);
  EXPECT_EQ(answered[0].status, 400);
  EXPECT_EQ(answered[1].status, 200);
  EXPECT_EQ(CommentIds(answered), (std::vector<std::string>{"bad", "good"}));
  const auto rejected = ListFiles(Rejected());
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(Stem(rejected[0]), answered[0].key());
}

TEST_F(EscalateDrainTest, WebhookDownDestroyReturnsAtTheDeadlineAndKeepsTheFiles) {
  PluginHarness h(kPluginPath);
  ASSERT_TRUE(Create(h, DrainConfig(DownUrl(), Spool(), 400)));  // retries every 5-50 ms
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Escalate(h, "c" + std::to_string(i)), DECORUM_OK);
  ASSERT_EQ(h.Flush(), DECORUM_OK);
  ::testing::internal::CaptureStderr();
  const milliseconds took = TimedDestroy(h);
  const std::string log = ::testing::internal::GetCapturedStderr();

  EXPECT_GE(took, milliseconds(300));  // it did try (the last backoff may end it early)
  EXPECT_LT(took, milliseconds(400) + kMargin);
  EXPECT_EQ(ListFiles(Spool()).size(), 3u);
  EXPECT_EQ(Count(log, LeftLine(3)), 1u) << log;
}

// A retry due after the deadline is not waited for: destroy() returns at once.
TEST_F(EscalateDrainTest, ABackoffPastTheDeadlineEndsTheDrainAtOnce) {
  PluginHarness h(kPluginPath);
  ASSERT_TRUE(Create(h, "{\"url\":\"" + DownUrl() + "\",\"spool_dir\":\"" + Spool() +
                            "\",\"initial_backoff_ms\":60000,\"max_backoff_ms\":60000}"));
  ASSERT_EQ(Escalate(h, "c1"), DECORUM_OK);
  std::this_thread::sleep_for(milliseconds(200));  // refused at once, now sleeping 30-60 s
  const milliseconds took = TimedDestroy(h);
  EXPECT_LT(took, kMargin);  // not the default drain_timeout_ms (5 s)
  EXPECT_EQ(ListFiles(Spool()).size(), 1u);
}

TEST_F(EscalateDrainTest, ARequestStillInFlightAtTheDeadlineIsAbandoned) {
  TestReceiver receiver;
  receiver.Hold();
  PluginHarness h(kPluginPath);
  ASSERT_TRUE(Create(h, DrainConfig(receiver.url(), Spool(), 300)));  // timeout_ms 2000
  ASSERT_EQ(Escalate(h, "c1"), DECORUM_OK);
  ASSERT_TRUE(receiver.WaitForRequests(1));
  ::testing::internal::CaptureStderr();
  const milliseconds took = TimedDestroy(h);
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_GE(took, milliseconds(250));
  EXPECT_LT(took, milliseconds(300) + kMargin);
  EXPECT_EQ(ListFiles(Spool()).size(), 1u);  // never answered: still to deliver
  EXPECT_EQ(Count(log, LeftLine(1)), 1u) << log;
  receiver.Release();
}

// drain_timeout_ms: 0 is the old behaviour: stop at once, even with a request in flight.
TEST_F(EscalateDrainTest, ZeroDrainStopsAtOnce) {
  TestReceiver receiver;
  receiver.DelayAnswers(milliseconds(2000));
  PluginHarness h(kPluginPath);
  ASSERT_TRUE(Create(h, DrainConfig(receiver.url(), Spool(), 0)));
  ASSERT_EQ(Escalate(h, "c1"), DECORUM_OK);
  ASSERT_EQ(Escalate(h, "c2"), DECORUM_OK);
  ASSERT_TRUE(receiver.WaitForRequests(1));
  ::testing::internal::CaptureStderr();
  const milliseconds took = TimedDestroy(h);
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_LT(took, kMargin);
  EXPECT_EQ(ListFiles(Spool()).size(), 2u);
  EXPECT_NE(log.find("2 escalations still in the spool"), std::string::npos) << log;
}

// An answer that arrived just before destroy() (nothing to drain: drain_timeout_ms 0) is
// still acted on: the file is deleted, not sent again by the next start.
TEST_F(EscalateDrainTest, AnAnswerCompletedJustBeforeAnImmediateStopIsHonoured) {
  TestReceiver receiver;
  receiver.Hold();
  PluginHarness h(kPluginPath);
  ASSERT_TRUE(Create(h, DrainConfig(receiver.url(), Spool(), 0)));
  ASSERT_EQ(Escalate(h, "c1"), DECORUM_OK);
  ASSERT_TRUE(receiver.WaitForRequests(1));
  receiver.Release();
  ASSERT_TRUE(WaitUntil([&] { return receiver.answered().size() == 1; }));
  h.Destroy();  // at once: the delivery thread may not have read the answer yet
  EXPECT_TRUE(SpoolEmpty());
  EXPECT_EQ(receiver.answered()[0].status, 200);
}

// Only the last instance on a directory drains: destroying the old one after a reload
// does not hold up the reload, whatever is waiting in the spool.
TEST_F(EscalateDrainTest, OnlyTheLastInstanceOnASpoolDrains) {
  auto old_instance = std::make_unique<PluginHarness>(kPluginPath);
  PluginHarness new_instance(kPluginPath);
  ASSERT_TRUE(Create(*old_instance, DrainConfig(DownUrl(), Spool(), 5000)));
  ASSERT_TRUE(Create(new_instance, DrainConfig(DownUrl(), Spool(), 300)));
  ASSERT_EQ(Escalate(*old_instance, "c1"), DECORUM_OK);
  EXPECT_LT(TimedDestroy(*old_instance), kMargin);
  // The last one drains for its own drain_timeout_ms.
  const milliseconds took = TimedDestroy(new_instance);
  EXPECT_GE(took, milliseconds(200));
  EXPECT_LT(took, milliseconds(300) + kMargin);
  EXPECT_EQ(ListFiles(Spool()).size(), 1u);
}

}  // namespace
}  // namespace decorum::escalate::testing
