#include "decode/comment_decoder.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>
#include <vector>

#include "ingest/line_reader.h"

namespace decorum {
namespace {

class CommentDecoderTest : public ::testing::Test {
 protected:
  // Decodes `line`, expecting success.
  Comment Ok(std::string_view line) {
    Comment c;
    Status s = decoder_.Decode(line, 7, &c);
    EXPECT_TRUE(s.ok()) << line << " -> " << s.message();
    return c;
  }
  // Decodes `line`, expecting an InvalidArgument error; returns its message.
  std::string Err(std::string_view line, Comment* out = nullptr) {
    Comment c;
    Status s = decoder_.Decode(line, 9, &c);
    EXPECT_FALSE(s.ok()) << line;
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
    EXPECT_EQ(c.line, 9u);
    if (out != nullptr) *out = c;
    return s.message();
  }

  CommentDecoder decoder_;
};

bool IsValidUtf8(std::string_view s) { return simdjson::validate_utf8(s.data(), s.size()); }

TEST_F(CommentDecoderTest, AllFields) {
  Comment c = Ok(R"({"text":"hello","id":"c42","author":"anna","ts":1700000000123,)"
                 R"("thread":"t9","parent":"c41","lang":"en","meta":{"a": [1, true, null],)"
                 R"( "b":"x"},"unknown":{"ignored":1}})");
  EXPECT_EQ(c.text, "hello");
  EXPECT_EQ(c.id_kind, IdKind::kString);
  EXPECT_EQ(c.id, "c42");
  EXPECT_EQ(c.author, "anna");
  EXPECT_EQ(c.ts_ms, 1700000000123);
  EXPECT_EQ(c.thread, "t9");
  EXPECT_EQ(c.parent, "c41");
  EXPECT_EQ(c.lang, "en");
  EXPECT_EQ(c.meta_json, R"({"a":[1,true,null],"b":"x"})");
  EXPECT_EQ(c.line, 7u);
}

TEST_F(CommentDecoderTest, OnlyTextLeavesTheRestAbsent) {
  Comment c = Ok(R"({"text":"x"})");
  EXPECT_EQ(c.text, "x");
  EXPECT_EQ(c.id_kind, IdKind::kAbsent);
  EXPECT_TRUE(c.id.empty());
  EXPECT_TRUE(c.author.empty());
  EXPECT_TRUE(c.thread.empty());
  EXPECT_TRUE(c.parent.empty());
  EXPECT_TRUE(c.lang.empty());
  EXPECT_FALSE(c.ts_ms.has_value());
  EXPECT_TRUE(c.meta_json.empty());
}

TEST_F(CommentDecoderTest, NullOptionalFieldsAreAbsent) {
  Comment c = Ok(R"({"text":"x","id":null,"author":null,"ts":null,"thread":null,)"
                 R"("parent":null,"lang":null,"meta":null})");
  EXPECT_EQ(c.id_kind, IdKind::kAbsent);
  EXPECT_TRUE(c.author.empty());
  EXPECT_FALSE(c.ts_ms.has_value());
  EXPECT_TRUE(c.meta_json.empty());
}

TEST_F(CommentDecoderTest, EmptyTextIsAComment) { EXPECT_EQ(Ok(R"({"text":""})").text, ""); }

TEST_F(CommentDecoderTest, IntegerIds) {
  Comment c = Ok(R"({"id":42,"text":"x"})");
  EXPECT_EQ(c.id_kind, IdKind::kNumber);
  EXPECT_EQ(c.id, "42");
  EXPECT_EQ(Ok(R"({"id":-9223372036854775808,"text":"x"})").id, "-9223372036854775808");
  EXPECT_EQ(Ok(R"({"id":18446744073709551615,"text":"x"})").id, "18446744073709551615");
  EXPECT_EQ(Ok(R"({"id":0,"text":"x"})").id, "0");
}

TEST_F(CommentDecoderTest, FloatIdsRoundTrip) {
  Comment c = Ok(R"({"id":1.5,"text":"x"})");
  EXPECT_EQ(c.id_kind, IdKind::kNumber);
  EXPECT_EQ(c.id, "1.5");
  EXPECT_EQ(Ok(R"({"id":1.5e3,"text":"x"})").id, "1500");
  EXPECT_EQ(Ok(R"({"id":0.1,"text":"x"})").id, "0.1");
  EXPECT_EQ(Ok(R"({"id":1e300,"text":"x"})").id, "1e+300");
  // A double beyond 64-bit integers is not echoed as a 22-digit integer, which JSON
  // parsers with 64-bit integers refuse (the fuzzed HTTP reply simdjson could not read).
  EXPECT_EQ(Ok(R"({"id":1234567890123456789012.4,"text":"x"})").id, "1.2345678901234568e+21");
  EXPECT_EQ(Ok(R"({"id":1e3,"text":"x"})").id, "1000");
}

TEST_F(CommentDecoderTest, StringIdIsUnescaped) {
  Comment c = Ok(R"({"id":"a\"b\u00e9","text":"x"})");
  EXPECT_EQ(c.id_kind, IdKind::kString);
  EXPECT_EQ(c.id, "a\"b\xC3\xA9");
}

TEST_F(CommentDecoderTest, TsAsMillisecondNumber) {
  EXPECT_EQ(Ok(R"({"text":"x","ts":1700000000123})").ts_ms, 1700000000123);
  EXPECT_EQ(Ok(R"({"text":"x","ts":0})").ts_ms, 0);
  EXPECT_EQ(Ok(R"({"text":"x","ts":-1000})").ts_ms, -1000);
  EXPECT_EQ(Ok(R"({"text":"x","ts":1700000000123.4})").ts_ms, 1700000000123);
}

TEST_F(CommentDecoderTest, TsAsRfc3339) {
  EXPECT_EQ(Ok(R"({"text":"x","ts":"2023-11-14T22:13:20Z"})").ts_ms, 1700000000000);
  EXPECT_EQ(Ok(R"({"text":"x","ts":"2023-11-15T00:13:20+02:00"})").ts_ms, 1700000000000);
  EXPECT_EQ(Ok(R"({"text":"x","ts":"2023-11-14T17:13:20-05:00"})").ts_ms, 1700000000000);
  EXPECT_EQ(Ok(R"({"text":"x","ts":"2023-11-14T22:13:20.123Z"})").ts_ms, 1700000000123);
  EXPECT_EQ(Ok(R"({"text":"x","ts":"2023-11-14T22:13:20.5+00:00"})").ts_ms, 1700000000500);
  EXPECT_EQ(Ok(R"({"text":"x","ts":"2023-11-14T22:13:20.123456789Z"})").ts_ms, 1700000000123);
}

TEST_F(CommentDecoderTest, TsDigitStringIsANumber) {
  EXPECT_EQ(Ok(R"({"text":"x","ts":"1700000000123"})").ts_ms, 1700000000123);
}

TEST_F(CommentDecoderTest, TsErrors) {
  Comment c;
  EXPECT_EQ(Err(R"({"id":"c1","text":"x","ts":"yesterday"})", &c),
            R"(field 'ts' is not an RFC 3339 timestamp: "yesterday")");
  EXPECT_EQ(c.id, "c1");
  EXPECT_EQ(Err(R"({"text":"x","ts":"2023-02-30T00:00:00Z"})"),
            R"(field 'ts' is not an RFC 3339 timestamp: "2023-02-30T00:00:00Z")");
  EXPECT_EQ(Err(R"({"text":"x","ts":"2023-11-14T22:13:20"})"),
            R"(field 'ts' is not an RFC 3339 timestamp: "2023-11-14T22:13:20")");
  EXPECT_EQ(Err(R"({"text":"x","ts":true})"),
            "field 'ts' must be a number or an RFC 3339 string, got boolean");
  EXPECT_EQ(Err(R"({"text":"x","ts":{}})"),
            "field 'ts' must be a number or an RFC 3339 string, got object");
  EXPECT_EQ(Err(R"({"text":"x","ts":18446744073709551615})"), "field 'ts' is out of range");
  EXPECT_EQ(Err(R"({"text":"x","ts":1e300})"), "field 'ts' is out of range");
}

TEST_F(CommentDecoderTest, TsErrorQuotesLongValuesShortened) {
  const std::string msg = Err(R"({"text":"x","ts":")" + std::string(1000, 'z') + R"("})");
  EXPECT_LT(msg.size(), 150u);
  EXPECT_NE(msg.find("\"..."), std::string::npos);
}

TEST_F(CommentDecoderTest, PushshiftRemap) {
  Result<FieldMap> map = FieldMap::Parse("pushshift");
  ASSERT_TRUE(map.ok()) << map.status().message();
  CommentDecoder decoder(*map);
  Comment c;
  Status s = decoder.Decode(
      R"({"author":"spez","body":"you idiot","created_utc":1134365188,"id":"c0299an",)"
      R"("parent_id":"t3_ab12","subreddit":"reddit.com","score":3,"text":"not this"})",
      1, &c);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(c.text, "you idiot");
  EXPECT_EQ(c.ts_ms, 1134365188000);
  EXPECT_EQ(c.id, "c0299an");
  EXPECT_EQ(c.author, "spez");
  EXPECT_EQ(c.parent, "t3_ab12");
  EXPECT_EQ(c.thread, "reddit.com");

  // Some Pushshift months store created_utc as a string of digits.
  ASSERT_TRUE(decoder.Decode(R"({"body":"b","created_utc":"1134365188"})", 2, &c).ok());
  EXPECT_EQ(c.ts_ms, 1134365188000);
  // An RFC 3339 string is already absolute: the seconds scale does not apply.
  ASSERT_TRUE(decoder.Decode(R"({"body":"b","created_utc":"2005-12-12T05:26:28Z"})", 3, &c)
                  .ok());
  EXPECT_EQ(c.ts_ms, 1134365188000);
}

TEST_F(CommentDecoderTest, ErrorsNameTheSourceField) {
  CommentDecoder decoder(FieldMap::Parse("pushshift").value());
  Comment c;
  Status s = decoder.Decode(R"({"text":"x","id":"abc"})", 3, &c);
  EXPECT_EQ(s.message(), "missing required field 'body'");
  EXPECT_EQ(c.id, "abc");
  s = decoder.Decode(R"({"body":5})", 4, &c);
  EXPECT_EQ(s.message(), "field 'body' must be a string, got number");
  s = decoder.Decode(R"({"body":"x","created_utc":"soon"})", 5, &c);
  EXPECT_EQ(s.message(), R"(field 'created_utc' is not an RFC 3339 timestamp: "soon")");
}

TEST_F(CommentDecoderTest, InvalidJson) {
  EXPECT_EQ(Err("{text:1}").rfind("invalid JSON: ", 0), 0u);
  EXPECT_EQ(Err("not json at all").rfind("invalid JSON: ", 0), 0u);
  EXPECT_EQ(Err(R"({"text":"a",})").rfind("invalid JSON: ", 0), 0u);
}

// A 24-digit id is valid JSON that no 64-bit parser reads: the error says so, and how to
// send it, rather than blaming the JSON. A malformed number gets the same words.
TEST_F(CommentDecoderTest, NumbersBeyondRangeAreNotCalledInvalidJson) {
  for (const char* line : {R"({"id":123456789012345678901234,"text":"hi"})",
                           R"({"text":"hi","meta":{"n":1e999}})", R"({"text":"hi","n":01})"}) {
    const std::string msg = Err(line);
    EXPECT_EQ(msg.rfind("a number that is malformed or out of range", 0), 0u) << line << " -> " << msg;
    EXPECT_NE(msg.find("as strings"), std::string::npos) << msg;
  }
}

TEST_F(CommentDecoderTest, TruncatedJson) {
  const std::string msg = Err(R"({"text":"abc)");
  EXPECT_EQ(msg.rfind("invalid JSON: ", 0), 0u) << msg;
  EXPECT_GT(msg.size(), std::string("invalid JSON: ").size());
  EXPECT_EQ(Err(R"({"text":"abc")").rfind("invalid JSON: ", 0), 0u);
}

TEST_F(CommentDecoderTest, TrailingGarbage) {
  EXPECT_EQ(Err(R"({"text":"a"} x)").rfind("invalid JSON: ", 0), 0u);
  EXPECT_EQ(Err(R"({"text":"a"}})").rfind("invalid JSON: ", 0), 0u);
  EXPECT_EQ(Err(R"({"text":"a"} {"text":"b"})").rfind("invalid JSON: ", 0), 0u);
  // Trailing whitespace (e.g. a stray '\r') is fine.
  EXPECT_EQ(Ok("{\"text\":\"a\"} \r").text, "a");
}

TEST_F(CommentDecoderTest, NotAnObject) {
  EXPECT_EQ(Err(R"([{"text":"a"}])"), "expected a JSON object, got array");
  EXPECT_EQ(Err("42"), "expected a JSON object, got number");
  EXPECT_EQ(Err(R"("text")"), "expected a JSON object, got string");
  EXPECT_EQ(Err("null"), "expected a JSON object, got null");
}

TEST_F(CommentDecoderTest, EmptyAndWhitespaceLines) {
  EXPECT_EQ(Err(""), "empty line");
  EXPECT_EQ(Err("   \t \r"), "empty line");
}

TEST_F(CommentDecoderTest, MissingText) {
  Comment c;
  EXPECT_EQ(Err(R"({"id":17,"body":"x"})", &c), "missing required field 'text'");
  EXPECT_EQ(c.id_kind, IdKind::kNumber);
  EXPECT_EQ(c.id, "17");
  EXPECT_EQ(Err(R"({})", &c), "missing required field 'text'");
  EXPECT_EQ(c.id_kind, IdKind::kAbsent);
}

TEST_F(CommentDecoderTest, TextOfWrongType) {
  Comment c;
  EXPECT_EQ(Err(R"({"id":"c1","text":5})", &c), "field 'text' must be a string, got number");
  EXPECT_EQ(c.id, "c1");
  EXPECT_TRUE(c.text.empty());
  EXPECT_EQ(Err(R"({"text":null})"), "field 'text' must be a string, got null");
  EXPECT_EQ(Err(R"({"text":{"a":1}})"), "field 'text' must be a string, got object");
  EXPECT_EQ(Err(R"({"text":["a"]})"), "field 'text' must be a string, got array");
  EXPECT_EQ(Err(R"({"text":false})"), "field 'text' must be a string, got boolean");
}

TEST_F(CommentDecoderTest, IdOfWrongType) {
  Comment c;
  EXPECT_EQ(Err(R"({"id":{"x":1},"text":"a"})", &c),
            "field 'id' must be a string or a number, got object");
  EXPECT_EQ(c.id_kind, IdKind::kAbsent);
  EXPECT_EQ(Err(R"({"id":true,"text":"a"})"),
            "field 'id' must be a string or a number, got boolean");
  EXPECT_EQ(Err(R"({"id":[1],"text":"a"})"),
            "field 'id' must be a string or a number, got array");
}

TEST_F(CommentDecoderTest, OtherFieldsOfWrongType) {
  Comment c;
  EXPECT_EQ(Err(R"({"id":3,"text":"a","author":7})", &c),
            "field 'author' must be a string, got number");
  EXPECT_EQ(c.id, "3");
  EXPECT_TRUE(c.text.empty());
  EXPECT_EQ(Err(R"({"text":"a","thread":[]})"), "field 'thread' must be a string, got array");
  EXPECT_EQ(Err(R"({"text":"a","parent":1})"), "field 'parent' must be a string, got number");
  EXPECT_EQ(Err(R"({"text":"a","lang":{}})"), "field 'lang' must be a string, got object");
  EXPECT_EQ(Err(R"({"text":"a","meta":"m"})"), "field 'meta' must be an object, got string");
  EXPECT_EQ(Err(R"({"text":"a","meta":[1]})"), "field 'meta' must be an object, got array");
}

TEST_F(CommentDecoderTest, InvalidUtf8InTextIsMaskedKeepingOffsets) {
  // A lone continuation byte, a truncated 3-byte sequence, an overlong and a surrogate.
  Comment c = Ok("{\"id\":\"c\xFF\",\"text\":\"a\x80z \xE2\x82 \xC0\xAF \xED\xA0\x80!\"}");
  EXPECT_EQ(c.text, "a?z ?? ?? ???!");  // same length as the original text: 14 bytes
  EXPECT_TRUE(IsValidUtf8(c.text));
  EXPECT_EQ(c.id, "c?");
}

TEST_F(CommentDecoderTest, LeadingByteOrderMarkIsIgnored) {
  EXPECT_EQ(Ok("\xEF\xBB\xBF{\"text\":\"hi\"}").text, "hi");
}

TEST_F(CommentDecoderTest, InvalidUtf8OutsideStringsIsStillInvalidJson) {
  EXPECT_EQ(Err("{\"text\":\"a\"}\xFF").rfind("invalid JSON: ", 0), 0u);
}

TEST_F(CommentDecoderTest, EscapedUnicode) {
  EXPECT_EQ(Ok(R"({"text":"caf\u00e9"})").text, "caf\xC3\xA9");
  EXPECT_EQ(Ok(R"({"text":"\ud83d\ude00 ok"})").text, "\xF0\x9F\x98\x80 ok");
  EXPECT_EQ(Ok(R"({"text":"a\nb\t\"c\"\\\/"})").text, "a\nb\t\"c\"\\/");
  EXPECT_EQ(Ok(R"({"text":"nul\u0000byte"})").text, std::string_view("nul\0byte", 8));
  EXPECT_TRUE(IsValidUtf8(Ok(R"({"text":"\ud83d\ude00"})").text));
}

