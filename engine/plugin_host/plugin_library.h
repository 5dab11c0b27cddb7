// PluginLibrary: one plugin shared library, opened and checked against the ABI the engine
// was built with (plugins/include/decorum/plugin.h).
//
// Open() does everything that can be checked before create(): dlopen(RTLD_NOW |
// RTLD_LOCAL) of exactly the configured path, the entry symbol, the descriptor's size and
// ABI version (same major; minor no newer than ours), and that the capabilities and the
// function pointers agree (a capability without its function, or a function without its
// capability, is refused: half an implementation is a bug, not an option). Every error
// says which file and what to do.
//
// The library is dlclose()d when the last PluginLibrary reference goes; instances created
// from it must be destroyed before that (PluginChain holds both in the right order).
//
// Thread safety: immutable after Open(); the descriptor may be read from any thread.
#pragma once

#include <memory>
#include <string>

#include "decorum/plugin.h"
#include "decorum/status.h"

namespace decorum {

class PluginLibrary {
 public:
  ~PluginLibrary();
  PluginLibrary(const PluginLibrary&) = delete;
  PluginLibrary& operator=(const PluginLibrary&) = delete;

  static Result<std::shared_ptr<PluginLibrary>> Open(const std::string& path);

  const decorum_plugin_api& api() const { return *api_; }
  const std::string& path() const { return path_; }
  // "name version (ABI major.minor)", for logs.
  std::string Describe() const;

 private:
  PluginLibrary() = default;

  std::string path_;
  void* handle_ = nullptr;
  const decorum_plugin_api* api_ = nullptr;
};

// Checks a descriptor as Open() does; exposed so the checks can be tested without a file.
Status CheckPluginApi(const decorum_plugin_api* api);

}  // namespace decorum
