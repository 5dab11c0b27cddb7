#include "sinks/decision_encoder.h"

#include "rules/rule_set.h"
#include "sinks/json_writer.h"

namespace decorum {
namespace {

// Every Bound below is at least what the matching writer writes: the record is sized
// once and written through a JsonCursor (json_writer.h).
constexpr size_t kSpanBytes = sizeof("\"span\":[,]") + 2 * kMaxJsonUintBytes;

size_t IdBound(const Comment& c) {
  const size_t value = c.id_kind == IdKind::kString   ? MaxJsonStringBytes(c.id.size())
                       : c.id_kind == IdKind::kNumber ? c.id.size()
                                                      : kMaxJsonUintBytes;
  return sizeof("{\"id\":") + value;
}

// A hit's span length; an inverted span (never made by the Evaluator) counts as empty
// rather than as four billion bytes.
uint32_t MatchBytes(Span s) { return s.end > s.begin ? s.end - s.begin : 0; }

void WriteId(const Comment& c, uint64_t fallback_id, JsonCursor& out) {
  out.Raw("{\"id\":");
  switch (c.id_kind) {
    case IdKind::kString: out.String(c.id); break;
    case IdKind::kNumber: out.Raw(c.id); break;
    case IdKind::kAbsent: out.Uint(fallback_id); break;
  }
}

void WriteSpan(Span s, JsonCursor& out) {
  out.Raw("\"span\":[");
  out.Uint(s.begin);
  out.Raw(',');
  out.Uint(s.end);
  out.Raw(']');
}

size_t PluginsBound(const std::vector<PluginResult>& results) {
  size_t bound = 2;
  for (const PluginResult& r : results) {
    // The fixed keys and two action names fit in 96; the labels are split at '\n', so
    // their strings hold at most labels.size() bytes in at most labels.size() + 1 labels,
    // each with two quotes and a comma.
    bound += 96 + kMaxJsonNumberBytes + MaxJsonStringBytes(r.name.size()) +
             MaxJsonStringBytes(r.error.size()) + MaxJsonStringBytes(r.reason.size()) +
             6 * r.labels.size() + 3 * (r.labels.size() + 1);
  }
  return bound;
}

// {"name":…,"score":delta,"labels":[…],"action":floor,"ceiling":…,"reason":…,"error":…},
// each field only when it says something.
void WritePlugins(const std::vector<PluginResult>& results, JsonCursor& out) {
  out.Raw('[');
  for (size_t i = 0; i < results.size(); ++i) {
    const PluginResult& r = results[i];
    if (i) out.Raw(',');
    out.Raw("{\"name\":");
    out.String(r.name);
    if (!r.error.empty()) {
      out.Raw(",\"error\":");
      out.String(r.error);
      out.Raw('}');
      continue;
    }
    out.Raw(",\"score\":");
    out.Number(r.delta);
    if (!r.labels.empty()) {
      out.Raw(",\"labels\":[");
      std::string_view labels = r.labels;
      bool first = true;
      while (!labels.empty()) {
        const size_t nl = labels.find('\n');
        const std::string_view label = labels.substr(0, nl);
        if (!label.empty()) {
          if (!first) out.Raw(',');
          first = false;
          out.String(label);
        }
        if (nl == std::string_view::npos) break;
        labels.remove_prefix(nl + 1);
      }
      out.Raw(']');
    }
    if (r.floor != Action::kAllow) {
      out.Raw(",\"action\":\"");
      out.Raw(ActionName(r.floor));
      out.Raw('"');
    }
    if (r.ceiling != Action::kEscalate) {
      out.Raw(",\"ceiling\":\"");
      out.Raw(ActionName(r.ceiling));
      out.Raw('"');
    }
    if (!r.reason.empty()) {
      out.Raw(",\"reason\":");
      out.String(r.reason);
    }
    out.Raw('}');
  }
  out.Raw(']');
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

size_t DecisionEncoder::HitsBound(const std::vector<Hit>& hits) const {
  size_t bound = 2;
  for (const Hit& h : hits) {
    bound += 1 + hit_heads_[h.rule].size() + kMaxJsonNumberBytes + 1 + kSpanBytes +
             sizeof(",\"match\":") + MaxJsonStringBytes(MatchBytes(h.span)) +
             (h.target >= 0 ? hit_targets_[h.target].size() : 0) + 1;
  }
  return bound;
}

void DecisionEncoder::WriteHits(std::string_view text, const std::vector<Hit>& hits,
                                JsonCursor& out) const {
  out.Raw('[');
  for (size_t i = 0; i < hits.size(); ++i) {
    const Hit& h = hits[i];
    if (i) out.Raw(',');
    out.Raw(hit_heads_[h.rule]);
    out.Number(h.score);
    out.Raw(',');
    WriteSpan(h.span, out);
    out.Raw(",\"match\":");
    out.String(text.substr(h.span.begin, MatchBytes(h.span)));
    if (h.target >= 0) out.Raw(hit_targets_[h.target]);
    out.Raw('}');
  }
  out.Raw(']');
}

void DecisionEncoder::Append(const Comment& comment, const Decision& d, uint64_t fallback_id,
                             std::string* out) const {
  size_t bound = IdBound(comment) + actions_[static_cast<size_t>(d.action)].size() + kMaxJsonNumberBytes +
                 sizeof(",\"targets\":[],\"hits\":,\"plugins\":,\"shadow\":") + HitsBound(d.hits) +
                 PluginsBound(d.plugins) + HitsBound(d.shadow) + tail_.size();
  for (const TargetMention& t : d.targets) bound += 1 + target_entries_[t.target].size() + kSpanBytes + 1;
  AppendBounded(out, bound, [&](JsonCursor& c) {
    WriteId(comment, fallback_id, c);
    c.Raw(actions_[static_cast<size_t>(d.action)]);
    c.Number(d.score);
    c.Raw(",\"targets\":[");
    for (size_t i = 0; i < d.targets.size(); ++i) {
      if (i) c.Raw(',');
      c.Raw(target_entries_[d.targets[i].target]);
      WriteSpan(d.targets[i].span, c);
      c.Raw('}');
    }
    c.Raw("],\"hits\":");
    WriteHits(comment.text, d.hits, c);
    c.Raw(",\"plugins\":");
    WritePlugins(d.plugins, c);
    c.Raw(",\"shadow\":");
    WriteHits(comment.text, d.shadow, c);
    c.Raw(tail_);
  });
}

void AppendDecisionRecord(const Generation& gen, const Comment& comment, const Decision& d,
                          uint64_t fallback_id, std::string* out) {
  DecisionEncoder(gen).Append(comment, d, fallback_id, out);
}

void AppendErrorRecord(const Comment& comment, uint64_t fallback_id, std::string_view message,
                       std::string* out) {
  const size_t bound = IdBound(comment) + sizeof(",\"line\":,\"action\":\"error\",\"error\":}\n") +
                       kMaxJsonUintBytes + MaxJsonStringBytes(message.size());
  AppendBounded(out, bound, [&](JsonCursor& c) {
    WriteId(comment, fallback_id, c);
    c.Raw(",\"line\":");
    c.Uint(comment.line);
    c.Raw(",\"action\":\"error\",\"error\":");
    c.String(message);
    c.Raw("}\n");
  });
}

std::string_view RecordIdField(std::string_view record) {
  constexpr std::string_view kHead = "{\"id\":";
  if (record.substr(0, kHead.size()) != kHead) return {};
  const std::string_view rest = record.substr(kHead.size());
  size_t end = 0;
  if (!rest.empty() && rest[0] == '"') {
    // A JSON string: up to the first quote not escaped ('\\' escapes itself).
    for (end = 1; end < rest.size() && rest[end] != '"'; ++end) {
      if (rest[end] == '\\') ++end;
    }
    if (end >= rest.size()) return {};
    ++end;
  } else {
    end = rest.find(',');
    if (end == std::string_view::npos) return {};
  }
  // Every record goes on after its id ("line" or "action"); without that it was cut.
  if (end == 0 || end >= rest.size() || rest[end] != ',') return {};
  return rest.substr(0, end);
}

}  // namespace decorum
