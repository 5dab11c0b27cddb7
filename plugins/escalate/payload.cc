#include "payload.h"

#include "decorum/plugin.hpp"
#include "json_string.h"

namespace decorum::escalate {

namespace {

void AppendOptionalString(std::string* out, decorum_str s) {
  if (s.len == 0) {
    out->append("null");
  } else {
    AppendJsonString(out, sdk::View(s));
  }
}

}  // namespace

std::string BuildPayload(std::string_view escalation_id, std::string_view instance,
                         int64_t escalated_at_ms, const decorum_decision& decision) {
  std::string out;
  out.reserve(256 + decision.record_json.len +
              (decision.comment ? decision.comment->text.len : 0));
  out.append("{\"escalation_id\":");
  AppendJsonString(&out, escalation_id);
  out.append(",\"instance\":");
  AppendJsonString(&out, instance);
  out.append(",\"escalated_at\":");
  out.append(std::to_string(escalated_at_ms));
  out.append(",\"comment\":");
  if (const decorum_comment* c = decision.comment) {
    // The id is always a string here: the ABI hands over a numeric id as its digits and
    // does not say which it was; the record under "decision" keeps the original form.
    out.append("{\"id\":");
    AppendJsonString(&out, sdk::View(c->id));
    out.append(",\"author\":");
    AppendOptionalString(&out, c->author);
    out.append(",\"thread\":");
    AppendOptionalString(&out, c->thread);
    out.append(",\"text\":");
    AppendJsonString(&out, sdk::View(c->text));
    if (c->has_ts) {
      out.append(",\"ts_ms\":");
      out.append(std::to_string(c->ts_ms));
    }
    out.push_back('}');
  } else {
    out.append("null");
  }
  out.append(",\"decision\":");
  if (decision.record_json.len == 0) {
    out.append("null");
  } else {
    out.append(sdk::View(decision.record_json));
  }
  out.push_back('}');
  return out;
}

}  // namespace decorum::escalate
