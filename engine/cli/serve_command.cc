// decorum serve : the daemon (SPEC §9). Settings come from --config FILE and are then
// overridden by any flag given on the command line.
#include <boost/program_options.hpp>
#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "cli/unsigned_option.h"
#include "decode/comment_decoder.h"
#include "serve/log_setup.h"
#include "serve/serve_config.h"
#include "serve/server.h"

namespace po = boost::program_options;

namespace decorum::cli {

int RunServe(const std::vector<std::string>& args) {
  const serve::ServeConfig defaults;
  std::string config_path;
  po::options_description desc(
      "Usage: decorum serve [--config FILE] [--stdin] [--listen ADDR]... [--http HOST:PORT] [options]\n"
      "Serves moderation decisions: NDJSON comments in, one decision record per comment out,\n"
      "in order, on standard input/output and on every --listen stream; HTTP endpoints on\n"
      "--http. SIGHUP reloads the rules; SIGTERM stops reading, answers every comment already\n"
      "read, closes and exits 0 (a client resends what got no answer).\n"
      "Every flag overrides the same setting in the config file.\n\nOptions");
  desc.add_options()
      ("help,h", "show this help")
      ("config", po::value<std::string>(&config_path), "YAML config file (see deploy/decorum.yaml)")
      ("stdin", "serve NDJSON on standard input / standard output")
      ("listen", po::value<std::vector<std::string>>(),
       "NDJSON stream listener, repeatable: tcp://HOST:PORT (port 0: any free port) or unix:PATH")
      ("http", po::value<std::string>(), "HTTP listener HOST:PORT (/v1/moderate, /metrics, /healthz, /readyz, /v1/reload)")
      ("rules", po::value<std::string>(), "rules directory (default: the built-in pack)")
      ("on-error", po::value<std::string>(), "fail: refuse a rule set with any error (default); skip: drop broken rules")
      ("cache-dir", po::value<std::string>(),
       "compiled rule database cache; empty to disable (default: $DECORUM_CACHE_DIR, "
       "$XDG_CACHE_HOME/decorum or ~/.cache/decorum)")
      ("admin-token", po::value<std::string>(), "token required by POST /v1/reload (Authorization: Bearer TOKEN)")
      ("admin-token-file", po::value<std::string>(), "read the admin token from the first line of FILE")
      ("map", po::value<std::string>(), "field remapping, as in 'decorum score --map'")
      ("max-line-bytes", po::value<Unsigned<size_t>>(),
       ("longer lines get an error record (default " + std::to_string(defaults.max_line_bytes) + ")").c_str())
      ("max-body-bytes", po::value<Unsigned<size_t>>(),
       ("larger HTTP bodies get 413 (default " + std::to_string(defaults.max_body_bytes) + ")").c_str())
      ("max-connections", po::value<Unsigned<size_t>>(),
       ("open stream and HTTP connections at most (default " + std::to_string(defaults.max_connections) + ")").c_str())
      ("idle-timeout", po::value<Unsigned<uint32_t>>(),
       ("seconds without progress before a connection is closed (default " + std::to_string(defaults.idle_timeout_seconds) + ")").c_str())
      ("max-pending-output-bytes", po::value<Unsigned<size_t>>(),
       ("unread decisions per stream before decorum stops reading it (default " + std::to_string(defaults.max_pending_output_bytes) + ")").c_str())
      ("shutdown-timeout", po::value<Unsigned<uint32_t>>(),
       ("seconds SIGTERM waits for connections to drain (default " + std::to_string(defaults.shutdown_timeout_seconds) + ")").c_str())
      ("threads,t", po::value<Unsigned<unsigned>>(), "io threads (default 0: one per core)")
      ("unix-socket-mode", po::value<std::string>(), "permissions of unix: sockets, octal (default 0600)")
      ("log-level", po::value<std::string>(), "trace, debug, info (default), warn, error")
      ("log-format", po::value<std::string>(), "text (default) or json");

  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(desc).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "decorum serve: " << e.what() << "\n\n" << desc << "\n";
    return 2;
  }
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return 0;
  }

  serve::ServeConfig config;
  if (!config_path.empty()) {
    Status s = serve::LoadConfigFile(config_path, &config);
    if (!s.ok()) {
      std::cerr << "decorum serve: " << s.message() << "\n";
      return 2;
    }
  }
  auto fail = [](const std::string& msg) {
    std::cerr << "decorum serve: " << msg << "\n";
    return 2;
  };
  if (vm.count("stdin")) config.use_stdin = true;
  if (vm.count("listen")) {
    config.listen.clear();
    for (const auto& spec : vm["listen"].as<std::vector<std::string>>()) {
      auto a = serve::ParseListenAddress(spec);
      if (!a.ok()) return fail("--listen " + a.status().message());
      config.listen.push_back(a.value());
    }
  }
  if (vm.count("http")) {
    auto a = serve::ParseHostPort(vm["http"].as<std::string>());
    if (!a.ok()) return fail("--http " + a.status().message());
    config.http = a.value();
    config.http.http = true;
    config.http_enabled = true;
  }
  if (vm.count("rules")) config.rules_dir = vm["rules"].as<std::string>();
  if (vm.count("on-error")) config.on_error = vm["on-error"].as<std::string>();
  if (vm.count("cache-dir")) config.cache_dir = vm["cache-dir"].as<std::string>();
  if (vm.count("admin-token")) config.admin_token = vm["admin-token"].as<std::string>();
  if (vm.count("admin-token-file")) {
    const std::string path = vm["admin-token-file"].as<std::string>();
    std::ifstream in(path);
    if (!in || !std::getline(in, config.admin_token) || config.admin_token.empty()) {
      return fail("--admin-token-file: cannot read a token from '" + path + "'");
    }
  }
  if (vm.count("map")) config.map_spec = vm["map"].as<std::string>();
  if (vm.count("max-line-bytes")) config.max_line_bytes = vm["max-line-bytes"].as<Unsigned<size_t>>().value;
  if (vm.count("max-body-bytes")) config.max_body_bytes = vm["max-body-bytes"].as<Unsigned<size_t>>().value;
  if (vm.count("max-connections")) config.max_connections = vm["max-connections"].as<Unsigned<size_t>>().value;
  if (vm.count("idle-timeout")) config.idle_timeout_seconds = vm["idle-timeout"].as<Unsigned<uint32_t>>().value;
  if (vm.count("max-pending-output-bytes")) config.max_pending_output_bytes = vm["max-pending-output-bytes"].as<Unsigned<size_t>>().value;
  if (vm.count("shutdown-timeout")) config.shutdown_timeout_seconds = vm["shutdown-timeout"].as<Unsigned<uint32_t>>().value;
  if (vm.count("threads")) config.threads = vm["threads"].as<Unsigned<unsigned>>().value;
  if (vm.count("unix-socket-mode")) {
    const std::string m = vm["unix-socket-mode"].as<std::string>();
    size_t used = 0;
    unsigned long mode = 0;
    try {
      mode = std::stoul(m, &used, 8);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != m.size() || mode > 0777) return fail("--unix-socket-mode must be an octal mode like 0600, not '" + m + "'");
    config.unix_socket_mode = static_cast<uint32_t>(mode);
  }
  if (vm.count("log-level")) config.log_level = vm["log-level"].as<std::string>();
  if (vm.count("log-format")) config.log_format = vm["log-format"].as<std::string>();
  if (Status s = config.Validate(serve::ServeConfig::SettingNames::kServeFlags); !s.ok()) return fail(s.message());
  if (!config.map_spec.empty()) {
    if (auto m = FieldMap::Parse(config.map_spec); !m.ok()) return fail(m.status().message());
  }

  serve::SetUpLogging(config.log_format, config.log_level);
  serve::Server server(std::move(config));
  return server.Run();
}

}  // namespace decorum::cli
