#include "plugin_host/plugin_library.h"

#include <dlfcn.h>

#include <cstddef>

namespace decorum {
namespace {

std::string Version(unsigned major, unsigned minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

// The end of the last field ABI 1.0 defines: a descriptor shorter than this cannot be a
// 1.x descriptor at all.
constexpr size_t kMinApiSize = offsetof(decorum_plugin_api, last_error) + sizeof(void*);

}  // namespace

Status CheckPluginApi(const decorum_plugin_api* api) {
  if (!api) return Status::InvalidArgument("the entry function returned no descriptor (null)");
  if (api->struct_size < kMinApiSize) {
    return Status::InvalidArgument("descriptor of " + std::to_string(api->struct_size) +
                                   " bytes is too small for plugin ABI 1.0 (" +
                                   std::to_string(kMinApiSize) + " bytes): not built with decorum/plugin.h?");
  }
  const std::string ours = Version(DECORUM_PLUGIN_ABI_MAJOR, DECORUM_PLUGIN_ABI_MINOR);
  const std::string theirs = Version(api->abi_major, api->abi_minor);
  if (api->abi_major != DECORUM_PLUGIN_ABI_MAJOR) {
    return Status::InvalidArgument("built for plugin ABI " + theirs + ", but this decorum speaks ABI " +
                                   ours + " (the major version must match): rebuild the plugin against this decorum's plugin.h");
  }
  if (api->abi_minor > DECORUM_PLUGIN_ABI_MINOR) {
    return Status::InvalidArgument("built for plugin ABI " + theirs + ", newer than this decorum's " +
                                   ours + ": upgrade decorum or rebuild the plugin against the older header");
  }
  if (!api->name || !*api->name) return Status::InvalidArgument("descriptor has no name");
  if (!api->version) return Status::InvalidArgument("descriptor has no version");
  if (!api->create || !api->destroy || !api->last_error) {
    return Status::InvalidArgument(std::string("descriptor lacks a required function: ") +
                                   (!api->create ? "create" : !api->destroy ? "destroy" : "last_error"));
  }
  const uint32_t known = DECORUM_CAP_SCORE | DECORUM_CAP_ACT | DECORUM_CAP_SERIAL;
  if (api->capabilities & ~known) {
    return Status::InvalidArgument("descriptor declares unknown capability bits (" +
                                   std::to_string(api->capabilities & ~known) +
                                   "): built for a newer ABI that forgot to raise its minor?");
  }
  if (!(api->capabilities & (DECORUM_CAP_SCORE | DECORUM_CAP_ACT))) {
    return Status::InvalidArgument("declares neither the score nor the act capability: it would never be called");
  }
  const bool score_cap = api->capabilities & DECORUM_CAP_SCORE;
  const bool act_cap = api->capabilities & DECORUM_CAP_ACT;
  if (score_cap != (api->score != nullptr)) {
    return Status::InvalidArgument(score_cap ? "declares the score capability but has no score function"
                                             : "has a score function but does not declare the score capability");
  }
  if (act_cap != (api->on_decision != nullptr)) {
    return Status::InvalidArgument(act_cap ? "declares the act capability but has no on_decision function"
                                           : "has an on_decision function but does not declare the act capability");
  }
  if (api->act_min_action < DECORUM_ACTION_ALLOW || api->act_min_action > DECORUM_ACTION_ESCALATE) {
    return Status::InvalidArgument("act_min_action " + std::to_string(api->act_min_action) + " is not an action");
  }
  return Status::Ok();
}

Result<std::shared_ptr<PluginLibrary>> PluginLibrary::Open(const std::string& path) {
  std::shared_ptr<PluginLibrary> lib(new PluginLibrary());
  lib->path_ = path;
  dlerror();
  lib->handle_ = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib->handle_) {
    const char* e = dlerror();
    return Status::NotFound("cannot load " + path + ": " + (e ? e : "unknown dlopen error"));
  }
  dlerror();
  void* sym = dlsym(lib->handle_, DECORUM_PLUGIN_ENTRY_SYMBOL);
  if (!sym) {
    return Status::InvalidArgument(path + ": no '" DECORUM_PLUGIN_ENTRY_SYMBOL
                                   "' symbol: not a decorum plugin (or built without DECORUM_PLUGIN_EXPORT)");
  }
  auto entry = reinterpret_cast<decorum_plugin_entry_fn>(sym);
  const decorum_plugin_api* api = entry();
  Status s = CheckPluginApi(api);
  if (!s.ok()) return Status::InvalidArgument(path + ": " + s.message());
  lib->api_ = api;
  return lib;
}

PluginLibrary::~PluginLibrary() {
  if (handle_) dlclose(handle_);
}

std::string PluginLibrary::Describe() const {
  return std::string(api_->name) + " " + api_->version + " (ABI " +
         Version(api_->abi_major, api_->abi_minor) + ", " + path_ + ")";
}

}  // namespace decorum
