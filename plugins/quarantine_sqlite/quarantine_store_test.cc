#include "quarantine_sqlite/quarantine_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "quarantine_sqlite/quarantine_test_support.h"

namespace decorum::quarantine {
namespace {

using testing::RawDb;
using testing::TempDir;

using Store = std::unique_ptr<QuarantineStore>;

Store OpenOrDie(const std::string& path,
                QuarantineStore::OpenMode mode = QuarantineStore::OpenMode::kCreate,
                uint64_t max_bytes = 0) {
  QuarantineStore::Options options;
  options.mode = mode;
  options.busy_timeout_ms = 50;
  options.max_bytes = max_bytes;
  auto store = QuarantineStore::Open(path, options);
  if (!store.ok()) ADD_FAILURE() << store.status().message();
  return store.ok() ? std::move(store).value() : nullptr;
}

Status OpenError(const std::string& path, QuarantineStore::OpenMode mode) {
  QuarantineStore::Options options;
  options.mode = mode;
  auto store = QuarantineStore::Open(path, options);
  return store.ok() ? Status::Ok() : store.status();
}

HeldComment Held(const std::string& id, const std::string& text = "you are a meanie") {
  HeldComment h;
  h.comment_id = id;
  h.author = "author-" + id;
  h.thread = "episode-7";
  h.targets = "pat-doe";
  h.action = "quarantine";
  h.score = 7.5;
  h.text = text;
  h.decision = "{\"id\":\"" + id + "\",\"action\":\"quarantine\",\"score\":7.5}";
  h.ruleset = "9f2c";
  h.stored_at_ms = 1700000000000;
  return h;
}

std::vector<int64_t> Seqs(const std::vector<HeldComment>& rows) {
  std::vector<int64_t> seqs;
  for (const auto& r : rows) seqs.push_back(r.seq);
  return seqs;
}

TEST(QuarantineStoreTest, CreatesTheSchemaInWalModeOnFirstOpen) {
  TempDir dir;
  const std::string path = dir.File("q.db");
  ASSERT_TRUE(OpenOrDie(path));
  RawDb raw(path);
  EXPECT_EQ(raw.Int("PRAGMA user_version"), kSchemaVersion);
  EXPECT_EQ(raw.Text("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(raw.Int("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                    "('held_comments', 'review_log')"),
            2);
  EXPECT_EQ(raw.Int("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = "
                    "'held_comments_by_status'"),
            1);
}

TEST(QuarantineStoreTest, InsertBatchRoundTripsEveryField) {
  TempDir dir;
  Store store = OpenOrDie(dir.File("q.db"));
  ASSERT_TRUE(store);
  std::vector<HeldComment> batch = {Held("c1"), Held("c2", "Ünïcödé 💃 — fine"),
                                    Held("c3", std::string("nul\0byte", 8))};
  batch[1].action = "escalate";
  batch[1].author = "";
  batch[2].score = -1.25;
  ASSERT_TRUE(store->InsertBatch(batch).ok());

  auto rows = store->List({});
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  ASSERT_EQ(rows->size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    const HeldComment& got = (*rows)[i];
    const HeldComment& want = batch[i];
    EXPECT_EQ(got.seq, static_cast<int64_t>(i + 1));
    EXPECT_EQ(got.comment_id, want.comment_id);
    EXPECT_EQ(got.author, want.author);
    EXPECT_EQ(got.thread, want.thread);
    EXPECT_EQ(got.targets, want.targets);
    EXPECT_EQ(got.action, want.action);
    EXPECT_EQ(got.score, want.score);
    EXPECT_EQ(got.text, want.text);
    EXPECT_EQ(got.decision, want.decision);
    EXPECT_EQ(got.ruleset, want.ruleset);
    EXPECT_EQ(got.stored_at_ms, want.stored_at_ms);
    EXPECT_EQ(got.status, ReviewStatus::kPending);
    EXPECT_EQ(got.reviewer, "");
    EXPECT_EQ(got.reviewed_at_ms, 0);
  }
  EXPECT_TRUE(store->InsertBatch({}).ok());
  EXPECT_EQ(store->Count(std::nullopt).value(), 3);
}

TEST(QuarantineStoreTest, RowsSurviveReopeningAnExistingDatabase) {
  TempDir dir;
  const std::string path = dir.File("q.db");
  {
    Store store = OpenOrDie(path);
    ASSERT_TRUE(store && store->InsertBatch({Held("c1"), Held("c2")}).ok());
  }
  Store again = OpenOrDie(path, QuarantineStore::OpenMode::kExisting);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->Count(ReviewStatus::kPending).value(), 2);
}

TEST(QuarantineStoreTest, ListFiltersByStatusAndPages) {
  TempDir dir;
  Store store = OpenOrDie(dir.File("q.db"));
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->InsertBatch({Held("c1"), Held("c2"), Held("c3"), Held("c4"), Held("c5")}).ok());
  ASSERT_TRUE(store->Review({2}, ReviewStatus::kApproved, "alice", "").ok());
  ASSERT_TRUE(store->Review({4}, ReviewStatus::kRejected, "alice", "").ok());

