// Server: `decorum serve` — wires the rules, the listeners, the sessions, the signals and
// the reload thread together, runs them, and shuts them down.
//
// Design: `threads` io threads (one per core by default), each running an io_context of
// its own; a new connection goes to the next one in turn and stays there
// (io_context_pool.h). Every connection has its own strand; comments are moderated right
// on the io thread that read them, with that thread's Moderator (see thread_moderator.h
// for why that beats a separate worker pool here). Rule compilation — at reload — never
// runs on an io thread: it runs on a single reload thread and the result is published
// atomically (generation_holder.h). Standard input, when served, has a thread of its own
// (stdin_pump.h).
//
// Signals: SIGHUP reloads. SIGTERM/SIGINT shut down: stop accepting, drain every
// connection (answer and flush every comment already read), then exit 0 (1 when standard
// input stopped on a failure) — or, after limits.shutdown_timeout_seconds, close what is
// left and exit 0 anyway (a client that does not read its answers cannot hold the daemon
// hostage); standard input's answers dropped then make it 1 (StdinPump::Abandon). A
// second SIGTERM forces that at once.
//
// Thread safety: construct, Run() once, from the main thread.
#pragma once

#include <memory>

#include "serve/serve_config.h"

namespace decorum::serve {

class Server {
 public:
  explicit Server(ServeConfig config);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Loads the rules, binds every listener, serves until shutdown. Returns the process
  // exit code: 0 after a clean shutdown, 1 when the rules do not load, a listener cannot
  // be bound, or standard input stopped on a failure or with answers unwritten at the
  // shutdown deadline (stdin_pump.h).
  int Run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace decorum::serve
