#include "serve/connection_registry.h"

#include <utility>
#include <vector>

namespace decorum::serve {

bool ConnectionRegistry::TryAdd(const std::shared_ptr<Drainable>& c, bool counted) {
  std::lock_guard<std::mutex> lock(mu_);
  if (draining_ || (counted && counted_ >= max_)) return false;
  open_[c.get()] = {c, counted};
  counted_ += counted;
  return true;
}

void ConnectionRegistry::Remove(const Drainable* c) {
  std::function<void()> done;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = open_.find(c);
    if (it == open_.end()) return;
    counted_ -= it->second.second;
    open_.erase(it);
    if (draining_ && open_.empty() && on_empty_) done = std::exchange(on_empty_, nullptr);
  }
  if (done) done();
}

void ConnectionRegistry::DrainAll(std::function<void()> on_empty) {
  std::vector<std::shared_ptr<Drainable>> open;
  {
    std::lock_guard<std::mutex> lock(mu_);
    draining_ = true;
    if (open_.empty()) {
      on_empty_ = nullptr;
    } else {
      on_empty_ = std::move(on_empty);
      for (auto& [p, w] : open_) {
        if (auto s = w.first.lock()) open.push_back(std::move(s));
      }
    }
  }
  if (open.empty() && on_empty) {
    on_empty();
    return;
  }
  for (auto& s : open) s->Drain();
}

size_t ConnectionRegistry::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return open_.size();
}

}  // namespace decorum::serve
