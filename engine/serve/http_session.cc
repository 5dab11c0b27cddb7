#include "serve/http_session.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include <boost/asio/post.hpp>

#include "serve/http_moderation.h"

namespace decorum::serve {
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

constexpr size_t kHeaderLimit = 16 * 1024;

bool TokenMatches(std::string_view given, const std::string& want) {
  // Constant time in the token's length, so the comparison leaks nothing by timing.
  if (given.size() != want.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < want.size(); ++i) diff |= static_cast<unsigned char>(given[i] ^ want[i]);
  return diff == 0;
}

}  // namespace

HttpSession::HttpSession(boost::asio::ip::tcp::socket socket, const SessionContext* ctx)
    : stream_(std::move(socket)), ctx_(ctx) {}

void HttpSession::Start() {
  boost::asio::post(stream_.get_executor(), [self = shared_from_this()] {
    if (!self->ctx_->registry->TryAdd(self)) {
      self->ctx_->metrics->CountError(ErrorKind::kConnectionRejected);
      self->closed_ = true;
      self->keep_alive_ = false;
      self->res_ = Response(http::status::service_unavailable, 11);
      self->res_.set(http::field::content_type, "application/json");
      self->res_.set(http::field::connection, "close");
      self->res_.body() = JsonError("too many connections; try again later") + "\n";
      self->res_.prepare_payload();
      self->stream_.expires_after(std::chrono::seconds(5));
      http::async_write(self->stream_, self->res_, [self](beast::error_code, size_t) {
        beast::error_code ignored;
        self->stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
        self->stream_.close();
      });
      return;
    }
    self->registered_ = true;
    self->ctx_->metrics->ConnectionOpened(Metrics::Conn::kHttp);
    self->DoRead();
  });
}

void HttpSession::Drain() {
  boost::asio::post(stream_.get_executor(), [self = shared_from_this()] {
    if (self->closed_ || self->draining_) return;
    self->draining_ = true;
    // Waiting for a request: nothing is in flight, so stop now. Otherwise the request in
    // hand is answered (with Connection: close) first.
    if (self->reading_) self->Close();
  });
}

void HttpSession::DoRead() {
  if (draining_ || closed_) {
    Close();
    return;
  }
  parser_.emplace();
  parser_->header_limit(kHeaderLimit);
  parser_->body_limit(ctx_->max_body_bytes);
  stream_.expires_after(ctx_->idle_timeout);
  reading_ = true;
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
}

void HttpSession::OnRead(const beast::error_code& ec) {
  reading_ = false;
  if (closed_) return;
  if (ec) {
    keep_alive_ = false;
    version_ = 11;
    if (ec == http::error::end_of_stream || ec == boost::asio::error::operation_aborted ||
        ec == boost::asio::error::connection_reset) {
      Close();
    } else if (ec == beast::error::timeout) {
      ctx_->metrics->CountError(ErrorKind::kIdleTimeout);
      Close();
    } else if (ec == http::error::body_limit) {
      ctx_->metrics->CountError(ErrorKind::kHttpBodyTooLarge);
      Reply(413, JsonError("request body exceeds the limit of " + std::to_string(ctx_->max_body_bytes) + " bytes"));
    } else if (ec == http::error::header_limit) {
      ctx_->metrics->CountError(ErrorKind::kHttpBadRequest);
      Reply(431, JsonError("request headers too large"));
    } else {
      ctx_->metrics->CountError(ErrorKind::kHttpBadRequest);
      Reply(400, JsonError("malformed HTTP request: " + ec.message()));
    }
    return;
  }
  Request req = parser_->release();
  version_ = req.version();
  keep_alive_ = req.keep_alive();
  Handle(req);
}

