#include "plugin_host/abi_view.h"

#include "rules/rule_set.h"

namespace decorum {

void AbiView::Build(const Generation& gen, const Comment& c, uint64_t fallback_id,
                    const Decision& d) {
  const RuleSet& set = gen.rules();
  comment_ = decorum_comment{};
  comment_.struct_size = sizeof(decorum_comment);
  if (c.id_kind == IdKind::kAbsent) {
    id_buffer_ = std::to_string(fallback_id);
    comment_.id = AbiStr(id_buffer_);
  } else {
    comment_.id = AbiStr(c.id);
  }
  comment_.text = AbiStr(c.text);
  comment_.author = AbiStr(c.author);
  comment_.thread = AbiStr(c.thread);
  comment_.parent = AbiStr(c.parent);
  comment_.lang = AbiStr(c.lang);
  comment_.meta_json = AbiStr(c.meta_json);
  comment_.has_ts = c.ts_ms.has_value() ? 1 : 0;
  comment_.ts_ms = c.ts_ms.value_or(0);
  comment_.line = c.line;

  hits_.clear();
  for (const Hit& h : d.hits) {
    const Rule& rule = set.rules[h.rule];
    decorum_hit x{};
    x.struct_size = sizeof(decorum_hit);
    x.rule = AbiStr(rule.id);
    x.category = AbiStr(CategoryName(rule.category));
    x.score = h.score;
    x.span = decorum_span{h.span.begin, h.span.end};
    if (h.target >= 0) x.target = AbiStr(set.targets[h.target].id);
    hits_.push_back(x);
  }
  targets_.clear();
  for (const TargetMention& t : d.targets) {
    decorum_target x{};
    x.struct_size = sizeof(decorum_target);
    x.id = AbiStr(set.targets[t.target].id);
    x.span = decorum_span{t.span.begin, t.span.end};
    targets_.push_back(x);
  }
  ruleset_ = AbiStr(gen.id());
}

decorum_str AbiSnapshot::Own(decorum_str s) {
  if (s.len == 0) return decorum_str{nullptr, 0};
  strings_.emplace_back(s.data, s.len);
  return AbiStr(strings_.back());
}

AbiSnapshot::AbiSnapshot(const AbiArgs& a, std::string_view extra) {
  comment_ = *a.comment;
  for (decorum_str* s : {&comment_.id, &comment_.text, &comment_.author, &comment_.thread,
                         &comment_.parent, &comment_.lang, &comment_.meta_json}) {
    *s = Own(*s);
  }
  for (size_t i = 0; i < a.hit_count; ++i) {
    decorum_hit h = a.hits[i];
    h.rule = Own(h.rule);
    h.category = Own(h.category);
    h.target = Own(h.target);
    hits_.push_back(h);
  }
  for (size_t i = 0; i < a.target_count; ++i) {
    decorum_target t = a.targets[i];
    t.id = Own(t.id);
    targets_.push_back(t);
  }
  ruleset_ = Own(a.ruleset);
  extra_ = Own(AbiStr(extra));
}

}  // namespace decorum
