// IpAddr text conversion (control path only: allocates).
#include <arpa/inet.h>
#include <array>
#include <netinet/in.h>
#include <string>
#include <string_view>

#include <vw/packet/ip_address.h>

namespace vw {

std::string IpAddr::toString() const {
  // INET6_ADDRSTRLEN covers both forms; inet_ntop emits RFC 5952 text for IPv6 on glibc
  // (lower case, longest zero run compressed, leftmost on ties, no single-group "::").
  std::array<char, INET6_ADDRSTRLEN> buf{};
  if (family == 4) {
    if (inet_ntop(AF_INET, bytes.data(), buf.data(), buf.size()) != nullptr)
      return std::string(buf.data());
  } else if (family == 6) {
    if (inet_ntop(AF_INET6, bytes.data(), buf.data(), buf.size()) != nullptr)
      return std::string(buf.data());
  }
  return {};
}

bool IpAddr::parse(std::string_view text, IpAddr& out) {
  // inet_pton needs a NUL-terminated string; longer text cannot be an address anyway.
  std::array<char, INET6_ADDRSTRLEN + 1> buf{};
  if (text.empty() || text.size() >= buf.size())
    return false;
  text.copy(buf.data(), text.size());
  IpAddr a;
  if (inet_pton(AF_INET, buf.data(), a.bytes.data()) == 1) {
    a.family = 4;
    out = a;
    return true;
  }
  a = IpAddr{};
  if (inet_pton(AF_INET6, buf.data(), a.bytes.data()) == 1) {
    a.family = 6;
    out = a;
    return true;
  }
  return false;
}

} // namespace vw