void HttpSession::Handle(Request& req) {
  std::string_view target(req.target().data(), req.target().size());
  target = target.substr(0, target.find('?'));
  const http::verb method = req.method();
  auto only = [&](http::verb want, const char* allow) {
    if (method == want || (want == http::verb::get && method == http::verb::head)) return true;
    Reply(405, JsonError("method not allowed; use " + std::string(allow)), "application/json", allow);
    return false;
  };
  if (target == "/v1/moderate") {
    if (!only(http::verb::post, "POST")) return;
    HttpReply r = ModerateHttpBody(req.body(), *ctx_);
    if (r.status == 400) ctx_->metrics->CountError(ErrorKind::kHttpBadRequest);
    if (!r.durable_by) {
      Reply(r.status, std::move(r.body));
      return;
    }
    // The flusher's thread makes the decisions durable (and groups this flush with other
    // connections'); this io thread goes on serving them meanwhile. The reference moves
    // into the posted handler, so the session never dies on the flusher's thread.
    auto plugins = std::move(r.durable_by);
    ctx_->durability->Request(std::move(plugins), [self = shared_from_this(), r = std::move(r)](const Status& flushed) mutable {
      auto executor = self->stream_.get_executor();
      boost::asio::post(executor, [self = std::move(self), r = std::move(r), flushed]() mutable {
        if (self->closed_) return;
        if (!flushed.ok()) r = NotDurable(flushed, *self->ctx_);
        self->Reply(r.status, std::move(r.body));
      });
    });
  } else if (target == "/healthz") {
    if (!only(http::verb::get, "GET")) return;
    Reply(200, "ok\n", "text/plain; charset=utf-8");
  } else if (target == "/readyz") {
    if (!only(http::verb::get, "GET")) return;
    const bool ready = ctx_->ready && ctx_->ready();
    Reply(ready ? 200 : 503, ready ? "ready\n" : "shutting down\n", "text/plain; charset=utf-8");
  } else if (target == "/metrics") {
    if (!only(http::verb::get, "GET")) return;
    Reply(200, ctx_->metrics->Render(), "text/plain; version=0.0.4; charset=utf-8");
  } else if (target == "/v1/reload") {
    if (!only(http::verb::post, "POST")) return;
    HandleReload(req);
  } else {
    Reply(404, JsonError("no such endpoint: " + std::string(target)));
  }
}

void HttpSession::HandleReload(const Request& req) {
  if (!ctx_->admin_token.empty()) {
    auto it = req.find(http::field::authorization);
    std::string_view given = it == req.end() ? std::string_view() : std::string_view(it->value().data(), it->value().size());
    // The scheme name is case-insensitive (RFC 7235 §2.1): "bearer x" is "Bearer x".
    constexpr std::string_view kBearer = "bearer ";
    const bool bearer = given.size() >= kBearer.size() &&
                        std::equal(kBearer.begin(), kBearer.end(), given.begin(),
                                   [](char k, char g) { return k == (g | 0x20); });
    if (!bearer || !TokenMatches(given.substr(kBearer.size()), ctx_->admin_token)) {
      Reply(401, JsonError("reload needs 'Authorization: Bearer <admin token>'"));
      return;
    }
  } else if (ctx_->reload_requires_token) {
    Reply(403, JsonError("reload over HTTP is disabled: a listener is not on loopback and no admin token is configured"));
    return;
  }
  // Compiling takes a while: it runs on the reload thread, and the answer comes back to
  // this connection's strand.
  ctx_->reload([self = shared_from_this()](Result<std::string> r) {
    boost::asio::post(self->stream_.get_executor(), [self, r = std::move(r)] {
      if (self->closed_) return;
      if (r.ok()) {
        self->Reply(200, "{\"ruleset\":\"" + r.value() + "\"}");
      } else {
        self->Reply(422, JsonError("reload refused, the old rules keep serving: " + r.status().message()));
      }
    });
  });
}

void HttpSession::Reply(unsigned status, std::string body, const char* content_type, const char* allow) {
  if (draining_) keep_alive_ = false;
  res_ = Response(static_cast<http::status>(status), version_);
  res_.set(http::field::server, "decorum");
  res_.set(http::field::content_type, content_type);
  if (allow) res_.set(http::field::allow, allow);
  if (!body.empty() && body.back() != '\n') body += '\n';
  res_.body() = std::move(body);
  res_.keep_alive(keep_alive_);
  res_.prepare_payload();
  stream_.expires_after(ctx_->idle_timeout);
  http::async_write(stream_, res_, [self = shared_from_this()](beast::error_code ec, size_t) { self->OnWrite(ec); });
}

void HttpSession::OnWrite(const beast::error_code& ec) {
  if (closed_) return;
  if (ec) {
    Close();
    return;
  }
  if (!keep_alive_) {
    beast::error_code ignored;
    stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
    Linger();
    return;
  }
  DoRead();
}

void HttpSession::Linger() {
  // Closing with unread request bytes (a refused 413 body) would make the kernel send a
  // reset, and the client could lose the response it has not read yet; so read and drop
  // what it still sends, for a short while, before closing.
  stream_.expires_after(std::chrono::seconds(2));
  stream_.async_read_some(buffer_.prepare(64 * 1024), [self = shared_from_this()](beast::error_code ec, size_t) {
    if (ec || self->closed_) {
      self->Close();
      return;
    }
    self->Linger();
  });
}

void HttpSession::Close() {
  if (closed_) return;
  closed_ = true;
  beast::error_code ignored;
  stream_.socket().close(ignored);
  if (registered_) {
    ctx_->metrics->ConnectionClosed(Metrics::Conn::kHttp);
    ctx_->registry->Remove(this);
  }
}

}  // namespace decorum::serve
