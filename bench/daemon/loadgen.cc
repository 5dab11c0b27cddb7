// decorum-loadgen: drives `decorum serve` over TCP with N connections and reports
// comments/s and decision latency percentiles (SPEC §10).
//
// One thread, one epoll loop, every connection non-blocking (the wrk2 model). On a
// machine where the client shares the cores with the server, a thread per connection
// would make the client's own scheduling delays part of what it measures; one loop that
// sleeps exactly until the next send is due takes little CPU and wakes on time.
//
// Two modes:
//  - peak (--rate 0): every connection sends comments (lines of a corpus file, cycled) as
//    fast as its socket takes them and reads answers as they come. comments_per_s is the
//    result; latencies then measure the queues in the socket buffers and are not
//    meaningful.
//  - paced (--rate R): comments are scheduled at R per second in total, evenly spaced and
//    interleaved over the connections: comment k of connection c is *due* at
//    (k * N + c) / R seconds after the start. Every --batch-us microseconds (default 100)
//    the loop wakes and each connection sends what is due, in one send() (0: each comment
//    alone at its due time; --stagger spreads the connections' ticks over the interval,
//    at the price of one wake-up per connection instead of one per tick — on a machine
//    the client shares with the server every wake-up costs both). Latency is measured
//    from the due time to the arrival of the answer, so it includes the wait in the
//    client's batch (half of --batch-us on average), the kernel's loopback path both
//    ways, the server, and any delay of the client itself — a late client can only make
//    latencies larger, never hide them (no coordinated omission). Two breakdowns of the
//    same answers: wire_* is measured from the send() call that handed the comment's last
//    byte to the kernel instead of from its due time (the difference is the client's
//    batching and sending delay); arrival_* ends at the kernel's receive timestamp of the
//    answer (SO_TIMESTAMPING, the last segment of the read that returned it) instead of
//    when the client read it (the difference is the client's delay in reading).
//
// decorum answers every line in order on its connection, so the k-th answer on a
// connection belongs to its k-th comment.
//
// Output, one line: connections= comments= seconds= comments_per_s= p50_us= p99_us=
// p999_us= max_us= wire_p50_us= wire_p99_us= wire_p999_us= arrival_p50_us= arrival_p99_us=
// arrival_p999_us= sends= recvs= (system calls) client_cpu_s= client_runq_wait_ms= (time
// the client was runnable but had no core: /proc/thread-self/schedstat),
// then INCOMPLETE when a connection failed or was not fully answered (exit status 1).
//
// --dump FILE writes one line per answer, "connection comment due_us latency_us wire_us"
// (due_us: its due or send time since the start), for looking at when the slow answers
// happened rather than how many there were (bench/README.md).
//
// Usage: decorum-loadgen --port P --corpus FILE [--host 127.0.0.1] [--connections N]
//                        [--comments-per-connection K] [--rate R] [--batch-us B]
//                        [--stagger] [--slice-us S (ask for an EEVDF time slice, Linux 6.12+)]
//                        [--dump FILE]
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <linux/net_tstamp.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

namespace {

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string corpus;
  int connections = 1;
  long per_connection = 100000;
  double rate = 0;        // total comments/s; 0 = as fast as possible
  double batch_us = 100;  // paced: a connection sends what is due at most this often
  bool stagger = false;   // paced: spread the connections' ticks over the batch interval
  double slice_us = 0;    // ask the scheduler for this time slice (EEVDF custom slice); 0: default
  std::string dump;       // write "connection comment due_us latency_us wire_us" per answer here
};

