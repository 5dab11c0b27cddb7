#include "ingest/line_reader.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>
#include <zlib.h>
#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_getFrameHeader, to check the test's window size
#include <zstd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "ingest/auto_decompress_source.h"
#include "ingest/file_source.h"
#include "ingest/memory_source.h"

namespace decorum {
namespace {

constexpr size_t kMiB = size_t{1} << 20;

// A Line with its bytes copied out, so results outlive the reader's buffer.
struct OwnedLine {
  std::string bytes;
  uint64_t number;
  bool too_long;
  uint64_t length;

  bool operator==(const OwnedLine&) const = default;
};

std::ostream& operator<<(std::ostream& os, const OwnedLine& l) {
  return os << "{#" << l.number << " '" << (l.bytes.size() > 40 ? "<long>" : l.bytes) << "'"
            << (l.too_long ? " too_long" : "") << " len=" << l.length << "}";
}

OwnedLine Ok(uint64_t number, std::string bytes) {
  const uint64_t len = bytes.size();
  return OwnedLine{std::move(bytes), number, false, len};
}

OwnedLine TooLong(uint64_t number, uint64_t length) { return OwnedLine{"", number, true, length}; }

void CheckAndAppend(const Line& line, std::vector<OwnedLine>* out) {
  if (line.too_long) {
    EXPECT_TRUE(line.bytes.empty());
  } else {
    EXPECT_EQ(line.length, line.bytes.size());
  }
  EXPECT_EQ(line.padded, !line.too_long);
  out->push_back(OwnedLine{std::string(line.bytes), line.number, line.too_long, line.length});
}

// Reads every line, checking the Line invariants on the way.
std::vector<OwnedLine> ReadAll(LineReader& reader) {
  std::vector<OwnedLine> out;
  Line line;
  while (reader.Next(&line)) CheckAndAppend(line, &out);
  return out;
}

// Reads every line the way the batch scorer does: NextBlock into one of three blocks in
// turn (their buffers are handed back and forth like batches'), split by LineBlockCursor.
// Checks the block contract: numbers run on; between 1 and limits.max_lines lines, as
// many as the block's bytes hold (counted here with std::count); a skipped block is one
// empty range, any other is followed by kLinePadding bytes of its buffer; every line
// with bytes lies inside its block.
std::vector<OwnedLine> ReadAllBlocks(LineReader& reader, size_t max_line,
                                     const BlockLimits& limits = {}) {
  std::vector<OwnedLine> out;
  LineBlock blocks[3];
  uint64_t next_number = 1;
  for (size_t i = 0; reader.NextBlock(&blocks[i % 3], limits); ++i) {
    const LineBlock& block = blocks[i % 3];
    EXPECT_EQ(block.first_number, next_number);
    EXPECT_GE(block.lines, 1u);
    EXPECT_LE(block.lines, limits.max_lines);
    EXPECT_LE(block.begin, block.end);
    if (block.skipped) {
      EXPECT_EQ(block.lines, 1u);
      EXPECT_EQ(block.begin, block.end);
    } else {
      EXPECT_GE(block.buffer.size(), block.end + kLinePadding);
      const char* first = block.buffer.data() + block.begin;
      const char* last = block.buffer.data() + block.end;
      const uint64_t newlines = std::count(first, last, '\n');
      EXPECT_EQ(block.lines, last[-1] == '\n' ? newlines : newlines + 1);
    }
    next_number += block.lines;
    LineBlockCursor cursor(block, max_line);
    for (Line line; cursor.Next(&line);) {
      if (!line.too_long) {
        EXPECT_GE(line.bytes.data(), block.buffer.data() + block.begin);
        EXPECT_LE(line.bytes.data() + line.bytes.size(), block.buffer.data() + block.end);
      }
      CheckAndAppend(line, &out);
    }
  }
  return out;
}

// A LineReader over a private copy of `data` (compressed or not), receiving at most
// `max_read` bytes per raw read. Owning the copy keeps callers from handing MemorySource a
// view of a temporary.
class MemoryReader {
 public:
  MemoryReader(std::string data, size_t max_line, size_t max_read = SIZE_MAX)
      : data_(std::make_unique<std::string>(std::move(data))) {
    auto raw = std::make_unique<MemorySource>(*data_, max_read);
    auto source = std::make_unique<AutoDecompressSource>(std::move(raw), "<memory>");
    reader_ = std::make_unique<LineReader>(std::move(source), max_line, data_->size());
  }
  LineReader& operator*() { return *reader_; }
  LineReader* operator->() { return reader_.get(); }

