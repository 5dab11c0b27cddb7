// EscalatePlugin: the glue between the plugin ABI and the spool and delivery thread.
//
// on_decision() writes each escalation into the spool and wakes the delivery thread;
// flush() makes those files durable; the delivery thread (delivery_worker.h) takes them
// to the webhook. Only this class knows about the ABI.
#pragma once

#include <memory>
#include <string>

#include "config.h"
#include "decorum/plugin.hpp"
#include "delivery_worker.h"
#include "spool.h"
#include "stderr_log.h"

namespace decorum::escalate {

class EscalatePlugin {
 public:
  static constexpr const char* kName = "escalate";
  static constexpr const char* kVersion = "1.0.0";
  static constexpr uint32_t kCapabilities = DECORUM_CAP_ACT;
  static constexpr decorum_action kActMinAction = DECORUM_ACTION_ESCALATE;

  // Parses the configuration, opens the spool (creating spool_dir) and starts delivering
  // whatever a previous run left there. Throws std::invalid_argument for a bad
  // configuration and std::runtime_error for an unusable spool_dir, naming the key or
  // path.
  explicit EscalatePlugin(const sdk::CreateArgs& args);
  // Stops the delivery thread; undelivered escalations stay in the spool for the next run.
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
  const Config config_;
  Spool spool_;
  DeliveryWorker worker_;  // last: stopped first, while the spool still exists
};

}  // namespace decorum::escalate
