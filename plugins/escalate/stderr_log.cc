#include "stderr_log.h"

#include <unistd.h>

namespace decorum::escalate {

StderrLog::StderrLog(std::string_view instance)
    : prefix_("decorum escalate[" + std::string(instance) + "]: ") {}

void StderrLog::Line(std::string_view message) const noexcept {
  try {
    std::string line;
    line.reserve(prefix_.size() + message.size() + 1);
    line.append(prefix_).append(message).push_back('\n');
    // A log line is best effort: a closed or full stderr must not fail a delivery.
    [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
  } catch (...) {
  }
}

}  // namespace decorum::escalate
