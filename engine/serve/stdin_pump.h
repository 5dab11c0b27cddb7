// StdinPump: `decorum serve --stdin` — NDJSON comments on standard input, records on
// standard output, in order.
//
// Runs on a thread of its own rather than on the io_context: standard input may be a
// regular file, which epoll cannot watch. poll() on standard input and an eventfd lets
// Drain(), Abandon() and Refresh() interrupt a read that would otherwise wait forever. A
// slow reader of our output stops us reading input: the pump writes before it reads on.
//
// With acting plugins a chunk's records wait for the DurabilityQueue (ctx->durability,
// required) to flush them, while this thread goes on reading and moderating; the flusher
// signals the eventfd and this thread writes the flushed chunks, in order. At most
// limits.max_pending_output_bytes of records wait before reading pauses. A drain stops
// reading and ends once every chunk read has been written; a failed flush ends it before
// that chunk's records.
//
// Abandon() (the shutdown deadline, a second SIGTERM) ends it without writing the rest, so
// a reader of standard output that stopped reading cannot keep the daemon from exiting.
// For that, a write to a pipe or a socket never blocks: a pipe is written through a
// non-blocking description of our own (reopened from /proc/self/fd; the inherited one,
// which others may share, is left as it is), a socket with send(MSG_DONTWAIT), and a full
// one waits in poll() beside the eventfd. A write to a terminal or a file blocks as
// before: neither waits on a reader.
//
// Thread safety: Start() once; Drain(), Abandon() and Refresh() from any thread; Join()
// from the owner.
#pragma once

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <string>
#include <vector>

#include "decorum/status.h"
#include "plugin_host/plugin_chain.h"
#include "serve/connection_registry.h"
#include "serve/session_context.h"
#include "serve/stream_moderator.h"

namespace decorum::serve {

class StdinPump : public Drainable, public std::enable_shared_from_this<StdinPump> {
 public:
  // `on_stop` runs (on the pump thread) when standard input ends (false) or the pump stops
  // on a failure, including Abandon() (true).
  StdinPump(const SessionContext* ctx, int in_fd, int out_fd, std::function<void(bool failed)> on_stop);
  ~StdinPump() override;

  // Registers with the registry (it does not count towards max_connections) and starts.
  void Start();
  void Drain() override;
  // Stops without waiting any more for standard output (but a write to a terminal or a
  // file) or for a flush: records not yet written are dropped — the output may end inside
  // a record — and, if there were any, the pump counts as failed.
  void Abandon();
  void Join();
  // After Join(): the pump stopped on a failure (a flush, a read of standard input or a
  // write of standard output) or was abandoned, so some comments read got no answer.
  bool failed() const { return failed_.load(); }
  // Makes the pump thread rebuild its Moderator for the current generation now (after a
  // reload), letting go of the old one, rather than at its next chunk of input; then it
  // calls `done` on that thread. Once the pump has stopped (end of input), `done` is
  // called at once, on the caller's thread: the pump holds no Moderator any more.
  void Refresh(std::function<void()> done);

 private:
  void Run();
  void Wake();
  // Queues a chunk's records behind the flush of `plugins` (null: nothing to flush, but
  // not ahead of the chunks before it).
  void Await(std::string records, std::shared_ptr<PluginChain> plugins);
  // Writes the chunks whose flush has completed, in order. False when a flush failed or
  // the write did: the pump stops.
  bool WriteFlushed();
  bool WriteAll(const std::string& data);
  // Waits until standard output can take more (non-blocking mode only). False when the
  // pump is abandoned meanwhile.
  bool AwaitWritable();
  // Chooses how standard output is written (see the top of this file).
  void OpenOutput();

  const SessionContext* ctx_;
  const int in_fd_, out_fd_;
  int wake_fd_ = -1;
  std::function<void(bool failed)> on_stop_;
  StreamModerator moderator_;
  std::atomic<bool> draining_{false};
  std::atomic<bool> abandoned_{false};
  // Where writes go: out_fd_, or a non-blocking description of the same pipe (own_write_fd_,
  // closed when the pump stops). A socket is written with send(MSG_DONTWAIT) instead.
  int write_fd_ = -1;
  int own_write_fd_ = -1;
  bool out_is_socket_ = false;
  // AwaitWritable() consumed a wake-up meant for Run()'s loop (pump thread only).
  bool woken_ = false;
  // Records of chunks waiting for their flush, oldest first (pump thread only).
  std::deque<std::string> awaiting_;
  size_t awaiting_bytes_ = 0;
  // The outcomes of those flushes, in the same order, as the flusher delivers them.
  std::mutex flushed_mu_;
  std::deque<Status> flushed_;
  std::mutex refresh_mu_;
  std::vector<std::function<void()>> refresh_done_;  // non-empty: a Refresh() is pending
  bool stopped_ = false;  // Run() has returned (under refresh_mu_)
  std::atomic<bool> failed_{false};
  std::thread thread_;
};

}  // namespace decorum::serve
