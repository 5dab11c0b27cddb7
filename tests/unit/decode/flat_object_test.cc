#include "decode/flat_object.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "decode/comment_decoder.h"

namespace decorum {
namespace {

struct Member {
  std::string key;
  FlatValue::Kind kind;
  std::string str;
  int64_t num;
};

// Reads every member of `line`; *ok says whether the reader took the line as its own.
std::vector<Member> ReadAll(FlatObjectReader& r, std::string_view line, bool* ok) {
  std::vector<Member> out;
  if (r.Begin(line)) {
    std::string_view key;
    FlatValue v;
    while (r.Next(&key, &v)) out.push_back({std::string(key), v.kind, std::string(v.str), v.num});
  }
  *ok = r.ok();
  return out;
}

TEST(FlatObjectReaderTest, ReadsEveryKindOfFlatMember) {
  FlatObjectReader r;
  bool ok = false;
  const auto m = ReadAll(
      r,
      " {\"id\":\"c1\", \"n\" : -42,\"big\":999999999999999999,\"zero\":0,\"t\":true,"
      "\"f\":false,\"x\":null,\"text\":\"a\\\"b\\\\c\\/d\\n\\t\\u00e9\\ud83d\\ude00\\u0000e\"} \r",
      &ok);
  ASSERT_TRUE(ok);
  ASSERT_EQ(m.size(), 8u);
  EXPECT_EQ(m[0].key, "id");
  EXPECT_EQ(m[0].kind, FlatValue::Kind::kString);
  EXPECT_EQ(m[0].str, "c1");
  EXPECT_EQ(m[1].kind, FlatValue::Kind::kInt);
  EXPECT_EQ(m[1].num, -42);
  EXPECT_EQ(m[2].num, 999999999999999999);
  EXPECT_EQ(m[3].num, 0);
  EXPECT_EQ(m[4].kind, FlatValue::Kind::kBool);
  EXPECT_EQ(m[4].num, 1);
  EXPECT_EQ(m[5].num, 0);
  EXPECT_EQ(m[6].kind, FlatValue::Kind::kNull);
  EXPECT_EQ(m[7].key, "text");
  EXPECT_EQ(m[7].str, std::string("a\"b\\c/d\n\t\xC3\xA9\xF0\x9F\x98\x80", 15) + std::string(1, '\0') + "e");
}

TEST(FlatObjectReaderTest, ValidUtf8OfAnyLengthIsTaken) {
  FlatObjectReader r;
  bool ok = false;
  const std::string text = std::string(40, 'x') + "\xC3\xA9\xF0\x9F\x98\x80" + std::string(40, 'y');
  const auto m = ReadAll(r, "{\"text\":\"" + text + "\",\"k\xC3\xA9y\":1}", &ok);
  ASSERT_TRUE(ok);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].str, text);
  EXPECT_EQ(m[1].key, "k\xC3\xA9y");
}

TEST(FlatObjectReaderTest, EmptyObjectsAndRepeatedKeys) {
  FlatObjectReader r;
  bool ok = false;
  EXPECT_TRUE(ReadAll(r, "{}", &ok).empty());
  EXPECT_TRUE(ok);
  EXPECT_TRUE(ReadAll(r, " { } ", &ok).empty());
  EXPECT_TRUE(ok);
  const auto m = ReadAll(r, R"({"a":"1","a":"2"})", &ok);
  ASSERT_TRUE(ok);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[1].str, "2");
}

