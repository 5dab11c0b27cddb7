// decorum-loadgen: drives `decorum serve` over TCP with N connections and reports
// comments/s and decision latency percentiles (SPEC §10).
//
// Each connection has a sender and a receiver thread. The sender writes comments (lines
// of a corpus file, cycled) either as fast as the socket takes them (--rate 0: the peak)
// or paced to a total rate spread over the connections; it stamps each comment's send
// time. decorum answers every line in order on its connection, so the receiver's k-th
// answer belongs to the k-th comment, and its latency is receive time minus send time.
// Latency thus includes the kernel's loopback path both ways: what a client sees.
//
// Usage: decorum-loadgen --port P --corpus FILE [--host 127.0.0.1] [--connections N]
//                        [--comments-per-connection K] [--rate R]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string corpus;
  int connections = 1;
  long per_connection = 100000;
  double rate = 0;  // total comments/s; 0 = as fast as possible
};

[[noreturn]] void Usage(const char* why) {
  std::fprintf(stderr,
               "decorum-loadgen: %s\n"
               "usage: decorum-loadgen --port P --corpus FILE [--host H] [--connections N]\n"
               "                       [--comments-per-connection K] [--rate COMMENTS_PER_S]\n",
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
    else if (a == "--help" || a == "-h") Usage("drives decorum serve over TCP");
    else Usage(("unknown option " + a).c_str());
  }
  if (o.port <= 0 || o.corpus.empty() || o.connections <= 0 || o.per_connection <= 0 || o.rate < 0) {
    Usage("--port and --corpus are required; counts must be positive");
  }
  return o;
}

std::vector<std::string> LoadCorpus(const std::string& path) {
  std::ifstream in(path);
  if (!in) Usage(("cannot read corpus " + path).c_str());
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line) && lines.size() < 200000) {
    if (!line.empty()) lines.push_back(line + "\n");
  }
  if (lines.empty()) Usage("the corpus is empty");
  return lines;
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
  return fd;
}

// Send times as nanoseconds since the run's start: written by the sender, read by the
// receiver once the answer arrived, hence atomic.
struct Connection {
  int fd = -1;
  std::unique_ptr<std::atomic<int64_t>[]> sent;
  std::vector<double> latency_us;
  long answered = 0;
  bool failed = false;
};

Clock::time_point g_start;

int64_t SinceStart(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t - g_start).count();
}

void Send(const Options& o, const std::vector<std::string>& corpus, size_t offset, Connection* c) {
  const double per_conn_rate = o.rate / o.connections;
  const auto start = Clock::now();
  std::string batch;
  for (long k = 0; k < o.per_connection;) {
    // Paced: send what is due by now; peak: send in 64 KiB batches.
    long due = o.per_connection;
    if (per_conn_rate > 0) {
      const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
      due = std::min<long>(o.per_connection, static_cast<long>(elapsed * per_conn_rate) + 1);
      if (due <= k) {
        std::this_thread::sleep_for(std::chrono::microseconds(50));
        continue;
      }
    }
    batch.clear();
    const auto now = Clock::now();
    while (k < due && batch.size() < 65536) {
      batch += corpus[(offset + static_cast<size_t>(k)) % corpus.size()];
      c->sent[static_cast<size_t>(k)].store(SinceStart(now), std::memory_order_relaxed);
      ++k;
    }
    for (size_t w = 0; w < batch.size();) {
      const ssize_t n = ::send(c->fd, batch.data() + w, batch.size() - w, MSG_NOSIGNAL);
      if (n <= 0) {
        c->failed = true;
        return;
      }
      w += static_cast<size_t>(n);
    }
  }
  ::shutdown(c->fd, SHUT_WR);
}

void Receive(long expected, Connection* c) {
  std::vector<char> buf(1 << 16);
  while (c->answered < expected) {
    const ssize_t n = ::recv(c->fd, buf.data(), buf.size(), 0);
    if (n <= 0) break;
    const auto now = Clock::now();
    for (ssize_t i = 0; i < n; ++i) {
      if (buf[static_cast<size_t>(i)] != '\n') continue;
      const int64_t sent = c->sent[static_cast<size_t>(c->answered)].load(std::memory_order_relaxed);
      c->latency_us.push_back(static_cast<double>(SinceStart(now) - sent) / 1000.0);
      if (++c->answered == expected) break;
    }
  }
}

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const size_t k = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = Parse(argc, argv);
  const auto corpus = LoadCorpus(o.corpus);
  std::vector<Connection> conns(static_cast<size_t>(o.connections));
  for (auto& c : conns) {
    c.fd = Connect(o);
    c.sent = std::make_unique<std::atomic<int64_t>[]>(static_cast<size_t>(o.per_connection));
    c.latency_us.reserve(static_cast<size_t>(o.per_connection));
  }
  g_start = Clock::now();
  const auto start = g_start;
  std::vector<std::thread> threads;
  for (size_t i = 0; i < conns.size(); ++i) {
    threads.emplace_back(Send, std::cref(o), std::cref(corpus), i * 7919, &conns[i]);
    threads.emplace_back(Receive, o.per_connection, &conns[i]);
  }
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();

  std::vector<double> all;
  long answered = 0;
  bool failed = false;
  for (auto& c : conns) {
    ::close(c.fd);
    answered += c.answered;
    failed |= c.failed || c.answered != o.per_connection;
    all.insert(all.end(), c.latency_us.begin(), c.latency_us.end());
  }
  const double p50 = Percentile(all, 0.50), p99 = Percentile(all, 0.99), p999 = Percentile(all, 0.999);
  std::printf("connections=%d comments=%ld seconds=%.3f comments_per_s=%.0f p50_us=%.1f p99_us=%.1f "
              "p999_us=%.1f%s\n",
              o.connections, answered, seconds, answered / seconds, p50, p99, p999,
              failed ? " INCOMPLETE" : "");
  return failed ? 1 : 0;
}
