// QuarantineStore: the SQLite database of comments held for review (SPEC §8, §10). It owns
// the schema (schema.sql) and every query, so the quarantine_sqlite plugin that writes it
// and `decorum review` that reads and reviews it agree on one definition.
//
// Durability: the database runs in WAL mode with synchronous=FULL, so a transaction that
// committed survives a crash or a power loss. InsertBatch commits its whole batch in one
// transaction or nothing of it.
//
// Idempotence: the engine delivers a held comment at least once (a `score --resume`
// redoes what was stored past the output's end, a failed flush is retried, a dump may be
// scored twice), so InsertBatch stores a comment only if no row already holds it with the
// same decision record; a different record for the same comment (other rules, another
// score) is a new row.
//
// Errors are Status values whose message names the database file and says what went
// wrong in words a reviewer or an operator can act on ("/var/lib/decorum/q.db: database or
// disk is full"). Other processes may use the same file at the same time (the daemon
// inserts while reviewers review); a lock held longer than busy_timeout_ms is an error.
//
// Thread safety: none. A QuarantineStore is one SQLite connection; the caller serializes
// every call (the plugin holds a mutex). Several stores, in one process or several, may
// open the same file.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "decorum/status.h"

struct sqlite3;

namespace decorum::quarantine {

// The schema version (PRAGMA user_version) this build creates and reads. A database with
// a newer version is refused rather than misread; an older one is migrated when opened
// writable (version 1 -> 2: the record_key column and its index, see schema.sql).
inline constexpr int kSchemaVersion = 2;

enum class ReviewStatus { kPending, kApproved, kRejected };

// "pending", "approved", "rejected".
std::string_view ReviewStatusName(ReviewStatus s);
// The inverse of ReviewStatusName; nullopt for anything else.
std::optional<ReviewStatus> ParseReviewStatus(std::string_view name);

// One held comment: a row of held_comments.
struct HeldComment {
  int64_t seq = 0;             // assigned by InsertBatch; ignored on insert
  std::string comment_id;
  std::string author;          // empty when the comment had none
  std::string thread;
  std::string targets;         // watchlist ids mentioned, space-separated
  std::string action;          // "quarantine" or "escalate"
  double score = 0;
  std::string text;
  std::string decision;        // the decision record JSON, exactly as the engine wrote it
  std::string ruleset;
  int64_t stored_at_ms = 0;    // epoch ms, set by the caller
  // The latest review; ignored on insert (a new row is pending).
  ReviewStatus status = ReviewStatus::kPending;
  std::string reviewer;        // empty while pending
  std::string note;
  int64_t reviewed_at_ms = 0;  // 0 while pending
};

// One review action, as appended to review_log.
struct ReviewEntry {
  int64_t seq = 0;
  ReviewStatus status = ReviewStatus::kApproved;  // approved or rejected
  std::string reviewer;
  std::string note;
  int64_t at_ms = 0;
};

// A held comment and every review it has had, oldest first.
struct HeldRecord {
  HeldComment comment;
  std::vector<ReviewEntry> history;
};

// What InsertBatch did with a batch: stored + already_held is the batch's size.
struct InsertCounts {
  size_t stored = 0;        // appended as new pending rows
  size_t already_held = 0;  // held already (by an earlier batch or earlier in this one): skipped
};

struct ListQuery {
  std::optional<ReviewStatus> status;  // nullopt: every status
  int64_t after_seq = 0;               // only rows with a larger seq (paging)
  size_t limit = 0;                    // 0: no limit
};

class QuarantineStore {
 public:
  enum class OpenMode {
    // Creates the file and the schema when missing (the plugin). Refuses a file that is
    // read-only to this process, since nothing could be stored in it.
    kCreate,
    // The file must exist and hold a quarantine schema; it is never created (`decorum
    // review`: a mistyped path must not leave an empty database behind). Opened read-write
    // when the file is writable, read-only otherwise, so a reviewer without write access
    // can still list the queue. A WAL database that no process has open, in a directory
    // this process cannot write, has no -shm index for SQLite to use and none can be made;
    // with no -wal file either, every committed transaction is in the database file
    // itself, so it is then read as an immutable file (a writer that starts and
    // checkpoints during that one read could show a torn listing: run it again).
    kExisting,
  };

