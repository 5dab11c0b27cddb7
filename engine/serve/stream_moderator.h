// StreamModerator: one NDJSON stream's comments -> its records, in order: splits the
// bytes into lines, moderates each on the calling thread's Moderator and counts the
// results into Metrics once per chunk.
//
// The generation is loaded once per Consume() call, so every comment of a chunk is
// decided by the same generation, and a reload takes effect at the next chunk.
// Comments without an id get their line number on this stream (1, 2, ...) as id.
//
// Thread safety: none; one per stream, used by one thread at a time (its strand).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "decorum/status.h"
#include "serve/generation_holder.h"
#include "serve/line_splitter.h"
#include "serve/metrics.h"
#include "serve/thread_moderator.h"

namespace decorum::serve {

// The last record of a stream whose decisions a plugin could not make durable: about the
// connection, not a comment (no id, "line":0, like the too-many-connections record),
// carrying the flush's failure. A bare close would look like a crash to the client.
std::string NotStoredRecord(const Status& flushed);

class StreamModerator {
 public:
  // All pointers must outlive this object.
  StreamModerator(const ModerationSettings* settings, const GenerationHolder* holder,
                  Metrics* metrics);

  // Appends to *out one record for every line `chunk` completes, and returns the plugin
  // chain those records wait on: when it is not null, its acting plugins must make this
  // chunk's decisions durable before any of the records is sent (a DurabilityQueue
  // flushes it), so that a record is never sent ahead of the quarantine store or
  // escalation spool. When that flush fails, the records must be withheld, the failure
  // counted as a not_durable error and the stream ended after NotStoredRecord(), so the
  // client sees which comments were answered, and why no more are, and resends the rest.
  [[nodiscard]] std::shared_ptr<PluginChain> Consume(std::string_view chunk, std::string* out);
  // End of stream: appends the record of a last line that had no '\n', if any. Returns
  // what Consume() does.
  [[nodiscard]] std::shared_ptr<PluginChain> Finish(std::string* out);

  uint64_t lines() const { return splitter_.lines(); }
  uint64_t pending_bytes() const { return splitter_.pending_bytes(); }

 private:
  template <typename Feed>
  std::shared_ptr<PluginChain> Run(std::string* out, Feed&& feed);

  const ModerationSettings* settings_;
  const GenerationHolder* holder_;
  Metrics* metrics_;
  LineSplitter splitter_;
  BatchStats batch_;
};

}  // namespace decorum::serve
