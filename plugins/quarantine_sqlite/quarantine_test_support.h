// What the quarantine_sqlite tests share: a scratch directory per test, a raw SQLite
// connection for looking at (and interfering with) a database behind the store's back,
// the way another process would, and the schema of an older version.
#pragma once

#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>

namespace decorum::quarantine::testing {

// A fresh directory, removed with everything in it at destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "quarantine_test.XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// A plain SQLite connection, as a second process would have. Throws on any error.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                        nullptr) != SQLITE_OK) {
      throw std::runtime_error("cannot open " + path);
    }
  }
  ~RawDb() { sqlite3_close_v2(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  void Exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "?";
      sqlite3_free(err);
      throw std::runtime_error(sql + ": " + msg);
    }
  }
  // The first column of the first row, as text ("" for NULL or no row).
  std::string Text(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      throw std::runtime_error(sql + ": " + sqlite3_errmsg(db_));
    }
    std::string out;
    const int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_text(st, 0)) {
      out.assign(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)),
                 static_cast<size_t>(sqlite3_column_bytes(st, 0)));
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) throw std::runtime_error(sql + ": step failed");
    return out;
  }
  long long Int(const std::string& sql) {
    const std::string t = Text(sql);
    return t.empty() ? 0 : std::stoll(t);
  }

 private:
  sqlite3* db_ = nullptr;
};

// The schema as version 1 made it (schema.sql before record_key), comments left out: the
// databases that the store must migrate.
inline constexpr const char* kSchemaVersion1Sql = R"sql(
CREATE TABLE held_comments (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  comment_id  TEXT    NOT NULL,
  author      TEXT    NOT NULL DEFAULT '',
  thread      TEXT    NOT NULL DEFAULT '',
  targets     TEXT    NOT NULL DEFAULT '',
  action      TEXT    NOT NULL CHECK (action IN ('quarantine', 'escalate')),
  score       REAL    NOT NULL,
  text        TEXT    NOT NULL,
  decision    TEXT    NOT NULL,
  ruleset     TEXT    NOT NULL,
  stored_at   INTEGER NOT NULL,
  status      TEXT    NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'approved', 'rejected')),
  reviewer    TEXT,
  note        TEXT,
  reviewed_at INTEGER
);
CREATE INDEX held_comments_by_status ON held_comments (status, seq);
CREATE TABLE review_log (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  seq      INTEGER NOT NULL REFERENCES held_comments (seq),
  status   TEXT    NOT NULL CHECK (status IN ('approved', 'rejected')),
  reviewer TEXT    NOT NULL,
  note     TEXT    NOT NULL DEFAULT '',
  at       INTEGER NOT NULL
);
CREATE INDEX review_log_by_seq ON review_log (seq, id);
PRAGMA user_version = 1;
)sql";

}  // namespace decorum::quarantine::testing
