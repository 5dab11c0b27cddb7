// Word boundaries around literals (words, phrases, names, handles). The expressions are
// bare literals and the Scanner checks the boundaries itself (pattern_compiler.h,
// PatternRef::word_start / word_end); what a rule author sees must be exactly what a
// `\b` before and after the literal gave: Hyperscan's \b without UCP, a change between
// [A-Za-z0-9_] and anything else, the scanned buffer's ends counting as non-word.
#include <gtest/gtest.h>
#include <hs/hs.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "match/pattern_compiler.h"
#include "match/scanner.h"
#include "normalize/normalizer.h"
#include "testing/rule_fixture.h"

namespace decorum {
namespace {

using test::CompileYaml;
using test::Cut;

constexpr char kRules[] = R"(
targets:
  - id: anna-delvey
    name: Anna Delvey
    handles: ["@annadelvey"]
rules:
  - id: insult.idiot
    category: insult
    score: 2
    match: {words: [idiot]}
  - id: insult.loser
    category: insult
    score: 2
    match: {words: [loser]}
  - id: insult.con-artist
    category: insult
    score: 3
    match: {phrases: [con artist]}
  - id: insult.prefix
    category: insult
    score: 1
    match: {words: ['moron*']}
)";

class WordBoundaryTest : public test::RuleSetTest {
 protected:
  void SetUp() override { Use(kRules); }

