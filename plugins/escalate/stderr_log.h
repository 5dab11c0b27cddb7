// Where the plugin reports what nobody asked it for (retries, rejections, recovery):
// stderr, one line per event, prefixed with the instance name. The engine's own logger
// is not reachable through the ABI, and stderr is what a service manager collects.
#pragma once

#include <string>
#include <string_view>

namespace decorum::escalate {

class StderrLog {
 public:
  explicit StderrLog(std::string_view instance);

  // Writes "decorum escalate[<instance>]: <message>\n" with a single write, so lines
  // from concurrent threads do not interleave. Thread-safe; never throws.
  void Line(std::string_view message) const noexcept;

 private:
  std::string prefix_;
};

}  // namespace decorum::escalate
