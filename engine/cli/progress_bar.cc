#include "cli/progress_bar.h"

#include <algorithm>
#include <cstdio>

namespace decorum::cli {

ProgressBar::ProgressBar(bool enabled) : enabled_(enabled), start_(std::chrono::steady_clock::now()) {}

double ProgressBar::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void ProgressBar::Update(const BatchProgress& p) {
  if (!enabled_) return;
  const double rate = p.seconds > 0 ? p.comments / p.seconds : 0;
  if (p.total_bytes > 0) {
    const double frac = std::min(1.0, static_cast<double>(p.consumed_bytes) / p.total_bytes);
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(frac * kWidth);
    char bar[kWidth + 1];
    for (int i = 0; i < kWidth; ++i) bar[i] = i < filled ? '#' : '.';
    bar[kWidth] = 0;
    std::fprintf(stderr, "\r[%s] %5.1f%%  %llu comments  %.0f/s ", bar, frac * 100,
                 static_cast<unsigned long long>(p.comments), rate);
  } else {
    std::fprintf(stderr, "\r%llu comments  %.0f/s ", static_cast<unsigned long long>(p.comments), rate);
  }
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::Finish() {
  if (drawn_) std::fputc('\n', stderr);
  drawn_ = false;
}

}  // namespace decorum::cli
