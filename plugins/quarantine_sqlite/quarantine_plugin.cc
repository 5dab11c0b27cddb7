#include "quarantine_sqlite/quarantine_plugin.h"

#include <chrono>
#include <cstdio>
#include <iterator>
#include <stdexcept>
#include <utility>

namespace decorum::quarantine {
namespace {

QuarantineConfig ParseOrThrow(std::string_view json) {
  Result<QuarantineConfig> config = ParseQuarantineConfig(json);
  if (!config.ok()) throw std::runtime_error("quarantine_sqlite: " + config.status().message());
  return std::move(config).value();
}

const char* ActionName(decorum_action a) {
  switch (a) {
    case DECORUM_ACTION_ALLOW: return "allow";
    case DECORUM_ACTION_FLAG: return "flag";
    case DECORUM_ACTION_QUARANTINE: return "quarantine";
    case DECORUM_ACTION_ESCALATE: return "escalate";
  }
  return "unknown";
}

std::string Copy(decorum_str s) { return std::string(sdk::View(s)); }

}  // namespace

QuarantinePlugin::QuarantinePlugin(const sdk::CreateArgs& args)
    : config_(ParseOrThrow(args.config_json)) {
  QuarantineStore::Options options;
  options.mode = QuarantineStore::OpenMode::kCreate;
  options.busy_timeout_ms = config_.busy_timeout_ms;
  options.max_bytes = config_.max_db_bytes;
  Result<std::unique_ptr<QuarantineStore>> store = QuarantineStore::Open(config_.path, options);
  if (!store.ok()) throw std::runtime_error("quarantine_sqlite: " + store.status().message());
  store_ = std::move(store).value();
}

QuarantinePlugin::~QuarantinePlugin() {
  try {
    Flush();
  } catch (const std::exception& e) {
    size_t lost = 0;
    {
      std::lock_guard<std::mutex> lock(pending_mu_);
      lost = pending_.size();
    }
    std::fprintf(stderr, "%s; %zu held comment(s) were not stored\n", e.what(), lost);
  }
  // Silent when nothing was skipped: a rerun or a resume is the only news worth a line.
  std::lock_guard<std::mutex> lock(store_mu_);
  if (totals_.already_held > 0) {
    std::fprintf(stderr,
                 "quarantine_sqlite: %s: %zu of %zu held comment(s) were already stored with the "
                 "same decision record, and were not stored again\n",
                 store_->path().c_str(), totals_.already_held,
                 totals_.already_held + totals_.stored);
  }
}

void QuarantinePlugin::OnDecision(const decorum_decision& d) {
  if (d.action != DECORUM_ACTION_QUARANTINE && d.action != DECORUM_ACTION_ESCALATE) {
    throw std::runtime_error(std::string("quarantine_sqlite: called for a '") +
                             ActionName(d.action) +
                             "' decision; only quarantine and escalate are held");
  }
  if (!d.comment) throw std::runtime_error("quarantine_sqlite: decision without a comment");
  // Copy everything before taking the lock: the engine's strings die with this call, and
  // the lock is shared with every worker thread.
  HeldComment h;
  h.comment_id = Copy(d.comment->id);
  h.author = Copy(d.comment->author);
  h.thread = Copy(d.comment->thread);
  for (size_t i = 0; i < d.target_count; ++i) {
    if (!h.targets.empty()) h.targets.push_back(' ');
    // Elements are struct_size apart, which a newer engine may make larger than ours.
    h.targets.append(sdk::View(decorum_target_at(d.targets, i)->id));
  }
  h.action = ActionName(d.action);
  h.score = d.score;
  h.text = Copy(d.comment->text);
  h.ruleset = Copy(d.ruleset);
  if (DECORUM_HAS_FIELD(&d, decorum_decision, record_json)) h.decision = Copy(d.record_json);
  h.stored_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();

  std::lock_guard<std::mutex> lock(pending_mu_);
  // The bound is for flushes that fail: while they succeed the queue holds what arrived
  // since the last one, which the engine calls before every batch of records it writes
  // (`score` reads up to 16,384 lines a batch, more than the default max_pending: refusing
  // then lost held comments from the store, and committing here instead made a call the
  // engine may budget with call_timeout_ms last a whole commit).
  if (pending_.size() >= config_.max_pending && !last_flush_error_.empty()) {
    throw std::runtime_error("quarantine_sqlite: " + std::to_string(pending_.size()) +
                             " held comments are waiting to be stored (max_pending) and the last "
                             "flush failed: " + last_flush_error_);
  }
  pending_.push_back(std::move(h));
}

void QuarantinePlugin::Flush() {
  // Held across the commit: a second Flush() must not report success while an earlier
  // one is still committing comments that were queued before it.
  std::lock_guard<std::mutex> store_lock(store_mu_);
  std::vector<HeldComment> batch;
  {
    std::lock_guard<std::mutex> lock(pending_mu_);
    batch.swap(pending_);
  }
  if (batch.empty()) return;
  const Result<InsertCounts> counts = store_->InsertBatch(batch);
  if (counts.ok()) {
    totals_.stored += counts->stored;
    totals_.already_held += counts->already_held;
  }
  const Status& s = counts.status();
  std::lock_guard<std::mutex> lock(pending_mu_);
  if (s.ok()) {
    last_flush_error_.clear();
    return;
  }
  // Not stored: put the batch back ahead of what arrived meanwhile, so the next flush
  // retries everything in the original order.
  batch.insert(batch.end(), std::make_move_iterator(pending_.begin()),
               std::make_move_iterator(pending_.end()));
  pending_.swap(batch);
  last_flush_error_ = s.message();
  throw std::runtime_error("quarantine_sqlite: " + s.message());
}

}  // namespace decorum::quarantine

DECORUM_PLUGIN_EXPORT(decorum::quarantine::QuarantinePlugin)
