#include <array>

#include <vw/classify/facts.h>
#include <vw/signatures/matcher.h>

namespace vw::classify {

FlowFacts::FlowFacts() = default;
FlowFacts::~FlowFacts() = default;

const char* confidenceName(Confidence c) {
  switch (c) {
  case Confidence::Low:
    return "low";
  case Confidence::Medium:
    return "medium";
  case Confidence::High:
    return "high";
  case Confidence::None:
    break;
  }
  return "none";
}

const char* hostRoleName(HostRole r) {
  return r == HostRole::Server ? "server" : "client";
}

const char* usageName(Usage u) {
  return u == Usage::Web ? "web" : "product";
}

namespace {
constexpr std::array<std::string_view, static_cast<std::size_t>(Field::Count_)> kFieldNames = {
    "tls.sni",
    "quic.sni",
    "http.host",
    "http.user_agent",
    "http.path",
    "http.request_header",
    "ja3",
    "ja4",
    "dns.query",
    "dns.cname",
    "dns.answer",
    "dns.cache",
    "ip",
    "port",
    "instance",
    "tls.subject",
    "tls.issuer",
    "tls.san",
    "http.response_header",
    "banner",
    "syslog",
    "dpi",
    "ip.inbound"};
} // namespace

std::string_view fieldName(Field f) {
  const auto i = static_cast<std::size_t>(f);
  return i < kFieldNames.size() ? kFieldNames[i] : std::string_view("unknown");
}

bool parseField(std::string_view name, Field& out) {
  for (std::size_t i = 0; i < kFieldNames.size(); ++i)
    if (kFieldNames[i] == name) {
      out = static_cast<Field>(i);
      return true;
    }
  return false;
}

bool isServerSide(Field f) {
  return f >= Field::TlsSubject && f < Field::Count_;
}

bool isNamedField(Field f) {
  switch (f) {
  case Field::TlsSni:
  case Field::QuicSni:
  case Field::HttpHost:
  case Field::HttpPath:
  case Field::DnsQuery:
  case Field::DnsCname:
  case Field::TlsSubject:
  case Field::TlsIssuer:
  case Field::TlsSan:
  case Field::HttpResponseHeader:
  case Field::Banner:
  case Field::Syslog:
  case Field::Dpi:
  case Field::Instance:
    return true;
  default:
    return false;
  }
}

} // namespace vw::classify
