#include "quarantine_sqlite/quarantine_store.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iterator>

#include "quarantine_sqlite/schema.h"

namespace decorum::quarantine {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Whether a connection to `path` (opened read-write, which SQLite makes read-only when the
// file is) cannot read it the usual way and should read it as an immutable file: a WAL
// database that no process has open (SQLite removed its -wal and -shm at the last close)
// in a directory this process cannot write, where SQLite can neither create the -shm
// index nor read without it. Only a WAL file (header bytes 18 and 19 are 2) with neither
// a -wal nor a -journal beside it: then every committed transaction is in the database
// file, and reading it alone misses nothing (a rollback journal would hold a crashed
// transaction's undo, which an immutable read ignores). Any other failure is left to the
// normal path to report.
bool NeedsImmutableRead(sqlite3* db, const std::string& path) {
  const int rc = sqlite3_exec(db, "PRAGMA user_version", nullptr, nullptr, nullptr);
  if ((rc & 0xff) != SQLITE_READONLY && (rc & 0xff) != SQLITE_CANTOPEN) return false;
  struct stat st;
  for (const char* suffix : {"-wal", "-journal"}) {
    const std::string beside = path + suffix;
    if (::stat(beside.c_str(), &st) == 0 || errno != ENOENT) return false;
  }
  unsigned char header[20] = {};
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  const bool read = std::fread(header, 1, sizeof(header), f) == sizeof(header);
  std::fclose(f);
  return read && header[18] == 2 && header[19] == 2;
}

// "file:///var/lib/q%3F.db?immutable=1": `path` percent-encoded (a URI's path may hold
// neither '?' nor '#', and '%' starts an escape). An absolute path gets an empty
// authority ("file://" + "/..."), so one starting with "//" is not read as a host.
std::string ImmutableUri(const std::string& path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string uri = !path.empty() && path[0] == '/' ? "file://" : "file:";
  for (const unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '.' || c == '-' || c == '_' || c == '~') {
      uri += static_cast<char>(c);
    } else {
      uri += '%';
      uri += kHex[c >> 4];
      uri += kHex[c & 0xf];
    }
  }
  return uri + "?immutable=1";
}

// A prepared statement that finalizes itself. A failed prepare or bind is remembered and
// returned by the next Step(), so call sites check one return code.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) {
    rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr);
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // SQLITE_STATIC: the caller keeps `s` alive until the statement is reset or finalized.
  void BindText(int i, std::string_view s) {
    // A null data pointer would bind NULL, which NOT NULL columns refuse: bind "" instead.
    Check(sqlite3_bind_text64(stmt_, i, s.empty() ? "" : s.data(), s.size(), SQLITE_STATIC,
                              SQLITE_UTF8));
  }
  void BindInt(int i, int64_t v) { Check(sqlite3_bind_int64(stmt_, i, v)); }
  void BindDouble(int i, double v) { Check(sqlite3_bind_double(stmt_, i, v)); }

  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return rc_ != SQLITE_OK ? rc_ : sqlite3_step(stmt_); }
  void Reset() { sqlite3_reset(stmt_); }

  // Column values of the current row. Text keeps embedded NUL bytes; NULL reads as "".
  std::string Text(int i) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, i));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, i))) : std::string();
  }
  int64_t Int(int i) const { return sqlite3_column_int64(stmt_, i); }
  double Double(int i) const { return sqlite3_column_double(stmt_, i); }

 private:
  void Check(int rc) {
    if (rc_ == SQLITE_OK) rc_ = rc;
  }
  sqlite3_stmt* stmt_ = nullptr;
  int rc_ = SQLITE_OK;
};

// record_key (schema.sql): FNV-1a 64 over the comment id, text and decision record, each
// prefixed with its length so that bytes moved from one field to the next change the key.
// It is stored, so it must not change between builds or machines (std::hash may); it only
// narrows the search, so a collision costs a comparison, never a comment. Not the engine's
// Fnv1a64: the store links nothing of the engine (CMakeLists.txt).
int64_t RecordKey(std::string_view comment_id, std::string_view text, std::string_view decision) {
  uint64_t h = 0xcbf29ce484222325ULL;
  auto add = [&h](std::string_view bytes) {
    const uint64_t n = bytes.size();
    for (int i = 0; i < 8; ++i) {
      h = (h ^ ((n >> (8 * i)) & 0xff)) * 0x100000001b3ULL;
    }
    for (unsigned char c : bytes) h = (h ^ c) * 0x100000001b3ULL;
  };
  add(comment_id);
  add(text);
  add(decision);
  return static_cast<int64_t>(h);
}

