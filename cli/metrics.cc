#include "metrics.h"

#include <array>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

namespace vw::cli {

namespace asio = boost::asio;
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
  Impl(asio::io_context& io, std::function<std::string()> r)
      : io_(io), acceptor_(io), render_(std::move(r)) {}

  struct Conn {
    explicit Conn(asio::io_context& io) : sock(io) {}
    tcp::socket sock;
    asio::streambuf in{8192};
    std::string out;
  };

  void accept() {
    auto self = shared_from_this();
    auto c = std::make_shared<Conn>(io_);
    acceptor_.async_accept(c->sock, [self, c](const boost::system::error_code& ec) {
      if (ec == asio::error::operation_aborted || !self->acceptor_.is_open())
        return;
      if (!ec)
        self->serve(c);
      self->accept();
    });
  }

  void serve(const std::shared_ptr<Conn>& c) {
    auto self = shared_from_this();
    asio::async_read_until(
        c->sock, c->in, "\r\n\r\n", [self, c](const boost::system::error_code& ec, std::size_t) {
          if (ec)
            return; // closed, or request larger than 8 KiB
          std::istream is(&c->in);
          std::string method;
          is >> method;
          std::string body, status = "200 OK";
          if (method == "GET" || method == "HEAD") {
            body = self->render_();
          } else {
            status = "405 Method Not Allowed";
            body = "method not allowed\n";
          }
          c->out = "HTTP/1.1 " + status +
                   "\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
                   "Content-Length: " +
                   std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
          if (method != "HEAD")
            c->out += body;
          asio::async_write(c->sock, asio::buffer(c->out),
                            [c](const boost::system::error_code&, std::size_t) {
                              boost::system::error_code ig;
                              c->sock.shutdown(tcp::socket::shutdown_both, ig);
                              c->sock.close(ig);
                            });
        });
  }

  asio::io_context& io_;
  tcp::acceptor acceptor_;
  std::function<std::string()> render_;
};

MetricsServer::MetricsServer(asio::io_context& io, std::function<std::string()> render)
    : impl_(std::make_shared<Impl>(io, std::move(render))) {}

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

} // namespace vw::cli
