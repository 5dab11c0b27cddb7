// The screen/digit/SOM split of each database (generation.h, CompileSplit) must report
// exactly what the full database reports; the Scanner relies on it to skip start-of-match
// tracking on the comments no regex matches.
#include <gtest/gtest.h>
#include <hs/hs.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "match/byte_gate.h"
#include "match/scanner.h"
#include "normalize/normalizer.h"
#include "testing/rule_fixture.h"

namespace decorum {
namespace {

using Report = std::tuple<unsigned, unsigned long long, unsigned long long>;

int Collect(unsigned id, unsigned long long from, unsigned long long to, unsigned, void* ctx) {
  static_cast<std::vector<Report>*>(ctx)->emplace_back(id, from, to);
  return 0;
}

std::vector<Report> ScanDb(const hs_database* db, const std::string& text) {
  std::vector<Report> out;
  if (!db || text.empty()) return out;
  hs_scratch_t* scratch = nullptr;
  EXPECT_EQ(hs_alloc_scratch(db, &scratch), HS_SUCCESS);
  EXPECT_EQ(hs_scan(db, text.data(), static_cast<unsigned>(text.size()), 0, scratch, Collect, &out),
            HS_SUCCESS);
  hs_free_scratch(scratch);
  std::sort(out.begin(), out.end());
  return out;
}

// What the Scanner makes of a split: the reports of non-SOM expressions by the screen
// (unless the text lacks its gate byte) and, when the text holds a digit, the digit
// database, plus the reports of the SOM group of each SOM expression those saw fire (and
// of no other group).
std::vector<Report> ScanSplit(const Generation& gen, const Generation::Databases& space,
                              const std::string& text) {
  const auto& som_groups = space.som;
  std::vector<Report> screened;
  if (space.screen_gate < 0 || text.find(static_cast<char>(space.screen_gate)) != std::string::npos) {
    screened = ScanDb(space.screen, text);
  }
  if (space.digit && HasAsciiDigit(text.data(), text.size())) {
    for (const Report& r : ScanDb(space.digit, text)) screened.push_back(r);
  }
  std::vector<Report> out;
  std::set<uint32_t> fired_groups;
  for (const Report& r : screened) {
    const PatternRef& ref = gen.refs()[std::get<0>(r)];
    if (ref.som) fired_groups.insert(ref.som_group);
    else out.push_back(r);
  }
  for (uint32_t g : fired_groups) {
    EXPECT_LT(g, som_groups.size());
    if (g >= som_groups.size()) continue;
    for (const Report& r : ScanDb(som_groups[g], text)) out.push_back(r);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Up to 13 of the pieces, mostly split by a space, sometimes run together.
template <size_t N>
std::string RandomText(const char* const (&pieces)[N], std::mt19937* rng) {
  std::string text;
  const int words = static_cast<int>((*rng)() % 14);
  for (int j = 0; j < words; ++j) {
    if (j) text += (*rng)() % 5 ? " " : "";
    text += pieces[(*rng)() % N];
  }
  return text;
}

constexpr char kRules[] = R"(
rules:
  - id: doxxing.phone
    category: doxxing
    score: 4
    match:
      regex: ['\b\d{3} ?\d{3} ?\d{4}\b', '\b(44 ?|0)7\d{3} ?\d{6}\b']
  - id: threat.hope
    category: threat
    score: 5
    match:
      phrases: [hope she dies]
      regex: ['\bhope (that )?[a-z@]+( [a-z]+)? (gets?|will get) (hurt|killed)\b']
    unless:
      regex: ['\b\d+ (hour|hours|day|days)\b']
  - id: insult.idiot
    category: insult
    score: 2
    match: {words: [idiot, 'moron*', kill, ass]}
  - id: doxxing.email
    category: doxxing
    score: 3
    raw: true
    match:
      regex: ['[a-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}']
)";

TEST(ScannerSplitTest, SplitReportsWhatTheFullDatabaseReports) {
  auto gen = test::CompileYaml(kRules);
  ASSERT_NE(gen, nullptr);
  ASSERT_NE(gen->normalized().screen, nullptr);
  // Each of the three normalized match regexes (two phone, one hope) in a group of its
  // own; the duration regex is an unless regex, in threat.hope's unless group, which is
  // split the same way: a screen, and the group's full database as its one SOM group.
  EXPECT_EQ(gen->normalized().som.size(), 3u);
  ASSERT_EQ(gen->normalized().unless.size(), 1u);
  const Generation::Databases& unless = gen->normalized().unless[0];
  ASSERT_NE(unless.full, nullptr);
  EXPECT_NE(unless.screen, nullptr);
  EXPECT_EQ(unless.som, std::vector<hs_database*>{unless.full});
  EXPECT_TRUE(gen->raw().unless.empty());
  ASSERT_NE(gen->raw().screen, nullptr);
  // Every raw expression tracks SOM: the full raw database doubles as the one SOM group.
  ASSERT_EQ(gen->raw().som.size(), 1u);
  EXPECT_EQ(gen->raw().som[0], gen->raw().full);
  // The e-mail regex needs an '@' (and a '.'): texts without one skip the raw screen. The
  // normalized screen holds words, which claim nothing.
  EXPECT_EQ(gen->raw().screen_gate, '@');
  EXPECT_EQ(gen->normalized().screen_gate, -1);
  // The phone regexes need a digit; the raw database has only the e-mail
  // regex, which does not (and nothing would be left for its screen if it did).
  ASSERT_NE(gen->normalized().digit, nullptr);
  EXPECT_EQ(gen->raw().digit, nullptr);

  const std::string texts[] = {
      "",
      "what a lovely cha-cha",
      "call her at (212) 555-0134 you idiot",
      "212 555 0134 212 555 01345 07700 900123",
      "I hope that Delvey gets hurt, hope she dies, 2 hours later",
      "hope hope hope x gets killed gets killed",
      "email anna.sorokin@example.com or BOOKINGS@Example.org, moronic ass",
      "@handle only, no address; a@b c@d.e f@g.hi",
      "k i l l  i d i o t \xD1\x96" "d" "\xD1\x96\xD0\xBE" "t \xE2\x80\x8B" "ass",
      std::string("id\x80iot 555\xFF" "555 5555", 19),
  };
  Normalizer normalizer;
  NormalizedText n;
  for (const std::string& text : texts) {
    SCOPED_TRACE(text);
    normalizer.Normalize(text, &n);
    EXPECT_EQ(ScanSplit(*gen, gen->normalized(), n.text), ScanDb(gen->normalized().full, n.text));
    EXPECT_EQ(ScanSplit(*gen, gen->raw(), text), ScanDb(gen->raw().full, text));
    EXPECT_EQ(ScanSplit(*gen, unless, n.text), ScanDb(unless.full, n.text));
  }
}

// The same over generated texts mixing the regexes' matches and near misses with digits
// in every role: phone numbers, addresses, durations, digits inside words and none.
TEST(ScannerSplitTest, SplitReportsWhatTheFullDatabaseReportsOnGeneratedTexts) {
  auto gen = test::CompileYaml(kRules);
  ASSERT_NE(gen, nullptr);
  static const char* const kPieces[] = {
      "call", "212", "555", "0134", "07700", "900123", "44", "7", "2", "hours", "days",
      "hope", "that", "delvey", "gets", "hurt", "killed", "idiot", "moron", "kill", "ass",
      "a@b.co", "anna.s@example.com", "@handle", "h8", "1d10t", "l0ser", "x", "(212)", "-",
  };
  std::mt19937 rng(5);
  Normalizer normalizer;
  NormalizedText n;
  for (int iter = 0; iter < 3000; ++iter) {
    const std::string text = RandomText(kPieces, &rng);
    SCOPED_TRACE(text);
    normalizer.Normalize(text, &n);
    ASSERT_EQ(ScanSplit(*gen, gen->normalized(), n.text), ScanDb(gen->normalized().full, n.text));
    ASSERT_EQ(ScanSplit(*gen, gen->raw(), text), ScanDb(gen->raw().full, text));
    ASSERT_EQ(ScanSplit(*gen, gen->normalized().unless[0], n.text), ScanDb(gen->normalized().unless[0].full, n.text));
  }
}

// The Normalizer says when the text holds no digit (NormalizedText::may_have_digit) and
// the Scanner then skips the digit database without looking. Scanning with the flag as
// the Normalizer set it must find what scanning with it forced on finds.
TEST(ScannerSplitTest, TheNormalizersNoDigitFlagHidesNoMatch) {
  auto gen = test::CompileYaml(kRules);
  ASSERT_NE(gen, nullptr);
  ASSERT_NE(gen->normalized().digit, nullptr);
  static const char* const kPieces[] = {
      "call", "212", "555", "0134", "07700", "900123", "44", "7", "2", "6", "hours", "hope",
      "gets", "hurt", "idiot", "h8", "1d10t", "l0ser", "b26", "x", "(212)", "-", "\xC3\xA9",
      "c a l l", "1 d 1 o t", "5 5 5 0 1 3 4", "212 555 0134", "(212) 555-0134",
  };
  std::mt19937 rng(13);
  Scanner scanner(gen);
  Normalizer normalizer;
  NormalizedText n;
  std::vector<Match> as_set, forced;
  int without_digit = 0, with_digit_match = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    const std::string text = RandomText(kPieces, &rng);
    SCOPED_TRACE(text);
    normalizer.Normalize(text, &n);
    without_digit += !n.may_have_digit;
    ASSERT_TRUE(scanner.Scan(n, text, &as_set).ok());
    n.may_have_digit = true;
    ASSERT_TRUE(scanner.Scan(n, text, &forced).ok());
    ASSERT_EQ(as_set.size(), forced.size());
    for (size_t i = 0; i < forced.size(); ++i) {
      EXPECT_EQ(std::tie(as_set[i].id, as_set[i].from, as_set[i].to),
                std::tie(forced[i].id, forced[i].from, forced[i].to));
    }
    with_digit_match += std::any_of(forced.begin(), forced.end(), [&](const Match& m) {
      const PatternRef& ref = gen->refs()[m.id];
      return ref.kind == PatternRef::Kind::kMatch && gen->rules().rules[ref.index].id == "doxxing.phone";
    });
  }
  // Both sides were exercised: texts the flag skipped, and phone numbers (the digit
  // database's) found.
  EXPECT_GT(without_digit, 300) << "of 3000";
  EXPECT_GT(with_digit_match, 300) << "of 3000";
}

TEST(ScannerSplitTest, RegexSpansStartWhereTheRegexMatched) {
  auto gen = test::CompileYaml(kRules);
  ASSERT_NE(gen, nullptr);
  test::TextModerator m(gen);
  const std::string text = "yo call 212 555 0134 or mail anna.s@example.com, idiot";
  const Decision d = m.Moderate(text);
  std::vector<std::string> phone, email;
  for (const Hit& h : m.HitsOf(d, "doxxing.phone")) phone.push_back(test::Cut(text, h.span));
  for (const Hit& h : m.HitsOf(d, "doxxing.email")) email.push_back(test::Cut(text, h.span));
  EXPECT_EQ(phone, std::vector<std::string>{"212 555 0134"});
  EXPECT_EQ(email, std::vector<std::string>{"anna.s@example.com"});
}

// More regexes than Generation::kMaxSomGroups: consecutive ones share a group, every group
// is used, and the split still reports exactly what the full database does.
TEST(ScannerSplitTest, ManyRegexesShareSomGroups) {
  constexpr int kRegexes = 70;
  auto word = [](int i) { return std::string("q") + char('a' + i / 26) + char('a' + i % 26); };
  std::string yaml = "rules:\n  - id: threat.many\n    category: threat\n    score: 5\n"
                     "    match:\n      words: [idiot]\n      regex:\n";
  for (int i = 0; i < kRegexes; ++i) yaml += "        - '\\b" + word(i) + " (her|him) [a-z]+ now\\b'\n";
  auto gen = test::CompileYaml(yaml);
  ASSERT_NE(gen, nullptr);
  const auto& groups = gen->normalized().som;
  // 70 regexes, 3 a group: 24 groups.
  ASSERT_LE(groups.size(), Generation::kMaxSomGroups);
  ASSERT_GT(groups.size(), 1u);
  std::set<uint32_t> used;
  for (const PatternRef& ref : gen->refs()) {
    if (ref.som) used.insert(ref.som_group);
  }
  EXPECT_EQ(used.size(), groups.size());

  std::mt19937 rng(7);
  Normalizer normalizer;
  NormalizedText n;
  const char* const kFill[] = {"her", "him", "idiot", "now", "go", "x"};
  for (int iter = 0; iter < 500; ++iter) {
    std::string text;
    for (int j = 0, words = static_cast<int>(rng() % 12); j < words; ++j) {
      if (j) text += ' ';
      text += rng() % 3 ? kFill[rng() % 6] : word(static_cast<int>(rng() % kRegexes));
    }
    SCOPED_TRACE(text);
    normalizer.Normalize(text, &n);
    ASSERT_EQ(ScanSplit(*gen, gen->normalized(), n.text), ScanDb(gen->normalized().full, n.text));
  }
}

// The Scanner rescans a fired SOM group only up to two bytes past the last end the screen
// reported (scanner.cc). Its regex matches must still be the full database's, start and
// end — with regexes ending in \b, \B, $ and nothing, matches early, late and at the end
// of texts that go on after them. 'ba\B' fails if the rescan stops at the last end (its
// \B reads the byte there), 'z away$|away' if it stops one byte past it: on "z away\nok"
// that would put a newline last and let $ pull the start of "away" back to "z"; 'o$|bye'
// if the ends past the last one were kept: on "bye ok" the rescan of "bye o" ends in 'o'.
TEST(ScannerSplitTest, ShortenedSomRescansFindTheFullDatabasesStarts) {
  auto gen = test::CompileYaml(R"(
rules:
  - id: threat.hope
    category: threat
    score: 5
    match:
      words: [idiot]
      regex: ['\bhope (that )?[a-z]+( [a-z]+)? gets (hurt|killed)\b', 'go+ away$', 'bad+ [a-z]+',
              'ba\B']
  - id: doxxing.email
    category: doxxing
    score: 3
    raw: true
    match:
      regex: ['[a-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}', 'bye[!.]*$', 'z away$|away',
              'o$|bye']
)");
  ASSERT_NE(gen, nullptr);
  ASSERT_FALSE(gen->normalized().som.empty());
  static const char* const kPieces[] = {
      "hope", "that", "delvey", "gets", "hurt", "killed", "go", "goo", "away", "bad", "baddd",
      "idiot", "anna.s@example.com", "a@b.co", "bye", "bye!", "ok", "\n", "now", "z", "away\n",
  };
  std::mt19937 rng(11);
  Scanner scanner(gen);
  Normalizer normalizer;
  NormalizedText n;
  std::vector<Match> got;
  for (int iter = 0; iter < 3000; ++iter) {
    std::string text;
    for (int j = 0, words = static_cast<int>(rng() % 12); j < words; ++j) {
      if (j) text += ' ';
      text += kPieces[rng() % (sizeof(kPieces) / sizeof(kPieces[0]))];
    }
    SCOPED_TRACE(text);
    normalizer.Normalize(text, &n);
    ASSERT_TRUE(scanner.Scan(n, text, &got).ok());
    // The regexes' reports of the full databases, merged per expression as the Scanner
    // merges overlapping ones.
    std::vector<Report> want;
    for (const auto& [db, scanned] : {std::pair{gen->normalized().full, n.text}, std::pair{gen->raw().full, text}}) {
      for (const Report& r : ScanDb(db, scanned)) {
        if (gen->refs()[std::get<0>(r)].som) want.push_back(r);
      }
    }
    std::sort(want.begin(), want.end());
    std::vector<Report> merged;
    for (const Report& r : want) {
      if (!merged.empty() && std::get<0>(merged.back()) == std::get<0>(r) &&
          std::get<1>(r) < std::get<2>(merged.back())) {
        std::get<2>(merged.back()) = std::max(std::get<2>(merged.back()), std::get<2>(r));
      } else {
        merged.push_back(r);
      }
    }
    std::vector<Report> have;
    for (const Match& m : got) {
      if (gen->refs()[m.id].som) have.emplace_back(m.id, m.from, m.to);
    }
    ASSERT_EQ(have, merged);
  }
}

// A rule set without regexes has nothing to split: the Scanner uses the full database.
TEST(ScannerSplitTest, NoSplitWithoutRegexes) {
  auto gen = test::CompileYaml(R"(
rules:
  - id: insult.idiot
    category: insult
    score: 2
    match: {words: [idiot]}
)");
  ASSERT_NE(gen, nullptr);
  EXPECT_EQ(gen->normalized().screen, nullptr);
  EXPECT_TRUE(gen->normalized().som.empty());
  EXPECT_EQ(gen->raw().full, nullptr);
}

}  // namespace
}  // namespace decorum
