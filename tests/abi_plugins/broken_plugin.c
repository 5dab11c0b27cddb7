/* One deliberately broken plugin per failure mode the loader must refuse, chosen by a
 * BROKEN_<MODE> define (tests/CMakeLists.txt builds one module per mode). Written in C
 * to prove plugin.h is a C header. With no BROKEN_ define this is a minimal valid
 * plugin, so each mode differs from a working plugin by exactly one defect. One mode
 * loads: ACT_FAILS, whose defect shows only when it is called. */
#include <stdio.h>
#include <string.h>

#include "decorum/plugin.h"

struct decorum_plugin {
  int unused;
};

static struct decorum_plugin the_instance;

static decorum_status create(const decorum_create_args* args, decorum_plugin** out) {
#ifdef BROKEN_CREATE_FAILS
  snprintf(args->error, args->error_capacity, "threshold must be positive (got %.*s)",
           (int)args->config_json.len, args->config_json.data);
  (void)out;
  return DECORUM_ERROR;
#else
  (void)args;
  *out = &the_instance;
  return DECORUM_OK;
#endif
}

static void destroy(decorum_plugin* self) { (void)self; }

static decorum_status score(decorum_plugin* self, const decorum_score_input* in,
                            decorum_score_result* out) {
  (void)self;
  (void)in;
  out->delta = 1;
  return DECORUM_OK;
}

static decorum_status on_decision(decorum_plugin* self, const decorum_decision* d) {
  (void)self;
  (void)d;
#ifdef BROKEN_ACT_FAILS
  return DECORUM_ERROR;
#else
  return DECORUM_OK;
#endif
}

static const char* last_error(decorum_plugin* self) {
  (void)self;
#ifdef BROKEN_ACT_FAILS
  return "notifier unreachable (test)";
#else
  return "";
#endif
}

static decorum_plugin_api api = {
    sizeof(decorum_plugin_api), DECORUM_PLUGIN_ABI_MAJOR, DECORUM_PLUGIN_ABI_MINOR,
    "broken", "0.0.1", DECORUM_CAP_SCORE, DECORUM_ACTION_ALLOW, 0,
    create, destroy, score, NULL, NULL, last_error};

#ifndef BROKEN_NO_ENTRY
__attribute__((visibility("default"))) const decorum_plugin_api* decorum_plugin_entry(void) {
#ifdef BROKEN_NULL_API
  return NULL;
#endif
#ifdef BROKEN_WRONG_MAJOR
  api.abi_major = DECORUM_PLUGIN_ABI_MAJOR + 1;
#endif
#ifdef BROKEN_NEWER_MINOR
  api.abi_minor = DECORUM_PLUGIN_ABI_MINOR + 1;
#endif
#ifdef BROKEN_SMALL_STRUCT
  api.struct_size = 16;
#endif
#ifdef BROKEN_NO_CAPS
  api.capabilities = 0;
  api.score = NULL;
#endif
#ifdef BROKEN_HALF_SCORE
  api.score = NULL; /* declares DECORUM_CAP_SCORE without the function */
#endif
#ifdef BROKEN_HALF_ACT
  api.on_decision = on_decision; /* a function without DECORUM_CAP_ACT */
#endif
#ifdef BROKEN_NO_DESTROY
  api.destroy = NULL;
#endif
#ifdef BROKEN_ACT_FAILS
  /* Loads fine: an acting plugin without flush() (a notifier that stores nothing) whose
   * every on_decision() fails. */
  api.capabilities = DECORUM_CAP_ACT;
  api.score = NULL;
  api.on_decision = on_decision;
#endif
  (void)on_decision;
  return &api;
}
#else
/* Exports something, just not the entry symbol. */
__attribute__((visibility("default"))) int not_a_decorum_plugin(void) {
  (void)on_decision;
  return (int)sizeof(api);
}
#endif
