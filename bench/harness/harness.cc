#include "harness.h"

#include <hs/hs.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "decode/comment_decoder.h"
#include "decorum/comment.h"
#include "match/database_cache.h"
#include "pipeline/generation_builder.h"

namespace decorum::bench {

Corpus LoadCorpus(const std::string& path, uint64_t limit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read corpus '%s': %s\n", path.c_str(), std::strerror(errno));
    std::exit(1);
  }
  Corpus c;
  CommentDecoder decoder;
  Comment comment;
  std::string line;
  while ((limit == 0 || c.lines.size() < limit) && std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    c.line_bytes += line.size();
    if (decoder.Decode(line, c.lines.size() + 1, &comment).ok()) {
      c.texts.emplace_back(comment.text);
      c.text_bytes += comment.text.size();
    }
    c.lines.push_back(std::move(line));
    line = std::string();
  }
  if (c.texts.empty()) {
    std::fprintf(stderr, "corpus '%s' holds no decodable comment\n", path.c_str());
    std::exit(1);
  }
  return c;
}

std::shared_ptr<const Generation> LoadGeneration(const std::string& rules_dir,
                                                 const std::string& cache_dir) {
  GenerationRequest request;
  request.rules_dir = rules_dir;
  request.cache_dir = cache_dir;
  GenerationReport report;
  auto gen = BuildGeneration(request, &report);
  if (!gen.ok()) {
    for (const auto& e : report.errors) std::fprintf(stderr, "%s\n", e.ToString().c_str());
    std::fprintf(stderr, "cannot build the rule set '%s': %s\n",
                 rules_dir.empty() ? "(default pack)" : rules_dir.c_str(),
                 gen.status().message().c_str());
    std::exit(1);
  }
  return gen.value();
}

uint64_t SpaceBytes(const Generation::Databases& space) {
  uint64_t total = 0;
  std::vector<const hs_database*> dbs = {space.full};
  for (const Generation::Databases& group : space.unless) dbs.push_back(group.full);
  for (const hs_database* db : dbs) {
    size_t size = 0;
    if (db != nullptr && hs_database_size(db, &size) == HS_SUCCESS) total += size;
  }
  return total;
}

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double ThreadCpu() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

uint64_t PeakRssKb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<uint64_t>(usage.ru_maxrss);  // KiB on Linux
}

uint64_t CurrentRssKb() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  unsigned long size = 0, resident = 0;
  const int n = std::fscanf(f, "%lu %lu", &size, &resident);
  std::fclose(f);
  if (n != 2) return 0;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE)) / 1024;
}

NullSink::NullSink() : f_(std::fopen("/dev/null", "wb")) {
  if (f_ == nullptr) {
    std::fprintf(stderr, "cannot open /dev/null: %s\n", std::strerror(errno));
    std::exit(1);
  }
}

NullSink::~NullSink() { std::fclose(f_); }

void NullSink::Drain(std::string* buffer, size_t threshold) {
  if (buffer->size() < threshold) return;
  std::fwrite(buffer->data(), 1, buffer->size(), f_);
  buffer->clear();
}

Args::Args(int argc, char** argv, std::string usage, std::vector<std::string> known)
    : program_(argc > 0 ? argv[0] : "bench"), usage_(std::move(usage)) {
  if (const size_t slash = program_.rfind('/'); slash != std::string::npos) {
    program_ = program_.substr(slash + 1);
  }
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::printf("%s", usage_.c_str());
      std::exit(0);
    }
    std::string value;
    bool has_value = false;
    if (const size_t eq = a.find('='); a.starts_with("--") && eq != std::string::npos) {
      value = a.substr(eq + 1);
      a = a.substr(0, eq);
      has_value = true;
    }
    bool ok = false;
    bool is_flag = false;
    for (const auto& k : known) {
      // A known name ending in '!' is a flag without a value.
      if (k == a) ok = true;
      if (k == a + "!") ok = is_flag = true;
    }
    if (!ok) Fail("unknown option " + a);
    if (!is_flag && !has_value) {
      if (i + 1 >= argc) Fail("missing value for " + a);
      value = argv[++i];
    }
    values_.emplace_back(a, value);
  }
}

bool Args::has(std::string_view name) const {
  for (const auto& [k, v] : values_) {
    if (k == name) return true;
  }
  return false;
}

std::string Args::get(std::string_view name, std::string fallback) const {
  for (auto it = values_.rbegin(); it != values_.rend(); ++it) {
    if (it->first == name) return it->second;
  }
  return fallback;
}

uint64_t Args::get_u64(std::string_view name, uint64_t fallback) const {
  if (!has(name)) return fallback;
  const std::string v = get(name);
  char* end = nullptr;
  const unsigned long long n = std::strtoull(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || v[0] == '-') Fail(std::string(name) + " wants an unsigned integer, got '" + v + "'");
  return n;
}

double Args::get_double(std::string_view name, double fallback) const {
  if (!has(name)) return fallback;
  const std::string v = get(name);
  char* end = nullptr;
  const double d = std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0' || d < 0) Fail(std::string(name) + " wants a non-negative number, got '" + v + "'");
  return d;
}

void Args::Fail(const std::string& why) const {
  std::fprintf(stderr, "%s: %s\n%s", program_.c_str(), why.c_str(), usage_.c_str());
  std::exit(2);
}

}  // namespace decorum::bench
