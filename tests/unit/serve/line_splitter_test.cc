#include "serve/line_splitter.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace decorum::serve {
namespace {

struct Got {
  std::string bytes;
  uint64_t number;
  bool too_long;
  uint64_t length;
};

std::vector<Got> Split(const std::vector<std::string>& chunks, size_t max, bool finish = true) {
  LineSplitter s(max);
  std::vector<Got> out;
  auto on = [&](const Line& l) { out.push_back({std::string(l.bytes), l.number, l.too_long, l.length}); };
  for (const auto& c : chunks) s.Feed(c, on);
  if (finish) s.Finish(on);
  return out;
}

TEST(LineSplitterTest, SplitsAcrossChunksAndNumbersEveryLine) {
  auto got = Split({"ab", "c\n\nde", "f\r\ng"}, 100);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0].bytes, "abc");
  EXPECT_EQ(got[1].bytes, "");
  EXPECT_EQ(got[2].bytes, "def");  // one '\r' before '\n' dropped
  EXPECT_EQ(got[3].bytes, "g");    // last line without '\n' at Finish
  EXPECT_EQ(got[3].number, 4u);
}

TEST(LineSplitterTest, NothingForEmptyRestAfterFinalNewline) {
  EXPECT_EQ(Split({"a\n"}, 100).size(), 1u);
  EXPECT_EQ(Split({""}, 100).size(), 0u);
}

TEST(LineSplitterTest, OverLongLineIsCountedNotBuffered) {
  const std::string big(10000, 'x');
  auto got = Split({"ok\n", big.substr(0, 4000), big.substr(4000), "\nnext\n"}, 100);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_FALSE(got[0].too_long);
  EXPECT_TRUE(got[1].too_long);
  EXPECT_EQ(got[1].length, 10000u);
  EXPECT_TRUE(got[1].bytes.empty());
  EXPECT_EQ(got[2].bytes, "next");
  EXPECT_EQ(got[2].number, 3u);
}

TEST(LineSplitterTest, LimitIsExact) {
  auto got = Split({"12345\n123456\n12345\r\n"}, 5);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_FALSE(got[0].too_long);
  EXPECT_TRUE(got[1].too_long);
  EXPECT_FALSE(got[2].too_long);  // the '\r' does not count
  EXPECT_EQ(got[2].bytes, "12345");
}

// The largest limit the config accepts (2^64 - 1) is no limit; it once wrapped to 0 when
// the splitter added its byte for a '\r', and every line came out too long.
TEST(LineSplitterTest, LargestLimitIsNoLimit) {
  auto got = Split({"12345\n", "1234", "5\r\n"}, SIZE_MAX);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_FALSE(got[0].too_long);
  EXPECT_EQ(got[0].bytes, "12345");
  EXPECT_FALSE(got[1].too_long);
  EXPECT_EQ(got[1].bytes, "12345");
}

TEST(LineSplitterTest, PendingBytesOfAnUnfinishedLine) {
  LineSplitter s(100);
  s.Feed("abc\nde", [](const Line&) {});
  EXPECT_EQ(s.pending_bytes(), 2u);
  EXPECT_EQ(s.lines(), 1u);
}

}  // namespace
}  // namespace decorum::serve