[[noreturn]] void Usage(const char* why) {
  std::fprintf(stderr,
               "decorum-loadgen: %s\n"
               "usage: decorum-loadgen --port P --corpus FILE [--host H] [--connections N]\n"
               "                       [--comments-per-connection K] [--rate COMMENTS_PER_S]\n"
               "                       [--batch-us MICROSECONDS (paced; default 100)] [--stagger]\n"
               "                       [--slice-us MICROSECONDS (EEVDF time slice; Linux 6.12+)]\n"
               "                       [--dump FILE (per answer: connection comment due_us latency_us wire_us)]\n",
               why);
  std::exit(2);
}

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> const char* {
      if (i + 1 >= argc) Usage(("missing value for " + a).c_str());
      return argv[++i];
    };
    if (a == "--host") o.host = next();
    else if (a == "--port") o.port = std::atoi(next());
    else if (a == "--corpus") o.corpus = next();
    else if (a == "--connections") o.connections = std::atoi(next());
    else if (a == "--comments-per-connection") o.per_connection = std::atol(next());
    else if (a == "--rate") o.rate = std::atof(next());
    else if (a == "--batch-us") o.batch_us = std::atof(next());
    else if (a == "--stagger") o.stagger = true;
    else if (a == "--slice-us") o.slice_us = std::atof(next());
    else if (a == "--dump") o.dump = next();
    else if (a == "--help" || a == "-h") Usage("drives decorum serve over TCP");
    else Usage(("unknown option " + a).c_str());
  }
  if (o.port <= 0 || o.corpus.empty() || o.connections <= 0 || o.per_connection <= 0 || o.rate < 0 ||
      o.batch_us < 0) {
    Usage("--port and --corpus are required; counts must be positive");
  }
  return o;
}

// The corpus as one block of '\n'-terminated lines: a connection sends straight from it,
// several comments per send(), without copying. line_end[i] is the offset just past line
// i's '\n'; line i starts at line_end[i - 1] (0 for the first).
struct Corpus {
  std::string bytes;
  std::vector<size_t> line_end;
  size_t lines() const { return line_end.size(); }
  size_t begin(size_t i) const { return i == 0 ? 0 : line_end[i - 1]; }
};

Corpus LoadCorpus(const std::string& path) {
  std::ifstream in(path);
  if (!in) Usage(("cannot read corpus " + path).c_str());
  Corpus c;
  std::string line;
  while (std::getline(in, line) && c.line_end.size() < 200000) {
    if (line.empty()) continue;
    c.bytes += line;
    c.bytes += '\n';
    c.line_end.push_back(c.bytes.size());
  }
  if (c.line_end.empty()) Usage("the corpus is empty");
  return c;
}

// Linux 6.12+ (EEVDF): a thread may ask for a shorter time slice than the default
// (~0.75 ms × (1 + log2 cores)); a woken thread with a short slice preempts sooner.
void SetSlice(uint64_t ns) {
  struct {
    uint32_t size, policy;
    uint64_t flags;
    int32_t nice;
    uint32_t priority;
    uint64_t runtime, deadline, period;
    uint32_t util_min, util_max;
  } attr{};
  attr.size = sizeof(attr);
  attr.runtime = ns;
  if (::syscall(SYS_sched_setattr, 0, &attr, 0) != 0) std::perror("decorum-loadgen: sched_setattr");
}

double CpuSeconds() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// Time this thread was runnable but waiting for a core (the scheduler's run queue).
double RunqWaitNs() {
  unsigned long long on_cpu = 0, waited = 0;
  if (std::FILE* f = std::fopen("/proc/thread-self/schedstat", "r")) {
    if (std::fscanf(f, "%llu %llu", &on_cpu, &waited) != 2) waited = 0;
    std::fclose(f);
  }
  return static_cast<double>(waited);
}

int64_t NowNs() {
  timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

int Connect(const Options& o) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(o.port));
  if (fd < 0 || ::inet_pton(AF_INET, o.host.c_str(), &addr.sin_addr) != 1 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    std::fprintf(stderr, "decorum-loadgen: cannot connect to %s:%d: %s\n", o.host.c_str(), o.port,
                 std::strerror(errno));
    std::exit(1);
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  // Software receive timestamps: recvmsg() then says when the data reached the socket.
  const int stamping = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
  ::setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &stamping, sizeof(stamping));
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

struct Connection {
  int fd = -1;
  int index = 0;
  size_t base = 0;         // corpus line of comment 0
  long sent = 0;           // comments whose last byte the kernel has
  size_t partial = 0;      // bytes of comment `sent` already sent
  long answered = 0;
  bool blocked = false;    // the last send() hit EAGAIN: waiting for EPOLLOUT
  bool shut = false;       // every comment sent, write side shut down
  bool finished = false;   // every answer read, or failed
  bool failed = false;
  int64_t next_tick = 0;   // paced: when this connection next sends (ns since start)
  std::vector<int64_t> due;      // per comment: due time (paced) or send time (peak), ns
  std::vector<int64_t> sent_at;  // per comment: when send() handed over its last byte
  std::vector<int64_t> latency;  // per answer: ns from due
  std::vector<int64_t> wire;     // per answer: ns from sent_at
  std::vector<int64_t> arrival;  // per answer: ns from due to the kernel's receive time
};

