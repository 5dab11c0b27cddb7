// HttpSession: one HTTP/1.1 connection (Boost.Beast): POST /v1/moderate, GET /healthz,
// GET /readyz, GET /metrics, POST /v1/reload. One request at a time per connection,
// keep-alive supported.
//
// Model (Beast's advanced server): the session keeps itself alive with shared_from_this;
// its handlers run on the connection's strand; every read has a size limit (headers
// 16 KiB, body http.max_body_bytes -> 413) and a timeout (limits.idle_timeout_seconds).
// Drain() lets the request being handled finish, answers it with Connection: close, and
// closes. With acting plugins a /v1/moderate reply waits for their flush on the
// DurabilityQueue (ctx->durability, required), off this io thread; a failed flush answers
// 503 instead.
//
// Status codes: 400 bad body or malformed request, 401 wrong/missing admin token,
// 403 reload refused by configuration, 404 unknown path, 405 wrong method (with Allow),
// 413 body too large, 422 reload with a broken rule set (old one keeps serving),
// 503 not ready (shutting down), too many connections, or decisions not made durable.
//
// Thread safety: Start() once; Drain() from any thread.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <optional>

#include "serve/connection_registry.h"
#include "serve/session_context.h"

namespace decorum::serve {

class HttpSession : public Drainable, public std::enable_shared_from_this<HttpSession> {
 public:
  // REQUIRES: `socket`'s executor is a strand of its own.
  HttpSession(boost::asio::ip::tcp::socket socket, const SessionContext* ctx);

  void Start();
  void Drain() override;

 private:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  using Response = boost::beast::http::response<boost::beast::http::string_body>;

  void DoRead();
  void OnRead(const boost::beast::error_code& ec);
  void Handle(Request& req);
  void HandleReload(const Request& req);
  // Sends `status` with a JSON (or text) body; closes afterwards unless keep-alive.
  void Reply(unsigned status, std::string body, const char* content_type = "application/json",
             const char* allow = nullptr);
  void OnWrite(const boost::beast::error_code& ec);
  void Linger();
  void Close();

  boost::beast::tcp_stream stream_;
  const SessionContext* ctx_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  Response res_;
  unsigned version_ = 11;
  bool keep_alive_ = false;
  bool registered_ = false;
  bool reading_ = false;
  bool draining_ = false;
  bool closed_ = false;
};

}  // namespace decorum::serve
