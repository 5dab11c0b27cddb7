#include "serve/serve_config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace decorum::serve {
namespace {

TEST(ServeConfigTest, ParsesListenAddresses) {
  auto t = ParseListenAddress("tcp://127.0.0.1:7070");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->host, "127.0.0.1");
  EXPECT_EQ(t->port, 7070);
  EXPECT_TRUE(IsLoopback(t.value()));
  auto v6 = ParseListenAddress("tcp://[::1]:0");
  ASSERT_TRUE(v6.ok());
  EXPECT_TRUE(IsLoopback(v6.value()));
  auto u = ParseListenAddress("unix:/run/d.sock");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->path, "/run/d.sock");
  EXPECT_FALSE(IsLoopback(ParseListenAddress("tcp://0.0.0.0:1").value()));
  EXPECT_FALSE(ParseListenAddress("tcp://nowhere:1").ok());
  EXPECT_FALSE(ParseListenAddress("tcp://127.0.0.1:70000").ok());
  EXPECT_FALSE(ParseListenAddress("udp://127.0.0.1:1").ok());
  EXPECT_FALSE(ParseListenAddress("unix:").ok());
}

TEST(ServeConfigTest, ReadsEverySection) {
  ServeConfig c;
  Status s = ApplyConfigYaml(R"(
rules: {dir: /etc/decorum/rules, on_error: skip}
stdin: true
listen: ["tcp://127.0.0.1:7070", "unix:/run/decorum/d.sock"]
http: {listen: "127.0.0.1:8080", admin_token: t0k, max_body_bytes: 1000}
limits: {max_line_bytes: 10, max_connections: 3, idle_timeout_seconds: 4,
         max_pending_output_bytes: 8192, shutdown_timeout_seconds: 5}
threads: 2
unix_socket_mode: "0660"
map: pushshift
logging: {level: debug, format: json}
plugins:
  - {name: pile, path: p/pile_on.so, config: {window_seconds: 30, targets: [a, b]}}
)", "/etc/decorum/c.yaml", &c);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(c.rules_dir, "/etc/decorum/rules");
  EXPECT_EQ(c.on_error, "skip");
  EXPECT_TRUE(c.use_stdin);
  ASSERT_EQ(c.listen.size(), 2u);
  EXPECT_TRUE(c.http_enabled);
  EXPECT_EQ(c.http.port, 8080);
  EXPECT_EQ(c.admin_token, "t0k");
  EXPECT_EQ(c.max_body_bytes, 1000u);
  EXPECT_EQ(c.max_line_bytes, 10u);
  EXPECT_EQ(c.max_connections, 3u);
  EXPECT_EQ(c.idle_timeout_seconds, 4u);
  EXPECT_EQ(c.max_pending_output_bytes, 8192u);
  EXPECT_EQ(c.shutdown_timeout_seconds, 5u);
  EXPECT_EQ(c.threads, 2u);
  EXPECT_EQ(c.unix_socket_mode, 0660u);
  EXPECT_EQ(c.map_spec, "pushshift");
  EXPECT_EQ(c.log_format, "json");
  ASSERT_EQ(c.plugins.size(), 1u);
  EXPECT_EQ(c.plugins[0].name, "pile");
  EXPECT_EQ(c.plugins[0].path, "/etc/decorum/p/pile_on.so");  // relative to the config file
  EXPECT_EQ(c.plugins[0].config_json, R"({"window_seconds":30,"targets":["a","b"]})");
  EXPECT_TRUE(c.Validate().ok());
}

// Every path in the file means the same wherever the daemon is started from: a relative
// one is relative to the file's folder (rules.dir once followed the working directory
// while plugin paths followed the file). Absolute and empty ones are kept.
TEST(ServeConfigTest, RelativePathsAreRelativeToTheConfigFile) {
  ServeConfig c;
  Status s = ApplyConfigYaml("rules: {dir: rules, cache_dir: ../cache}\n", "/srv/decorum/c.yaml", &c);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(c.rules_dir, "/srv/decorum/rules");
  EXPECT_EQ(c.cache_dir, "/srv/decorum/../cache");

  ServeConfig d;
  s = ApplyConfigYaml("rules: {dir: /etc/decorum/rules, cache_dir: \"\"}\n", "/srv/decorum/c.yaml", &d);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(d.rules_dir, "/etc/decorum/rules");
  EXPECT_EQ(d.cache_dir, "");  // no cache

  ServeConfig e;  // no value at all is the empty path, not "null"
  s = ApplyConfigYaml("rules:\n  dir:\n  cache_dir:\n", "/srv/decorum/c.yaml", &e);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(e.rules_dir, "");
  EXPECT_EQ(e.cache_dir, "");
}

TEST(ServeConfigTest, ErrorsNameTheKey) {
  auto err = [](const char* yaml) {
    ServeConfig c;
    return ApplyConfigYaml(yaml, "c.yaml", &c).message();
  };
  EXPECT_NE(err("limits: {max_lines: 1}").find("limits.max_lines: unknown key"), std::string::npos);
  EXPECT_NE(err("colour: red").find("colour: unknown key"), std::string::npos);
  EXPECT_NE(err("threads: many").find("threads"), std::string::npos);
  EXPECT_NE(err("http: {max_body_bytes: -1}").find("http.max_body_bytes"), std::string::npos);
  EXPECT_NE(err("listen: [\"tcp://x:1\"]").find("listen[0]"), std::string::npos);
  EXPECT_NE(err("unix_socket_mode: \"999\"").find("unix_socket_mode"), std::string::npos);
  EXPECT_NE(err("rules: [1").find("c.yaml:"), std::string::npos);
  // A key given twice is an error, not "the last one wins".
  EXPECT_NE(err("limits:\n  max_line_bytes: 10\n  max_line_bytes: 100000\n").find("limits.max_line_bytes: given twice"),
            std::string::npos);
  EXPECT_NE(err("stdin: true\nstdin: false\n").find("stdin: given twice"), std::string::npos);
}

TEST(ServeConfigTest, ValidateNeedsSomethingToServe) {
  ServeConfig c;
  EXPECT_FALSE(c.Validate().ok());
  c.use_stdin = true;
  EXPECT_TRUE(c.Validate().ok());
  c.log_format = "xml";
  EXPECT_FALSE(c.Validate().ok());
}

// A value out of range is named the way the operator set it: a config file's key, or
// (once the flags are applied over a file already checked) the serve flag.
TEST(ServeConfigTest, ValidateNamesTheSettingAsKeyOrFlag) {
  ServeConfig c;
  c.use_stdin = true;
  c.max_pending_output_bytes = 100;
  EXPECT_EQ(c.Validate().message(), "limits.max_pending_output_bytes must be at least 4096");
  EXPECT_EQ(c.Validate(ServeConfig::SettingNames::kServeFlags).message(),
            "--max-pending-output-bytes must be at least 4096");
  c.max_pending_output_bytes = 4096;
  c.idle_timeout_seconds = 0;
  EXPECT_EQ(c.Validate(ServeConfig::SettingNames::kServeFlags).message(), "--idle-timeout must be positive");
}

TEST(ServeConfigTest, LoadConfigFileChecksRangesNamingTheFile) {
  const std::string path = ::testing::TempDir() + "/range.yaml";
  {
    std::ofstream out(path);
    out << "limits:\n  max_pending_output_bytes: 100\n";
  }
  ServeConfig c;
  const Status s = LoadConfigFile(path, &c);
  EXPECT_EQ(s.message(), path + ": limits.max_pending_output_bytes must be at least 4096");
  std::remove(path.c_str());
}

}  // namespace
}  // namespace decorum::serve
