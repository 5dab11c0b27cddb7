#include "serve/thread_moderator.h"

namespace decorum::serve {

Moderator& ThreadModerator(const LiveGeneration& live, const ModerationSettings& settings) {
  // The Moderator keeps the generation and the chain alive, so neither raw pointer can be
  // reused by a new object while it is cached here.
  thread_local const Generation* cached_gen = nullptr;
  thread_local const PluginChain* cached_plugins = nullptr;
  thread_local std::unique_ptr<Moderator> moderator;
  if (cached_gen != live.gen.get() || cached_plugins != live.plugins.get() || !moderator) {
    moderator.reset();
    moderator = std::make_unique<Moderator>(live.gen, settings.field_map, settings.max_line_bytes,
                                            live.plugins);
    cached_gen = live.gen.get();
    cached_plugins = live.plugins.get();
  }
  return *moderator;
}

}  // namespace decorum::serve
