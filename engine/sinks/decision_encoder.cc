#include "sinks/decision_encoder.h"

#include "rules/rule_set.h"
#include "sinks/json_writer.h"

namespace decorum {
namespace {

void AppendId(const Comment& c, uint64_t fallback_id, std::string* out) {
  out->append("{\"id\":");
  switch (c.id_kind) {
    case IdKind::kString: AppendJsonString(out, c.id); break;
    case IdKind::kNumber: out->append(c.id); break;
    case IdKind::kAbsent: AppendJsonUint(out, fallback_id); break;
  }
}

void AppendSpan(Span s, std::string* out) {
  out->append("\"span\":[");
  AppendJsonUint(out, s.begin);
  out->push_back(',');
  AppendJsonUint(out, s.end);
  out->push_back(']');
}

// {"name":…,"score":delta,"labels":[…],"action":floor,"ceiling":…,"reason":…,"error":…},
// each field only when it says something.
void AppendPlugins(const std::vector<PluginResult>& results, std::string* out) {
  out->push_back('[');
  for (size_t i = 0; i < results.size(); ++i) {
    const PluginResult& r = results[i];
    if (i) out->push_back(',');
    out->append("{\"name\":");
    AppendJsonString(out, r.name);
    if (!r.error.empty()) {
      out->append(",\"error\":");
      AppendJsonString(out, r.error);
      out->push_back('}');
      continue;
    }
    out->append(",\"score\":");
    AppendJsonNumber(out, r.delta);
    if (!r.labels.empty()) {
      out->append(",\"labels\":[");
      std::string_view labels = r.labels;
      bool first = true;
      while (!labels.empty()) {
        const size_t nl = labels.find('\n');
        const std::string_view label = labels.substr(0, nl);
        if (!label.empty()) {
          if (!first) out->push_back(',');
          first = false;
          AppendJsonString(out, label);
        }
        if (nl == std::string_view::npos) break;
        labels.remove_prefix(nl + 1);
      }
      out->push_back(']');
    }
    if (r.floor != Action::kAllow) {
      out->append(",\"action\":\"");
      out->append(ActionName(r.floor));
      out->push_back('"');
    }
    if (r.ceiling != Action::kEscalate) {
      out->append(",\"ceiling\":\"");
      out->append(ActionName(r.ceiling));
      out->push_back('"');
    }
    if (!r.reason.empty()) {
      out->append(",\"reason\":");
      AppendJsonString(out, r.reason);
    }
    out->push_back('}');
  }
  out->push_back(']');
}

}  // namespace

DecisionEncoder::DecisionEncoder(const Generation& gen) {
  const RuleSet& set = gen.rules();
  for (const Rule& rule : set.rules) {
    std::string& h = hit_heads_.emplace_back("{\"rule\":");
    AppendJsonString(&h, rule.id);
    h += ",\"category\":";
    AppendJsonString(&h, CategoryName(rule.category));
    h += ",\"score\":";
  }
  for (const Target& target : set.targets) {
    std::string& entry = target_entries_.emplace_back("{\"id\":");
    AppendJsonString(&entry, target.id);
    entry += ',';
    std::string& hit = hit_targets_.emplace_back(",\"target\":");
    AppendJsonString(&hit, target.id);
  }
  for (Action a : {Action::kAllow, Action::kFlag, Action::kQuarantine, Action::kEscalate}) {
    std::string& s = actions_[static_cast<size_t>(a)];
    s = ",\"action\":\"";
    s += ActionName(a);
    s += "\",\"score\":";
  }
  tail_ = ",\"ruleset\":";
  AppendJsonString(&tail_, gen.id());
  tail_ += "}\n";
}

void DecisionEncoder::AppendHits(std::string_view text, const std::vector<Hit>& hits,
                                 std::string* out) const {
  out->push_back('[');
  for (size_t i = 0; i < hits.size(); ++i) {
    const Hit& h = hits[i];
    if (i) out->push_back(',');
    out->append(hit_heads_[h.rule]);
    AppendJsonNumber(out, h.score);
    out->push_back(',');
    AppendSpan(h.span, out);
    out->append(",\"match\":");
    AppendJsonString(out, text.substr(h.span.begin, h.span.end - h.span.begin));
    if (h.target >= 0) out->append(hit_targets_[h.target]);
    out->push_back('}');
  }
  out->push_back(']');
}

void DecisionEncoder::Append(const Comment& comment, const Decision& d, uint64_t fallback_id,
                             std::string* out) const {
  AppendId(comment, fallback_id, out);
  out->append(actions_[static_cast<size_t>(d.action)]);
  AppendJsonNumber(out, d.score);
  out->append(",\"targets\":[");
  for (size_t i = 0; i < d.targets.size(); ++i) {
    if (i) out->push_back(',');
    out->append(target_entries_[d.targets[i].target]);
    AppendSpan(d.targets[i].span, out);
    out->push_back('}');
  }
  out->append("],\"hits\":");
  AppendHits(comment.text, d.hits, out);
  out->append(",\"plugins\":");
  AppendPlugins(d.plugins, out);
  out->append(",\"shadow\":");
  AppendHits(comment.text, d.shadow, out);
  out->append(tail_);
}

void AppendDecisionRecord(const Generation& gen, const Comment& comment, const Decision& d,
                          uint64_t fallback_id, std::string* out) {
  DecisionEncoder(gen).Append(comment, d, fallback_id, out);
}

void AppendErrorRecord(const Comment& comment, uint64_t fallback_id, std::string_view message,
                       std::string* out) {
  AppendId(comment, fallback_id, out);
  out->append(",\"line\":");
  AppendJsonUint(out, comment.line);
  out->append(",\"action\":\"error\",\"error\":");
  AppendJsonString(out, message);
  out->append("}\n");
}

}  // namespace decorum
