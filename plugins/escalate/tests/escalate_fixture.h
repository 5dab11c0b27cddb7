// Shared helpers for the escalate tests: a scratch directory, configuration JSON, spool
// listings, waiting for the delivery thread, and reading what the receiver got.
#pragma once

#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "test_receiver.h"
#include "testing/plugin_harness.h"

namespace decorum::escalate::testing {

namespace fs = std::filesystem;
using decorum::testing::PluginHarness;
using decorum::testing::TestComment;

inline const std::string kPluginPath = DECORUM_PLUGIN_DIR "/escalate.so";

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = (fs::temp_directory_path() /
             ("decorum-escalate-" + std::to_string(::getpid()) + "-" + std::to_string(counter++)))
                .string();
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A configuration with fast retries, whose destroy() drains for up to `drain_ms`.
inline std::string DrainConfig(const std::string& url, const std::string& spool_dir,
                               int64_t drain_ms, const std::string& extra = "") {
  return "{\"url\":\"" + url + "\",\"spool_dir\":\"" + spool_dir +
         "\",\"timeout_ms\":2000,\"initial_backoff_ms\":10,\"max_backoff_ms\":50" +
         ",\"drain_timeout_ms\":" + std::to_string(drain_ms) +
         (extra.empty() ? "" : "," + extra) + "}";
}

// A configuration with fast retries, so a test spends milliseconds, not seconds, waiting,
// and no drain: destroy() stops at once, leaving what is undelivered in the spool, which
// is what most tests look at. The drain tests use DrainConfig.
inline std::string FastConfig(const std::string& url, const std::string& spool_dir,
                              const std::string& extra = "") {
  return DrainConfig(url, spool_dir, 0, extra);
}

// Sorted names in `dir` ending with `suffix` (regular files only).
inline std::vector<std::string> ListFiles(const std::string& dir,
                                          const std::string& suffix = ".json") {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && name.size() >= suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      names.push_back(name);
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void WriteFile(const std::string& path, const std::string& contents) {
  std::ofstream(path, std::ios::binary) << contents;
}

inline std::string Stem(const std::string& name) { return name.substr(0, name.rfind('.')); }

// Polls `done` every few ms until it holds or `timeout` passes; returns its last value.
inline bool WaitUntil(const std::function<bool()>& done,
                      std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return done();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

inline TestComment Comment(const std::string& id, const std::string& text = "you should be afraid") {
  TestComment c;
  c.id = id;
  c.text = text;
  c.author = "author-" + id;
  c.thread = "t1";
  return c;
}

// A decision record like the engine writes for `id`.
inline std::string Record(const std::string& id) {
  return "{\"id\":\"" + id + "\",\"action\":\"escalate\",\"score\":12.5,\"hits\":[]}";
}

// Spools one escalation for comment `id`; returns on_decision's status.
inline decorum_status Escalate(PluginHarness& h, const std::string& id,
                               std::string* error = nullptr) {
  return h.OnDecision(Comment(id), DECORUM_ACTION_ESCALATE, 12.5, Record(id), error);
}

// The comment ids of `requests`, from their bodies ("?" where there is none).
inline std::vector<std::string> CommentIds(const std::vector<TestReceiver::Request>& requests) {
  std::vector<std::string> ids;
  simdjson::dom::parser parser;
  for (const auto& r : requests) {
    std::string_view id;
    if (parser.parse(r.body)["comment"]["id"].get(id) != simdjson::SUCCESS) id = "?";
    ids.emplace_back(id);
  }
  return ids;
}

}  // namespace decorum::escalate::testing
