// Regression tests for the `plugins:` parser, from inputs tests/fuzz/fuzz_plugin_config.cc
// found.
#include <gtest/gtest.h>

#include <string>

#include "plugin_host/plugin_spec.h"

namespace decorum {
namespace {

// A path whose file name leaves nothing once "lib" and the extension are stripped gave
// an instance with an empty name (the fuzzer's input: "- path: .\trepeat_offender.so.1").
// It must be an error asking for a name; a name given explicitly still works.
TEST(PluginSpecRegressionTest, NoEmptyDefaultName) {
  for (const char* path : {".\trepeat_offender.so.1", "lib.so", "/opt/p/.hidden.so", "plugins/", "lib"}) {
    SCOPED_TRACE(path);
    auto r = ParsePluginSpecsYaml(std::string("- path: \"") + path + "\"\n", "");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find("plugins[0].name: cannot derive"), std::string::npos)
        << r.status().message();
  }
  auto named = ParsePluginSpecsYaml("- {name: hidden, path: /opt/p/.hidden.so}\n", "");
  ASSERT_TRUE(named.ok()) << named.status().message();
  EXPECT_EQ((*named)[0].name, "hidden");
}

}  // namespace
}  // namespace decorum
