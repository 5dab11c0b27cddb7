#include "serve/io_context_pool.h"

#include <boost/asio/post.hpp>
#include <thread>

namespace decorum::serve {

IoContextPool::IoContextPool(unsigned threads) {
  for (unsigned i = 0; i < threads; ++i) {
    // Concurrency hint 1: exactly one thread runs each context (Asio then keeps the work a
    // thread posts to itself off the shared queue); posting from other threads stays safe.
    contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
    work_.push_back(boost::asio::make_work_guard(*contexts_.back()));
  }
}

boost::asio::io_context& IoContextPool::Next() {
  return *contexts_[next_.fetch_add(1, std::memory_order_relaxed) % contexts_.size()];
}

void IoContextPool::PostToEach(const std::function<void()>& f) {
  for (auto& c : contexts_) boost::asio::post(*c, f);
}

void IoContextPool::Run() {
  std::vector<std::thread> threads;
  for (size_t i = 1; i < contexts_.size(); ++i) threads.emplace_back([c = contexts_[i].get()] { c->run(); });
  contexts_[0]->run();
  for (auto& t : threads) t.join();
}

void IoContextPool::Stop() {
  for (auto& w : work_) w.reset();
  for (auto& c : contexts_) c->stop();
}

}  // namespace decorum::serve
