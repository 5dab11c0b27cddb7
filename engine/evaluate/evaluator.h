// Evaluator: turns a comment's raw matches into scored hits tied to watchlist targets.
//
// For each match of a rule pattern, in this order: an overlapping `unless` match of the
// same rule cancels it; `about`, `side` and `within` tie it to the nearest target
// mention (or drop it when the rule needs a target and none is in range); its score is
// the rule's score times the target's protection multiplier. Each rule counts once per
// comment, with its best hit; shadow rules are reported apart and never count.
//
// Thread safety: none; one Evaluator per worker thread (it keeps per-rule scratch so that
// evaluating a comment does not allocate once warmed up).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "decorum/decision.h"
#include "match/generation.h"
#include "match/scanner.h"
#include "normalize/normalizer.h"

namespace decorum {

// The evaluated comment before the policy turns it into an action.
struct Evaluation {
  double score = 0;                 // sum over counting rules of their best hit
  Action floor = Action::kAllow;    // highest min_action among counting rules
};

class Evaluator {
 public:
  // Fills decision->targets, ->hits (sorted by span), ->shadow and ->score; leaves
  // decision->action to the policy. `matches` come from Scanner::Scan over the same text.
  Evaluation Evaluate(const Generation& gen, const NormalizedText& normalized,
                      std::string_view original, const std::vector<Match>& matches,
                      Decision* decision);

  // How far apart two original spans are: the number of words that start strictly
  // between them (0 if they overlap) — what `within` is measured in — whether a
  // sentence ends between them ('.', '!', '?' or a newline), and whether anything but
  // words, spaces and tabs lies between them (`within: 0` wants nothing but spaces).
  struct Distance {
    uint32_t words = 0;
    bool crosses_sentence = false;
    bool punctuated = false;
  };
  static Distance Between(std::string_view original, Span a, Span b);

  // Whether `candidate`, one of `matches` (spans resolved), could count: its rule needs
  // no target, or a mention among `matches` stands where the rule wants one (`about`,
  // `side`, `within`), exactly as Evaluate() decides. An `unless` pattern only cancels,
  // so when this is false the rule's unless regexes need not be scanned for the
  // candidate (Scanner::Scan's filter).
  bool MayCount(const Generation& gen, const NormalizedText& normalized, std::string_view original,
                const std::vector<Match>& matches, const Match& candidate);

 private:
  struct Located {
    uint32_t index;  // rule or target index
    Span span;
  };
  // The original span of match `m`; false for an empty or out-of-range match.
  static bool OriginalSpan(const Generation& gen, const NormalizedText& normalized,
                           std::string_view original, const Match& m, Span* span);
  // Fills mentions_ with the target mentions among `matches`, by original position.
  void CollectMentions(const Generation& gen, const NormalizedText& normalized,
                       std::string_view original, const std::vector<Match>& matches);
  void SortMentions();  // by original position
  // The target mention (in mentions_) a hit of `rule` at `hit` is tied to, or -1.
  int32_t FindTarget(const Rule& rule, Span hit, std::string_view original) const;

  std::vector<Located> mentions_;
  std::vector<Located> unless_;
  std::vector<Located> candidates_;
  std::vector<double> best_;       // per rule: best counting score in this comment
  std::vector<uint32_t> stamp_;    // per rule: comment counter when best_ was set
  uint32_t comment_counter_ = 0;
};

}  // namespace decorum
