// udp:// tcp:// tls:// syslog target URLs.

#include <algorithm>
#include <cctype>
#include <charconv>

#include <vw/alerts/sinks.h>

namespace vw::alerts {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool fail(std::string* err, std::string_view url, std::string_view why) {
  if (err)
    *err = "bad syslog URL '" + std::string(url) + "': " + std::string(why) +
           " (expected udp://HOST[:PORT], tcp://HOST[:PORT] or tls://HOST[:PORT])";
  return false;
}

bool validHostChar(char ch) {
  const auto c = static_cast<unsigned char>(ch);
  return std::isalnum(c) || ch == '-' || ch == '.' || ch == '_';
}

} // namespace

std::string SyslogTarget::url() const {
  const char* scheme = transport == SyslogTransport::Udp   ? "udp"
                       : transport == SyslogTransport::Tcp ? "tcp"
                                                           : "tls";
  const bool v6 = host.find(':') != std::string::npos;
  return std::string(scheme) + "://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::optional<SyslogTarget> parseSyslogUrl(std::string_view url, std::string* err) {
  SyslogTarget t;
  const std::size_t sep = url.find("://");
  if (sep == std::string_view::npos) {
    fail(err, url, "missing scheme");
    return std::nullopt;
  }
  const std::string scheme = lower(url.substr(0, sep));
  if (scheme == "udp") {
    t.transport = SyslogTransport::Udp;
    t.port = 514;
  } else if (scheme == "tcp") {
    t.transport = SyslogTransport::Tcp;
    t.port = 514;
  } else if (scheme == "tls") {
    t.transport = SyslogTransport::Tls;
    t.port = 6514;
  } else {
    fail(err, url, "unknown scheme '" + scheme + "'");
    return std::nullopt;
  }
  std::string_view rest = url.substr(sep + 3);
  if (!rest.empty() && rest.back() == '/')
    rest.remove_suffix(1);
  std::string_view host, port;
  if (!rest.empty() && rest.front() == '[') {
    const std::size_t close = rest.find(']');
    if (close == std::string_view::npos) {
      fail(err, url, "unterminated '[' in IPv6 address");
      return std::nullopt;
    }
    host = rest.substr(1, close - 1);
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        fail(err, url, "unexpected text after ']'");
        return std::nullopt;
      }
      port = after.substr(1);
      if (port.empty()) {
        fail(err, url, "empty port");
        return std::nullopt;
      }
    }
    if (host.empty() || !std::all_of(host.begin(), host.end(), [](char c) {
          return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
        })) {
      fail(err, url, "invalid IPv6 address");
      return std::nullopt;
    }
  } else {
    const std::size_t colon = rest.find(':');
    host = rest.substr(0, colon);
    if (colon != std::string_view::npos) {
      port = rest.substr(colon + 1);
      if (port.find(':') != std::string_view::npos) {
        fail(err, url, "IPv6 addresses must be written in brackets, e.g. tcp://[::1]:514");
        return std::nullopt;
      }
      if (port.empty()) {
        fail(err, url, "empty port");
        return std::nullopt;
      }
    }
    if (host.empty()) {
      fail(err, url, "missing host");
      return std::nullopt;
    }
    if (!std::all_of(host.begin(), host.end(), validHostChar)) {
      fail(err, url, "invalid character in host name");
      return std::nullopt;
    }
  }
  if (!port.empty()) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), v);
    if (ec != std::errc() || p != port.data() + port.size() || v == 0 || v > 65535) {
      fail(err, url, "port must be a number 1..65535");
      return std::nullopt;
    }
    t.port = static_cast<std::uint16_t>(v);
  }
  t.host = std::string(host);
  return t;
}

} // namespace vw::alerts
