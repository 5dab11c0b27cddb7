// ThreadModerator: the calling thread's Moderator for a generation.
//
// Why thread-local Moderators on the io_context threads instead of a separate worker
// pool: moderating a comment takes a few microseconds (~3 µs for the generated corpus),
// about what handing it to another thread and back would cost (a queue push, a wake-up —
// on a VM an inter-processor interrupt —, a post back to the connection's strand). Each
// connection's strand already serializes its comments, which is exactly the order
// guarantee the protocol needs, and the io threads (one per core by default, each with
// its connections: io_context_pool.h) spread the work over every core once there are at
// least as many connections as threads. A chunk of input
// is at most one read buffer (64 KiB, ~200 comments, ~0.6 ms of moderation), so one busy
// connection delays others on that thread by up to that much — only when it has a
// backlog: a paced client's reads are a few comments each. Smaller reads would bound the
// delay lower but cost peak throughput (16 KiB: -17% with 8 connections; answering a
// read 16 KiB at a time: -5 to -16%; bench/README.md).
// The Moderator's scratch buffers are per thread, so nothing here is shared or locked.
//
// Thread safety: each thread gets its own Moderator; the returned reference is valid
// until the same thread calls ThreadModerator() again.
#pragma once

#include <cstddef>
#include <memory>

#include "decode/comment_decoder.h"
#include "match/generation.h"
#include "pipeline/moderator.h"
#include "serve/metrics.h"

namespace decorum::serve {

// The settings every Moderator of the daemon is built with.
struct ModerationSettings {
  FieldMap field_map;
  size_t max_line_bytes = 1u << 20;
};

// Returns this thread's Moderator for `live` (its rules and plugins), building a new one
// when they changed since this thread's last call (the old one, and with it possibly the
// old generation and plugin chain, is freed then).
Moderator& ThreadModerator(const LiveGeneration& live, const ModerationSettings& settings);

}  // namespace decorum::serve