 private:
  std::unique_ptr<std::string> data_;
  std::unique_ptr<LineReader> reader_;
};

// Checks that `data` reads as `expected`, whole and as a pipe trickling a few bytes at a
// time (which puts every chunk boundary inside lines, CRLFs and compressed blocks).
// Both by line (Next) and by block (NextBlock).
void ExpectLines(const std::string& data, size_t max_line, const std::vector<OwnedLine>& expected) {
  for (size_t max_read : {SIZE_MAX, size_t{1}, size_t{3}, size_t{4096}}) {
    SCOPED_TRACE("max_read=" + std::to_string(max_read));
    MemoryReader reader(data, max_line, max_read);
    EXPECT_EQ(ReadAll(*reader), expected);
    EXPECT_TRUE(reader->status().ok()) << reader->status().ToString();
    // As the batch scorer reads, and with blocks cut after every line or two.
    for (BlockLimits limits : {BlockLimits{}, BlockLimits{0, 1}, BlockLimits{5, 2},
                               BlockLimits{size_t{1} << 18, 4096}}) {
      SCOPED_TRACE("min_bytes=" + std::to_string(limits.min_bytes) +
                   " max_lines=" + std::to_string(limits.max_lines));
      MemoryReader by_block(data, max_line, max_read);
      EXPECT_EQ(ReadAllBlocks(*by_block, max_line, limits), expected);
      EXPECT_TRUE(by_block->status().ok()) << by_block->status().ToString();
    }
  }
}

std::string Gzip(const std::string& data) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, data.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// With a content checksum, as the zstd tool writes by default, so corruption is caught.
std::string Zstd(const std::string& data) {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
  std::string out(ZSTD_compressBound(data.size()), '\0');
  const size_t n = ZSTD_compress2(cctx, out.data(), out.size(), data.data(), data.size());
  ZSTD_freeCCtx(cctx);
  EXPECT_FALSE(ZSTD_isError(n));
  out.resize(ZSTD_isError(n) ? 0 : n);
  return out;
}

// Streams with an unknown content size, so the frame keeps the full 2^window_log window
// instead of shrinking it to fit the input (what `zstd --long=31` does on a pipe).
std::string ZstdLongWindow(const std::string& data, int window_log) {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_windowLog, window_log);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_enableLongDistanceMatching, 1);
  std::string out(ZSTD_compressBound(data.size()) + 1024, '\0');
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  ZSTD_outBuffer zout{out.data(), out.size(), 0};
  size_t rc = ZSTD_compressStream2(cctx, &zout, &in, ZSTD_e_continue);
  EXPECT_FALSE(ZSTD_isError(rc));
  do {
    rc = ZSTD_compressStream2(cctx, &zout, &in, ZSTD_e_end);
    EXPECT_FALSE(ZSTD_isError(rc));
  } while (rc != 0 && !ZSTD_isError(rc));
  ZSTD_freeCCtx(cctx);
  out.resize(zout.pos);
  return out;
}

std::string ManyLines(int n) {
  std::string s;
  for (int i = 1; i <= n; ++i) s += "{\"id\":" + std::to_string(i) + ",\"text\":\"hello\"}\n";
  return s;
}

std::vector<OwnedLine> ManyLinesExpected(int n) {
  std::vector<OwnedLine> v;
  for (int i = 1; i <= n; ++i)
    v.push_back(Ok(i, "{\"id\":" + std::to_string(i) + ",\"text\":\"hello\"}"));
  return v;
}