// Everything outside the simple shape is left to simdjson, valid JSON or not.
TEST(FlatObjectReaderTest, LeavesEverythingElseToSimdjson) {
  const std::vector<std::string> lines = {
      R"({"a":{}})",         R"({"a":[1]})",          R"({"a":1.5})",
      R"({"a":1e3})",        R"({"a":1E3})",          R"({"a":-0})",
      R"({"a":01})",         R"({"a":1234567890123456789})", R"({"a":-})",
      R"({"a":1,})",         R"({,})",                R"({"a" 1})",
      R"({"a":1}x)",         R"({"a":1}})",           R"([1])",
      R"("a")",              R"({"a":"x)",            R"({"a\"b":1})",
      R"({"a":"\q"})",       R"({"a":"\u12g4"})",     R"({"a":"\u12"})",
      R"({"a":tru})",        R"({"a":nul})",          R"({"a":falsey})",
      R"({"a":1 "b":2})",    R"({"a")",               R"({"a":)",
      "{\"a\":\"\x01\"}",    "{\"a\x1f\":1}",         "{\"a\":\"\xff\"}",
      "{\"a\":\"\xC3\"}",    R"({"a":+1})",           R"({"a":.5})",
      R"({"a":"\)",          "{",
      std::string("{\"a\":1}\0", 8),
      // Invalid UTF-8 found by the 16-byte scan, not only by the byte-at-a-time tail.
      "{\"text\":\"" + std::string(40, 'x') + "\xff" + std::string(40, 'y') + "\"}",
      "{\"text\":\"" + std::string(40, 'x') + "\xED\xA0\x80" + std::string(40, 'y') + "\"}",
      // Outside strings only ASCII: a non-ASCII byte there is not skipped as space.
      "{\"text\":\"x\"}\xC2\xA0",     "\xC2\xA0{\"text\":\"x\"}",
      "{\"text\":\"x\"}\f",           "\v{\"text\":\"x\"}",
      "{\"k\xff\":1,\"text\":\"x\"}",  // invalid UTF-8 in a key
      // Surrogates and escapes cut off by the end of the line.
      R"({"a":"\ud83d\ude0)",  R"({"a":"\ud83d\)",  R"({"a":"\ud83d")",  R"({"a":"\ud83d)",
  };
  FlatObjectReader r;
  for (const std::string& line : lines) {
    bool ok = true;
    ReadAll(r, line, &ok);
    EXPECT_FALSE(ok) << line;
  }
}

// A \u escape of a lone surrogate names no character; JSON parsers refuse it, and a dump's
// comment must not escape moderation by carrying one: it reads as U+FFFD.
TEST(FlatObjectReaderTest, LoneSurrogatesReadAsReplacementCharacters) {
  CommentDecoder decoder;
  Comment c;
  ASSERT_TRUE(decoder.Decode(R"({"text":"you idiot \ud83d, \udc00 \ud83d\ude00"})", 1, &c).ok());
  EXPECT_EQ(c.text, "you idiot \xEF\xBF\xBD, \xEF\xBF\xBD \xF0\x9F\x98\x80");
}

// Quotes, backslashes and control bytes at every position of the 16-byte scan and of the
// byte-at-a-time tail after it.
TEST(FlatObjectReaderTest, SpecialBytesAnywhereInTheScan) {
  FlatObjectReader r;
  for (size_t at = 0; at < 40; ++at) {
    const std::string before(at, 'a');
    const std::string after(40 - at, 'b');
    bool ok = false;
    auto m = ReadAll(r, "{\"t\":\"" + before + "\\\"" + after + "\"}", &ok);
    ASSERT_TRUE(ok) << at;
    EXPECT_EQ(m[0].str, before + "\"" + after) << at;
    m = ReadAll(r, "{\"t\":\"" + before + "\x20\x7F" + after + "\"}", &ok);
    ASSERT_TRUE(ok) << at;
    EXPECT_EQ(m[0].str, before + "\x20\x7F" + after) << at;
    ReadAll(r, "{\"t\":\"" + before + "\x1F" + after + "\"}", &ok);
    EXPECT_FALSE(ok) << "control byte at " << at;
    ReadAll(r, "{\"t\":\"" + before + "\n" + after + "\"}", &ok);
    EXPECT_FALSE(ok) << "raw newline at " << at;
    m = ReadAll(r, "{\"t\":\"" + before + "\"}", &ok);  // the closing quote at `at`
    ASSERT_TRUE(ok) << at;
    EXPECT_EQ(m[0].str, before);
  }
}

TEST(FlatObjectReaderTest, ReusesItsBufferAcrossLinesOfAnyLength) {
  FlatObjectReader r;
  bool ok = false;
  const std::string long_text(5000, 'x');
  auto m = ReadAll(r, "{\"text\":\"" + long_text + "\\n\"}", &ok);
  ASSERT_TRUE(ok);
  EXPECT_EQ(m[0].str, long_text + "\n");
  m = ReadAll(r, R"({"text":"short"})", &ok);
  ASSERT_TRUE(ok);
  EXPECT_EQ(m[0].str, "short");
}