  // The original text of the watchlist mention in `text`, or "" when there is none.
  std::string MentionOf(const std::string& text) {
    const Decision d = m_->Moderate(text);
    if (d.targets.empty()) return "";
    return Cut(text, d.targets[0].span);
  }
};

using Strings = std::vector<std::string>;

TEST_F(WordBoundaryTest, LiteralInsideALongerWordDoesNotHit) {
  for (const std::string text : {"idiots", "myidiot", "xidiotx", "an idiom", "idiotic", "lo ser", "losers",
                                 "conartists", "a con artistry", "icon artist", "moro"}) {
    EXPECT_TRUE(MatchesOf(text, "insult.idiot").empty()) << text;
    EXPECT_TRUE(MatchesOf(text, "insult.loser").empty()) << text;
    EXPECT_TRUE(MatchesOf(text, "insult.con-artist").empty()) << text;
    EXPECT_TRUE(MatchesOf(text, "insult.prefix").empty()) << text;
  }
}

TEST_F(WordBoundaryTest, StartAndEndOfTextAreBoundaries) {
  EXPECT_EQ(MatchesOf("idiot", "insult.idiot"), Strings{"idiot"});
  EXPECT_EQ(MatchesOf("idiot you are", "insult.idiot"), Strings{"idiot"});
  EXPECT_EQ(MatchesOf("you are an idiot", "insult.idiot"), Strings{"idiot"});
  EXPECT_EQ(MatchesOf("...idiot!!!", "insult.idiot"), Strings{"idiot"});
  EXPECT_EQ(MatchesOf("con artist", "insult.con-artist"), Strings{"con artist"});
  EXPECT_EQ(MatchesOf("conartist", "insult.con-artist"), Strings{"conartist"});
}

TEST_F(WordBoundaryTest, SpacesAndSeparatorsAreBoundaries) {
  EXPECT_EQ(MatchesOf("an idiot here", "insult.idiot"), Strings{"idiot"});
  EXPECT_EQ(MatchesOf("an_idiot_here", "insult.idiot"), Strings{"idiot"});  // '_' is a separator
  EXPECT_EQ(MatchesOf("(idiot)", "insult.idiot"), Strings{"idiot"});
  EXPECT_EQ(MatchesOf("idiot idiot", "insult.idiot"), (Strings{"idiot", "idiot"}));
  EXPECT_EQ(MatchesOf("what a con artist, really", "insult.con-artist"), Strings{"con artist"});
}

// '@' and a non-ASCII byte are not word bytes for \b (no UCP), so, as with \b, a literal
// right after or before them stands at a boundary even though the normalizer keeps them
// inside the same word.
TEST_F(WordBoundaryTest, AtSignAndNonAsciiBytesAreBoundariesAsForBackslashB) {
  EXPECT_EQ(MatchesOf("@idiot", "insult.idiot"), Strings{"idiot"});
  EXPECT_EQ(MatchesOf("\xE6\x97\xA5idiot", "insult.idiot"), Strings{"idiot"});  // 日idiot
  EXPECT_EQ(MatchesOf("idiot\xE6\x97\xA5", "insult.idiot"), Strings{"idiot"});
  EXPECT_EQ(MatchesOf("\xE6\x97\xA5moronic", "insult.prefix"), Strings{"moronic"});
  EXPECT_EQ(MatchesOf("@con artist", "insult.con-artist"), Strings{"con artist"});
}

TEST_F(WordBoundaryTest, PrefixWordsNeedABoundaryOnlyBefore) {
  EXPECT_EQ(MatchesOf("moron", "insult.prefix"), Strings{"moron"});
  EXPECT_EQ(MatchesOf("so moronic!", "insult.prefix"), Strings{"moronic"});
  EXPECT_EQ(MatchesOf("morons and moron", "insult.prefix"), (Strings{"morons", "moron"}));
  EXPECT_TRUE(MatchesOf("oxymoron", "insult.prefix").empty());
  EXPECT_TRUE(MatchesOf("oxymoronic", "insult.prefix").empty());
}

// A joined spaced-out word is scanned again without its first one to three letters
// (scanner.cc). Each rescan is its own buffer: its start counts as a boundary, as it did
// for \b, so the 'a' glued before "l o s e r" does not hide it; but the literal must
// still begin exactly where a rescan begins and end at a boundary.
TEST_F(WordBoundaryTest, JoinedWordRescansUseTheirOwnBounds) {
  EXPECT_EQ(MatchesOf("such a l o s e r", "insult.loser"), Strings{"l o s e r"});
  EXPECT_EQ(MatchesOf("such a b c l o s e r", "insult.loser"), Strings{"l o s e r"});
  EXPECT_EQ(MatchesOf("a i d i o t!", "insult.idiot"), Strings{"i d i o t"});
  // Four glued letters: no rescan starts at the 'l'.
  EXPECT_TRUE(MatchesOf("x y z w l o s e r", "insult.loser").empty());
  // The rescan ends where the joined word ends: a letter after "loser" in it still counts.
  EXPECT_TRUE(MatchesOf("a l o s e r s", "insult.loser").empty());
  // The whole joined word is not a boundary-free zone either.
  EXPECT_TRUE(MatchesOf("a b l o s e r x", "insult.loser").empty());
}

TEST_F(WordBoundaryTest, HandlesAndNames) {
  EXPECT_EQ(MentionOf("hi @annadelvey!"), "@annadelvey");
  EXPECT_EQ(MentionOf("@AnnaDelvey"), "@AnnaDelvey");
  EXPECT_EQ(MentionOf("@annadelvey_fan"), "@annadelvey");  // '_' is a separator
  EXPECT_EQ(MentionOf("@annadelveyfan"), "");
  EXPECT_EQ(MentionOf("Anna Delvey again"), "Anna Delvey");
  EXPECT_EQ(MentionOf("AnnaDelvey again"), "AnnaDelvey");
  EXPECT_EQ(MentionOf("xanna delvey"), "");
  // The possessive without its apostrophe is a mention; any longer word is not.
  EXPECT_EQ(MentionOf("anna delveys"), "anna delveys");
  EXPECT_EQ(MentionOf("Delveys a parasite"), "");  // "Delvey" is no name or alias here
  EXPECT_EQ(MentionOf("anna delveysx"), "");
}

// Literals whose first or last letter is non-ASCII (pattern_compiler.h, wide_start /
// wide_end): in a script written with spaces a non-ASCII letter next to them continues
// the word, as an ASCII one does next to an ASCII literal; in one written without spaces
// (Han) there is no boundary to find. An ASCII edge keeps \b's meaning (non-ASCII bytes
// are boundaries there: "idiot" is still found glued to a Cyrillic letter).
constexpr char kNonAsciiRules[] = R"(
targets:
  - id: ivan
    name: Иван Петров
    aliases: [Иван]
rules:
  - id: w.cyr
    category: insult
    score: 2
    match: {words: [жаба, дурак, скот]}
  - id: w.ar
    category: insult
    score: 2
    match: {words: [حمار]}
  - id: w.cyr-prefix
    category: insult
    score: 2
    match: {words: ['жаб*']}
  - id: w.han
    category: insult
    score: 2
    match: {words: [笨蛋]}
  - id: insult.idiot
    category: insult
    score: 2
    match: {words: [idiot]}
)";

class NonAsciiBoundaryTest : public test::RuleSetTest {
 protected:
  void SetUp() override { Use(kNonAsciiRules); }
};

