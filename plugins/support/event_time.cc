#include "support/event_time.h"

#include <chrono>

namespace decorum::plugins {

int64_t EventTimeMs(const decorum_comment& c) {
  if (c.has_ts) return c.ts_ms;
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace decorum::plugins
