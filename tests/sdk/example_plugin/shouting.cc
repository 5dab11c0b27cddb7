// shouting: an example scorer written against the installed SDK — comments that are
// mostly capital letters get a small score and the label "shouting". It shows the whole
// surface a third-party plugin needs: one class, decorum/plugin.hpp, one export line.
#include <stdexcept>
#include <string>

#include "decorum/plugin.hpp"

namespace {

class Shouting {
 public:
  static constexpr const char* kName = "shouting";
  static constexpr const char* kVersion = "1.0.0";
  static constexpr uint32_t kCapabilities = DECORUM_CAP_SCORE;

  explicit Shouting(const decorum::sdk::CreateArgs& args) {
    if (args.config_json != "{}") throw std::invalid_argument("shouting: takes no config");
  }

  void Score(const decorum_score_input& in, decorum::sdk::ScoreOutput& out) {
    int letters = 0, upper = 0;
    for (char c : decorum::sdk::View(in.comment->text)) {
      if (c >= 'A' && c <= 'Z') ++upper, ++letters;
      else if (c >= 'a' && c <= 'z') ++letters;
    }
    if (letters < 10 || upper * 10 < letters * 8) return;
    out.AddDelta(1);
    out.AddLabel("shouting");
    out.SetReason(std::to_string(upper * 100 / letters) + "% capital letters");
  }
};

}  // namespace

DECORUM_PLUGIN_EXPORT(Shouting)
