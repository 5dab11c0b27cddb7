// decorum/plugin.hpp — a thin, header-only C++17 layer over decorum/plugin.h.
//
// It adds nothing to the contract: it fills the C descriptor from a class and makes sure
// no exception crosses the boundary (each one becomes DECORUM_ERROR with its what() as
// last_error). Write a plugin as
//
//   class MyPlugin {
//    public:
//     static constexpr const char* kName = "my_plugin";
//     static constexpr const char* kVersion = "1.0.0";
//     static constexpr uint32_t kCapabilities = DECORUM_CAP_SCORE;
//     // optional: static constexpr decorum_action kActMinAction = DECORUM_ACTION_QUARANTINE;
//     // optional: static constexpr bool kScoreOnlyWithHits = true;
//     explicit MyPlugin(const decorum::sdk::CreateArgs& args);   // throw on bad config
//     void Score(const decorum_score_input& in, decorum::sdk::ScoreOutput& out);  // CAP_SCORE
//     void OnDecision(const decorum_decision& d);                                 // CAP_ACT
//     void Flush();                                                       // optional
//   };
//   DECORUM_PLUGIN_EXPORT(MyPlugin)
//
// The thread rules of plugin.h apply to these member functions unchanged.
#ifndef DECORUM_PLUGIN_HPP_
#define DECORUM_PLUGIN_HPP_

#include <cstddef>
#include <cstring>
#include <exception>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "decorum/plugin.h"

namespace decorum::sdk {

inline std::string_view View(decorum_str s) {
  return s.len ? std::string_view(s.data, s.len) : std::string_view();
}

// The configuration a plugin instance is created with.
struct CreateArgs {
  std::string_view config_json;    // a JSON object
  std::string_view instance_name;  // the `name:` in the engine's configuration
};

// Fills a decorum_score_result; text longer than the engine's buffer is cut on a UTF-8
// character boundary.
class ScoreOutput {
 public:
  explicit ScoreOutput(decorum_score_result* r) : r_(r) {}

  void AddDelta(double d) { r_->delta += d; }
  void RaiseFloor(decorum_action a) {
    if (a > r_->action_floor) r_->action_floor = a;
  }
  void LowerCeiling(decorum_action a) {
    if (a < r_->action_ceiling) r_->action_ceiling = a;
  }
  void SetReason(std::string_view text) {
    r_->reason_len = Copy(text, r_->reason, r_->reason_capacity);
  }
  void AddLabel(std::string_view label) {
    size_t len = r_->labels_len;
    if (len && len < r_->labels_capacity) r_->labels[len++] = '\n';
    if (len >= r_->labels_capacity) return;
    r_->labels_len = len + Copy(label, r_->labels + len, r_->labels_capacity - len);
  }
  const decorum_score_result& result() const { return *r_; }