std::string_view ValueText(sqlite3_value* v) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(v));
  return p ? std::string_view(p, static_cast<size_t>(sqlite3_value_bytes(v))) : std::string_view();
}

// quarantine_record_key(comment_id, text, decision): RecordKey in SQL, for the migration
// that keys the rows stored before record_key existed. Registered on the store's own
// connection only; the schema never refers to it, so any SQLite shell can still write.
void RecordKeySql(sqlite3_context* ctx, int /*argc*/, sqlite3_value** argv) {
  sqlite3_result_int64(ctx, RecordKey(ValueText(argv[0]), ValueText(argv[1]), ValueText(argv[2])));
}

// kMigrations[v] brings a database of schema version v to v + 1, setting user_version
// itself; a version 0 (empty) database gets schema.sql instead. Each step runs in the
// transaction Migrate() holds, so a database is never left between versions.
constexpr const char* kMigrations[] = {
    nullptr,
    // 1 -> 2: at-least-once delivery stored duplicates; record_key finds them (schema.sql).
    // Rows stored before, duplicates included, are kept as they are: some were reviewed,
    // and a seq must keep meaning the comment it named.
    "ALTER TABLE held_comments ADD COLUMN record_key INTEGER;"
    "UPDATE held_comments SET record_key = quarantine_record_key(comment_id, text, decision);"
    "CREATE INDEX held_comments_by_record_key ON held_comments (record_key);"
    "PRAGMA user_version = 2;",
};
static_assert(std::size(kMigrations) == kSchemaVersion, "a schema version without a migration");

// The columns of held_comments in the order ReadHeld() expects.
constexpr const char* kHeldColumns =
    "seq, comment_id, author, thread, targets, action, score, text, decision, ruleset, "
    "stored_at, status, reviewer, note, reviewed_at";

HeldComment ReadHeld(const Statement& st) {
  HeldComment h;
  h.seq = st.Int(0);
  h.comment_id = st.Text(1);
  h.author = st.Text(2);
  h.thread = st.Text(3);
  h.targets = st.Text(4);
  h.action = st.Text(5);
  h.score = st.Double(6);
  h.text = st.Text(7);
  h.decision = st.Text(8);
  h.ruleset = st.Text(9);
  h.stored_at_ms = st.Int(10);
  // The CHECK constraint admits nothing else; a hand-edited row reads as pending.
  h.status = ParseReviewStatus(st.Text(11)).value_or(ReviewStatus::kPending);
  h.reviewer = st.Text(12);
  h.note = st.Text(13);
  h.reviewed_at_ms = st.Int(14);
  return h;
}

}  // namespace

std::string_view ReviewStatusName(ReviewStatus s) {
  switch (s) {
    case ReviewStatus::kPending: return "pending";
    case ReviewStatus::kApproved: return "approved";
    case ReviewStatus::kRejected: return "rejected";
  }
  return "pending";
}

std::optional<ReviewStatus> ParseReviewStatus(std::string_view name) {
  if (name == "pending") return ReviewStatus::kPending;
  if (name == "approved") return ReviewStatus::kApproved;
  if (name == "rejected") return ReviewStatus::kRejected;
  return std::nullopt;
}

Result<std::unique_ptr<QuarantineStore>> QuarantineStore::Open(const std::string& path,
                                                               const Options& options) {
  if (path.empty()) return Status::InvalidArgument("the quarantine database path is empty");
  if (options.mode == OpenMode::kExisting) {
    // SQLite would report a missing file as "unable to open database file"; say which.
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
      const int e = errno;
      if (e == ENOENT) {
        return Status::NotFound(path + ": no such quarantine database (it is created by the "
                                       "quarantine_sqlite plugin, never by decorum review)");
      }
      return Status::IoError(path + ": cannot open database: " + std::strerror(e));
    }
    if (S_ISDIR(st.st_mode)) return Status::InvalidArgument(path + ": is a directory, not a database");
  }
  int flags = SQLITE_OPEN_READWRITE;
  if (options.mode == OpenMode::kCreate) flags |= SQLITE_OPEN_CREATE;
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc == SQLITE_OK && options.mode == OpenMode::kExisting && NeedsImmutableRead(db, path)) {
    sqlite3_close_v2(db);
    db = nullptr;
    rc = sqlite3_open_v2(ImmutableUri(path).c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
                         nullptr);
  }
  // The store owns the handle from here, even when the open failed (SQLite allocates one
  // to carry the error).
  std::unique_ptr<QuarantineStore> store(new QuarantineStore(path, db));
  if (rc != SQLITE_OK) return store->Error(rc, "");
  if (Status s = store->Configure(options); !s.ok()) return s;
  return {std::move(store)};
}

