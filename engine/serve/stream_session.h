// StreamSession: one NDJSON connection (TCP or Unix socket). Reads comments, writes one
// record per comment, in order, on the same connection.
//
// Model (Boost.Beast's advanced server): the session owns its socket, keeps itself alive
// with shared_from_this through its pending operations, and runs every handler on the
// connection's strand (the socket's executor), so its state needs no lock.
//
// Limits, each a clear outcome for the client and never unbounded memory:
//  - backpressure: when the records not yet written (or waiting for acting plugins'
//    flush) exceed max_pending_output_bytes, the session stops reading until the client
//    has read enough; the kernel's buffers then push back on the client. Memory per
//    connection is bounded by that limit plus the records of one 64 KiB read.
//  - durability: with acting plugins, a chunk's records wait for the flush that makes its
//    decisions durable (queued on ctx->durability, completed on this strand in order);
//    the session keeps reading meanwhile. If a flush fails, that chunk's records and
//    every later one are withheld and the stream ends after the records before them.
//  - max_line_bytes: a longer line gets an error record and the stream goes on.
//  - idle timeout: no byte read and none written for idle_timeout closes the connection.
//  - Drain() (shutdown): stop reading; every line already read is answered and flushed,
//    then the write side is shut down and, after the client closes (or 2 s), the
//    connection is closed. A partial line is not a comment and is dropped.
//
// Thread safety: Start() once, right after construction; Drain() from any thread.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <string>

#include "serve/connection_registry.h"
#include "serve/session_context.h"
#include "serve/stream_moderator.h"

namespace decorum::serve {

template <typename Socket>
class StreamSession : public Drainable, public std::enable_shared_from_this<StreamSession<Socket>> {
 public:
  // REQUIRES: `socket`'s executor is a strand of its own (accept with make_strand);
  // ctx->durability is set.
  StreamSession(Socket socket, const SessionContext* ctx);
  ~StreamSession() override;

  // Registers with the registry — or, over limits.max_connections, sends one error
  // record and closes — and starts reading.
  void Start();
  void Drain() override;

 private:
  void StopReading();
  void Discard();
  void DoRead();
  void OnRead(const boost::system::error_code& ec, size_t n);
  // The records a chunk appended to pending_ from `from` on: sent as they are, or held
  // until `plugins` (when not null) has flushed.
  void Answer(size_t from, std::shared_ptr<PluginChain> plugins);
  void OnDurable(const Status& flushed);
  void FailDurability(const Status& flushed);
  void DoWrite();
  void OnWrite(const boost::system::error_code& ec);
  void ArmIdleTimer();
  void MaybeFinish();
  void Close();

  Socket socket_;
  const SessionContext* ctx_;
  boost::asio::steady_timer idle_timer_;
  StreamModerator moderator_;
  std::unique_ptr<char[]> read_buf_;
  std::string pending_;  // records not yet handed to the socket
  std::string writing_;  // records the current async_write is sending
  // Chunks' records waiting for their flush, oldest first (each completion takes the
  // front one), and their total size.
  std::deque<std::string> awaiting_;
  size_t awaiting_bytes_ = 0;
  std::chrono::steady_clock::time_point last_progress_;
  bool registered_ = false;
  bool reading_ = false;
  bool writing_active_ = false;
  bool paused_ = false;
  bool eof_ = false;
  bool draining_ = false;
  bool lingering_ = false;
  bool closed_ = false;
  bool not_durable_ = false;  // a flush failed: nothing more is answered
};

using TcpStreamSession = StreamSession<boost::asio::ip::tcp::socket>;
using UnixStreamSession = StreamSession<boost::asio::local::stream_protocol::socket>;

}  // namespace decorum::serve