  ListQuery pending;
  pending.status = ReviewStatus::kPending;
  EXPECT_EQ(Seqs(store->List(pending).value()), (std::vector<int64_t>{1, 3, 5}));
  ListQuery approved;
  approved.status = ReviewStatus::kApproved;
  EXPECT_EQ(Seqs(store->List(approved).value()), (std::vector<int64_t>{2}));
  ListQuery first_two;
  first_two.limit = 2;
  EXPECT_EQ(Seqs(store->List(first_two).value()), (std::vector<int64_t>{1, 2}));
  ListQuery next_two;
  next_two.limit = 2;
  next_two.after_seq = 2;
  EXPECT_EQ(Seqs(store->List(next_two).value()), (std::vector<int64_t>{3, 4}));
  pending.after_seq = 3;
  EXPECT_EQ(Seqs(store->List(pending).value()), (std::vector<int64_t>{5}));

  EXPECT_EQ(store->Count(ReviewStatus::kPending).value(), 3);
  EXPECT_EQ(store->Count(ReviewStatus::kRejected).value(), 1);
  EXPECT_EQ(store->Count(std::nullopt).value(), 5);
}

TEST(QuarantineStoreTest, ReviewAndAppealKeepTheWholeHistory) {
  TempDir dir;
  Store store = OpenOrDie(dir.File("q.db"));
  ASSERT_TRUE(store && store->InsertBatch({Held("c1"), Held("c2")}).ok());

  auto first = store->Review({1}, ReviewStatus::kApproved, "alice", "satire, not abuse");
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ(*first, (std::vector<ReviewStatus>{ReviewStatus::kPending}));
  auto appeal = store->Review({1}, ReviewStatus::kRejected, "bob", "appeal: targets a person");
  ASSERT_TRUE(appeal.ok()) << appeal.status().message();
  EXPECT_EQ(*appeal, (std::vector<ReviewStatus>{ReviewStatus::kApproved}));

  auto record = store->Get(1);
  ASSERT_TRUE(record.ok()) << record.status().message();
  EXPECT_EQ(record->comment.status, ReviewStatus::kRejected);
  EXPECT_EQ(record->comment.reviewer, "bob");
  EXPECT_EQ(record->comment.note, "appeal: targets a person");
  EXPECT_GT(record->comment.reviewed_at_ms, 0);
  ASSERT_EQ(record->history.size(), 2u);
  EXPECT_EQ(record->history[0].status, ReviewStatus::kApproved);
  EXPECT_EQ(record->history[0].reviewer, "alice");
  EXPECT_EQ(record->history[0].note, "satire, not abuse");
  EXPECT_EQ(record->history[1].status, ReviewStatus::kRejected);
  EXPECT_EQ(record->history[1].reviewer, "bob");
  EXPECT_LE(record->history[0].at_ms, record->history[1].at_ms);

  auto untouched = store->Get(2);
  ASSERT_TRUE(untouched.ok());
  EXPECT_EQ(untouched->comment.status, ReviewStatus::kPending);
  EXPECT_TRUE(untouched->history.empty());
}

TEST(QuarantineStoreTest, ReviewOfSeveralIsAllOrNothing) {
  TempDir dir;
  Store store = OpenOrDie(dir.File("q.db"));
  ASSERT_TRUE(store && store->InsertBatch({Held("c1"), Held("c2")}).ok());
  auto bad = store->Review({1, 99, 2}, ReviewStatus::kApproved, "alice", "");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Status::Code::kNotFound);
  EXPECT_NE(bad.status().message().find("seq 99"), std::string::npos) << bad.status().message();
  EXPECT_EQ(store->Count(ReviewStatus::kPending).value(), 2) << "seq 1 must not have been approved";
  EXPECT_TRUE(store->Get(1)->history.empty());

  auto good = store->Review({1, 2}, ReviewStatus::kRejected, "alice", "spam wave");
  ASSERT_TRUE(good.ok()) << good.status().message();
  EXPECT_EQ(store->Count(ReviewStatus::kRejected).value(), 2);
}

