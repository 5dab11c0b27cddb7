#include <gtest/gtest.h>

#include "decode/comment_decoder.h"

namespace decorum {
namespace {

TEST(FieldMapTest, DefaultsNameEachFieldAfterItself) {
  FieldMap m;
  EXPECT_EQ(m.text, "text");
  EXPECT_EQ(m.id, "id");
  EXPECT_EQ(m.ts, "ts");
  EXPECT_EQ(m.meta, "meta");
  EXPECT_EQ(m.ts_number_scale, 1);
}

TEST(FieldMapTest, EmptySpecGivesDefaults) {
  Result<FieldMap> m = FieldMap::Parse("");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->text, "text");
  EXPECT_EQ(m->ts_number_scale, 1);
}

TEST(FieldMapTest, PairsRemapFields) {
  Result<FieldMap> m = FieldMap::Parse("text=body,author=user,lang=language,meta=extra");
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->text, "body");
  EXPECT_EQ(m->author, "user");
  EXPECT_EQ(m->lang, "language");
  EXPECT_EQ(m->meta, "extra");
  EXPECT_EQ(m->id, "id");  // untouched
}

TEST(FieldMapTest, SpacesAroundNamesAreIgnored) {
  Result<FieldMap> m = FieldMap::Parse(" text = body , id=cid ");
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->text, "body");
  EXPECT_EQ(m->id, "cid");
}

TEST(FieldMapTest, TsUnits) {
  Result<FieldMap> m = FieldMap::Parse("ts=created_utc:s");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->ts, "created_utc");
  EXPECT_EQ(m->ts_number_scale, 1000);
  m = FieldMap::Parse("ts=when:ms");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->ts, "when");
  EXPECT_EQ(m->ts_number_scale, 1);
  // A later ts pair without a unit resets the scale to milliseconds.
  m = FieldMap::Parse("ts=a:s,ts=b");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->ts, "b");
  EXPECT_EQ(m->ts_number_scale, 1);
}

TEST(FieldMapTest, ColonsInOtherSourcesAreKept) {
  Result<FieldMap> m = FieldMap::Parse("thread=yt:video");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->thread, "yt:video");
}

TEST(FieldMapTest, PushshiftPreset) {
  Result<FieldMap> m = FieldMap::Parse("pushshift");
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->text, "body");
  EXPECT_EQ(m->ts, "created_utc");
  EXPECT_EQ(m->ts_number_scale, 1000);
  EXPECT_EQ(m->thread, "subreddit");
  EXPECT_EQ(m->id, "id");
  EXPECT_EQ(m->author, "author");
  EXPECT_EQ(m->parent, "parent_id");
  EXPECT_EQ(m->lang, "lang");
  EXPECT_EQ(m->meta, "meta");
}

TEST(FieldMapTest, PairsApplyLeftToRight) {
  Result<FieldMap> m = FieldMap::Parse("pushshift,thread=link_id,text=selftext");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->thread, "link_id");
  EXPECT_EQ(m->text, "selftext");
  EXPECT_EQ(m->ts_number_scale, 1000);
  m = FieldMap::Parse("text=x,pushshift");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->text, "body");
}

TEST(FieldMapTest, UnknownField) {
  Result<FieldMap> m = FieldMap::Parse("text=body,txt=b");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(m.status().message(),
            "map: unknown field 'txt' (fields: text, id, author, ts, thread, parent, lang, "
            "meta)");
}

TEST(FieldMapTest, MalformedPairs) {
  Result<FieldMap> m = FieldMap::Parse("textbody");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(), "map: expected field=source or 'pushshift', got 'textbody'");
  m = FieldMap::Parse("text=");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(), "map: empty source key for field 'text'");
  m = FieldMap::Parse("=body");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(),
            "map: unknown field '' (fields: text, id, author, ts, thread, parent, lang, meta)");
  m = FieldMap::Parse("text=body,,id=x");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(), "map: empty entry in 'text=body,,id=x'");
  m = FieldMap::Parse("text=body,");
  ASSERT_FALSE(m.ok());
  m = FieldMap::Parse("ts=created:h");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(), "map: unknown unit 'h' for field 'ts' (expected s or ms)");
  m = FieldMap::Parse("ts=:s");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(), "map: empty source key for field 'ts'");
  m = FieldMap::Parse("Pushshift");
  ASSERT_FALSE(m.ok());
}

}  // namespace
}  // namespace decorum