TEST_F(CommentDecoderTest, LoneSurrogateEscapeIsAReplacementCharacter) {
  // An escaped lone surrogate cannot become UTF-8 and simdjson rejects it; it made the
  // whole comment an error record, unscored ("you idiot \ud83d" slipped through). It now
  // reads as U+FFFD, on the flat path and through simdjson (a nested meta forces it).
  EXPECT_EQ(Ok(R"({"text":"\ud800 x"})").text, "\xEF\xBF\xBD x");
  EXPECT_EQ(Ok(R"({"text":"you idiot \ud83d","meta":{"k":"\udc00"}})").text, "you idiot \xEF\xBF\xBD");
  // A malformed escape is still an error.
  Err(R"({"text":"\ud8 x"})");
}

TEST_F(CommentDecoderTest, FiveMebibyteText) {
  std::string body(5 << 20, 'a');
  for (size_t i = 0; i < body.size(); i += 1000) body[i] = ' ';
  const std::string line = R"({"id":1,"text":")" + body + R"("})";
  Comment c = Ok(line);
  EXPECT_EQ(c.text.size(), body.size());
  EXPECT_EQ(c.text, body);
  // A small line after the big one still works with the grown buffers.
  EXPECT_EQ(Ok(R"({"text":"small"})").text, "small");
}