QuarantineStore::~QuarantineStore() { sqlite3_close_v2(db_); }

Status QuarantineStore::Configure(const Options& options) {
  sqlite3_extended_result_codes(db_, 1);
  busy_timeout_ms_ = options.busy_timeout_ms;
  sqlite3_busy_timeout(db_, options.busy_timeout_ms);
  const bool read_only = sqlite3_db_readonly(db_, "main") == 1;
  if (options.mode == OpenMode::kCreate && read_only) return Error(SQLITE_READONLY, "");

  // The first read of the file: where a file that is not a database shows.
  Result<int> version = ReadSchemaVersion();
  if (!version.ok()) return version.status();
  if (*version == 0) {
    Result<int64_t> tables = TableCount();
    if (!tables.ok()) return tables.status();
    if (*tables > 0) {
      return Status::InvalidArgument(
          path_ + ": an SQLite database of another application (it has tables but no "
                  "quarantine schema version); refusing to touch it");
    }
    if (options.mode == OpenMode::kExisting) {
      return Status::InvalidArgument(path_ + ": not a quarantine database (it is empty; the "
                                             "quarantine_sqlite plugin creates the schema)");
    }
  }
  if (*version > kSchemaVersion) return NewerVersionError(*version);
  // WAL before the schema: the mode is persistent, and a change of mode cannot happen
  // inside a transaction. WAL lets reviewers read while the daemon writes, and with
  // synchronous=FULL a committed transaction survives a power loss.
  if (!read_only) {
    Statement wal(db_, "PRAGMA journal_mode=WAL");
    const int rc = wal.Step();
    if (rc != SQLITE_ROW) return Error(rc, "switching to WAL journal mode");
    if (wal.Text(0) != "wal") {
      return Status::IoError(path_ + ": cannot use WAL journal mode (got '" + wal.Text(0) +
                             "'; the file system may not support it)");
    }
  }
  if (Status s = Exec("PRAGMA synchronous=FULL", "configuring durability"); !s.ok()) return s;
  if (Status s = Exec("PRAGMA foreign_keys=ON", "configuring it"); !s.ok()) return s;
  if (*version == 0) {
    if (Status s = CreateSchema(); !s.ok()) return s;
  } else if (*version < kSchemaVersion && !read_only) {
    // A read-only file stays as it is: every query but InsertBatch reads the old schema.
    if (Status s = Migrate(*version); !s.ok()) return s;
  }
  if (options.max_bytes > 0) {
    Statement page(db_, "PRAGMA page_size");
    const int rc = page.Step();
    if (rc != SQLITE_ROW) return Error(rc, "reading the page size");
    const int64_t page_size = page.Int(0) > 0 ? page.Int(0) : 4096;
    const uint64_t pages = std::max<uint64_t>(1, options.max_bytes / static_cast<uint64_t>(page_size));
    const std::string sql = "PRAGMA max_page_count=" + std::to_string(pages);
    Statement cap(db_, sql.c_str());
    const int crc = cap.Step();
    if (crc != SQLITE_ROW && crc != SQLITE_DONE) return Error(crc, "setting the size cap");
  }
  return Status::Ok();
}

Result<int> QuarantineStore::ReadSchemaVersion() {
  Statement st(db_, "PRAGMA user_version");
  const int rc = st.Step();
  if (rc != SQLITE_ROW) return Error(rc, "reading the schema version");
  return static_cast<int>(st.Int(0));
}

Result<int64_t> QuarantineStore::TableCount() {
  Statement st(db_, "SELECT count(*) FROM sqlite_master WHERE type = 'table'");
  const int rc = st.Step();
  if (rc != SQLITE_ROW) return Error(rc, "reading the schema");
  return st.Int(0);
}

