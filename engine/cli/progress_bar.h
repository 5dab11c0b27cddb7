// ProgressBar: a one-line progress display on standard error for long batch runs.
// Disabled (prints nothing) when standard error is not a terminal, so logs and CI stay
// clean.
#pragma once

#include <chrono>

#include "pipeline/batch_scorer.h"

namespace decorum::cli {

class ProgressBar {
 public:
  explicit ProgressBar(bool enabled);
  bool enabled() const { return enabled_; }
  // Redraws the line. Called from the writer thread only.
  void Update(const BatchProgress& p);
  // Ends the line (if one was drawn).
  void Finish();
  double elapsed_seconds() const;

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace decorum::cli