TEST_F(CommentDecoderTest, MetaPassedThrough) {
  Comment c = Ok(R"({"text":"x","meta":{ "nested" : {"k":"v\"q\u00e9"}, "n": -3, "f": 2.5,)"
                 R"( "list":[ ], "o":{} }})");
  EXPECT_EQ(c.meta_json,
            R"({"nested":{"k":"v\"q)" "\xC3\xA9" R"("},"n":-3,"f":2.5,"list":[],"o":{}})");
  // The pass-through is itself valid JSON.
  simdjson::dom::parser p;
  simdjson::dom::element e;
  EXPECT_EQ(p.parse(std::string(c.meta_json)).get(e), simdjson::SUCCESS);
}

// JSON parsers differ on which of two values counts: scoring the last while the platform
// shows the first let {"text":"you idiot","text":"lovely"} through as allow (an operator
// audit). A field decorum reads, given twice, is an error, on the flat path and the DOM's.
TEST_F(CommentDecoderTest, AFieldGivenTwiceIsAnError) {
  const std::string twice = "given twice: JSON parsers differ on which value counts, so the comment is "
                            "not scored; send each field once";
  Comment c;
  EXPECT_EQ(Err(R"({"id":"a","text":"you idiot","text":"lovely"})", &c), "field 'text' " + twice);
  EXPECT_EQ(c.id, "a") << "the error record still echoes the id";
  EXPECT_EQ(Err(R"({"id":"a","text":"x","meta":{},"author":"b","author":null})"), "field 'author' " + twice);
  EXPECT_EQ(Err(R"({"id":"a","id":"b","text":"x"})", &c), "field 'id' " + twice);
  EXPECT_TRUE(c.id.empty()) << "an id given twice is not echoed";
  EXPECT_EQ(Err(R"({"text":"a","text":"b","id":"x","id":"y"})", &c), "field 'text' " + twice);
  EXPECT_TRUE(c.id.empty()) << "nor when another field came twice first";
  // Keys decorum does not read may repeat. (A key two fields share, TwoFieldsMayShareASource,
  // may appear once: twice, it is given twice for both.)
  EXPECT_EQ(Ok(R"({"text":"nice","x":1,"x":2})").text, "nice");
  CommentDecoder pushshift(FieldMap::Parse("pushshift").value());
  ASSERT_FALSE(pushshift.Decode(R"({"body":"a","body":"b"})", 1, &c).ok());
}

