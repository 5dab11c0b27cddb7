// TestReceiver: a real HTTP/1.1 webhook receiver on 127.0.0.1 for the escalate tests.
//
// It records every request (Idempotency-Key, headers, body, the status it answered) and
// can be told to answer its next N requests with an error status, to close the
// connection without answering, to delay every answer, or to hold every answer until
// released. Keep-alive is supported, since libcurl reuses its connection. One thread
// accepts, one thread serves each connection. Test-only; header-only so each test file
// can include it as is.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace decorum::escalate::testing {

class TestReceiver {
 public:
  struct Request {
    std::string method;
    std::string target;
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;
    int status = -1;  // what it was answered: -1 not yet, 0 closed without an answer

    std::string Header(const std::string& lower_name) const {
      auto it = headers.find(lower_name);
      return it == headers.end() ? std::string() : it->second;
    }
    std::string key() const { return Header("idempotency-key"); }
  };

  // Listens on 127.0.0.1:`port` (0: any free port). Throws std::runtime_error.
  explicit TestReceiver(uint16_t port = 0) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) throw std::runtime_error("socket failed");
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 64) != 0) {
      ::close(listen_fd_);
      throw std::runtime_error("cannot listen on 127.0.0.1:" + std::to_string(port));
    }
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    accept_thread_ = std::thread([this] { AcceptLoop(); });
  }

  ~TestReceiver() { Stop(); }
  TestReceiver(const TestReceiver&) = delete;
  TestReceiver& operator=(const TestReceiver&) = delete;

  // Stops listening and drops every connection. Idempotent.
  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopped_) return;
      stopped_ = true;
      hold_ = false;
    }
    cv_.notify_all();
    ::shutdown(listen_fd_, SHUT_RDWR);  // wakes accept()
    accept_thread_.join();
    ::close(listen_fd_);
    std::vector<std::thread> threads;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (int fd : conn_fds_) ::shutdown(fd, SHUT_RDWR);  // wakes recv()
      threads.swap(conn_threads_);
    }
    for (auto& t : threads) t.join();
    for (int fd : conn_fds_) ::close(fd);
  }

  uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/escalations"; }

  // The next `n` requests are answered `status` (then back to the default).
  void FailNext(int n, int status = 503) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_next_ = n;
    fail_status_ = status;
  }
  // The next `n` requests are read, then their connection is closed with no answer.
  void CloseNext(int n) {
    std::lock_guard<std::mutex> lock(mu_);
    close_next_ = n;
  }
  // The status every other request gets (200 unless set).
  void AnswerAll(int status) {
    std::lock_guard<std::mutex> lock(mu_);
    default_status_ = status;
  }
  // Every answer from now on is sent `delay` after its request was read (or after
  // Release(), when held).
  void DelayAnswers(std::chrono::milliseconds delay) {
    std::lock_guard<std::mutex> lock(mu_);
    delay_ = delay;
  }
  // While held, requests are recorded at once but answered only after Release().
  void Hold() {
    std::lock_guard<std::mutex> lock(mu_);
    hold_ = true;
  }
  void Release() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      hold_ = false;
    }
    cv_.notify_all();
  }

  std::vector<Request> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

  // The bodies a de-duplicating receiver would keep: per Idempotency-Key, the first
  // request answered 2xx, in the order those answers were given.
  std::vector<Request> Deduplicated() const {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<Request> out;
    for (const Request& r : answered_) {
      if (r.status < 200 || r.status > 299) continue;
      bool seen = std::any_of(out.begin(), out.end(),
                              [&](const Request& o) { return o.key() == r.key(); });
      if (!seen) out.push_back(r);
    }
    return out;
  }

  // Requests answered so far, in the order they were answered.
  std::vector<Request> answered() const {
    std::lock_guard<std::mutex> lock(mu_);
    return answered_;
  }

  // Waits until at least `n` requests have arrived; returns whether they did in time.
  bool WaitForRequests(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
  }

 private:
  void AcceptLoop() {
    for (;;) {
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR) continue;
        return;  // Stop() shut the socket down
      }
      std::lock_guard<std::mutex> lock(mu_);
      if (stopped_) {
        ::close(fd);
        return;
      }
      conn_fds_.push_back(fd);
      conn_threads_.emplace_back([this, fd] { Serve(fd); });
    }
  }

  // Serves requests on `fd` until the peer closes or Stop(). Never closes `fd` itself
  // (Stop() does, after joining), so a descriptor number is never reused under it.
  void Serve(int fd) {
    std::string buffer;
    for (;;) {
      Request request;
      if (!ReadRequest(fd, &buffer, &request)) break;
      size_t index;
      int status;
      bool close_it = false;
      {
        std::unique_lock<std::mutex> lock(mu_);
        index = requests_.size();
        requests_.push_back(request);
        cv_.notify_all();
        cv_.wait(lock, [&] { return !hold_ || stopped_; });
        if (delay_.count() > 0) cv_.wait_for(lock, delay_, [&] { return stopped_; });
        if (stopped_) break;
        if (close_next_ > 0) {
          --close_next_;
          close_it = true;
          status = 0;
        } else if (fail_next_ > 0) {
          --fail_next_;
          status = fail_status_;
        } else {
          status = default_status_;
        }
        requests_[index].status = status;
        request.status = status;
        answered_.push_back(request);
        cv_.notify_all();
      }
      if (close_it) break;
      const std::string body = status >= 200 && status < 300 ? "ok" : "refused by test";
      const std::string response = "HTTP/1.1 " + std::to_string(status) + " Test\r\n" +
                                   "Content-Type: text/plain\r\nContent-Length: " +
                                   std::to_string(body.size()) + "\r\n\r\n" + body;
      if (!SendAll(fd, response)) break;
    }
    ::shutdown(fd, SHUT_RDWR);
  }

  static bool SendAll(int fd, const std::string& data) {
    size_t sent = 0;
    while (sent < data.size()) {
      ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }

  static bool Fill(int fd, std::string* buffer) {
    char chunk[8192];
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer->append(chunk, static_cast<size_t>(n));
    return true;
  }

  static std::string Lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }

  static std::string Trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
  }

  // Reads one request (head, then a Content-Length body) from `fd`; bytes read past it
  // stay in *buffer for the next one.
  static bool ReadRequest(int fd, std::string* buffer, Request* request) {
    size_t head_end;
    while ((head_end = buffer->find("\r\n\r\n")) == std::string::npos) {
      if (!Fill(fd, buffer)) return false;
    }
    const std::string head = buffer->substr(0, head_end);
    buffer->erase(0, head_end + 4);
    size_t line_end = head.find("\r\n");
    const std::string request_line = head.substr(0, line_end);
    const size_t sp1 = request_line.find(' '), sp2 = request_line.rfind(' ');
    request->method = request_line.substr(0, sp1);
    request->target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
    while (line_end != std::string::npos) {
      const size_t start = line_end + 2;
      line_end = head.find("\r\n", start);
      const std::string line = head.substr(start, line_end - start);
      const size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      request->headers[Lower(line.substr(0, colon))] = Trim(line.substr(colon + 1));
    }
    const size_t length = std::stoul("0" + request->Header("content-length"));
    while (buffer->size() < length) {
      if (!Fill(fd, buffer)) return false;
    }
    request->body = buffer->substr(0, length);
    buffer->erase(0, length);
    return true;
  }

  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::thread accept_thread_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopped_ = false;
  bool hold_ = false;
  int fail_next_ = 0;
  int fail_status_ = 503;
  int close_next_ = 0;
  int default_status_ = 200;
  std::chrono::milliseconds delay_{0};
  std::vector<Request> requests_;  // in arrival order
  std::vector<Request> answered_;  // in answer order
  std::vector<int> conn_fds_;
  std::vector<std::thread> conn_threads_;
};

// A port on 127.0.0.1 with nothing listening on it (bound, read, released).
inline uint16_t UnusedPort() {
  TestReceiver probe;
  uint16_t port = probe.port();
  probe.Stop();
  return port;
}

}  // namespace decorum::escalate::testing
