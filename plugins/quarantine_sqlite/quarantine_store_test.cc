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
    for (int i = 0; i < 10; ++i) batch.push_back(Held("r" + std::to_string(round), big));
    failed = store->InsertBatch(batch);
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
  Status s = store->InsertBatch({Held("c1")});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("locked"), std::string::npos) << s.message();
  other.Exec("ROLLBACK");
  EXPECT_TRUE(store->InsertBatch({Held("c1")}).ok());
  EXPECT_EQ(store->Count(std::nullopt).value(), 1);
}

TEST(QuarantineStoreTest, ReviewStatusNamesRoundTrip) {
  for (auto s : {ReviewStatus::kPending, ReviewStatus::kApproved, ReviewStatus::kRejected}) {
    EXPECT_EQ(ParseReviewStatus(ReviewStatusName(s)), s);
  }
  EXPECT_EQ(ParseReviewStatus("all"), std::nullopt);
}

}  // namespace
}  // namespace decorum::quarantine