TEST_F(NonAsciiBoundaryTest, SpacedScriptLettersContinueTheWord) {
  EXPECT_EQ(MatchesOf("ты жаба", "w.cyr"), (Strings{"жаба"}));
  EXPECT_EQ(MatchesOf("«жаба»!", "w.cyr"), (Strings{"жаба"}));
  // Inside a longer word: no hit from the whole word; the prefix word spans all of it.
  EXPECT_TRUE(MatchesOf("жабами", "w.cyr").empty());
  EXPECT_EQ(MatchesOf("жабами", "w.cyr-prefix"), (Strings{"жабами"}));
  EXPECT_TRUE(MatchesOf("ропожаба", "w.cyr").empty());
  // Its edge letters fold to ASCII (дурак -> "дypak"); it is still a Cyrillic word.
  EXPECT_EQ(MatchesOf("ты дурак", "w.cyr"), (Strings{"дурак"}));
  EXPECT_TRUE(MatchesOf("дураки", "w.cyr").empty());
  EXPECT_TRUE(MatchesOf("придурак", "w.cyr").empty());
  // Every letter folds to a Latin look-alike (скот -> "ckot"): still a Cyrillic word.
  EXPECT_EQ(MatchesOf("ты скот", "w.cyr"), (Strings{"скот"}));
  EXPECT_TRUE(MatchesOf("скотч", "w.cyr").empty());
  EXPECT_TRUE(MatchesOf("xжаба", "w.cyr").empty());
  const Decision named = m_->Moderate("Иван idiot");
  ASSERT_EQ(named.targets.size(), 1u);
  EXPECT_TRUE(m_->Moderate("Иванов idiot").targets.empty());  // another surname
  EXPECT_TRUE(m_->Moderate("Иванxyz idiot").targets.empty());
}

TEST_F(NonAsciiBoundaryTest, UnspacedScriptsHaveNoBoundary) {
  EXPECT_EQ(MatchesOf("你是笨蛋", "w.han"), (Strings{"笨蛋"}));
  EXPECT_EQ(MatchesOf("笨蛋吗", "w.han"), (Strings{"笨蛋"}));
}

// Arabic (and Hebrew) attach the article and conjunctions to the word: a boundary would
// let "الحمار" (the donkey) and "ياحمار" escape a rule on حمار.
TEST_F(NonAsciiBoundaryTest, AttachedArticlesAreNoBoundary) {
  EXPECT_EQ(MatchesOf("انت حمار", "w.ar"), (Strings{"حمار"}));
  EXPECT_EQ(MatchesOf("انت الحمار", "w.ar"), (Strings{"حمار"}));
  EXPECT_EQ(MatchesOf("ياحمار", "w.ar"), (Strings{"حمار"}));
}

TEST_F(NonAsciiBoundaryTest, AsciiEdgesKeepBackslashBMeaning) {
  EXPECT_EQ(MatchesOf("idiotж", "insult.idiot"), (Strings{"idiot"}));
  EXPECT_EQ(MatchesOf("жidiot", "insult.idiot"), (Strings{"idiot"}));
}

// ---------------------------------------------------------------------------------------
// Differential: the Scanner's matches equal those of the old translation, every literal
// compiled with \b before it (when its first byte is a word byte) and after it (when its
// last is, and it is not a prefix word), over random texts that stress boundaries: a
// tiny alphabet, so literals occur inside words, next to '@', '_', non-ASCII bytes, at
// the ends of texts and of the joined-word rescans.

using Report = std::tuple<uint32_t, uint32_t, uint32_t>;  // id, from, to

int Collect(unsigned id, unsigned long long from, unsigned long long to, unsigned, void* ctx) {
  static_cast<std::vector<Report>*>(ctx)->emplace_back(id, static_cast<uint32_t>(from),
                                                       static_cast<uint32_t>(to));
  return 0;
}

// The generation's expressions, rebuilt in its id order (generation.cc: per target its
// name and alias each followed by the joined variant, then its handles; per rule each
// match then unless pattern followed by its joined variant, but the unless regexes,
// which follow all that, rule by rule), the way the old pattern compiler wrote them.
struct Reference {
  std::vector<std::string> expressions;
  std::vector<unsigned> flags;
  hs_database_t* db = nullptr;
  hs_scratch_t* scratch = nullptr;
  ~Reference() {
    hs_free_scratch(scratch);
    hs_free_database(db);
  }
  void Add(const CompiledPattern& p) {
    std::string e = p.expression;
    if (p.literal_length) e = (p.word_start ? "\\b" : "") + e + (p.word_end ? "\\b" : "");
    expressions.push_back(e);
    flags.push_back(p.flags);
  }
};