class LoadGen {
 public:
  LoadGen(const Options& o, const Corpus& corpus) : o_(o), corpus_(corpus) {}

  int Run();

 private:
  // Comments of `c` due by `now` (ns since start), at most per_connection.
  long DueBy(const Connection& c, int64_t now) const {
    if (o_.rate <= 0) return o_.per_connection;
    // comment k is due at (k*N + c) / R s; count k with that <= now.
    const double slots = static_cast<double>(now) * o_.rate / 1e9 - c.index;
    if (slots < 0) return 0;
    return std::min<long>(o_.per_connection, static_cast<long>(slots / o_.connections) + 1);
  }
  int64_t DueTime(const Connection& c, long k) const {
    return static_cast<int64_t>(std::ceil((static_cast<double>(k) * o_.connections + c.index) * 1e9 / o_.rate));
  }
  // Where connection c's ticks sit on the batch grid: all at 0, or spread evenly.
  int64_t Phase(const Connection& c) const {
    return o_.stagger ? static_cast<int64_t>(o_.batch_us * 1000) * c.index / o_.connections : 0;
  }
  void SendDue(Connection& c, int64_t now);
  void Receive(Connection& c);
  void Fail(Connection& c, const char* what);
  void WatchWritable(Connection& c, bool on);

  const Options& o_;
  const Corpus& corpus_;
  int ep_ = -1;
  int64_t start_ = 0;
  int64_t realtime_offset_ = 0;  // CLOCK_REALTIME - CLOCK_MONOTONIC
  long sends_ = 0;
  long recvs_ = 0;
  std::vector<Connection> conns_;
  std::vector<char> buf_ = std::vector<char>(1 << 18);
};

void LoadGen::Fail(Connection& c, const char* what) {
  if (!c.failed) {
    std::fprintf(stderr, "decorum-loadgen: connection %d: %s after %ld answers: %s\n", c.index, what, c.answered,
                 std::strerror(errno));
  }
  c.failed = true;
  c.finished = true;
  ::epoll_ctl(ep_, EPOLL_CTL_DEL, c.fd, nullptr);
}

void LoadGen::WatchWritable(Connection& c, bool on) {
  epoll_event ev{};
  ev.events = on ? (EPOLLIN | EPOLLOUT) : EPOLLIN;
  ev.data.u32 = static_cast<uint32_t>(c.index);
  ::epoll_ctl(ep_, EPOLL_CTL_MOD, c.fd, &ev);
}

// Sends every comment due by `now` that the socket takes, several per send(), straight
// from the corpus block (a run of lines stops where the corpus wraps around).
void LoadGen::SendDue(Connection& c, int64_t now) {
  const long due = DueBy(c, now);
  const size_t n_lines = corpus_.lines();
  while (c.sent < due) {
    size_t line = (c.base + static_cast<size_t>(c.sent)) % n_lines;
    const size_t last = std::min(n_lines, line + static_cast<size_t>(due - c.sent));  // exclusive
    const size_t from = corpus_.begin(line) + c.partial;
    const size_t to = std::min(corpus_.line_end[last - 1], from + (size_t{1} << 18));
    const int64_t t = NowNs() - start_;
    const ssize_t n = ::send(c.fd, corpus_.bytes.data() + from, to - from, MSG_NOSIGNAL);
    ++sends_;
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        c.blocked = true;
        WatchWritable(c, true);
        return;
      }
      Fail(c, "send failed");
      return;
    }
    const size_t pos = from + static_cast<size_t>(n);
    while (c.sent < due && line < last && corpus_.line_end[line] <= pos) {
      if (o_.rate <= 0) c.due[static_cast<size_t>(c.sent)] = t;
      c.sent_at[static_cast<size_t>(c.sent)] = t;
      ++c.sent;
      ++line;
    }
    c.partial = pos - corpus_.begin(line);
    if (line == n_lines) c.partial = 0;  // wrapped: the next comment starts at line 0
    if (static_cast<size_t>(n) < to - from) {
      c.blocked = true;
      WatchWritable(c, true);
      return;
    }
  }
  if (c.sent == o_.per_connection && !c.shut) {
    c.shut = true;
    ::shutdown(c.fd, SHUT_WR);
  }
}

