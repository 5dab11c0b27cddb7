// Test helpers for building a Generation from inline YAML and moderating text with it.
//
// One place for the plumbing the rules/, match/, evaluate/, sinks/ and pipeline/ tests
// share: RuleFile literals, load+compile with every error shown on failure, a Moderator
// wrapper that returns decisions by value, and a temporary directory for the few tests
// that exercise the directory reader or BuildGeneration.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "match/generation.h"
#include "pipeline/generation_builder.h"
#include "pipeline/moderator.h"
#include "rules/rule_loader.h"

namespace decorum::test {

// A rule file given inline; `path` is what errors name and what the ruleset id hashes.
inline RuleFile Yaml(std::string path, std::string contents) {
  return RuleFile{path, std::move(contents), path};
}

inline std::string JoinErrors(const std::vector<RuleError>& errors) {
  std::string s;
  for (const auto& e : errors) s += "  " + e.ToString() + "\n";
  return s;
}

// Loads and compiles `files`, expecting no error at all. On any load or compile error
// the test fails (listing every error) and null is returned.
inline std::shared_ptr<const Generation> CompileOrFail(const std::vector<RuleFile>& files) {
  LoadedRules loaded = LoadRuleSet(files);
  if (!loaded.errors.empty()) {
    ADD_FAILURE() << "rule load errors:\n" << JoinErrors(loaded.errors);
    return nullptr;
  }
  std::vector<RuleError> errors;
  auto gen = Generation::Compile(std::move(loaded.set), /*skip_bad_rules=*/false, &errors);
  if (!gen.ok() || !errors.empty()) {
    ADD_FAILURE() << "compile failed: " << gen.status().message() << "\n" << JoinErrors(errors);
    return nullptr;
  }
  return gen.value();
}

inline std::shared_ptr<const Generation> CompileYaml(std::string yaml) {
  return CompileOrFail({Yaml("test.yaml", std::move(yaml))});
}

// Loads `files` and, when loading found no error, compiles them too; returns every error
// from both stages, the way `decorum check` reports them.
inline std::vector<RuleError> AllErrors(const std::vector<RuleFile>& files) {
  LoadedRules loaded = LoadRuleSet(files);
  std::vector<RuleError> errors = loaded.errors;
  (void)Generation::Compile(std::move(loaded.set), false, &errors);
  return errors;
}

// The original bytes a span cuts out of `text`.
inline std::string Cut(std::string_view text, Span s) {
  if (s.begin > s.end || s.end > text.size()) return "<span out of range>";
  return std::string(text.substr(s.begin, s.end - s.begin));
}

// One Moderator over a generation, returning decisions by value.
class TextModerator {
 public:
  explicit TextModerator(std::shared_ptr<const Generation> gen)
      : gen_(std::move(gen)), moderator_(gen_, FieldMap(), 1 << 20) {}

  Decision Moderate(std::string_view text) {
    Decision d;
    Status s = moderator_.ModerateText(text, &d);
    EXPECT_TRUE(s.ok()) << s.message();
    return d;
  }

  const Generation& gen() const { return *gen_; }
  const Rule& RuleOf(const Hit& h) const { return gen_->rules().rules[h.rule]; }
  std::string TargetOf(const Hit& h) const {
    return h.target < 0 ? "" : gen_->rules().targets[h.target].id;
  }

  // Rule ids of the hits, in hit order (duplicates kept).
  std::vector<std::string> HitRules(const Decision& d) const { return Ids(d.hits); }
  std::vector<std::string> ShadowRules(const Decision& d) const { return Ids(d.shadow); }

  // The hits of rule `id`.
  std::vector<Hit> HitsOf(const Decision& d, std::string_view id) const {
    std::vector<Hit> out;
    for (const Hit& h : d.hits) {
      if (RuleOf(h).id == id) out.push_back(h);
    }
    return out;
  }

  // Moderates `text` and returns the original text each hit of rule `id` cuts out of it.
  std::vector<std::string> MatchesOf(std::string_view text, std::string_view id) {
    const Decision d = Moderate(text);
    std::vector<std::string> out;
    for (const Hit& h : HitsOf(d, id)) out.push_back(Cut(text, h.span));
    return out;
  }

  Moderator& moderator() { return moderator_; }

 private:
  std::vector<std::string> Ids(const std::vector<Hit>& hits) const {
    std::vector<std::string> v;
    for (const Hit& h : hits) v.push_back(RuleOf(h).id);
    return v;
  }

  std::shared_ptr<const Generation> gen_;
  Moderator moderator_;
};

// A fixture over one inline rule set: Use(yaml) in SetUp compiles it (the test fails if it
// does not compile); m_ moderates with it.
class RuleSetTest : public ::testing::Test {
 protected:
  void Use(std::string yaml) {
    gen_ = CompileYaml(std::move(yaml));
    ASSERT_NE(gen_, nullptr);
    m_ = std::make_unique<TextModerator>(gen_);
  }

  // The original text cut out by each hit of `rule` in `text`.
  std::vector<std::string> MatchesOf(std::string_view text, std::string_view rule) {
    return m_->MatchesOf(text, rule);
  }

  std::shared_ptr<const Generation> gen_;
  std::unique_ptr<TextModerator> m_;
};

// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("decorum-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Writes `contents` to `relative` (parent directories created); returns the full path.
  std::string Write(const std::string& relative, std::string_view contents) const {
    const auto p = path_ / relative;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary);
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    return p.string();
  }

  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace decorum::test
