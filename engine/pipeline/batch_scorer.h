// BatchScorer: `decorum score` — scores NDJSON dumps on N worker threads and writes the
// records in input order.
//
// Shape: a reader thread reads the input into batches, each a block of whole lines in
// the buffer it was read into (LineReader::NextBlock: at least 256 KiB, ~900 comments of
// a typical dump, at most 4,096 lines); workers (each with its own Moderator) split a
// batch into lines, parse them where they lie and turn them into its output text; the
// calling thread writes finished batches strictly in sequence. Threads meet only once
// per batch, so no lock is taken per comment, the reader does not touch each line, and
// the output is byte-identical for any thread count. Memory is bounded: at most 4 batches
// per worker are in flight, each of at most max(max_line_bytes, 256 KiB) + 256 KiB of
// input and 4,096 records.
//
// Thread safety: Run() is called from one thread; it owns the threads it starts.
#pragma once

#include <atomic>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "decode/comment_decoder.h"
#include "decorum/status.h"
#include "ingest/line_reader.h"
#include "match/generation.h"
#include "plugin_host/plugin_chain.h"
#include "sinks/run_stats.h"

namespace decorum {

struct BatchOptions {
  size_t threads = 1;
  size_t max_line_bytes = 1 << 20;
  FieldMap field_map;
  std::shared_ptr<PluginChain> plugins;  // null: no plugins
  // Resuming: the first `skip_lines` input lines (across inputs, in order) already have
  // their records; they are read but neither scored nor written.
  uint64_t skip_lines = 0;
  // With skip_lines: the id field of the last record already written, as written
  // (RecordIdField). The last skipped line is decided again (without plugins) and its
  // record must carry the same id, or Run refuses to go on: the output is then another
  // run's, or the inputs changed since. Empty: not checked.
  std::string resume_last_id;
  // With skip_lines: called once, on the reading thread, when the skipped lines have
  // passed that check (or there was none to make) and before any record is written; an
  // error ends the run like a read error. Not called when the run is refused or stopped
  // before. `decorum score --resume` cuts a partial last record off here, so a refused
  // resume leaves its output as it was. Empty: nothing to do.
  std::function<Status()> on_resume_checked;
  // When set (and it becomes true, e.g. from a signal handler): read no further; the
  // lines already read are still scored and written, so the output ends on a whole
  // record and `--resume` continues after it. Null: never.
  const std::atomic<bool>* stop = nullptr;
};

struct BatchProgress {
  uint64_t comments = 0;          // written so far (skipped lines not included)
  uint64_t consumed_bytes = 0;    // compressed input bytes read, across inputs
  uint64_t total_bytes = 0;       // sum of input file sizes, 0 if any is unknown
  double seconds = 0;
};

class BatchScorer {
 public:
  BatchScorer(std::shared_ptr<const Generation> gen, BatchOptions options);

  // Called from the writing thread at most every 200 ms, and once at the end.
  void set_progress(std::function<void(const BatchProgress&)> cb) { progress_ = std::move(cb); }

  // Scores every line of every input ("-" is standard input) in order, writing one record
  // per line to `out`. Returns a non-ok status if an input cannot be opened or read
  // (lines read before the failure are still written), `out` cannot be written, or a
  // plugin's flush fails (the records of that batch and later are then not written:
  // nothing is written that the plugins could not make durable).
  Status Run(const std::vector<std::string>& inputs, std::FILE* out, RunStats* stats);
  // True when the last Run() stopped writing: `out` failed or a plugin's flush did. The
  // output then holds fewer records than the comments *stats counts (it may end inside a
  // record: `decorum score --resume` continues after its last complete one).
  bool output_stopped() const { return output_stopped_; }
  // Non-empty when the last Run() stopped reading on `stop`: where ("after line N of
  // FILE; not read: ..."). Every line before that got its record.
  const std::string& interrupted_at() const { return interrupted_at_; }

 private:
  // Resuming: the `nth` line of `block` (1-based) is the last one skipped, which the
  // output's last record stands for; checks that record's id (resume_last_id).
  Status CheckLastSkipped(const LineBlock& block, uint64_t nth, const std::string& path) const;

  std::shared_ptr<const Generation> gen_;
  BatchOptions options_;
  std::function<void(const BatchProgress&)> progress_;
  bool output_stopped_ = false;
  std::string interrupted_at_;
};

}  // namespace decorum
