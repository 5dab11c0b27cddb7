// decorum score DUMP... : batch scoring (SPEC §9).
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <optional>
#include <thread>

#include "cli/commands.h"
#include "cli/progress_bar.h"
#include "cli/rule_options.h"
#include "cli/unsigned_option.h"
#include "pipeline/batch_scorer.h"
#include "sinks/decision_encoder.h"
#include "plugin_host/plugin_chain.h"
#include "serve/serve_config.h"

namespace po = boost::program_options;

namespace decorum::cli {
namespace {

// How every record starts.
constexpr std::string_view kRecordHead = "{\"id\":";

// One complete line of the output being resumed: a record of this rule set. An error
// record has no ruleset; a decision record ends with the one that decided it.
Status CheckKeptRecord(std::string_view line, uint64_t number, const std::string& path,
                       std::string_view ruleset) {
  constexpr std::string_view kRuleset = ",\"ruleset\":\"";
  if (line.substr(0, kRecordHead.size()) != kRecordHead || line.empty() || line.back() != '}') {
    return Status::InvalidArgument(path + " line " + std::to_string(number) +
                                   " is not a record of decorum score; not resuming from it");
  }
  const size_t at = line.rfind(kRuleset);
  if (at != std::string_view::npos) {
    const std::string_view got = line.substr(at + kRuleset.size(), line.size() - at - kRuleset.size() - 2);
    if (got != ruleset) {
      return Status::InvalidArgument(path + " line " + std::to_string(number) + " was decided by rule set " +
                                     std::string(got) + ", not by these rules (" + std::string(ruleset) +
                                     "): resuming would mix the two; score again without --resume");
    }
  }
  return Status::Ok();
}

// A line being read for CheckKeptRecord and RecordIdField, which look only at its first
// and last bytes: past 4 KiB the middle is dropped, so a file without a newline (or a huge
// last record) does not have to fit in memory.
struct KeptLine {
  static constexpr size_t kHead = 1024, kTail = 1024;
  std::string bytes;
  bool cut = false;  // the middle was dropped: only bytes [0, kHead) are the line's start

