// FieldMap::Parse: the --map spec (see comment_decoder.h).
#include <string>
#include <string_view>

#include "decode/comment_decoder.h"

namespace decorum {

namespace {

constexpr std::string_view kPushshift =
    "text=body,ts=created_utc:s,thread=subreddit,id=id,author=author,parent=parent_id";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string* FieldByName(FieldMap* map, std::string_view name) {
  if (name == "text") return &map->text;
  if (name == "id") return &map->id;
  if (name == "author") return &map->author;
  if (name == "ts") return &map->ts;
  if (name == "thread") return &map->thread;
  if (name == "parent") return &map->parent;
  if (name == "lang") return &map->lang;
  if (name == "meta") return &map->meta;
  return nullptr;
}

Status ApplyPair(std::string_view pair, FieldMap* map) {
  if (pair == "pushshift") {
    // The preset is itself a spec, so it goes through the same path as user pairs.
    std::string_view rest = kPushshift;
    while (!rest.empty()) {
      const size_t comma = rest.find(',');
      Status s = ApplyPair(rest.substr(0, comma), map);
      if (!s.ok()) return s;
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    return Status::Ok();
  }
  const size_t eq = pair.find('=');
  if (eq == std::string_view::npos) {
    return Status::InvalidArgument("map: expected field=source or 'pushshift', got '" +
                                   std::string(pair) + "'");
  }
  const std::string_view field = Trim(pair.substr(0, eq));
  std::string_view source = Trim(pair.substr(eq + 1));
  std::string* target = FieldByName(map, field);
  if (target == nullptr) {
    return Status::InvalidArgument("map: unknown field '" + std::string(field) +
                                   "' (fields: text, id, author, ts, thread, parent, lang, "
                                   "meta)");
  }
  if (field == "ts") {
    // Only ts takes a unit, and only after its last colon, so other fields may name keys
    // that contain colons.
    map->ts_number_scale = 1;
    const size_t colon = source.rfind(':');
    if (colon != std::string_view::npos) {
      const std::string_view unit = source.substr(colon + 1);
      if (unit == "s") {
        map->ts_number_scale = 1000;
      } else if (unit != "ms") {
        return Status::InvalidArgument("map: unknown unit '" + std::string(unit) +
                                       "' for field 'ts' (expected s or ms)");
      }
      source = Trim(source.substr(0, colon));
    }
  }
  if (source.empty()) {
    return Status::InvalidArgument("map: empty source key for field '" + std::string(field) +
                                   "'");
  }
  target->assign(source);
  return Status::Ok();
}

}  // namespace

Result<FieldMap> FieldMap::Parse(std::string_view spec) {
  FieldMap map;
  const std::string_view whole = spec;
  if (Trim(spec).empty()) return map;
  while (true) {
    const size_t comma = spec.find(',');
    const std::string_view pair = Trim(spec.substr(0, comma));
    if (pair.empty()) {
      return Status::InvalidArgument("map: empty entry in '" + std::string(whole) + "'");
    }
    Status s = ApplyPair(pair, &map);
    if (!s.ok()) return s;
    if (comma == std::string_view::npos) break;
    spec.remove_prefix(comma + 1);
  }
  return map;
}

}  // namespace decorum
