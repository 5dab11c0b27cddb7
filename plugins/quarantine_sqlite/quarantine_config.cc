#include "quarantine_sqlite/quarantine_config.h"

#include <simdjson.h>

#include <climits>
#include <set>

namespace decorum::quarantine {
namespace {

constexpr const char* kKnownKeys = "path, busy_timeout_ms, max_pending, max_db_bytes";

const char* TypeName(simdjson::dom::element_type t) {
  using simdjson::dom::element_type;
  switch (t) {
    case element_type::ARRAY: return "an array";
    case element_type::OBJECT: return "an object";
    case element_type::INT64:
    case element_type::UINT64: return "an integer";
    case element_type::DOUBLE: return "a fractional number";
    case element_type::STRING: return "a string";
    case element_type::BOOL: return "a boolean";
    case element_type::NULL_VALUE: return "null";
  }
  return "an unknown type";
}

// Reads an integer in [min, max] into *out; the message names `key` otherwise.
Status ReadInteger(simdjson::dom::element value, std::string_view key, uint64_t min,
                   uint64_t max, uint64_t* out) {
  using simdjson::dom::element_type;
  const std::string range = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  int64_t signed_value = 0;
  switch (value.type()) {
    case element_type::UINT64:
      *out = value.get_uint64().value_unsafe();
      break;
    case element_type::INT64:
      signed_value = value.get_int64().value_unsafe();
      if (signed_value < 0) {
        return Status::InvalidArgument("config key '" + std::string(key) + "' must be " + range +
                                       ", got " + std::to_string(signed_value));
      }
      *out = static_cast<uint64_t>(signed_value);
      break;
    default:
      return Status::InvalidArgument("config key '" + std::string(key) + "' must be " + range +
                                     ", got " + TypeName(value.type()));
  }
  if (*out < min || *out > max) {
    return Status::InvalidArgument("config key '" + std::string(key) + "' must be " + range +
                                   ", got " + std::to_string(*out));
  }
  return Status::Ok();
}

}  // namespace

Result<QuarantineConfig> ParseQuarantineConfig(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  const simdjson::padded_string padded(json);
  if (auto e = parser.parse(padded).get(root); e != simdjson::SUCCESS) {
    return Status::InvalidArgument(std::string("config is not valid JSON: ") +
                                   simdjson::error_message(e));
  }
  simdjson::dom::object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) {
    return Status::InvalidArgument(std::string("config must be a mapping (a JSON object), got ") +
                                   TypeName(root.type()));
  }
  QuarantineConfig config;
  std::set<std::string_view> seen;
  bool has_path = false;
  for (auto field : obj) {
    const std::string_view key = field.key;
    if (!seen.insert(key).second) {
      return Status::InvalidArgument("config key '" + std::string(key) + "' is given twice");
    }
    uint64_t n = 0;
    if (key == "path") {
      std::string_view path;
      if (field.value.get_string().get(path) != simdjson::SUCCESS) {
        return Status::InvalidArgument(std::string("config key 'path' must be a string (the "
                                                   "database file), got ") +
                                       TypeName(field.value.type()));
      }
      if (path.empty()) return Status::InvalidArgument("config key 'path' is empty");
      config.path = std::string(path);
      has_path = true;
    } else if (key == "busy_timeout_ms") {
      if (Status s = ReadInteger(field.value, key, 0, INT_MAX, &n); !s.ok()) return s;
      config.busy_timeout_ms = static_cast<int>(n);
    } else if (key == "max_pending") {
      if (Status s = ReadInteger(field.value, key, 1, SIZE_MAX, &n); !s.ok()) return s;
      config.max_pending = static_cast<size_t>(n);
    } else if (key == "max_db_bytes") {
      if (Status s = ReadInteger(field.value, key, 0, UINT64_MAX, &n); !s.ok()) return s;
      config.max_db_bytes = n;
    } else {
      return Status::InvalidArgument("unknown config key '" + std::string(key) + "' (known: " +
                                     kKnownKeys + ")");
    }
  }
  if (!has_path) {
    return Status::InvalidArgument("config key 'path' (the database file) is required");
  }
  return config;
}

}  // namespace decorum::quarantine
