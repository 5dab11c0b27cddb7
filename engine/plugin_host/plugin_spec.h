// PluginSpec: one entry of the configuration's `plugins:` list — which shared library to
// load, under which instance name, with which configuration (SPEC §8).
//
//   plugins:
//     - name: pile_on                    # instance name: decisions, logs and metrics use it
//       path: plugins/pile_on.so         # absolute, or relative to the config file's folder
//       config: {window_seconds: 60}     # any YAML mapping; handed to create() as JSON
//       call_timeout_ms: 50              # optional budget per call (plugin_chain.h)
//
// Only configured paths are ever loaded: there is no search path and no default plugin.
//
// Thread safety: plain data and pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "decorum/status.h"

namespace YAML {
class Node;
}

namespace decorum {

struct PluginSpec {
  std::string name;         // unique among the configured plugins
  std::string path;         // resolved: absolute, or as given when no base folder is known
  std::string config_json;  // a JSON object, "{}" when no config was given
  uint32_t call_timeout_ms = 0;  // 0: no budget, calls run inline
};

// A path read from a config file: an absolute one as it is, a relative one relative to
// `base_dir` (the file's folder; empty: left as given). "" stays "" (an unset path).
std::string ResolveConfigPath(const std::string& path, const std::string& base_dir);

// Parses the `plugins:` node (a sequence of mappings). Relative paths are resolved
// against `base_dir` (the config file's folder; empty: left as given). Errors name the
// entry and key, e.g. "plugins[1].path: missing".
Result<std::vector<PluginSpec>> ParsePluginSpecs(const YAML::Node& node, const std::string& base_dir);

// The same from YAML text (the fuzz target's entry point, and tests): `yaml` holds the
// value of the `plugins:` key.
Result<std::vector<PluginSpec>> ParsePluginSpecsYaml(std::string_view yaml, const std::string& base_dir);

// Converts a YAML value to JSON text: mappings to objects, sequences to arrays, plain
// scalars that read as integers, reals or booleans to JSON numbers/booleans (as YAML 1.2's
// core schema would), `null`/`~`/empty to null, everything else — quoted scalars included
// — to strings. Fails on a non-string mapping key or nesting deeper than 64 levels.
Result<std::string> YamlToJson(const YAML::Node& node);

}  // namespace decorum
