// decorum-bench-micro: Google Benchmark micro-benchmarks, one per pipeline stage (decode,
// normalize ASCII, normalize non-ASCII, scan, evaluate, encode), plus the bare hs_scan
// ceiling and the whole per-line pipeline for reference.
//
// Every benchmark cycles through a realistic sample: the first --corpus lines of a
// decorum-gen-corpus corpus (by default the generator is run here, 20,000 comments, seed
// 5). Each stage's input is prepared once, outside the timed loop, by running the stages
// before it, so a benchmark times its stage alone. One iteration is one comment:
// items_per_second is comments/s, bytes_per_second counts the stage's input bytes (the
// NDJSON line for decode and the pipeline, the comment text for the others).
//
// Usage: decorum-bench-micro [--corpus FILE] [--limit N] [--rules DIR] [benchmark flags]
//        (e.g. --benchmark_filter=Normalize --benchmark_min_time=0.2)
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "decide/policy_decider.h"
#include "decode/comment_decoder.h"
#include "bare_scan.h"
#include "evaluate/evaluator.h"
#include "harness.h"
#include "ingest/line_reader.h"
#include "match/scanner.h"
#include "normalize/normalizer.h"
#include "pipeline/moderator.h"
#include "sinks/decision_encoder.h"
#include "sinks/run_stats.h"