Status QuarantineStore::CreateSchema() {
  if (Status s = Exec("BEGIN IMMEDIATE", "creating the schema"); !s.ok()) return s;
  // Another process (a second engine starting at the same time) may have created the
  // schema while this one waited for the write lock.
  Result<int> version = ReadSchemaVersion();
  Result<int64_t> tables = version.ok() ? TableCount() : Result<int64_t>(version.status());
  if (!tables.ok()) {
    RollbackIfOpen();
    return tables.status();
  }
  if (*version == 0 && *tables == 0) {
    char* err = nullptr;
    const int rc = sqlite3_exec(db_, kSchemaSql, nullptr, nullptr, &err);
    sqlite3_free(err);  // Error() reads the same message from the handle
    if (rc != SQLITE_OK) {
      Status s = Error(rc, "creating the schema");
      RollbackIfOpen();
      return s;
    }
  }
  if (Status s = Exec("COMMIT", "creating the schema"); !s.ok()) {
    RollbackIfOpen();
    return s;
  }
  version = ReadSchemaVersion();
  if (!version.ok()) return version.status();
  if (*version != kSchemaVersion) {
    return Status::Internal(path_ + ": schema.sql set version " + std::to_string(*version) +
                            ", expected " + std::to_string(kSchemaVersion));
  }
  return Status::Ok();
}

