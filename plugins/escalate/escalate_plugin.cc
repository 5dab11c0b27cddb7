#include "escalate_plugin.h"

#include <chrono>
#include <exception>

#include "payload.h"

namespace decorum::escalate {

namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

EscalatePlugin::EscalatePlugin(const sdk::CreateArgs& args)
    : instance_(args.instance_name),
      log_(instance_),
      config_(ParseConfig(args.config_json)),
      spool_(config_.spool_dir, config_.max_spool_files),
      worker_(config_, &spool_, &log_) {
  if (const int64_t waiting = spool_.size(); waiting > 0) {
    log_.Line("delivering " + std::to_string(waiting) + " escalations left in " +
              spool_.dir() + " by a previous run");
  }
}

EscalatePlugin::~EscalatePlugin() {
  worker_.Stop();
  // The engine flushes before destroy(); this covers a host that does not, since an
  // on_decision() that returned OK must not be lost to a power cut after a clean exit.
  try {
    spool_.Sync();
  } catch (const std::exception& e) {
    log_.Line(e.what());
  }
  if (const int64_t left = spool_.size(); left > 0) {
    log_.Line(std::to_string(left) + " escalations not delivered yet; they stay in " +
              spool_.dir() + " for the next start");
  }
}

void EscalatePlugin::OnDecision(const decorum_decision& decision) {
  // The engine only calls with escalations (kActMinAction); a host that ignores that
  // filter must not page a person for every allowed comment.
  if (decision.action < DECORUM_ACTION_ESCALATE) return;
  const std::string id = spool_.NextId();
  std::string contents = BuildPayload(id, instance_, NowMs(), decision);
  contents.push_back('\n');
  spool_.Add(id, contents);
  worker_.Wake();
}

void EscalatePlugin::Flush() { spool_.Sync(); }

}  // namespace decorum::escalate

DECORUM_PLUGIN_EXPORT(decorum::escalate::EscalatePlugin)
