// decorum review: the queue of comments the quarantine_sqlite plugin held (SPEC §8, §9).
// Lists them, shows one with its decision record and review history, and records a
// reviewer's verdict. All storage goes through QuarantineStore, which owns the schema.
#include <simdjson.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <optional>
#include <set>

#include "cli/commands.h"
#include "normalize/utf8.h"
#include "quarantine_sqlite/quarantine_store.h"
#include "sinks/json_writer.h"

namespace po = boost::program_options;

namespace decorum::cli {
namespace {

using quarantine::HeldComment;
using quarantine::QuarantineStore;
using quarantine::ReviewStatus;

constexpr const char* kUsage =
    "Usage: decorum review COMMAND [SEQ...] --db PATH [options]\n"
    "The review queue of the quarantine_sqlite plugin: the comments it held (action\n"
    "quarantine or escalate) with their decision records. Each held comment has a seq number.\n"
    "A verdict is recorded with the reviewer's name; a comment may be reviewed again (an\n"
    "appeal), and its history keeps every review. decorum only records verdicts: publishing\n"
    "or removing a comment is up to the platform, which can read them with\n"
    "'decorum review list --status approved --json'.\n"
    "The database must already exist (the plugin creates it); review never creates one.\n"
    "\n"
    "Commands:\n"
    "  list             held comments, oldest first (pending ones unless --status says)\n"
    "  show SEQ         one held comment: its text, decision record and review history\n"
    "  approve SEQ...   record that the comments are acceptable (needs --reviewer)\n"
    "  reject SEQ...    record that the comments are not acceptable (needs --reviewer)\n"
    "\n"
    "Run 'decorum review COMMAND --help' for a command's options.\n"
    "Exit status: 0 done, 1 database error or unknown seq, 2 usage error.\n";

// Why `word` cannot be a seq number.
std::string SeqError(const std::string& word) {
  return "'" + word + "' is not a seq (the positive number 'decorum review list' shows)";
}

// Program_options plumbing shared by the four commands: --help, --db, positional SEQs.
struct Parsed {
  po::variables_map vm;
  std::vector<std::string> positional;
};

// Parses `args` against `desc` (plus positional arguments); returns 0 to go on, else the
// exit code (after printing help or the usage error).
int Parse(const std::string& command, const std::vector<std::string>& args,
          po::options_description& desc, Parsed* out) {
  po::options_description hidden;
  hidden.add_options()("positional", po::value<std::vector<std::string>>(&out->positional));
  po::options_description all;
  all.add(desc).add(hidden);
  po::positional_options_description pos;
  pos.add("positional", -1);
  try {
    po::store(po::command_line_parser(args).options(all).positional(pos).run(), out->vm);
    po::notify(out->vm);
  } catch (const po::unknown_option& e) {
    // "-3" reads as a short option to program_options; say what it is instead.
    const std::string& name = e.get_option_name();
    if (name.size() > 1 && name[0] == '-' && name.find_first_not_of("0123456789", 1) == std::string::npos) {
      std::cerr << "decorum review " << command << ": " << SeqError(name) << "\n";
      return 2;
    }
    std::cerr << "decorum review " << command << ": " << e.what() << "\n\n" << desc << "\n";
    return 2;
  } catch (const po::error& e) {
    std::cerr << "decorum review " << command << ": " << e.what() << "\n\n" << desc << "\n";
    return 2;
  }
  if (out->vm.count("help")) {
    std::cout << desc << "\n";
    return -1;
  }
  if (!out->vm.count("db")) {
    std::cerr << "decorum review " << command << ": --db PATH is required (the database the "
              << "quarantine_sqlite plugin writes)\n";
    return 2;
  }
  return 0;
}

// Seq numbers from the command line, in order, each once. Prints why and returns false
// on anything that is not a positive integer.
bool ParseSeqs(const std::string& command, const std::vector<std::string>& words,
               std::vector<int64_t>* seqs) {
  std::set<int64_t> seen;
  for (const std::string& w : words) {
    int64_t v = 0;
    const auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), v);
    if (ec != std::errc() || end != w.data() + w.size() || v <= 0) {
      std::cerr << "decorum review " << command << ": " << SeqError(w) << "\n";
      return false;
    }
    if (seen.insert(v).second) seqs->push_back(v);
  }
  return true;
}