  void Append(const char* p, const char* end) {
    bytes.append(p, end);
    if (bytes.size() > 4 * kTail) {
      bytes.erase(kHead, bytes.size() - kHead - kTail);
      cut = true;
    }
  }
  void Clear() {
    bytes.clear();
    cut = false;
  }
  // The record's id field, if it lies in what was kept whole; empty otherwise.
  std::string IdField() const {
    const std::string_view id = RecordIdField(bytes);
    if (cut && kRecordHead.size() + id.size() >= kHead) return {};
    return std::string(id);
  }
};

// What --resume keeps of the output: how many records, the id of the last one, and where
// the last complete record ends (a partial one after it is cut off once the run has
// checked the inputs against the last record: BatchOptions::on_resume_checked).
struct KeptRecords {
  uint64_t records = 0;
  std::string last_id;  // RecordIdField of the last record; empty if none or too long
  off_t complete_bytes = 0;
  bool partial_after = false;  // a partial record follows complete_bytes
};

// For --resume: counts the complete ('\n'-terminated) records in `path`, each checked to
// be a record of rule set `ruleset` (CheckKeptRecord), and finds a partial last one.
// Records are written in input order, one per line, so their count is the number of input
// lines already done. A missing file means nothing was done yet. The file is not changed
// here.
Result<KeptRecords> KeepCompleteRecords(const std::string& path, std::string_view ruleset) {
  const int fd = ::open(path.c_str(), O_RDWR);
  if (fd < 0) {
    if (errno == ENOENT) return KeptRecords{};
    return Status::IoError("cannot open " + path + ": " + std::strerror(errno));
  }
  KeptRecords kept;
  uint64_t records = 0;
  off_t end_of_last = 0, offset = 0;
  KeptLine line;  // the current line, up to its '\n'
  char buf[1 << 16];
  Status s;
  while (s.ok()) {
    const ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      s = Status::IoError("cannot read " + path + ": " + std::strerror(errno));
      break;
    }
    if (n == 0) break;
    const char* p = buf;
    const char* const end = buf + n;
    while (p < end && s.ok()) {
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
      if (nl == nullptr) {
        line.Append(p, end);
        break;
      }
      line.Append(p, nl);
      s = CheckKeptRecord(line.bytes, ++records, path, ruleset);
      kept.last_id = line.IdField();
      line.Clear();
      end_of_last = offset + (nl - buf) + 1;
      p = nl + 1;
    }
    offset += n;
  }
  // The unfinished last line is cut off — but only if it can be the start of a record: a
  // file that merely lacks its final newline is not ours to shorten.
  if (s.ok() && offset != end_of_last &&
      line.bytes.substr(0, kRecordHead.size()) !=
          kRecordHead.substr(0, std::min(line.bytes.size(), kRecordHead.size()))) {
    s = Status::InvalidArgument(path + " line " + std::to_string(records + 1) +
                                " is not a record of decorum score; not resuming from it");
  }
  ::close(fd);
  if (!s.ok()) return s;
  kept.records = records;
  kept.complete_bytes = end_of_last;
  kept.partial_after = offset != end_of_last;
  return kept;
}

// SIGINT / SIGTERM during a run: the signal's number, and the flag the batch scorer polls
// (BatchOptions::stop). A second signal kills at once, as a user pressing Ctrl-C again
// expects.
std::atomic<int> g_signal{0};
std::atomic<bool> g_stop{false};
static_assert(std::atomic<int>::is_always_lock_free && std::atomic<bool>::is_always_lock_free,
              "set from a signal handler");

void OnStopSignal(int signo) {
  if (g_signal.exchange(signo) != 0) {
    ::signal(signo, SIG_DFL);  // both async-signal-safe
    ::raise(signo);
    return;
  }
  g_stop.store(true);  // after g_signal: whoever sees the stop reads the signal
}

// Installs OnStopSignal for SIGINT and SIGTERM, except where the signal is ignored (a
// background job in a script: a Ctrl-C meant for the foreground must not stop it), and
// restores what was there when it goes out of scope.
class StopSignals {
 public:
  StopSignals() {
    struct sigaction sa {};
    sa.sa_handler = OnStopSignal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < 2; ++i) {
      ::sigaction(kSignals[i], nullptr, &old_[i]);
      installed_[i] = old_[i].sa_handler != SIG_IGN && ::sigaction(kSignals[i], &sa, nullptr) == 0;
    }
  }
  ~StopSignals() {
    for (size_t i = 0; i < 2; ++i) {
      if (installed_[i]) ::sigaction(kSignals[i], &old_[i], nullptr);
    }
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  static constexpr int kSignals[2] = {SIGINT, SIGTERM};
  struct sigaction old_[2] {};
  bool installed_[2] = {false, false};
};

// The input (as given; "-" for standard input) that is the same file as `output`, or ""
// when none is (or the output does not exist yet, or is standard output).
std::string InputSameAsOutput(const std::vector<std::string>& inputs, const std::string& output) {
  struct stat out;
  if (output == "-" || ::stat(output.c_str(), &out) != 0 || !S_ISREG(out.st_mode)) return "";
  for (const auto& in : inputs) {
    struct stat st;
    const int rc = in == "-" ? ::fstat(STDIN_FILENO, &st) : ::stat(in.c_str(), &st);
    if (rc == 0 && st.st_dev == out.st_dev && st.st_ino == out.st_ino) return in;
  }
  return "";
}

}  // namespace