void LoadGen::Receive(Connection& c) {
  iovec iov{buf_.data(), buf_.size()};
  alignas(cmsghdr) char control[256];
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  const ssize_t n = ::recvmsg(c.fd, &msg, 0);
  ++recvs_;
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
  if (n <= 0) {
    if (c.answered < o_.per_connection) {
      if (n == 0) errno = 0;
      Fail(c, n == 0 ? "closed by the server" : "recv failed");
    }
    return;
  }
  const int64_t now = NowNs() - start_;
  // The kernel's receive time of the last segment this read returned (CLOCK_REALTIME),
  // on our clock; without it, the read time.
  int64_t arrived = now;
  for (cmsghdr* cm = CMSG_FIRSTHDR(&msg); cm != nullptr; cm = CMSG_NXTHDR(&msg, cm)) {
    if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPING) {
      timespec ts[3];
      std::memcpy(ts, CMSG_DATA(cm), sizeof(ts));
      const int64_t real = static_cast<int64_t>(ts[0].tv_sec) * 1000000000 + ts[0].tv_nsec;
      if (real != 0) arrived = std::min(now, real - realtime_offset_ - start_);
    }
  }
  const char* p = buf_.data();
  const char* end = p + n;
  while ((p = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)))) != nullptr) {
    ++p;
    if (c.answered >= c.sent) {
      errno = 0;
      Fail(c, "an answer for a comment not sent");
      return;
    }
    const auto k = static_cast<size_t>(c.answered++);
    c.latency[k] = now - c.due[k];
    c.wire[k] = now - c.sent_at[k];
    c.arrival[k] = arrived - c.due[k];
    if (c.answered == o_.per_connection) {
      c.finished = true;
      ::epoll_ctl(ep_, EPOLL_CTL_DEL, c.fd, nullptr);
      return;
    }
  }
}

