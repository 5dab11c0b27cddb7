// ServeConfig: every setting of `decorum serve`, read from a YAML file (--config) and
// then overridden by command-line flags (engine/cli/serve_command.cc).
//
// The YAML schema (deploy/decorum.yaml is the annotated example):
//   rules:    {dir: PATH, on_error: fail|skip, cache_dir: PATH}
//   stdin:    BOOL
//   listen:   [ "tcp://HOST:PORT" | "unix:PATH", ... ]
//   http:     {listen: HOST:PORT, admin_token: STR, admin_token_file: PATH,
//              max_body_bytes: N}
//   limits:   {max_line_bytes, max_connections, idle_timeout_seconds,
//              max_pending_output_bytes, shutdown_timeout_seconds}
//   threads:  N                 (0: one per core)
//   unix_socket_mode: "0600"    (octal string)
//   map:      field-map spec (as `decorum score --map`)
//   logging:  {level: trace|debug|info|warn|error, format: text|json}
//   plugins:  [ {name: STR, path: PATH, config: MAPPING}, ... ]  (plugin_host/plugin_spec.h)
// A relative path (rules.dir, rules.cache_dir, http.admin_token_file, a plugin's path) is
// relative to the config file's folder.
// Any other key, or a value of the wrong type, is an error naming the key
// ("http.max_body_bytes: expected an unsigned integer").
//
// Thread safety: plain data.
#pragma once

#include "match/database_cache.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "decorum/status.h"
#include "plugin_host/plugin_spec.h"

namespace decorum::serve {

// A parsed --listen value.
struct ListenAddress {
  enum class Kind : uint8_t { kTcp, kUnix };
  Kind kind = Kind::kTcp;
  std::string host;  // kTcp: an IP address or "localhost"
  uint16_t port = 0; // kTcp: 0 asks the kernel for a free port (logged once bound)
  std::string path;  // kUnix
  bool http = false; // kTcp: the HTTP listener, so messages name it http://, not tcp://
  std::string ToString() const;
};

// Parses "tcp://HOST:PORT" (HOST may be [v6]) or "unix:PATH". InvalidArgument otherwise.
Result<ListenAddress> ParseListenAddress(std::string_view spec);
// Parses "HOST:PORT" (the --http form) as a TCP address.
Result<ListenAddress> ParseHostPort(std::string_view spec);
// True for 127.0.0.0/8, ::1 and "localhost"; a unix socket counts as local.
bool IsLoopback(const ListenAddress& a);

struct ServeConfig {
  std::string rules_dir;            // empty: the built-in pack
  std::string on_error = "fail";
  std::string cache_dir = DefaultCacheDir();  // compiled-database cache; empty: none
  bool use_stdin = false;
  std::vector<ListenAddress> listen;
  bool http_enabled = false;
  ListenAddress http;
  std::string admin_token;          // empty: none configured
  std::string map_spec;
  size_t max_body_bytes = 4u << 20;
  size_t max_line_bytes = 1u << 20;
  size_t max_connections = 1024;
  uint32_t idle_timeout_seconds = 300;
  size_t max_pending_output_bytes = 1u << 20;
  uint32_t shutdown_timeout_seconds = 10;
  unsigned threads = 0;
  uint32_t unix_socket_mode = 0600;
  std::string log_level = "info";
  std::string log_format = "text";
  std::vector<PluginSpec> plugins;

  // True when some listener (stream or HTTP) binds a non-loopback address.
  bool AnyNonLoopback() const;
  // How a validation message names a setting: by its config key (a config file's values)
  // or by the `decorum serve` flag that sets it (the values once the flags are applied
  // over a file already validated, so a bad value there came from a flag).
  enum class SettingNames { kConfigKeys, kServeFlags };
  // Checks ranges and enumerations, and that there is something to serve;
  // InvalidArgument naming the setting.
  Status Validate(SettingNames names = SettingNames::kConfigKeys) const;
  // The same without the "something to serve" check: for a config file on its own, and
  // for `decorum score --config`, which shares the file but not the listeners.
  Status ValidateSettings(SettingNames names = SettingNames::kConfigKeys) const;
};

// Reads `yaml` (the contents of a config file named `path`, for messages) over *config.
Status ApplyConfigYaml(std::string_view yaml, const std::string& path, ServeConfig* config);
// Reads the file at `path`, applies it and checks the settings' ranges
// (ValidateSettings, the message naming the file). NotFound when it cannot be read.
Status LoadConfigFile(const std::string& path, ServeConfig* config);

}  // namespace decorum::serve