TEST_F(CommentDecoderTest, TwoFieldsMayShareASource) {
  CommentDecoder decoder(FieldMap::Parse("id=k,thread=k").value());
  Comment c;
  ASSERT_TRUE(decoder.Decode(R"({"text":"x","k":"v"})", 1, &c).ok());
  EXPECT_EQ(c.id, "v");
  EXPECT_EQ(c.thread, "v");
}

// A padded line (Line::padded, line_reader.h) is parsed where it lies, followed by
// whatever comes next in the buffer — here the next lines, as in the batch scorer's
// batches, then kLinePadding bytes. Every outcome must be the copying path's: valid
// lines, invalid UTF-8 (repaired in a copy, never in the buffer), bad JSON, a line
// followed by bytes that would complete it.
TEST_F(CommentDecoderTest, PaddedLinesDecodeInPlaceAsCopiedOnesDo) {
  const std::vector<std::string> lines = {
      R"({"id":"a","text":"hello","meta":{"k":[1,2]}})",
      "{\"id\":\"b\",\"text\":\"bad \xFF byte\"}",
      R"({"id":"c","text":"truncated)",
      R"("}{"text":"completes the line before only if read past its end"})",
      "{\"text\":\"x\"}\xFF",
      R"({"text":"\u00e9t\u00e9","ts":"2024-01-02T03:04:05Z"})",
      "   ",
      R"({"id":12,"text":"short"})",
  };
  std::string batch;
  std::vector<size_t> offsets;
  for (const std::string& l : lines) {
    offsets.push_back(batch.size());
    batch += l;
  }
  batch.append(kLinePadding, '\0');
  const std::string before = batch;
  CommentDecoder copying;
  for (size_t i = 0; i < lines.size(); ++i) {
    SCOPED_TRACE(lines[i]);
    Comment in_place, copied;
    const Status a = decoder_.Decode(std::string_view(batch).substr(offsets[i], lines[i].size()), 3, &in_place,
                                     /*padded=*/true);
    const Status b = copying.Decode(lines[i], 3, &copied);
    EXPECT_EQ(a.ok(), b.ok());
    EXPECT_EQ(a.message(), b.message());
    EXPECT_EQ(in_place.id, copied.id);
    EXPECT_EQ(in_place.text, copied.text);
    EXPECT_EQ(in_place.ts_ms, copied.ts_ms);
    EXPECT_EQ(in_place.meta_json, copied.meta_json);
  }
  EXPECT_EQ(batch, before) << "a padded line was written to";
}

