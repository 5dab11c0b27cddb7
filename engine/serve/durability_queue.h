// DurabilityQueue: makes acting plugins' effects durable off the io threads, one flush for
// every chunk that asked while the previous flush ran (group commit).
//
// A stream's records may not be sent before the acting plugins (a quarantine store, an
// escalation spool) have made that chunk's decisions durable. Flushing on the io thread
// that moderated the chunk made every chunk pay a flush of its own — with quarantine_sqlite
// a commit and an fsync for a dozen rows — and left the thread's other connections waiting
// meanwhile: 8 connections at peak fell from ~550k to ~190k comments/s when the store was
// added. Here the io thread queues the chunk and goes on; this queue's thread takes every
// request queued so far, flushes each chain they name once, and completes them in order.
//
// Correctness: a request is made after the chunk's plugin calls returned, and the flush
// that completes it begins after the request was queued, so it covers them
// (PluginChain::Flush's contract).
//
// Shared fate: one thread flushes for every stream, so a flush() that stalls (a plugin
// without call_timeout_ms on a hung disk) holds every stream's answers, and a failed
// flush fails every stream with a chunk in that round — each then ends after the answers
// before it, as a failed flush always made it.
//
// Thread safety: Request() from any thread. Completions run on the queue's thread, in the
// order the requests were made; they must be quick (post to the caller's strand).
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "decorum/status.h"
#include "plugin_host/plugin_chain.h"

namespace decorum::serve {

class DurabilityQueue {
 public:
  // flushed: the flush's outcome, ok when it succeeded (always ok for a request without
  // plugins); its message names the plugin that failed and why.
  using Done = std::function<void(const Status& flushed)>;

  DurabilityQueue();
  ~DurabilityQueue();  // Stop()
  DurabilityQueue(const DurabilityQueue&) = delete;
  DurabilityQueue& operator=(const DurabilityQueue&) = delete;

  // Calls done(flushed) once `plugins` has flushed everything it was handed before this
  // call. A null `plugins` needs no flush: it completes in its turn, which keeps a stream's
  // later chunks behind its earlier ones.
  void Request(std::shared_ptr<PluginChain> plugins, Done done);

  // Completes every request made so far (flushing for them), then stops the thread.
  // Requests made after the thread has stopped complete at once, on the caller's thread,
  // with a flush there. Safe to call more than once, from any thread.
  void Stop();

 private:
  struct Entry {
    std::shared_ptr<PluginChain> plugins;
    Done done;
  };
  void Loop();
  static void Complete(std::vector<Entry>* batch);

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Entry> queue_;
  bool stopping_ = false;
  bool exited_ = false;  // the thread has completed its last request
  std::once_flag joined_;
  std::thread thread_;
};

}  // namespace decorum::serve
