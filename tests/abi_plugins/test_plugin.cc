// A well-behaved but configurable plugin for the engine's plugin tests (unit and
// integration): it can add a score, set a floor or ceiling, fail, throw, hang, record
// the decisions it is shown, and fail its flush — each on demand, so every path of the
// engine's plugin host can be driven through the real ABI.
//
// Config (JSON object, every key optional):
//   delta: number            added to every comment's score
//   floor, ceiling: action   "allow" | "flag" | "quarantine" | "escalate"
//   reason, label: string
//   fail_text: string        score() fails (returns DECORUM_ERROR) for texts containing it
//   throw_text: string       score() throws a C++ exception for texts containing it
//   hang_text: string        score() sleeps hang_ms for texts containing it
//   hang_ms: integer
//   log: path                on_decision() appends "<id> <action>\n"; written by flush()
//   act_fail_text: string    on_decision() fails for texts containing it (a store that
//                            refuses a decision)
//   flush_fail: bool         flush() fails ("disk full (test plugin)")
//   flush_fail_after: integer  flush() succeeds this many times, then fails like flush_fail
//   flush_ms: integer        flush() first sleeps this long (a slow disk's commit)
//   create_fail: string      create() fails with this message
//   serial: (ignored — capabilities are static; see test_serial_plugin)
#include <simdjson.h>
#include <atomic>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "decorum/plugin.hpp"

namespace {

decorum_action ParseAction(std::string_view s) {
  if (s == "allow") return DECORUM_ACTION_ALLOW;
  if (s == "flag") return DECORUM_ACTION_FLAG;
  if (s == "quarantine") return DECORUM_ACTION_QUARANTINE;
  if (s == "escalate") return DECORUM_ACTION_ESCALATE;
  throw std::invalid_argument("unknown action '" + std::string(s) + "'");
}

const char* ActionName(decorum_action a) {
  static const char* kNames[] = {"allow", "flag", "quarantine", "escalate"};
  return kNames[a];
}

class TestPlugin {
 public:
  static constexpr const char* kName = "test_plugin";
  static constexpr const char* kVersion = "1.0.0";
  static constexpr uint32_t kCapabilities = DECORUM_CAP_SCORE | DECORUM_CAP_ACT;

  explicit TestPlugin(const decorum::sdk::CreateArgs& args) {
    simdjson::dom::parser parser;
    simdjson::dom::object obj;
    if (parser.parse(args.config_json.data(), args.config_json.size()).get(obj)) {
      throw std::invalid_argument("config is not a JSON object");
    }
    for (auto [key, value] : obj) {
      std::string_view s;
      if (key == "delta") delta_ = double(value);
      else if (key == "floor") floor_ = ParseAction(std::string_view(value));
      else if (key == "ceiling") ceiling_ = ParseAction(std::string_view(value));
      else if (key == "reason") reason_ = std::string_view(value);
      else if (key == "label") label_ = std::string_view(value);
      else if (key == "fail_text") fail_text_ = std::string_view(value);
      else if (key == "throw_text") throw_text_ = std::string_view(value);
      else if (key == "hang_text") hang_text_ = std::string_view(value);
      else if (key == "hang_ms") hang_ms_ = int64_t(value);
      else if (key == "log") log_ = std::string_view(value);
      else if (key == "act_fail_text") act_fail_text_ = std::string_view(value);
      else if (key == "flush_fail") flush_fail_ = bool(value);
      else if (key == "flush_fail_after") flush_fail_after_ = int64_t(value);
      else if (key == "flush_ms") flush_ms_ = int64_t(value);
      else if (key == "create_fail") throw std::invalid_argument(std::string(std::string_view(value)));
      else throw std::invalid_argument("unknown key '" + std::string(key) + "'");
    }
  }

  void Score(const decorum_score_input& in, decorum::sdk::ScoreOutput& out) {
    const std::string_view text = decorum::sdk::View(in.comment->text);
    if (!fail_text_.empty() && text.find(fail_text_) != std::string_view::npos) {
      throw std::runtime_error("refusing comment " + std::string(decorum::sdk::View(in.comment->id)));
    }
    if (!throw_text_.empty() && text.find(throw_text_) != std::string_view::npos) {
      throw 42;  // not even a std::exception: the C++ layer must still catch it
    }
    if (!hang_text_.empty() && text.find(hang_text_) != std::string_view::npos) {
      std::this_thread::sleep_for(std::chrono::milliseconds(hang_ms_));
    }
    out.AddDelta(delta_);
    out.RaiseFloor(floor_);
    out.LowerCeiling(ceiling_);
    if (!reason_.empty()) out.SetReason(reason_);
    if (!label_.empty()) out.AddLabel(label_);
  }

  void OnDecision(const decorum_decision& d) {
    if (!act_fail_text_.empty() &&
        decorum::sdk::View(d.comment->text).find(act_fail_text_) != std::string_view::npos) {
      throw std::runtime_error("store full (test plugin)");
    }
    if (log_.empty()) return;
    std::lock_guard<std::mutex> lock(mu_);
    pending_ += std::string(decorum::sdk::View(d.comment->id)) + " " + ActionName(d.action) + "\n";
  }

  void Flush() {
    if (flush_fail_ || (flush_fail_after_ >= 0 && flushes_.fetch_add(1) >= flush_fail_after_)) {
      throw std::runtime_error("disk full (test plugin)");
    }
    if (flush_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(flush_ms_));
    std::lock_guard<std::mutex> lock(mu_);
    if (log_.empty() || pending_.empty()) return;
    std::FILE* f = std::fopen(log_.c_str(), "ab");
    if (!f) throw std::runtime_error("cannot open " + log_);
    const bool ok = std::fwrite(pending_.data(), 1, pending_.size(), f) == pending_.size() &&
                    std::fflush(f) == 0 && ::fsync(fileno(f)) == 0;
    std::fclose(f);
    if (!ok) throw std::runtime_error("cannot write " + log_);
    pending_.clear();
  }

 private:
  double delta_ = 0;
  decorum_action floor_ = DECORUM_ACTION_ALLOW;
  decorum_action ceiling_ = DECORUM_ACTION_ESCALATE;
  std::string reason_, label_, fail_text_, throw_text_, hang_text_, log_, act_fail_text_;
  int64_t hang_ms_ = 0;
  int64_t flush_ms_ = 0;
  bool flush_fail_ = false;
  int64_t flush_fail_after_ = -1;  // -1: never
  std::atomic<int64_t> flushes_{0};
  std::mutex mu_;
  std::string pending_;
};

}  // namespace

DECORUM_PLUGIN_EXPORT(TestPlugin)
