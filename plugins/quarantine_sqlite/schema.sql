-- The quarantine store's schema, version 2 (plugins/quarantine_sqlite/README.md).
--
-- The one definition: quarantine_store.cc runs this text, in one transaction, on a new
-- database, and the integration tests seed their databases with it. Changing it means a
-- new version number below and a migration in QuarantineStore::Open, which must leave an
-- older database exactly as this text would have made it (version 1 -> 2: record_key,
-- appended last, and its index).

-- One row per comment the engine held (action quarantine or escalate), with the decision
-- record that held it, and where its review stands.
CREATE TABLE held_comments (
  -- AUTOINCREMENT: a seq is never reused, even after rows are purged, so a seq named in
  -- an appeal or an audit always means the same comment.
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  comment_id  TEXT    NOT NULL,            -- the comment's id, as the engine saw it
  author      TEXT    NOT NULL DEFAULT '',
  thread      TEXT    NOT NULL DEFAULT '',
  targets     TEXT    NOT NULL DEFAULT '', -- watchlist ids mentioned, space-separated
  action      TEXT    NOT NULL CHECK (action IN ('quarantine', 'escalate')),
  score       REAL    NOT NULL,
  text        TEXT    NOT NULL,
  decision    TEXT    NOT NULL,            -- the decision record, exactly as written
  ruleset     TEXT    NOT NULL,            -- the compiled rule set that decided
  stored_at   INTEGER NOT NULL,            -- epoch ms
  status      TEXT    NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'approved', 'rejected')),
  reviewer    TEXT,                        -- the latest review; NULL while pending
  note        TEXT,
  reviewed_at INTEGER,                     -- epoch ms
  -- Delivery is at least once (a --resume, a retried flush, a rerun hand the store the same
  -- decision again): a row is stored only if no row holds the same comment with the same
  -- decision record. This 64-bit hash of them (RecordKey in quarantine_store.cc) finds the
  -- candidates; the columns themselves decide, so a collision never drops a comment. NULL
  -- in rows written by other tools: they are never matched.
  record_key  INTEGER
);

-- The review queue is read by status, oldest first.
CREATE INDEX held_comments_by_status ON held_comments (status, seq);

-- Not UNIQUE: the key is a hash, and a database migrated from version 1 keeps the
-- duplicates stored before it (some of them reviewed, each with its own history).
CREATE INDEX held_comments_by_record_key ON held_comments (record_key);

-- Every review action ever taken, appended, never updated: re-reviews (appeals) keep the
-- whole history while held_comments shows the latest.
CREATE TABLE review_log (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  seq      INTEGER NOT NULL REFERENCES held_comments (seq),
  status   TEXT    NOT NULL CHECK (status IN ('approved', 'rejected')),
  reviewer TEXT    NOT NULL,
  note     TEXT    NOT NULL DEFAULT '',
  at       INTEGER NOT NULL               -- epoch ms
);

CREATE INDEX review_log_by_seq ON review_log (seq, id);

PRAGMA user_version = 2;
