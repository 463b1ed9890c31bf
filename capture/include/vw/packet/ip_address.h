#pragma once
/// @file ip_address.h
/// A small value type for IPv4 and IPv6 addresses (IPv4 stored in the first 4 bytes).

#include <array>
#include <compare>
#include <cstdint>
#include <span>
#include <string>

namespace vw {

struct IpAddr {
  std::array<std::uint8_t, 16> bytes{}; ///< network order; IPv4 uses bytes[0..3], rest zero
  std::uint8_t family = 0;              ///< 4, 6, or 0 for none

  static IpAddr v4(std::span<const std::uint8_t> b4) {
    IpAddr a;
    a.family = 4;
    for (std::size_t i = 0; i < 4 && i < b4.size(); ++i)
      a.bytes[i] = b4[i];
    return a;
  }
  static IpAddr v6(std::span<const std::uint8_t> b16) {
    IpAddr a;
    a.family = 6;
    for (std::size_t i = 0; i < 16 && i < b16.size(); ++i)
      a.bytes[i] = b16[i];
    return a;
  }
  bool isV4() const { return family == 4; }
  bool isV6() const { return family == 6; }
  /// The address bytes only: 4 for IPv4, 16 for IPv6.
  std::span<const std::uint8_t> span() const {
    return {bytes.data(), family == 4 ? 4u : (family == 6 ? 16u : 0u)};
  }
  auto operator<=>(const IpAddr&) const = default;
  bool operator==(const IpAddr&) const = default;

  /// Canonical text form (dotted quad, or RFC 5952 IPv6). Allocates; not for the packet path.
  std::string toString() const;
  /// Parses dotted-quad or IPv6 text; returns false if `text` is not an address.
  static bool parse(std::string_view text, IpAddr& out);
};

} // namespace vw
