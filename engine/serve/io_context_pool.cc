#include "serve/io_context_pool.h"

#include <boost/asio/post.hpp>
#include <exception>
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

IoContextPool::~IoContextPool() {
  work_.clear();
  contexts_[0].reset();
  contexts_.clear();
}

void IoContextPool::PostToEach(const std::function<void()>& f) {
  for (auto& c : contexts_) boost::asio::post(*c, f);
}

void IoContextPool::Run() {
  std::vector<std::thread> threads;
  std::vector<std::exception_ptr> errors(contexts_.size());
  auto run = [this, &errors](size_t i) {
    try {
      contexts_[i]->run();
    } catch (...) {
      errors[i] = std::current_exception();
      Stop();
    }
  };
  for (size_t i = 1; i < contexts_.size(); ++i) threads.emplace_back(run, i);
  run(0);
  for (auto& t : threads) t.join();
  for (auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

void IoContextPool::Stop() {
  for (auto& c : contexts_) c->stop();
}

}  // namespace decorum::serve
