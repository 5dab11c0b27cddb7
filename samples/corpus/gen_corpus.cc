// decorum-gen-corpus: writes a synthetic, deterministic comment stream (NDJSON, SPEC §4)
// for benchmarks, load tests and rule audits.
//
//   decorum-gen-corpus --count N [--seed S] [--out FILE] [--stats]
//
// The shape follows the DWTS season-33 story in /samples: comments about the watchlist
// people, ~30% hostile (a third of those evasive: leet, spaced letters, homoglyphs,
// zero-width characters, fullwidth forms, stretched letters), ~10% with non-ASCII text,
// a median text of ~90 bytes with a long tail to a few KB, authors drawn from a skewed
// pool, threads that follow the broadcast schedule, timestamps that always increase, and
// occasional pile-on bursts where most comments go after one person.
//
// Determinism: the same --count and --seed give byte-identical output on every platform.
// Hence a PRNG written out here (xoshiro256** seeded by splitmix64) and integer-only
// arithmetic: std:: distributions are implementation-defined, and floating point would
// invite FMA-contraction differences between compilers and CPUs.
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace {

// ---------------------------------------------------------------------------------------
// Random numbers

uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// xoshiro256** 1.0 (Blackman & Vigna, public domain reference algorithm).
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (auto& word : s_) word = SplitMix64(&seed);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n), n <= 2^32. Multiply-shift on the high 32 bits (Lemire): the bias is
  // below 2^-32 * n, irrelevant here, and it needs no 128-bit type.
  uint32_t Below(uint64_t n) { return static_cast<uint32_t>(((Next() >> 32) * n) >> 32); }
  // True with probability per_mille / 1000.
  bool Chance(uint32_t per_mille) { return Below(1000) < per_mille; }
  // Uniform in [lo, hi].
  uint32_t Between(uint32_t lo, uint32_t hi) { return lo + Below(uint64_t{hi} - lo + 1); }

  template <typename T, size_t N>
  const T& Pick(const T (&table)[N]) {
    return table[Below(N)];
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// ---------------------------------------------------------------------------------------
// Vocabulary. Templates use {T} target, {O} another person, {D} dance, {A} praise,
// {C} criticism, {I} the hostile keyword (the part an evasive author disguises),
// {N} a small number, {S} a street name, {P} a fictional 555 phone number.

using sv = std::string_view;

// Watchlist people as commenters write them (rules/watchlist/dwts.yaml). "Anna" alone is
// not an alias; it is here because people write it, and the engine should not see a target.
constexpr sv kDelvey[] = {"Anna Delvey", "Delvey", "Delvey", "Anna Sorokin", "Sorokin",
                          "@theannadelvey", "the fake heiress", "Anna", "DELVEY"};
constexpr sv kEzra[] = {"Ezra", "Ezra", "Ezra Sosa", "Sosa", "@ezrasosa"};
constexpr sv kOthers[] = {"Maks", "Maks Chmerkovskiy", "Chmerkovskiy", "Julianne Hough",
                          "Julianne", "Tori Spelling", "Reginald VelJohnson", "Ilona Maher",
                          "Ilona", "Phaedra Parks", "Phaedra", "Jenn Tran", "Julia Garner",
                          "@Himi_Mishra"};
// People who are not on the watchlist.
constexpr sv kUnlisted[] = {"Alfonso", "Carrie Ann", "Derek", "Bruno", "Danny", "Chandler",
                            "Stephen", "Dwight", "Joey", "Brooks", "Eric", "Sasha",
                            "Rylee", "Gleb", "Daniella", "the judges", "the producers"};

constexpr sv kDances[] = {"cha-cha", "tango", "foxtrot", "rumba", "paso doble", "jive",
                          "quickstep", "salsa", "samba", "waltz", "Viennese waltz",
                          "Charleston", "contemporary", "jazz", "Argentine tango"};
constexpr sv kPraise[] = {"stunning", "gorgeous", "so clean", "electric", "breathtaking",
                          "sick", "unreal", "iconic", "flawless", "pure joy", "insane",
                          "a masterclass", "chef's kiss"};
constexpr sv kCriticism[] = {"stiff", "sloppy", "a bit flat", "under-rehearsed", "messy",
                             "forgettable", "off the beat", "low energy", "awkward"};

constexpr sv kNeutral[] = {
    "{T} absolutely killed that {D}!",
    "The {D} tonight was {A}.",
    "{T} and {O} have such great chemistry.",
    "I've watched the {D} five times already.",
    "Scores were way too harsh tonight.",
    "Who else thinks {T} deserved a higher score?",
    "{T} murdered that routine",
    "this dance is sick",
    "the lifts in that {D} were {A}",
    "{T}'s footwork was {C}, but the {D} had potential.",
    "Honestly the {D} was {C}. Still rooting for {T}.",
    "I don't think {T} should have been cast, but let them dance.",
    "Vote {T} out next week, the {D} was {C}.",
    "Justice for Ezra!!!!!! He needs the best partner next season.",
    "Yall really robbed Ezra for his first season.",
    "No one deserves the amount of hate she's getting right now. She deserves a second chance.",
    "Hoping everyone gives Anna some grace.",
    "{O} was robbed of a 9 tonight.",
    "Can we talk about {O}'s costume?? {A}",
    "{T} is a national treasure",
    "the cha-cha killed it",
    "{T} is an animal on the dance floor",
    "Week {N} and I'm already emotional",
    "Team {T} all the way",
    "{O} deserved better, that {D} was {A}",
    "Scunthorpe United won and {T} danced a {D}, what a night",
    "Dick Van Dyke was great on the show years ago",
    "I live in Sussex and we get the show a week late",
    "the assassin in the movie was {T}'s best role",
    "a classic routine, nothing fancy",
    "Pussycat Dolls night when??",
    "made shiitake risotto for the watch party",
    "{T} is going to kill her freestyle next week",
    "I hope nobody gets hurt doing those lifts",
    "I could just die, that lift was perfect",
    "lock in, it's {D} night",
    "first time watching since season {N}",
    "{T} handled that with so much class",
};

// Long comments are made of these after the first sentence.
constexpr sv kFiller[] = {
    "I've been watching since the very first season and I can't remember a cast this stacked.",
    "The judges have been inconsistent all night, and the live audience could tell.",
    "Whatever you think of the casting, the pros work insanely hard behind the scenes.",
    "The band was incredible tonight, honestly the unsung heroes of the show.",
    "My whole family votes every week, we have a group chat just for this.",
    "People forget these celebrities have weeks, not years, to learn all of this.",
    "The camera work during the {D} made it really hard to see the footwork.",
    "I do think the show knew exactly what it was doing with this cast.",
    "Controversy brings ratings, and ratings keep the show on the air.",
    "Anyway, {T} was the highlight of my week and I'm not ashamed to say it.",
    "The costumes this season are a huge step up from last year.",
    "I rewatched the {D} with the sound off and it still worked.",
};

constexpr sv kNonAscii[] = {
    "¡Qué baile tan increíble! 💃",
    "Ezra, eres el mejor 🔥🔥",
    "Quelle performance magnifique, bravo {T} !",
    "Sie hat eine zweite Chance verdient.",
    "Que dança linda, Ezra! 😍",
    "Анна, ты молодец!",
    "Эзра лучший танцор сезона 💪",
    "素晴らしいダンスでした！",
    "정말 멋진 무대였어요 💕",
    "这个舞跳得太好了！",
    "🔥🔥🔥",
    "💃🕺👏👏👏",
    "😭❤️ protect {T}",
    "Beyoncé-level performance from {T} ✨",
    "the café scene in the {D} was très chic",
    "naïve of the producers, but {T} looked great 👀",
    "Ezra sei un angelo ❤️",
    "Justicia para Ezra 🙏",
};

constexpr sv kInsults[] = {"idiot", "moron", "loser", "scammer", "fraud", "con artist",
                           "liar", "grifter", "thief", "crook", "bitch", "clown",
                           "disgrace", "waste of space", "piece of garbage", "dumbass"};

struct HostileKind {
  uint32_t weight;         // share among hostile comments, per mille
  const sv* templates;
  size_t count;
  const sv* keywords;      // what {I} expands to
  size_t keyword_count;
  bool about_ezra;         // {T} is Ezra rather than mostly Delvey
};

constexpr sv kInsultT[] = {
    "{T} is a {I}", "{T} is such a {I}", "what a {I}. {T} should be ashamed",
    "{T} you {I}", "{I}!!! {T} needs to go", "honestly {T} is a {I} and everyone knows it",
    "can't believe they cast a {I} like {T}", "{T} = {I}", "{T} is a {I}, always will be"};
constexpr sv kUntargetedT[] = {"you're an {I} if you vote for her",
                               "whoever cast this season is a {I}",
                               "the guy next to me is a total {I}",
                               "what a total {I}, honestly"};
constexpr sv kExclusionT[] = {"lock her up", "{T} belongs in prison", "deport her, {T} has to go",
                              "{T} should rot in jail"};
constexpr sv kProfanityT[] = {"this show is so {I}", "the scoring tonight was {I}",
                              "what a {I} elimination", "{I}, {T} got robbed"};
constexpr sv kProfanityK[] = {"fucking rigged", "bullshit", "shitty", "crappy", "fucked up"};
constexpr sv kThreatT[] = {"someone should {I}", "i hope {T} gets hurt",
                           "{T} i will {I}", "{T} watch your back",
                           "hope she gets hurt in rehearsal {T}"};
constexpr sv kThreatK[] = {"shoot her", "kill you", "kill her", "stab her"};
constexpr sv kSelfHarmT[] = {"{I} {T}", "{T} {I}", "{T} just {I} already",
                             "nobody would miss you {T}"};
constexpr sv kSelfHarmK[] = {"kys", "kill yourself", "go die", "kys"};
constexpr sv kIdentityT[] = {"{T} is a {I}", "of course the {I} defends her",
                             "go back to mexico {T}", "{T} the {I} strikes again"};
constexpr sv kIdentityK[] = {"fag", "faggot", "homo", "fag"};
constexpr sv kDehumanT[] = {"people like {T} are {I}", "{T} and her fans are {I}",
                            "{T}'s fans are {I}"};
constexpr sv kDehumanK[] = {"parasites", "vermin", "subhuman", "cockroaches"};
constexpr sv kSexualT[] = {"{T} {I}", "{T} would look better bent over",
                           "{T} {I} lol"};
constexpr sv kSexualK[] = {"send nudes", "show us your tits"};
constexpr sv kDoxxT[] = {"{T} lives at {N}{N} {S} St", "call her at {P}",
                         "i know where she lives, {T}", "her address is {N}{N}{N} {S} Avenue"};
constexpr sv kDoxxK[] = {"dox"};

constexpr HostileKind kHostile[] = {
    {450, kInsultT, std::size(kInsultT), kInsults, std::size(kInsults), false},
    {80, kInsultT, std::size(kInsultT), kInsults, std::size(kInsults), true},
    {120, kUntargetedT, std::size(kUntargetedT), kInsults, std::size(kInsults), false},
    {70, kExclusionT, std::size(kExclusionT), kInsults, std::size(kInsults), false},
    {80, kProfanityT, std::size(kProfanityT), kProfanityK, std::size(kProfanityK), false},
    {50, kThreatT, std::size(kThreatT), kThreatK, std::size(kThreatK), false},
    {40, kSelfHarmT, std::size(kSelfHarmT), kSelfHarmK, std::size(kSelfHarmK), false},
    {40, kIdentityT, std::size(kIdentityT), kIdentityK, std::size(kIdentityK), true},
    {30, kDehumanT, std::size(kDehumanT), kDehumanK, std::size(kDehumanK), false},
    {20, kSexualT, std::size(kSexualT), kSexualK, std::size(kSexualK), false},
    {20, kDoxxT, std::size(kDoxxT), kDoxxK, std::size(kDoxxK), false},
};

constexpr sv kStreets[] = {"Main", "Oak", "Maple", "Elm", "Sunset", "Park", "Lake",
                           "Hill", "Washington", "Cedar"};

// Threads: the episode of the week (by event time) most of the time, else a side post.
constexpr sv kSideThreads[] = {
    "tiktok-ezrasosa-2024-09-23", "instagram-dwts-official", "tmz-podcast-maks-2024-09-23",
    "reddit-dancingwiththestars", "youtube-dwts-highlights", "instagram-theannadelvey",
    "x-dwts-live", "abc-dwts-recap", "tiktok-dwts-rehearsals", "reddit-bravorealhousewives"};

// Syllables for the author pool; names are generated once from the seed.
constexpr sv kNameA[] = {"ballroom", "mirrorball", "cha_cha", "tango", "sequin", "glitter",
                         "couch", "jive", "rumba", "samba", "paso", "waltz", "spin", "judge",
                         "dance", "tv", "popcorn", "velvet", "latin", "quickstep", "truecrime",
                         "fan", "anon", "real", "burner", "night", "team", "grandma"};
constexpr sv kNameB[] = {"mom", "dad", "queen", "king", "lover", "stan", "watcher", "fan",
                         "critic", "addict", "girlie", "guy", "nerd", "junkie", "bff", "talk",
                         "life", "vibes", "club", "army"};

// ---------------------------------------------------------------------------------------
// Evasions: how authors disguise the hostile keyword. Each returns the disguised bytes.

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Cyrillic look-alikes of Latin letters, 0 where there is none.
uint32_t Homoglyph(char c) {
  switch (c) {
    case 'a': return 0x0430;
    case 'c': return 0x0441;
    case 'e': return 0x0435;
    case 'i': return 0x0456;
    case 'o': return 0x043E;
    case 'p': return 0x0440;
    case 's': return 0x0455;
    case 'x': return 0x0445;
    case 'y': return 0x0443;
    default: return 0;
  }
}

char Leet(char c) {
  switch (c) {
    case 'a': return '4';
    case 'e': return '3';
    case 'i': return '1';
    case 'o': return '0';
    case 's': return '$';
    case 't': return '7';
    default: return c;
  }
}

enum class Evasion { kLeet, kSpaced, kDotted, kHomoglyph, kZeroWidth, kFullwidth, kStretch };
constexpr Evasion kEvasions[] = {Evasion::kLeet,      Evasion::kLeet,      Evasion::kSpaced,
                                 Evasion::kDotted,    Evasion::kHomoglyph, Evasion::kZeroWidth,
                                 Evasion::kFullwidth, Evasion::kStretch};

void AppendEvaded(sv word, Evasion how, Rng& rng, std::string* out) {
  switch (how) {
    case Evasion::kLeet:
      for (char c : word) out->push_back(rng.Chance(700) ? Leet(c) : c);
      return;
    case Evasion::kSpaced:
    case Evasion::kDotted: {
      const char sep = how == Evasion::kSpaced ? ' ' : '.';
      bool first = true;
      for (char c : word) {
        if (c == ' ') continue;
        if (!first) out->push_back(sep);
        out->push_back(c);
        first = false;
      }
      return;
    }
    case Evasion::kHomoglyph:
      for (char c : word) {
        const uint32_t cp = Homoglyph(c);
        if (cp != 0 && rng.Chance(600)) AppendUtf8(cp, out); else out->push_back(c);
      }
      return;
    case Evasion::kZeroWidth:
      for (size_t i = 0; i < word.size(); ++i) {
        out->push_back(word[i]);
        if (i + 1 < word.size() && word[i] != ' ' && word[i + 1] != ' ')
          AppendUtf8(rng.Chance(500) ? 0x200B : 0x200D, out);
      }
      return;
    case Evasion::kFullwidth:
      for (char c : word) {
        if (c >= 'a' && c <= 'z') AppendUtf8(0xFF41 + (c - 'a'), out);
        else if (c == ' ') AppendUtf8(0x3000, out);
        else out->push_back(c);
      }
      return;
    case Evasion::kStretch:
      for (char c : word) {
        out->push_back(c);
        if ((c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u') && rng.Chance(600))
          out->append(rng.Between(1, 5), c);
      }
      return;
  }
}

// ---------------------------------------------------------------------------------------
// Comment generation

struct Options {
  uint64_t count = 1000;
  uint64_t seed = 33;
  std::string out_path;  // empty: stdout
  bool stats = false;    // print the realized distribution to stderr
};

// The realized distribution, so a benchmark report can state what it ran on. Counting
// never touches the PRNG: the output is the same with and without --stats.
struct CorpusStats {
  static constexpr size_t kMaxLen = 1 << 16;  // longer texts share the last bucket
  std::vector<uint64_t> text_len = std::vector<uint64_t>(kMaxLen + 1);
  uint64_t comments = 0;
  uint64_t text_bytes = 0;
  uint64_t line_bytes = 0;
  uint64_t non_ascii = 0;  // texts with any byte >= 0x80
  uint64_t emoji = 0;      // texts with a code point in U+1F000.. or U+2600..27BF
  uint64_t hostile = 0;
  uint64_t evasive = 0;    // hostile comments whose keyword is disguised
  // Texts where a person slot named a watchlist person: a lower bound, since a few
  // templates name one literally ("Justice for Ezra").
  uint64_t watched = 0;
  uint64_t in_burst = 0;   // comments inside a pile-on burst

  // The smallest length L such that at least `per_mille` of the texts are <= L bytes.
  uint64_t LengthQuantile(uint32_t per_mille) const {
    const uint64_t want = (comments * per_mille + 999) / 1000;
    uint64_t seen = 0;
    for (size_t len = 0; len < text_len.size(); ++len) {
      seen += text_len[len];
      if (seen >= want && seen > 0) return len;
    }
    return kMaxLen;
  }
  uint64_t MaxLength() const {
    for (size_t len = text_len.size(); len-- > 0;) {
      if (text_len[len] != 0) return len;
    }
    return 0;
  }
};

bool HasEmoji(sv text) {
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    // U+1F000..U+1FFFF: F0 9F xx xx. U+2600..U+27BF (symbols, dingbats): E2 98..9E xx.
    if (c == 0xF0 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x9F)
      return true;
    if (c == 0xE2 && i + 1 < text.size()) {
      const auto d = static_cast<unsigned char>(text[i + 1]);
      if (d >= 0x98 && d <= 0x9E) return true;
    }
  }
  return false;
}

class Generator {
 public:
  explicit Generator(const Options& opt) : rng_(opt.seed), count_(opt.count) {
    // ~8 days of comments (2024-09-17 to 2024-09-25) whatever the count.
    constexpr uint64_t kSpanMs = 8ull * 24 * 3600 * 1000;
    mean_step_ms_ = count_ == 0 ? 1 : kSpanMs / count_;
    // Author pool: a few thousand handles for small runs, up to 200k for large ones.
    uint64_t pool = count_ / 20;
    if (pool < 2000) pool = 2000;
    if (pool > 200000) pool = 200000;
    authors_.reserve(pool);
    std::string name;
    for (uint64_t i = 0; i < pool; ++i) {
      name.clear();
      name += rng_.Pick(kNameA);
      name += rng_.Chance(500) ? "_" : "";
      name += rng_.Pick(kNameB);
      char digits[24];
      auto r = std::to_chars(digits, digits + sizeof digits, i % 997 + rng_.Below(90));
      name.append(digits, r.ptr);
      authors_.push_back(name);
    }
  }

  // Appends one NDJSON line for comment number `index` (0-based) to *out.
  void AppendComment(uint64_t index, std::string* out) {
    AdvanceClock();
    text_.clear();
    ComposeText();

    out->append("{\"id\":\"c");
    AppendNumber(index + 1, out);
    out->append("\",\"author\":\"");
    // Product of two uniforms: a few prolific authors, a long tail of occasional ones.
    const uint64_t n = authors_.size();
    const uint64_t a = (uint64_t{rng_.Below(n)} * rng_.Below(n)) / n;
    out->append(authors_[a]);
    out->append("\",\"ts\":");
    AppendNumber(ts_ms_, out);
    out->append(",\"thread\":\"");
    out->append(Thread());
    out->append("\",\"text\":\"");
    AppendJsonEscaped(text_, out);
    out->append("\"}\n");
  }

  // Counts the comment last appended, whose line is the last `line_bytes` of the output.
  void CountLast(size_t line_bytes, CorpusStats* stats) const {
    ++stats->comments;
    stats->text_bytes += text_.size();
    stats->line_bytes += line_bytes;
    ++stats->text_len[std::min(text_.size(), CorpusStats::kMaxLen)];
    if (std::any_of(text_.begin(), text_.end(), [](char c) { return c & 0x80; })) {
      ++stats->non_ascii;
      if (HasEmoji(text_)) ++stats->emoji;
    }
    stats->hostile += last_hostile_;
    stats->evasive += last_evasive_;
    stats->watched += last_watched_;
    stats->in_burst += last_in_burst_;
  }

 private:
  static constexpr uint64_t kStartMs = 1726531200000ull;  // 2024-09-17T00:00:00Z
  static constexpr uint64_t kEpisode2Ms = 1727222400000ull;  // 2024-09-25T00:00:00Z

  void AdvanceClock() {
    if (ts_ms_ == 0) ts_ms_ = kStartMs;
    // Strictly increasing; in a burst, comments arrive ten times faster.
    const uint64_t mean = burst_left_ > 0 ? mean_step_ms_ / 10 : mean_step_ms_;
    ts_ms_ += 1 + (mean == 0 ? 0 : rng_.Below(2 * mean));
  }

  sv Thread() {
    if (rng_.Chance(550)) return ts_ms_ < kEpisode2Ms ? "dwts-s33e01" : "dwts-s33e02";
    return rng_.Pick(kSideThreads);
  }

  void ComposeText() {
    // Pile-on bursts: now and then, the next 30-120 comments are mostly hostility aimed at
    // Delvey (what the pile_on plugin is meant to see).
    if (burst_left_ == 0 && rng_.Below(20000) == 0) burst_left_ = rng_.Between(30, 120);
    bool in_burst = false;
    if (burst_left_ > 0) {
      --burst_left_;
      in_burst = true;
    }
    const bool hostile = in_burst ? rng_.Chance(800) : rng_.Chance(290);
    last_hostile_ = hostile;
    last_evasive_ = false;
    last_watched_ = false;
    last_in_burst_ = in_burst;
    // Length: most comments are one short sentence; the tail reaches a few KB.
    const uint32_t roll = rng_.Below(1000);
    uint32_t sentences = roll < 400   ? 1
                         : roll < 730 ? 2
                         : roll < 910 ? rng_.Between(3, 5)
                         : roll < 980 ? rng_.Between(6, 14)
                                      : rng_.Between(20, 60);
    const uint32_t hostile_at = hostile ? rng_.Below(sentences < 3 ? sentences : 3) : ~0u;
    for (uint32_t s = 0; s < sentences; ++s) {
      if (s > 0) {
        EndSentence();
        text_ += (s % 7 == 0) ? "\n\n" : " ";
      }
      if (s == hostile_at) {
        AppendHostile(in_burst);
      } else if (s == 0 || rng_.Chance(300)) {
        Expand(rng_.Pick(kNeutral), nullptr, sv{}, false);
      } else {
        Expand(rng_.Pick(kFiller), nullptr, sv{}, false);
      }
    }
    // Non-ASCII: together with homoglyph/fullwidth/zero-width evasions, ~10% of comments.
    if (rng_.Chance(75)) {
      EndSentence();
      text_ += ' ';
      Expand(rng_.Pick(kNonAscii), nullptr, sv{}, false);
    }
  }

  // Templates carry no final full stop so they can be used alone; between sentences,
  // add one unless the previous sentence already ends in punctuation or an emoji.
  void EndSentence() {
    const char last = text_.empty() ? '.' : text_.back();
    if ((last >= 'a' && last <= 'z') || (last >= 'A' && last <= 'Z') ||
        (last >= '0' && last <= '9'))
      text_ += '.';
  }

  void AppendHostile(bool in_burst) {
    const HostileKind* kind = &kHostile[0];
    if (!in_burst) {
      uint32_t r = rng_.Below(1000);
      for (const auto& k : kHostile) {
        if (r < k.weight) { kind = &k; break; }
        r -= k.weight;
      }
    }
    const sv tmpl = kind->templates[rng_.Below(kind->count)];
    const sv keyword = kind->keywords[rng_.Below(kind->keyword_count)];
    const bool evasive = rng_.Chance(333);
    const sv* target = nullptr;
    if (in_burst) {
      target = &rng_.Pick(kDelvey);
    } else if (kind->about_ezra) {
      target = &rng_.Pick(kEzra);
    }
    Expand(tmpl, target, keyword, evasive);
  }

  sv PickTarget() {
    const uint32_t r = rng_.Below(100);
    if (r < 45) return rng_.Pick(kDelvey);
    if (r < 60) return rng_.Pick(kEzra);
    if (r < 85) return rng_.Pick(kOthers);
    return rng_.Pick(kUnlisted);
  }

  // Expands a template into text_. `target` fixes {T} (else a random person);
  // `keyword` is {I}, disguised when `evasive`.
  void Expand(sv tmpl, const sv* target, sv keyword, bool evasive) {
    for (size_t i = 0; i < tmpl.size(); ++i) {
      if (tmpl[i] != '{' || i + 2 >= tmpl.size() || tmpl[i + 2] != '}') {
        text_ += tmpl[i];
        continue;
      }
      const char slot = tmpl[i + 1];
      i += 2;
      switch (slot) {
        case 'T': {
          const sv person = target ? *target : PickTarget();
          last_watched_ |= IsWatched(person);
          text_ += person;
          break;
        }
        case 'O': {
          const bool listed = rng_.Chance(500);
          last_watched_ |= listed;
          text_ += listed ? rng_.Pick(kOthers) : rng_.Pick(kUnlisted);
          break;
        }
        case 'D': text_ += rng_.Pick(kDances); break;
        case 'A': text_ += rng_.Pick(kPraise); break;
        case 'C': text_ += rng_.Pick(kCriticism); break;
        case 'S': text_ += rng_.Pick(kStreets); break;
        case 'N': AppendNumber(rng_.Between(1, 9), &text_); break;
        case 'P':
          text_ += "(";
          AppendNumber(rng_.Between(201, 989), &text_);
          text_ += ") 555-01";
          AppendNumber(rng_.Between(10, 99), &text_);
          break;
        case 'I':
          last_evasive_ |= evasive;
          if (evasive) AppendEvaded(keyword, rng_.Pick(kEvasions), rng_, &text_);
          else text_ += keyword;
          break;
        default: text_ += '{'; text_ += slot; text_ += '}'; break;
      }
    }
  }

  // Whether a {T} expansion names a watchlist person ("Anna" alone is not an alias).
  static bool IsWatched(sv person) {
    if (person == "Anna") return false;
    return std::find(std::begin(kDelvey), std::end(kDelvey), person) != std::end(kDelvey) ||
           std::find(std::begin(kEzra), std::end(kEzra), person) != std::end(kEzra) ||
           std::find(std::begin(kOthers), std::end(kOthers), person) != std::end(kOthers);
  }

  static void AppendNumber(uint64_t v, std::string* out) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out->append(buf, r.ptr);
  }

  static void AppendJsonEscaped(sv s, std::string* out) {
    static constexpr char kHex[] = "0123456789abcdef";
    for (char ch : s) {
      const auto c = static_cast<unsigned char>(ch);
      if (c == '"' || c == '\\') {
        out->push_back('\\');
        out->push_back(ch);
      } else if (c == '\n') {
        out->append("\\n");
      } else if (c < 0x20) {
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 0xF]);
      } else {
        out->push_back(ch);
      }
    }
  }

  Rng rng_;
  uint64_t count_;
  uint64_t mean_step_ms_ = 1;
  uint64_t ts_ms_ = 0;
  uint32_t burst_left_ = 0;
  std::vector<std::string> authors_;
  std::string text_;
  // What the last comment was, for --stats.
  bool last_hostile_ = false;
  bool last_evasive_ = false;
  bool last_watched_ = false;
  bool last_in_burst_ = false;
};

