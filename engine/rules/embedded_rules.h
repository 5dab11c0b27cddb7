// The default rule pack (rules/*.yaml), compiled into the binary by the build.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace decorum {

struct EmbeddedFile {
  const char* path;  // "rules/<relative path>", for error messages
  const char* data;
  size_t size;
  std::string_view contents() const { return {data, size}; }
};

// Every embedded rule file, sorted by path. Never empty in a release build.
std::span<const EmbeddedFile> EmbeddedRuleFiles();

}  // namespace decorum
