#include "escalate_plugin.h"

#include <chrono>
#include <exception>

#include "config.h"
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
      lease_(SharedSpool::Acquire(ParseConfig(args.config_json), instance_)) {}

EscalatePlugin::~EscalatePlugin() {
  // The engine flushes before destroy(); this covers a host that does not, since an
  // on_decision() that returned OK must not be lost to a power cut after a clean exit.
  try {
    lease_.spool().Sync();
  } catch (const std::exception& e) {
    log_.Line(e.what());
  }
}

void EscalatePlugin::OnDecision(const decorum_decision& decision) {
  // The engine only calls with escalations (kActMinAction); a host that ignores that
  // filter must not page a person for every allowed comment.
  if (decision.action < DECORUM_ACTION_ESCALATE) return;
  const std::string id = lease_.spool().NextId();
  std::string contents = BuildPayload(id, instance_, NowMs(), decision);
  contents.push_back('\n');
  lease_.spool().Add(id, contents);
  lease_.Wake();
}

// Syncs the other instances' escalations too: more than asked, never less.
void EscalatePlugin::Flush() { lease_.spool().Sync(); }

}  // namespace decorum::escalate

DECORUM_PLUGIN_EXPORT(decorum::escalate::EscalatePlugin)
