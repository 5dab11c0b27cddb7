// The repeat_offender plugin (README.md): the ABI glue that records strikes from final
// decisions in a StrikeLedger and, at score time, boosts authors with recent strikes or
// gives an author with none a first-offence grace.
#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>

#include "decorum/plugin.hpp"
#include "repeat_offender/repeat_offender_config.h"
#include "repeat_offender/strike_ledger.h"
#include "support/event_time.h"
#include "support/struct_array.h"
#include "support/utf8_prefix.h"

namespace decorum::plugins {

namespace {

// Below this an author has, for the grace, no record: a flag (0.5 strikes by default)
// stays above it for a little over three half-lives.
constexpr double kNoStrikes = 0.05;
// Author names are user input; a reason quotes at most this many bytes of one.
constexpr size_t kMaxAuthorShown = 64;

std::string Fixed1(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

class RepeatOffenderPlugin {
 public:
  static constexpr const char* kName = "repeat_offender";
  static constexpr const char* kVersion = "1.0.0";
  static constexpr uint32_t kCapabilities = DECORUM_CAP_SCORE | DECORUM_CAP_ACT;
  // Allowed comments earn no strike, so the engine need not call on_decision for them.
  static constexpr decorum_action kActMinAction = DECORUM_ACTION_FLAG;
  // Neither the boost nor the grace is meant for a comment without a single hit.
  static constexpr bool kScoreOnlyWithHits = true;

  explicit RepeatOffenderPlugin(const sdk::CreateArgs& args)
      : config_(RepeatOffenderConfig::Parse(args.config_json)),
        ledger_(config_.half_life_seconds, config_.max_authors) {}

  // Thread-safe: the ledger is the only state, and it locks per author shard.
  void Score(const decorum_score_input& in, sdk::ScoreOutput& out) {
    if (in.comment == nullptr) {
      throw std::invalid_argument("repeat_offender: score input without a comment");
    }
    // Without an author there is no one to hold to account, and a grace could be claimed
    // again and again, since no strike could ever be recorded against it.
    const std::string_view author = sdk::View(in.comment->author);
    if (author.empty()) return;

    const double strikes = ledger_.Strikes(author, EventTimeMs(*in.comment));
    if (strikes >= config_.min_strikes) {
      out.AddDelta(std::min(config_.max_boost, config_.boost_per_strike * strikes));
      out.AddLabel("repeat-offender");
      out.SetReason("repeat offender: " + Fixed1(strikes) + " recent strikes for author " +
                    std::string(Utf8Prefix(author, kMaxAuthorShown)));
      return;
    }
    // The grace lowers a quarantine to a flag, once: the flag then earns the author a
    // strike (on_decision), which rules out a second grace until it has decayed. A rule
    // that demands quarantine (its min_action) would override the ceiling anyway, so no
    // grace is claimed then.
    const bool floor_demands_quarantine =
        DECORUM_HAS_FIELD(&in, decorum_score_input, rules_floor) &&
        in.rules_floor >= DECORUM_ACTION_QUARANTINE;
    if (strikes < kNoStrikes && in.action == DECORUM_ACTION_QUARANTINE &&
        !floor_demands_quarantine && LowSeverity(in)) {
      out.LowerCeiling(DECORUM_ACTION_FLAG);
      out.AddLabel("first-offence-grace");
      out.SetReason("first low-severity offence: flag instead of quarantine");
    }
  }

  // Thread-safe, like Score.
  void OnDecision(const decorum_decision& d) {
    if (d.comment == nullptr) {
      throw std::invalid_argument("repeat_offender: decision without a comment");
    }
    const std::string_view author = sdk::View(d.comment->author);
    const double weight = config_.strike_weights.For(d.action);
    if (author.empty() || weight <= 0) return;
    ledger_.Add(author, weight, EventTimeMs(*d.comment));
  }

 private:
  // Every hit is in a grace category and the rules' score is modest.
  bool LowSeverity(const decorum_score_input& in) const {
    if (in.score > config_.grace_max_score) return false;
    const StructArray<decorum_hit> hits(in.hits, in.hit_count);
    if (hits.size() == 0) return false;  // a quarantine we cannot explain is not "low"
    for (const decorum_hit& h : hits) {
      if (!config_.grace_categories.Contains(sdk::View(h.category))) return false;
    }
    return true;
  }

  const RepeatOffenderConfig config_;
  StrikeLedger ledger_;
};

}  // namespace

}  // namespace decorum::plugins

DECORUM_PLUGIN_EXPORT(decorum::plugins::RepeatOffenderPlugin)
