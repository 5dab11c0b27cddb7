// Fuzz target: arbitrary bytes as the value of the config file's `plugins:` key ->
// ParsePluginSpecsYaml.
//
// The config file is trusted input (the operator writes it), but a broken one must fail
// `decorum serve` with a message naming the entry, never crash or hang it (SPEC §10).
// Checks, beyond "no crash, no sanitizer report, no escaping exception": a failure has a
// message; on success every spec has a non-empty name, unique among the specs, and a
// non-empty path, and its config_json parses with simdjson as a JSON object (so YamlToJson
// emitted valid JSON and valid UTF-8 whatever the YAML held). Parsed twice, with and
// without a base folder, so the relative-path resolution runs too.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "plugin_host/plugin_spec.h"

namespace {

[[noreturn]] void Fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "fuzz_plugin_config: %s: %.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

void Check(std::string_view yaml, const std::string& base_dir) {
  auto r = decorum::ParsePluginSpecsYaml(yaml, base_dir);
  if (!r.ok()) {
    if (r.status().message().empty()) Fail("an error without a message", yaml);
    return;
  }
  static simdjson::dom::parser parser;
  std::set<std::string> names;
  for (const decorum::PluginSpec& spec : r.value()) {
    if (spec.name.empty()) Fail("empty name", yaml);
    if (!names.insert(spec.name).second) Fail("duplicate name", spec.name);
    if (spec.path.empty()) Fail("empty path", yaml);
    simdjson::dom::element el;
    if (auto err = parser.parse(simdjson::padded_string(spec.config_json)).get(el)) {
      Fail(simdjson::error_message(err), spec.config_json);
    }
    if (!el.is_object()) Fail("config_json is not an object", spec.config_json);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view yaml(reinterpret_cast<const char*>(data), size);
  Check(yaml, "");
  Check(yaml, "/etc/decorum");
  return 0;
}
