#include "config.h"

#include <curl/curl.h>
#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <stdexcept>
#include <string>

namespace decorum::escalate {

namespace {

// Generous enough for any real deployment, small enough that a typo (a value in seconds
// given as microseconds, say) is caught instead of stalling delivery for days.
constexpr int64_t kMaxTimeoutMs = 10 * 60 * 1000;
constexpr int64_t kMaxBackoffMs = 60 * 60 * 1000;
constexpr int64_t kMaxSpoolFiles = 100'000'000;

[[noreturn]] void Fail(std::string_view key, std::string_view problem) {
  throw std::invalid_argument("escalate: " + std::string(key) + ": " + std::string(problem));
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string GetString(simdjson::dom::element value, std::string_view key) {
  std::string_view s;
  if (value.get_string().get(s) != simdjson::SUCCESS) Fail(key, "must be a string");
  return std::string(s);
}

int64_t GetInt(simdjson::dom::element value, std::string_view key, int64_t min,
               int64_t max) {
  int64_t v = 0;
  if (value.get_int64().get(v) != simdjson::SUCCESS) Fail(key, "must be an integer");
  if (v < min || v > max) {
    Fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                  ", got " + std::to_string(v));
  }
  return v;
}

// Only http(s), and only a URL libcurl itself parses the same way, so that a URL
// accepted here is never refused later by the delivery thread, where nobody would see it.
void CheckUrl(const std::string& url) {
  if (url.empty()) Fail("url", "must not be empty");
  std::string lower = Lower(url.substr(0, 8));
  if (lower.rfind("http://", 0) != 0 && lower.rfind("https://", 0) != 0) {
    Fail("url", "must start with http:// or https://");
  }
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> parsed(curl_url(), &curl_url_cleanup);
  if (!parsed) throw std::bad_alloc();
  if (curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    Fail("url", "not a valid URL");
  }
  char* host = nullptr;
  bool has_host = curl_url_get(parsed.get(), CURLUPART_HOST, &host, 0) == CURLUE_OK &&
                  host != nullptr && host[0] != '\0';
  curl_free(host);
  if (!has_host) Fail("url", "has no host");
}

// RFC 9110 token characters: anything else would corrupt the request head.
bool IsHeaderName(std::string_view name) {
  if (name.empty()) return false;
  for (unsigned char c : name) {
    if (std::isalnum(c)) continue;
    if (std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) ==
        std::string_view::npos) {
      return false;
    }
  }
  return true;
}

void ParseHeaders(simdjson::dom::element value, Config* config) {
  simdjson::dom::object object;
  if (value.get_object().get(object) != simdjson::SUCCESS) {
    Fail("headers", "must be a mapping of header name to value");
  }
  // The plugin owns these: a configured Idempotency-Key would break de-duplication, and
  // the framing headers are libcurl's to set.
  static constexpr std::string_view kReserved[] = {
      "content-type", "content-length", "idempotency-key", "host", "transfer-encoding",
      "expect",       "connection"};
  for (auto field : object) {
    const std::string name(field.key);
    const std::string key = "headers." + name;
    if (!IsHeaderName(name)) Fail(key, "not a valid HTTP header name");
    const std::string lower = Lower(name);
    for (std::string_view reserved : kReserved) {
      if (lower == reserved) Fail(key, "set by the plugin, cannot be configured");
    }
    for (const auto& [seen, unused] : config->headers) {
      if (Lower(seen) == lower) Fail(key, "given twice");
    }
    std::string header_value = GetString(field.value, key);
    for (unsigned char c : header_value) {
      if (c == '\r' || c == '\n' || c == '\0') {
        Fail(key, "must not contain CR, LF or NUL");
      }
    }
    config->headers.emplace_back(name, std::move(header_value));
  }
}

}  // namespace

Config ParseConfig(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element root;
  if (auto error = parser.parse(padded).get(root); error != simdjson::SUCCESS) {
    throw std::invalid_argument(std::string("escalate: config is not valid JSON: ") +
                                simdjson::error_message(error));
  }
  simdjson::dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) {
    throw std::invalid_argument("escalate: config must be a mapping");
  }

  Config config;
  bool has_url = false, has_spool_dir = false;
  std::vector<std::string_view> seen;
  for (auto field : object) {
    const std::string_view key = field.key;
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) Fail(key, "given twice");
    seen.push_back(key);
    if (key == "url") {
      config.url = GetString(field.value, key);
      has_url = true;
    } else if (key == "spool_dir") {
      config.spool_dir = GetString(field.value, key);
      if (config.spool_dir.empty()) Fail(key, "must not be empty");
      if (config.spool_dir.find('\0') != std::string::npos) Fail(key, "must not contain NUL");
      has_spool_dir = true;
    } else if (key == "timeout_ms") {
      config.timeout_ms = GetInt(field.value, key, 1, kMaxTimeoutMs);
    } else if (key == "initial_backoff_ms") {
      config.initial_backoff_ms = GetInt(field.value, key, 1, kMaxBackoffMs);
    } else if (key == "max_backoff_ms") {
      config.max_backoff_ms = GetInt(field.value, key, 1, kMaxBackoffMs);
    } else if (key == "max_spool_files") {
      config.max_spool_files = GetInt(field.value, key, 1, kMaxSpoolFiles);
    } else if (key == "drain_timeout_ms") {
      config.drain_timeout_ms = GetInt(field.value, key, 0, kMaxTimeoutMs);
    } else if (key == "headers") {
      ParseHeaders(field.value, &config);
    } else {
      Fail(key, "unknown key (known keys: url, spool_dir, timeout_ms, initial_backoff_ms, "
                "max_backoff_ms, max_spool_files, drain_timeout_ms, headers)");
    }
  }
  if (!has_url) Fail("url", "required");
  if (!has_spool_dir) Fail("spool_dir", "required");
  CheckUrl(config.url);
  if (config.max_backoff_ms < config.initial_backoff_ms) {
    Fail("max_backoff_ms", "must be at least initial_backoff_ms (" +
                               std::to_string(config.initial_backoff_ms) + ")");
  }
  return config;
}

bool SameDelivery(const Config& a, const Config& b) {
  return a.url == b.url && a.headers == b.headers && a.timeout_ms == b.timeout_ms &&
         a.initial_backoff_ms == b.initial_backoff_ms && a.max_backoff_ms == b.max_backoff_ms;
}

}  // namespace decorum::escalate
