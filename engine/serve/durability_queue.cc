#include "serve/durability_queue.h"

#include <algorithm>
#include <utility>

namespace decorum::serve {

DurabilityQueue::DurabilityQueue() : thread_([this] { Loop(); }) {}

DurabilityQueue::~DurabilityQueue() { Stop(); }

void DurabilityQueue::Request(std::shared_ptr<PluginChain> plugins, Done done) {
  {
    std::lock_guard lock(mu_);
    // While the thread runs (stopping or not) it takes the request, so that requests
    // complete in order; only once it has exited is the caller's thread the one left.
    if (!exited_) {
      queue_.push_back({std::move(plugins), std::move(done)});
      cv_.notify_one();
      return;
    }
  }
  std::vector<Entry> alone;
  alone.push_back({std::move(plugins), std::move(done)});
  Complete(&alone);
}

void DurabilityQueue::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    cv_.notify_one();
  }
  std::call_once(joined_, [this] { thread_.join(); });
}

void DurabilityQueue::Loop() {
  std::vector<Entry> batch;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) {  // stopping, and every request completed
        exited_ = true;
        return;
      }
      batch.swap(queue_);
    }
    Complete(&batch);
  }
}

void DurabilityQueue::Complete(std::vector<Entry>* batch) {
  // Each chain is flushed once for the whole batch, when its first request comes up; the
  // requests complete in order, each with its own chain's outcome.
  std::vector<std::pair<PluginChain*, Status>> flushed;
  for (Entry& e : *batch) {
    if (!e.plugins) {
      e.done(Status::Ok());
      continue;
    }
    auto it = std::find_if(flushed.begin(), flushed.end(), [&](const auto& f) { return f.first == e.plugins.get(); });
    if (it == flushed.end()) {
      flushed.emplace_back(e.plugins.get(), e.plugins->Flush());
      it = flushed.end() - 1;
    }
    e.done(it->second);
  }
  // Releases the chains: the last reference to one a reload retired may be here, and its
  // final flush and destroy() then run on this thread, not on an io thread.
  batch->clear();
}

}  // namespace decorum::serve
