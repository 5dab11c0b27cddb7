/*
 * decorum plugin ABI — the whole contract between the engine and a plugin (SPEC §8).
 *
 * A plugin is a shared library that exports one C function,
 *
 *     const decorum_plugin_api* decorum_plugin_entry(void);
 *
 * returning a descriptor with static storage duration. The engine dlopen()s the library
 * (RTLD_NOW | RTLD_LOCAL) from a path in its configuration, checks the descriptor, and
 * calls create() once per configured instance.
 *
 * VERSIONING. The descriptor states the ABI version the plugin was built against
 * (DECORUM_PLUGIN_ABI_MAJOR/MINOR below, copied at compile time). The engine refuses a
 * plugin whose major differs from its own, or whose minor is newer than its own: a minor
 * release only appends fields to the end of structs and bits to flag words, so a plugin
 * built for an older minor works unchanged with a newer engine.
 *
 * STRUCT GROWTH. Every struct that crosses the boundary starts with `struct_size`, set by
 * the side that allocated it. A reader must check `struct_size` before touching a field
 * added in a later minor version (DECORUM_HAS_FIELD below). Fields are never removed,
 * reordered or retyped within a major version. Because of that, the elements of an array
 * (hits, targets) are `struct_size` bytes apart, which may be more than the plugin's
 * sizeof: index them with decorum_hit_at() / decorum_target_at(), never with [i].
 *
 * MEMORY. Whoever allocates, frees. The engine owns every struct and string it passes in
 * (valid only for the duration of the call; copy what you keep). Output goes into buffers
 * the engine provides (decorum_score_result); the plugin never returns heap memory to the
 * engine except its opaque instance, which it frees itself in destroy(). Strings are
 * UTF-8 `decorum_str` views, NOT NUL-terminated, unless stated otherwise.
 *
 * ERRORS. Functions return DECORUM_OK or DECORUM_ERROR. After DECORUM_ERROR the engine may
 * call last_error(instance) on the same thread, before making any other call on that
 * instance from that thread, to get a NUL-terminated message (owned by the plugin). No C++
 * exception, longjmp or signal may cross the boundary (decorum/plugin.hpp catches
 * exceptions for C++ plugins). A failed call is logged and counted by the engine, and the
 * comment still gets its decision, without that plugin's contribution.
 *
 * THREADS. create() and destroy() are never called concurrently with any other call on
 * the same instance. score() and on_decision() are called concurrently from the engine's
 * worker threads, on the same instance, unless the plugin sets DECORUM_CAP_SERIAL, in
 * which case the engine serializes every call on that instance (flush() included).
 * flush() may run concurrently with score() and on_decision() from another thread.
 *
 * TRUST. A plugin runs inside the engine process with its privileges: a crash in a plugin
 * is a crash of decorum. Plugins are trusted code, like rules and configuration
 * (docs/plugins.md).
 */
#ifndef DECORUM_PLUGIN_H_
#define DECORUM_PLUGIN_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DECORUM_PLUGIN_ABI_MAJOR 1
#define DECORUM_PLUGIN_ABI_MINOR 0

/* The name of the one symbol a plugin exports. */
#define DECORUM_PLUGIN_ENTRY_SYMBOL "decorum_plugin_entry"

/* True when a struct allocated by the other side is large enough to hold `field`. */
#define DECORUM_HAS_FIELD(ptr, type, field) \
  ((ptr)->struct_size >= offsetof(type, field) + sizeof(((type*)0)->field))

typedef enum decorum_status {
  DECORUM_OK = 0,
  DECORUM_ERROR = 1
} decorum_status;

/* Ordered by severity; the same order as the decision's `action`. */
typedef enum decorum_action {
  DECORUM_ACTION_ALLOW = 0,
  DECORUM_ACTION_FLAG = 1,
  DECORUM_ACTION_QUARANTINE = 2,
  DECORUM_ACTION_ESCALATE = 3
} decorum_action;

/* Capability bits in decorum_plugin_api.capabilities. */
#define DECORUM_CAP_SCORE 0x1u  /* implements score() */
#define DECORUM_CAP_ACT 0x2u    /* implements on_decision() */
#define DECORUM_CAP_SERIAL 0x4u /* the engine must never call this instance concurrently */

/* A UTF-8 byte range, not NUL-terminated. An absent value has len == 0. */
typedef struct decorum_str {
  const char* data;
  size_t len;
} decorum_str;

/* A byte span [begin, end) in the comment's original text. */
typedef struct decorum_span {
  uint32_t begin;
  uint32_t end;
} decorum_span;

typedef struct decorum_comment {
  uint32_t struct_size;
  decorum_str id;        /* as given (a JSON number as written); the line number if absent */
  decorum_str text;      /* the comment body; invalid input bytes were replaced by '?' */
  decorum_str author;
  decorum_str thread;
  decorum_str parent;
  decorum_str lang;
  decorum_str meta_json; /* the `meta` object's JSON text, untouched */
  int64_t ts_ms;         /* event time in epoch milliseconds; valid only if has_ts */
  int32_t has_ts;
  uint64_t line;         /* 1-based input line (batch) or position on the stream (daemon) */
} decorum_comment;

/* One rule hit that counts toward the score. */
typedef struct decorum_hit {
  uint32_t struct_size;
  decorum_str rule;      /* rule id, e.g. "insult.con-artist" */
  decorum_str category;  /* insult, threat, identity_attack, sexual, self_harm, profanity,
                            doxxing, spam, other */
  double score;          /* after the target's protection multiplier */
  decorum_span span;
  decorum_str target;    /* watchlist id the hit is about; len == 0 when none */
} decorum_hit;