// A per-test scratch directory under the test temp dir.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = testing::TempDir() + "decorum_ingest_XXXXXX";
    path_ = mkdtemp(tmpl.data()) != nullptr ? tmpl : std::string();
    EXPECT_FALSE(path_.empty());
  }
  ~TempDir() { std::system(("rm -rf '" + path_ + "'").c_str()); }
  std::string Write(const std::string& name, const std::string& data) const {
    const std::string p = path_ + "/" + name;
    std::ofstream(p, std::ios::binary) << data;
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

bool HaveTool(const char* tool) {
  return std::system((std::string("command -v ") + tool + " >/dev/null 2>&1").c_str()) == 0;
}

// Reads every line of `path` and returns the final status through *status.
std::vector<OwnedLine> ReadFile(const std::string& path, size_t max_line, Status* status) {
  auto reader = LineReader::Open(path, max_line);
  if (!reader.ok()) {
    *status = reader.status();
    return {};
  }
  auto lines = ReadAll(**reader);
  *status = (*reader)->status();
  return lines;
}

// --- Line splitting ---------------------------------------------------------------------

TEST(LineReaderTest, SplitsLinesAndNumbersThemFromOne) {
  ExpectLines("a\nbb\nccc\n", 100, {Ok(1, "a"), Ok(2, "bb"), Ok(3, "ccc")});
}

TEST(LineReaderTest, EmptyInputHasNoLines) { ExpectLines("", 100, {}); }

TEST(LineReaderTest, StripsOneCarriageReturnBeforeNewline) {
  ExpectLines("a\r\nb\r\r\nc\rd\r\n", 100, {Ok(1, "a"), Ok(2, "b\r"), Ok(3, "c\rd")});
}

TEST(LineReaderTest, ReturnsEmptyLines) {
  ExpectLines("\n\nx\n\r\n\n", 100, {Ok(1, ""), Ok(2, ""), Ok(3, "x"), Ok(4, ""), Ok(5, "")});
}

TEST(LineReaderTest, ReturnsLastLineWithoutNewline) {
  ExpectLines("a\nlast", 100, {Ok(1, "a"), Ok(2, "last")});
  ExpectLines("a\nlast\r", 100, {Ok(1, "a"), Ok(2, "last")});
  ExpectLines("only", 100, {Ok(1, "only")});
  ExpectLines("\n", 100, {Ok(1, "")});
}

TEST(LineReaderTest, LineAtLimitIsKeptAndOneByteOverIsTooLong) {
  const std::string at(8, 'a');
  const std::string over(9, 'b');
  ExpectLines(at + "\n" + over + "\n" + at + "\r\n" + over + "\r\n" + "ok\n" + over, 8,
              {Ok(1, at), TooLong(2, 9), Ok(3, at), TooLong(4, 9), Ok(5, "ok"), TooLong(6, 9)});
}

TEST(LineReaderTest, ZeroLimitKeepsOnlyEmptyLines) {
  ExpectLines("\nx\n\r\n", 0, {Ok(1, ""), TooLong(2, 1), Ok(3, "")});
}

TEST(LineReaderTest, HugeLineIsSkippedAndNextLineIsRead) {
  const std::string huge(5 * kMiB, 'x');
  const std::string data = "first\n" + huge + "\nnext\n" + huge + "\r\nlast";
  const std::vector<OwnedLine> expected = {Ok(1, "first"), TooLong(2, 5 * kMiB), Ok(3, "next"),
                                           TooLong(4, 5 * kMiB), Ok(5, "last")};
  for (size_t max_read : {SIZE_MAX, size_t{65536}, size_t{1000003}}) {
    SCOPED_TRACE("max_read=" + std::to_string(max_read));
    MemoryReader reader(data, kMiB, max_read);
    EXPECT_EQ(ReadAll(*reader), expected);
    EXPECT_TRUE(reader->status().ok());
  }
  // The same through both decompressors, and by block.
  EXPECT_EQ(ReadAll(*MemoryReader(Gzip(data), kMiB)), expected);
  EXPECT_EQ(ReadAll(*MemoryReader(Zstd(data), kMiB)), expected);
  for (size_t max_read : {SIZE_MAX, size_t{65536}}) {
    for (BlockLimits limits : {BlockLimits{}, BlockLimits{size_t{1} << 18, 1}}) {
      MemoryReader reader(data, kMiB, max_read);
      EXPECT_EQ(ReadAllBlocks(*reader, kMiB, limits), expected);
      EXPECT_TRUE(reader->status().ok());
    }
  }
}

TEST(LineReaderTest, HugeLastLineWithoutNewlineIsTooLong) {
  ExpectLines("a\n" + std::string(3 * kMiB, 'y'), kMiB, {Ok(1, "a"), TooLong(2, 3 * kMiB)});
}

// Produces `size` bytes of 'x', then "\nafter\n": a LineReader must not buffer an
// over-long line to count it.
class GiantLineSource : public ByteSource {
 public:
  explicit GiantLineSource(uint64_t size) : size_(size) {}
  size_t Read(char* buf, size_t cap) override {
    static const std::string kTail = "\nafter\n";
    const uint64_t total = size_ + kTail.size();
    const size_t n = static_cast<size_t>(std::min<uint64_t>(cap, total - pos_));
    for (size_t i = 0; i < n;) {
      const uint64_t at = pos_ + i;
      if (at < size_) {
        const size_t run = static_cast<size_t>(std::min<uint64_t>(n - i, size_ - at));
        std::memset(buf + i, 'x', run);
        i += run;
      } else {
        buf[i++] = kTail[at - size_];
      }
    }
    pos_ += n;
    return n;
  }
  const Status& status() const override { return status_; }
  uint64_t consumed() const override { return pos_; }

 private:
  uint64_t size_;
  uint64_t pos_ = 0;
  Status status_;
};

long MaxRssKiB() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

TEST(LineReaderTest, HugeLineIsNotBuffered) {
  constexpr uint64_t kSize = uint64_t{1} << 30;  // 1 GiB of one line
  const long rss_before = MaxRssKiB();
  LineReader reader(std::make_unique<GiantLineSource>(kSize), kMiB, 0);
  EXPECT_EQ(ReadAll(reader), (std::vector<OwnedLine>{TooLong(1, kSize), Ok(2, "after")}));
  EXPECT_TRUE(reader.status().ok());
  EXPECT_EQ(reader.consumed_bytes(), kSize + 7);
  // By block as the batch scorer reads (gathering 256 KiB before it cuts a block).
  LineReader by_block(std::make_unique<GiantLineSource>(kSize), kMiB, 0);
  EXPECT_EQ(ReadAllBlocks(by_block, kMiB, BlockLimits{size_t{1} << 18, 4096}),
            (std::vector<OwnedLine>{TooLong(1, kSize), Ok(2, "after")}));
  // Either way the buffer stays within one line at the limit plus one read chunk.
  EXPECT_LT(MaxRssKiB() - rss_before, 64 * 1024) << "KiB of peak RSS growth";
}

// Serves `data`, then fails the way a broken disk or a vanished peer would.
class FailingSource : public ByteSource {
 public:
  explicit FailingSource(std::string data) : data_(std::move(data)) {}
  size_t Read(char* buf, size_t cap) override {
    if (pos_ == data_.size()) {
      status_ = Status::IoError("disk.ndjson: read failed: Input/output error");
      return 0;
    }
    const size_t n = std::min(cap, data_.size() - pos_);
    std::memcpy(buf, data_.data() + pos_, n);
    pos_ += n;
    return n;
  }
  const Status& status() const override { return status_; }
  uint64_t consumed() const override { return pos_; }

 private:
  std::string data_;
  size_t pos_ = 0;
  Status status_;
};

TEST(LineReaderTest, ReadErrorStopsWithStatusAndDropsPartialLine) {
  LineReader reader(std::make_unique<FailingSource>("a\nb\npartial"), 100, 0);
  EXPECT_EQ(ReadAll(reader), (std::vector<OwnedLine>{Ok(1, "a"), Ok(2, "b")}));
  EXPECT_EQ(reader.status().code(), Status::Code::kIoError);
  Line line;
  EXPECT_FALSE(reader.Next(&line));  // stays stopped
}

// Also when a block is still being gathered (min_bytes) as the error comes: the whole
// lines before it go out first (as the batch scorer reads a truncated gzip dump).
TEST(LineReaderTest, ReadErrorAfterWholeLinesByBlock) {
  for (BlockLimits limits : {BlockLimits{}, BlockLimits{size_t{1} << 18, 4096}, BlockLimits{0, 1}}) {
    LineReader reader(std::make_unique<FailingSource>("a\nb\npartial"), 100, 0);
    EXPECT_EQ(ReadAllBlocks(reader, 100, limits), (std::vector<OwnedLine>{Ok(1, "a"), Ok(2, "b")}));
    EXPECT_EQ(reader.status().code(), Status::Code::kIoError);
    LineBlock block;
    EXPECT_FALSE(reader.NextBlock(&block, limits));  // stays stopped
  }
}

TEST(LineReaderTest, ReadErrorWhileSkippingHugeLine) {
  LineReader reader(std::make_unique<FailingSource>("a\n" + std::string(3 * kMiB, 'z')), kMiB, 0);
  EXPECT_EQ(ReadAll(reader), (std::vector<OwnedLine>{Ok(1, "a")}));
  EXPECT_EQ(reader.status().code(), Status::Code::kIoError);
}

TEST(LineReaderTest, ManyLinesAcrossChunks) {
  const std::string data = ManyLines(200000);  // ~6 MiB: many 256 KiB chunks
  MemoryReader reader(data, kMiB);
  EXPECT_EQ(ReadAll(*reader), ManyLinesExpected(200000));
  EXPECT_EQ(reader->consumed_bytes(), data.size());
  MemoryReader by_block(data, kMiB, 65536);
  EXPECT_EQ(ReadAllBlocks(*by_block, kMiB, BlockLimits{size_t{1} << 18, 4096}),
            ManyLinesExpected(200000));
  EXPECT_EQ(by_block->consumed_bytes(), data.size());
}

// min_bytes gathers short reads (a pipe, a decompressor) until that much is buffered,
// so a block falls short of it only by the partial line after it, except the input's
// last block. max_lines cuts blocks of tiny lines.
TEST(LineReaderTest, BlockLimitsGatherShortReadsAndCutTinyLines) {
  const std::string data = ManyLines(2000);  // ~60 KiB
  for (size_t max_read : {size_t{1}, size_t{100}, size_t{4096}}) {
    SCOPED_TRACE("max_read=" + std::to_string(max_read));
    MemoryReader reader(data, kMiB, max_read);
    LineBlock block;
    uint64_t lines = 0;
    size_t blocks = 0;
    bool short_seen = false;
    while (reader->NextBlock(&block, BlockLimits{10000, 4096})) {
      EXPECT_FALSE(short_seen) << "a block shorter than min_bytes before the last";
      short_seen = block.end - block.begin < 10000 - 64;  // the lines are < 64 bytes
      lines += block.lines;
      ++blocks;
    }
    EXPECT_EQ(lines, 2000u);
    EXPECT_LE(blocks, data.size() / 10000 + 1);
  }
  MemoryReader tiny(std::string(10000, '\n'), 100);
  LineBlock block;
  std::vector<uint64_t> sizes;
  while (tiny->NextBlock(&block, BlockLimits{size_t{1} << 18, 4096})) sizes.push_back(block.lines);
  EXPECT_EQ(sizes, (std::vector<uint64_t>{4096, 4096, 1808}));
}

// Runs of '\n' longer than the block counter's 255 steps of 16 bytes (4080), and at
// several alignments: the next block's numbers depend on the count being exact.
TEST(LineReaderTest, DenseNewlinesAreCountedExactly) {
  for (size_t lead : {size_t{0}, size_t{1}, size_t{7}, size_t{15}}) {
    SCOPED_TRACE("lead=" + std::to_string(lead));
    std::string data(lead, 'x');
    for (size_t run : {size_t{16}, size_t{4079}, size_t{4080}, size_t{4081}, size_t{70001}}) {
      data += std::string(run, '\n') + "y" + std::to_string(run);
    }
    data += '\n';
    std::vector<OwnedLine> expected;  // split on '\n': no '\r', nothing over the limit
    size_t start = 0;
    for (size_t nl; (nl = data.find('\n', start)) != std::string::npos; start = nl + 1) {
      expected.push_back(Ok(expected.size() + 1, data.substr(start, nl - start)));
    }
    for (size_t max_read : {SIZE_MAX, size_t{4097}}) {
      for (BlockLimits limits : {BlockLimits{}, BlockLimits{size_t{1} << 18, 4096}}) {
        MemoryReader reader(data, 100, max_read);
        EXPECT_EQ(ReadAllBlocks(*reader, 100, limits), expected);
      }
    }
  }
}

TEST(LineBlockTest, DropFrontSkipsWholeLines) {
  MemoryReader reader("a\nb\r\n\nc\nlast", 100);
  LineBlock block;
  ASSERT_TRUE(reader->NextBlock(&block));  // the lines up to the last '\n'
  ASSERT_EQ(block.lines, 4u);
  EXPECT_EQ(block.DropFront(0), 0u);
  EXPECT_EQ(block.DropFront(2), 2u);
  EXPECT_EQ(block.first_number, 3u);
  EXPECT_EQ(block.lines, 2u);
  std::vector<OwnedLine> out;
  LineBlockCursor cursor(block, 100);
  for (Line line; cursor.Next(&line);) CheckAndAppend(line, &out);
  EXPECT_EQ(out, (std::vector<OwnedLine>{Ok(3, ""), Ok(4, "c")}));
  // More than it holds: drops what there is, a last line without '\n' included.
  ASSERT_TRUE(reader->NextBlock(&block));
  EXPECT_EQ(block.first_number, 5u);
  EXPECT_EQ(block.DropFront(10), 1u);
  EXPECT_EQ(block.lines, 0u);
  EXPECT_EQ(block.first_number, 6u);
  EXPECT_EQ(block.begin, block.end);
  Line line;
  EXPECT_FALSE(LineBlockCursor(block, 100).Next(&line));
  EXPECT_FALSE(reader->NextBlock(&block));
}

TEST(LineBlockTest, DropFrontSkipsAnOverLongLine) {
  MemoryReader reader("a\n" + std::string(3 * kMiB, 'z') + "\nb\n", kMiB);
  LineBlock block;
  ASSERT_TRUE(reader->NextBlock(&block));
  EXPECT_FALSE(block.skipped);
  EXPECT_EQ(block.lines, 1u);
  ASSERT_TRUE(reader->NextBlock(&block));
  ASSERT_TRUE(block.skipped);
  EXPECT_EQ(block.skipped_length, 3 * kMiB);
  EXPECT_EQ(block.first_number, 2u);
  EXPECT_EQ(block.DropFront(5), 1u);
  EXPECT_EQ(block.lines, 0u);
  ASSERT_TRUE(reader->NextBlock(&block));
  EXPECT_EQ(block.first_number, 3u);
  EXPECT_EQ(block.lines, 1u);
}

// --- Files ------------------------------------------------------------------------------

TEST(LineReaderTest, OpensPlainFileAndReportsSizes) {
  TempDir dir;
  const std::string data = "x\ny\n";
  const std::string path = dir.Write("plain.ndjson", data);
  auto reader = LineReader::Open(path, 100);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->total_bytes(), data.size());
  EXPECT_EQ(ReadAll(**reader), (std::vector<OwnedLine>{Ok(1, "x"), Ok(2, "y")}));
  EXPECT_EQ((*reader)->consumed_bytes(), data.size());
  EXPECT_TRUE((*reader)->status().ok());
}

