#pragma once
// `--metrics ADDR:PORT`: a minimal HTTP responder serving Prometheus text format. It binds
// only the address given (default 127.0.0.1) and answers every request with the current
// metrics, then closes the connection. Runs on the caller's io_context (single-threaded).

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
  /// `render` returns the exposition text; called on the io_context thread per request.
  MetricsServer(boost::asio::io_context& io, std::function<std::string()> render);
  ~MetricsServer();
  /// Binds and listens; false + message on failure.
  bool listen(const std::string& spec, std::string& err);
  /// Stops accepting (shutdown).
  void close();
  /// The bound "host:port" (useful with port 0).
  std::string boundAddress() const;

private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

} // namespace vw::cli
