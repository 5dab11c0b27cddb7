#include "webhook_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>

namespace decorum::escalate {

namespace {

constexpr size_t kResponseKept = 512;

// libcurl wants its global state set up once per process before any handle exists.
// It is never torn down: other code in the engine process may use libcurl too, and
// curl_global_cleanup() would pull it out from under them.
void InitCurlOnce() {
  static std::once_flag once;
  static CURLcode result = CURLE_OK;
  std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (result != CURLE_OK) {
    throw std::runtime_error(std::string("escalate: cannot initialize libcurl: ") +
                             curl_easy_strerror(result));
  }
}

std::string OriginOf(const std::string& url) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> u(curl_url(), &curl_url_cleanup);
  std::string origin = "(webhook)";
  if (!u || curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) return origin;
  char *scheme = nullptr, *host = nullptr, *port = nullptr;
  if (curl_url_get(u.get(), CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
      curl_url_get(u.get(), CURLUPART_HOST, &host, 0) == CURLUE_OK) {
    origin = std::string(scheme) + "://" + host;
    if (curl_url_get(u.get(), CURLUPART_PORT, &port, 0) == CURLUE_OK) {
      origin += std::string(":") + port;
    }
  }
  curl_free(scheme);
  curl_free(host);
  curl_free(port);
  return origin;
}

size_t KeepResponseStart(char* data, size_t size, size_t nmemb, void* user) {
  auto* kept = static_cast<std::string*>(user);
  const size_t n = size * nmemb;
  if (kept->size() < kResponseKept) kept->append(data, std::min(n, kResponseKept - kept->size()));
  return n;
}

}  // namespace

WebhookClient::WebhookClient(const Config& config, const std::atomic<bool>* cancel)
    : config_(config), cancel_(cancel), origin_(OriginOf(config.url)) {
  InitCurlOnce();
  multi_ = curl_multi_init();
  curl_ = curl_easy_init();
  if (!multi_ || !curl_) {
    curl_easy_cleanup(curl_);
    curl_multi_cleanup(multi_);
    throw std::runtime_error("escalate: cannot create a libcurl handle");
  }
  const auto append = [this](const std::string& line) {
    curl_slist* next = curl_slist_append(fixed_headers_, line.c_str());
    if (!next) throw std::bad_alloc();
    fixed_headers_ = next;
  };
  try {
    append("Content-Type: application/json");
    // libcurl otherwise sends "Expect: 100-continue" for larger bodies and waits up to a
    // second for a receiver that does not implement it.
    append("Expect:");
    for (const auto& [name, value] : config_.headers) {
      // "Name:" with nothing after it would make libcurl drop the header; "Name;" sends
      // it empty.
      append(value.empty() ? name + ";" : name + ": " + value);
    }
  } catch (...) {
    curl_slist_free_all(fixed_headers_);
    curl_easy_cleanup(curl_);
    curl_multi_cleanup(multi_);
    throw;
  }
  // What does not change between requests is set once, here.
  curl_easy_setopt(curl_, CURLOPT_URL, config_.url.c_str());
#if LIBCURL_VERSION_NUM >= 0x075500
  curl_easy_setopt(curl_, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
  curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);  // signals are the engine's, not ours
  curl_easy_setopt(curl_, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, static_cast<long>(config_.timeout_ms));
  curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(config_.timeout_ms));
  curl_easy_setopt(curl_, CURLOPT_USERAGENT, "decorum-escalate/1.0");
  curl_easy_setopt(curl_, CURLOPT_POST, 1L);
  curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &KeepResponseStart);
}

WebhookClient::~WebhookClient() {
  curl_multi_cleanup(multi_);  // closes the kept-alive connection; curl_ is not added
  curl_easy_cleanup(curl_);
  curl_slist_free_all(fixed_headers_);
}

PostResult WebhookClient::Post(std::string_view body, std::string_view idempotency_key) {
  PostResult result;
  if (cancel_->load()) {  // not even started: nothing the receiver could have seen
    result.error = "abandoned: shutting down";
    return result;
  }
  const std::string key_header = "Idempotency-Key: " + std::string(idempotency_key);
  // The per-request header is a stack node chained in front of the fixed list, so no
  // list is rebuilt or freed per request.
  curl_slist key_node{const_cast<char*>(key_header.c_str()), fixed_headers_};
  char error_buffer[CURL_ERROR_SIZE] = {0};

  curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, &key_node);
  // Never NULL: with no fields set libcurl would read the body from stdin.
  curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.empty() ? "" : body.data());
  curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &result.response_start);
  curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, error_buffer);

  // curl_easy_perform() with a look at *cancel_ between polls. Rather than a progress
  // callback that aborts: libcurl calls that once more after the last byte of the answer
  // has arrived, so an abort there would throw away an answer the receiver had given.
  // Here a transfer that completed is always reported, whatever *cancel_ says by then.
  CURLcode code = CURLE_OK;
  bool done = false, cancelled = false;
  CURLMcode multi_code = curl_multi_add_handle(multi_, curl_);
  if (multi_code == CURLM_OK) {
    for (;;) {
      int running = 0;
      multi_code = curl_multi_perform(multi_, &running);
      if (multi_code != CURLM_OK) break;
      int queued = 0;
      while (const CURLMsg* message = curl_multi_info_read(multi_, &queued)) {
        if (message->msg == CURLMSG_DONE && message->easy_handle == curl_) {
          code = message->data.result;
          done = true;
        }
      }
      if (done) break;
      if (running == 0) {  // finished without saying how: not expected of libcurl
        multi_code = CURLM_INTERNAL_ERROR;
        break;
      }
      if (cancel_->load()) {
        cancelled = true;
        break;
      }
      multi_code = curl_multi_poll(multi_, nullptr, 0, kCancelCheckMs, nullptr);
      if (multi_code != CURLM_OK) break;
    }
    // Also what abandons an unfinished request (and closes its connection).
    curl_multi_remove_handle(multi_, curl_);
  }
  // The handle must not keep pointers to this frame past the call.
  curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, nullptr);
  curl_easy_setopt(curl_, CURLOPT_WRITEDATA, nullptr);
  curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, nullptr);
  if (!done) {
    result.error = cancelled ? std::string("abandoned: shutting down")
                             : std::string("libcurl: ") + curl_multi_strerror(multi_code);
    return result;
  }
  if (code != CURLE_OK) {
    result.error = error_buffer[0] ? error_buffer : curl_easy_strerror(code);
    return result;
  }
  result.answered = true;
  curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &result.status);
  curl_off_t retry_after_s = 0;
  if (curl_easy_getinfo(curl_, CURLINFO_RETRY_AFTER, &retry_after_s) == CURLE_OK &&
      retry_after_s > 0) {
    result.retry_after_ms = retry_after_s > INT64_MAX / 1000 ? INT64_MAX : retry_after_s * 1000;
  }
  return result;
}

}  // namespace decorum::escalate