TEST(QuarantineStoreTest, ReviewNeedsAReviewerAndAVerdict) {
  TempDir dir;
  Store store = OpenOrDie(dir.File("q.db"));
  ASSERT_TRUE(store && store->InsertBatch({Held("c1")}).ok());
  for (const char* reviewer : {"", "  \t"}) {
    auto r = store->Review({1}, ReviewStatus::kApproved, reviewer, "");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
    EXPECT_NE(r.status().message().find("reviewer"), std::string::npos) << r.status().message();
  }
  EXPECT_FALSE(store->Review({1}, ReviewStatus::kPending, "alice", "").ok());
  EXPECT_FALSE(store->Review({}, ReviewStatus::kApproved, "alice", "").ok());
  EXPECT_TRUE(store->Get(1)->history.empty());
}

TEST(QuarantineStoreTest, GetOfAnUnknownSeqIsNotFound) {
  TempDir dir;
  Store store = OpenOrDie(dir.File("q.db"));
  ASSERT_TRUE(store);
  auto r = store->Get(7);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kNotFound);
  EXPECT_NE(r.status().message().find("seq 7"), std::string::npos);
}

TEST(QuarantineStoreTest, RefusesANewerSchemaVersion) {
  TempDir dir;
  const std::string path = dir.File("future.db");
  {
    RawDb raw(path);
    raw.Exec("CREATE TABLE held_comments (seq INTEGER PRIMARY KEY); PRAGMA user_version = 99");
  }
  for (auto mode : {QuarantineStore::OpenMode::kCreate, QuarantineStore::OpenMode::kExisting}) {
    Status s = OpenError(path, mode);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.message().find(path), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("version 99 is newer"), std::string::npos) << s.message();
  }
}

TEST(QuarantineStoreTest, RefusesAFileThatIsNotADatabase) {
  TempDir dir;
  const std::string path = dir.File("notes.txt");
  const std::string garbage(8192, 'x');
  std::ofstream(path) << garbage;
  for (auto mode : {QuarantineStore::OpenMode::kCreate, QuarantineStore::OpenMode::kExisting}) {
    Status s = OpenError(path, mode);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.code(), Status::Code::kCorrupt);
    EXPECT_EQ(s.message().rfind(path + ": file is not a database", 0), 0u) << s.message();
  }
  std::ifstream in(path);
  std::string after((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(after, garbage) << "the file must be left alone";
}

TEST(QuarantineStoreTest, RefusesAnotherApplicationsDatabase) {
  TempDir dir;
  const std::string path = dir.File("other.db");
  {
    RawDb raw(path);
    raw.Exec("CREATE TABLE users (id INTEGER PRIMARY KEY)");
  }
  Status s = OpenError(path, QuarantineStore::OpenMode::kCreate);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("another application"), std::string::npos) << s.message();
  RawDb raw(path);
  EXPECT_EQ(raw.Int("SELECT count(*) FROM sqlite_master"), 1) << "no table may be added";
}

TEST(QuarantineStoreTest, ExistingModeNeverCreatesTheFile) {
  TempDir dir;
  const std::string path = dir.File("typo.db");
  Status s = OpenError(path, QuarantineStore::OpenMode::kExisting);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kNotFound);
  EXPECT_NE(s.message().find(path), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(path));

  std::ofstream(dir.File("empty.db")).close();
  Status empty = OpenError(dir.File("empty.db"), QuarantineStore::OpenMode::kExisting);
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.message().find("not a quarantine database"), std::string::npos) << empty.message();
  EXPECT_EQ(std::filesystem::file_size(dir.File("empty.db")), 0u);
}

TEST(QuarantineStoreTest, CannotOpenNamesTheFile) {
  TempDir dir;
  const std::string path = dir.File("no/such/dir/q.db");
  Status s = OpenError(path, QuarantineStore::OpenMode::kCreate);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message().rfind(path + ": cannot open database", 0), 0u) << s.message();
}

