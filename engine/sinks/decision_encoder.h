// DecisionEncoder: writes decision and error records as NDJSON lines (SPEC §5).
//
// Why a class: the names every record repeats — rule ids and categories, target ids,
// the ruleset id — belong to one generation. A DecisionEncoder escapes them once, into
// the JSON fragments that carry them, instead of on every record (the encoder runs once
// per comment, on the hot path).
//
// Thread safety: immutable after construction; Append only writes the caller's buffer.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "decorum/comment.h"
#include "decorum/decision.h"
#include "match/generation.h"
#include "sinks/json_writer.h"

namespace decorum {

class DecisionEncoder {
 public:
  // Encodes decisions made with `gen`; keeps no reference to it.
  explicit DecisionEncoder(const Generation& gen);

  // Appends one decision line, '\n'-terminated. `comment.text` must be the text the
  // decision's spans index. A comment without an id is given `fallback_id` (the batch
  // line number, or the daemon's per-connection sequence) as a JSON number.
  // REQUIRES: `decision` was made with the generation given to the constructor.
  void Append(const Comment& comment, const Decision& decision, uint64_t fallback_id,
              std::string* out) const;

 private:
  // Upper bound of what WriteHits writes for `hits`.
  size_t HitsBound(const std::vector<Hit>& hits) const;
  void WriteHits(std::string_view text, const std::vector<Hit>& hits, JsonCursor& out) const;

  std::vector<std::string> hit_heads_;       // per rule: {"rule":…,"category":…,"score":
  std::vector<std::string> target_entries_;  // per target: {"id":…,
  std::vector<std::string> hit_targets_;     // per target: ,"target":…
  std::array<std::string, 4> actions_;       // per Action: ,"action":"…","score":
  std::string tail_;                         // ,"ruleset":"…"}\n
};

// DecisionEncoder(gen).Append(...), for one-off records (explain, tests).
void AppendDecisionRecord(const Generation& gen, const Comment& comment, const Decision& decision,
                          uint64_t fallback_id, std::string* out);

// Appends one error record line: {"id":…,"line":N,"action":"error","error":"…"}.
void AppendErrorRecord(const Comment& comment, uint64_t fallback_id, std::string_view message,
                       std::string* out);

// The id field's value of a record these functions wrote, as written: `"c17"` (quotes
// and escapes included) or `42`. Empty when `record` does not start with one whole id
// field (not a record, or cut short). `decorum score --resume` compares the one its
// output ends with against the record of the input line it stands for.
std::string_view RecordIdField(std::string_view record);

}  // namespace decorum