TEST(LineReaderTest, NonexistentFileIsNotFound) {
  auto reader = LineReader::Open("/nonexistent/dir/dump.ndjson.zst", 100);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), Status::Code::kNotFound);
  EXPECT_NE(reader.status().message().find("/nonexistent/dir/dump.ndjson.zst"), std::string::npos)
      << reader.status().message();
}

TEST(LineReaderTest, DirectoryIsRejected) {
  TempDir dir;
  auto reader = LineReader::Open(dir.path(), 100);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(reader.status().message().find("is a directory"), std::string::npos);
}

TEST(LineReaderTest, DashReadsStandardInput) {
  TempDir dir;
  const std::string path = dir.Write("in.gz", Gzip("from\nstdin\n"));
  const int saved = dup(STDIN_FILENO);
  ASSERT_GE(saved, 0);
  FILE* f = std::fopen(path.c_str(), "rb");
  ASSERT_NE(f, nullptr);
  ASSERT_GE(dup2(fileno(f), STDIN_FILENO), 0);
  std::fclose(f);
  auto reader = LineReader::Open("-", 100);
  std::vector<OwnedLine> lines;
  if (reader.ok()) lines = ReadAll(**reader);
  dup2(saved, STDIN_FILENO);
  close(saved);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ(lines, (std::vector<OwnedLine>{Ok(1, "from"), Ok(2, "stdin")}));
  EXPECT_GT((*reader)->total_bytes(), 0u);  // a redirected regular file has a size
}