// ---------------------------------------------------------------------------------------
// Command line

constexpr char kUsage[] =
    "usage: decorum-gen-corpus --count N [--seed S] [--out FILE] [--stats]\n"
    "\n"
    "Writes N synthetic comments as NDJSON (one {id, author, ts, thread, text} object a\n"
    "line) for benchmarking and auditing decorum. The output depends only on N and S: the\n"
    "same arguments give byte-identical output on every machine.\n"
    "\n"
    "  --count N   number of comments (default 1000)\n"
    "  --seed S    PRNG seed, an unsigned 64-bit integer (default 33)\n"
    "  --out FILE  write to FILE instead of standard output\n"
    "  --stats     print the realized distribution (text bytes median/p99, % non-ASCII,\n"
    "              % hostile, ...) and the generation time to standard error\n"
    "  --help      show this help\n"
    "\n"
    "About 30% of comments are hostile (a third of those disguised with leet, spacing,\n"
    "homoglyphs, zero-width or fullwidth characters), ~10% contain non-ASCII text, the\n"
    "median text is ~90 bytes with a tail to a few KB, and timestamps increase over\n"
    "2024-09-17..25 with occasional pile-on bursts.\n";

bool ParseU64(sv text, uint64_t* value) {
  if (text.empty()) return false;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), *value);
  return r.ec == std::errc() && r.ptr == text.data() + text.size();
}

