// ABI conformance: the loader refuses each deliberately broken plugin
// (tests/abi_plugins/broken_plugin.c, one module per defect) with a message that says
// what is wrong, and accepts the same plugin without the defect.
#include "plugin_host/plugin_library.h"

#include <gtest/gtest.h>

#include "plugin_host/plugin_chain.h"

namespace decorum {
namespace {

std::string Module(const std::string& name) {
  return std::string(DECORUM_TEST_PLUGIN_DIR) + "/" + name + ".so";
}

std::string OpenError(const std::string& name) {
  auto lib = PluginLibrary::Open(Module(name));
  EXPECT_FALSE(lib.ok()) << name << " was accepted";
  return lib.ok() ? "" : lib.status().message();
}

TEST(PluginLibraryTest, AcceptsAValidPlugin) {
  auto lib = PluginLibrary::Open(Module("broken_none"));
  ASSERT_TRUE(lib.ok()) << lib.status().message();
  EXPECT_STREQ(lib.value()->api().name, "broken");
  EXPECT_NE(lib.value()->Describe().find("ABI 1.0"), std::string::npos);
}

TEST(PluginLibraryTest, RefusesEachBrokenPluginWithAClearMessage) {
  struct Case {
    const char* module;
    const char* message;
  } cases[] = {
      {"does_not_exist", "cannot load"},
      {"broken_no_entry", "no 'decorum_plugin_entry' symbol"},
      {"broken_null_api", "returned no descriptor"},
      {"broken_wrong_major", "built for plugin ABI 2.0, but this decorum speaks ABI 1.0"},
      {"broken_newer_minor", "built for plugin ABI 1.1, newer than this decorum's 1.0"},
      {"broken_small_struct", "too small for plugin ABI 1.0"},
      {"broken_no_caps", "declares neither the score nor the act capability"},
      {"broken_half_score", "declares the score capability but has no score function"},
      {"broken_half_act", "has an on_decision function but does not declare the act capability"},
      {"broken_no_destroy", "lacks a required function: destroy"},
  };
  for (const auto& c : cases) {
    const std::string message = OpenError(c.module);
    EXPECT_NE(message.find(c.message), std::string::npos) << c.module << ": " << message;
    EXPECT_NE(message.find(c.module), std::string::npos) << "the message names the file: " << message;
  }
}

TEST(PluginLibraryTest, NotASharedObjectIsRefused) {
  // A text file where a .so should be: dlopen's own reason is passed on.
  const std::string message = OpenError("../../CMakeCache");
  EXPECT_NE(message.find("cannot load"), std::string::npos) << message;
}

TEST(PluginChainCreateTest, CreateFailureCarriesThePluginsMessage) {
  auto chain = PluginChain::Create({{"strict", Module("broken_create_fails"), R"({"threshold":0})"}});
  ASSERT_FALSE(chain.ok());
  EXPECT_EQ(chain.status().message(),
            R"(plugin 'strict': create failed: threshold must be positive (got {"threshold":0}))");
}

TEST(PluginChainCreateTest, ALaterFailureUndoesTheWholeChain) {
  auto chain = PluginChain::Create({{"good", Module("test_plugin"), "{}"},
                                    {"bad", Module("broken_wrong_major"), "{}"}});
  ASSERT_FALSE(chain.ok());
  EXPECT_NE(chain.status().message().find("plugin 'bad': "), std::string::npos);
}

TEST(PluginChainCreateTest, ConfigErrorsFromACppPluginComeThroughCreate) {
  auto chain = PluginChain::Create({{"t", Module("test_plugin"), R"({"colour":"red"})"}});
  ASSERT_FALSE(chain.ok());
  EXPECT_EQ(chain.status().message(), "plugin 't': create failed: unknown key 'colour'");
}

}  // namespace
}  // namespace decorum