// --- gzip -------------------------------------------------------------------------------

TEST(GzipSourceTest, DecodesGzip) {
  const std::string data = ManyLines(1000);
  ExpectLines(Gzip(data), 100, ManyLinesExpected(1000));
}

TEST(GzipSourceTest, EmptyGzipHasNoLines) { ExpectLines(Gzip(""), 100, {}); }

TEST(GzipSourceTest, DecodesMultiMemberGzip) {
  // A line split across two members, as `cat a.gz b.gz` can produce.
  ExpectLines(Gzip("one\ntw") + Gzip("o\nthree\n") + Gzip("") + Gzip("four"), 100,
              {Ok(1, "one"), Ok(2, "two"), Ok(3, "three"), Ok(4, "four")});
}

TEST(GzipSourceTest, DecodesMultiMemberFileFromGzipTool) {
  if (!HaveTool("gzip")) GTEST_SKIP() << "gzip not installed";
  TempDir dir;
  dir.Write("a", "alpha\nbeta\n");
  dir.Write("b", "gamma\r\ndelta");
  const std::string d = "'" + dir.path() + "'";
  ASSERT_EQ(std::system(("gzip -c " + d + "/a > " + d + "/a.gz && gzip -c " + d + "/b > " + d +
                         "/b.gz && cat " + d + "/a.gz " + d + "/b.gz > " + d + "/dump.json")
                            .c_str()),
            0);
  Status status;
  // Named .json on purpose: detection goes by magic bytes, not by extension.
  EXPECT_EQ(
      ReadFile(dir.path() + "/dump.json", 100, &status),
      (std::vector<OwnedLine>{Ok(1, "alpha"), Ok(2, "beta"), Ok(3, "gamma"), Ok(4, "delta")}));
  EXPECT_TRUE(status.ok()) << status.ToString();
}

