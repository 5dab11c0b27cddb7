// EscalatePlugin: the glue between the plugin ABI and the spool and delivery thread.
//
// on_decision() writes each escalation into the spool and wakes the delivery thread;
// flush() makes those files durable; the delivery thread (delivery_worker.h) takes them
// to the webhook. Instances configured with the same spool_dir (a reload's new one and
// the old one it replaces) share the spool and its delivery thread (shared_spool.h).
// Only this class knows about the ABI.
#pragma once

#include <string>

#include "decorum/plugin.hpp"
#include "shared_spool.h"
#include "stderr_log.h"

namespace decorum::escalate {

class EscalatePlugin {
 public:
  static constexpr const char* kName = "escalate";
  static constexpr const char* kVersion = "1.0.0";
  static constexpr uint32_t kCapabilities = DECORUM_CAP_ACT;
  static constexpr decorum_action kActMinAction = DECORUM_ACTION_ESCALATE;

  // Parses the configuration and joins the spool of spool_dir if another instance in this
  // process has it open, its settings becoming the ones delivery uses; otherwise opens
  // the spool (creating spool_dir) and starts delivering whatever a previous run left
  // there. Throws std::invalid_argument for a bad configuration and std::runtime_error
  // for an unusable spool_dir (one another process uses, say), naming the key or path.
  explicit EscalatePlugin(const sdk::CreateArgs& args);
  // Syncs what this instance spooled and leaves the spool; the last instance to leave
  // stops the delivery thread. Undelivered escalations stay in the spool.
  ~EscalatePlugin();

  // Spools `decision` if its action is escalate. Thread-safe. Throws std::runtime_error
  // naming the path when it cannot be written or the spool is full (max_spool_files).
  void OnDecision(const decorum_decision& decision);

  // Makes every escalation spooled by an OnDecision() that returned before this call
  // durable. Thread-safe. Throws std::runtime_error naming the path on failure.
  void Flush();

 private:
  const std::string instance_;
  const StderrLog log_;
  const SharedSpool::Lease lease_;
};

}  // namespace decorum::escalate
