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

void AppendHits(const Generation& gen, std::string_view text, const std::vector<Hit>& hits,
                std::string* out) {
  const RuleSet& set = gen.rules();
  out->push_back('[');
  for (size_t i = 0; i < hits.size(); ++i) {
    const Hit& h = hits[i];
    const Rule& rule = set.rules[h.rule];
    if (i) out->push_back(',');
    out->append("{\"rule\":");
    AppendJsonString(out, rule.id);
    out->append(",\"category\":");
    AppendJsonString(out, CategoryName(rule.category));
    out->append(",\"score\":");
    AppendJsonNumber(out, h.score);
    out->push_back(',');
    AppendSpan(h.span, out);
    out->append(",\"match\":");
    AppendJsonString(out, text.substr(h.span.begin, h.span.end - h.span.begin));
    if (h.target >= 0) {
      out->append(",\"target\":");
      AppendJsonString(out, set.targets[h.target].id);
    }
    out->push_back('}');
  }
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

void AppendDecisionRecord(const Generation& gen, const Comment& comment, const Decision& d,
                          uint64_t fallback_id, std::string* out) {
  AppendId(comment, fallback_id, out);
  out->append(",\"action\":\"");
  out->append(ActionName(d.action));
  out->append("\",\"score\":");
  AppendJsonNumber(out, d.score);
  out->append(",\"targets\":[");
  for (size_t i = 0; i < d.targets.size(); ++i) {
    if (i) out->push_back(',');
    out->append("{\"id\":");
    AppendJsonString(out, gen.rules().targets[d.targets[i].target].id);
    out->push_back(',');
    AppendSpan(d.targets[i].span, out);
    out->push_back('}');
  }
  out->append("],\"hits\":");
  AppendHits(gen, comment.text, d.hits, out);
  out->append(",\"plugins\":");
  AppendPlugins(d.plugins, out);
  out->append(",\"shadow\":");
  AppendHits(gen, comment.text, d.shadow, out);
  out->append(",\"ruleset\":\"");
  out->append(gen.id());
  out->append("\"}\n");
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
