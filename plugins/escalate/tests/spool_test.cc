// The spool on disk: naming and order, complete files only, recovery after a crash,
// the size limit, and I/O errors reported with the path.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sys/stat.h>

#include "escalate_fixture.h"
#include "escalation_id.h"
#include "test_receiver.h"

namespace decorum::escalate::testing {
namespace {

class EscalateSpoolTest : public ::testing::Test {
 protected:
  std::string Spool() const { return dir_.path() + "/spool"; }
  // A webhook nobody listens on: every file stays in the spool.
  std::string DownUrl() const {
    return "http://127.0.0.1:" + std::to_string(down_port_) + "/escalations";
  }
  // Creates the instance; on failure records the error and returns false (callers
  // ASSERT on it: a helper's own ASSERT would not stop the test).
  bool Create(PluginHarness& h, const std::string& url, const std::string& extra = "") {
    std::string error;
    const bool ok = h.Create(FastConfig(url, Spool(), extra), &error);
    EXPECT_TRUE(ok) << error;
    return ok;
  }

  TempDir dir_;
  uint16_t down_port_ = UnusedPort();
};

TEST_F(EscalateSpoolTest, OneCompleteFilePerEscalationNamedInCreationOrder) {
  PluginHarness h(kPluginPath);
  ASSERT_TRUE(Create(h, DownUrl()));
  for (int i = 0; i < 20; ++i) {
    char id[32];
    std::snprintf(id, sizeof id, "c%02d", i);
    ASSERT_EQ(Escalate(h, id), DECORUM_OK);
  }
  ASSERT_EQ(h.Flush(), DECORUM_OK);
  const auto names = ListFiles(Spool());
  ASSERT_EQ(names.size(), 20u);
  EXPECT_TRUE(ListFiles(Spool(), ".tmp").empty());
  simdjson::dom::parser parser;
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string path = Spool() + "/" + names[i];
    const std::string text = ReadFile(path);
    simdjson::dom::element e;
    ASSERT_EQ(parser.parse(text).get(e), simdjson::SUCCESS) << path;
    char id[32];
    std::snprintf(id, sizeof id, "c%02zu", i);
    EXPECT_EQ(std::string_view(e["comment"]["id"]), id);
    EXPECT_EQ(std::string_view(e["escalation_id"]), Stem(names[i]));
    struct stat st;
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u) << path;
  }
}

TEST_F(EscalateSpoolTest, NewIdsSortAfterFilesLeftByAnEarlierRun) {
  fs::create_directories(Spool());
  // Left by a run whose clock was far ahead of this one.
  const std::string old_name = "9000000000000000-000007-0123456789abcdef.json";
  WriteFile(Spool() + "/" + old_name, "{\"escalation_id\":\"x\"}\n");
  // Put back by hand under a name that is not an id: delivered too, but it must not
  // hide the newest id from the generator.
  WriteFile(Spool() + "/zz-resend.json", "{\"escalation_id\":\"y\"}\n");
  PluginHarness h(kPluginPath);
  ASSERT_TRUE(Create(h, DownUrl()));
  ASSERT_EQ(Escalate(h, "new"), DECORUM_OK);
  const auto names = ListFiles(Spool());
  ASSERT_EQ(names.size(), 3u);
  EXPECT_EQ(names[0], old_name);
  EXPECT_EQ(names[1].substr(0, 24), "9000000000000000-000008-");
  EXPECT_EQ(names[2], "zz-resend.json");
}