TEST(QuarantineStoreTest, AFullDatabaseFailsTheWholeBatchAndRecovers) {
  TempDir dir;
  const std::string path = dir.File("q.db");
  Store store = OpenOrDie(path, QuarantineStore::OpenMode::kCreate, 96 * 1024);
  ASSERT_TRUE(store);
  const std::string big(2000, 'z');
  int64_t stored = 0;
  Status failed;
  for (int round = 0; round < 100 && failed.ok(); ++round) {
    std::vector<HeldComment> batch;
    for (int i = 0; i < 10; ++i) {
      batch.push_back(Held("r" + std::to_string(round) + "-" + std::to_string(i), big));
    }
    failed = store->InsertBatch(batch).status();
    if (failed.ok()) stored += 10;
  }
  ASSERT_FALSE(failed.ok()) << "the size cap never triggered";
  EXPECT_EQ(failed.message().rfind(path + ": database or disk is full", 0), 0u) << failed.message();
  EXPECT_EQ(store->Count(std::nullopt).value(), stored) << "a failed batch must leave no row behind";

  // Room freed by another connection (a purge) is used by the next insert.
  RawDb(path).Exec("DELETE FROM held_comments");
  EXPECT_TRUE(store->InsertBatch({Held("after", big)}).ok());
  EXPECT_EQ(store->Count(std::nullopt).value(), 1);
}

TEST(QuarantineStoreTest, ALockHeldByAnotherConnectionFailsThenClears) {
  TempDir dir;
  const std::string path = dir.File("q.db");
  Store store = OpenOrDie(path);
  ASSERT_TRUE(store);
  RawDb other(path);
  other.Exec("BEGIN IMMEDIATE");
  Status s = store->InsertBatch({Held("c1")}).status();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("locked"), std::string::npos) << s.message();
  other.Exec("ROLLBACK");
  EXPECT_TRUE(store->InsertBatch({Held("c1")}).ok());
  EXPECT_EQ(store->Count(std::nullopt).value(), 1);
}

// Delivery is at least once (docs/plugins.md): a `score --resume` redoes the records past
// the output's end, a failed flush is retried after destroy() stored its batch, a dump is
// scored twice. The audit found 105,032 rows for 104,881 comments, reviewed twice.
TEST(QuarantineStoreTest, TheSameHeldCommentIsStoredOnce) {
  TempDir dir;
  Store store = OpenOrDie(dir.File("q.db"));
  ASSERT_TRUE(store);
  auto first = store->InsertBatch({Held("c1"), Held("c2")});
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ(first->stored, 2u);
  EXPECT_EQ(first->already_held, 0u);

  HeldComment again = Held("c1");
  again.stored_at_ms += 60000;  // a later run: only the time differs
  auto second = store->InsertBatch({again, Held("c3"), Held("c3")});
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_EQ(second->stored, 1u) << "only c3 is new";
  EXPECT_EQ(second->already_held, 2u) << "c1 from the first batch, c3 from earlier in this one";

  const auto rows = store->List({}).value();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(Seqs(rows), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(rows[0].stored_at_ms, 1700000000000) << "the first store of c1 stands";
  EXPECT_EQ(rows[2].comment_id, "c3");

  // Another connection (a second engine on the same file) sees the rows and skips them too.
  Store other = OpenOrDie(dir.File("q.db"));
  ASSERT_TRUE(other);
  auto third = other->InsertBatch({Held("c2")});
  ASSERT_TRUE(third.ok()) << third.status().message();
  EXPECT_EQ(third->already_held, 1u);
  EXPECT_EQ(store->Count(std::nullopt).value(), 3);
}

TEST(QuarantineStoreTest, ADifferentRecordOrTextForTheSameCommentIsANewRow) {
  TempDir dir;
  Store store = OpenOrDie(dir.File("q.db"));
  ASSERT_TRUE(store && store->InsertBatch({Held("c1")}).ok());

  HeldComment new_rules = Held("c1");  // the rules changed: another score, another ruleset
  new_rules.decision = "{\"id\":\"c1\",\"action\":\"escalate\",\"score\":12,\"ruleset\":\"a0b1\"}";
  new_rules.action = "escalate";
  new_rules.score = 12;
  new_rules.ruleset = "a0b1";
  // An edited comment keeps its id, and its record may well be byte for byte the same
  // (same hits at the same offsets): its new text must still reach a reviewer.
  HeldComment edited = Held("c1", "you are a meanie!!!");
  HeldComment other_thread = Held("c1");
  other_thread.thread = "episode-8";
  auto counts = store->InsertBatch({new_rules, edited, other_thread});
  ASSERT_TRUE(counts.ok()) << counts.status().message();
  EXPECT_EQ(counts->stored, 3u);
  EXPECT_EQ(counts->already_held, 0u);
  EXPECT_EQ(store->Count(std::nullopt).value(), 4);

  // The key only finds candidates; the rows themselves decide. Every row is given c7's key
  // (learnt from another database), as a hash collision would: c7 is still new, once.
  Store keys = OpenOrDie(dir.File("keys.db"));
  ASSERT_TRUE(keys && keys->InsertBatch({Held("c7")}).ok());
  const std::string c7_key = RawDb(dir.File("keys.db")).Text("SELECT record_key FROM held_comments");
  ASSERT_FALSE(c7_key.empty());
  RawDb(dir.File("q.db")).Exec("UPDATE held_comments SET record_key = " + c7_key);
  EXPECT_EQ(store->InsertBatch({Held("c7")})->stored, 1u) << "a collision must not drop a comment";
  EXPECT_EQ(store->InsertBatch({Held("c7")})->already_held, 1u);
  EXPECT_EQ(store->Count(std::nullopt).value(), 5);
}

TEST(QuarantineStoreTest, AReviewedRowIsLeftAsItIsWhenItsCommentComesAgain) {
  TempDir dir;
  Store store = OpenOrDie(dir.File("q.db"));
  ASSERT_TRUE(store && store->InsertBatch({Held("c1"), Held("c2")}).ok());
  ASSERT_TRUE(store->Review({1}, ReviewStatus::kApproved, "alice", "satire").ok());
  ASSERT_TRUE(store->Review({2}, ReviewStatus::kRejected, "bob", "aimed at Pat").ok());

  auto counts = store->InsertBatch({Held("c1"), Held("c2")});
  ASSERT_TRUE(counts.ok()) << counts.status().message();
  EXPECT_EQ(counts->already_held, 2u);
  EXPECT_EQ(store->Count(std::nullopt).value(), 2);
  EXPECT_EQ(store->Count(ReviewStatus::kPending).value(), 0) << "nothing to review again";
  auto one = store->Get(1);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->comment.status, ReviewStatus::kApproved);
  EXPECT_EQ(one->comment.reviewer, "alice");
  EXPECT_EQ(one->comment.note, "satire");
  EXPECT_EQ(one->history.size(), 1u);
  EXPECT_EQ(store->Get(2)->comment.status, ReviewStatus::kRejected);
}

