// ModerateHttpBody: the body of POST /v1/moderate -> the response status and JSON body.
//
//  - one comment object  -> 200 and its decision object; 400 and the error record when
//    the comment is invalid (bad JSON, no text, a mistyped field); 503 and the error
//    record when a plugin that stores decisions refused its decision (retry).
//  - an array of objects -> 200 and an array with one record per element, in order. Each
//    element is decoded on its own bytes, exactly like a line of a stream: invalid UTF-8
//    is repaired, the id echoed as on a stream, and an invalid element (bad JSON inside
//    it, a number beyond 64 bits, more than max_line_bytes) gets an error record in its
//    place. Only a broken frame (json_array_elements.h: an unclosed string or bracket, a
//    missing element, bytes after the ']') refuses the whole array, with 400.
//  - anything else (empty body, a number, a string) -> 400 with {"error":"..."}.
// Comments without an id get their 1-based position in the body as id.
//
// Durability: the reply may not be sent before the acting plugins (a quarantine store, an
// escalation spool) have made its decisions durable, exactly as for a stream's records
// (stream_moderator.h). ModerateHttpBody does not flush: it names the chain to flush in
// `durable_by`, and the caller sends the reply once that flush succeeded — or, when it
// failed, NotDurable()'s 503 instead, which the client can retry.
//
// Thread safety: runs on the calling thread's Moderator; call from any thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "decorum/status.h"
#include "plugin_host/plugin_chain.h"
#include "serve/session_context.h"

namespace decorum::serve {

struct HttpReply {
  unsigned status = 200;
  std::string body;  // JSON, no trailing newline
  // Not null: this chain's flush must succeed before the reply is sent.
  std::shared_ptr<PluginChain> durable_by;
};

HttpReply ModerateHttpBody(std::string_view body, const SessionContext& ctx);

// The reply in place of one whose flush failed (`flushed` says which plugin and why): 503,
// the decisions were not stored. Counts the not_durable error.
HttpReply NotDurable(const Status& flushed, const SessionContext& ctx);

// {"error":"<message>"} with the message JSON-escaped and invalid UTF-8 replaced by U+FFFD.
std::string JsonError(std::string_view message);

}  // namespace decorum::serve
