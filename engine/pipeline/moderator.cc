#include "pipeline/moderator.h"

#include "decide/policy_decider.h"
#include "sinks/decision_encoder.h"

namespace decorum {

Moderator::Moderator(std::shared_ptr<const Generation> gen, FieldMap map, size_t max_line_bytes,
                     std::shared_ptr<PluginChain> plugins)
    : decoder_(std::move(map)),
      scanner_(std::move(gen)),
      encoder_(scanner_.generation()),
      max_line_bytes_(max_line_bytes),
      plugins_(plugins && plugins->size() ? std::move(plugins) : nullptr) {}

Status Moderator::Run(std::string_view text, Decision* decision) {
  decision->clear();
  normalizer_.Normalize(text, &normalized_);
  const Generation& gen = scanner_.generation();
  gen.masked_letters().Unmask(text, &normalized_);
  // The filter captures two pointers, which std::function keeps inline: no allocation.
  auto may_count = [this, &text](const std::vector<Match>& matches, const Match& m) {
    return evaluator_.MayCount(scanner_.generation(), normalized_, text, matches, m);
  };
  Status s = scanner_.Scan(normalized_, text, &matches_, may_count);
  if (!s.ok()) return s;
  evaluation_ = evaluator_.Evaluate(gen, normalized_, text, matches_, decision);
  decision->action = DecideAction(gen.rules().policy, evaluation_);
  return Status::Ok();
}

bool Moderator::ScoreWithPlugins(uint64_t fallback_id) {
  if (!plugins_->has_scorers() || (decision_.hits.empty() && !plugins_->scores_every_comment())) {
    return false;
  }
  const Generation& gen = scanner_.generation();
  abi_.Build(gen, comment_, fallback_id, decision_);
  const PluginAdjustment adj =
      plugins_->Score(abi_, decision_.score, decision_.action, evaluation_.floor, &decision_);
  decision_.score += adj.delta;
  decision_.action = DecideAction(gen.rules().policy, evaluation_, adj);
  return true;
}

Status Moderator::ModerateText(std::string_view text, Decision* decision) {
  return Run(text, decision);
}

void Moderator::ModerateLine(const Line& line, uint64_t fallback_id, std::string* out, RunStats* stats) {
  ++stats->comments;
  stats->input_bytes += line.length;
  comment_ = Comment();
  comment_.line = line.number;
  Status s;
  if (line.too_long) {
    s = Status::InvalidArgument("line of " + std::to_string(line.length) +
                                " bytes exceeds the limit of " + std::to_string(max_line_bytes_) +
                                " bytes");
  } else {
    s = decoder_.Decode(line.bytes, line.number, &comment_, line.padded);
    if (s.ok()) s = Run(comment_.text, &decision_);
  }
  if (!s.ok()) {
    stats->CountError();
    AppendErrorRecord(comment_, fallback_id, s.message(), out);
    return;
  }
  // The plugins' view of the comment is built only for a comment some plugin will see:
  // most comments have no hit and an allow decision, and cost nothing here then.
  const bool viewed = plugins_ && ScoreWithPlugins(fallback_id);
  const size_t start = out->size();
  encoder_.Append(comment_, decision_, fallback_id, out);
  if (plugins_ && plugins_->acts_on(decision_.action)) {
    // Plugins never change hits or targets, so a view built for scoring still holds.
    if (!viewed) abi_.Build(scanner_.generation(), comment_, fallback_id, decision_);
    // The record without its newline: exactly what the output holds for this comment.
    const Status acted = plugins_->Act(abi_, decision_.action, decision_.score,
                                       std::string_view(*out).substr(start, out->size() - start - 1));
    if (!acted.ok()) {
      // A plugin that stores decisions did not take this one: a record saying
      // "quarantine" would be a comment held where no moderator will ever see it.
      out->resize(start);
      stats->CountNotStored();
      AppendErrorRecord(comment_, fallback_id, acted.message(), out);
      return;
    }
  }
  stats->Count(scanner_.generation(), decision_);
}

}  // namespace decorum
