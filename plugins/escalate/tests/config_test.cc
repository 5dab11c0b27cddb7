// Configuration and start-up: what create() accepts, and that every refusal names the
// key or path at fault.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <stdexcept>

#include "config.h"
#include "escalate_fixture.h"

namespace decorum::escalate::testing {
namespace {

class EscalateConfigTest : public ::testing::Test {
 protected:
  // Returns create()'s error for `config`, or "" if it succeeded.
  std::string CreateError(const std::string& config) {
    std::string error;
    if (harness_.Create(config, &error)) return "";
    EXPECT_FALSE(error.empty());
    return error;
  }
  std::string Spool() const { return dir_.path() + "/spool"; }

  TempDir dir_;
  PluginHarness harness_{kPluginPath};
};

TEST_F(EscalateConfigTest, DescriptorDeclaresAnActPluginForEscalationsWithFlush) {
  const decorum_plugin_api& api = harness_.api();
  EXPECT_STREQ(api.name, "escalate");
  EXPECT_EQ(api.abi_major, DECORUM_PLUGIN_ABI_MAJOR);
  EXPECT_EQ(api.capabilities, DECORUM_CAP_ACT);
  EXPECT_EQ(api.act_min_action, DECORUM_ACTION_ESCALATE);
  EXPECT_NE(api.on_decision, nullptr);
  EXPECT_NE(api.flush, nullptr);
  EXPECT_EQ(api.score, nullptr);
}

TEST_F(EscalateConfigTest, MinimalConfigCreatesTheSpoolAndItsRejectedFolder) {
  const std::string spool = dir_.path() + "/a/b/spool";  // parents created too
  ASSERT_EQ(CreateError("{\"url\":\"http://127.0.0.1:1/x\",\"spool_dir\":\"" + spool + "\"}"), "");
  EXPECT_TRUE(fs::is_directory(spool));
  EXPECT_TRUE(fs::is_directory(spool + "/rejected"));
  // Escalations quote comments and their authors: the directories are the owner's only.
  struct stat st;
  ASSERT_EQ(::stat(spool.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST_F(EscalateConfigTest, MissingUrl) {
  std::string e = CreateError("{\"spool_dir\":\"" + Spool() + "\"}");
  EXPECT_NE(e.find("url"), std::string::npos) << e;
  EXPECT_NE(e.find("required"), std::string::npos) << e;
}

TEST_F(EscalateConfigTest, MissingSpoolDir) {
  std::string e = CreateError("{\"url\":\"http://127.0.0.1:1/x\"}");
  EXPECT_NE(e.find("spool_dir"), std::string::npos) << e;
  EXPECT_NE(e.find("required"), std::string::npos) << e;
}

TEST_F(EscalateConfigTest, UrlMustBeHttpOrHttps) {
  for (const char* url : {"ftp://example.com/x", "file:///etc/passwd", "127.0.0.1:9000/x",
                          "", "http://"}) {
    std::string e = CreateError("{\"url\":\"" + std::string(url) + "\",\"spool_dir\":\"" +
                                Spool() + "\"}");
    EXPECT_NE(e.find("url"), std::string::npos) << url << ": " << e;
  }
  EXPECT_NE(CreateError(FastConfig("ftp://example.com/x", Spool())).find("http:// or https://"),
            std::string::npos);
  EXPECT_EQ(CreateError(FastConfig("HTTPS://example.com/hook", Spool())), "");
}

TEST_F(EscalateConfigTest, UnknownKeyIsNamed) {
  std::string e = CreateError(FastConfig("http://127.0.0.1:1/x", Spool(), "\"retries\":3"));
  EXPECT_NE(e.find("retries"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown key"), std::string::npos) << e;
}

TEST_F(EscalateConfigTest, WrongTypesAndRangesAreNamed) {
  struct Case {
    const char* extra;
    const char* key;
  } cases[] = {
      {"\"timeout_ms\":\"5s\"", "timeout_ms"},
      {"\"timeout_ms\":0", "timeout_ms"},
      {"\"timeout_ms\":1.5", "timeout_ms"},
      {"\"initial_backoff_ms\":-1", "initial_backoff_ms"},
      {"\"max_backoff_ms\":5", "max_backoff_ms"},  // below initial_backoff_ms (10)
      {"\"max_spool_files\":0", "max_spool_files"},
      {"\"max_spool_files\":true", "max_spool_files"},
      {"\"drain_timeout_ms\":-1", "drain_timeout_ms"},
      {"\"drain_timeout_ms\":600001", "drain_timeout_ms"},
      {"\"drain_timeout_ms\":\"5s\"", "drain_timeout_ms"},
      {"\"headers\":[\"Authorization: x\"]", "headers"},
      {"\"headers\":{\"Authorization\":1}", "headers.Authorization"},
      {"\"headers\":{\"X-Evil\":\"a\\r\\nX-Injected: 1\"}", "headers.X-Evil"},
      {"\"headers\":{\"Bad Name\":\"a\"}", "headers.Bad Name"},
      {"\"headers\":{\"idempotency-key\":\"fixed\"}", "headers.idempotency-key"},
      {"\"headers\":{\"Content-Type\":\"text/plain\"}", "headers.Content-Type"},
  };
  for (const Case& c : cases) {
    std::string e = CreateError(FastConfig("http://127.0.0.1:1/x", Spool(), c.extra));
    EXPECT_NE(e.find(std::string(c.key) + ":"), std::string::npos) << c.extra << " -> " << e;
  }
  std::string e = CreateError("{\"url\":\"http://127.0.0.1:1/x\",\"spool_dir\":7}");
  EXPECT_NE(e.find("spool_dir"), std::string::npos) << e;
  EXPECT_NE(CreateError("[1,2]").find("mapping"), std::string::npos);
  EXPECT_NE(CreateError("{\"url\":").find("JSON"), std::string::npos);
}

TEST_F(EscalateConfigTest, ParseConfigFillsDefaultsAndKeepsHeadersInOrder) {
  Config c = ParseConfig(
      "{\"url\":\"https://hooks.example.com/esc\",\"spool_dir\":\"/var/x\","
      "\"headers\":{\"Authorization\":\"Bearer t\",\"X-Team\":\"trust\"}}");
  EXPECT_EQ(c.url, "https://hooks.example.com/esc");
  EXPECT_EQ(c.spool_dir, "/var/x");
  EXPECT_EQ(c.timeout_ms, 5000);
  EXPECT_EQ(c.initial_backoff_ms, 200);
  EXPECT_EQ(c.max_backoff_ms, 30000);
  EXPECT_EQ(c.max_spool_files, 100000);
  EXPECT_EQ(c.drain_timeout_ms, 5000);
  EXPECT_EQ(ParseConfig("{\"url\":\"http://h/\",\"spool_dir\":\"/x\",\"drain_timeout_ms\":0}")
                .drain_timeout_ms,
            0);  // stop at once
  ASSERT_EQ(c.headers.size(), 2u);
  EXPECT_EQ(c.headers[0], std::make_pair(std::string("Authorization"), std::string("Bearer t")));
  EXPECT_EQ(c.headers[1].first, "X-Team");
  EXPECT_THROW(ParseConfig("{\"url\":\"http://h/\",\"spool_dir\":\"/x\",\"url\":\"http://g/\"}"),
               std::invalid_argument);
}

TEST_F(EscalateConfigTest, SpoolDirThatCannotBeCreatedIsNamed) {
  const std::string file = dir_.path() + "/plain-file";
  WriteFile(file, "x");
  const std::string spool = file + "/spool";
  std::string e = CreateError(FastConfig("http://127.0.0.1:1/x", spool));
  EXPECT_NE(e.find(spool), std::string::npos) << e;
  EXPECT_NE(e.find("Not a directory"), std::string::npos) << e;
}

TEST_F(EscalateConfigTest, UnwritableSpoolDirIsRefusedAtCreate) {
  std::string spool = Spool();
  fs::create_directories(spool);
  ::chmod(spool.c_str(), 0555);
  if (::access(spool.c_str(), W_OK) == 0) {
    // Root ignores permission bits; a sysfs directory is read-only even for root.
    if (::access("/sys/kernel", F_OK) != 0) GTEST_SKIP() << "no unwritable directory here";
    spool = "/sys/kernel";
  }
  std::string e = CreateError(FastConfig("http://127.0.0.1:1/x", spool));
  EXPECT_NE(e.find(spool), std::string::npos) << e;
  EXPECT_NE(e.find("cannot"), std::string::npos) << e;
}

}  // namespace
}  // namespace decorum::escalate::testing