Status QuarantineStore::Migrate(int from) {
  const std::string what = "migrating the schema from version " + std::to_string(from) + " to " +
                           std::to_string(kSchemaVersion);
  const int rc = sqlite3_create_function_v2(
      db_, "quarantine_record_key", 3, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY,
      nullptr, &RecordKeySql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return Error(rc, what);
  if (Status s = Exec("BEGIN IMMEDIATE", what); !s.ok()) return s;
  // Another process (an engine, a `decorum review`) may have migrated it while this one
  // waited for the write lock: start from the version found under the lock.
  Result<int> version = ReadSchemaVersion();
  Status result = version.status();
  if (result.ok() && *version > kSchemaVersion) result = NewerVersionError(*version);
  for (int v = result.ok() ? *version : kSchemaVersion; result.ok() && v < kSchemaVersion; ++v) {
    result = Exec(kMigrations[v], what);
  }
  if (result.ok()) result = Exec("COMMIT", what);
  if (!result.ok()) {
    RollbackIfOpen();
    return result;
  }
  return Status::Ok();
}

Result<InsertCounts> QuarantineStore::InsertBatch(const std::vector<HeldComment>& batch) {
  InsertCounts counts;
  if (batch.empty()) return counts;
  const std::string what = "storing " + std::to_string(batch.size()) + " held comment" +
                           (batch.size() == 1 ? "" : "s");
  // Said first: an unmigrated read-only file would otherwise fail on the schema.
  if (sqlite3_db_readonly(db_, "main") == 1) return Error(SQLITE_READONLY, what);
  // IMMEDIATE takes the write lock up front, so waiting for another writer happens here
  // (bounded by busy_timeout) and not halfway through the batch.
  if (Status s = Exec("BEGIN IMMEDIATE", what); !s.ok()) return s;
  {
    // The comparison of every column, not the key alone, decides: the key is a hash.
    Statement ins(db_,
                  "INSERT INTO held_comments (comment_id, author, thread, targets, action, score, "
                  "text, decision, ruleset, stored_at, record_key) SELECT ?1, ?2, ?3, ?4, ?5, ?6, "
                  "?7, ?8, ?9, ?10, ?11 WHERE NOT EXISTS (SELECT 1 FROM held_comments WHERE "
                  "record_key = ?11 AND comment_id = ?1 AND author = ?2 AND thread = ?3 AND "
                  "targets = ?4 AND action = ?5 AND score = ?6 AND text = ?7 AND decision = ?8 "
                  "AND ruleset = ?9)");
    for (const HeldComment& h : batch) {
      ins.BindText(1, h.comment_id);
      ins.BindText(2, h.author);
      ins.BindText(3, h.thread);
      ins.BindText(4, h.targets);
      ins.BindText(5, h.action);
      ins.BindDouble(6, h.score);
      ins.BindText(7, h.text);
      ins.BindText(8, h.decision);
      ins.BindText(9, h.ruleset);
      ins.BindInt(10, h.stored_at_ms);
      ins.BindInt(11, RecordKey(h.comment_id, h.text, h.decision));
      const int rc = ins.Step();
      if (rc != SQLITE_DONE) {
        Status s = Error(rc, what);
        ins.Reset();
        RollbackIfOpen();
        return s;
      }
      // No row changed: NOT EXISTS found the comment already held.
      if (sqlite3_changes(db_) > 0) {
        ++counts.stored;
      } else {
        ++counts.already_held;
      }
      ins.Reset();
    }
  }
  if (Status s = Exec("COMMIT", what); !s.ok()) {
    RollbackIfOpen();
    return s;
  }
  return counts;
}

Result<std::vector<HeldComment>> QuarantineStore::List(const ListQuery& query) {
  // Two statements rather than "(?1 IS NULL OR status = ?1)", which would keep SQLite
  // from using the (status, seq) index.
  const std::string sql = std::string("SELECT ") + kHeldColumns + " FROM held_comments WHERE " +
                          (query.status ? "status = ?1 AND " : "") +
                          "seq > ?2 ORDER BY seq LIMIT ?3";
  Statement st(db_, sql.c_str());
  const std::string_view status = query.status ? ReviewStatusName(*query.status) : "";
  if (query.status) st.BindText(1, status);
  st.BindInt(2, query.after_seq);
  st.BindInt(3, query.limit == 0 ? -1 : static_cast<int64_t>(query.limit));
  std::vector<HeldComment> rows;
  int rc;
  while ((rc = st.Step()) == SQLITE_ROW) rows.push_back(ReadHeld(st));
  if (rc != SQLITE_DONE) return Error(rc, "listing held comments");
  return rows;
}

Result<int64_t> QuarantineStore::Count(std::optional<ReviewStatus> status) {
  Statement st(db_, status ? "SELECT count(*) FROM held_comments WHERE status = ?1"
                           : "SELECT count(*) FROM held_comments");
  const std::string_view name = status ? ReviewStatusName(*status) : "";
  if (status) st.BindText(1, name);
  const int rc = st.Step();
  if (rc != SQLITE_ROW) return Error(rc, "counting held comments");
  return st.Int(0);
}

Result<HeldRecord> QuarantineStore::Get(int64_t seq) {
  const std::string what = "reading seq " + std::to_string(seq);
  // One read transaction, so the row and its history are from the same moment.
  if (Status s = Exec("BEGIN", what); !s.ok()) return s;
  HeldRecord record;
  Status result;
  {
    const std::string sql = std::string("SELECT ") + kHeldColumns + " FROM held_comments WHERE seq = ?1";
    Statement row(db_, sql.c_str());
    row.BindInt(1, seq);
    int rc = row.Step();
    if (rc == SQLITE_ROW) {
      record.comment = ReadHeld(row);
      Statement log(db_,
                    "SELECT seq, status, reviewer, note, at FROM review_log WHERE seq = ?1 "
                    "ORDER BY id");
      log.BindInt(1, seq);
      while ((rc = log.Step()) == SQLITE_ROW) {
        ReviewEntry e;
        e.seq = log.Int(0);
        e.status = ParseReviewStatus(log.Text(1)).value_or(ReviewStatus::kApproved);
        e.reviewer = log.Text(2);
        e.note = log.Text(3);
        e.at_ms = log.Int(4);
        record.history.push_back(std::move(e));
      }
      if (rc != SQLITE_DONE) result = Error(rc, what);
    } else if (rc == SQLITE_DONE) {
      result = Status::NotFound(path_ + ": no held comment with seq " + std::to_string(seq));
    } else {
      result = Error(rc, what);
    }
  }
  RollbackIfOpen();  // a read transaction: nothing to commit
  if (!result.ok()) return result;
  return record;
}

Result<std::vector<ReviewStatus>> QuarantineStore::Review(const std::vector<int64_t>& seqs,
                                                          ReviewStatus verdict,
                                                          std::string_view reviewer,
                                                          std::string_view note) {
  if (verdict == ReviewStatus::kPending) {
    return Status::InvalidArgument("a review approves or rejects; 'pending' is not a verdict");
  }
  if (reviewer.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Status::InvalidArgument("a review needs the reviewer's name (the log records who decided)");
  }
  if (seqs.empty()) return Status::InvalidArgument("no seq to review");
  const std::string what = "reviewing";
  if (sqlite3_db_readonly(db_, "main") == 1) return Error(SQLITE_READONLY, what);
  if (Status s = Exec("BEGIN IMMEDIATE", what); !s.ok()) return s;
  std::vector<ReviewStatus> previous;
  Status result;
  {
    Statement get(db_, "SELECT status FROM held_comments WHERE seq = ?1");
    Statement update(db_,
                     "UPDATE held_comments SET status = ?1, reviewer = ?2, note = ?3, "
                     "reviewed_at = ?4 WHERE seq = ?5");
    Statement log(db_,
                  "INSERT INTO review_log (seq, status, reviewer, note, at) VALUES (?1, ?2, ?3, "
                  "?4, ?5)");
    const std::string_view status = ReviewStatusName(verdict);
    const int64_t now = NowMs();
    for (int64_t seq : seqs) {
      get.BindInt(1, seq);
      int rc = get.Step();
      if (rc == SQLITE_DONE) {
        result = Status::NotFound(path_ + ": no held comment with seq " + std::to_string(seq) +
                                  "; nothing was reviewed");
        break;
      }
      if (rc != SQLITE_ROW) {
        result = Error(rc, what);
        break;
      }
      previous.push_back(ParseReviewStatus(get.Text(0)).value_or(ReviewStatus::kPending));
      get.Reset();
      update.BindText(1, status);
      update.BindText(2, reviewer);
      update.BindText(3, note);
      update.BindInt(4, now);
      update.BindInt(5, seq);
      rc = update.Step();
      update.Reset();
      if (rc == SQLITE_DONE) {
        log.BindInt(1, seq);
        log.BindText(2, status);
        log.BindText(3, reviewer);
        log.BindText(4, note);
        log.BindInt(5, now);
        rc = log.Step();
        log.Reset();
      }
      if (rc != SQLITE_DONE) {
        result = Error(rc, what);
        break;
      }
    }
  }
  if (result.ok()) result = Exec("COMMIT", what);
  if (!result.ok()) {
    RollbackIfOpen();
    return result;
  }
  return previous;
}

Status QuarantineStore::NewerVersionError(int version) const {
  return Status::InvalidArgument(path_ + ": quarantine schema version " + std::to_string(version) +
                                 " is newer than this build reads (" +
                                 std::to_string(kSchemaVersion) + "); upgrade decorum");
}

Status QuarantineStore::Exec(const char* sql, std::string_view what) {
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  return rc == SQLITE_OK ? Status::Ok() : Error(rc, what);
}

void QuarantineStore::RollbackIfOpen() {
  // After some errors (SQLITE_FULL, SQLITE_IOERR) SQLite has already rolled back; a
  // second ROLLBACK would fail, so ask first.
  if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

Status QuarantineStore::Error(int rc, std::string_view what) const {
  std::string msg = path_ + ": ";
  const char* sqlite_msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  Status::Code code = Status::Code::kIoError;
  switch (rc & 0xff) {
    case SQLITE_FULL:
      msg += "database or disk is full";
      break;
    case SQLITE_NOTADB:
      msg += "file is not a database";
      code = Status::Code::kCorrupt;
      break;
    case SQLITE_CORRUPT:
      msg += std::string("database is corrupt (") + sqlite_msg + ")";
      code = Status::Code::kCorrupt;
      break;
    case SQLITE_READONLY:
      msg += "database is read-only (the file or its directory is not writable by this "
             "process, or the file system is mounted read-only)";
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      msg += "database is locked by another connection (waited " +
             std::to_string(busy_timeout_ms_) + " ms)";
      break;
    case SQLITE_CANTOPEN: {
      const int e = db_ ? sqlite3_system_errno(db_) : 0;
      msg += "cannot open database";
      if (e != 0) msg += std::string(": ") + std::strerror(e);
      break;
    }
    case SQLITE_IOERR: {
      const int e = db_ ? sqlite3_system_errno(db_) : 0;
      msg += std::string("I/O error (") + sqlite_msg + ")";
      if (e != 0) msg += std::string(": ") + std::strerror(e);
      break;
    }
    default:
      msg += sqlite_msg;
      code = Status::Code::kInternal;
  }
  if (!what.empty()) msg += " (" + std::string(what) + ")";
  return code == Status::Code::kCorrupt ? Status::Corrupt(std::move(msg))
         : code == Status::Code::kInternal ? Status::Internal(std::move(msg))
                                           : Status::IoError(std::move(msg));
}

}  // namespace decorum::quarantine
