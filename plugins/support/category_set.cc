#include "support/category_set.h"

#include <cstdlib>

namespace decorum::plugins {

static_assert(CategorySet::kKnown.size() <= 32, "bits_ holds one bit per category");

CategorySet::CategorySet(std::initializer_list<std::string_view> names) {
  for (std::string_view n : names) {
    if (!Add(n)) std::abort();  // a typo in a compiled-in default: fail loudly in tests
  }
}

int CategorySet::IndexOf(std::string_view name) {
  for (size_t i = 0; i < kKnown.size(); ++i) {
    if (kKnown[i] == name) return static_cast<int>(i);
  }
  return -1;
}

bool CategorySet::Add(std::string_view name) {
  const int i = IndexOf(name);
  if (i < 0) return false;
  bits_ |= 1u << i;
  return true;
}

bool CategorySet::Contains(std::string_view name) const {
  const int i = IndexOf(name);
  return i >= 0 && (bits_ & (1u << i)) != 0;
}

std::string CategorySet::ToString() const {
  std::string s;
  for (size_t i = 0; i < kKnown.size(); ++i) {
    if ((bits_ & (1u << i)) == 0) continue;
    if (!s.empty()) s += ", ";
    s += kKnown[i];
  }
  return s;
}

}  // namespace decorum::plugins
