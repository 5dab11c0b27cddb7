// The quarantine_sqlite plugin's configuration: the `config:` mapping of its instance in
// the engine's configuration, which the engine hands over as a JSON object.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "decorum/status.h"

namespace decorum::quarantine {

struct QuarantineConfig {
  std::string path;             // the database file; required
  int busy_timeout_ms = 5000;   // how long a flush waits for another process's lock
  // Held comments waiting for a flush, at most. Past it on_decision() fails rather than
  // letting memory grow without bound while flush() keeps failing or is never called.
  size_t max_pending = 10000;
  uint64_t max_db_bytes = 0;    // a cap on the database's size; 0: only the disk's
};

// Parses `json`. Fails with a message naming the offending key on an unknown key, a key
// given twice, a value of the wrong type or range, a missing `path`, or text that is not
// a JSON object.
Result<QuarantineConfig> ParseQuarantineConfig(std::string_view json);

}  // namespace decorum::quarantine
