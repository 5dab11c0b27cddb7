// ConnectionRegistry: every open client stream (TCP, Unix, HTTP, stdin), so the server
// can enforce limits.max_connections and drain them all on shutdown.
//
// Touched on connect, disconnect and shutdown only — never per comment.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

namespace decorum::serve {

// A connection that can be asked to finish: stop reading, answer every comment already
// read, flush, close, and then Remove() itself from the registry.
class Drainable {
 public:
  virtual ~Drainable() = default;
  // Thread-safe; may be called more than once.
  virtual void Drain() = 0;
};

class ConnectionRegistry {
 public:
  explicit ConnectionRegistry(size_t max_connections) : max_(max_connections) {}

  // Registers `c`. False when the limit is reached or the registry is draining.
  // `counted`: false for connections that do not count towards the limit (stdin).
  bool TryAdd(const std::shared_ptr<Drainable>& c, bool counted = true);
  // Unregisters `c` (a no-op when it is not registered).
  void Remove(const Drainable* c);
  // Asks every connection to drain, refuses new ones, and calls `on_empty` once, from
  // whichever thread removes the last connection (or right away when none is open).
  void DrainAll(std::function<void()> on_empty);
  size_t size() const;

 private:
  const size_t max_;
  mutable std::mutex mu_;
  std::map<const Drainable*, std::pair<std::weak_ptr<Drainable>, bool>> open_;
  size_t counted_ = 0;
  bool draining_ = false;
  std::function<void()> on_empty_;
};

}  // namespace decorum::serve
