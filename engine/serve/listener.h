// Listener: accepts connections on one TCP or Unix address and hands each socket, bound
// to a strand of its own on one of the pool's io_contexts, to a session factory. It does
// nothing else (Beast model). The acceptor itself lives on the pool's main context.
//
// Placement: each listener takes the pool's contexts in turn, for its own connections
// only — so the HTTP listener's short-lived health checks and scrapes do not decide which
// thread the next long-lived stream lands on — starting where the pool says
// (IoContextPool::TakeListenerStart), so listeners do not all begin on context 0.
//
// A Unix socket is created with the configured mode (0600 by default: only the daemon's
// user may connect) — set via umask around bind(), so it is never briefly wider — and
// unlinked on Stop() — only while the file there is still the one it bound, and before
// the acceptor closes, so a daemon starting as this one stops never loses its new socket.
// A stale socket file left by a crash is replaced; a live one (another process listening)
// or any other file at that path is an error.
//
// Thread safety: Open() before the pool runs; Start() and Stop() from any thread.
#pragma once

#include <sys/types.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <functional>
#include <memory>
#include <string>

#include "decorum/status.h"
#include "serve/io_context_pool.h"
#include "serve/serve_config.h"

namespace decorum::serve {

template <typename Protocol>
class Listener : public std::enable_shared_from_this<Listener<Protocol>> {
 public:
  using Socket = typename Protocol::socket;
  using OnAccept = std::function<void(Socket)>;

  Listener(IoContextPool& pool, OnAccept on_accept);

  // Binds and listens on `address` (its kind must match Protocol). `unix_mode` applies to
  // Unix sockets only.
  Status Open(const ListenAddress& address, unsigned unix_mode);
  // The bound address, with the real port when 0 was asked for.
  ListenAddress bound() const { return bound_; }

  void Start();
  // Stops accepting (removing a Unix socket's file first); connections already accepted
  // are not affected.
  void Stop();
  // Removes a Unix listener's socket file if the path still names the file Open()
  // created — not one an operator or another daemon has put there since — and only once:
  // after the removal and the acceptor's close its inode number is free, and a new
  // daemon's socket may get it. Nothing for TCP. For Stop(), and for an exit that did not
  // get to it. Not concurrent with itself (Stop's strand, or after the io threads ended).
  void RemoveSocketFile();

 private:
  void DoAccept();

  IoContextPool& pool_;
  unsigned next_context_;  // the context for the next connection (on strand_)
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  typename Protocol::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  OnAccept on_accept_;
  ListenAddress bound_;
  // The socket file Open() created (a Unix listener): Stop() removes the path only while
  // it still names this file.
  dev_t unix_dev_ = 0;
  ino_t unix_ino_ = 0;
  bool socket_file_removed_ = false;
  bool stopped_ = false;
};

using TcpListener = Listener<boost::asio::ip::tcp>;
using UnixListener = Listener<boost::asio::local::stream_protocol>;

}  // namespace decorum::serve