/* A watched person mentioned in the comment. */
typedef struct decorum_target {
  uint32_t struct_size;
  decorum_str id;        /* e.g. "anna-delvey" */
  decorum_span span;     /* first mention */
} decorum_target;

/* What score() sees: the comment as the rules evaluated it, before any plugin. */
typedef struct decorum_score_input {
  uint32_t struct_size;
  const decorum_comment* comment;
  const decorum_hit* hits;
  size_t hit_count;
  const decorum_target* targets;
  size_t target_count;
  double score;                 /* the rules' total score */
  decorum_action action;        /* what the rules alone decided */
  decorum_str ruleset;          /* the compiled rule set's id */
  decorum_action rules_floor;   /* the highest min_action among the rules that counted:
                                   no ceiling can take the action below it */
} decorum_score_input;

/*
 * What score() returns. The engine zeroes it, sets struct_size and the buffers, and sets
 * action_floor to ALLOW and action_ceiling to ESCALATE (no effect) before each call.
 *
 * How the engine combines plugin results: the final score is the rules' score plus every
 * plugin's delta; the action is the policy's action for that score, lowered to the
 * lowest action_ceiling of any plugin, then raised to the rules' floors and the highest
 * action_floor of any plugin (a floor always wins over a ceiling).
 */
typedef struct decorum_score_result {
  uint32_t struct_size;
  double delta;                 /* added to the comment's score (may be negative) */
  decorum_action action_floor;  /* the action is at least this */
  decorum_action action_ceiling;/* the threshold-derived action is at most this */
  /* Engine-owned output buffers. Write at most *_capacity bytes and set *_len; longer
     text is the plugin's to truncate. Labels are separated by '\n'. */
  char* reason;
  size_t reason_capacity;
  size_t reason_len;
  char* labels;
  size_t labels_capacity;
  size_t labels_len;
} decorum_score_result;

/* What on_decision() sees: the final decision, after every plugin's score. */
typedef struct decorum_decision {
  uint32_t struct_size;
  const decorum_comment* comment;
  decorum_action action;
  double score;
  const decorum_hit* hits;
  size_t hit_count;
  const decorum_target* targets;
  size_t target_count;
  decorum_str ruleset;
  decorum_str record_json;  /* the decision record exactly as written to the output,
                               one JSON object without the trailing newline */
} decorum_decision;

typedef struct decorum_create_args {
  uint32_t struct_size;
  decorum_str config_json;  /* the instance's `config:` mapping as a JSON object ("{}" if
                               none) */
  decorum_str instance_name;/* the `name:` given in the configuration */
  /* An engine-owned buffer for a NUL-terminated message when create() fails. */
  char* error;
  size_t error_capacity;
} decorum_create_args;

/* Opaque per-instance state, allocated by create() and freed by destroy(). */
typedef struct decorum_plugin decorum_plugin;

typedef struct decorum_plugin_api {
  uint32_t struct_size;
  uint16_t abi_major;        /* DECORUM_PLUGIN_ABI_MAJOR the plugin was built with */
  uint16_t abi_minor;        /* DECORUM_PLUGIN_ABI_MINOR the plugin was built with */
  const char* name;          /* NUL-terminated, e.g. "pile_on" */
  const char* version;       /* NUL-terminated, the plugin's own version, e.g. "1.0.0" */
  uint32_t capabilities;     /* DECORUM_CAP_* bits */
  /* on_decision() is called only for decisions at or above this action, so an action
     plugin that stores quarantined comments is not called for every allowed one. */
  decorum_action act_min_action;
  /* score() is called only for comments with at least one counting hit when this is
     non-zero; for every decided comment when zero. */
  int32_t score_only_with_hits;

  /* Required. On success sets *out and returns DECORUM_OK; on failure writes a message to
     args->error and returns DECORUM_ERROR (and *out is ignored). */
  decorum_status (*create)(const decorum_create_args* args, decorum_plugin** out);
  /* Required. Frees the instance; the engine calls flush() first if the plugin has one. */
  void (*destroy)(decorum_plugin* self);
  /* Required with DECORUM_CAP_SCORE, NULL without. */
  decorum_status (*score)(decorum_plugin* self, const decorum_score_input* in,
                          decorum_score_result* out);
  /* Required with DECORUM_CAP_ACT, NULL without. In a plugin that has flush() (it stores
     decisions), DECORUM_ERROR means "not taken": the engine then answers that comment
     with an error record instead of a decision the plugin does not hold. Without flush()
     a failure is only counted and logged. */
  decorum_status (*on_decision)(decorum_plugin* self, const decorum_decision* decision);
  /* Optional (may be NULL). Makes the effects of every on_decision() that returned so
     far durable. The engine calls it before it writes or acknowledges the records of
     those comments, so a record the client has seen is never ahead of the plugin's
     storage. Return DECORUM_ERROR if that cannot be guaranteed (e.g. disk full). */
  decorum_status (*flush)(decorum_plugin* self);
  /* Required. The message of the last failed call on this instance from this thread. */
  const char* (*last_error)(decorum_plugin* self);
} decorum_plugin_api;

/* Element i of an array of hits or targets from the engine (see STRUCT GROWTH). */
static inline const decorum_hit* decorum_hit_at(const decorum_hit* hits, size_t i) {
  return (const decorum_hit*)((const char*)hits + i * hits->struct_size);
}
static inline const decorum_target* decorum_target_at(const decorum_target* targets, size_t i) {
  return (const decorum_target*)((const char*)targets + i * targets->struct_size);
}

/* The entry symbol's type. */
typedef const decorum_plugin_api* (*decorum_plugin_entry_fn)(void);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif  /* DECORUM_PLUGIN_H_ */