  struct Options {
    OpenMode mode = OpenMode::kCreate;
    int busy_timeout_ms = 5000;  // how long a call waits for another process's lock
    // A cap on the database's size in bytes (rounded down to whole pages; 0: none). Past
    // it, inserts fail as on a full disk, which keeps a runaway queue from filling a disk
    // that other services share. Never below the current size.
    uint64_t max_bytes = 0;
  };

  // Opens (and in kCreate mode, creates) the database at `path`. Fails, with a message
  // naming the file, when it cannot be opened, is not an SQLite database, belongs to
  // another application, has a newer schema version, or (kCreate) is read-only. A database
  // of an older schema version is migrated first, in one transaction, in either mode
  // (rows and reviews are kept as they are); a read-only one (kExisting) is read as it is,
  // and InsertBatch and Review on it fail, saying it is read-only.
  static Result<std::unique_ptr<QuarantineStore>> Open(const std::string& path,
                                                       const Options& options);

  ~QuarantineStore();
  QuarantineStore(const QuarantineStore&) = delete;
  QuarantineStore& operator=(const QuarantineStore&) = delete;

  // Appends every comment of `batch` as a pending row, in order, in one transaction: on
  // success all are durable; on failure none was stored and the database is unchanged.
  // An empty batch is a no-op.
  //
  // A comment already held is skipped, whatever its row's status (a reviewed row keeps
  // its review): "already held" means a row with the same comment_id, author, thread,
  // targets, action, score, text, decision and ruleset — everything but seq, stored_at
  // and the review — whether it was stored by an earlier call, by another process, or
  // earlier in this batch. Rows written without InsertBatch (no record_key) never match.
  // REQUIRES: the store was opened writable (kCreate, or kExisting on a writable file).
  Result<InsertCounts> InsertBatch(const std::vector<HeldComment>& batch);

  // Rows matching `query`, by ascending seq (the oldest first: the review queue's order).
  Result<std::vector<HeldComment>> List(const ListQuery& query);

  // How many rows have `status` (nullopt: all rows).
  Result<int64_t> Count(std::optional<ReviewStatus> status);

  // The row `seq` and its review history. NotFound when there is no such row.
  Result<HeldRecord> Get(int64_t seq);

  // Reviews every row of `seqs` as `verdict` (kApproved or kRejected) by `reviewer`, with
  // an optional `note`, in one transaction: updates each row's latest review and appends
  // to review_log. A row may be reviewed again (an appeal); the log keeps every review.
  // All or nothing: an unknown seq (NotFound), an empty reviewer or a pending verdict
  // (InvalidArgument) changes nothing. On success returns each row's status before the
  // review, in the order of `seqs`.
  Result<std::vector<ReviewStatus>> Review(const std::vector<int64_t>& seqs,
                                           ReviewStatus verdict, std::string_view reviewer,
                                           std::string_view note);

  const std::string& path() const { return path_; }

 private:
  QuarantineStore(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}

  Status Configure(const Options& options);
  Status CreateSchema();
  // Brings a database of schema version `from` (< kSchemaVersion) up to kSchemaVersion.
  Status Migrate(int from);
  Result<int> ReadSchemaVersion();
  Result<int64_t> TableCount();
  // A Status for the failed SQLite call that returned `rc`, naming the file; `what` says
  // what was being done ("storing 12 held comments").
  Status Error(int rc, std::string_view what) const;
  Status Exec(const char* sql, std::string_view what);
  Status NewerVersionError(int version) const;
  void RollbackIfOpen();

  std::string path_;
  sqlite3* db_;
  int busy_timeout_ms_ = 0;
};

}  // namespace decorum::quarantine
