#include "evaluate/evaluator.h"

#include <algorithm>
#include <limits>

namespace decorum {
namespace {

bool IsWordByte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

bool Overlaps(Span a, Span b) { return a.begin < b.end && b.begin < a.end; }

// `about: any` or a list: a hit of the rule counts only when tied to a target.
bool NeedsTarget(const Rule& rule) {
  return rule.about == Rule::About::kAny || rule.about == Rule::About::kListed;
}

// Whether a target mention stands where the rule's `side` allows: not wholly before the
// hit for `after`, not wholly after it for `before`. A mention inside a regex hit ("break
// Delvey's legs") counts on every side; `after` refuses a name that precedes the hit
// ("Delvey Murder on the Dancefloor").
bool OnSide(Rule::Side side, Span hit, Span mention) {
  switch (side) {
    case Rule::Side::kEither: return true;
    case Rule::Side::kAfter: return mention.end > hit.begin;
    case Rule::Side::kBefore: return mention.begin < hit.end;
  }
  return true;
}

}  // namespace

namespace {

// Between() that may stop early: once more than `max_words` words lie between the spans,
// it returns with words > max_words and the rest of the gap unread. Callers that reject
// every pair farther apart than max_words (`within`) get the same answer as from the full
// count, without walking a long comment's text once per candidate and mention.
Evaluator::Distance BoundedBetween(std::string_view original, Span a, Span b, uint32_t max_words) {
  Evaluator::Distance d;
  if (Overlaps(a, b)) return d;
  if (b.begin < a.begin) std::swap(a, b);
  bool in_word = false;
  for (uint32_t i = a.end; i < b.begin && i < original.size(); ++i) {
    const char c = original[i];
    const bool w = IsWordByte(static_cast<unsigned char>(c));
    if (w && !in_word && ++d.words > max_words) return d;
    in_word = w;
    d.crosses_sentence |= c == '.' || c == '!' || c == '?' || c == '\n';
    d.punctuated |= !w && c != ' ' && c != '\t';
  }
  return d;
}

}  // namespace

Evaluator::Distance Evaluator::Between(std::string_view original, Span a, Span b) {
  return BoundedBetween(original, a, b, std::numeric_limits<uint32_t>::max());
}

bool Evaluator::OriginalSpan(const Generation& gen, const NormalizedText& normalized,
                             std::string_view original, const Match& m, Span* span) {
  if (m.from >= m.to) return false;
  if (m.id < gen.raw_id_base()) {
    if (m.to > normalized.text.size()) return false;
    auto [b, e] = normalized.ToOriginal(m.from, m.to);
    *span = {b, e};
  } else {
    if (m.to > original.size()) return false;
    *span = {m.from, m.to};
  }
  return true;
}

void Evaluator::CollectMentions(const Generation& gen, const NormalizedText& normalized,
                                std::string_view original, const std::vector<Match>& matches) {
  mentions_.clear();
  const auto& refs = gen.refs();
  Span span;
  for (const Match& m : matches) {
    const PatternRef& ref = refs[m.id];
    if (ref.kind == PatternRef::Kind::kTarget && OriginalSpan(gen, normalized, original, m, &span)) {
      mentions_.push_back({ref.index, span});
    }
  }
  SortMentions();
}

void Evaluator::SortMentions() {
  std::sort(mentions_.begin(), mentions_.end(),
            [](const Located& a, const Located& b) { return a.span.begin < b.span.begin; });
}

int32_t Evaluator::FindTarget(const Rule& rule, Span hit, std::string_view original) const {
  if (rule.about == Rule::About::kNone) return -1;
  // The nearest mention in range wins, but one in the same sentence beats one across a
  // sentence end: in "Maks is an idiot. Ezra was classy." the insult is Maks's.
  int32_t target = -1;
  uint64_t best_distance = UINT64_MAX;
  for (const Located& m : mentions_) {
    if (rule.about == Rule::About::kListed &&
        std::find(rule.about_targets.begin(), rule.about_targets.end(), m.index) == rule.about_targets.end()) {
      continue;
    }
    if (!OnSide(rule.side, hit, m.span)) continue;
    const Distance dist = BoundedBetween(original, hit, m.span, rule.within);
    // `within: 0` is "right beside": "kill, Delvey!" and "that was murder. Delvey..."
    // name her without aiming the verb at her.
    if (rule.within == 0 && dist.punctuated) continue;
    const uint64_t d = (uint64_t{dist.crosses_sentence} << 32) | dist.words;
    if (dist.words <= rule.within && d < best_distance) {
      best_distance = d;
      target = static_cast<int32_t>(m.index);
    }
  }
  return target;
}

bool Evaluator::MayCount(const Generation& gen, const NormalizedText& normalized, std::string_view original,
                         const std::vector<Match>& matches, const Match& candidate) {
  const PatternRef& ref = gen.refs()[candidate.id];
  if (ref.kind != PatternRef::Kind::kMatch) return true;
  const Rule& rule = gen.rules().rules[ref.index];
  if (!NeedsTarget(rule)) return true;
  Span span;
  if (!OriginalSpan(gen, normalized, original, candidate, &span)) return false;
  CollectMentions(gen, normalized, original, matches);
  return FindTarget(rule, span, original) >= 0;
}

Evaluation Evaluator::Evaluate(const Generation& gen, const NormalizedText& normalized,
                               std::string_view original, const std::vector<Match>& matches,
                               Decision* decision) {
  const RuleSet& set = gen.rules();
  const auto& refs = gen.refs();
  unless_.clear();
  candidates_.clear();
  if (best_.size() != set.rules.size()) {
    best_.assign(set.rules.size(), 0);
    stamp_.assign(set.rules.size(), 0);
    comment_counter_ = 0;
  }
  if (++comment_counter_ == 0) {  // wrapped: stale stamps could look current
    std::fill(stamp_.begin(), stamp_.end(), 0);
    comment_counter_ = 1;
  }

  // One pass sorts the matches into mentions, unless matches and candidates (CollectMentions
  // is the mentions' part alone).
  mentions_.clear();
  Span span;
  for (const Match& m : matches) {
    if (!OriginalSpan(gen, normalized, original, m, &span)) continue;
    const PatternRef& ref = refs[m.id];
    switch (ref.kind) {
      case PatternRef::Kind::kTarget: mentions_.push_back({ref.index, span}); break;
      case PatternRef::Kind::kUnless: unless_.push_back({ref.index, span}); break;
      case PatternRef::Kind::kMatch: candidates_.push_back({ref.index, span}); break;
    }
  }
  SortMentions();
  for (const Located& m : mentions_) {
    const bool seen = std::any_of(decision->targets.begin(), decision->targets.end(),
                                  [&](const TargetMention& t) { return t.target == m.index; });
    if (!seen) decision->targets.push_back({m.index, m.span});
  }

  Evaluation ev;
  for (const Located& c : candidates_) {
    const Rule& rule = set.rules[c.index];
    const bool cancelled = std::any_of(unless_.begin(), unless_.end(), [&](const Located& u) {
      return u.index == c.index && Overlaps(u.span, c.span);
    });
    if (cancelled) continue;

    const int32_t target = FindTarget(rule, c.span, original);
    if (NeedsTarget(rule) && target < 0) continue;

    double score = rule.score;
    if (target >= 0) score *= set.policy.protection[static_cast<int>(set.targets[target].protection)];
    const Hit hit{c.index, c.span, target, score};
    if (rule.shadow) {
      decision->shadow.push_back(hit);
      continue;
    }
    decision->hits.push_back(hit);
    if (stamp_[c.index] != comment_counter_) {
      stamp_[c.index] = comment_counter_;
      best_[c.index] = score;
      ev.score += score;
      ev.floor = std::max(ev.floor, rule.min_action);
    } else if (score > best_[c.index]) {
      ev.score += score - best_[c.index];
      best_[c.index] = score;
    }
  }
  auto by_span = [](const Hit& a, const Hit& b) {
    if (a.span.begin != b.span.begin) return a.span.begin < b.span.begin;
    return a.rule < b.rule;
  };
  std::sort(decision->hits.begin(), decision->hits.end(), by_span);
  std::sort(decision->shadow.begin(), decision->shadow.end(), by_span);
  decision->score = ev.score;
  return ev;
}

}  // namespace decorum
