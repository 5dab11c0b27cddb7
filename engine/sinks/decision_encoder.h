// DecisionEncoder: writes decision and error records as NDJSON lines (SPEC §5).
//
// Thread safety: stateless; each call appends to the caller's buffer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "decorum/comment.h"
#include "decorum/decision.h"
#include "match/generation.h"

namespace decorum {

// Appends one decision line, '\n'-terminated. `comment.text` must be the text the
// decision's spans index. A comment without an id is given `fallback_id` (the batch
// line number, or the daemon's per-connection sequence) as a JSON number.
void AppendDecisionRecord(const Generation& gen, const Comment& comment, const Decision& decision,
                          uint64_t fallback_id, std::string* out);

// Appends one error record line: {"id":…,"line":N,"action":"error","error":"…"}.
void AppendErrorRecord(const Comment& comment, uint64_t fallback_id, std::string_view message,
                       std::string* out);

}  // namespace decorum