// Returns 0 on success, else the exit code, having printed a message.
int ParseArgs(int argc, char** argv, Options* opt, bool* help) {
  for (int i = 1; i < argc; ++i) {
    const sv arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      *help = true;
      return 0;
    }
    if (arg == "--stats") {
      opt->stats = true;
      continue;
    }
    sv name = arg, value;
    bool has_inline = false;
    if (const size_t eq = arg.find('='); arg.starts_with("--") && eq != sv::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      has_inline = true;
    }
    if (name != "--count" && name != "--seed" && name != "--out") {
      std::fprintf(stderr, "decorum-gen-corpus: unknown argument '%s'\n%s", argv[i], kUsage);
      return 2;
    }
    if (!has_inline) {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "decorum-gen-corpus: %s needs a value\n", argv[i]);
        return 2;
      }
      value = argv[++i];
    }
    if (name == "--out") {
      opt->out_path = std::string(value);
    } else if (!ParseU64(value, name == "--count" ? &opt->count : &opt->seed)) {
      std::fprintf(stderr, "decorum-gen-corpus: %.*s wants an unsigned integer, got '%.*s'\n",
                   static_cast<int>(name.size()), name.data(), static_cast<int>(value.size()),
                   value.data());
      return 2;
    }
  }
  return 0;
}

