#include "plugin_host/plugin_spec.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <set>
#include <string_view>

#include "sinks/json_writer.h"

namespace decorum {
namespace {

constexpr int kMaxDepth = 64;

bool IsInteger(const std::string& s) {
  if (s.empty()) return false;
  size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

// A YAML 1.2 core-schema float: digits with a '.' and/or an exponent; .inf and .nan are
// left as strings since JSON cannot carry them.
bool IsReal(const std::string& s, double* out) {
  if (s.empty() || s.find_first_of("0123456789") == std::string::npos) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+')) return false;
  }
  const char* b = s.data() + (s[0] == '+' ? 1 : 0);
  auto [end, ec] = std::from_chars(b, s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size() && std::isfinite(*out);
}

Status AppendJson(const YAML::Node& node, int depth, std::string* out) {
  if (depth > kMaxDepth) return Status::InvalidArgument("nested deeper than 64 levels");
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      out->append("null");
      return Status::Ok();
    case YAML::NodeType::Scalar: {
      const std::string& v = node.Scalar();
      if (node.Tag() != "!") {  // "!" marks a quoted scalar: always a string
        double d;
        if (v == "true" || v == "True" || v == "TRUE") { out->append("true"); return Status::Ok(); }
        if (v == "false" || v == "False" || v == "FALSE") { out->append("false"); return Status::Ok(); }
        if (v == "null" || v == "Null" || v == "NULL" || v == "~") { out->append("null"); return Status::Ok(); }
        if (IsInteger(v)) {
          // Leading '+' and zeros are not JSON; normalize through a parse when it fits.
          int64_t n;
          const char* b = v.data() + (v[0] == '+' ? 1 : 0);
          auto [end, ec] = std::from_chars(b, v.data() + v.size(), n);
          if (ec == std::errc() && end == v.data() + v.size()) {
            out->append(std::to_string(n));
            return Status::Ok();
          }
        } else if (IsReal(v, &d)) {
          char buf[32];  // shortest round-trip form, always valid JSON for a finite double
          auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), d);
          // A large whole value comes out as a long integer ("123456789012345683968"),
          // which JSON readers with 64-bit integers (simdjson, plugins') reject: written
          // with an exponent it stays the double it is.
          const bool whole = std::string_view(buf, end - buf).find_first_of(".eE") == std::string_view::npos;
          if (ec == std::errc() && whole && std::fabs(d) >= 9.2e18) {
            const std::to_chars_result r =
                std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::scientific);
            end = r.ptr;
            ec = r.ec;
          }
          if (ec == std::errc()) {
            out->append(buf, end);
            return Status::Ok();
          }
        }
      }
      AppendJsonString(out, v);
      return Status::Ok();
    }
    case YAML::NodeType::Sequence: {
      out->push_back('[');
      bool first = true;
      for (const auto& item : node) {
        if (!first) out->push_back(',');
        first = false;
        Status s = AppendJson(item, depth + 1, out);
        if (!s.ok()) return s;
      }
      out->push_back(']');
      return Status::Ok();
    }
    case YAML::NodeType::Map: {
      out->push_back('{');
      bool first = true;
      std::set<std::string> seen;
      for (const auto& kv : node) {
        if (!kv.first.IsScalar()) return Status::InvalidArgument("a mapping key must be a string");
        const std::string& key = kv.first.Scalar();
        if (!seen.insert(key).second) return Status::InvalidArgument("key '" + key + "' given twice");
        if (!first) out->push_back(',');
        first = false;
        AppendJsonString(out, key);
        out->push_back(':');
        Status s = AppendJson(kv.second, depth + 1, out);
        if (!s.ok()) return Status::InvalidArgument(key + ": " + s.message());
      }
      out->push_back('}');
      return Status::Ok();
    }
  }
  return Status::InvalidArgument("unsupported YAML node");
}

}  // namespace

std::string ResolveConfigPath(const std::string& path, const std::string& base_dir) {
  if (path.empty() || path[0] == '/' || base_dir.empty()) return path;
  return base_dir + "/" + path;
}

