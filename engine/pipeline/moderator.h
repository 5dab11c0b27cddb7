// Moderator: one worker thread's pipeline for one comment, composing the stages
// decode -> normalize -> scan -> evaluate -> [plugins score] -> decide -> encode ->
// [plugins act]. It does none of their work itself.
//
// Thread safety: none; each worker thread owns one Moderator. Moderators built on the
// same Generation may run concurrently. After warm-up, moderating a comment allocates
// nothing (every stage reuses the buffers held here).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "decode/comment_decoder.h"
#include "decorum/decision.h"
#include "evaluate/evaluator.h"
#include "ingest/line_reader.h"
#include "match/generation.h"
#include "match/scanner.h"
#include "normalize/normalizer.h"
#include "plugin_host/abi_view.h"
#include "plugin_host/plugin_chain.h"
#include "sinks/decision_encoder.h"
#include "sinks/run_stats.h"

namespace decorum {

class Moderator {
 public:
  // REQUIRES: gen is not null. `plugins` may be null (no plugins).
  Moderator(std::shared_ptr<const Generation> gen, FieldMap map, size_t max_line_bytes,
            std::shared_ptr<PluginChain> plugins = nullptr);

  // Moderates one input line and appends exactly one record — its decision, or an error
  // record for an empty, over-long or undecodable line — to *out, counting it in *stats.
  // A comment without an id gets `fallback_id`. With plugins, their scores are part of
  // the decision and the acting plugins have seen it when this returns; the caller must
  // call plugins()->Flush() before writing or acknowledging *out. When a plugin that
  // stores decisions refuses this one (PluginChain::Act), the record is an error record
  // naming it, counted in stats->not_stored.
  void ModerateLine(const Line& line, uint64_t fallback_id, std::string* out, RunStats* stats);

  // Moderates a bare comment text (explain, check): rules only, plugins are not called.
  // On success *decision refers to this Moderator's generation, and normalized() holds
  // the text it was matched against.
  Status ModerateText(std::string_view text, Decision* decision);

  const NormalizedText& normalized() const { return normalized_; }
  const Generation& generation() const { return scanner_.generation(); }
  PluginChain* plugins() const { return plugins_.get(); }

 private:
  Status Run(std::string_view text, Decision* decision);
  // Calls the scoring plugins when any wants this comment; returns whether it built abi_.
  bool ScoreWithPlugins(uint64_t fallback_id);

  CommentDecoder decoder_;
  Normalizer normalizer_;
  Scanner scanner_;
  DecisionEncoder encoder_;  // after scanner_: built from its generation
  Evaluator evaluator_;
  size_t max_line_bytes_;
  std::shared_ptr<PluginChain> plugins_;
  AbiView abi_;
  Evaluation evaluation_;
  Comment comment_;
  NormalizedText normalized_;
  std::vector<Match> matches_;
  Decision decision_;
};

}  // namespace decorum
