#pragma once
// `--metrics ADDR:PORT`: Prometheus text format over HTTP/1.1, served with Boost.Beast on the
// caller's io_context (single-threaded). It binds only the address given (default 127.0.0.1),
// answers GET/HEAD /metrics and closes the connection. Every connection has a deadline for
// reading its request and writing the answer, and only a bounded number are served at once
// (more are closed as soon as they are accepted), so a slow or hostile client can neither
// hold the endpoint nor pile up memory. Rendering reads published counters: a scrape never
// waits for the capture workers.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

namespace vw::cli {

/// Parses "HOST:PORT", "[V6]:PORT", ":PORT" or "PORT" (HOST defaults to 127.0.0.1).
bool parseListenAddress(const std::string& spec, std::string& host, unsigned short& port,
                        std::string& err);

class MetricsServer {
public:
  struct Limits {
    std::chrono::milliseconds timeout{5000}; ///< to read the request, and to write the answer
    std::size_t max_connections = 8;         ///< served at once
  };
  /// Counters of the endpoint itself.
  struct Counters {
    std::uint64_t served = 0, refused = 0, timed_out = 0, bad_requests = 0;
  };

  /// `render` returns the exposition text; called on the io_context thread per request.
  MetricsServer(boost::asio::io_context& io, std::function<std::string()> render, Limits lim);
  ~MetricsServer();
  /// Binds and listens; false + message on failure.
  bool listen(const std::string& spec, std::string& err);
  /// Stops accepting and closes open connections (shutdown).
  void close();
  /// The bound "host:port" (useful with port 0).
  std::string boundAddress() const;
  Counters counters() const;

private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

} // namespace vw::cli
