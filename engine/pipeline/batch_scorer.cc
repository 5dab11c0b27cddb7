#include "pipeline/batch_scorer.h"

#include <sys/stat.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "ingest/line_reader.h"
#include "pipeline/moderator.h"
#include "sinks/decision_encoder.h"

namespace decorum {
namespace {

// A batch is a block of at least 256 KiB (~900 comments of a typical dump; less only at
// the end of an input), enough that handing it over costs nothing per comment whatever
// the source's read size (a pipe gives 64 KiB a read, gzip what one inflate call makes).
// Larger blocks cost more than they save: each batch's buffer is faulted in on first use,
// slow on a VM (2 MiB blocks, 18 MiB in flight on two threads, took ~25 ms a run). At
// most 4,096 lines, so that a block of tiny lines (each an error record) cannot make a
// batch's output grow far past its input.
constexpr BlockLimits kBlockLimits{.min_bytes = size_t{1} << 18, .max_lines = 4096};
// With acting plugins each batch written may cost a flush (quarantine_sqlite: a commit and
// an fsync) that no earlier one covered, and those flushes, not the moderation, bound the
// run: blocks of 1 MiB (and up to 16,384 lines) make about a quarter as many. Only then:
// without plugins 1 MiB blocks were 1-3% slower on two threads (measured; a block no
// longer sits in the cache the reader left it in when a worker starts on it).
constexpr BlockLimits kActingBlockLimits{.min_bytes = size_t{1} << 20, .max_lines = 16384};

// A batch: a block of whole input lines as the reader read them (workers split the
// lines themselves, where they lie), and the records they gave.
struct Batch {
  uint64_t seq = 0;
  uint64_t done_order = 0;  // 1 for the first batch scored, 2 for the next...
  LineBlock block;
  std::string out;

  // The block's buffer is kept: the reader's next NextBlock reuses its allocation.
  void clear() { out.clear(); }
};

// The hand-off between reader, workers and writer. One mutex, taken once per batch.
class BatchQueue {
 public:
  explicit BatchQueue(size_t capacity) {
    for (size_t i = 0; i < capacity; ++i) free_.push_back(std::make_unique<Batch>());
  }

  // Reader: a free batch to fill, or null when the run is aborted.
  Batch* AcquireFree() {
    std::unique_lock lock(mu_);
    free_cv_.wait(lock, [&] { return !free_.empty() || aborted_; });
    if (aborted_) return nullptr;
    Batch* b = free_.back().release();
    free_.pop_back();
    return b;
  }
  void PushWork(Batch* b) {
    {
      std::lock_guard lock(mu_);
      work_.push_back(b);
    }
    work_cv_.notify_one();
  }
  void CloseInput() {
    {
      std::lock_guard lock(mu_);
      input_closed_ = true;
    }
    work_cv_.notify_all();
    done_cv_.notify_all();
  }
  // Worker: the next batch to score, or null when there is no more work.
  Batch* PopWork() {
    std::unique_lock lock(mu_);
    work_cv_.wait(lock, [&] { return !work_.empty() || input_closed_ || aborted_; });
    if (work_.empty() || aborted_) return nullptr;
    Batch* b = work_.front();
    work_.pop_front();
    return b;
  }
  void PushDone(Batch* b) {
    {
      std::lock_guard lock(mu_);
      b->done_order = ++done_count_;
      done_[b->seq] = b;
    }
    done_cv_.notify_all();
  }
  // Writer: how many batches have been scored so far. Every batch with a done_order up to
  // this has finished all its plugin calls (its worker made them before PushDone).
  uint64_t DoneCount() {
    std::lock_guard lock(mu_);
    return done_count_;
  }
  // Writer: batch `seq` once it is scored; null when every batch has been written (the
  // reader produced `total` batches) or the run is aborted. Waits up to `timeout` and
  // returns null with *timed_out set, so the writer can report progress.
  Batch* PopDone(uint64_t seq, std::chrono::milliseconds timeout, bool* timed_out) {
    std::unique_lock lock(mu_);
    *timed_out = false;
    const bool ready = done_cv_.wait_for(lock, timeout, [&] {
      return done_.count(seq) || aborted_ || (input_closed_ && seq >= produced_);
    });
    if (!ready) {
      *timed_out = true;
      return nullptr;
    }
    auto it = done_.find(seq);
    if (it == done_.end()) return nullptr;
    Batch* b = it->second;
    done_.erase(it);
    return b;
  }
  void Recycle(Batch* b) {
    b->clear();
    {
      std::lock_guard lock(mu_);
      free_.emplace_back(b);
    }
    free_cv_.notify_one();
  }
  void CountProduced() {
    std::lock_guard lock(mu_);
    ++produced_;
  }
  void Abort() {
    {
      std::lock_guard lock(mu_);
      aborted_ = true;
    }
    free_cv_.notify_all();
    work_cv_.notify_all();
    done_cv_.notify_all();
  }
  ~BatchQueue() {
    for (Batch* b : work_) delete b;
    for (auto& [seq, b] : done_) delete b;
  }