namespace decorum::bench {
namespace {

// A decoded comment with its own storage (Comment only holds views).
struct OwnedComment {
  std::string text, id, author, thread;
  IdKind id_kind = IdKind::kAbsent;
  std::optional<int64_t> ts_ms;
  Comment View(uint64_t line) const {
    Comment c;
    c.text = text;
    c.id = id;
    c.id_kind = id_kind;
    c.author = author;
    c.thread = thread;
    c.ts_ms = ts_ms;
    c.line = line;
    return c;
  }
};

// Everything the benchmarks read, prepared once by main().
struct Sample {
  std::vector<std::string> lines;
  std::vector<OwnedComment> comments;
  std::vector<size_t> ascii, non_ascii;  // indexes into comments
  std::vector<NormalizedText> normalized;
  std::vector<std::vector<Match>> matches;
  std::vector<Decision> decisions;
  std::shared_ptr<const Generation> gen;
};
Sample* g_sample = nullptr;

Sample Prepare(const std::string& corpus_path, uint64_t limit, const std::string& rules) {
  Sample s;
  const Corpus corpus = LoadCorpus(corpus_path, limit);
  s.gen = LoadGeneration(rules, "");
  CommentDecoder decoder;
  Normalizer normalizer;
  Scanner scanner(s.gen);
  Evaluator evaluator;
  Comment c;
  for (size_t i = 0; i < corpus.lines.size(); ++i) {
    if (!decoder.Decode(corpus.lines[i], i + 1, &c).ok()) continue;
    s.lines.push_back(corpus.lines[i]);
    OwnedComment o{std::string(c.text), std::string(c.id), std::string(c.author),
                   std::string(c.thread), c.id_kind, c.ts_ms};
    const bool ascii = std::all_of(o.text.begin(), o.text.end(), [](char ch) { return !(ch & 0x80); });
    (ascii ? s.ascii : s.non_ascii).push_back(s.comments.size());
    s.comments.push_back(std::move(o));
    NormalizedText n;
    normalizer.Normalize(s.comments.back().text, &n);
    std::vector<Match> m;
    if (!scanner.Scan(n, s.comments.back().text, &m).ok()) {
      std::fprintf(stderr, "scan failed\n");
      std::exit(1);
    }
    Decision d;
    const Evaluation ev = evaluator.Evaluate(*s.gen, n, s.comments.back().text, m, &d);
    d.action = DecideAction(s.gen->rules().policy, ev);
    s.normalized.push_back(std::move(n));
    s.matches.push_back(std::move(m));
    s.decisions.push_back(std::move(d));
  }
  if (s.ascii.empty() || s.non_ascii.empty()) {
    std::fprintf(stderr, "the sample needs both ASCII and non-ASCII comments; use a larger --limit\n");
    std::exit(1);
  }
  return s;
}

void BM_Decode(benchmark::State& state) {
  const Sample& s = *g_sample;
  CommentDecoder decoder;
  Comment c;
  size_t i = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    const std::string& line = s.lines[i];
    benchmark::DoNotOptimize(decoder.Decode(line, i + 1, &c));
    bytes += static_cast<int64_t>(line.size());
    if (++i == s.lines.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
}

void Normalize(benchmark::State& state, const std::vector<size_t>& which) {
  const Sample& s = *g_sample;
  Normalizer normalizer;
  NormalizedText n;
  size_t i = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    const std::string& text = s.comments[which[i]].text;
    normalizer.Normalize(text, &n);
    benchmark::DoNotOptimize(n.text.data());
    bytes += static_cast<int64_t>(text.size());
    if (++i == which.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
}
void BM_NormalizeAscii(benchmark::State& state) { Normalize(state, g_sample->ascii); }
void BM_NormalizeNonAscii(benchmark::State& state) { Normalize(state, g_sample->non_ascii); }

// Scanner::Scan: hs_scan of the normalized text plus span resolution.
void BM_Scan(benchmark::State& state) {
  const Sample& s = *g_sample;
  Scanner scanner(s.gen);
  std::vector<Match> m;
  size_t i = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(scanner.Scan(s.normalized[i], s.comments[i].text, &m));
    bytes += static_cast<int64_t>(s.comments[i].text.size());
    if (++i == s.comments.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
}

// The ceiling: the bare scan of the original text (harness/bare_scan.h), as
// decorum-bench-ceiling measures it.
void BM_HsScanBare(benchmark::State& state) {
  const Sample& s = *g_sample;
  const BareScan bare(*s.gen);
  size_t i = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    const std::string& t = s.comments[i].text;
    bare.Scan(t, /*with_raw=*/true);
    bytes += static_cast<int64_t>(t.size());
    if (++i == s.comments.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
}

// Evaluator::Evaluate and the policy decision.
void BM_Evaluate(benchmark::State& state) {
  const Sample& s = *g_sample;
  Evaluator evaluator;
  Decision d;
  size_t i = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    d.clear();
    const Evaluation ev = evaluator.Evaluate(*s.gen, s.normalized[i], s.comments[i].text, s.matches[i], &d);
    d.action = DecideAction(s.gen->rules().policy, ev);
    benchmark::DoNotOptimize(d.action);
    bytes += static_cast<int64_t>(s.comments[i].text.size());
    if (++i == s.comments.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
}

// DecisionEncoder::Append into a reused buffer (cleared every 64 KiB, as a writer would),
// with one encoder for the generation, as the Moderator has.
void BM_Encode(benchmark::State& state) {
  const Sample& s = *g_sample;
  const DecisionEncoder encoder(*s.gen);
  std::string out;
  out.reserve(1 << 17);
  size_t i = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    encoder.Append(s.comments[i].View(i + 1), s.decisions[i], i + 1, &out);
    if (out.size() >= (1 << 16)) {
      bytes += static_cast<int64_t>(out.size());
      benchmark::DoNotOptimize(out.data());
      out.clear();
    }
    if (++i == s.comments.size()) i = 0;
  }
  bytes += static_cast<int64_t>(out.size());
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);  // output bytes: records written
}

// The whole per-line pipeline: Moderator::ModerateLine.
void BM_ModerateLine(benchmark::State& state) {
  const Sample& s = *g_sample;
  Moderator moderator(s.gen, FieldMap(), 1 << 20);
  RunStats stats;
  std::string out;
  out.reserve(1 << 17);
  size_t i = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    Line line;
    line.bytes = s.lines[i];
    line.number = i + 1;
    line.length = s.lines[i].size();
    moderator.ModerateLine(line, i + 1, &out, &stats);
    if (out.size() >= (1 << 16)) out.clear();
    bytes += static_cast<int64_t>(s.lines[i].size());
    if (++i == s.lines.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
}

BENCHMARK(BM_Decode);
BENCHMARK(BM_NormalizeAscii);
BENCHMARK(BM_NormalizeNonAscii);
BENCHMARK(BM_HsScanBare);
BENCHMARK(BM_Scan);
BENCHMARK(BM_Evaluate);
BENCHMARK(BM_Encode);
BENCHMARK(BM_ModerateLine);

// Runs the generator built alongside (DECORUM_GEN_CORPUS) into a temporary file.
std::string GenerateSample(uint64_t count) {
  char path[] = "/tmp/decorum-bench-micro-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) {
    std::perror("mkstemp");
    std::exit(1);
  }
  close(fd);
  const std::string cmd = std::string("'") + DECORUM_GEN_CORPUS + "' --count " + std::to_string(count) +
                          " --seed 5 --out '" + path + "'";
  if (std::system(cmd.c_str()) != 0) {
    std::fprintf(stderr, "cannot run the corpus generator: %s\n", cmd.c_str());
    std::exit(1);
  }
  return path;
}

}  // namespace
}  // namespace decorum::bench

int main(int argc, char** argv) {
  // Our flags first; the rest goes to Google Benchmark.
  std::string corpus, rules;
  uint64_t limit = 20000;
  std::vector<char*> rest{argv[0]};
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "decorum-bench-micro: missing value for %s\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--corpus") corpus = value();
    else if (a == "--rules") rules = value();
    else if (a == "--limit") limit = std::strtoull(value().c_str(), nullptr, 10);
    else rest.push_back(argv[i]);
  }
  if (limit == 0) limit = 20000;
  const bool generated = corpus.empty();
  if (generated) corpus = decorum::bench::GenerateSample(limit);
  decorum::bench::Sample sample = decorum::bench::Prepare(corpus, limit, rules);
  if (generated) std::remove(corpus.c_str());
  decorum::bench::g_sample = &sample;
  benchmark::AddCustomContext("sample_comments", std::to_string(sample.comments.size()));
  benchmark::AddCustomContext("sample_non_ascii", std::to_string(sample.non_ascii.size()));
  benchmark::AddCustomContext("patterns", std::to_string(sample.gen->pattern_count()));
  int bargc = static_cast<int>(rest.size());
  benchmark::Initialize(&bargc, rest.data());
  if (benchmark::ReportUnrecognizedArguments(bargc, rest.data())) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
