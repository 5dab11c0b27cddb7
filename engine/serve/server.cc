#include "serve/server.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <thread>
#include <vector>

#include "serve/connection_registry.h"
#include "serve/generation_holder.h"
#include "serve/http_session.h"
#include "serve/io_context_pool.h"
#include "serve/listener.h"
#include "serve/metrics.h"
#include "serve/session_context.h"
#include "serve/stdin_pump.h"
#include "serve/stream_session.h"
#include "serve/thread_moderator.h"

namespace decorum::serve {
namespace asio = boost::asio;

namespace {

GenerationRequest RulesRequest(const ServeConfig& c) {
  GenerationRequest r;
  r.rules_dir = c.rules_dir;
  r.skip_bad_rules = c.on_error == "skip";
  r.cache_dir = c.cache_dir;
  return r;
}

}  // namespace

struct Server::Impl {
  explicit Impl(ServeConfig c)
      : config(std::move(c)),
        holder(RulesRequest(config), config.plugins, &metrics),
        registry(config.max_connections),
        pool(config.threads ? config.threads : std::max(1u, std::thread::hardware_concurrency())),
        signals(pool.main(), SIGTERM, SIGINT, SIGHUP),
        shutdown_timer(pool.main()) {}

  int Run();
  Status OpenListeners();
  void WaitSignal();
  void RequestReload(std::function<void(Result<std::string>)> done);
  // Has every io thread (and the standard input pump) build its Moderator for the current
  // generation now, so an idle thread lets go of the old generation and its plugin chain
  // (an open SQLite store, a spool) instead of keeping them until its next chunk, and the
  // first chunk after start-up or a reload does not wait for the build (Hyperscan
  // scratch, Unicode tables). The io threads hand `retired` (the generation replaced; null
  // at start) back to the reload thread once they all let go of it, so the old plugins'
  // final flush and destroy() run there rather than on an io thread whose connections
  // would wait for them.
  void WarmIoThreads(std::shared_ptr<const LiveGeneration> retired);
  void Shutdown(const char* why);
  void Finish(const char* how);

  ServeConfig config;
  Metrics metrics;
  GenerationHolder holder;
  ConnectionRegistry registry;
  SessionContext ctx;
  IoContextPool pool;
  // After the pool: destroyed first, so the completions it posts on the way out land on
  // io_contexts that still exist (stopped ones simply drop them).
  DurabilityQueue durability;
  asio::signal_set signals;
  asio::steady_timer shutdown_timer;
  asio::thread_pool reload_pool{1};  // compiles rules; never an io thread
  std::vector<std::shared_ptr<TcpListener>> tcp_listeners;
  std::vector<std::shared_ptr<UnixListener>> unix_listeners;
  std::shared_ptr<StdinPump> stdin_pump;
  std::atomic<bool> shutting_down{false};
  std::atomic<bool> finished{false};
};

Server::Server(ServeConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}
Server::~Server() = default;
int Server::Run() { return impl_->Run(); }

Status Server::Impl::OpenListeners() {
  auto stream_tcp = [this](asio::ip::tcp::socket s) {
    std::make_shared<TcpStreamSession>(std::move(s), &ctx)->Start();
  };
  auto stream_unix = [this](asio::local::stream_protocol::socket s) {
    std::make_shared<UnixStreamSession>(std::move(s), &ctx)->Start();
  };
  for (const auto& a : config.listen) {
    Status s;
    if (a.kind == ListenAddress::Kind::kTcp) {
      auto l = std::make_shared<TcpListener>(pool, stream_tcp);
      if (!(s = l->Open(a, config.unix_socket_mode)).ok()) return s;
      spdlog::info("listening on {} (NDJSON)", l->bound().ToString());
      tcp_listeners.push_back(std::move(l));
    } else {
      auto l = std::make_shared<UnixListener>(pool, stream_unix);
      if (!(s = l->Open(a, config.unix_socket_mode)).ok()) return s;
      spdlog::info("listening on {} (NDJSON, mode {:04o})", l->bound().ToString(), config.unix_socket_mode);
      unix_listeners.push_back(std::move(l));
    }
  }
  if (config.http_enabled) {
    auto l = std::make_shared<TcpListener>(pool, [this](asio::ip::tcp::socket s) {
      std::make_shared<HttpSession>(std::move(s), &ctx)->Start();
    });
    Status s = l->Open(config.http, 0);
    if (!s.ok()) return s;
    spdlog::info("http listening on {}", l->bound().ToString());
    tcp_listeners.push_back(std::move(l));
  }
  return Status::Ok();
}

void Server::Impl::RequestReload(std::function<void(Result<std::string>)> done) {
  asio::post(reload_pool, [this, done = std::move(done)] {
    std::shared_ptr<const LiveGeneration> old = holder.Current();
    auto r = holder.Reload();
    if (r.ok()) WarmIoThreads(std::move(old));
    if (done) done(std::move(r));
  });
}

void Server::Impl::WarmIoThreads(std::shared_ptr<const LiveGeneration> retired) {
  struct Retiring {
    std::atomic<unsigned> threads_left;
    std::shared_ptr<const LiveGeneration> gen;
  };
  auto retiring = std::make_shared<Retiring>();
  retiring->threads_left = pool.size() + (stdin_pump ? 1 : 0);
  retiring->gen = std::move(retired);
  auto let_go = [this, retiring] {
    if (retiring->threads_left.fetch_sub(1) == 1 && retiring->gen) {
      asio::post(reload_pool, [retiring] { retiring->gen.reset(); });
    }
  };
  pool.PostToEach([this, let_go] {
    ThreadModerator(*holder.Current(), ctx.moderation);
    let_go();
  });
  if (stdin_pump) stdin_pump->Refresh(let_go);
}

void Server::Impl::WaitSignal() {
  signals.async_wait([this](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    if (sig == SIGHUP) {
      spdlog::info("SIGHUP: reloading rules");
      RequestReload(nullptr);
    } else if (!shutting_down.load()) {
      Shutdown(sig == SIGTERM ? "SIGTERM" : "SIGINT");
    } else {
      spdlog::warn("second {}: closing every connection now", sig == SIGTERM ? "SIGTERM" : "SIGINT");
      Finish("forced");
      return;
    }
    WaitSignal();
  });
}

void Server::Impl::Shutdown(const char* why) {
  if (shutting_down.exchange(true)) return;
  spdlog::info("{}: shutting down: no new connections; draining {} open stream(s)", why, registry.size());
  for (auto& l : tcp_listeners) l->Stop();
  for (auto& l : unix_listeners) l->Stop();
  shutdown_timer.expires_after(std::chrono::seconds(config.shutdown_timeout_seconds));
  shutdown_timer.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    spdlog::warn("shutdown: {} connection(s) still open after {}s; closing them", registry.size(),
                 config.shutdown_timeout_seconds);
    Finish("deadline");
  });
  registry.DrainAll([this] { asio::post(pool.main(), [this] { Finish("drained"); }); });
}

