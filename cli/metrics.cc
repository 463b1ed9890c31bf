#include "metrics.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace vw::cli {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

bool parseListenAddress(const std::string& spec, std::string& host, unsigned short& port,
                        std::string& err) {
  host = "127.0.0.1";
  std::string p = spec;
  if (!spec.empty() && spec.front() == '[') {
    const auto close = spec.find(']');
    if (close == std::string::npos || close + 1 >= spec.size() || spec[close + 1] != ':') {
      err = "--metrics: expected [ADDR]:PORT, got '" + spec + "'";
      return false;
    }
    host = spec.substr(1, close - 1);
    p = spec.substr(close + 2);
  } else if (const auto colon = spec.rfind(':'); colon != std::string::npos) {
    if (colon != 0)
      host = spec.substr(0, colon);
    p = spec.substr(colon + 1);
  }
  if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos ||
      std::stoul(p) > 65535) {
    err = "--metrics: bad port in '" + spec + "'";
    return false;
  }
  port = static_cast<unsigned short>(std::stoul(p));
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  if (ec) {
    err = "--metrics: '" + host + "' is not an IP address";
    return false;
  }
  return true;
}

struct MetricsServer::Impl : std::enable_shared_from_this<MetricsServer::Impl> {
  Impl(asio::io_context& io, std::function<std::string()> r, Limits l)
      : io_(io), acceptor_(io), render_(std::move(r)), lim_(l) {}

  /// One connection: read one request (headers only, 8 KiB at most) within the deadline,
  /// answer within the deadline, close.
  struct Session : std::enable_shared_from_this<Session> {
    Session(tcp::socket s, std::shared_ptr<Impl> owner)
        : stream(std::move(s)), impl(std::move(owner)) {
      ++impl->active_;
    }
    ~Session() { --impl->active_; }

    void start() {
      parser.header_limit(8192);
      parser.body_limit(0);
      stream.expires_after(impl->lim_.timeout);
      http::async_read(
          stream, buf, parser,
          [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onRead(ec); });
    }

    void onRead(beast::error_code ec) {
      if (ec) {
        if (ec == beast::error::timeout)
          ++impl->counters_.timed_out;
        else if (ec != http::error::end_of_stream && ec != asio::error::operation_aborted)
          ++impl->counters_.bad_requests;
        return closeNow();
      }
      const auto& req = parser.get();
      res.version(11);
      res.keep_alive(false);
      res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
      const std::string_view target(req.target().data(), req.target().size());
      if (req.method() != http::verb::get && req.method() != http::verb::head) {
        res.result(http::status::method_not_allowed);
        res.body() = "method not allowed\n";
      } else if (target != "/metrics" && target != "/") {
        res.result(http::status::not_found);
        res.body() = "not found: try /metrics\n";
      } else {
        res.result(http::status::ok);
        res.body() = impl->render_();
      }
      res.prepare_payload();
      if (req.method() == http::verb::head)
        res.body().clear(); // Content-Length stays that of the GET answer
      ++impl->counters_.served;
      stream.expires_after(impl->lim_.timeout);
      http::async_write(stream, res,
                        [self = shared_from_this()](beast::error_code wec, std::size_t) {
                          if (wec == beast::error::timeout)
                            ++self->impl->counters_.timed_out;
                          self->closeNow();
                        });
    }

    void closeNow() {
      beast::error_code ig;
      stream.socket().shutdown(tcp::socket::shutdown_both, ig);
      stream.close();
    }

    beast::tcp_stream stream;
    beast::flat_buffer buf{8192};
    http::request_parser<http::empty_body> parser;
    http::response<http::string_body> res;
    std::shared_ptr<Impl> impl;
  };

  void accept() {
    acceptor_.async_accept(
        io_, [self = shared_from_this()](const boost::system::error_code& ec, tcp::socket sock) {
          if (ec == asio::error::operation_aborted || !self->acceptor_.is_open())
            return;
          if (!ec) {
            if (self->active_ >= self->lim_.max_connections) {
              ++self->counters_.refused;
              boost::system::error_code ig;
              sock.close(ig);
            } else {
              std::make_shared<Session>(std::move(sock), self)->start();
            }
          }
          self->accept();
        });
  }

  asio::io_context& io_;
  tcp::acceptor acceptor_;
  std::function<std::string()> render_;
  Limits lim_;
  std::size_t active_ = 0;
  Counters counters_;
};

MetricsServer::MetricsServer(asio::io_context& io, std::function<std::string()> render, Limits lim)
    : impl_(std::make_shared<Impl>(io, std::move(render), lim)) {}

MetricsServer::~MetricsServer() {
  close();
}

bool MetricsServer::listen(const std::string& spec, std::string& err) {
  std::string host;
  unsigned short port = 0;
  if (!parseListenAddress(spec, host, port, err))
    return false;
  boost::system::error_code ec;
  const tcp::endpoint ep(asio::ip::make_address(host), port);
  auto& a = impl_->acceptor_;
  if (a.open(ep.protocol(), ec) || a.set_option(tcp::acceptor::reuse_address(true), ec) ||
      a.bind(ep, ec) || a.listen(16, ec)) {
    err = "--metrics " + spec + ": " + ec.message();
    boost::system::error_code ig;
    a.close(ig);
    return false;
  }
  impl_->accept();
  return true;
}

void MetricsServer::close() {
  if (impl_ && impl_->acceptor_.is_open()) {
    boost::system::error_code ig;
    impl_->acceptor_.close(ig);
  }
}

std::string MetricsServer::boundAddress() const {
  boost::system::error_code ec;
  const auto ep = impl_->acceptor_.local_endpoint(ec);
  if (ec)
    return {};
  return ep.address().to_string() + ":" + std::to_string(ep.port());
}

MetricsServer::Counters MetricsServer::counters() const {
  return impl_->counters_;
}

} // namespace vw::cli
