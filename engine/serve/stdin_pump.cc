#include "serve/stdin_pump.h"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace decorum::serve {

StdinPump::StdinPump(const SessionContext* ctx, int in_fd, int out_fd, std::function<void()> on_eof)
    : ctx_(ctx),
      in_fd_(in_fd),
      out_fd_(out_fd),
      wake_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)),
      on_eof_(std::move(on_eof)),
      moderator_(&ctx->moderation, ctx->holder, ctx->metrics) {}

StdinPump::~StdinPump() {
  Join();
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void StdinPump::Start() {
  ctx_->registry->TryAdd(shared_from_this(), /*counted=*/false);
  thread_ = std::thread([this] { Run(); });
}

void StdinPump::Drain() {
  draining_.store(true);
  const uint64_t one = 1;
  if (wake_fd_ >= 0) (void)!::write(wake_fd_, &one, sizeof(one));
}

void StdinPump::Refresh(std::function<void()> done) {
  {
    std::lock_guard<std::mutex> lock(refresh_mu_);
    if (!stopped_) {
      refresh_done_.push_back(std::move(done));
      done = nullptr;
    }
  }
  if (done) {
    done();
    return;
  }
  const uint64_t one = 1;
  if (wake_fd_ >= 0) (void)!::write(wake_fd_, &one, sizeof(one));
}

void StdinPump::Join() {
  if (thread_.joinable()) thread_.join();
}

bool StdinPump::WriteAll(const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(out_fd_, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      spdlog::error("stdin mode: cannot write to standard output: {}", std::strerror(errno));
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

void StdinPump::Run() {
  std::unique_ptr<char[]> buf(new char[64 * 1024]);
  std::string out;
  bool eof = false, failed = false;
  while (!draining_.load() && !failed) {
    pollfd fds[2] = {{in_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    const int r = ::poll(fds, wake_fd_ >= 0 ? 2 : 1, -1);
    if (r < 0) {
      if (errno == EINTR) continue;
      failed = true;
      break;
    }
    if (draining_.load()) break;  // lines already read were answered; stop here
    if (fds[1].revents & POLLIN) {
      uint64_t wakes;
      // Clears it; a Drain() whose wake-up this read consumed is seen by the loop's test.
      (void)!::read(wake_fd_, &wakes, sizeof(wakes));
      std::vector<std::function<void()>> done;
      {
        std::lock_guard<std::mutex> lock(refresh_mu_);
        done.swap(refresh_done_);
      }
      if (!done.empty()) {
        ThreadModerator(*ctx_->holder->Current(), ctx_->moderation);
        for (auto& f : done) f();
      }
    }
    if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    const ssize_t n = ::read(in_fd_, buf.get(), 64 * 1024);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      spdlog::error("stdin mode: cannot read standard input: {}", std::strerror(errno));
      failed = true;
      break;
    }
    out.clear();
    std::shared_ptr<PluginChain> plugins;
    if (n == 0) {
      eof = true;
      plugins = moderator_.Finish(&out);
    } else {
      plugins = moderator_.Consume(std::string_view(buf.get(), static_cast<size_t>(n)), &out);
    }
    // One reader, one chunk at a time: the flush runs here (the daemon's streams queue
    // theirs on a DurabilityQueue instead).
    if (plugins && !moderator_.MakeDurable(*plugins)) {
      // This chunk's records were withheld (stream_moderator.h): stop answering here, so
      // the last record on standard output marks where the producer must resend from.
      spdlog::error("stdin mode: a plugin could not make its decisions durable; stopping");
      failed = true;
      break;
    }
    if (!out.empty() && !WriteAll(out)) failed = true;
    if (eof) break;
  }
  // Refreshes asked for from now on are answered at once; those still pending are let go
  // (this thread's Moderator goes with the thread).
  std::vector<std::function<void()>> pending;
  {
    std::lock_guard<std::mutex> lock(refresh_mu_);
    stopped_ = true;
    pending.swap(refresh_done_);
  }
  for (auto& f : pending) f();
  spdlog::info("stdin: {} comments answered{}", moderator_.lines(), eof ? ", end of input" : "");
  ctx_->registry->Remove(this);
  if ((eof || failed) && on_eof_) on_eof_();
}

}  // namespace decorum::serve