void BuildReference(const RuleSet& set, Reference* ref) {
  PatternCompiler c;
  auto add_phrase = [&](const std::string& text, bool target) {
    ref->Add(target ? c.TargetName(text).value() : c.WordOrPhrase(text).value());
    const std::string joined = c.JoinedVariant(text);
    if (!joined.empty()) ref->Add(target ? c.TargetName(joined).value() : c.WordOrPhrase(joined).value());
    const std::string possessive = PatternCompiler::PossessiveVariant(text);
    if (target && !possessive.empty()) ref->Add(c.TargetName(possessive).value());
  };
  for (const Target& t : set.targets) {
    add_phrase(t.name, true);
    for (const auto& a : t.aliases) add_phrase(a, true);
    for (const auto& h : t.handles) ref->Add(c.TargetHandle(h).value());
  }
  for (const Rule& r : set.rules) {
    for (const auto* patterns : {&r.match, &r.unless}) {
      for (const PatternSpec& p : *patterns) {
        if (p.kind != PatternSpec::Kind::kRegex) {
          add_phrase(p.text, false);
        } else if (patterns == &r.match) {
          ref->Add(c.Regex(p.text, false).value());
        }
      }
    }
  }
  for (const Rule& r : set.rules) {
    for (const PatternSpec& p : r.unless) {
      if (p.kind == PatternSpec::Kind::kRegex) ref->Add(c.Regex(p.text, false).value());
    }
  }
  std::vector<const char*> exprs;
  std::vector<unsigned> ids;
  for (size_t i = 0; i < ref->expressions.size(); ++i) {
    exprs.push_back(ref->expressions[i].c_str());
    ids.push_back(static_cast<unsigned>(i));
  }
  hs_compile_error_t* err = nullptr;
  ASSERT_EQ(hs_compile_multi(exprs.data(), ref->flags.data(), ids.data(), static_cast<unsigned>(exprs.size()),
                             HS_MODE_BLOCK, nullptr, &ref->db, &err),
            HS_SUCCESS)
      << (err ? err->message : "");
  ASSERT_EQ(hs_alloc_scratch(ref->db, &ref->scratch), HS_SUCCESS);
}

// The matches a decision depends on: every match and target match, and the unless
// matches of the rules that have a match among them. (The Scanner also reports the
// unless matches of a rule whose match was reported but then failed its run
// requirements, which cannot cancel anything.)
std::vector<Match> KeepDecidingMatches(const Generation& gen, const std::vector<Match>& matches) {
  std::set<uint32_t> matched_rules;
  for (const Match& m : matches) {
    if (gen.refs()[m.id].kind == PatternRef::Kind::kMatch) matched_rules.insert(gen.refs()[m.id].index);
  }
  std::vector<Match> out;
  for (const Match& m : matches) {
    const PatternRef& r = gen.refs()[m.id];
    if (r.kind != PatternRef::Kind::kUnless || matched_rules.count(r.index)) out.push_back(m);
  }
  return out;
}

// What the Scanner did before boundaries moved out of the expressions: scan the text and
// each joined-word rescan with \b expressions, then resolve spans the Scanner's way.
std::vector<Match> ReferenceScan(const Generation& gen, const Reference& ref, const NormalizedText& n) {
  std::vector<Report> reports;
  auto scan = [&](uint32_t b, uint32_t e) {
    std::vector<Report> part;
    hs_scan(ref.db, n.text.data() + b, e - b, 0, ref.scratch, Collect, &part);
    for (auto& [id, from, to] : part) reports.emplace_back(id, from + b, to + b);
  };
  if (!n.text.empty()) scan(0, static_cast<uint32_t>(n.text.size()));
  for (const auto& [b, e] : n.joined) {
    for (uint32_t skip = 1; skip <= 3 && e - b >= skip + 3; ++skip) scan(b + skip, e);
  }
  std::vector<Match> out;
  for (auto [id, from, to] : reports) {
    const PatternRef& r = gen.refs()[id];
    if (r.literal_length) from = to - r.literal_length;
    if (r.prefix) {
      while (to < n.text.size() && ((n.text[to] >= 'a' && n.text[to] <= 'z') || (n.text[to] >= '0' && n.text[to] <= '9'))) {
        ++to;
      }
    }
    bool runs_ok = from + r.runs_size <= n.runs.size();
    for (uint32_t j = 0; runs_ok && j < r.runs_size; ++j) {
      const uint8_t have = n.runs[from + j], need = gen.run_requirements()[r.runs_offset + j];
      runs_ok = r.exact_runs ? have == need : have >= need;
    }
    if (runs_ok) out.push_back({id, from, to});
  }
  // Unless patterns count only for rules that matched; the Scanner reports theirs only
  // for those (and perhaps a few more: see KeepDecidingMatches).
  out = KeepDecidingMatches(gen, out);
  std::sort(out.begin(), out.end(), [](const Match& a, const Match& b) {
    return std::tie(a.id, a.from, a.to) < std::tie(b.id, b.from, b.to);
  });
  std::vector<Match> merged;
  for (const Match& m : out) {
    if (!merged.empty() && merged.back().id == m.id && m.from < merged.back().to) {
      merged.back().to = std::max(merged.back().to, m.to);
    } else {
      merged.push_back(m);
    }
  }
  return merged;
}

