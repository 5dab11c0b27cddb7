// The escalate plugin's configuration: the engine hands each instance its `config:`
// mapping as a JSON object, and this is the only place that reads it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace decorum::escalate {

struct Config {
  std::string url;        // http:// or https://, where escalations are POSTed
  std::string spool_dir;  // where undelivered escalations wait (see spool.h)
  int64_t timeout_ms = 5000;           // bound on one whole request, connect included
  int64_t initial_backoff_ms = 200;    // first retry delay after a failed delivery
  int64_t max_backoff_ms = 30000;      // the delay doubles up to this
  int64_t max_spool_files = 100000;    // undelivered escalations before on_decision fails
  // How long destroy() of the last instance sharing the spool keeps delivering before it
  // stops (0: stops at once). See SharedSpool and DeliveryWorker::Stop.
  int64_t drain_timeout_ms = 5000;
  // Extra request headers (e.g. Authorization), in the order given.
  std::vector<std::pair<std::string, std::string>> headers;
};

// Parses and validates `json`, an object with the keys above (url and spool_dir
// required, the rest optional). Touches no file or network: whether spool_dir is
// usable is the spool's to check (Spool::Open).
//
// Throws std::invalid_argument naming the offending key for malformed JSON, a missing
// required key, an unknown key, a wrong type or an out-of-range value.
Config ParseConfig(std::string_view json);

// True when `a` and `b` deliver the same way: same url, headers (in order), timeout_ms,
// initial_backoff_ms and max_backoff_ms. spool_dir, max_spool_files and drain_timeout_ms
// are not compared.
bool SameDelivery(const Config& a, const Config& b);

}  // namespace decorum::escalate
