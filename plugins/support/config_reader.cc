#include "support/config_reader.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <utility>

#include "support/utf8_prefix.h"

namespace decorum::plugins {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

const char* TypeName(element_type t) {
  switch (t) {
    case element_type::ARRAY: return "an array";
    case element_type::OBJECT: return "an object";
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE: return "a number";
    case element_type::STRING: return "a string";
    case element_type::BOOL: return "a boolean";
    case element_type::NULL_VALUE: return "null";
  }
  return "an unknown value";
}

template <typename T>
std::string Num(T v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

// Keys and names from the config are echoed in messages, cut to a readable length.
std::string Shown(std::string_view s) {
  constexpr size_t kMax = 64;
  const std::string_view shown = Utf8Prefix(s, kMax);
  return std::string(shown) + (shown.size() < s.size() ? "..." : "");
}

}  // namespace

struct ConfigReader::Impl {
  // Owns the parsed document every element below points into; shared with nested readers.
  std::shared_ptr<simdjson::dom::parser> parser;
  simdjson::dom::object object;
  bool absent = false;      // a nested object that was not given: reads as {}
  std::string plugin;
  std::string prefix;       // "" at the top level, "parent." in a nested reader
  std::vector<std::string> known;  // every key asked for, for Finish() and its message

  // The value of `key` if present. Either way the key becomes a known one.
  std::optional<element> Get(std::string_view key) {
    if (std::find(known.begin(), known.end(), key) == known.end()) known.emplace_back(key);
    if (absent) return std::nullopt;
    element e;
    if (object.at_key(key).get(e) != simdjson::SUCCESS) return std::nullopt;
    return e;
  }
};

ConfigReader::ConfigReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ConfigReader::~ConfigReader() = default;
ConfigReader::ConfigReader(ConfigReader&&) noexcept = default;
ConfigReader& ConfigReader::operator=(ConfigReader&&) noexcept = default;

ConfigReader::ConfigReader(std::string_view plugin, std::string_view json)
    : impl_(std::make_unique<Impl>()) {
  impl_->plugin = std::string(plugin);
  impl_->parser = std::make_shared<simdjson::dom::parser>();
  const simdjson::padded_string padded(json.empty() ? std::string_view("{}") : json);
  element root;
  if (auto e = impl_->parser->parse(padded).get(root); e != simdjson::SUCCESS) {
    throw ConfigError(impl_->plugin + ": config: not valid JSON (" +
                      simdjson::error_message(e) + ")");
  }
  if (root.get_object().get(impl_->object) != simdjson::SUCCESS) {
    throw ConfigError(impl_->plugin + ": config: expected a JSON object, got " +
                      TypeName(root.type()));
  }
}

void ConfigReader::Fail(std::string_view key, std::string_view message) const {
  throw ConfigError(impl_->plugin + ": " + impl_->prefix + Shown(key) + ": " +
                    std::string(message));
}

int64_t ConfigReader::Integer(std::string_view key, int64_t def, int64_t min, int64_t max) {
  const std::optional<element> v = impl_->Get(key);
  if (!v) return def;
  const std::string expected = "expected an integer from " + Num(min) + " to " + Num(max);
  int64_t x = 0;
  switch (v->type()) {
    case element_type::INT64:
      x = v->get_int64().value_unsafe();
      break;
    case element_type::UINT64:  // above INT64_MAX, so above any max
      Fail(key, expected + ", got " + Num(v->get_uint64().value_unsafe()));
    case element_type::DOUBLE:
      // 60.0 parses as a double; saying "got 60" would read as nonsense.
      Fail(key, expected + ", got a number with a fraction or an exponent");
    default:
      Fail(key, expected + ", got " + TypeName(v->type()));
  }
  if (x < min || x > max) Fail(key, expected + ", got " + Num(x));
  return x;
}

namespace {

// Any JSON number as a double; nullopt for other types.
std::optional<double> AsDouble(const element& v) {
  switch (v.type()) {
    case element_type::INT64: return static_cast<double>(v.get_int64().value_unsafe());
    case element_type::UINT64: return static_cast<double>(v.get_uint64().value_unsafe());
    case element_type::DOUBLE: return v.get_double().value_unsafe();
    default: return std::nullopt;
  }
}

}  // namespace

double ConfigReader::Number(std::string_view key, double def, double min, double max) {
  const std::optional<element> v = impl_->Get(key);
  if (!v) return def;
  const std::string expected = "expected a number from " + Num(min) + " to " + Num(max);
  const std::optional<double> x = AsDouble(*v);
  if (!x) Fail(key, expected + ", got " + TypeName(v->type()));
  if (!(*x >= min && *x <= max)) Fail(key, expected + ", got " + Num(*x));
  return *x;
}

double ConfigReader::PositiveNumber(std::string_view key, double def, double max) {
  const std::optional<element> v = impl_->Get(key);
  if (!v) return def;
  const std::string expected = "expected a number above 0 and at most " + Num(max);
  const std::optional<double> x = AsDouble(*v);
  if (!x) Fail(key, expected + ", got " + TypeName(v->type()));
  if (!(*x > 0 && *x <= max)) Fail(key, expected + ", got " + Num(*x));
  return *x;
}

CategorySet ConfigReader::Categories(std::string_view key, const CategorySet& def,
                                     bool allow_empty) {
  const std::optional<element> v = impl_->Get(key);
  if (!v) return def;
  CategorySet all;
  for (std::string_view k : CategorySet::kKnown) all.Add(k);
  const std::string expected = "expected an array of category names (" + all.ToString() + ")";
  simdjson::dom::array array;
  if (v->get_array().get(array) != simdjson::SUCCESS) {
    Fail(key, expected + ", got " + TypeName(v->type()));
  }
  CategorySet set;
  for (element item : array) {
    std::string_view name;
    if (item.get_string().get(name) != simdjson::SUCCESS) {
      Fail(key, expected + ", got an array holding " + TypeName(item.type()));
    }
    if (!set.Add(name)) {
      Fail(key, "\"" + Shown(name) + "\" is not a category (known: " + all.ToString() + ")");
    }
  }
  if (set.empty() && !allow_empty) Fail(key, "expected at least one category");
  return set;
}

ConfigReader ConfigReader::Object(std::string_view key) {
  auto sub = std::make_unique<Impl>();
  sub->parser = impl_->parser;
  sub->plugin = impl_->plugin;
  sub->prefix = impl_->prefix + std::string(key) + ".";
  const std::optional<element> v = impl_->Get(key);
  if (!v) {
    sub->absent = true;
  } else if (v->get_object().get(sub->object) != simdjson::SUCCESS) {
    Fail(key, std::string("expected an object, got ") + TypeName(v->type()));
  }
  return ConfigReader(std::move(sub));
}

void ConfigReader::Finish() {
  if (impl_->absent) return;
  std::vector<std::string_view> seen;
  for (auto field : impl_->object) {
    const std::string_view k = field.key;
    const auto& known = impl_->known;
    if (std::find(known.begin(), known.end(), k) == known.end()) {
      std::string list;
      for (const std::string& name : known) list += (list.empty() ? "" : ", ") + name;
      Fail(k, known.empty() ? "unknown key (no keys are accepted here)"
                            : "unknown key (known keys: " + list + ")");
    }
    if (std::find(seen.begin(), seen.end(), k) != seen.end()) Fail(k, "duplicate key");
    seen.push_back(k);
  }
}

}  // namespace decorum::plugins
