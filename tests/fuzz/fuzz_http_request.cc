// Fuzz target: arbitrary bytes as what an HTTP client sends on one connection.
//
// The bytes go through Beast's request parser with the daemon's limits (headers 16 KiB as
// in http_session.cc; a small body limit so 413 is reachable), one request after another
// while the client asks for keep-alive, as HttpSession::DoRead does. Each request gets the
// reply the session would send: a parse error its 400/413/431 body; POST /v1/moderate the
// reply of ModerateHttpBody, run against a real SessionContext (the default rule pack,
// compiled once at start-up); another path its 404 body, which echoes the client's target.
//
// Checks, beyond "no crash, no sanitizer report":
//  - every reply body parses with simdjson (so it is valid JSON and valid UTF-8) as an
//    object, or as an array for a 200 to an array;
//  - ModerateHttpBody answers 200 or 400 only;
//  - an array that simdjson parses gets a 200 with one record per element, each an object
//    (json_array_elements.h splits without parsing: the two must agree);
//  - a 200 to one object is a decision object, not an error record.
//
// HttpSession itself needs a socket and an io_context per input, so its routing (a few
// lines of Handle()) is mirrored here rather than run; the parsing and every byte of a
// body the session builds from client input are the real code.
#include <simdjson.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "match/database_cache.h"
#include "serve/connection_registry.h"
#include "serve/generation_holder.h"
#include "serve/http_moderation.h"
#include "serve/metrics.h"
#include "serve/session_context.h"

namespace {
namespace http = boost::beast::http;

// http_session.cc's kHeaderLimit.
constexpr size_t kHeaderLimit = 16 * 1024;
// Small limits, so inputs of libFuzzer's usual sizes reach the 413 and line_too_long paths.
constexpr size_t kBodyLimit = 2048;
constexpr size_t kMaxLineBytes = 256;
// More pipelined requests than this add nothing but time.
constexpr int kMaxRequests = 8;

[[noreturn]] void Fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "fuzz_http_request: %s: %.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

// The embedded default pack, with the on-disk database cache: compiling it under ASan
// takes longer than libFuzzer's per-input timeout, so it happens once, in
// LLVMFuzzerInitialize, and later runs load the cached databases.
decorum::GenerationRequest DefaultRules() {
  decorum::GenerationRequest r;
  r.cache_dir = decorum::DefaultCacheDir();
  return r;
}

struct Daemon {
  decorum::serve::Metrics metrics;
  decorum::serve::GenerationHolder holder{DefaultRules(), {}, &metrics};
  decorum::serve::ConnectionRegistry registry{16};
  decorum::serve::SessionContext ctx;

  Daemon() {
    if (!holder.LoadInitial().ok()) Fail("setup", "the default rules do not load");
    ctx.holder = &holder;
    ctx.metrics = &metrics;
    ctx.registry = &registry;
    ctx.moderation.max_line_bytes = kMaxLineBytes;
    ctx.max_body_bytes = kBodyLimit;
  }
};

const Daemon& TheDaemon() {
  static const Daemon* d = new Daemon();  // never destroyed: threads' Moderators outlive main
  return *d;
}

thread_local simdjson::dom::parser t_parser;

// Parses `body` (a reply) and checks its shape; returns the array's size, or -1 for an object.
int64_t CheckJson(std::string_view body, unsigned status, bool want_array) {
  simdjson::dom::element el;
  if (auto err = t_parser.parse(simdjson::padded_string(body)).get(el)) {
    Fail(simdjson::error_message(err), body);
  }
  if (want_array) {
    simdjson::dom::array a;
    if (el.get_array().get(a)) Fail("a 200 to an array is not an array", body);
    int64_t n = 0;
    for (simdjson::dom::element rec : a) {
      if (!rec.is_object()) Fail("a record in the array is not an object", body);
      ++n;
    }
    return n;
  }
  simdjson::dom::object o;
  if (el.get_object().get(o)) Fail("reply is not a JSON object", body);
  if (status == 200) {
    std::string_view action;
    if (o["action"].get_string().get(action)) Fail("a 200 has no action", body);
    if (action == "error") Fail("a 200 is an error record", body);
  }
  return -1;
}

// The number of elements of the request body when it is a JSON array (-1 otherwise).
int64_t RequestArraySize(std::string_view body) {
  simdjson::dom::element el;
  if (t_parser.parse(simdjson::padded_string(body)).get(el)) return -1;
  simdjson::dom::array a;
  if (el.get_array().get(a)) return -1;
  return static_cast<int64_t>(a.size());
}

// One request, as HttpSession::Handle answers it (only the JSON bodies that carry client bytes).
void Answer(const http::request<http::string_body>& req) {
  std::string_view target(req.target().data(), req.target().size());
  target = target.substr(0, target.find('?'));
  if (target == "/v1/moderate" && req.method() == http::verb::post) {
    const std::string& body = req.body();
    const decorum::serve::HttpReply r = decorum::serve::ModerateHttpBody(body, TheDaemon().ctx);
    if (r.status != 200 && r.status != 400) Fail("ModerateHttpBody status not 200/400", r.body);
    const size_t first = body.find_first_not_of(" \t\r\n");
    const bool is_array = r.status == 200 && first != std::string::npos && body[first] == '[';
    const int64_t records = CheckJson(r.body, r.status, is_array);
    // An array a JSON parser accepts is never refused, and gets one record per element.
    // (One it refuses may still get a 200: the split finds the elements without parsing
    // them, so an element's invalid UTF-8 or 24-digit id costs only that element.)
    const int64_t comments = RequestArraySize(body);
    if (comments >= 0 && r.status != 200) Fail("a valid JSON array refused", "request: " + body + "\nreply: " + r.body);
    if (comments >= 0 && comments != records) {
      Fail("records != comments", "request: " + body + "\nreply: " + r.body);
    }
  } else if (target != "/v1/moderate" && target != "/healthz" && target != "/readyz" &&
             target != "/metrics" && target != "/v1/reload") {
    CheckJson(decorum::serve::JsonError("no such endpoint: " + std::string(target)), 404, false);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)TheDaemon();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  for (int n = 0; n < kMaxRequests; ++n) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(kHeaderLimit);
    parser.body_limit(kBodyLimit);
    boost::beast::error_code ec;
    // As http::read does: feed what is there; at the end of the input the client has
    // closed its side, which may complete a body that runs to EOF.
    while (!parser.is_done()) {
      const size_t used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
      rest.remove_prefix(used);
      if (ec == http::error::need_more) ec = {};
      if (ec) break;
      // No progress (need_more, or — inside a body — no error at all): what is left is
      // all the client sent, and it is not enough. The daemon would wait for more until
      // its deadline; here the client has closed.
      if (used == 0 && !parser.is_done()) {
        parser.put_eof(ec);
        if (ec) break;
        if (!parser.is_done()) Fail("put_eof neither finished the request nor failed", rest);
      }
    }
    if (ec == http::error::end_of_stream) return 0;  // nothing more was sent: the session closes
    if (ec) {
      // The session answers 413, 431 or 400 with a fixed message (or closes at the end of
      // the stream): no client bytes in the body.
      std::string msg = ec == http::error::body_limit    ? "request body exceeds the limit"
                        : ec == http::error::header_limit ? "request headers too large"
                                                          : "malformed HTTP request: " + ec.message();
      CheckJson(decorum::serve::JsonError(msg), 400, false);
      return 0;
    }
    http::request<http::string_body> req = parser.release();
    Answer(req);
    if (!req.keep_alive() || rest.empty()) return 0;
  }
  return 0;
}