void Server::Impl::Finish(const char* how) {
  if (finished.exchange(true)) return;
  spdlog::info("shutdown complete ({})", how);
  shutdown_timer.cancel();
  signals.cancel();
  pool.Stop();  // abandons sessions still open after the deadline; their sockets close
  // Standard input too: its answers may wait on a reader that stopped reading. After a
  // drain the pump has already stopped and this does nothing.
  if (stdin_pump) stdin_pump->Abandon();
}

int Server::Impl::Run() {
  if (Status s = holder.LoadInitial(); !s.ok()) return 1;

  ctx.holder = &holder;
  ctx.metrics = &metrics;
  ctx.registry = &registry;
  ctx.durability = &durability;
  if (!config.map_spec.empty()) {
    auto map = FieldMap::Parse(config.map_spec);
    if (!map.ok()) {
      spdlog::error("{}", map.status().message());
      return 1;
    }
    ctx.moderation.field_map = map.value();
  }
  ctx.moderation.max_line_bytes = config.max_line_bytes;
  ctx.idle_timeout = std::chrono::seconds(config.idle_timeout_seconds);
  ctx.max_pending_output_bytes = config.max_pending_output_bytes;
  ctx.max_body_bytes = config.max_body_bytes;
  ctx.admin_token = config.admin_token;
  ctx.reload_requires_token = config.AnyNonLoopback();
  ctx.reload = [this](std::function<void(Result<std::string>)> done) { RequestReload(std::move(done)); };
  ctx.ready = [this] { return !shutting_down.load(); };
  if (ctx.reload_requires_token && ctx.admin_token.empty()) {
    spdlog::warn("a listener is not on loopback and no admin token is configured: POST /v1/reload is disabled");
  }

  if (Status s = OpenListeners(); !s.ok()) {
    spdlog::error("{}", s.message());
    return 1;
  }
  ::signal(SIGPIPE, SIG_IGN);  // a vanished client is a write error, not a dead daemon
  WarmIoThreads(nullptr);  // queued first: runs as each io thread starts, before any accept
  WaitSignal();
  for (auto& l : tcp_listeners) l->Start();
  for (auto& l : unix_listeners) l->Start();

  if (config.use_stdin) {
    // With nothing else to serve, the end of standard input ends the daemon.
    const bool only_stdin = config.listen.empty() && !config.http_enabled;
    stdin_pump = std::make_shared<StdinPump>(&ctx, STDIN_FILENO, STDOUT_FILENO, [this, only_stdin](bool failed) {
      if (!only_stdin) return;
      asio::post(pool.main(), [this, failed] {
        Shutdown(failed ? "standard input stopped on the failure above" : "end of standard input");
      });
    });
    stdin_pump->Start();
  }

  spdlog::info("serving with {} io thread(s)", pool.size());
  int rc = 0;
  try {
    pool.Run();
  } catch (const std::exception& e) {
    // A bug, not a client's doing: stop serving, but still drain standard input, let the
    // reload thread finish and remove the socket files.
    spdlog::critical("an io thread failed: {}; stopping", e.what());
    rc = 1;
  }
  if (stdin_pump) {
    stdin_pump->Drain();
    stdin_pump->Join();
    if (stdin_pump->failed()) rc = 1;  // comments on standard input went unanswered
  }
  reload_pool.join();
  for (auto& l : unix_listeners) l->RemoveSocketFile();
  return rc;
}

}  // namespace decorum::serve
