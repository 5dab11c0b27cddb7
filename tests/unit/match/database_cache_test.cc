#include "match/database_cache.h"

#include <gtest/gtest.h>
#include <hs/hs.h>

#include <filesystem>
#include <fstream>

#include "pipeline/generation_builder.h"
#include "pipeline/moderator.h"

namespace decorum {
namespace {

namespace fs = std::filesystem;

class DatabaseCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("decorum-cache-test-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static hs_database_t* Compile(const char* expr) {
    hs_database_t* db = nullptr;
    hs_compile_error_t* err = nullptr;
    EXPECT_EQ(hs_compile(expr, 0, HS_MODE_BLOCK, nullptr, &db, &err), HS_SUCCESS);
    return db;
  }

  fs::path dir_;
};

TEST_F(DatabaseCacheTest, KeyCoversExpressionsFlagsAndIds) {
  const std::vector<const char*> a = {"abc", "def"};
  const uint64_t base = DatabaseCache::Key(a, {0, 0}, {0, 1});
  EXPECT_EQ(base, DatabaseCache::Key(a, {0, 0}, {0, 1}));
  EXPECT_NE(base, DatabaseCache::Key({"abc", "deg"}, {0, 0}, {0, 1}));
  EXPECT_NE(base, DatabaseCache::Key(a, {0, HS_FLAG_CASELESS}, {0, 1}));
  EXPECT_NE(base, DatabaseCache::Key(a, {0, 0}, {0, 2}));
  EXPECT_NE(base, DatabaseCache::Key({"ab", "cdef"}, {0, 0}, {0, 1}));  // no ambiguity in joins
}

TEST_F(DatabaseCacheTest, StoreThenLoadRoundTrips) {
  DatabaseCache cache(dir_.string());
  EXPECT_EQ(cache.Load(42), nullptr);  // no directory yet
  hs_database_t* db = Compile("idiot");
  ASSERT_TRUE(cache.Store(42, db).ok());
  hs_database_t* loaded = cache.Load(42);
  ASSERT_NE(loaded, nullptr);
  size_t a = 0, b = 0;
  hs_database_size(db, &a);
  hs_database_size(loaded, &b);
  EXPECT_EQ(a, b);
  hs_free_database(db);
  hs_free_database(loaded);
}

// An entry of several databases (a split's SOM groups) comes back whole and in order; a
// truncated one not at all, and it is no single-database entry either.
TEST_F(DatabaseCacheTest, EntryOfSeveralDatabasesRoundTrips) {
  DatabaseCache cache(dir_.string());
  hs_database_t* a = Compile("idiot");
  hs_database_t* b = Compile("moron[a-z]+");
  ASSERT_TRUE(cache.StoreAll(9, {a, b, a}).ok());
  std::vector<hs_database*> loaded = cache.LoadAll(9);
  ASSERT_EQ(loaded.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    size_t want = 0, got = 0;
    hs_database_size(i == 1 ? b : a, &want);
    hs_database_size(loaded[i], &got);
    EXPECT_EQ(want, got) << i;
    hs_free_database(loaded[i]);
  }
  EXPECT_EQ(cache.Load(9), nullptr);  // not exactly one database
  const fs::path entry = dir_ / "0000000000000009.hsdb";
  fs::resize_file(entry, fs::file_size(entry) - 1);
  EXPECT_TRUE(cache.LoadAll(9).empty());
  hs_free_database(a);
  hs_free_database(b);
}

TEST_F(DatabaseCacheTest, CorruptOrTruncatedEntryIsNotUsed) {
  DatabaseCache cache(dir_.string());
  hs_database_t* db = Compile("idiot");
  ASSERT_TRUE(cache.Store(7, db).ok());
  hs_free_database(db);
  const fs::path entry = dir_ / "0000000000000007.hsdb";
  ASSERT_TRUE(fs::exists(entry));
  fs::resize_file(entry, fs::file_size(entry) / 2);
  EXPECT_EQ(cache.Load(7), nullptr);
  std::ofstream(entry, std::ios::binary | std::ios::trunc) << "garbage";
  EXPECT_EQ(cache.Load(7), nullptr);
}

TEST_F(DatabaseCacheTest, PruneKeepsOnlyTheNewestEntries) {
  DatabaseCache cache(dir_.string(), 2);
  hs_database_t* db = Compile("x");
  for (uint64_t k = 1; k <= 4; ++k) {
    ASSERT_TRUE(cache.Store(k, db).ok());
    // Distinct modification times, oldest first.
    fs::last_write_time(dir_ / (std::string(15, '0') + std::to_string(k) + ".hsdb"),
                        fs::file_time_type::clock::now() - std::chrono::seconds(100 - k));
  }
  ASSERT_TRUE(cache.Store(5, db).ok());
  hs_free_database(db);
  size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir_)) n += e.path().extension() == ".hsdb";
  EXPECT_EQ(n, 2u);
  hs_database_t* newest = cache.Load(5);
  EXPECT_NE(newest, nullptr);
  hs_free_database(newest);
}

