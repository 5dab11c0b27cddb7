#include "serve/listener.h"

#include <type_traits>

#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/address.hpp>
#include <cerrno>
#include <cstring>

namespace decorum::serve {
namespace asio = boost::asio;

namespace {

// Binds, applying `unix_mode` for Unix sockets.
Status BindTcp(asio::ip::tcp::acceptor& acceptor, const ListenAddress& a, ListenAddress* bound) {
  boost::system::error_code ec;
  const std::string host = a.host == "localhost" ? "127.0.0.1" : a.host;
  asio::ip::tcp::endpoint ep(asio::ip::make_address(host, ec), a.port);
  if (ec) return Status::InvalidArgument("bad listen address '" + a.ToString() + "'");
  acceptor.open(ep.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(ep, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Status::IoError("cannot listen on " + a.ToString() + ": " + ec.message());
  *bound = a;
  bound->port = acceptor.local_endpoint().port();
  return Status::Ok();
}

// Why the socket file at `path` must not be replaced, or "" when it is stale. A stale
// file (its process gone) refuses a connect (ECONNREFUSED); a live listener takes it, or
// answers EAGAIN when its backlog is full. Any other failure (no permission) leaves the
// file alone too: it is not known to be ours to remove. The probe is a real (empty)
// connection to the live daemon, counted in its decorum_connections_accepted_total.
std::string WhyInUse(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path)) return "the path is too long for a Unix socket";
  std::memcpy(addr.sun_path, path.data(), path.size());
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return std::string("cannot check whether it is in use: ") + std::strerror(errno);
  const int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr));
  const int err = errno;
  ::close(fd);
  if (rc == 0 || err == EAGAIN) return "another process is listening on it (is decorum already running?)";
  if (err == ECONNREFUSED || err == ENOENT) return "";
  return std::string("cannot check whether it is in use: ") + std::strerror(err);
}

Status BindUnix(asio::local::stream_protocol::acceptor& acceptor, const ListenAddress& a,
                unsigned mode, ListenAddress* bound) {
  struct stat st;
  if (::lstat(a.path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      return Status::InvalidArgument("cannot listen on " + a.ToString() + ": the path exists and is not a socket");
    }
    // Only a stale socket from an earlier run is replaced: removing a live one would cut
    // off the process serving it (a second daemon started by mistake took over the
    // first's socket, and removed it on exit).
    if (const std::string why = WhyInUse(a.path); !why.empty()) {
      return Status::IoError("cannot listen on " + a.ToString() + ": " + why);
    }
    ::unlink(a.path.c_str());
  }
  boost::system::error_code ec;
  asio::local::stream_protocol::endpoint ep(a.path);
  acceptor.open(ep.protocol(), ec);
  if (!ec) {
    // Before the io threads start, so the process-wide umask change races with nothing.
    const mode_t old = ::umask(static_cast<mode_t>(~mode & 0777));
    acceptor.bind(ep, ec);
    ::umask(old);
  }
  if (!ec && ::chmod(a.path.c_str(), mode) != 0) {
    ec = boost::system::error_code(errno, boost::system::system_category());
  }
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Status::IoError("cannot listen on " + a.ToString() + ": " + ec.message());
  *bound = a;
  return Status::Ok();
}

Status Bind(asio::ip::tcp::acceptor& acc, const ListenAddress& a, unsigned, ListenAddress* b) {
  return BindTcp(acc, a, b);
}
Status Bind(asio::local::stream_protocol::acceptor& acc, const ListenAddress& a, unsigned mode,
            ListenAddress* b) {
  return BindUnix(acc, a, mode, b);
}

}  // namespace

template <typename Protocol>
Listener<Protocol>::Listener(IoContextPool& pool, OnAccept on_accept)
    : pool_(pool),
      next_context_(pool.TakeListenerStart()),
      strand_(asio::make_strand(pool.main())),
      acceptor_(strand_),
      retry_timer_(strand_),
      on_accept_(std::move(on_accept)) {}

template <typename Protocol>
Status Listener<Protocol>::Open(const ListenAddress& address, unsigned unix_mode) {
  if (Status s = Bind(acceptor_, address, unix_mode, &bound_); !s.ok()) return s;
  struct stat st;
  if (bound_.kind == ListenAddress::Kind::kUnix && ::lstat(bound_.path.c_str(), &st) == 0) {
    unix_dev_ = st.st_dev;
    unix_ino_ = st.st_ino;
  }
  return Status::Ok();
}

template <typename Protocol>
void Listener<Protocol>::Start() {
  asio::dispatch(strand_, [self = this->shared_from_this()] { self->DoAccept(); });
}

template <typename Protocol>
void Listener<Protocol>::Stop() {
  asio::dispatch(strand_, [self = this->shared_from_this()] {
    if (self->stopped_) return;
    self->stopped_ = true;
    // The path goes first, while the acceptor still listens: a daemon starting now finds
    // either no file or a live socket, never a closed one it would take as stale and
    // replace just before this unlink removed its file.
    self->RemoveSocketFile();
    boost::system::error_code ignored;
    self->retry_timer_.cancel();
    self->acceptor_.close(ignored);
  });
}

template <typename Protocol>
void Listener<Protocol>::RemoveSocketFile() {
  if (socket_file_removed_) return;
  socket_file_removed_ = true;
  struct stat st;
  if (bound_.kind == ListenAddress::Kind::kUnix && unix_ino_ != 0 && ::lstat(bound_.path.c_str(), &st) == 0 &&
      st.st_dev == unix_dev_ && st.st_ino == unix_ino_) {
    ::unlink(bound_.path.c_str());
  }
}

template <typename Protocol>
void Listener<Protocol>::DoAccept() {
  if (stopped_) return;
  // Each connection's handlers run on one io thread (its context has only that one), in
  // a strand of their own all the same: sessions are written against the strand (they
  // post Drain() to it from other threads) and stay correct if a context ever had more.
  boost::asio::io_context& context = pool_.context(next_context_);
  next_context_ = (next_context_ + 1) % pool_.size();
  acceptor_.async_accept(asio::make_strand(context), [self = this->shared_from_this()](
                                                      const boost::system::error_code& ec, Socket socket) {
    if (self->stopped_) return;
    if (ec) {
      // Out of descriptors and the like: back off instead of spinning on accept().
      spdlog::warn("accept on {} failed: {}", self->bound_.ToString(), ec.message());
      self->retry_timer_.expires_after(std::chrono::milliseconds(100));
      self->retry_timer_.async_wait([self](const boost::system::error_code& e) {
        if (!e) self->DoAccept();
      });
      return;
    }
    if constexpr (std::is_same_v<Protocol, asio::ip::tcp>) {
      // Decisions are small writes that a client waits for: Nagle's algorithm would hold
      // each behind the previous one's ACK (tens of ms with delayed ACKs).
      boost::system::error_code ignored;
      socket.set_option(asio::ip::tcp::no_delay(true), ignored);
    }
    self->on_accept_(std::move(socket));
    self->DoAccept();
  });
}

template class Listener<asio::ip::tcp>;
template class Listener<asio::local::stream_protocol>;

}  // namespace decorum::serve
