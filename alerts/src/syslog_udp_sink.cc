// Syslog over UDP (RFC 5426): one datagram per event, no framing, never blocks.

#include <atomic>
#include <mutex>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include "syslog_internal.h"

namespace vw::alerts::detail {

namespace {

namespace asio = boost::asio;
using udp = asio::ip::udp;

class UdpSyslogSink final : public EventSink {
public:
  explicit UdpSyslogSink(const SyslogOptions& opt)
      : opt_(opt), name_("syslog:" + opt.target.url()), sock_(ioc_) {}

  bool open(std::string& err) {
    boost::system::error_code ec;
    udp::resolver resolver(ioc_);
    auto results = resolver.resolve(opt_.target.host, std::to_string(opt_.target.port), ec);
    if (ec || results.empty()) {
      err = "syslog: cannot resolve '" + opt_.target.host + "': " + ec.message();
      return false;
    }
    for (const auto& r : results) {
      sock_.close(ec);
      sock_.open(r.endpoint().protocol(), ec);
      if (ec)
        continue;
      // A connected UDP socket reports ICMP port-unreachable as ECONNREFUSED on a later send.
      sock_.connect(r.endpoint(), ec);
      if (!ec)
        break;
    }
    if (ec) {
      err = "syslog: cannot open UDP socket to " + opt_.target.url() + ": " + ec.message();
      return false;
    }
    sock_.non_blocking(true, ec);
    stats_.connected = true;
    return true;
  }

  void write(const OutEvent& ev) override {
    const std::string msg = encodeSyslogMessage(ev, opt_.format, opt_.encode);
    std::lock_guard lk(mu_);
    boost::system::error_code ec;
    sock_.send(asio::buffer(msg), 0, ec);
    stats_.connected = !ec || ec == asio::error::would_block;
    if (!ec) {
      ++stats_.sent;
    } else if (ec == asio::error::would_block) {
      ++stats_.dropped; // socket buffer full: never wait
    } else {
      ++stats_.failed; // e.g. connection refused (ICMP), message too long
      last_error_ = "send to " + opt_.target.url() + ": " + ec.message();
    }
  }
  bool flush(int /*timeout_ms*/) override { return true; }
  SinkStats stats() const override {
    std::lock_guard lk(mu_);
    return stats_;
  }
  std::string name() const override { return name_; }
  std::string lastError() const override {
    std::lock_guard lk(mu_);
    return last_error_;
  }

private:
  SyslogOptions opt_;
  std::string name_;
  asio::io_context ioc_;
  udp::socket sock_;
  mutable std::mutex mu_;
  SinkStats stats_;
  std::string last_error_;
};

} // namespace

EventSinkPtr makeUdpSyslogSink(const SyslogOptions& opt, std::string& err) {
  auto sink = std::make_unique<UdpSyslogSink>(opt);
  if (!sink->open(err))
    return nullptr;
  return sink;
}

} // namespace vw::alerts::detail