TEST(GzipSourceTest, TruncatedGzipIsCorrupt) {
  const std::string gz = Gzip(ManyLines(5000));
  // Cut in the middle of the deflate data, inside the 8-byte trailer, and right after
  // the magic bytes.
  for (size_t keep : {gz.size() / 2, gz.size() - 3, size_t{2}}) {
    SCOPED_TRACE("keep=" + std::to_string(keep));
    for (size_t max_read : {SIZE_MAX, size_t{7}}) {
      MemoryReader reader(gz.substr(0, keep), 100, max_read);
      const std::vector<OwnedLine> lines = ReadAll(*reader);
      EXPECT_EQ(reader->status().code(), Status::Code::kCorrupt);
      EXPECT_EQ(reader->status().message(), "<memory>: gzip stream truncated");
      if (keep == gz.size() / 2) EXPECT_GT(lines.size(), 0u);
      // By block as the batch scorer reads: the same whole lines before the error.
      MemoryReader by_block(gz.substr(0, keep), 100, max_read);
      EXPECT_EQ(ReadAllBlocks(*by_block, 100, BlockLimits{size_t{1} << 18, 4096}), lines);
      EXPECT_EQ(by_block->status().code(), Status::Code::kCorrupt);
    }
  }
}

TEST(GzipSourceTest, TruncatedGzipFileNamesTheFile) {
  TempDir dir;
  const std::string gz = Gzip(ManyLines(100));
  const std::string path = dir.Write("dump.gz", gz.substr(0, gz.size() - 10));
  Status status;
  ReadFile(path, 100, &status);
  EXPECT_EQ(status.code(), Status::Code::kCorrupt);
  EXPECT_EQ(status.message(), path + ": gzip stream truncated");
}

TEST(GzipSourceTest, CorruptGzipIsCorrupt) {
  std::string gz = Gzip(ManyLines(5000));
  for (size_t i = gz.size() / 3; i < gz.size() / 3 + 64; ++i) gz[i] = static_cast<char>(0xff);
  MemoryReader reader(gz, 100);
  ReadAll(*reader);
  EXPECT_EQ(reader->status().code(), Status::Code::kCorrupt);
  EXPECT_NE(reader->status().message().find("corrupt gzip data"), std::string::npos)
      << reader->status().message();
}