// The decoder's flat path against simdjson alone, field by field, on lines that take the
// flat path and lines that fall back to simdjson (with and without errors).
TEST(FlatObjectReaderTest, DecoderGivesWhatSimdjsonAloneGives) {
  const std::vector<std::string> lines = {
      R"({"id":"c1","author":"anna","ts":1726531200197,"thread":"t","text":"hello \u00e9"})",
      R"({"id":42,"text":"x","parent":null,"lang":"en","meta":null})",
      R"({"id":-7,"text":"x","ts":"2024-09-17T00:00:00Z"})",
      R"({"text":"x","ts":"1134365188"})",
      R"({"text":"x","ts":9223372036854775})",
      R"({"text":"x","ts":null,"author":null})",
      R"({"text":"x","meta":{"k":[1,2]}})",
      R"({"text":"x","id":1.5})",
      R"({"text":5})",
      R"({"id":"e1","text":"x","author":3})",
      R"({"id":"e2","text":"x","ts":"yesterday"})",
      R"({"id":"e3","text":"x","ts":true})",
      R"({"id":true,"text":"x"})",
      R"({"id":"e4"})",
      R"({"id":"e5","text":"x","meta":"m"})",
      "{\"text\":\"bad \xff byte\"}",
      R"({"text":"x","text":"y"})",
      R"({"text":"x","author":"a","author":null})",
      R"([1,2])",
      "\xEF\xBB\xBF{\"text\":\"bom\"}",
      "\xEF\xBB\xBF\xEF\xBB\xBF{\"text\":\"two boms\"}",
      R"({"id":999999999999999999,"text":"x"})",
      R"({"id":-999999999999999999,"text":"x"})",
      R"({"id":1000000000000000000,"text":"x"})",
      R"({"id":18446744073709551615,"text":"x"})",
      R"({"id":0,"text":"x"})",
      R"({"id":-0,"text":"x"})",
      R"({"text":"x","ts":922337203685477})",
      R"({"text":"x","ts":-5})",
      // Lone surrogate escapes: U+FFFD on both paths (utf8_repair.h), not a failed line.
      R"({"id":"s1","text":"you idiot \ud83d and more"})",
      R"({"text":"\udc00 idiot"})",
      R"({"text":"\ud800\u0041"})",
      R"({"text":"\ud83d\ud83d\ude00"})",
      R"({"text":"a \\ud83d b"})",
      R"({"text":"x","meta":{"k":"\ud800"}})",
      R"({"text":"x","author":"\udfff"})",
  };
  for (const char* map_spec : {"", "pushshift", "ts=ts:s"}) {
    auto map = FieldMap::Parse(map_spec);
    ASSERT_TRUE(map.ok());
    CommentDecoder flat(map.value(), CommentDecoder::Parsing::kFlatFirst);
    CommentDecoder dom(map.value(), CommentDecoder::Parsing::kSimdjsonOnly);
    for (const std::string& line : lines) {
      Comment a, b;
      const Status sa = flat.Decode(line, 3, &a);
      const Status sb = dom.Decode(line, 3, &b);
      SCOPED_TRACE(std::string(map_spec) + ": " + line);
      EXPECT_EQ(sa.ok(), sb.ok());
      EXPECT_EQ(sa.message(), sb.message());
      EXPECT_EQ(a.text, b.text);
      EXPECT_EQ(a.id_kind, b.id_kind);
      EXPECT_EQ(a.id, b.id);
      EXPECT_EQ(a.author, b.author);
      EXPECT_EQ(a.thread, b.thread);
      EXPECT_EQ(a.parent, b.parent);
      EXPECT_EQ(a.lang, b.lang);
      EXPECT_EQ(a.ts_ms, b.ts_ms);
      EXPECT_EQ(a.meta_json, b.meta_json);
      EXPECT_EQ(a.line, b.line);
    }
  }
}

}  // namespace
}  // namespace decorum
