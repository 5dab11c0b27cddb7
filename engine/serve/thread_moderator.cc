#include "serve/thread_moderator.h"

namespace decorum::serve {

Moderator& ThreadModerator(const std::shared_ptr<const Generation>& gen,
                           const ModerationSettings& settings) {
  // The Moderator keeps `gen` alive, so the raw pointer cannot be reused while it is
  // cached here.
  thread_local const Generation* cached_gen = nullptr;
  thread_local std::unique_ptr<Moderator> moderator;
  if (cached_gen != gen.get() || !moderator) {
    moderator.reset();
    moderator = std::make_unique<Moderator>(gen, settings.field_map, settings.max_line_bytes);
    cached_gen = gen.get();
  }
  return *moderator;
}

}  // namespace decorum::serve
