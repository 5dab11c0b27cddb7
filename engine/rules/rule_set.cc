#include "rules/rule_set.h"

namespace decorum {
namespace {

constexpr std::string_view kCategoryNames[kCategoryCount] = {
    "insult", "threat", "identity_attack", "sexual", "self_harm",
    "profanity", "doxxing", "spam", "other"};
constexpr std::string_view kProtectionNames[kProtectionCount] = {"normal", "elevated", "high"};

}  // namespace

std::string SourceLocation::ToString() const {
  if (line == 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string_view CategoryName(Category c) { return kCategoryNames[static_cast<int>(c)]; }

bool ParseCategory(std::string_view name, Category* out) {
  for (int i = 0; i < kCategoryCount; ++i) {
    if (kCategoryNames[i] == name) {
      *out = static_cast<Category>(i);
      return true;
    }
  }
  return false;
}

std::string_view ProtectionName(Protection p) { return kProtectionNames[static_cast<int>(p)]; }

bool ParseProtection(std::string_view name, Protection* out) {
  for (int i = 0; i < kProtectionCount; ++i) {
    if (kProtectionNames[i] == name) {
      *out = static_cast<Protection>(i);
      return true;
    }
  }
  return false;
}

}  // namespace decorum