Result<std::string> YamlToJson(const YAML::Node& node) {
  std::string out;
  Status s = AppendJson(node, 0, &out);
  if (!s.ok()) return s;
  return out;
}

Result<std::vector<PluginSpec>> ParsePluginSpecs(const YAML::Node& node, const std::string& base_dir) {
  std::vector<PluginSpec> specs;
  if (node.IsNull()) return specs;
  if (!node.IsSequence()) {
    return Status::InvalidArgument("plugins: expected a list of {name, path, config} entries");
  }
  std::set<std::string> names;
  size_t i = 0;
  for (const auto& entry : node) {
    const std::string where = "plugins[" + std::to_string(i++) + "]";
    if (!entry.IsMap()) return Status::InvalidArgument(where + ": expected a mapping with name, path and config");
    PluginSpec spec;
    spec.config_json = "{}";
    bool has_path = false;
    std::set<std::string> seen;
    for (const auto& kv : entry) {
      if (!kv.first.IsScalar()) return Status::InvalidArgument(where + ": a key must be a string");
      const std::string key = kv.first.Scalar();
      if (!seen.insert(key).second) return Status::InvalidArgument(where + "." + key + ": given twice");
      const YAML::Node& v = kv.second;
      if (key == "name" || key == "path") {
        if (!v.IsScalar() || v.Scalar().empty()) {
          return Status::InvalidArgument(where + "." + key + ": expected a non-empty string");
        }
        if (key == "name") spec.name = v.Scalar();
        else { spec.path = ResolveConfigPath(v.Scalar(), base_dir); has_path = true; }
      } else if (key == "config") {
        if (!v.IsMap() && !v.IsNull()) return Status::InvalidArgument(where + ".config: expected a mapping");
        if (v.IsMap()) {
          auto json = YamlToJson(v);
          if (!json.ok()) return Status::InvalidArgument(where + ".config: " + json.status().message());
          spec.config_json = std::move(json).value();
        }
      } else if (key == "call_timeout_ms") {
        uint32_t ms = 0;
        const std::string& v_text = v.IsScalar() ? v.Scalar() : std::string();
        auto [end, ec] = std::from_chars(v_text.data(), v_text.data() + v_text.size(), ms);
        if (!v.IsScalar() || ec != std::errc() || end != v_text.data() + v_text.size() || ms == 0 || ms > 600000) {
          return Status::InvalidArgument(where + ".call_timeout_ms: expected milliseconds from 1 to 600000");
        }
        spec.call_timeout_ms = ms;
      } else {
        return Status::InvalidArgument(where + "." + key + ": unknown key (expected name, path, config, call_timeout_ms)");
      }
    }
    if (!has_path) return Status::InvalidArgument(where + ".path: missing (the plugin's .so file)");
    if (spec.name.empty()) {
      // Default: the file name without directory, "lib" prefix or extension.
      std::string base = spec.path.substr(spec.path.find_last_of('/') + 1);
      if (base.rfind("lib", 0) == 0) base = base.substr(3);
      spec.name = base.substr(0, base.find('.'));
      // "lib.so", ".hidden.so" or "dir/" leave nothing: an empty instance name would label
      // decisions, logs and metrics with "" (fuzz_plugin_config found it).
      if (spec.name.empty()) {
        return Status::InvalidArgument(where + ".name: cannot derive one from path '" + spec.path + "'; give a name");
      }
    }
    if (!names.insert(spec.name).second) {
      return Status::InvalidArgument(where + ".name: '" + spec.name + "' is used twice; give each instance its own name");
    }
    specs.push_back(std::move(spec));
  }
  return specs;
}

Result<std::vector<PluginSpec>> ParsePluginSpecsYaml(std::string_view yaml, const std::string& base_dir) {
  YAML::Node node;
  try {
    node = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument("plugins: " + std::to_string(e.mark.line + 1) + ":" +
                                   std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  try {
    return ParsePluginSpecs(node, base_dir);
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(std::string("plugins: ") + e.what());
  }
}

}  // namespace decorum
