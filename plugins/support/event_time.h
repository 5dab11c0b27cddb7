// Event time: when a comment happened, the clock that windows and decays run on.
//
// A comment's own timestamp is used when it has one, so a replayed dump behaves as it did
// live and a backlog drained at full speed is not mistaken for a burst. Only comments
// without a timestamp fall back to the wall clock at the moment of the call.
#pragma once

#include <cstdint>

#include "decorum/plugin.h"

namespace decorum::plugins {

// Epoch milliseconds: c.ts_ms when c.has_ts, else the system clock now. Thread-safe.
int64_t EventTimeMs(const decorum_comment& c);

}  // namespace decorum::plugins
