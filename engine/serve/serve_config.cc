#include "serve/serve_config.h"

#include "plugin_host/plugin_spec.h"

#include <yaml-cpp/yaml.h>

#include <boost/asio/ip/address.hpp>
#include <charconv>
#include <fstream>
#include <set>
#include <sstream>

namespace decorum::serve {

std::string ListenAddress::ToString() const {
  if (kind == Kind::kUnix) return "unix:" + path;
  const bool v6 = host.find(':') != std::string::npos;
  return (http ? "http://" : "tcp://") + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<ListenAddress> ParseHostPort(std::string_view spec) {
  ListenAddress a;
  a.kind = ListenAddress::Kind::kTcp;
  const size_t colon = spec.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == spec.size()) {
    return Status::InvalidArgument("'" + std::string(spec) + "': expected HOST:PORT");
  }
  std::string_view host = spec.substr(0, colon), port = spec.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  unsigned p = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (ec != std::errc() || end != port.data() + port.size() || p > 65535) {
    return Status::InvalidArgument("'" + std::string(spec) + "': bad port '" + std::string(port) + "'");
  }
  a.host = std::string(host);
  a.port = static_cast<uint16_t>(p);
  if (a.host != "localhost") {
    boost::system::error_code bec;
    boost::asio::ip::make_address(a.host, bec);
    if (bec) return Status::InvalidArgument("'" + std::string(spec) + "': '" + a.host + "' is not an IP address");
  }
  return a;
}

Result<ListenAddress> ParseListenAddress(std::string_view spec) {
  if (spec.substr(0, 6) == "tcp://") return ParseHostPort(spec.substr(6));
  if (spec.substr(0, 5) == "unix:") {
    ListenAddress a;
    a.kind = ListenAddress::Kind::kUnix;
    a.path = std::string(spec.substr(5));
    if (a.path.empty()) return Status::InvalidArgument("'" + std::string(spec) + "': empty socket path");
    if (a.path.size() >= 108) return Status::InvalidArgument("'" + std::string(spec) + "': socket path too long");
    return a;
  }
  return Status::InvalidArgument("'" + std::string(spec) +
                                 "': expected tcp://HOST:PORT or unix:PATH");
}

bool IsLoopback(const ListenAddress& a) {
  if (a.kind == ListenAddress::Kind::kUnix) return true;
  if (a.host == "localhost") return true;
  boost::system::error_code ec;
  auto addr = boost::asio::ip::make_address(a.host, ec);
  return !ec && addr.is_loopback();
}

bool ServeConfig::AnyNonLoopback() const {
  for (const auto& l : listen) if (!IsLoopback(l)) return true;
  return http_enabled && !IsLoopback(http);
}

Status ServeConfig::Validate(SettingNames names) const {
  if (Status s = ValidateSettings(names); !s.ok()) return s;
  if (!use_stdin && listen.empty() && !http_enabled) {
    return Status::InvalidArgument("nothing to serve: give --stdin, --listen or --http (or stdin/listen/http in the config)");
  }
  return Status::Ok();
}

Status ServeConfig::ValidateSettings(SettingNames names) const {
  auto bad = [names](const char* key, const char* flag, const std::string& what) {
    return Status::InvalidArgument((names == SettingNames::kServeFlags ? flag : key) + (" " + what));
  };
  if (on_error != "fail" && on_error != "skip") return bad("rules.on_error", "--on-error", "must be 'fail' or 'skip', not '" + on_error + "'");
  if (log_format != "text" && log_format != "json") return bad("logging.format", "--log-format", "must be 'text' or 'json', not '" + log_format + "'");
  static const char* kLevels[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};
  bool level_ok = false;
  for (const char* l : kLevels) level_ok |= log_level == l;
  if (!level_ok) return bad("logging.level", "--log-level", "must be one of trace, debug, info, warn, error, critical, off; not '" + log_level + "'");
  if (max_line_bytes == 0) return bad("limits.max_line_bytes", "--max-line-bytes", "must be positive");
  if (max_body_bytes == 0) return bad("http.max_body_bytes", "--max-body-bytes", "must be positive");
  if (max_connections == 0) return bad("limits.max_connections", "--max-connections", "must be positive");
  if (idle_timeout_seconds == 0) return bad("limits.idle_timeout_seconds", "--idle-timeout", "must be positive");
  if (max_pending_output_bytes < 4096) return bad("limits.max_pending_output_bytes", "--max-pending-output-bytes", "must be at least 4096");
  if (threads > 256) return bad("threads", "--threads", "must be between 0 and 256");
  if (unix_socket_mode > 0777) return bad("unix_socket_mode", "--unix-socket-mode", "must be an octal mode like 0600");
  return Status::Ok();
}

namespace {

// Typed reads of one scalar, naming the key on failure.
template <typename T>
Status Read(const YAML::Node& n, const std::string& key, const char* what, T* out) {
  try {
    *out = n.as<T>();
    return Status::Ok();
  } catch (const YAML::Exception&) {
    return Status::InvalidArgument(key + ": expected " + what);
  }
}

Status ReadUnsigned(const YAML::Node& n, const std::string& key, uint64_t max, uint64_t* out) {
  if (!n.IsScalar()) return Status::InvalidArgument(key + ": expected an unsigned integer");
  const std::string s = n.Scalar();
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  if (ec != std::errc() || end != s.data() + s.size() || *out > max) {
    return Status::InvalidArgument(key + ": expected an unsigned integer up to " + std::to_string(max) + ", got '" + s + "'");
  }
  return Status::Ok();
}

template <typename T>
Status ReadNum(const YAML::Node& n, const std::string& key, T* out) {
  uint64_t v = 0;
  Status s = ReadUnsigned(n, key, std::numeric_limits<T>::max(), &v);
  if (s.ok()) *out = static_cast<T>(v);
  return s;
}

// yaml-cpp keeps both entries of a key given twice, and the loops below would let the
// last one win without a word; rule files and plugin configs refuse it, and so does this.
Status UniqueKeys(const YAML::Node& map, const std::string& prefix) {
  std::set<std::string> seen;
  for (const auto& kv : map) {
    const std::string k = kv.first.as<std::string>();
    if (!seen.insert(k).second) return Status::InvalidArgument(prefix + k + ": given twice");
  }
  return Status::Ok();
}

// A path given in the file: relative to the file's folder, as plugin paths are, not to
// wherever the daemon happens to be started from. No value (`dir:`) is the empty path
// (the built-in pack, no cache), not the string "null".
Status ReadPath(const YAML::Node& n, const std::string& key, const std::string& base_dir, std::string* out) {
  if (n.IsNull()) {
    out->clear();
    return Status::Ok();
  }
  if (Status s = Read(n, key, "a path", out); !s.ok()) return s;
  *out = ResolveConfigPath(*out, base_dir);
  return Status::Ok();
}

Status ExpectMap(const YAML::Node& n, const std::string& key) {
  if (!n.IsMap()) return Status::InvalidArgument(key + ": expected a mapping");
  return UniqueKeys(n, key + ".");
}

Status ApplyRoot(const YAML::Node& root, ServeConfig* c, const std::string& base_dir) {
  if (root.IsNull()) return Status::Ok();
  if (!root.IsMap()) return Status::InvalidArgument("the config must be a mapping of settings");
  if (Status s = UniqueKeys(root, ""); !s.ok()) return s;
  for (const auto& kv : root) {
    const std::string key = kv.first.as<std::string>();
    const YAML::Node& v = kv.second;
    Status s;
    if (key == "rules") {
      if (!(s = ExpectMap(v, key)).ok()) return s;
      for (const auto& r : v) {
        const std::string k = r.first.as<std::string>();
        if (k == "dir") s = ReadPath(r.second, "rules.dir", base_dir, &c->rules_dir);
        else if (k == "on_error") s = Read(r.second, "rules.on_error", "fail or skip", &c->on_error);
        else if (k == "cache_dir") s = ReadPath(r.second, "rules.cache_dir", base_dir, &c->cache_dir);
        else return Status::InvalidArgument("rules." + k + ": unknown key");
        if (!s.ok()) return s;
      }
    } else if (key == "stdin") {
      s = Read(v, key, "true or false", &c->use_stdin);
    } else if (key == "listen") {
      if (!v.IsSequence()) return Status::InvalidArgument("listen: expected a list of tcp://HOST:PORT or unix:PATH");
      c->listen.clear();
      for (size_t i = 0; i < v.size(); ++i) {
        std::string spec;
        const std::string k = "listen[" + std::to_string(i) + "]";
        if (!(s = Read(v[i], k, "a string", &spec)).ok()) return s;
        auto a = ParseListenAddress(spec);
        if (!a.ok()) return Status::InvalidArgument(k + ": " + a.status().message());
        c->listen.push_back(a.value());
      }
    } else if (key == "http") {
      if (!(s = ExpectMap(v, key)).ok()) return s;
      for (const auto& h : v) {
        const std::string k = h.first.as<std::string>();
        const std::string full = "http." + k;
        if (k == "listen") {
          std::string spec;
          if (!(s = Read(h.second, full, "HOST:PORT", &spec)).ok()) return s;
          auto a = ParseHostPort(spec);
          if (!a.ok()) return Status::InvalidArgument(full + ": " + a.status().message());
          c->http = a.value();
          c->http.http = true;
          c->http_enabled = true;
        } else if (k == "admin_token") {
          s = Read(h.second, full, "a string", &c->admin_token);
        } else if (k == "admin_token_file") {
          std::string path;
          if (!(s = ReadPath(h.second, full, base_dir, &path)).ok()) return s;
          std::ifstream in(path);
          if (!in) return Status::NotFound(full + ": cannot read '" + path + "'");
          std::getline(in, c->admin_token);
          if (c->admin_token.empty()) return Status::InvalidArgument(full + ": '" + path + "' is empty");
        } else if (k == "max_body_bytes") {
          s = ReadNum(h.second, full, &c->max_body_bytes);
        } else {
          return Status::InvalidArgument(full + ": unknown key");
        }
        if (!s.ok()) return s;
      }
    } else if (key == "limits") {
      if (!(s = ExpectMap(v, key)).ok()) return s;
      for (const auto& l : v) {
        const std::string k = l.first.as<std::string>();
        const std::string full = "limits." + k;
        if (k == "max_line_bytes") s = ReadNum(l.second, full, &c->max_line_bytes);
        else if (k == "max_connections") s = ReadNum(l.second, full, &c->max_connections);
        else if (k == "idle_timeout_seconds") s = ReadNum(l.second, full, &c->idle_timeout_seconds);
        else if (k == "max_pending_output_bytes") s = ReadNum(l.second, full, &c->max_pending_output_bytes);
        else if (k == "shutdown_timeout_seconds") s = ReadNum(l.second, full, &c->shutdown_timeout_seconds);
        else return Status::InvalidArgument(full + ": unknown key");
        if (!s.ok()) return s;
      }
    } else if (key == "threads") {
      s = ReadNum(v, key, &c->threads);
    } else if (key == "unix_socket_mode") {
      std::string mode;
      if (!(s = Read(v, key, "an octal string like \"0600\"", &mode)).ok()) return s;
      uint32_t m = 0;
      auto [end, ec] = std::from_chars(mode.data(), mode.data() + mode.size(), m, 8);
      if (ec != std::errc() || end != mode.data() + mode.size() || m > 0777) {
        return Status::InvalidArgument("unix_socket_mode: expected an octal mode like \"0600\", got '" + mode + "'");
      }
      c->unix_socket_mode = m;
    } else if (key == "map") {
      s = Read(v, key, "a field-map spec string", &c->map_spec);
    } else if (key == "logging") {
      if (!(s = ExpectMap(v, key)).ok()) return s;
      for (const auto& l : v) {
        const std::string k = l.first.as<std::string>();
        if (k == "level") s = Read(l.second, "logging.level", "a level name", &c->log_level);
        else if (k == "format") s = Read(l.second, "logging.format", "text or json", &c->log_format);
        else return Status::InvalidArgument("logging." + k + ": unknown key");
        if (!s.ok()) return s;
      }
    } else if (key == "plugins") {
      auto specs = ParsePluginSpecs(v, base_dir);
      if (!specs.ok()) return specs.status();
      c->plugins = std::move(specs).value();
    } else {
      return Status::InvalidArgument(key + ": unknown key");
    }
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace

Status ApplyConfigYaml(std::string_view yaml, const std::string& path, ServeConfig* config) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(path + ":" + std::to_string(e.mark.line + 1) + ":" +
                                   std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  try {
    const size_t slash = path.find_last_of('/');
    const std::string base_dir = slash == std::string::npos ? std::string(".") : path.substr(0, slash);
    Status s = ApplyRoot(root, config, base_dir);
    if (!s.ok()) return Status::InvalidArgument(path + ": " + s.message());
    return s;
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(path + ": " + e.msg);
  }
}

Status LoadConfigFile(const std::string& path, ServeConfig* config) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read config '" + path + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (Status s = ApplyConfigYaml(ss.str(), path, config); !s.ok()) return s;
  if (Status s = config->ValidateSettings(); !s.ok()) return Status::InvalidArgument(path + ": " + s.message());
  return Status::Ok();
}

}  // namespace decorum::serve
