// WebhookClient: POSTs one escalation to the configured URL over libcurl.
//
// One client per delivery thread: it keeps its libcurl handles, and so a kept-alive
// connection, between requests. Not thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include <curl/curl.h>

#include "config.h"

namespace decorum::escalate {

struct PostResult {
  // True when the receiver answered; `status` is then its HTTP status. False for a
  // network error, a timeout or a cancelled request; `error` then says what happened.
  bool answered = false;
  long status = 0;
  std::string error;
  std::string response_start;  // the first bytes of the response body, for logs
  int64_t retry_after_ms = 0;  // the receiver's Retry-After, 0 if none
};

class WebhookClient {
 public:
  // Keeps `config` (copied) and `cancel`: when *cancel turns true, a request in flight is
  // abandoned within kCancelCheckMs instead of running to timeout_ms, unless it has
  // completed by then (its answer is then returned as usual).
  // REQUIRES: config passed ParseConfig; *cancel outlives the client.
  // Throws std::runtime_error if libcurl cannot be initialized.
  WebhookClient(const Config& config, const std::atomic<bool>* cancel);
  ~WebhookClient();
  WebhookClient(const WebhookClient&) = delete;
  WebhookClient& operator=(const WebhookClient&) = delete;

  // How often a request in flight looks at *cancel.
  static constexpr int kCancelCheckMs = 50;

  // POST url with `body` as application/json and the Idempotency-Key header. Never
  // throws for a network failure; that is a PostResult with answered == false, as is a
  // request abandoned because *cancel turned true before the answer was complete.
  PostResult Post(std::string_view body, std::string_view idempotency_key);

  // scheme://host[:port] of the URL, for log lines: webhook URLs often carry a secret in
  // their path or query, which must not end up in logs.
  const std::string& origin() const { return origin_; }

 private:
  const Config config_;
  const std::atomic<bool>* cancel_;
  std::string origin_;
  // The request runs on a multi handle of its own, so that it can be abandoned between
  // two polls without racing a completed answer (see Post); the multi handle also holds
  // the kept-alive connection.
  CURLM* multi_ = nullptr;
  CURL* curl_ = nullptr;
  curl_slist* fixed_headers_ = nullptr;  // Content-Type, Expect and the configured ones
};

}  // namespace decorum::escalate
