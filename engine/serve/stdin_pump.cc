#include "serve/stdin_pump.h"

#include <fcntl.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace decorum::serve {

StdinPump::StdinPump(const SessionContext* ctx, int in_fd, int out_fd, std::function<void(bool failed)> on_stop)
    : ctx_(ctx),
      in_fd_(in_fd),
      out_fd_(out_fd),
      wake_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)),
      on_stop_(std::move(on_stop)),
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
  if (wake_fd_ >= 0) Wake();
}

void StdinPump::Abandon() {
  abandoned_.store(true);
  if (wake_fd_ >= 0) Wake();
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
  if (wake_fd_ >= 0) Wake();
}

void StdinPump::Join() {
  if (thread_.joinable()) thread_.join();
}

bool StdinPump::WriteAll(const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = out_is_socket_
                          ? ::send(out_fd_, data.data() + done, data.size() - done, MSG_DONTWAIT | MSG_NOSIGNAL)
                          : ::write(write_fd_, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {  // a non-blocking pipe or socket that is full
        if (!AwaitWritable()) return false;
        continue;
      }
      spdlog::error("stdin mode: cannot write to standard output: {}", std::strerror(errno));
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

bool StdinPump::AwaitWritable() {
  while (!abandoned_.load()) {
    pollfd fds[2] = {{write_fd_, POLLOUT, 0}, {wake_fd_, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      spdlog::error("stdin mode: poll failed: {}", std::strerror(errno));
      return false;
    }
    if (fds[1].revents & POLLIN) {
      uint64_t wakes;
      (void)!::read(wake_fd_, &wakes, sizeof(wakes));
      woken_ = true;  // a flush, refresh or drain for Run()'s loop to see
    }
    if (fds[0].revents) return true;  // writable, or an error the next write reports
  }
  spdlog::error("stdin mode: abandoned at shutdown while standard output took no more answers "
                "(is it being read?)");
  return false;
}

void StdinPump::OpenOutput() {
  write_fd_ = out_fd_;
  struct stat st;
  if (::fstat(out_fd_, &st) != 0) return;
  if (S_ISSOCK(st.st_mode)) {
    out_is_socket_ = true;  // send(MSG_DONTWAIT): non-blocking per call
  } else if (S_ISFIFO(st.st_mode)) {
    // A description of our own: O_NONBLOCK on the inherited one would also change it for
    // whoever shares it (stderr after 2>&1, the parent shell) — and stay so after a
    // SIGKILL. Without /proc the writes block, as they did before.
    const std::string self = "/proc/self/fd/" + std::to_string(out_fd_);
    const int fd = ::open(self.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd >= 0) write_fd_ = own_write_fd_ = fd;
  }
}

void StdinPump::Wake() {
  const uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof(one));
}

void StdinPump::Await(std::string records, std::shared_ptr<PluginChain> plugins) {
  awaiting_bytes_ += records.size();
  awaiting_.push_back(std::move(records));
  ctx_->durability->Request(std::move(plugins), [self = shared_from_this()](const Status& flushed) {
    {
      std::lock_guard<std::mutex> lock(self->flushed_mu_);
      self->flushed_.push_back(flushed);
    }
    self->Wake();
  });
}

bool StdinPump::WriteFlushed() {
  std::deque<Status> flushed;
  {
    std::lock_guard<std::mutex> lock(flushed_mu_);
    flushed.swap(flushed_);
  }
  // Completions come in the order the chunks were queued, which is awaiting_'s order.
  for (const Status& f : flushed) {
    std::string records = std::move(awaiting_.front());
    awaiting_.pop_front();
    awaiting_bytes_ -= records.size();
    if (!f.ok()) {
      // This chunk's records are withheld (stream_moderator.h): stop answering here, so
      // the last record on standard output marks where the producer must resend from.
      ctx_->metrics->CountError(ErrorKind::kNotDurable);
      spdlog::error("stdin mode: a plugin could not make its decisions durable ({}); stopping", f.message());
      (void)WriteAll(NotStoredRecord(f));  // the reader learns why the answers end
      return false;
    }
    if (!WriteAll(records)) return false;
  }
  return true;
}

void StdinPump::Run() {
  std::unique_ptr<char[]> buf(new char[64 * 1024]);
  std::string out;
  // eof: the input ended; input_failed: reading it failed, and the chunks already read
  // are still answered; failed: nothing more can be answered.
  bool eof = false, input_failed = false, failed = false;
  if (wake_fd_ < 0) {
    spdlog::error("stdin mode: cannot create an eventfd: {}", std::strerror(errno));
    failed = true;
  }
  OpenOutput();
  // Reads until the input ends or a drain begins, then waits for the chunks still
  // awaiting their flush and writes them: every line read is answered.
  while (!failed) {
    if (abandoned_.load()) {
      // What has been flushed goes out if standard output takes it without waiting; what
      // still waits for its flush is dropped.
      if (!WriteFlushed()) {
        failed = true;
      } else if (!awaiting_.empty()) {
        spdlog::error("stdin mode: abandoned at shutdown with {} bytes of answers still waiting for "
                      "the plugins' flush", awaiting_bytes_);
        failed = true;
      }
      break;
    }
    const bool reading =
        !eof && !input_failed && !draining_.load() && awaiting_bytes_ < ctx_->max_pending_output_bytes;
    if (!reading && awaiting_.empty()) break;
    pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {reading ? in_fd_ : -1, POLLIN, 0}};
    const int r = ::poll(fds, 2, woken_ ? 0 : -1);
    if (r < 0) {
      if (errno == EINTR) continue;
      spdlog::error("stdin mode: poll failed: {}", std::strerror(errno));
      failed = true;
      break;
    }
    if ((fds[0].revents & POLLIN) || woken_) {
      woken_ = false;
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
      if (!WriteFlushed()) {
        failed = true;
        break;
      }
    }
    if (draining_.load() || !(fds[1].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    const ssize_t n = ::read(in_fd_, buf.get(), 64 * 1024);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      spdlog::error("stdin mode: cannot read standard input: {}", std::strerror(errno));
      input_failed = true;  // the chunks awaiting their flush are still answered
      continue;
    }
    out.clear();
    std::shared_ptr<PluginChain> plugins;
    if (n == 0) {
      eof = true;
      plugins = moderator_.Finish(&out);
    } else {
      plugins = moderator_.Consume(std::string_view(buf.get(), static_cast<size_t>(n)), &out);
    }
    if (out.empty()) continue;
    // With acting plugins the records wait for the flusher (durability_queue.h) while
    // this thread reads and moderates on; without, they go out at once unless earlier
    // chunks still wait, in which case they queue behind them.
    if (plugins || !awaiting_.empty()) {
      Await(std::move(out), std::move(plugins));
      out = std::string();
    } else if (!WriteAll(out)) {
      failed = true;
    }
  }
  if (own_write_fd_ >= 0) ::close(own_write_fd_);
  // Refreshes asked for from now on are answered at once; those still pending are let go
  // (this thread's Moderator goes with the thread).
  std::vector<std::function<void()>> pending;
  {
    std::lock_guard<std::mutex> lock(refresh_mu_);
    stopped_ = true;
    pending.swap(refresh_done_);
  }
  for (auto& f : pending) f();
  failed = failed || input_failed;
  if (failed) {
    spdlog::error("stdin: stopped after {} comments read; the answers end before the failure above",
                  moderator_.lines());
  } else {
    spdlog::info("stdin: {} comments answered{}", moderator_.lines(), eof ? ", end of input" : "");
  }
  failed_.store(failed);
  ctx_->registry->Remove(this);
  if ((eof || failed) && on_stop_) on_stop_(failed);
}

}  // namespace decorum::serve