// Opens an existing database (never creating one). Prints why and returns null on failure.
std::unique_ptr<QuarantineStore> OpenStore(const std::string& command, const std::string& db) {
  QuarantineStore::Options options;
  options.mode = QuarantineStore::OpenMode::kExisting;
  auto store = QuarantineStore::Open(db, options);
  if (!store.ok()) {
    std::cerr << "decorum review " << command << ": " << store.status().message() << "\n";
    return nullptr;
  }
  return std::move(store).value();
}

// "2024-05-01 20:14:03 UTC".
std::string FormatTime(int64_t ms) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

std::string FormatScore(double score) {
  std::string s;
  AppendJsonNumber(&s, score);
  return s;
}

// Comment text is written by strangers: what reaches a reviewer's terminal must not carry
// escape sequences or bidirectional overrides that could disguise it. Control characters
// become a space (one-line listings) or a visible \xNN (full text, where newlines and tabs
// stay); invalid bytes become U+FFFD. At most `max_chars` code points, then "…".
std::string Printable(std::string_view s, bool multiline, size_t max_chars = SIZE_MAX) {
  std::string out;
  size_t chars = 0;
  for (size_t i = 0; i < s.size();) {
    if (chars == max_chars) {
      out += "\u2026";
      break;
    }
    const Utf8Decoded d = DecodeUtf8(s, i);
    const char32_t c = d.code_point;
    const bool control = c < 0x20 || (c >= 0x7F && c <= 0x9F);
    const bool bidi = (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
    if (c == kInvalidCodePoint) {
      out += "\uFFFD";
    } else if (multiline && (c == '\n' || c == '\t')) {
      out.push_back(static_cast<char>(c));
    } else if (control || bidi) {
      if (multiline) {
        char buf[16];
        std::snprintf(buf, sizeof(buf), c < 0x100 ? "\\x%02x" : "\\u%04x", static_cast<unsigned>(c));
        out += buf;
      } else {
        out.push_back(' ');
      }
    } else {
      out.append(s.data() + i, d.length);
    }
    i += d.length;
    ++chars;
  }
  return out;
}

// Pads to `width` code points (an approximation of terminal columns good enough for ids).
std::string Pad(std::string s, size_t width) {
  size_t chars = 0;
  for (unsigned char c : s) chars += (c & 0xC0) != 0x80;
  if (chars < width) s.append(width - chars, ' ');
  return s;
}

std::string Indent(const std::string& text) {
  std::string out = "  ";
  for (char c : text) {
    out.push_back(c);
    if (c == '\n') out += "  ";
  }
  return out;
}

// The held comment as a JSON object's members (no braces). The decision record is
// embedded as JSON when it parses as JSON, else as a string, so the output stays valid
// whatever the row holds.
void AppendHeldJson(std::string* out, const HeldComment& h, simdjson::dom::parser* parser) {
  auto str = [&](const char* key, std::string_view v, bool null_if_empty = false) {
    *out += ",\"";
    *out += key;
    *out += "\":";
    if (null_if_empty && v.empty()) {
      *out += "null";
    } else {
      AppendJsonString(out, v);
    }
  };
  *out += "\"seq\":";
  AppendJsonUint(out, static_cast<uint64_t>(h.seq));
  str("comment_id", h.comment_id);
  str("status", quarantine::ReviewStatusName(h.status));
  str("action", h.action);
  *out += ",\"score\":";
  AppendJsonNumber(out, h.score);
  str("author", h.author);
  str("thread", h.thread);
  *out += ",\"targets\":[";
  bool first = true;
  for (size_t b = 0; b < h.targets.size();) {
    size_t e = h.targets.find(' ', b);
    if (e == std::string::npos) e = h.targets.size();
    if (e > b) {
      if (!first) out->push_back(',');
      AppendJsonString(out, std::string_view(h.targets).substr(b, e - b));
      first = false;
    }
    b = e + 1;
  }
  *out += "]";
  str("text", h.text);
  str("ruleset", h.ruleset);
  *out += ",\"stored_at_ms\":";
  AppendJsonUint(out, static_cast<uint64_t>(h.stored_at_ms));
  str("reviewer", h.reviewer, true);
  str("note", h.status == ReviewStatus::kPending ? "" : h.note, h.status == ReviewStatus::kPending);
  *out += ",\"reviewed_at_ms\":";
  if (h.reviewed_at_ms > 0) {
    AppendJsonUint(out, static_cast<uint64_t>(h.reviewed_at_ms));
  } else {
    *out += "null";
  }
  *out += ",\"decision\":";
  simdjson::dom::element ignored;
  if (parser->parse(h.decision).get(ignored) == simdjson::SUCCESS) {
    *out += h.decision;
  } else {
    AppendJsonString(out, h.decision);
  }
}

std::string TargetAndAuthor(const HeldComment& h) {
  std::string target = h.targets.substr(0, h.targets.find(' '));
  if (target.empty()) target = "-";
  if (h.targets.find(' ') != std::string::npos) target += "+";
  return Printable(target, false, 20) + " / " + Printable(h.author.empty() ? "-" : h.author, false, 20);
}

int RunList(const std::vector<std::string>& args) {
  std::string db, status_name;
  int64_t limit_flag = 0;  // signed, so that a negative --limit is refused, not wrapped
  int64_t after = 0;
  po::options_description desc(
      "Usage: decorum review list --db PATH [options]\n"
      "Lists held comments, oldest first (by seq, the order they were stored: with several\n"
      "worker threads close to, not exactly, input order): a table (seq, stored at, action,\n"
      "score, status, target / author, the first 60 characters of the text), or NDJSON with\n"
      "--json (every field, the decision record included). A target followed by '+' means\n"
      "more than one.\n"
      "\nOptions");
  desc.add_options()
      ("help,h", "show this help")
      ("db", po::value<std::string>(&db), "the quarantine database (required)")
      ("status", po::value<std::string>(&status_name)->default_value("pending"),
       "pending, approved, rejected or all")
      ("limit", po::value<int64_t>(&limit_flag)->default_value(100), "at most this many rows; 0: all")
      ("after", po::value<int64_t>(&after)->default_value(0),
       "only seqs after this one (the next page: the last seq shown)")
      ("json", "NDJSON, one held comment per line");
  Parsed p;
  if (int rc = Parse("list", args, desc, &p); rc != 0) return rc < 0 ? 0 : rc;
  if (!p.positional.empty()) {
    std::cerr << "decorum review list: unexpected argument '" << p.positional[0] << "'\n";
    return 2;
  }
  if (limit_flag < 0) {
    std::cerr << "decorum review list: --limit must be 0 (all) or more, not " << limit_flag << "\n";
    return 2;
  }
  const size_t limit = static_cast<size_t>(limit_flag);
  quarantine::ListQuery query;
  query.limit = limit == 0 ? 0 : limit + 1;  // one more, to tell whether there is a next page
  query.after_seq = after;
  if (status_name != "all") {
    query.status = quarantine::ParseReviewStatus(status_name);
    if (!query.status) {
      std::cerr << "decorum review list: --status must be pending, approved, rejected or all, "
                << "not '" << status_name << "'\n";
      return 2;
    }
  }
  auto store = OpenStore("list", db);
  if (!store) return 1;
  auto rows = store->List(query);
  auto total = store->Count(query.status);
  if (!rows.ok() || !total.ok()) {
    std::cerr << "decorum review list: "
              << (rows.ok() ? total.status() : rows.status()).message() << "\n";
    return 1;
  }
  const bool more = limit > 0 && rows->size() > limit;
  if (more) rows->resize(limit);

  if (p.vm.count("json")) {
    simdjson::dom::parser parser;
    std::string line;
    for (const HeldComment& h : *rows) {
      line = "{";
      AppendHeldJson(&line, h, &parser);
      line += "}\n";
      std::cout << line;
    }
    return 0;
  }
  const std::string which = query.status ? std::string(quarantine::ReviewStatusName(*query.status)) + " " : "";
  if (rows->empty()) {
    std::cout << "no " << which << "held comments" << (after > 0 ? " after seq " + std::to_string(after) : "")
              << " in " << db << "\n";
    return 0;
  }
  size_t seq_width = 3;
  for (const HeldComment& h : *rows) seq_width = std::max(seq_width, std::to_string(h.seq).size());
  std::cout << Pad("SEQ", seq_width) << "  " << Pad("STORED AT", 23) << "  " << Pad("ACTION", 10)
            << "  " << Pad("SCORE", 6) << "  " << Pad("STATUS", 8) << "  "
            << Pad("TARGET / AUTHOR", 30) << "  TEXT\n";
  for (const HeldComment& h : *rows) {
    std::string seq = std::to_string(h.seq);
    std::cout << std::string(seq_width - seq.size(), ' ') << seq << "  "
              << FormatTime(h.stored_at_ms) << "  " << Pad(Printable(h.action, false, 10), 10) << "  "
              << Pad(FormatScore(h.score), 6) << "  "
              << Pad(std::string(quarantine::ReviewStatusName(h.status)), 8) << "  "
              << Pad(TargetAndAuthor(h), 30) << "  " << Printable(h.text, false, 60) << "\n";
  }
  std::cout << "(" << rows->size() << " shown, " << *total << " " << which << "held comment"
            << (*total == 1 ? "" : "s") << " in all";
  if (more) std::cout << "; next page: --after " << rows->back().seq;
  std::cout << ")\n";
  return 0;
}

int RunShow(const std::vector<std::string>& args) {
  std::string db;
  po::options_description desc(
      "Usage: decorum review show SEQ --db PATH [--json]\n"
      "Shows one held comment: its fields, full text, the decision record exactly as the\n"
      "engine wrote it, its latest review and the whole review history, oldest first.\n"
      "\nOptions");
  desc.add_options()
      ("help,h", "show this help")
      ("db", po::value<std::string>(&db), "the quarantine database (required)")
      ("json", "one JSON object, the history included");
  Parsed p;
  if (int rc = Parse("show", args, desc, &p); rc != 0) return rc < 0 ? 0 : rc;
  std::vector<int64_t> seqs;
  if (!ParseSeqs("show", p.positional, &seqs)) return 2;
  if (seqs.size() != 1) {
    std::cerr << "decorum review show: give exactly one SEQ\n";
    return 2;
  }
  auto store = OpenStore("show", db);
  if (!store) return 1;
  auto record = store->Get(seqs[0]);
  if (!record.ok()) {
    std::cerr << "decorum review show: " << record.status().message() << "\n";
    return 1;
  }
  const HeldComment& h = record->comment;

  if (p.vm.count("json")) {
    simdjson::dom::parser parser;
    std::string out = "{";
    AppendHeldJson(&out, h, &parser);
    out += ",\"history\":[";
    for (size_t i = 0; i < record->history.size(); ++i) {
      const auto& e = record->history[i];
      if (i) out += ",";
      out += "{\"status\":";
      AppendJsonString(&out, quarantine::ReviewStatusName(e.status));
      out += ",\"reviewer\":";
      AppendJsonString(&out, e.reviewer);
      out += ",\"note\":";
      AppendJsonString(&out, e.note);
      out += ",\"at_ms\":";
      AppendJsonUint(&out, static_cast<uint64_t>(e.at_ms));
      out += "}";
    }
    out += "]}\n";
    std::cout << out;
    return 0;
  }
  std::string targets = h.targets;
  std::cout << "seq:          " << h.seq << "\n"
            << "comment id:   " << Printable(h.comment_id, false) << "\n"
            << "stored at:    " << FormatTime(h.stored_at_ms) << "\n"
            << "action:       " << Printable(h.action, false) << "\n"
            << "score:        " << FormatScore(h.score) << "\n"
            << "targets:      " << (targets.empty() ? "-" : Printable(targets, false)) << "\n"
            << "author:       " << (h.author.empty() ? "-" : Printable(h.author, false)) << "\n"
            << "thread:       " << (h.thread.empty() ? "-" : Printable(h.thread, false)) << "\n"
            << "ruleset:      " << Printable(h.ruleset, false) << "\n"
            << "status:       " << quarantine::ReviewStatusName(h.status) << "\n";
  if (h.status != ReviewStatus::kPending) {
    std::cout << "reviewer:     " << Printable(h.reviewer, false) << "\n"
              << "note:         " << (h.note.empty() ? "-" : Printable(h.note, false)) << "\n"
              << "reviewed at:  " << FormatTime(h.reviewed_at_ms) << "\n";
  }
  std::cout << "text:\n" << Indent(Printable(h.text, true)) << "\n"
            << "decision:\n" << Indent(Printable(h.decision, true)) << "\n"
            << "history:\n";
  if (record->history.empty()) std::cout << "  (not reviewed yet)\n";
  for (const auto& e : record->history) {
    std::cout << "  " << FormatTime(e.at_ms) << "  " << Pad(std::string(quarantine::ReviewStatusName(e.status)), 8)
              << "  by " << Printable(e.reviewer, false);
    if (!e.note.empty()) std::cout << ": " << Printable(e.note, false);
    std::cout << "\n";
  }
  return 0;
}

int RunVerdict(const std::string& command, ReviewStatus verdict,
               const std::vector<std::string>& args) {
  std::string db, reviewer, note;
  po::options_description desc(
      "Usage: decorum review " + command + " SEQ... --db PATH --reviewer NAME [--note TEXT]\n" +
      (verdict == ReviewStatus::kApproved
           ? "Records that the held comments are acceptable."
           : "Records that the held comments are not acceptable.") +
      " All the SEQs are reviewed together or,\n"
      "if one is unknown, none is. A comment reviewed before gets a new verdict (an appeal);\n"
      "its history keeps every review.\n\nOptions");
  desc.add_options()
      ("help,h", "show this help")
      ("db", po::value<std::string>(&db), "the quarantine database (required)")
      ("reviewer", po::value<std::string>(&reviewer), "who decides, recorded in the history (required)")
      ("note", po::value<std::string>(&note), "why, recorded in the history");
  Parsed p;
  if (int rc = Parse(command, args, desc, &p); rc != 0) return rc < 0 ? 0 : rc;
  if (reviewer.find_first_not_of(" \t\r\n") == std::string::npos) {
    std::cerr << "decorum review " << command << ": --reviewer NAME is required (the history "
              << "records who decided)\n";
    return 2;
  }
  std::vector<int64_t> seqs;
  if (!ParseSeqs(command, p.positional, &seqs)) return 2;
  if (seqs.empty()) {
    std::cerr << "decorum review " << command << ": give at least one SEQ\n";
    return 2;
  }
  auto store = OpenStore(command, db);
  if (!store) return 1;
  auto previous = store->Review(seqs, verdict, reviewer, note);
  if (!previous.ok()) {
    std::cerr << "decorum review " << command << ": " << previous.status().message() << "\n";
    return 1;
  }
  for (size_t i = 0; i < seqs.size(); ++i) {
    std::cout << quarantine::ReviewStatusName(verdict) << " " << seqs[i] << " (was "
              << quarantine::ReviewStatusName((*previous)[i]) << ")\n";
  }
  return 0;
}

}  // namespace

int RunReview(const std::vector<std::string>& args) {
  if (args.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string& command = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << kUsage;
    return 0;
  }
  if (command == "list") return RunList(rest);
  if (command == "show") return RunShow(rest);
  if (command == "approve") return RunVerdict(command, ReviewStatus::kApproved, rest);
  if (command == "reject") return RunVerdict(command, ReviewStatus::kRejected, rest);
  std::cerr << "decorum review: unknown command '" << command << "'\n\n" << kUsage;
  return 2;
}

}  // namespace decorum::cli