// The default pack built twice through the cache: the second build loads every database,
// and decisions are byte-for-byte the same as without a cache. A corrupt entry is rebuilt.
TEST_F(DatabaseCacheTest, GenerationsFromTheCacheDecideTheSame) {
  GenerationRequest request;
  request.cache_dir = dir_.string();
  GenerationReport report;
  auto first = BuildGeneration(request, &report);
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first.value()->from_cache());
  auto second = BuildGeneration(request, &report);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second.value()->from_cache());
  EXPECT_EQ(first.value()->id(), second.value()->id());

  for (const auto& e : fs::directory_iterator(dir_)) {
    std::ofstream(e.path(), std::ios::binary | std::ios::trunc) << "decorum-hsdb-2\nbroken";
  }
  auto third = BuildGeneration(request, &report);
  ASSERT_TRUE(third.ok());
  EXPECT_FALSE(third.value()->from_cache());

  Moderator a(first.value(), FieldMap(), 1 << 20), b(second.value(), FieldMap(), 1 << 20),
      c(third.value(), FieldMap(), 1 << 20);
  for (const char* text : {"Anna Delvey is a c0n artist", "kys", "what a lovely cha-cha"}) {
    Decision da, db, dc;
    ASSERT_TRUE(a.ModerateText(text, &da).ok());
    ASSERT_TRUE(b.ModerateText(text, &db).ok());
    ASSERT_TRUE(c.ModerateText(text, &dc).ok());
    EXPECT_EQ(da.action, db.action) << text;
    EXPECT_EQ(da.score, db.score) << text;
    EXPECT_EQ(da.hits.size(), db.hits.size()) << text;
    EXPECT_EQ(da.action, dc.action) << text;
  }
}

}  // namespace
}  // namespace decorum

namespace decorum {
namespace {

// A cache directory that cannot be created costs the speed-up, never the rule set: Store
// says why, and a generation built through it still compiles and decides.
TEST(DatabaseCacheUnusableTest, UnwritableDirectoryIsReportedAndHarmless) {
  const std::string dir = "/proc/decorum-cannot-create-this";
  DatabaseCache cache(dir);
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  ASSERT_EQ(hs_compile("x", 0, HS_MODE_BLOCK, nullptr, &db, &err), HS_SUCCESS);
  const Status s = cache.Store(1, db);
  hs_free_database(db);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find(dir), std::string::npos) << s.message();
  EXPECT_EQ(cache.Load(1), nullptr);

  GenerationRequest request;
  request.cache_dir = dir;
  GenerationReport report;
  auto gen = BuildGeneration(request, &report);
  ASSERT_TRUE(gen.ok()) << gen.status().message();
  EXPECT_FALSE(gen.value()->from_cache());
  Moderator m(gen.value(), FieldMap(), 1 << 20);
  Decision d;
  ASSERT_TRUE(m.ModerateText("kys", &d).ok());
  EXPECT_EQ(d.action, Action::kEscalate);
}

}  // namespace
}  // namespace decorum
