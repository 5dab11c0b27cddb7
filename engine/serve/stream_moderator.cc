#include "serve/stream_moderator.h"

#include <chrono>

#include "sinks/json_writer.h"

namespace decorum::serve {

std::string NotStoredRecord(const Status& flushed) {
  std::string out = "{\"line\":0,\"action\":\"error\",\"error\":";
  AppendJsonString(&out, "decisions not stored (" + flushed.message() +
                             "); no answer follows: resend every comment after the last answer");
  out += "}\n";
  return out;
}

StreamModerator::StreamModerator(const ModerationSettings* settings,
                                 const GenerationHolder* holder, Metrics* metrics)
    : settings_(settings), holder_(holder), metrics_(metrics), splitter_(settings->max_line_bytes) {}

template <typename Feed>
std::shared_ptr<PluginChain> StreamModerator::Run(std::string* out, Feed&& feed) {
  const auto live = holder_->Current();
  Moderator& moderator = ThreadModerator(*live, *settings_);
  if (batch_.run.rule_hits.size() != live->gen->rules().rules.size() ||
      batch_.run.target_hits.size() != live->gen->rules().targets.size()) {
    batch_.run = RunStats();  // sized for another generation (Count() re-sizes it)
  }
  const auto start = std::chrono::steady_clock::now();
  feed([&](const Line& line) {
    const uint64_t errors_before = batch_.run.errors;
    const uint64_t not_stored_before = batch_.run.not_stored;
    moderator.ModerateLine(line, line.number, out, &batch_.run);
    batch_.CountLineError(line.too_long, errors_before, not_stored_before);
    batch_.AddLatency(std::chrono::steady_clock::now() - start);
  });
  if (!batch_.empty()) metrics_->Fold(*live, &batch_);
  if (live->plugins && live->plugins->has_actors()) return live->plugins;
  return nullptr;
}

std::shared_ptr<PluginChain> StreamModerator::Consume(std::string_view chunk, std::string* out) {
  return Run(out, [&](auto&& on_line) { splitter_.Feed(chunk, on_line); });
}

std::shared_ptr<PluginChain> StreamModerator::Finish(std::string* out) {
  return Run(out, [&](auto&& on_line) { splitter_.Finish(on_line); });
}

}  // namespace decorum::serve
