// Test tool: runs parseTlsServerFlight over server byte streams given as hex, one per line
// ("<id> <hex>"), and prints one tab-separated line per input for tests/e2e/cert_agreement.py:
//   id status version cipher ja4s cert_count subject issuer next_issuer sans flags
// Text fields are hex-encoded ("-" when absent) so that any byte survives; `sans` is the hex of
// the stored DNS SANs joined by ','; flags: c = flight_cut, n = next_malformed, x =
// bad_extensions. Not part of vendorwatch: it only drives the parser from scripts.
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <vw/classify/proto/tls_server.h>

namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

bool fromHex(std::string_view s, std::vector<std::uint8_t>& out) {
  out.clear();
  if (s.size() % 2 != 0)
    return false;
  for (std::size_t i = 0; i < s.size(); i += 2) {
    const int hi = hexValue(s[i]), lo = hexValue(s[i + 1]);
    if (hi < 0 || lo < 0)
      return false;
    out.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
  }
  return true;
}

std::string toHex(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char c : s) {
    const auto b = static_cast<std::uint8_t>(c);
    out += kHex[b >> 4];
    out += kHex[b & 0x0f];
  }
  return out;
}

/// The hex of `v`, or "-" when the field is absent (an empty value gives an empty field).
std::string field(bool present, std::string_view v) {
  return present ? toHex(v) : "-";
}

} // namespace

int main() {
  using namespace vw::classify;
  std::string line;
  std::vector<std::uint8_t> bytes;
  auto info = std::make_unique<TlsServerInfo>();
  while (std::getline(std::cin, line)) {
    const std::size_t sp = line.find(' ');
    const std::string id = line.substr(0, sp);
    if (sp == std::string::npos || !fromHex(std::string_view(line).substr(sp + 1), bytes)) {
      std::printf("%s\tbad_input\n", id.c_str());
      continue;
    }
    const TlsServerStatus st = parseTlsServerFlight(bytes, *info);
    const TlsServerInfo& t = *info;
    std::string sans;
    for (std::size_t i = 0; i < t.leaf.san_stored; ++i) {
      if (i > 0)
        sans += ',';
      sans += toHex(t.leaf.sans[i].view());
    }
    std::string flags;
    if (t.flight_cut)
      flags += 'c';
    if (t.next_malformed)
      flags += 'n';
    if (t.leaf.bad_extensions)
      flags += 'x';
    std::printf("%s\t%s\t%04x\t%04x\t%s\t%u\t%s\t%s\t%s\t%s\t%s\n", id.c_str(),
                tlsServerStatusName(st), t.version, t.cipher,
                t.ja4s.empty() ? "-" : t.ja4s.str().c_str(), static_cast<unsigned>(t.cert_count),
                field(t.has_certificate, t.leaf.subject.view()).c_str(),
                field(t.has_certificate, t.leaf.issuer.view()).c_str(),
                field(t.has_next_issuer, t.next_issuer.view()).c_str(),
                sans.empty() ? "-" : sans.c_str(), flags.empty() ? "-" : flags.c_str());
  }
  return 0;
}
