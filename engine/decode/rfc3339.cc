#include "decode/rfc3339.h"

namespace decorum {

namespace {

// Reads `n` decimal digits at s[*pos] into *value and advances *pos.
bool ReadDigits(std::string_view s, size_t* pos, int n, int* value) {
  if (*pos + n > s.size()) return false;
  int v = 0;
  for (int k = 0; k < n; ++k) {
    const char c = s[*pos + k];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *value = v;
  *pos += n;
  return true;
}

bool Expect(std::string_view s, size_t* pos, char c) {
  if (*pos >= s.size() || s[*pos] != c) return false;
  ++*pos;
  return true;
}

bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace

std::optional<int64_t> ParseRfc3339Ms(std::string_view s) {
  size_t p = 0;
  int year, month, day, hour, minute, second;
  if (!ReadDigits(s, &p, 4, &year) || !Expect(s, &p, '-') || !ReadDigits(s, &p, 2, &month) ||
      !Expect(s, &p, '-') || !ReadDigits(s, &p, 2, &day)) {
    return std::nullopt;
  }
  if (p >= s.size() || (s[p] != 'T' && s[p] != 't' && s[p] != ' ')) return std::nullopt;
  ++p;
  if (!ReadDigits(s, &p, 2, &hour) || !Expect(s, &p, ':') || !ReadDigits(s, &p, 2, &minute) ||
      !Expect(s, &p, ':') || !ReadDigits(s, &p, 2, &second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month) || hour > 23 ||
      minute > 59 || second > 60) {
    return std::nullopt;
  }

  int millis = 0;
  if (p < s.size() && s[p] == '.') {
    ++p;
    const size_t first = p;
    int scale = 100;
    while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
      millis += (s[p] - '0') * scale;
      scale /= 10;
      ++p;
    }
    if (p == first) return std::nullopt;  // "12:00:00." has no digits
  }

  int offset_minutes = 0;
  if (p < s.size() && (s[p] == 'Z' || s[p] == 'z')) {
    ++p;
  } else if (p < s.size() && (s[p] == '+' || s[p] == '-')) {
    const int sign = s[p] == '-' ? -1 : 1;
    ++p;
    int off_h, off_m;
    if (!ReadDigits(s, &p, 2, &off_h) || !Expect(s, &p, ':') || !ReadDigits(s, &p, 2, &off_m) ||
        off_h > 23 || off_m > 59) {
      return std::nullopt;
    }
    offset_minutes = sign * (off_h * 60 + off_m);
  } else {
    return std::nullopt;  // RFC 3339 requires an offset; a local time is ambiguous
  }
  if (p != s.size()) return std::nullopt;

  const int64_t days = DaysFromCivil(year, static_cast<unsigned>(month),
                                     static_cast<unsigned>(day));
  const int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
  return secs * 1000 + millis;
}

}  // namespace decorum
