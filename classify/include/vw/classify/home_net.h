#pragma once
/// @file home_net.h
/// The set of internal networks (--home-net), used to decide which side of a flow is the host.

#include <string>
#include <string_view>
#include <vector>

#include <vw/packet/ip_address.h>

namespace vw::classify {

struct Prefix {
  IpAddr net{};
  std::uint8_t len = 0;
};

class HomeNet {
public:
  /// The default: 10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7, fe80::/10.
  static HomeNet defaults();
  /// Parses "CIDR,CIDR,..."; on error returns false and sets `error` to a message naming the
  /// bad element.
  static bool parse(std::string_view list, HomeNet& out, std::string& error);
  bool contains(const IpAddr& a) const;
  const std::vector<Prefix>& prefixes() const { return prefixes_; }
  std::string toString() const;

private:
  std::vector<Prefix> prefixes_;
};

/// Parses one "addr/len" (or a bare address = host prefix). Returns false on error.
bool parsePrefix(std::string_view text, Prefix& out);
/// True if `a` lies in `p` (same family).
bool prefixContains(const Prefix& p, const IpAddr& a);

} // namespace vw::classify
