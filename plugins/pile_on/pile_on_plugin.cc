// The pile_on plugin (README.md): the ABI glue that turns a scored comment's hits into
// PileOnTracker observations and the tracker's answers into a score result.
#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "decorum/plugin.hpp"
#include "pile_on/pile_on_config.h"
#include "pile_on/pile_on_tracker.h"
#include "support/event_time.h"
#include "support/struct_array.h"

namespace decorum::plugins {

namespace {

std::string Count(uint64_t n, const char* noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

// "pile-on: 41 hostile comments from 37 authors about anna-delvey in the last 60 s"
std::string Describe(std::string_view target, const PileOnTracker::Observation& o,
                     int64_t window_seconds) {
  std::string s = "pile-on: " + Count(o.count, "hostile comment") + " from ";
  if (o.authors_capped) s += "at least ";
  s += Count(o.authors, "author") + " about ";
  s += target;
  s += " in the last " + std::to_string(window_seconds) + " s";
  return s;
}

class PileOnPlugin {
 public:
  static constexpr const char* kName = "pile_on";
  static constexpr const char* kVersion = "1.0.0";
  static constexpr uint32_t kCapabilities = DECORUM_CAP_SCORE;
  // A comment without hits cannot be hostile about anyone.
  static constexpr bool kScoreOnlyWithHits = true;

  explicit PileOnPlugin(const sdk::CreateArgs& args)
      : config_(PileOnConfig::Parse(args.config_json)), tracker_(config_) {}

  // Thread-safe: the tracker is the only state, and it locks per target shard.
  void Score(const decorum_score_input& in, sdk::ScoreOutput& out) {
    if (in.comment == nullptr) {
      throw std::invalid_argument("pile_on: score input without a comment");
    }
    // A comment counts once per target, however many hostile hits it has about it.
    std::vector<std::string_view> targets;
    for (const decorum_hit& h : StructArray<decorum_hit>(in.hits, in.hit_count)) {
      const std::string_view target = sdk::View(h.target);
      if (target.empty() || !config_.categories.Contains(sdk::View(h.category))) continue;
      if (std::find(targets.begin(), targets.end(), target) == targets.end()) {
        targets.push_back(target);
      }
    }
    if (targets.empty()) return;

    const int64_t event_ms = EventTimeMs(*in.comment);
    const std::string_view author = sdk::View(in.comment->author);
    bool started = false;  // this comment started a wave about some target
    bool ongoing = false;  // ... or joined one already on
    std::string reason;
    for (std::string_view target : targets) {
      const PileOnTracker::Observation o = tracker_.Observe(target, author, event_ms);
      if (o.step == WaveState::Step::kQuiet) continue;
      started |= o.step == WaveState::Step::kStarted;
      ongoing |= o.step == WaveState::Step::kOngoing;
      if (!reason.empty()) reason += "; ";
      reason += Describe(target, o, config_.window_seconds);
    }
    if (!started && !ongoing) return;
    // One escalation per wave, then boosts: the comment that starts a wave is the one a
    // moderator must see; the ones after it only need to rank higher. A comment joining
    // waves about two people is boosted once, not twice: it is one comment.
    if (started) out.RaiseFloor(DECORUM_ACTION_ESCALATE);
    if (ongoing) out.AddDelta(config_.boost);
    out.AddLabel("pile-on");
    out.SetReason(reason);
  }

 private:
  const PileOnConfig config_;
  PileOnTracker tracker_;
};

}  // namespace

}  // namespace decorum::plugins

DECORUM_PLUGIN_EXPORT(decorum::plugins::PileOnPlugin)