// A version 1 database as the audit found them: c1 stored three times (a resume), two of
// its copies reviewed, with different verdicts.
void SeedVersion1(const std::string& path) {
  RawDb raw(path);
  raw.Exec("PRAGMA journal_mode = WAL");  // as the version 1 store left every database
  raw.Exec(testing::kSchemaVersion1Sql);
  const HeldComment c1 = Held("c1");
  const HeldComment c2 = Held("c2", std::string("nul\0byte", 8));
  for (const HeldComment* h : {&c1, &c2, &c1, &c1}) {
    // The text goes in as a blob cast to text, so that its NUL byte survives the shell.
    std::string hex;
    for (unsigned char ch : h->text) {
      static const char kDigits[] = "0123456789abcdef";
      hex += kDigits[ch >> 4];
      hex += kDigits[ch & 15];
    }
    raw.Exec("INSERT INTO held_comments (comment_id, author, thread, targets, action, score, "
             "text, decision, ruleset, stored_at) VALUES ('" + h->comment_id + "', '" + h->author +
             "', '" + h->thread + "', '" + h->targets + "', '" + h->action + "', 7.5, CAST(X'" +
             hex + "' AS TEXT), '" + h->decision + "', '" + h->ruleset + "', " +
             std::to_string(h->stored_at_ms) + ")");
  }
  raw.Exec("UPDATE held_comments SET status = 'approved', reviewer = 'alice', note = '', "
           "reviewed_at = 1 WHERE seq = 1;"
           "UPDATE held_comments SET status = 'rejected', reviewer = 'bob', note = '', "
           "reviewed_at = 2 WHERE seq = 3;"
           "INSERT INTO review_log (seq, status, reviewer, at) VALUES (1, 'approved', 'alice', 1);"
           "INSERT INTO review_log (seq, status, reviewer, at) VALUES (3, 'rejected', 'bob', 2);");
}