std::string RandomText(std::mt19937& rng) {
  static const char* const kPieces[] = {
      "a", "b", "c", "ab", "ba", "abc", "bb", "cab", " ", " ", " ", "  ", ". ", "@", "_", "1",
      "A", "B", "\xE6\x97\xA5" /* 日 */, "\xC3\xA9" /* é */, "\xF0\x9F\x98\x80" /* emoji */, "\n", "-",
      // spaced-out letters, which the normalizer joins and the Scanner rescans
      "a b ", "c a ", "b a b ", " c b a", "a.b.", "b c "};
  constexpr size_t kCount = sizeof(kPieces) / sizeof(kPieces[0]);
  std::string text;
  const int pieces = std::uniform_int_distribution<int>(1, 16)(rng);
  for (int i = 0; i < pieces; ++i) text += kPieces[std::uniform_int_distribution<size_t>(0, kCount - 1)(rng)];
  return text;
}

void ExpectSameAsBackslashB(const std::string& yaml) {
  auto gen = CompileYaml(yaml);
  ASSERT_NE(gen, nullptr);
  Reference ref;
  BuildReference(gen->rules(), &ref);
  ASSERT_EQ(ref.expressions.size(), gen->raw_id_base()) << "the reference lost the generation's id order";
  Scanner scanner(gen);
  Normalizer normalizer;
  NormalizedText n;
  std::vector<Match> got;
  std::mt19937 rng(20261122);
  size_t matched = 0, rescanned = 0;
  for (int i = 0; i < 30000; ++i) {
    const std::string text = RandomText(rng);
    normalizer.Normalize(text, &n);
    ASSERT_TRUE(scanner.Scan(n, text, &got).ok());
    got = KeepDecidingMatches(*gen, got);
    const std::vector<Match> want = ReferenceScan(*gen, ref, n);
    ASSERT_EQ(got.size(), want.size()) << "text '" << text << "' normalized '" << n.text << "'";
    for (size_t k = 0; k < got.size(); ++k) {
      ASSERT_EQ(std::tie(got[k].id, got[k].from, got[k].to), std::tie(want[k].id, want[k].from, want[k].to))
          << "text '" << text << "' normalized '" << n.text << "'";
    }
    matched += !got.empty();
    rescanned += !n.joined.empty();
  }
  // The random texts must exercise what they are meant to.
  EXPECT_GT(matched, 10000u);
  EXPECT_GT(rescanned, 1000u);
}

constexpr char kTinyAlphabetRules[] = R"(
targets:
  - id: t
    name: Ca Bab
    aliases: [bac]
    handles: ["@ab", "@cbb"]
rules:
  - id: w
    category: insult
    score: 1
    match: {words: [ab, ba, b, abc, abb, cab, c]}
  - id: p
    category: insult
    score: 1
    match: {words: ['ab*', 'c*'], phrases: [a b, c ab, ab ba c]}
    unless: {phrases: [b c]}
)";

TEST(WordBoundaryDifferentialTest, SameMatchesAsBackslashBExpressions) {
  ExpectSameAsBackslashB(kTinyAlphabetRules);
}

// With a regex in the set the Scanner scans the screen database (and, when the regex
// fired, the SOM one): the boundary checks must hold there too.
TEST(WordBoundaryDifferentialTest, SameMatchesThroughTheScreenDatabase) {
  std::string yaml = kTinyAlphabetRules;
  yaml += R"(
  - id: r
    category: insult
    score: 1
    match: {regex: ['\bc[ab]+\b', 'a@?b']}
)";
  ExpectSameAsBackslashB(yaml);
}

}  // namespace
}  // namespace decorum
