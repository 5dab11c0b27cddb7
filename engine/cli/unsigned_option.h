// Unsigned<T>: the type of a command-line flag that takes an unsigned number.
//
// boost::program_options reads a value into an unsigned type with lexical_cast, which
// takes "-1" and wraps it: `--max-line-bytes -1` became 2^64 - 1 (no limit at all) and
// `--max-connections -1` four billion connections, without a word. A flag declared
// `po::value<Unsigned<size_t>>()` accepts decimal digits only, within T's range, and
// reports anything else as an invalid value of that flag.
#pragma once

#include <boost/any.hpp>
#include <boost/program_options.hpp>

#include <charconv>
#include <string>
#include <vector>

namespace decorum::cli {

template <typename T>
struct Unsigned {
  T value{};
};

// Found by argument-dependent lookup from boost::program_options' value parser.
template <typename T>
void validate(boost::any& v, const std::vector<std::string>& values, Unsigned<T>*, int) {
  namespace po = boost::program_options;
  po::validators::check_first_occurrence(v);
  const std::string& s = po::validators::get_single_string(values);
  T out{};
  const char* const end = s.data() + s.size();
  const auto [stop, ec] = std::from_chars(s.data(), end, out);
  // from_chars takes no sign for an unsigned type, so "-1" and "+1" stop at once.
  if (s.empty() || ec != std::errc() || stop != end) throw po::invalid_option_value(s);
  v = Unsigned<T>{out};
}

}  // namespace decorum::cli