void PrintStats(const CorpusStats& s, double seconds) {
  const double n = s.comments == 0 ? 1.0 : static_cast<double>(s.comments);
  const double hostile = s.hostile == 0 ? 1.0 : static_cast<double>(s.hostile);
  std::fprintf(stderr,
               "decorum-gen-corpus: %llu comments, %.1f MB in %.2f s (%.0f comments/s)\n"
               "  text bytes: median %llu, mean %.0f, p90 %llu, p99 %llu, max %llu\n"
               "  non-ASCII %.1f%% (with emoji %.1f%%), hostile %.1f%% (evasive %.1f%% of "
               "hostile), naming a watched person %.1f%%, in pile-on bursts %.2f%%\n",
               static_cast<unsigned long long>(s.comments), static_cast<double>(s.line_bytes) / 1e6,
               seconds, seconds > 0 ? n / seconds : 0.0,
               static_cast<unsigned long long>(s.LengthQuantile(500)),
               static_cast<double>(s.text_bytes) / n,
               static_cast<unsigned long long>(s.LengthQuantile(900)),
               static_cast<unsigned long long>(s.LengthQuantile(990)),
               static_cast<unsigned long long>(s.MaxLength()), 100.0 * s.non_ascii / n,
               100.0 * s.emoji / n, 100.0 * s.hostile / n, 100.0 * s.evasive / hostile,
               100.0 * s.watched / n, 100.0 * s.in_burst / n);
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  bool help = false;
  if (int rc = ParseArgs(argc, argv, &opt, &help); rc != 0) return rc;
  if (help) {
    std::fputs(kUsage, stdout);
    return 0;
  }

  std::FILE* out = stdout;
  if (!opt.out_path.empty()) {
    out = std::fopen(opt.out_path.c_str(), "wb");
    if (out == nullptr) {
      std::fprintf(stderr, "decorum-gen-corpus: cannot open '%s': %s\n", opt.out_path.c_str(),
                   std::strerror(errno));
      return 1;
    }
  }

  // Lines are assembled in one buffer and written in ~1 MiB chunks: at 10M comments the
  // cost of per-line stdio calls would dominate.
  constexpr size_t kFlushAt = 1 << 20;
  std::string buffer;
  buffer.reserve(kFlushAt + 64 * 1024);
  const auto started = std::chrono::steady_clock::now();
  Generator gen(opt);
  CorpusStats stats;
  bool ok = true;
  for (uint64_t i = 0; i < opt.count && ok; ++i) {
    const size_t before = buffer.size();
    gen.AppendComment(i, &buffer);
    if (opt.stats) gen.CountLast(buffer.size() - before, &stats);
    if (buffer.size() >= kFlushAt) {
      ok = std::fwrite(buffer.data(), 1, buffer.size(), out) == buffer.size();
      buffer.clear();
    }
  }
  if (ok && !buffer.empty()) ok = std::fwrite(buffer.data(), 1, buffer.size(), out) == buffer.size();
  if (ok) ok = std::fflush(out) == 0;
  if (out != stdout && std::fclose(out) != 0) ok = false;
  if (!ok) {
    std::fprintf(stderr, "decorum-gen-corpus: write failed: %s\n", std::strerror(errno));
    return 1;
  }
  if (opt.stats) PrintStats(stats, std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                                                  started).count());
  return 0;
}
