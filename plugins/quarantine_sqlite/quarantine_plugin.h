// QuarantinePlugin: the quarantine_sqlite action plugin (SPEC §8). Every comment the
// engine holds (quarantine or escalate) is stored, with its decision record, in a SQLite
// database where `decorum review` lists, approves and rejects it.
//
// Durable before acknowledged: on_decision() only queues a copy in memory; flush() commits
// the queue in one transaction and returns OK only once it is on disk, and the engine
// calls flush() before it writes or acknowledges those comments' records. A flush that
// fails keeps its comments queued, in order, for the next flush; nothing is dropped
// silently. While flushes fail the queue is bounded: past max_pending, on_decision() fails.
// While they succeed it holds what arrived since the last flush, which the engine calls
// before every batch of records it writes.
//
// At least once in, once in the queue: a comment handed over again with the same decision
// record (a `score --resume`, a flush retried after destroy() stored its batch, the same
// dump scored twice) is not stored again (QuarantineStore::InsertBatch); destroy() says
// how many were skipped, if any.
//
// Thread safety: as plugin.h allows, OnDecision() runs concurrently from worker threads
// and concurrently with Flush(); concurrent Flush() calls are serialized, so a Flush()
// that returns has stored everything queued before it started.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "decorum/plugin.hpp"
#include "quarantine_sqlite/quarantine_config.h"
#include "quarantine_sqlite/quarantine_store.h"

namespace decorum::quarantine {

class QuarantinePlugin {
 public:
  static constexpr const char* kName = "quarantine_sqlite";
  static constexpr const char* kVersion = "1.0.0";
  static constexpr uint32_t kCapabilities = DECORUM_CAP_ACT;
  static constexpr decorum_action kActMinAction = DECORUM_ACTION_QUARANTINE;

  // Parses the config and opens (creating if needed) the database. Throws
  // std::runtime_error with a message naming the key or the file on failure.
  explicit QuarantinePlugin(const sdk::CreateArgs& args);
  // Stores what is still queued; a failure can only be printed to standard error, since
  // destroy() reports nothing (the engine calls flush() first, which does). Also prints
  // there, in one line, how many held comments were skipped as already stored, if any.
  ~QuarantinePlugin();

  // Queues a copy of the held comment. Throws when the decision is below quarantine (the
  // engine's act_min_action contract), or when max_pending comments are queued and the
  // last flush failed. Never touches the database: it stays fast.
  void OnDecision(const decorum_decision& d);
  // Commits every queued comment in one transaction. Throws, keeping them queued, when
  // the commit fails ("quarantine_sqlite: PATH: database or disk is full").
  void Flush();

 private:
  const QuarantineConfig config_;

  std::mutex pending_mu_;
  std::vector<HeldComment> pending_;  // guarded by pending_mu_; oldest first
  std::string last_flush_error_;      // guarded by pending_mu_; "" after a good flush

  std::mutex store_mu_;                    // serializes flushes
  std::unique_ptr<QuarantineStore> store_;  // guarded by store_mu_
  InsertCounts totals_;                     // guarded by store_mu_; this instance's flushes
};

}  // namespace decorum::quarantine