int LoadGen::Run() {
  ep_ = ::epoll_create1(0);
  conns_.resize(static_cast<size_t>(o_.connections));
  const auto k = static_cast<size_t>(o_.per_connection);
  for (int i = 0; i < o_.connections; ++i) {
    Connection& c = conns_[static_cast<size_t>(i)];
    c.index = i;
    c.fd = Connect(o_);
    c.base = (static_cast<size_t>(i) * 7919) % corpus_.lines();
    c.due.resize(k);
    c.sent_at.resize(k);
    // Touched now, so no page fault lands inside the measured loop.
    c.latency.assign(k, 0);
    c.wire.assign(k, 0);
    c.arrival.assign(k, 0);
    if (o_.rate > 0) {
      for (size_t j = 0; j < k; ++j) c.due[j] = DueTime(c, static_cast<long>(j));
      c.next_tick = Phase(c);
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = static_cast<uint32_t>(i);
    ::epoll_ctl(ep_, EPOLL_CTL_ADD, c.fd, &ev);
  }
  // Sleep exactly as long as asked: the default 50 µs timer slack would delay every tick.
  ::prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
  if (o_.slice_us > 0) SetSlice(static_cast<uint64_t>(o_.slice_us * 1000));
  const int64_t batch_ns = static_cast<int64_t>(o_.batch_us * 1000);
  std::vector<epoll_event> events(static_cast<size_t>(o_.connections) + 1);
  const double cpu_start = CpuSeconds();
  const double runq_start = RunqWaitNs();
  start_ = NowNs();
  {
    timespec real;
    ::clock_gettime(CLOCK_REALTIME, &real);
    realtime_offset_ = static_cast<int64_t>(real.tv_sec) * 1000000000 + real.tv_nsec - NowNs();
  }
  int unfinished = o_.connections;
  while (unfinished > 0) {
    const int64_t now = NowNs() - start_;
    int64_t wake = std::numeric_limits<int64_t>::max();
    for (Connection& c : conns_) {
      if (c.finished || c.shut) continue;
      if (!c.blocked && now >= c.next_tick) {
        SendDue(c, now);
        if (o_.rate > 0 && !c.shut) {
          // The next tick on this connection's grid (batch 0: the next comment's due
          // time), and not before the next comment is due.
          const int64_t next_due = c.due[static_cast<size_t>(c.sent)];
          if (batch_ns > 0) {
            int64_t t = std::max(now + 1, next_due);
            const int64_t phase = Phase(c);
            t = phase + (t - phase + batch_ns - 1) / batch_ns * batch_ns;
            c.next_tick = t;
          } else {
            c.next_tick = next_due;
          }
        }
      }
      if (!c.blocked && !c.shut && !c.finished) wake = std::min(wake, c.next_tick);
    }
    timespec timeout{};
    timespec* tp = nullptr;  // block until an event
    if (wake != std::numeric_limits<int64_t>::max()) {
      const int64_t wait = std::max<int64_t>(0, wake - (NowNs() - start_));
      timeout.tv_sec = wait / 1000000000;
      timeout.tv_nsec = wait % 1000000000;
      tp = &timeout;
    }
    const int n = ::epoll_pwait2(ep_, events.data(), static_cast<int>(events.size()), tp, nullptr);
    if (n < 0 && errno != EINTR) {
      std::perror("decorum-loadgen: epoll_pwait2");
      return 1;
    }
    for (int e = 0; e < n; ++e) {
      Connection& c = conns_[events[static_cast<size_t>(e)].data.u32];
      if (c.finished) continue;
      const uint32_t what = events[static_cast<size_t>(e)].events;
      if ((what & EPOLLOUT) && c.blocked) {
        c.blocked = false;
        WatchWritable(c, false);
        c.next_tick = 0;  // send what is due at once
      }
      if (what & (EPOLLIN | EPOLLHUP | EPOLLERR)) Receive(c);
    }
    unfinished = 0;
    for (const Connection& c : conns_) unfinished += c.finished ? 0 : 1;
  }
  const double seconds = static_cast<double>(NowNs() - start_) / 1e9;

  if (!o_.dump.empty()) {
    if (std::FILE* f = std::fopen(o_.dump.c_str(), "w")) {
      for (const Connection& c : conns_) {
        for (long k = 0; k < c.answered; ++k) {
          const auto i = static_cast<size_t>(k);
          std::fprintf(f, "%d %ld %.1f %.1f %.1f\n", c.index, k, static_cast<double>(c.due[i]) / 1e3,
                       static_cast<double>(c.latency[i]) / 1e3, static_cast<double>(c.wire[i]) / 1e3);
        }
      }
      std::fclose(f);
    }
  }
  std::vector<int64_t> lat, wire, arrival;
  long answered = 0;
  bool failed = false;
  for (Connection& c : conns_) {
    ::close(c.fd);
    answered += c.answered;
    failed |= c.failed || c.answered != o_.per_connection;
    const auto got = static_cast<long>(c.answered);
    lat.insert(lat.end(), c.latency.begin(), c.latency.begin() + got);
    wire.insert(wire.end(), c.wire.begin(), c.wire.begin() + got);
    arrival.insert(arrival.end(), c.arrival.begin(), c.arrival.begin() + got);
  }
  auto pct = [](std::vector<int64_t>& v, double p) -> double {
    if (v.empty()) return 0;
    const size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
    std::nth_element(v.begin(), v.begin() + static_cast<long>(i), v.end());
    return static_cast<double>(v[i]) / 1000.0;
  };
  const double cpu = CpuSeconds() - cpu_start;
  const double runq_ms = (RunqWaitNs() - runq_start) / 1e6;
  const double p50 = pct(lat, 0.50), p99 = pct(lat, 0.99), p999 = pct(lat, 0.999), pmax = pct(lat, 1.0);
  const double w50 = pct(wire, 0.50), w99 = pct(wire, 0.99), w999 = pct(wire, 0.999);
  const double a50 = pct(arrival, 0.50), a99 = pct(arrival, 0.99), a999 = pct(arrival, 0.999);
  std::printf("connections=%d comments=%ld seconds=%.3f comments_per_s=%.0f p50_us=%.1f p99_us=%.1f "
              "p999_us=%.1f max_us=%.1f wire_p50_us=%.1f wire_p99_us=%.1f wire_p999_us=%.1f arrival_p50_us=%.1f arrival_p99_us=%.1f arrival_p999_us=%.1f sends=%ld "
              "recvs=%ld client_cpu_s=%.2f client_runq_wait_ms=%.1f%s\n",
              o_.connections, answered, seconds, static_cast<double>(answered) / seconds, p50, p99, p999, pmax,
              w50, w99, w999, a50, a99, a999, sends_, recvs_, cpu, runq_ms, failed ? " INCOMPLETE" : "");
  return failed ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = Parse(argc, argv);
  const Corpus corpus = LoadCorpus(o.corpus);
  LoadGen gen(o, corpus);
  return gen.Run();
}
