#include "serve/stream_session.h"

#include <spdlog/spdlog.h>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

namespace decorum::serve {
namespace {

constexpr size_t kReadChunk = 64 * 1024;
// How long a draining connection waits for its client to close after the last answer.
constexpr std::chrono::seconds kLinger(2);
constexpr const char* kBusyRecord =
    "{\"line\":0,\"action\":\"error\",\"error\":\"too many connections; try again later\"}\n";

}  // namespace

template <typename Socket>
StreamSession<Socket>::StreamSession(Socket socket, const SessionContext* ctx)
    : socket_(std::move(socket)),
      ctx_(ctx),
      idle_timer_(socket_.get_executor()),
      moderator_(&ctx->moderation, ctx->holder, ctx->metrics),
      read_buf_(new char[kReadChunk]) {}

template <typename Socket>
StreamSession<Socket>::~StreamSession() = default;

template <typename Socket>
void StreamSession<Socket>::Start() {
  auto self = this->shared_from_this();
  boost::asio::post(socket_.get_executor(), [self] {
    if (!self->ctx_->registry->TryAdd(self)) {
      self->ctx_->metrics->CountError(ErrorKind::kConnectionRejected);
      self->closed_ = true;  // nothing of ours to unregister
      boost::asio::async_write(self->socket_, boost::asio::buffer(kBusyRecord, std::strlen(kBusyRecord)),
                               [self](const boost::system::error_code&, size_t) {
                                 boost::system::error_code ignored;
                                 self->socket_.shutdown(Socket::shutdown_both, ignored);
                                 self->socket_.close(ignored);
                               });
      return;
    }
    self->registered_ = true;
    self->ctx_->metrics->ConnectionOpened(Metrics::Conn::kStream);
    self->last_progress_ = std::chrono::steady_clock::now();
    self->ArmIdleTimer();
    self->DoRead();
  });
}

template <typename Socket>
void StreamSession<Socket>::Drain() {
  auto self = this->shared_from_this();
  boost::asio::post(socket_.get_executor(), [self] {
    if (self->closed_ || self->draining_) return;
    self->draining_ = true;
    self->StopReading();
    self->MaybeFinish();
  });
}

template <typename Socket>
void StreamSession<Socket>::StopReading() {
  // cancel() aborts every operation on the socket, so it waits until no write of
  // decisions is in flight (OnWrite calls this again). Not shutdown(receive): Linux keeps
  // queueing what the client sends after it, and closing with unread bytes resets the
  // connection, which can destroy answers the client has not read yet.
  if (reading_ && !writing_active_) {
    boost::system::error_code ignored;
    socket_.cancel(ignored);
  }
}

template <typename Socket>
void StreamSession<Socket>::DoRead() {
  if (reading_ || eof_ || draining_ || closed_) return;
  if (pending_.size() + awaiting_bytes_ >= ctx_->max_pending_output_bytes) {
    if (!paused_) ctx_->metrics->BackpressurePaused();
    paused_ = true;  // OnWrite resumes reading once the client has caught up
    return;
  }
  paused_ = false;
  reading_ = true;
  socket_.async_read_some(
      boost::asio::buffer(read_buf_.get(), kReadChunk),
      [self = this->shared_from_this()](const boost::system::error_code& ec, size_t n) { self->OnRead(ec, n); });
}

template <typename Socket>
void StreamSession<Socket>::OnRead(const boost::system::error_code& ec, size_t n) {
  reading_ = false;
  if (closed_) return;
  if (not_durable_) {  // the read FailDurability cancelled, or one that beat the cancel
    MaybeFinish();
    return;
  }
  if (n > 0) {
    last_progress_ = std::chrono::steady_clock::now();
    const size_t from = pending_.size();
    Answer(from, moderator_.Consume(std::string_view(read_buf_.get(), n), &pending_));
  }
  if (ec == boost::asio::error::eof && !draining_ && !not_durable_) {
    const size_t from = pending_.size();
    Answer(from, moderator_.Finish(&pending_));  // a last line without '\n' is still a comment
  }
  if (not_durable_) return;  // FailDurability has ended the stream
  if (ec) {
    if (ec == boost::asio::error::eof && !draining_) {
      eof_ = true;
    } else if (draining_ && (ec == boost::asio::error::operation_aborted || ec == boost::asio::error::eof)) {
      // Shutdown: an unfinished line is not a comment; drop it. (EOF too: a client that
      // half-closes while a write kept Drain from cancelling the read still gets every
      // answer.)
      eof_ = true;
    } else {
      if (moderator_.pending_bytes() > 0) ctx_->metrics->CountError(ErrorKind::kClientGone);
      spdlog::debug("stream connection closed by a read error: {}", ec.message());
      Close();
      return;
    }
  }
  DoWrite();
  DoRead();
  MaybeFinish();
}

template <typename Socket>
void StreamSession<Socket>::Answer(size_t from, std::shared_ptr<PluginChain> plugins) {
  // A chunk that completed no line has nothing to hold back (every plugin act comes from
  // a record). Without acting plugins the records stay in pending_, unless earlier chunks
  // still wait for a flush: then they wait behind them, in order.
  if (pending_.size() == from || (!plugins && awaiting_.empty())) return;
  awaiting_.emplace_back(pending_, from);
  awaiting_bytes_ += awaiting_.back().size();
  pending_.resize(from);
  // The reference moves into the posted handler, so the session never dies on the
  // flusher's thread.
  ctx_->durability->Request(std::move(plugins), [self = this->shared_from_this()](const Status& flushed) mutable {
    auto executor = self->socket_.get_executor();
    boost::asio::post(executor, [self = std::move(self), flushed] { self->OnDurable(flushed); });
  });
}

template <typename Socket>
void StreamSession<Socket>::OnDurable(const Status& flushed) {
  std::string records = std::move(awaiting_.front());
  awaiting_.pop_front();
  awaiting_bytes_ -= records.size();
  if (closed_ || not_durable_) {
    MaybeFinish();
    return;
  }
  if (!flushed.ok()) {
    ctx_->metrics->CountError(ErrorKind::kNotDurable);
    FailDurability(flushed);
    return;
  }
  pending_ += records;
  DoWrite();
  DoRead();  // resumes a read paused by backpressure
  MaybeFinish();
}

template <typename Socket>
void StreamSession<Socket>::FailDurability(const Status& flushed) {
  // An acting plugin could not store a chunk's decisions: send what was answered before
  // it, withhold the rest (later chunks' records too, as their flushes complete), and end
  // the stream, so the client knows where to resend from.
  // The reason is repeated here: the chain's own log line of it may be rate-limited away.
  spdlog::warn("closing a stream: a plugin could not make its decisions durable ({})", flushed.message());
  pending_ += NotStoredRecord(flushed);
  not_durable_ = true;
  eof_ = true;
  StopReading();
  DoWrite();
  MaybeFinish();
}

template <typename Socket>
void StreamSession<Socket>::DoWrite() {
  if (writing_active_ || pending_.empty() || closed_) return;
  writing_.swap(pending_);
  pending_.clear();
  writing_active_ = true;
  boost::asio::async_write(
      socket_, boost::asio::buffer(writing_),
      [self = this->shared_from_this()](const boost::system::error_code& ec, size_t) { self->OnWrite(ec); });
}

template <typename Socket>
void StreamSession<Socket>::OnWrite(const boost::system::error_code& ec) {
  writing_active_ = false;
  if (closed_) return;
  if (ec) {
    spdlog::debug("stream connection closed by a write error: {}", ec.message());
    Close();
    return;
  }
  last_progress_ = std::chrono::steady_clock::now();
  writing_.clear();
  DoWrite();
  DoRead();  // resumes a read paused by backpressure
  if (draining_ || not_durable_) StopReading();  // a read left pending while this write ran
  MaybeFinish();
}

template <typename Socket>
void StreamSession<Socket>::ArmIdleTimer() {
  // One timer per connection, re-armed only when it fires: cheaper than resetting it on
  // every read and write.
  const auto deadline = last_progress_ + ctx_->idle_timeout;
  idle_timer_.expires_at(deadline);
  idle_timer_.async_wait([self = this->shared_from_this()](const boost::system::error_code& ec) {
    if (ec || self->closed_ || self->lingering_) return;
    if (std::chrono::steady_clock::now() >= self->last_progress_ + self->ctx_->idle_timeout) {
      self->ctx_->metrics->CountError(ErrorKind::kIdleTimeout);
      spdlog::debug("closing an idle stream connection");
      self->Close();
      return;
    }
    self->ArmIdleTimer();
  });
}

template <typename Socket>
void StreamSession<Socket>::MaybeFinish() {
  if (closed_ || lingering_ || !(eof_ || draining_) || reading_ || writing_active_ || !pending_.empty() ||
      !awaiting_.empty()) {
    return;
  }
  boost::system::error_code ignored;
  socket_.shutdown(Socket::shutdown_send, ignored);
  if (!draining_ && !not_durable_) {
    Close();  // the client ended its input: nothing unread is left
    return;
  }
  // The client may still be sending. Closing now, with its bytes unread, would reset the
  // connection and could destroy answers still in its receive buffer; so read and drop
  // until it closes too, for at most kLinger.
  lingering_ = true;
  idle_timer_.cancel();
  idle_timer_.expires_after(kLinger);
  idle_timer_.async_wait([self = this->shared_from_this()](const boost::system::error_code& ec) {
    if (!ec) self->Close();
  });
  Discard();
}

template <typename Socket>
void StreamSession<Socket>::Discard() {
  socket_.async_read_some(boost::asio::buffer(read_buf_.get(), kReadChunk),
                          [self = this->shared_from_this()](const boost::system::error_code& ec, size_t) {
                            if (self->closed_) return;
                            if (ec) {
                              self->Close();
                              return;
                            }
                            self->Discard();
                          });
}

template <typename Socket>
void StreamSession<Socket>::Close() {
  if (closed_) return;
  closed_ = true;
  boost::system::error_code ignored;
  idle_timer_.cancel();
  socket_.close(ignored);
  if (registered_) {
    ctx_->metrics->ConnectionClosed(Metrics::Conn::kStream);
    ctx_->registry->Remove(this);
  }
}

template class StreamSession<boost::asio::ip::tcp::socket>;
template class StreamSession<boost::asio::local::stream_protocol::socket>;

}  // namespace decorum::serve