TEST_F(EscalateSpoolTest, IdsAreUniqueAndIncreasingFromManyThreads) {
  EscalationIdGenerator ids;
  std::vector<std::vector<std::string>> per_thread(4);
  std::vector<std::thread> threads;
  for (auto& out : per_thread) {
    threads.emplace_back([&ids, &out] {
      for (int i = 0; i < 2000; ++i) out.push_back(ids.Next());
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> all;
  for (const auto& out : per_thread) {
    EXPECT_TRUE(std::is_sorted(out.begin(), out.end()));
    all.insert(out.begin(), out.end());
  }
  EXPECT_EQ(all.size(), 8000u);
}

TEST_F(EscalateSpoolTest, CrashLeftoversAreCleanedAndATruncatedFileIsNotSent) {
  fs::create_directories(Spool());
  // A write interrupted before its rename, and a file emptied by a power cut before flush.
  WriteFile(Spool() + "/0000000000000001-000000-aaaaaaaaaaaaaaaa.tmp", "{\"escal");
  const std::string truncated = "0000000000000002-000000-bbbbbbbbbbbbbbbb.json";
  WriteFile(Spool() + "/" + truncated, "{\"escalation_id\":\"00000");
  const std::string intact = "0000000000000003-000000-cccccccccccccccc.json";
  WriteFile(Spool() + "/" + intact, "{\"escalation_id\":\"0000000000000003-000000-cccccccccccccccc\"}\n");

  TestReceiver receiver;
  PluginHarness h(kPluginPath);
  ASSERT_TRUE(Create(h, receiver.url()));
  ASSERT_TRUE(WaitUntil([&] { return ListFiles(Spool()).empty(); }));
  EXPECT_TRUE(ListFiles(Spool(), ".tmp").empty());
  EXPECT_EQ(ListFiles(Spool() + "/rejected"), std::vector<std::string>{truncated});
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].key(), Stem(intact));
}

TEST_F(EscalateSpoolTest, AFullSpoolFailsOnDecisionWithAClearMessage) {
  PluginHarness h(kPluginPath);
  ASSERT_TRUE(Create(h, DownUrl(), "\"max_spool_files\":3"));
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Escalate(h, "c" + std::to_string(i)), DECORUM_OK);
  std::string error;
  EXPECT_EQ(Escalate(h, "c3", &error), DECORUM_ERROR);
  EXPECT_NE(error.find("max_spool_files"), std::string::npos) << error;
  EXPECT_NE(error.find(Spool()), std::string::npos) << error;
  EXPECT_EQ(ListFiles(Spool()).size(), 3u);
  EXPECT_TRUE(ListFiles(Spool(), ".tmp").empty());
  EXPECT_EQ(h.Flush(), DECORUM_OK);
}

TEST_F(EscalateSpoolTest, AFullSpoolAcceptsAgainOnceDelivered) {
  TestReceiver receiver;
  receiver.Hold();
  PluginHarness h(kPluginPath);
  ASSERT_TRUE(Create(h, receiver.url(), "\"max_spool_files\":1"));
  ASSERT_EQ(Escalate(h, "c0"), DECORUM_OK);
  EXPECT_EQ(Escalate(h, "c1"), DECORUM_ERROR);
  receiver.Release();
  ASSERT_TRUE(WaitUntil([&] { return ListFiles(Spool()).empty(); }));
  EXPECT_EQ(Escalate(h, "c2"), DECORUM_OK);
}

TEST_F(EscalateSpoolTest, AWriteErrorNamesThePath) {
  PluginHarness h(kPluginPath);
  ASSERT_TRUE(Create(h, DownUrl()));
  fs::remove_all(Spool());  // pulled out from under the running plugin
  std::string error;
  EXPECT_EQ(Escalate(h, "c1", &error), DECORUM_ERROR);
  EXPECT_NE(error.find(Spool()), std::string::npos) << error;
  EXPECT_NE(error.find("cannot create"), std::string::npos) << error;
  EXPECT_EQ(h.Flush(), DECORUM_OK);  // nothing was spooled, so nothing to make durable
}

TEST_F(EscalateSpoolTest, FlushAfterManyDecisionsSucceeds) {
  // More than the descriptors the spool keeps open between flushes (it syncs the rest
  // as it goes).
  PluginHarness h(kPluginPath);
  ASSERT_TRUE(Create(h, DownUrl()));
  for (int i = 0; i < 260; ++i) ASSERT_EQ(Escalate(h, "c" + std::to_string(i)), DECORUM_OK);
  EXPECT_EQ(h.Flush(), DECORUM_OK);
  EXPECT_EQ(h.Flush(), DECORUM_OK);
  EXPECT_EQ(ListFiles(Spool()).size(), 260u);
}

}  // namespace
}  // namespace decorum::escalate::testing
