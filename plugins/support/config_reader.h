// ConfigReader: reads a plugin's configuration — the JSON object the engine passes to
// create() — strictly. Each key a plugin reads must have the expected type and range, and
// a key it never reads is an error, so a typo in the engine's config fails at start-up
// instead of silently running with a default.
//
// Every error is a ConfigError whose message names the plugin and the key, e.g.
//   "pile_on: window_seconds: expected an integer from 1 to 3600, got 0"
// which decorum/plugin.hpp hands back as create()'s error.
//
// Usage, in a plugin's constructor:
//   ConfigReader r("pile_on", args.config_json);
//   int64_t w = r.Integer("window_seconds", /*def=*/60, /*min=*/1, /*max=*/3600);
//   ...
//   r.Finish();  // rejects the keys nobody read
//
// Defaults are the caller's and are not range-checked. Thread safety: none; a reader is
// used by one thread, once.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "support/category_set.h"

namespace decorum::plugins {

// A configuration the plugin cannot run with; what() is the whole message.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ConfigReader {
 public:
  // Parses `json`; an empty string reads as {}. Throws ConfigError unless it is a JSON
  // object. `plugin` prefixes every message.
  ConfigReader(std::string_view plugin, std::string_view json);
  ~ConfigReader();
  ConfigReader(ConfigReader&&) noexcept;
  ConfigReader& operator=(ConfigReader&&) noexcept;

  // Each returns `def` when `key` is absent and throws ConfigError when it is present with
  // the wrong type or outside the range (bounds inclusive unless stated).

  // A JSON integer (60, not 60.0).
  int64_t Integer(std::string_view key, int64_t def, int64_t min, int64_t max);
  // Any JSON number.
  double Number(std::string_view key, double def, double min, double max);
  // Any JSON number above 0 and at most `max`.
  double PositiveNumber(std::string_view key, double def, double max);
  // An array of category names (CategorySet::kKnown); [] only when `allow_empty`.
  CategorySet Categories(std::string_view key, const CategorySet& def, bool allow_empty);
  // A nested object, read key by key like this one (messages say "parent.key"); absent
  // reads as {}. The returned reader needs its own Finish().
  ConfigReader Object(std::string_view key);

  // Throws ConfigError for the first key that none of the calls above asked for, or that
  // appears twice.
  void Finish();

  // Throws ConfigError "<plugin>: <key>: <message>", for checks that span keys.
  [[noreturn]] void Fail(std::string_view key, std::string_view message) const;

 private:
  struct Impl;
  explicit ConfigReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace decorum::plugins
