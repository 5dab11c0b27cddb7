#include "serve/generation_holder.h"

#include <spdlog/spdlog.h>

namespace decorum::serve {

GenerationHolder::GenerationHolder(GenerationRequest request, std::vector<PluginSpec> plugins,
                                   Metrics* metrics)
    : request_(std::move(request)), plugins_(std::move(plugins)), metrics_(metrics) {}

Result<std::shared_ptr<const LiveGeneration>> GenerationHolder::Build(const char* what) {
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
  std::shared_ptr<PluginChain> chain;
  if (!plugins_.empty()) {
    auto created = PluginChain::Create(plugins_);
    if (!created.ok()) {
      spdlog::error("{}: {}", what, created.status().message());
      return created.status();
    }
    chain = created.value();
  }
  return std::make_shared<const LiveGeneration>(gen.value(), next_number_++, std::move(chain));
}

Status GenerationHolder::LoadInitial() {
  std::lock_guard<std::mutex> lock(reload_mu_);
  auto built = Build("load");
  if (!built.ok()) return built.status();
  auto live = built.value();
  metrics_->SetCurrent(live);
  current_.store(std::move(live), std::memory_order_release);
  return Status::Ok();
}

Result<std::string> GenerationHolder::Reload() {
  std::lock_guard<std::mutex> lock(reload_mu_);
  auto built = Build("reload");
  if (!built.ok()) {
    metrics_->ReloadDone(false);
    spdlog::warn("reload refused; still serving ruleset {}", Current()->gen->id());
    return built.status();
  }
  auto live = built.value();
  std::string id = live->gen->id();
  metrics_->SetCurrent(live);
  current_.store(std::move(live), std::memory_order_release);
  metrics_->ReloadDone(true);
  return id;
}

}  // namespace decorum::serve
