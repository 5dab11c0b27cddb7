// Logging for the daemon: spdlog to standard error, as human text (default) or one JSON
// object per line (`--log-format json`) for log shippers. The daemon logs events —
// start, listeners, reloads, shutdown, refused connections — never one line per comment.
#pragma once

#include <string>

#include "decorum/status.h"

namespace decorum::serve {

// REQUIRES: format is "text" or "json"; level an spdlog level name.
Status SetUpLogging(const std::string& format, const std::string& level);

}  // namespace decorum::serve
