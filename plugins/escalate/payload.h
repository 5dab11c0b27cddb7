// The body POSTed to the webhook for one escalation (its format is documented in
// README.md, and receivers depend on it: change it only by adding keys).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "decorum/plugin.h"

namespace decorum::escalate {

// Returns the JSON object, without a trailing newline:
//   {"escalation_id": ..., "instance": ..., "escalated_at": <epoch ms>,
//    "comment": {"id", "author", "thread", "text", "ts_ms" (only if known)},
//    "decision": <decision.record_json verbatim>}
// Absent author/thread are null; an empty record_json becomes null so the body stays
// valid JSON. Copies everything it reads: `decision` need not outlive the call.
std::string BuildPayload(std::string_view escalation_id, std::string_view instance,
                         int64_t escalated_at_ms, const decorum_decision& decision);

}  // namespace decorum::escalate
