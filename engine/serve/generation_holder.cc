#include "serve/generation_holder.h"

#include <spdlog/spdlog.h>

namespace decorum::serve {

GenerationHolder::GenerationHolder(GenerationRequest request, Metrics* metrics)
    : request_(std::move(request)), metrics_(metrics) {}

Result<std::shared_ptr<const Generation>> GenerationHolder::Build(const char* what) {
  GenerationReport report;
  auto gen = BuildGeneration(request_, &report);
  const char* source = request_.rules_dir.empty() ? "<built-in pack>" : request_.rules_dir.c_str();
  // Rule errors are rare and each one matters to an operator: one line each.
  for (const auto& e : report.errors) {
    if (gen.ok()) spdlog::warn("{}: skipped: {}", what, e.ToString());
    else spdlog::error("{}: {}", what, e.ToString());
  }
  if (!gen.ok()) {
    spdlog::error("{} of rules from {} failed: {}", what, source, gen.status().message());
    return gen.status();
  }
  const auto& g = *gen.value();
  spdlog::info("{}: ruleset {} from {}: {} rules, {} patterns, compiled in {:.3f}s", what, g.id(),
               source, g.rules().rules.size(), g.pattern_count(), g.compile_seconds());
  return gen;
}

Status GenerationHolder::LoadInitial() {
  std::lock_guard<std::mutex> lock(reload_mu_);
  auto gen = Build("load");
  if (!gen.ok()) return gen.status();
  auto live = std::make_shared<const LiveGeneration>(gen.value(), next_number_++);
  metrics_->SetCurrent(live);
  current_.store(std::move(live), std::memory_order_release);
  return Status::Ok();
}

Result<std::string> GenerationHolder::Reload() {
  std::lock_guard<std::mutex> lock(reload_mu_);
  auto gen = Build("reload");
  if (!gen.ok()) {
    metrics_->ReloadDone(false);
    spdlog::warn("reload refused; still serving ruleset {}", Current()->gen->id());
    return gen.status();
  }
  auto live = std::make_shared<const LiveGeneration>(gen.value(), next_number_++);
  std::string id = live->gen->id();
  metrics_->SetCurrent(live);
  current_.store(std::move(live), std::memory_order_release);
  metrics_->ReloadDone(true);
  return id;
}

}  // namespace decorum::serve