TEST(GzipSourceTest, GarbageAfterMemberIsCorrupt) {
  MemoryReader reader(Gzip("a\nb\n") + "not gzip at all", 100);
  EXPECT_EQ(ReadAll(*reader), (std::vector<OwnedLine>{Ok(1, "a"), Ok(2, "b")}));
  EXPECT_EQ(reader->status().code(), Status::Code::kCorrupt);
  EXPECT_NE(reader->status().message().find("trailing garbage after gzip member 1"),
            std::string::npos)
      << reader->status().message();
}

// Zero bytes after the last member are padding (tapes, block devices), as gzip takes
// them: every line, and no error. A non-zero byte after such zeros is still garbage.
TEST(GzipSourceTest, ZeroPaddingAfterTheLastMemberEndsTheStream) {
  MemoryReader padded(Gzip("a\nb\n") + std::string(5000, '\0'), 100);
  EXPECT_EQ(ReadAll(*padded), (std::vector<OwnedLine>{Ok(1, "a"), Ok(2, "b")}));
  EXPECT_TRUE(padded->status().ok()) << padded->status().message();
  MemoryReader garbage(Gzip("a\nb\n") + std::string(10, '\0') + "x", 100);
  ReadAll(*garbage);
  EXPECT_NE(garbage->status().message().find("trailing garbage after gzip member 1"), std::string::npos)
      << garbage->status().message();
}

// zlib's "incorrect header check" (junk where a next member would start) is not damage to
// the data already read: only a failed data or length check says to discard records.
TEST(GzipSourceTest, TrailingJunkIsNotCalledDamagedData) {
  MemoryReader reader(Gzip("a\nb\n") + "hello world garbage", 100);
  EXPECT_EQ(ReadAll(*reader), (std::vector<OwnedLine>{Ok(1, "a"), Ok(2, "b")}));
  EXPECT_EQ(reader->status().message().find("damaged"), std::string::npos) << reader->status().message();
}

// A member whose checksum fails was decompressed before zlib could tell: the message says
// the lines already read from it may be garbage.
TEST(GzipSourceTest, ChecksumFailureSaysTheLinesMayBeGarbage) {
  std::string gz = Gzip(ManyLines(5000));
  gz[gz.size() - 8] = static_cast<char>(gz[gz.size() - 8] ^ 1);  // the CRC32 in the trailer
  MemoryReader reader(gz, 100);
  ReadAll(*reader);
  EXPECT_EQ(reader->status().code(), Status::Code::kCorrupt);
  EXPECT_NE(reader->status().message().find(
                "(incorrect data check): the data of gzip member 1 is damaged, so the records of its lines may be "
                "garbage: discard them"),
            std::string::npos)
      << reader->status().message();
}

// --- zstd -------------------------------------------------------------------------------

TEST(ZstdSourceTest, DecodesZstd) {
  ExpectLines(Zstd(ManyLines(1000)), 100, ManyLinesExpected(1000));
}

TEST(ZstdSourceTest, DecodesMultipleFrames) {
  ExpectLines(Zstd("one\ntw") + Zstd("o\nthree\n") + Zstd("") + Zstd("four"), 100,
              {Ok(1, "one"), Ok(2, "two"), Ok(3, "three"), Ok(4, "four")});
}

TEST(ZstdSourceTest, DecodesLongWindowFrame) {
  const std::string data = ManyLines(20000);
  const std::string zst = ZstdLongWindow(data, 31);
  // Make sure the frame really declares a 2 GiB window, beyond zstd's default limit
  // (2^27), so this test fails if windowLogMax is not raised.
  ZSTD_frameHeader header;
  ASSERT_EQ(ZSTD_getFrameHeader(&header, zst.data(), zst.size()), 0u);
  ASSERT_EQ(header.windowSize, uint64_t{1} << 31);
  {
    ZSTD_DCtx* dctx = ZSTD_createDCtx();
    std::string out(64, '\0');
    ZSTD_inBuffer in{zst.data(), zst.size(), 0};
    ZSTD_outBuffer zout{out.data(), out.size(), 0};
    EXPECT_TRUE(ZSTD_isError(ZSTD_decompressStream(dctx, &zout, &in)))
        << "a default decoder should refuse this frame";
    ZSTD_freeDCtx(dctx);
  }
  ExpectLines(zst, 100, ManyLinesExpected(20000));
}

TEST(ZstdSourceTest, DecodesLongWindowFileFromZstdTool) {
  if (!HaveTool("zstd")) GTEST_SKIP() << "zstd not installed";
  TempDir dir;
  dir.Write("plain", ManyLines(3000));
  const std::string d = "'" + dir.path() + "'";
  // Through a pipe the content size is unknown, so the frame keeps its 2^31 window.
  ASSERT_EQ(std::system(("cat " + d + "/plain | zstd -q --long=31 -c > " + d + "/dump").c_str()),
            0);
  Status status;
  EXPECT_EQ(ReadFile(dir.path() + "/dump", 100, &status), ManyLinesExpected(3000));
  EXPECT_TRUE(status.ok()) << status.ToString();
}

