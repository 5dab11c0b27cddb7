#include "serve/log_setup.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>

namespace decorum::serve {
namespace {

// {"ts":"2024-05-01T12:00:00.123Z","level":"info","msg":"..."} with the message escaped.
class JsonFormatter : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const auto t = std::chrono::system_clock::to_time_t(msg.time);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char ts[64];
    std::snprintf(ts, sizeof(ts), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
    auto append = [&dest](std::string_view s) { dest.append(s.data(), s.data() + s.size()); };
    append("{\"ts\":\"");
    append(ts);
    append("\",\"level\":\"");
    const auto level = spdlog::level::to_string_view(msg.level);
    append(std::string_view(level.data(), level.size()));
    append("\",\"msg\":\"");
    for (char c : std::string_view(msg.payload.data(), msg.payload.size())) {
      switch (c) {
        case '"': append("\\\""); break;
        case '\\': append("\\\\"); break;
        case '\n': append("\\n"); break;
        case '\t': append("\\t"); break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof(buf), "\\u%04x", c);
            append(buf);
          } else {
            dest.push_back(c);
          }
      }
    }
    append("\"}\n");
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonFormatter>(); }
};

}  // namespace

Status SetUpLogging(const std::string& format, const std::string& level) {
  spdlog::drop("decorum");  // set up again (main() sets a default before serve reads its config)
  auto logger = spdlog::stderr_logger_mt("decorum");
  if (format == "json") {
    logger->set_formatter(std::make_unique<JsonFormatter>());
  } else {
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e [%l] %v");
  }
  const auto lvl = spdlog::level::from_str(level);
  logger->set_level(lvl);
  logger->flush_on(spdlog::level::trace);  // events are rare; never lose the last ones
  spdlog::set_default_logger(logger);
  return Status::Ok();
}

}  // namespace decorum::serve