TEST_F(CommentDecoderTest, ReusedAcrossManyLines) {
  // Each result is checked before the next Decode call, as the contract requires; lines vary
  // in size, validity and UTF-8 so every buffer is grown and reused.
  for (int i = 0; i < 2000; ++i) {
    const std::string text = std::string(static_cast<size_t>(i % 97) * 13, 'x') + std::to_string(i);
    std::string line;
    switch (i % 5) {
      case 0:
      case 1:
        line = R"({"id":)" + std::to_string(i) + R"(,"text":")" + text +
               R"(","meta":{"i":)" + std::to_string(i) + "}}";
        break;
      case 2:
        line = R"({"id":"s)" + std::to_string(i) + R"(","text":")" + text + "\xFF\"}";
        break;
      case 3:
        line = R"({"id":"s)" + std::to_string(i) + R"(","text":)" + text;  // truncated
        break;
      case 4:
        line = R"({"id":)" + std::to_string(i) + ".5," + R"("text":")" + text + R"("})";
        break;
    }
    Comment c;
    Status s = decoder_.Decode(line, static_cast<uint64_t>(i + 1), &c);
    ASSERT_EQ(c.line, static_cast<uint64_t>(i + 1));
    switch (i % 5) {
      case 0:
      case 1:
        ASSERT_TRUE(s.ok()) << s.message();
        ASSERT_EQ(c.id, std::to_string(i));
        ASSERT_EQ(c.text, text);
        ASSERT_EQ(c.meta_json, R"({"i":)" + std::to_string(i) + "}");
        break;
      case 2:
        ASSERT_TRUE(s.ok()) << s.message();
        ASSERT_EQ(c.id, "s" + std::to_string(i));
        ASSERT_EQ(c.text, text + "?");
        ASSERT_TRUE(c.meta_json.empty());
        break;
      case 3:
        ASSERT_FALSE(s.ok());
        ASSERT_EQ(c.id_kind, IdKind::kAbsent);
        break;
      case 4:
        ASSERT_TRUE(s.ok()) << s.message();
        ASSERT_EQ(c.id, std::to_string(i) + ".5");
        ASSERT_EQ(c.text, text);
        break;
    }
  }
}

}  // namespace
}  // namespace decorum