int RunScore(const std::vector<std::string>& args) {
  GenerationRequest request;
  BatchOptions options;
  std::string on_error, output = "-", map_spec, progress = "auto", config_path;
  std::vector<std::string> inputs;
  bool quiet = false, resume = false;
  const unsigned hw = std::clamp(std::thread::hardware_concurrency(), 1u, 256u);  // --threads' range
  Unsigned<size_t> threads, max_line_bytes;  // into options once parsed

  po::options_description desc(
      "Usage: decorum score DUMP... [options]\n"
      "Scores every NDJSON line of each DUMP (plain, gzip or zstd, detected from content; '-'\n"
      "is standard input) and writes one decision or error record per line, in input order.\n"
      "A summary goes to standard error at the end.\n\n"
      "With --config, the rules, map, threads, limits.max_line_bytes and plugins settings of\n"
      "that file apply (the daemon's own settings are ignored); flags override them.\n\nOptions");
  desc.add_options()
      ("help,h", "show this help")
      ("config,c", po::value<std::string>(&config_path),
       "YAML config file (deploy/decorum.yaml): rules, map, threads, limits, plugins")
      ("output,o", po::value<std::string>(&output), "write records to FILE instead of standard output")
      ("threads,t", po::value<Unsigned<size_t>>(&threads)->default_value({hw}, std::to_string(hw)),
       "worker threads (output order and bytes do not depend on it, except with stateful "
       "plugins: pile_on, repeat_offender)")
      ("map", po::value<std::string>(&map_spec),
       "field remapping for foreign dumps: 'pushshift', or pairs like text=body,ts=created_utc:s")
      ("max-line-bytes", po::value<Unsigned<size_t>>(&max_line_bytes)->default_value({1 << 20}, "1048576"),
       "longer lines get an error record")
      ("progress", po::value<std::string>(&progress)->default_value("auto"),
       "progress bar on standard error: auto (when it is a terminal), always, never")
      ("quiet,q", po::bool_switch(&quiet), "no summary")
      ("resume", po::bool_switch(&resume),
       "continue an interrupted run (killed, crashed, power cut): keep the complete records "
       "already in --output FILE, drop a partial last one, and score only the input lines "
       "after them; with the same inputs the result is the file an uninterrupted run writes. "
       "A FILE holding anything but records of these rules, or whose last record is not "
       "for the input line it stands for (another run's output), is refused and left alone");
  AddRuleOptions(&desc, &request, &on_error);
  po::options_description hidden;
  hidden.add_options()("input", po::value<std::vector<std::string>>(&inputs));
  po::options_description all;
  all.add(desc).add(hidden);
  po::positional_options_description pos;
  pos.add("input", -1);

  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "decorum score: " << e.what() << "\n\n" << desc << "\n";
    return 2;
  }
  if (vm.count("help")) {
    std::cout << desc << "\n"
              << "Exit status: 0 every line got its record (error records included); 1 the rules or a\n"
                 "plugin did not load, an input or the output failed, or a plugin's flush failed; 2 a\n"
                 "usage error; 130 / 143 stopped by SIGINT / SIGTERM (every line read has its record:\n"
                 "--resume continues after them).\n";
    return 0;
  }
  options.threads = threads.value;
  options.max_line_bytes = max_line_bytes.value;
  std::vector<PluginSpec> plugin_specs;
  if (!config_path.empty()) {
    serve::ServeConfig config;
    const Status cs = serve::LoadConfigFile(config_path, &config);
    if (!cs.ok()) {
      std::cerr << "decorum score: " << cs.message() << "\n";
      return 2;
    }
    // Flags given on the command line win over the file.
    if (!vm.count("rules")) request.rules_dir = config.rules_dir;
    if (vm["on-error"].defaulted()) on_error = config.on_error;
    if (vm["cache-dir"].defaulted()) request.cache_dir = config.cache_dir;
    if (!vm.count("map")) map_spec = config.map_spec;
    if (vm["max-line-bytes"].defaulted()) options.max_line_bytes = config.max_line_bytes;
    if (vm["threads"].defaulted() && config.threads > 0) options.threads = config.threads;
    plugin_specs = std::move(config.plugins);
  }
  if (inputs.empty()) {
    std::cerr << "decorum score: no input given (use '-' for standard input)\n\n" << desc << "\n";
    return 2;
  }
  if (!ApplyOnError(on_error, &request)) return 2;
  if (options.threads == 0 || options.threads > 256) {
    std::cerr << "decorum score: --threads must be between 1 and 256\n";
    return 2;
  }
  if (resume && output == "-") {
    std::cerr << "decorum score: --resume needs --output FILE (the records to continue from)\n";
    return 2;
  }
  if (options.max_line_bytes == 0) {
    std::cerr << "decorum score: --max-line-bytes must be positive\n";
    return 2;
  }
  if (progress != "auto" && progress != "always" && progress != "never") {
    std::cerr << "decorum score: --progress must be auto, always or never\n";
    return 2;
  }
  if (!map_spec.empty()) {
    auto map = FieldMap::Parse(map_spec);
    if (!map.ok()) {
      std::cerr << "decorum score: " << map.status().message() << "\n";
      return 2;
    }
    options.field_map = map.value();
  }

  // Fail on a missing input before spending a second compiling rules, and on a directory
  // before any record is written (open(2) takes one; only the first read fails).
  for (const auto& in : inputs) {
    struct stat st;
    if (in != "-" && (::access(in.c_str(), R_OK) != 0 || ::stat(in.c_str(), &st) != 0)) {
      std::cerr << "decorum score: cannot read input '" << in << "': " << std::strerror(errno) << "\n";
      return 1;
    }
    if (in != "-" && S_ISDIR(st.st_mode)) {
      std::cerr << "decorum score: cannot read input '" << in << "': is a directory\n";
      return 1;
    }
  }
  // Opening the output truncates it: an output that is one of the inputs would destroy the
  // dump before a line of it was read.
  if (const std::string same = InputSameAsOutput(inputs, output); !same.empty()) {
    std::cerr << "decorum score: the output '" << output << "' is "
              << (same == "-" ? "standard input" : "the input '" + same + "'")
              << ": it would be overwritten before it is read\n";
    return 2;
  }

  GenerationReport report;
  auto gen = LoadRulesOrReport(request, &report);
  if (!gen) return 1;
  if (!plugin_specs.empty()) {
    auto chain = PluginChain::Create(plugin_specs);
    if (!chain.ok()) {
      std::cerr << "decorum score: " << chain.status().message() << "\n";
      return 1;
    }
    options.plugins = chain.value();
  }

  std::FILE* out = stdout;
  if (resume) {
    auto kept = KeepCompleteRecords(output, gen->id());
    if (!kept.ok()) {
      std::cerr << "decorum score: --resume: " << kept.status().message() << "\n";
      return 1;
    }
    options.skip_lines = kept->records;
    options.resume_last_id = kept->last_id;
    if (kept->partial_after) {
      options.on_resume_checked = [output, complete = kept->complete_bytes]() -> Status {
        if (::truncate(output.c_str(), complete) != 0) {
          return Status::IoError("cannot cut the partial last record off " + output + ": " +
                                 std::strerror(errno));
        }
        return Status::Ok();
      };
    }
    if (!quiet) std::cerr << "decorum score: resuming after " << options.skip_lines << " records in " << output << "\n";
  }
  if (output != "-") {
    out = std::fopen(output.c_str(), resume ? "ab" : "wb");
    if (!out) {
      std::cerr << "decorum score: cannot open output '" << output << "': " << std::strerror(errno) << "\n";
      return 1;
    }
  }
  static char out_buf[1 << 20];
  std::setvbuf(out, out_buf, _IOFBF, sizeof(out_buf));

  // Stopping on a signal between batches leaves an output of whole records for every
  // line before the stop, and says so, where the default action cut a record in half
  // and said nothing.
  options.stop = &g_stop;
  std::optional<StopSignals> stop_signals(std::in_place);
  BatchScorer scorer(gen, options);
  ProgressBar bar(progress == "always" || (progress == "auto" && ::isatty(STDERR_FILENO)));
  if (bar.enabled()) scorer.set_progress([&](const BatchProgress& p) { bar.Update(p); });
  RunStats stats;
  Status s = scorer.Run(inputs, out, &stats);
  stop_signals.reset();
  bar.Finish();
  bool output_stopped = scorer.output_stopped();
  if (out != stdout && std::fclose(out) != 0 && s.ok()) {
    s = Status::IoError(std::string("cannot write output: ") + std::strerror(errno));
    output_stopped = true;
  }
  if (output_stopped) {
    // The summary counts every comment scored, and some of their records never made it.
    s = s.Annotated(output == "-" ? std::string("; the summary counts comments scored, not records written")
                                  : "; the summary counts comments scored, not records written: '" + output +
                                        "' holds those before the failure (--resume continues after them)");
  }
  if (!quiet) {
    std::cerr << stats.Summary(*gen, bar.elapsed_seconds());
    if (options.plugins) std::cerr << PluginSummary(*options.plugins);
  }
  if (!s.ok()) {
    std::cerr << "decorum score: " << s.message() << "\n";
    return 1;
  }
  if (!scorer.interrupted_at().empty()) {
    const int signo = g_signal.load();
    std::cerr << "decorum score: interrupted (" << (signo == SIGINT ? "SIGINT" : "SIGTERM") << "): stopped reading "
              << scorer.interrupted_at() << "; every line before has its record"
              << (output == "-" ? std::string() : " in '" + output + "': --resume continues after them") << "\n";
    return 128 + signo;
  }
  return 0;
}

}  // namespace decorum::cli
