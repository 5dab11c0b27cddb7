#include "serve/http_moderation.h"

#include <chrono>
#include <optional>
#include <string_view>
#include <vector>

#include "serve/json_array_elements.h"
#include "sinks/json_writer.h"

namespace decorum::serve {

std::string JsonError(std::string_view message) {
  // Messages can carry client bytes (a request target in a 404), which Beast passes on
  // unchecked above 0x7F: AppendJsonString replaces invalid UTF-8 with U+FFFD so the
  // body stays valid JSON (a 404 for "GET /\xff" was not; regression test in
  // tests/unit/serve/http_moderation_regression_test.cc).
  std::string out = "{\"error\":";
  AppendJsonString(&out, message);
  out += '}';
  return out;
}

namespace {

HttpReply Refused(unsigned status, std::string_view message) { return {status, JsonError(message), nullptr}; }

}  // namespace

HttpReply ModerateHttpBody(std::string_view body, const SessionContext& ctx) {
  const size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return Refused(400, "empty body: expected a comment object or an array of them");
  if (body[first] != '{' && body[first] != '[') {
    return Refused(400, "expected a comment object or an array of them");
  }

  const auto live = ctx.holder->Current();
  Moderator& moderator = ThreadModerator(*live, ctx.moderation);
  BatchStats batch;
  const auto start = std::chrono::steady_clock::now();
  HttpReply reply;
  // Moderates one comment's JSON, appending its record without the newline; returns why
  // the record is an error record, if it is one.
  auto moderate = [&](std::string_view json, uint64_t position, std::string* out) {
    Line line;
    line.number = position;
    line.length = json.size();
    if (json.size() > ctx.moderation.max_line_bytes) {
      line.too_long = true;
    } else {
      line.bytes = json;
    }
    const uint64_t errors_before = batch.run.errors;
    const uint64_t not_stored_before = batch.run.not_stored;
    moderator.ModerateLine(line, position, out, &batch.run);
    if (!out->empty() && out->back() == '\n') out->pop_back();
    const std::optional<ErrorKind> error = batch.CountLineError(line.too_long, errors_before, not_stored_before);
    batch.AddLatency(std::chrono::steady_clock::now() - start);
    return error;
  };

  if (body[first] == '{') {
    // One object: decoded from the body's own bytes, so invalid UTF-8 is repaired and
    // ids are echoed exactly as in a stream.
    const std::optional<ErrorKind> error = moderate(body, 1, &reply.body);
    // A decision a plugin did not store is the server's failure, to retry: 503.
    reply.status = !error ? 200 : *error == ErrorKind::kNotDurable ? 503 : 400;
  } else {
    // Each element is decoded on its own bytes, like a line of a stream, so one bad
    // element gets its own error record (json_array_elements.h says why).
    std::vector<std::string_view> elements;
    if (Status framed = SplitJsonArray(body, &elements); !framed.ok()) {
      std::string message = "invalid JSON array: ";
      message += framed.message();
      return Refused(400, message);
    }
    reply.body += '[';  // empty here; "= \"[\"" trips a false -Wrestrict in GCC 12
    uint64_t position = 0;
    std::string record;
    for (std::string_view element : elements) {
      record.clear();
      moderate(element, ++position, &record);
      if (position > 1) reply.body += ',';
      reply.body += record;
    }
    reply.body += ']';
  }
  if (!batch.empty()) ctx.metrics->Fold(*live, &batch);
  if (live->plugins && live->plugins->has_actors()) reply.durable_by = live->plugins;
  return reply;
}

HttpReply NotDurable(const Status& flushed, const SessionContext& ctx) {
  ctx.metrics->CountError(ErrorKind::kNotDurable);  // the chain has logged why
  return Refused(503, flushed.message() + "; the decisions were not stored, retry the request");
}

}  // namespace decorum::serve
