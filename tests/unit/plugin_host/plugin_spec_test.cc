// ParsePluginSpecs / YamlToJson: the `plugins:` section of the config.
#include "plugin_host/plugin_spec.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

namespace decorum {
namespace {

std::string Json(const std::string& yaml) {
  auto r = YamlToJson(YAML::Load(yaml));
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? r.value() : "";
}

TEST(YamlToJsonTest, ScalarsFollowTheCoreSchemaAndQuotedStaysString) {
  EXPECT_EQ(Json("{a: 1, b: -2.5, c: true, d: null, e: text, f: '3', g: 1e3, h: ~}"),
            R"({"a":1,"b":-2.5,"c":true,"d":null,"e":"text","f":"3","g":1000,"h":null})");
  EXPECT_EQ(Json("[1, [x, {y: \"a\\\"b\"}]]"), R"([1,["x",{"y":"a\"b"}]])");
  EXPECT_EQ(Json("{n: +7, z: 007, big: 99999999999999999999}"),
            R"({"n":7,"z":7,"big":"99999999999999999999"})");
  EXPECT_EQ(Json("{x: .inf, y: 0.0001}"), R"({"x":".inf","y":1e-04})");
  // A real too large for a 64-bit integer keeps an exponent, so JSON readers with 64-bit
  // integers still read it (found by fuzz_plugin_config); smaller whole reals do not.
  EXPECT_EQ(Json("{a: 123456789012345678901.5, b: -1.0e19, c: 1234567.0}"),
            R"({"a":1.2345678901234568e+20,"b":-1e+19,"c":1234567})");
}

TEST(YamlToJsonTest, RefusesDuplicateKeysAndDeepNesting) {
  EXPECT_FALSE(YamlToJson(YAML::Load("{a: 1, a: 2}")).ok());
  std::string deep(100, '[');
  deep += std::string(100, ']');
  auto r = YamlToJson(YAML::Load(deep));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("deeper than 64"), std::string::npos);
}

TEST(PluginSpecTest, ReadsEntriesResolvesPathsAndDefaultsNames) {
  auto r = ParsePluginSpecsYaml(R"(
- {name: pile, path: lib/pile_on.so, config: {window_seconds: 30}}
- {path: /opt/p/libquarantine_sqlite.so}
)", "/etc/decorum");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].name, "pile");
  EXPECT_EQ((*r)[0].path, "/etc/decorum/lib/pile_on.so");
  EXPECT_EQ((*r)[0].config_json, R"({"window_seconds":30})");
  EXPECT_EQ((*r)[1].name, "quarantine_sqlite");
  EXPECT_EQ((*r)[1].path, "/opt/p/libquarantine_sqlite.so");
  EXPECT_EQ((*r)[1].config_json, "{}");
}

TEST(PluginSpecTest, ErrorsNameTheEntryAndKey) {
  struct Case {
    const char* yaml;
    const char* message;
  } cases[] = {
      {"{a: 1}", "plugins: expected a list"},
      {"[x]", "plugins[0]: expected a mapping"},
      {"[{name: a}]", "plugins[0].path: missing"},
      {"[{path: a.so, colour: red}]", "plugins[0].colour: unknown key"},
      {"[{path: a.so, config: [1]}]", "plugins[0].config: expected a mapping"},
      {"[{path: a.so, name: ''}]", "plugins[0].name: expected a non-empty string"},
      {"[{path: a.so}, {path: b/a.so}]", "plugins[1].name: 'a' is used twice"},
      {"[{path: a.so, config: {k: 1, k: 2}}]", "plugins[0].config: key 'k' given twice"},
      {"[{path: a.so, path: b.so}]", "plugins[0].path: given twice"},
      {"[{path: a.so, call_timeout_ms: 0}]", "plugins[0].call_timeout_ms: expected milliseconds from 1 to 600000"},
      {"[{path: a.so, call_timeout_ms: soon}]", "plugins[0].call_timeout_ms: expected milliseconds"},
      {"[{path: a.so", "plugins: "},
  };
  for (const auto& c : cases) {
    auto r = ParsePluginSpecsYaml(c.yaml, "");
    ASSERT_FALSE(r.ok()) << c.yaml;
    EXPECT_NE(r.status().message().find(c.message), std::string::npos)
        << c.yaml << " -> " << r.status().message();
  }
}

TEST(PluginSpecTest, EmptyOrNullMeansNoPlugins) {
  EXPECT_TRUE(ParsePluginSpecsYaml("[]", "").value().empty());
  EXPECT_TRUE(ParsePluginSpecsYaml("~", "").value().empty());
}

}  // namespace
}  // namespace decorum