// Columns (name and type, in order) and indexes of the quarantine tables.
std::string SchemaShape(const std::string& path) {
  RawDb raw(path);
  return raw.Text("SELECT group_concat(name || ' ' || type, ', ') FROM (SELECT name, type FROM "
                  "pragma_table_info('held_comments'))") +
         " | " +
         raw.Text("SELECT group_concat(name, ', ') FROM (SELECT name FROM sqlite_master WHERE "
                  "type = 'index' AND sql IS NOT NULL ORDER BY name)");
}

TEST(QuarantineStoreTest, MigratesAVersion1DatabaseKeepingEveryRowAndReview) {
  TempDir dir;
  const std::string path = dir.File("v1.db");
  SeedVersion1(path);
  Store store = OpenOrDie(path);
  ASSERT_TRUE(store);
  {
    RawDb raw(path);
    EXPECT_EQ(raw.Int("PRAGMA user_version"), kSchemaVersion);
    EXPECT_EQ(raw.Int("SELECT count(*) FROM held_comments WHERE record_key IS NULL"), 0);
    EXPECT_EQ(raw.Int("SELECT count(*) FROM review_log"), 2);
  }
  ASSERT_TRUE(OpenOrDie(dir.File("fresh.db")));
  EXPECT_EQ(SchemaShape(path), SchemaShape(dir.File("fresh.db")))
      << "a migrated database must be the one schema.sql makes";

  // The duplicates stored before are all kept: two were reviewed, and a seq keeps meaning
  // the row it named.
  const auto rows = store->List({}).value();
  ASSERT_EQ(Seqs(rows), (std::vector<int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(rows[0].status, ReviewStatus::kApproved);
  EXPECT_EQ(rows[1].text, std::string("nul\0byte", 8));
  EXPECT_EQ(rows[2].status, ReviewStatus::kRejected);
  EXPECT_EQ(store->Get(3)->history.size(), 1u);

  // From now on, what the version 1 rows hold is held.
  auto counts = store->InsertBatch({Held("c1"), Held("c2", std::string("nul\0byte", 8)), Held("c9")});
  ASSERT_TRUE(counts.ok()) << counts.status().message();
  EXPECT_EQ(counts->already_held, 2u);
  EXPECT_EQ(counts->stored, 1u);
  EXPECT_EQ(Seqs(store->List({}).value()), (std::vector<int64_t>{1, 2, 3, 4, 5}));

  // Opening again migrates nothing more.
  store.reset();
  Store again = OpenOrDie(path);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->InsertBatch({Held("c9")})->already_held, 1u);
  EXPECT_EQ(again->Count(std::nullopt).value(), 5);
}

TEST(QuarantineStoreTest, DecorumReviewMigratesAVersion1DatabaseToo) {
  TempDir dir;
  const std::string path = dir.File("v1.db");
  SeedVersion1(path);
  Store store = OpenOrDie(path, QuarantineStore::OpenMode::kExisting);
  ASSERT_TRUE(store);
  EXPECT_EQ(RawDb(path).Int("PRAGMA user_version"), kSchemaVersion);
  EXPECT_EQ(store->Count(ReviewStatus::kPending).value(), 2);
}

TEST(QuarantineStoreTest, AMigrationThatCannotTakeTheLockChangesNothing) {
  TempDir dir;
  const std::string path = dir.File("v1.db");
  SeedVersion1(path);
  RawDb other(path);
  other.Exec("BEGIN IMMEDIATE");
  QuarantineStore::Options options;
  options.busy_timeout_ms = 20;
  auto store = QuarantineStore::Open(path, options);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find(path + ": database is locked"), std::string::npos)
      << store.status().message();
  EXPECT_NE(store.status().message().find("migrating the schema from version 1 to 2"),
            std::string::npos)
      << store.status().message();
  other.Exec("ROLLBACK");
  EXPECT_EQ(other.Int("PRAGMA user_version"), 1);
  EXPECT_TRUE(OpenOrDie(path));
  EXPECT_EQ(other.Int("PRAGMA user_version"), kSchemaVersion);
}

TEST(QuarantineStoreTest, ReviewStatusNamesRoundTrip) {
  for (auto s : {ReviewStatus::kPending, ReviewStatus::kApproved, ReviewStatus::kRejected}) {
    EXPECT_EQ(ParseReviewStatus(ReviewStatusName(s)), s);
  }
  EXPECT_EQ(ParseReviewStatus("all"), std::nullopt);
}

}  // namespace
}  // namespace decorum::quarantine
