// SessionContext: what every connection needs from the server, in one place so sessions
// take one pointer instead of seven. Owned by the Server, outlives every session.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

#include "decorum/status.h"
#include "serve/connection_registry.h"
#include "serve/durability_queue.h"
#include "serve/generation_holder.h"
#include "serve/metrics.h"
#include "serve/thread_moderator.h"

namespace decorum::serve {

struct SessionContext {
  const GenerationHolder* holder = nullptr;
  Metrics* metrics = nullptr;
  ConnectionRegistry* registry = nullptr;
  // Where streams, HTTP requests and standard input queue their flushes for acting
  // plugins (durability_queue.h). Required by every session and the stdin pump.
  DurabilityQueue* durability = nullptr;
  ModerationSettings moderation;
  std::chrono::seconds idle_timeout{300};
  size_t max_pending_output_bytes = 1u << 20;  // a stream stops reading above this
  size_t max_body_bytes = 4u << 20;
  // POST /v1/reload: empty means no token configured.
  std::string admin_token;
  bool reload_requires_token = false;  // some listener is not loopback
  // Runs a reload off the io threads and calls `done` (on an unspecified thread) with the
  // new ruleset id or the error.
  std::function<void(std::function<void(Result<std::string>)> done)> reload;
  // False once shutdown has begun (GET /readyz).
  std::function<bool()> ready;
};

}  // namespace decorum::serve