 private:
  std::mutex mu_;
  std::condition_variable free_cv_, work_cv_, done_cv_;
  std::vector<std::unique_ptr<Batch>> free_;
  std::deque<Batch*> work_;
  std::map<uint64_t, Batch*> done_;
  uint64_t produced_ = 0;
  uint64_t done_count_ = 0;
  bool input_closed_ = false;
  bool aborted_ = false;
};

uint64_t FileSize(const std::string& path) {
  struct stat st;
  if (path == "-" || ::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return 0;
  return static_cast<uint64_t>(st.st_size);
}

}  // namespace

BatchScorer::BatchScorer(std::shared_ptr<const Generation> gen, BatchOptions options)
    : gen_(std::move(gen)), options_(std::move(options)) {
  if (options_.threads == 0) options_.threads = 1;
}

Status BatchScorer::CheckLastSkipped(const LineBlock& block, uint64_t nth, const std::string& path) const {
  if (options_.resume_last_id.empty()) return Status::Ok();
  LineBlockCursor lines(block, options_.max_line_bytes);
  Line line;
  for (uint64_t i = 0; i < nth; ++i) lines.Next(&line);
  Moderator moderator(gen_, options_.field_map, options_.max_line_bytes, nullptr);
  std::string record;
  RunStats scratch;
  moderator.ModerateLine(line, line.number, &record, &scratch);
  const std::string_view id = RecordIdField(record);
  if (id == options_.resume_last_id) return Status::Ok();
  return Status::InvalidArgument(
      "cannot resume: the output's last record (record " + std::to_string(options_.skip_lines) +
      ") is for comment " + options_.resume_last_id + ", but the input line it stands for, line " +
      std::to_string(line.number) + " of " + path + ", is comment " + std::string(id) +
      " (is the output from other inputs, or did they change?); score again without --resume");
}

Status BatchScorer::Run(const std::vector<std::string>& inputs, std::FILE* out, RunStats* stats) {
  const auto start = std::chrono::steady_clock::now();
  BatchQueue queue(options_.threads * 4);
  std::atomic<uint64_t> consumed{0};
  uint64_t total_bytes = 0;
  bool total_known = true;
  for (const auto& in : inputs) {
    const uint64_t size = FileSize(in);
    total_known &= size > 0;
    total_bytes += size;
  }

  const BlockLimits& limits = options_.plugins && options_.plugins->has_actors() ? kActingBlockLimits : kBlockLimits;

  // Reader: one batch at a time, in input order. Its status is read after join().
  Status read_status;
  interrupted_at_.clear();
  std::thread reader([&] {
    uint64_t seq = 0;
    uint64_t to_skip = options_.skip_lines;
    uint64_t consumed_before = 0;
    // A failed or interrupted input ends the run: where in it, and which inputs were
    // never read.
    auto unread = [&](size_t index) {
      std::string names;
      for (size_t i = index + 1; i < inputs.size(); ++i) names += (i == index + 1 ? "; not read: " : ", ") + inputs[i];
      return names;
    };
    auto stopped = [&](const Status& why, size_t index, const std::string& where) {
      read_status = why.Annotated(where + unread(index));
    };
    auto stop_requested = [&] { return options_.stop && options_.stop->load(std::memory_order_relaxed); };
    // on_resume_checked, once, before the first batch goes out (or at the end of a run
    // that skipped every line); false when it failed.
    bool resume_checked = false;
    auto resume_ready = [&]() -> bool {
      if (resume_checked) return true;
      resume_checked = true;
      if (!options_.on_resume_checked) return true;
      if (Status s = options_.on_resume_checked(); !s.ok()) {
        read_status = s;
        return false;
      }
      return true;
    };
    for (size_t index = 0; index < inputs.size(); ++index) {
      const std::string& path = inputs[index];
      auto opened = LineReader::Open(path, options_.max_line_bytes);
      if (!opened.ok()) {
        stopped(opened.status(), index, "");
        break;
      }
      LineReader& lr = **opened;
      Batch* batch = nullptr;
      for (;;) {
        if (stop_requested()) {
          interrupted_at_ = "after line " + std::to_string(lr.lines()) + " of " + path + unread(index);
          break;
        }
        batch = queue.AcquireFree();
        if (!batch) break;
        bool more;
        Status resumable;
        do {
          more = lr.NextBlock(&batch->block, limits);
          if (more && to_skip > 0) {
            if (to_skip <= batch->block.lines) resumable = CheckLastSkipped(batch->block, to_skip, path);
            to_skip -= batch->block.DropFront(to_skip);
          }
        } while (more && batch->block.lines == 0 && resumable.ok());
        consumed.store(consumed_before + lr.consumed_bytes(), std::memory_order_relaxed);
        if (!resumable.ok()) {
          read_status = resumable;
          queue.Recycle(batch);
          batch = nullptr;
          break;
        }
        if (!more) {
          queue.Recycle(batch);
          break;
        }
        if (!resume_ready()) {
          queue.Recycle(batch);
          batch = nullptr;
          break;
        }
        batch->seq = seq++;
        queue.CountProduced();
        queue.PushWork(batch);
      }
      consumed_before += lr.consumed_bytes();
      if (!lr.status().ok()) {
        stopped(lr.status(), index,
                "; stopped after line " + std::to_string(lr.lines()) + " of it (a partial line after that has no record)");
        break;
      }
      if (!batch || !interrupted_at_.empty()) break;  // aborted, or asked to stop
    }
    if (to_skip == 0 && read_status.ok() && interrupted_at_.empty()) resume_ready();
    if (to_skip > 0 && read_status.ok() && interrupted_at_.empty()) {
      read_status = Status::InvalidArgument(
          "cannot resume: the output already has " + std::to_string(options_.skip_lines) +
          " records but the inputs have only " + std::to_string(options_.skip_lines - to_skip) +
          " lines (is it the output of other inputs?)");
    }
    queue.CloseInput();
  });

  // Each worker's counts on cache lines of their own: a worker updates its RunStats for
  // every comment, and side by side in a vector (104 bytes each) two workers' counts
  // shared a line, which then bounced between the cores (perf, -t 2: RunStats::Count
  // took 2.9% of the samples for 0.5% of the instructions). 128: the adjacent-line
  // prefetcher fetches lines in pairs.
  struct alignas(128) WorkerStats {
    RunStats stats;
  };
  std::vector<WorkerStats> worker_stats(options_.threads);
  std::vector<std::thread> workers;
  for (size_t w = 0; w < options_.threads; ++w) {
    workers.emplace_back([&, w] {
      Moderator moderator(gen_, options_.field_map, options_.max_line_bytes, options_.plugins);
      Line line;
      while (Batch* b = queue.PopWork()) {
        LineBlockCursor lines(b->block, options_.max_line_bytes);
        while (lines.Next(&line)) {
          moderator.ModerateLine(line, line.number, &b->out, &worker_stats[w].stats);
        }
        queue.PushDone(b);
      }
    });
  }

  // Writer: this thread.
  Status write_status;
  BatchProgress progress;
  progress.total_bytes = total_known ? total_bytes : 0;
  auto last_report = start;
  uint64_t next = 0;
  uint64_t durable_through = 0;  // batches with done_order <= this are covered by a flush
  for (;;) {
    bool timed_out = false;
    Batch* b = queue.PopDone(next, std::chrono::milliseconds(200), &timed_out);
    if (b) {
      // Acting plugins (a quarantine store, say) make this batch's effects durable before
      // any of its records is written: a record on disk is never ahead of them. One flush
      // covers every batch scored before it began, so a batch that was already done when
      // an earlier flush started needs none: when the flushes (a commit and an fsync each)
      // are what holds the run back, the batches that finish during one are all covered by
      // the next, instead of each paying its own.
      if (options_.plugins && b->done_order > durable_through) {
        const uint64_t covering = queue.DoneCount();
        Status fs = options_.plugins->Flush();
        if (!fs.ok()) {
          write_status = Status::IoError(
              fs.message() + "; stopped before writing the records of lines " +
              std::to_string(b->block.first_number) + " and later");
          queue.Recycle(b);
          queue.Abort();
          break;
        }
        durable_through = covering;
      }
      if (std::fwrite(b->out.data(), 1, b->out.size(), out) != b->out.size()) {
        write_status = Status::IoError(std::string("cannot write output: ") + std::strerror(errno));
        queue.Recycle(b);
        queue.Abort();
        break;
      }
      progress.comments += b->block.lines;
      queue.Recycle(b);
      ++next;
    } else if (!timed_out) {
      break;  // all written
    }
    const auto now = std::chrono::steady_clock::now();
    if (progress_ && now - last_report >= std::chrono::milliseconds(200)) {
      last_report = now;
      progress.consumed_bytes = consumed.load(std::memory_order_relaxed);
      progress.seconds = std::chrono::duration<double>(now - start).count();
      progress_(progress);
    }
  }
  reader.join();
  for (auto& t : workers) t.join();
  if (write_status.ok() && std::fflush(out) != 0) {
    write_status = Status::IoError(std::string("cannot write output: ") + std::strerror(errno));
  }
  for (const WorkerStats& s : worker_stats) stats->Merge(s.stats);
  output_stopped_ = !write_status.ok();
  if (progress_) {
    progress.consumed_bytes = consumed.load();
    progress.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    progress_(progress);
  }
  if (!write_status.ok()) return write_status;
  return read_status;
}

}  // namespace decorum
