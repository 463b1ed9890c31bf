#pragma once
/// @file frame_builder.h
/// Small helpers that assemble byte fixtures (headers in network order) for decoder tests.
/// Lengths are passed explicitly so a test states what each header claims.

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

#include <vw/packet/decode.h>
#include <vw/packet/packet.h>

namespace vw::test {

using Bytes = std::vector<std::uint8_t>;
using V4 = std::array<std::uint8_t, 4>;
using V6 = std::array<std::uint8_t, 16>;

inline constexpr V4 kA4{10, 0, 0, 1};
inline constexpr V4 kB4{10, 0, 0, 2};
inline constexpr V4 kOuterA4{192, 0, 2, 1};
inline constexpr V4 kOuterB4{198, 51, 100, 2};
inline constexpr V6 kA6{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
inline constexpr V6 kB6{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

inline Bytes operator+(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

inline void put8(Bytes& b, unsigned v) {
  b.push_back(static_cast<std::uint8_t>(v));
}
inline void put16(Bytes& b, unsigned v) {
  put8(b, (v >> 8) & 0xFF);
  put8(b, v & 0xFF);
}
inline void put32(Bytes& b, std::uint32_t v) {
  put16(b, v >> 16);
  put16(b, v & 0xFFFF);
}
inline void put32Le(Bytes& b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i)
    put8(b, (v >> (8 * i)) & 0xFF);
}

/// Bytes from hex text; spaces are ignored.
inline Bytes hex(std::string_view text) {
  Bytes out;
  int hi = -1;
  for (char c : text) {
    int v = -1;
    if (c >= '0' && c <= '9')
      v = c - '0';
    else if (c >= 'a' && c <= 'f')
      v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      v = c - 'A' + 10;
    if (v < 0)
      continue;
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(hi * 16 + v));
      hi = -1;
    }
  }
  return out;
}

/// `n` bytes of a recognisable pattern (0xA0, 0xA1, ...).
inline Bytes payload(std::size_t n) {
  Bytes b;
  for (std::size_t i = 0; i < n; ++i)
    put8(b, 0xA0 + (i & 0x0F));
  return b;
}

inline Bytes ethernet(std::uint16_t type) {
  Bytes b{0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x02, 0x66, 0x77, 0x88, 0x99, 0xAA};
  put16(b, type);
  return b;
}

/// One 802.1Q/802.1ad tag body: TCI then the next ethertype.
inline Bytes vlanTag(std::uint16_t tci, std::uint16_t next) {
  Bytes b;
  put16(b, tci);
  put16(b, next);
  return b;
}

inline Bytes mplsLabel(std::uint32_t label, bool bottom, std::uint8_t ttl = 64) {
  Bytes b;
  put32(b, (label << 12) | (bottom ? 0x100u : 0u) | ttl);
  return b;
}

/// PPPoE session header; `length` covers the PPP protocol field and what follows.
inline Bytes pppoe(std::uint16_t length, std::uint16_t session = 0x1234) {
  Bytes b{0x11, 0x00};
  put16(b, session);
  put16(b, length);
  return b;
}

/// IPv4 header. `l4_len` is the length of everything after the header (options included in
/// the header). `frag` is the raw flags/fragment-offset field.
inline Bytes ipv4(std::uint8_t proto, V4 src, V4 dst, std::size_t l4_len, const Bytes& options = {},
                  std::uint16_t frag = 0x4000) {
  Bytes b;
  const std::size_t hlen = 20 + options.size();
  put8(b, 0x40 | static_cast<unsigned>(hlen / 4));
  put8(b, 0);
  put16(b, static_cast<unsigned>(hlen + l4_len));
  put16(b, 0x1234); // id
  put16(b, frag);
  put8(b, 64);
  put8(b, proto);
  put16(b, 0); // checksum (not verified)
  b.insert(b.end(), src.begin(), src.end());
  b.insert(b.end(), dst.begin(), dst.end());
  return b + options;
}

inline Bytes ipv6(std::uint8_t next, V6 src, V6 dst, std::size_t payload_len) {
  Bytes b{0x60, 0x00, 0x00, 0x00};
  put16(b, static_cast<unsigned>(payload_len));
  put8(b, next);
  put8(b, 64);
  b.insert(b.end(), src.begin(), src.end());
  b.insert(b.end(), dst.begin(), dst.end());
  return b;
}

/// Generic IPv6 extension header (hop-by-hop, routing, destination options, mobility) of
/// (units + 1) * 8 bytes.
inline Bytes ipv6Ext(std::uint8_t next, std::uint8_t units = 0) {
  Bytes b{next, units};
  b.resize((std::size_t{units} + 1) * 8, 0);
  if (b.size() >= 4)
    b[2] = 0x01; // PadN-ish filler
  return b;
}

inline Bytes ipv6Frag(std::uint8_t next, std::uint16_t offset_units, bool more,
                      std::uint32_t id = 0xCAFE) {
  Bytes b{next, 0};
  put16(b, static_cast<unsigned>(offset_units << 3) | (more ? 1u : 0u));
  put32(b, id);
  return b;
}

/// Authentication header with `len` (payload len field): (len + 2) * 4 bytes.
inline Bytes ipv6Ah(std::uint8_t next, std::uint8_t len = 4) {
  Bytes b{next, len};
  b.resize((std::size_t{len} + 2) * 4, 0);
  return b;
}

inline Bytes tcp(std::uint16_t sport, std::uint16_t dport, std::uint32_t seq, std::uint32_t ack,
                 std::uint8_t flags, const Bytes& options = {}) {
  Bytes b;
  put16(b, sport);
  put16(b, dport);
  put32(b, seq);
  put32(b, ack);
  put8(b, static_cast<unsigned>((20 + options.size()) / 4) << 4);
  put8(b, flags);
  put16(b, 0xFFFF); // window
  put16(b, 0);      // checksum
  put16(b, 0);      // urgent
  return b + options;
}

inline Bytes udp(std::uint16_t sport, std::uint16_t dport, std::size_t payload_len) {
  Bytes b;
  put16(b, sport);
  put16(b, dport);
  put16(b, static_cast<unsigned>(8 + payload_len));
  put16(b, 0);
  return b;
}

inline Bytes icmp(std::uint8_t type, std::uint8_t code) {
  Bytes b{type, code, 0, 0};
  put32(b, 0x00010002); // id/seq of an echo
  return b;
}

/// GRE header; optional fields (zeros) are appended as the flags ask for them.
inline Bytes gre(std::uint16_t flags, std::uint16_t proto) {
  Bytes b;
  put16(b, flags);
  put16(b, proto);
  if (flags & 0x8000)
    put32(b, 0); // checksum + reserved
  if (flags & 0x2000)
    put32(b, 0x0000ABCD); // key
  if (flags & 0x1000)
    put32(b, 7); // sequence
  if ((flags & 0x7) == 1 && (flags & 0x0080))
    put32(b, 6); // PPTP acknowledgment
  return b;
}

inline Bytes vxlan(std::uint32_t vni, std::uint8_t flags = 0x08) {
  Bytes b{flags, 0, 0, 0};
  put32(b, vni << 8);
  return b;
}

/// ERSPAN type II header (8 bytes): version 1.
inline Bytes erspan2(std::uint16_t session = 0x55) {
  Bytes b;
  put16(b, 0x1000 | 0x0064);  // ver=1, vlan=100
  put16(b, 0x0000 | session); // cos/en/t/session
  put32(b, 0x00000005);       // reserved/index
  return b;
}

/// ERSPAN type III header (12 bytes), optionally with the 8-byte platform subheader (O bit).
inline Bytes erspan3(bool with_subheader, unsigned frame_type = 0) {
  Bytes b;
  put16(b, 0x2000 | 0x0064); // ver=2, vlan=100
  put16(b, 0x0055);          // session
  put32(b, 0x11223344);      // timestamp
  put16(b, 0x0000);          // SGT
  put16(b, ((frame_type & 0x1F) << 10) | (with_subheader ? 1u : 0u));
  if (with_subheader) {
    put32(b, 0x0C000000); // platform id 3
    put32(b, 0x00000001);
  }
  return b;
}

/// Linux cooked v1 header for `proto` (ARPHRD_ETHER unless given).
inline Bytes sll(std::uint16_t proto, std::uint16_t hatype = 1) {
  Bytes b;
  put16(b, 0); // packet type: to us
  put16(b, hatype);
  put16(b, 6);
  Bytes addr{0x02, 0x66, 0x77, 0x88, 0x99, 0xAA, 0x00, 0x00};
  b = b + addr;
  put16(b, proto);
  return b;
}

/// Linux cooked v2 header for `proto`.
inline Bytes sll2(std::uint16_t proto, std::uint16_t hatype = 1) {
  Bytes b;
  put16(b, proto);
  put16(b, 0);
  put32(b, 3); // ifindex
  put16(b, hatype);
  put8(b, 0); // packet type
  put8(b, 6);
  Bytes addr{0x02, 0x66, 0x77, 0x88, 0x99, 0xAA, 0x00, 0x00};
  return b + addr;
}

/// Decodes `frame` as link type `lt`.
inline DecodeStatus decodeBytes(std::uint32_t lt, const Bytes& frame, DecodedPacket& out) {
  PacketView v;
  v.ts = 1700000000123456;
  v.link_type = lt;
  v.wire_len = static_cast<std::uint32_t>(frame.size());
  v.data = frame;
  return decodePacket(v, out);
}

/// Ethernet + IPv4 (kA4 -> kB4) + TCP 40000 -> 443 with `data_len` payload bytes: the common
/// inner frame of the tunnel tests.
inline Bytes innerEthIpv4Tcp(std::size_t data_len = 12) {
  const Bytes l4 = tcp(40000, 443, 1000, 2000, 0x18) + payload(data_len);
  return ethernet(0x0800) + ipv4(6, kA4, kB4, l4.size()) + l4;
}

} // namespace vw::test
