// The quarantine store's schema as SQL text: schema.sql, compiled in by CMake (schema.cc.in)
// so that the store and the tests that seed databases by hand share one definition.
#pragma once

namespace decorum::quarantine {

// Creates every table and index and sets PRAGMA user_version to kSchemaVersion
// (quarantine_store.h). Run once, in one transaction, on a database with no tables.
extern const char kSchemaSql[];

}  // namespace decorum::quarantine