TEST(ZstdSourceTest, TruncatedZstdIsCorrupt) {
  const std::string zst = Zstd(ManyLines(5000));
  for (size_t keep : {zst.size() / 2, zst.size() - 1, size_t{4}}) {
    SCOPED_TRACE("keep=" + std::to_string(keep));
    for (size_t max_read : {SIZE_MAX, size_t{7}}) {
      MemoryReader reader(zst.substr(0, keep), 100, max_read);
      ReadAll(*reader);
      EXPECT_EQ(reader->status().code(), Status::Code::kCorrupt);
      EXPECT_EQ(reader->status().message(), "<memory>: zstd stream truncated");
    }
  }
}

TEST(ZstdSourceTest, TruncatedZstdFileNamesTheFile) {
  TempDir dir;
  const std::string zst = Zstd(ManyLines(100));
  const std::string path = dir.Write("dump.zst", zst.substr(0, zst.size() - 5));
  Status status;
  ReadFile(path, 100, &status);
  EXPECT_EQ(status.code(), Status::Code::kCorrupt);
  EXPECT_EQ(status.message(), path + ": zstd stream truncated");
}

TEST(ZstdSourceTest, CorruptZstdIsCorrupt) {
  std::string zst = Zstd(ManyLines(5000));
  for (size_t i = zst.size() / 3; i < zst.size() / 3 + 64; ++i) zst[i] ^= 0x5a;
  MemoryReader reader(zst, 100);
  ReadAll(*reader);
  EXPECT_EQ(reader->status().code(), Status::Code::kCorrupt);
  EXPECT_NE(reader->status().message().find("corrupt zstd data"), std::string::npos)
      << reader->status().message();
}

// --- Detection --------------------------------------------------------------------------

TEST(AutoDecompressSourceTest, DetectsByMagicBytes) {
  struct Case {
    std::string data;
    AutoDecompressSource::Format format;
  };
  const Case cases[] = {
      {"{\"text\":1}\n", AutoDecompressSource::Format::kPlain},
      {"", AutoDecompressSource::Format::kPlain},
      {"\x1f", AutoDecompressSource::Format::kPlain},          // gzip's first byte only
      {"\x1fzz\n", AutoDecompressSource::Format::kPlain},      // not the second byte
      {"\x28\xb5\x2f", AutoDecompressSource::Format::kPlain},  // three of zstd's four
      {Gzip("x"), AutoDecompressSource::Format::kGzip},
      {Zstd("x"), AutoDecompressSource::Format::kZstd},
  };
  for (const Case& c : cases) {
    AutoDecompressSource source(std::make_unique<MemorySource>(c.data, 1), "<memory>");
    EXPECT_EQ(source.format(), AutoDecompressSource::Format::kUnknown);
    std::string out(64, '\0');
    size_t total = 0;
    while (size_t n = source.Read(out.data() + total, out.size() - total)) total += n;
    EXPECT_EQ(source.format(), c.format) << c.data;
    EXPECT_TRUE(source.status().ok());
    if (c.format == AutoDecompressSource::Format::kPlain) {
      EXPECT_EQ(out.substr(0, total), c.data);
    }
  }
}

// Serves `data`, then fails the test if asked for more: an interactive client that sent
// one short line and now waits for its answer.
class InteractiveSource : public ByteSource {
 public:
  explicit InteractiveSource(std::string data) : data_(std::move(data)) {}
  size_t Read(char* buf, size_t cap) override {
    if (pos_ == data_.size()) {
      ADD_FAILURE() << "read past what the client sent: would block";
      return 0;
    }
    const size_t n = std::min(cap, data_.size() - pos_);
    std::memcpy(buf, data_.data() + pos_, n);
    pos_ += n;
    return n;
  }
  const Status& status() const override { return status_; }
  uint64_t consumed() const override { return pos_; }

 private:
  std::string data_;
  size_t pos_ = 0;
  Status status_;
};

TEST(AutoDecompressSourceTest, ShortFirstLineIsNotHeldBackByDetection) {
  LineReader reader(std::make_unique<AutoDecompressSource>(
                        std::make_unique<InteractiveSource>("{}\n"), "<stdin>"),
                    100, 0);
  Line line;
  ASSERT_TRUE(reader.Next(&line));
  EXPECT_EQ(line.bytes, "{}");
}

TEST(LineReaderTest, MakeMemorySourceDetectsCompression) {
  const std::string gz = Gzip("g1\ng2\n");
  const std::string zst = Zstd("z1\n");
  LineReader a(MakeMemorySource(gz), 100, 0);
  EXPECT_EQ(ReadAll(a), (std::vector<OwnedLine>{Ok(1, "g1"), Ok(2, "g2")}));
  LineReader b(MakeMemorySource(zst), 100, 0);
  EXPECT_EQ(ReadAll(b), (std::vector<OwnedLine>{Ok(1, "z1")}));
  LineReader c(MakeMemorySource("p1"), 100, 0);
  EXPECT_EQ(ReadAll(c), (std::vector<OwnedLine>{Ok(1, "p1")}));
}

}  // namespace
}  // namespace decorum
