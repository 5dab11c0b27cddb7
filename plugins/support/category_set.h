// CategorySet: a set of rule categories, the names decorum_hit.category takes (plugin.h),
// for plugin options such as "which categories count as hostile". Membership is a bit
// test, so checking every hit of every comment costs no string allocation.
//
// Thread safety: a const CategorySet may be read from any number of threads.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace decorum::plugins {

class CategorySet {
 public:
  // Every category the engine names, in the order plugin.h lists them.
  static constexpr std::array<std::string_view, 9> kKnown = {
      "insult", "threat", "identity_attack", "sexual", "self_harm",
      "profanity", "doxxing", "spam", "other"};

  CategorySet() = default;
  // REQUIRES: every name is in kKnown (meant for compiled-in defaults).
  CategorySet(std::initializer_list<std::string_view> names);

  // Adds `name`; returns false, leaving the set unchanged, when it is not in kKnown.
  bool Add(std::string_view name);
  // False for names outside kKnown, so a category a newer engine invents never matches.
  bool Contains(std::string_view name) const;
  bool empty() const { return bits_ == 0; }
  // The members in kKnown order, comma-separated (for messages and docs).
  std::string ToString() const;

  friend bool operator==(CategorySet a, CategorySet b) { return a.bits_ == b.bits_; }

 private:
  static int IndexOf(std::string_view name);  // -1 when unknown
  uint32_t bits_ = 0;
};

}  // namespace decorum::plugins