 private:
  static size_t Copy(std::string_view text, char* buf, size_t cap) {
    size_t n = text.size() < cap ? text.size() : cap;
    if (n < text.size()) {  // do not cut a multi-byte character in half
      while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
    }
    if (n) std::memcpy(buf, text.data(), n);
    return n;
  }
  decorum_score_result* r_;
};

namespace detail {

// The last error message of this thread. A plain char array, not a std::string: a
// thread_local with a destructor may already be destroyed when a late call arrives
// during thread exit (the engine may drop its last reference to an instance from another
// thread_local's destructor, and destroy() flushes), and writing to it then corrupts the
// heap.
constexpr size_t kLastErrorCapacity = 1024;
inline char* LastErrorBuffer() {
  thread_local char message[kLastErrorCapacity] = {0};
  return message;
}
inline void SetLastError(const char* text) noexcept {
  char* buf = LastErrorBuffer();
  size_t n = std::strlen(text);
  if (n >= kLastErrorCapacity) {
    n = kLastErrorCapacity - 1;
    while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;  // whole chars
  }
  std::memcpy(buf, text, n);
  buf[n] = '\0';
}

// Runs f(), turning any exception into DECORUM_ERROR with its message kept for
// last_error().
template <typename F>
decorum_status Guard(F&& f) noexcept {
  try {
    f();
    return DECORUM_OK;
  } catch (const std::exception& e) {
    SetLastError(e.what());
  } catch (...) {
    SetLastError("unknown exception");
  }
  return DECORUM_ERROR;
}

template <typename T, typename = void>
struct HasFlush : std::false_type {};
template <typename T>
struct HasFlush<T, std::void_t<decltype(std::declval<T&>().Flush())>> : std::true_type {};

template <typename T, typename = void>
struct ActMin {
  static constexpr decorum_action value = DECORUM_ACTION_ALLOW;
};
template <typename T>
struct ActMin<T, std::void_t<decltype(T::kActMinAction)>> {
  static constexpr decorum_action value = T::kActMinAction;
};

template <typename T, typename = void>
struct OnlyWithHits : std::false_type {};
template <typename T>
struct OnlyWithHits<T, std::void_t<decltype(T::kScoreOnlyWithHits)>>
    : std::bool_constant<T::kScoreOnlyWithHits> {};

template <typename T>
T* Self(decorum_plugin* p) { return reinterpret_cast<T*>(p); }

template <typename T>
decorum_status Create(const decorum_create_args* args, decorum_plugin** out) noexcept {
  decorum_status s = Guard([&] {
    CreateArgs a{View(args->config_json), View(args->instance_name)};
    *out = reinterpret_cast<decorum_plugin*>(new T(a));
  });
  if (s != DECORUM_OK && args->error && args->error_capacity) {
    const char* m = LastErrorBuffer();
    size_t n = std::strlen(m);
    if (n > args->error_capacity - 1) n = args->error_capacity - 1;
    std::memcpy(args->error, m, n);
    args->error[n] = '\0';
  }
  return s;
}

template <typename T>
void Destroy(decorum_plugin* p) noexcept {
  Guard([&] { delete Self<T>(p); });
}

template <typename T>
decorum_status Score(decorum_plugin* p, const decorum_score_input* in,
                     decorum_score_result* out) noexcept {
  return Guard([&] {
    ScoreOutput o(out);
    Self<T>(p)->Score(*in, o);
  });
}

template <typename T>
decorum_status OnDecision(decorum_plugin* p, const decorum_decision* d) noexcept {
  return Guard([&] { Self<T>(p)->OnDecision(*d); });
}

template <typename T>
decorum_status Flush(decorum_plugin* p) noexcept {
  return Guard([&] { Self<T>(p)->Flush(); });
}

inline const char* LastErrorC(decorum_plugin*) noexcept { return LastErrorBuffer(); }

}  // namespace detail

// The descriptor for plugin class T (static storage, built once).
template <typename T>
const decorum_plugin_api* Api() {
  static const decorum_plugin_api api = [] {
    decorum_plugin_api a{};
    a.struct_size = sizeof(decorum_plugin_api);
    a.abi_major = DECORUM_PLUGIN_ABI_MAJOR;
    a.abi_minor = DECORUM_PLUGIN_ABI_MINOR;
    a.name = T::kName;
    a.version = T::kVersion;
    a.capabilities = T::kCapabilities;
    a.act_min_action = detail::ActMin<T>::value;
    a.score_only_with_hits = detail::OnlyWithHits<T>::value ? 1 : 0;
    a.create = &detail::Create<T>;
    a.destroy = &detail::Destroy<T>;
    if constexpr ((T::kCapabilities & DECORUM_CAP_SCORE) != 0) a.score = &detail::Score<T>;
    if constexpr ((T::kCapabilities & DECORUM_CAP_ACT) != 0) a.on_decision = &detail::OnDecision<T>;
    if constexpr (detail::HasFlush<T>::value) a.flush = &detail::Flush<T>;
    a.last_error = &detail::LastErrorC;
    return a;
  }();
  return &api;
}

}  // namespace decorum::sdk

// Exports the entry symbol for plugin class T. Use once per shared library.
#define DECORUM_PLUGIN_EXPORT(T)                                                   \
  extern "C" __attribute__((visibility("default"))) const decorum_plugin_api*     \
  decorum_plugin_entry(void) {                                                     \
    return ::decorum::sdk::Api<T>();                                               \
  }

#endif  // DECORUM_PLUGIN_HPP_
