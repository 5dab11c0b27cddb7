// GenerationHolder: the rule set (and plugin chain) the daemon serves right now, and how a
// new one replaces it (SIGHUP, POST /v1/reload).
//
// Plugins reload with the rules: each load creates new plugin instances from the same
// configuration, so a reload that fails to compile the rules or to create a plugin
// publishes nothing. The old chain is destroyed (flushed first) when the last chunk
// using it is done and every thread's Moderator has let go of it (the server has them
// do so right after a reload: server.cc, WarmIoThreads).
//
// Publication is one atomic shared_ptr store. A session loads the current generation once
// per chunk of input (or per HTTP request) and moderates that whole chunk with it, so a
// comment in flight always finishes on the generation it started with, and the old
// generation is freed when the last chunk using it is done. Readers never block on a
// reload: Reload() compiles outside any lock the hot path takes.
//
// Thread safety: Current() from any thread, lock-free for readers. Reload() from any
// thread; concurrent reloads are serialized (the second waits and compiles again, so
// it sees files changed after the first started). Never call Reload() on an io_context
// thread: it takes as long as a rule compilation (~1 s for the default pack).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "decorum/status.h"
#include "pipeline/generation_builder.h"
#include "plugin_host/plugin_spec.h"
#include "serve/metrics.h"

namespace decorum::serve {

class GenerationHolder {
 public:
  GenerationHolder(GenerationRequest request, std::vector<PluginSpec> plugins, Metrics* metrics);

  // Builds and publishes the first generation. Logs every rule error. Fails when the
  // rules do not load (the daemon must not start).
  Status LoadInitial();

  // Builds from the same rules directory and, on success, publishes it. On failure the
  // current generation keeps serving; the failure is logged and counted in Metrics.
  // Returns the new generation's id, or the error.
  Result<std::string> Reload();

  // REQUIRES: LoadInitial() succeeded. Never null.
  std::shared_ptr<const LiveGeneration> Current() const { return current_.load(std::memory_order_acquire); }

 private:
  Result<std::shared_ptr<const LiveGeneration>> Build(const char* what);

  const GenerationRequest request_;
  const std::vector<PluginSpec> plugins_;
  Metrics* metrics_;
  std::mutex reload_mu_;  // serializes reloads; never taken by readers
  uint64_t next_number_ = 1;
  std::atomic<std::shared_ptr<const LiveGeneration>> current_;
};

}  // namespace decorum::serve
