// LineSplitter: turns the chunks a socket delivers into NDJSON lines, push-style (the
// pull-style LineReader in ingest/ owns its source; a socket's bytes arrive when they
// arrive).
//
// Memory: holds at most one partial line of up to max_line_bytes. A longer line is
// counted and dropped as it streams by, and comes out as one Line with too_long set, so a
// client cannot make the daemon buffer an unbounded line.
//
// Thread safety: none; one splitter per stream, used under that stream's strand.
// Header-only because Feed() takes the per-line callback as a template parameter: it runs
// once per comment on the hot path and must inline.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ingest/line_reader.h"

namespace decorum::serve {

class LineSplitter {
 public:
  explicit LineSplitter(size_t max_line_bytes)
      : max_line_bytes_(max_line_bytes),
        kept_bytes_(max_line_bytes == SIZE_MAX ? SIZE_MAX : max_line_bytes + 1) {}

  // Calls on_line(const Line&) for every line completed by `chunk`, in order. Line
  // numbers start at 1 and count every line, over-long and empty ones included.
  // Line::bytes is valid only during the call.
  template <typename OnLine>
  void Feed(std::string_view chunk, OnLine&& on_line) {
    while (!chunk.empty()) {
      const size_t nl = chunk.find('\n');
      const std::string_view piece = chunk.substr(0, nl);
      if (nl == std::string_view::npos) {
        Append(piece);
        return;
      }
      chunk.remove_prefix(nl + 1);
      // A whole line inside the chunk with nothing pending: no copy.
      if (!too_long_ && partial_.empty() && piece.size() <= kept_bytes_) {
        Emit(piece, piece.size(), on_line);
        continue;
      }
      Append(piece);
      Emit(partial_, length_, on_line);
    }
  }

  // End of stream: emits the last line if it had no '\n' (nothing for an empty rest).
  template <typename OnLine>
  void Finish(OnLine&& on_line) {
    if (length_ > 0) Emit(partial_, length_, on_line);
  }

  // Bytes of an unfinished line (what a client that disconnects mid-line loses).
  uint64_t pending_bytes() const { return length_; }
  uint64_t lines() const { return line_no_; }

 private:
  void Append(std::string_view piece) {
    length_ += piece.size();
    if (too_long_) return;
    if (partial_.size() + piece.size() > kept_bytes_) {
      too_long_ = true;
      partial_.clear();
      return;
    }
    partial_.append(piece);
  }

  template <typename OnLine>
  void Emit(std::string_view bytes, uint64_t length, OnLine& on_line) {
    Line line;
    line.number = ++line_no_;
    if (!too_long_ && !bytes.empty() && bytes.back() == '\r') {
      bytes.remove_suffix(1);
      --length;
    }
    line.length = length;
    if (too_long_ || length > max_line_bytes_) {
      line.too_long = true;
    } else {
      line.bytes = bytes;
    }
    on_line(static_cast<const Line&>(line));
    partial_.clear();
    length_ = 0;
    too_long_ = false;
  }

  size_t max_line_bytes_;
  // One byte more than the limit, so a trailing '\r' can still be dropped from a line of
  // exactly max_line_bytes; saturated, so that the largest limit does not wrap to 0.
  size_t kept_bytes_;
  std::string partial_;
  uint64_t length_ = 0;  // bytes of the current line so far, dropped ones included
  bool too_long_ = false;
  uint64_t line_no_ = 0;
};

}  // namespace decorum::serve
