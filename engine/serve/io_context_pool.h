// IoContextPool: the daemon's io threads, one io_context each. A connection is placed on
// one context (Listener: in turn, per listener) and stays on that thread for its life.
//
// Why not one io_context run by every thread (Asio's other model): then a connection's
// handlers run on whichever thread is free, the reactor is handed from thread to thread,
// and every handler that makes more work wakes another thread — each a futex and, on a
// VM, an inter-processor interrupt — so one busy connection keeps two cores' threads
// switching, and a client on the same machine waits for a core. Measured on the 2-core
// bench machine, one connection paced at half its peak (bench/daemon): p99 2.0-3.5 ms
// shared, 1.0-1.5 ms with one context per thread (eight paced connections: no consistent
// difference). The price: connections do not move between threads, so a thread whose
// connections are all busy cannot borrow an idle one's core; with round-robin placement
// that needs an unlucky mix of heavy and idle connections.
//
// Context 0 also runs the server's own work (signals, timers, listeners).
//
// Thread safety: context(), TakeListenerStart(), PostToEach() and Stop() from any thread;
// Run() once, from the thread that owns the pool.
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <vector>

namespace decorum::serve {

class IoContextPool {
 public:
  // REQUIRES: threads >= 1.
  explicit IoContextPool(unsigned threads);
  // Destroys main() first: its pending accepts hold strands on the other contexts (a
  // strand must go before its context), while the other contexts' handlers hold only
  // their own context's sockets, strands and timers.
  ~IoContextPool();
  IoContextPool(const IoContextPool&) = delete;
  IoContextPool& operator=(const IoContextPool&) = delete;

  unsigned size() const { return static_cast<unsigned>(contexts_.size()); }
  // REQUIRES: i < size().
  boost::asio::io_context& context(unsigned i) { return *contexts_[i]; }
  // The context the server's own objects live on; Run() runs it on the calling thread.
  boost::asio::io_context& main() { return *contexts_[0]; }
  // Where a new listener starts its round of contexts: 0, 1, 2, ... in turn, so two
  // listeners with one long-lived client each do not both put it on context 0.
  unsigned TakeListenerStart() { return next_listener_start_.fetch_add(1) % size(); }

  // Queues `f` to run once on every io thread (on each context, after what is queued there).
  void PostToEach(const std::function<void()>& f);

  // Runs every context, each on its own thread (context 0 on the caller's), until Stop().
  // A handler that throws stops the whole pool, and the exception leaves Run() once every
  // thread has returned.
  void Run();
  // Stops every context; Run() returns once each thread has left its handler.
  void Stop();

 private:
  using WorkGuard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<WorkGuard> work_;  // keeps each context running while it has no connection
  std::atomic<unsigned> next_listener_start_{0};
};

}  // namespace decorum::serve
