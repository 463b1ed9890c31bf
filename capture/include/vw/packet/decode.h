#pragma once
/// @file decode.h
/// Link, network and transport decoding of one PacketView, with no libpcap dependency.

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include <vw/packet/ip_address.h>
#include <vw/packet/packet.h>

namespace vw {

/// The outcome of decoding one packet. Everything except `Ok` is a counted outcome; the
/// `Ok*` values carry a usable DecodedPacket, the rest do not.
enum class DecodeStatus : std::uint8_t {
  Ok,                  ///< IP packet decoded down to L4 (TCP/UDP/ICMP or another IP protocol)
  OkFragment,          ///< a non-first IP fragment: addresses known, no ports, payload unusable
  NonIp,               ///< a valid frame that carries no IP (ARP, LLDP, STP, ...)
  TruncatedLink,       ///< shorter than its link-layer header
  TruncatedVlan,       ///< 802.1Q/802.1ad tag cut off
  TruncatedMpls,       ///< MPLS label stack cut off, or nothing after its bottom
  TruncatedPppoe,      ///< PPPoE header cut off
  TruncatedPpp,        ///< PPP header cut off
  TruncatedIpv4,       ///< shorter than the IPv4 header or its IHL
  BadIpv4Header,       ///< IHL < 5 or 0 < total length < header length
  TruncatedIpv6,       ///< shorter than the 40-byte IPv6 header
  TruncatedIpv6Ext,    ///< an IPv6 extension header cut off
  BadIpVersion,        ///< version nibble is neither 4 nor 6
  TruncatedTcp,        ///< TCP header (or its data offset) cut off
  BadTcpHeader,        ///< TCP data offset < 5
  TruncatedUdp,        ///< UDP header cut off
  TruncatedIcmp,       ///< ICMP header cut off
  TruncatedGre,        ///< GRE header cut off
  TruncatedErspan,     ///< ERSPAN header cut off
  TruncatedVxlan,      ///< VXLAN header cut off
  TruncatedGtp,        ///< GTP-U header (or its extension headers) cut off
  UnsupportedLinktype, ///< link type we do not decode
  UnsupportedGre,      ///< GRE carrying a protocol we do not decode
  TunnelTooDeep,       ///< more nested encapsulations than we follow
  Count_               ///< number of values (not an outcome)
};

/// snake_case reason name of a status, e.g. "truncated_ipv4". Stable: used in stats output.
std::string_view decodeStatusName(DecodeStatus s);

/// True for statuses that come with a usable DecodedPacket (Ok, OkFragment).
inline bool decodeUsable(DecodeStatus s) {
  return s == DecodeStatus::Ok || s == DecodeStatus::OkFragment;
}

/// Kind of the outermost tunnel that was peeled off to reach the inner packet.
enum class TunnelKind : std::uint8_t { None, Gre, Erspan, Vxlan, IpInIp, GtpU };

/// IP protocol numbers we treat specially.
namespace ipproto {
inline constexpr std::uint8_t kIcmp = 1;
inline constexpr std::uint8_t kTcp = 6;
inline constexpr std::uint8_t kUdp = 17;
inline constexpr std::uint8_t kGre = 47;
inline constexpr std::uint8_t kIcmpV6 = 58;
} // namespace ipproto

/// TCP flag bits as in the TCP header.
namespace tcpflag {
inline constexpr std::uint8_t kFin = 0x01;
inline constexpr std::uint8_t kSyn = 0x02;
inline constexpr std::uint8_t kRst = 0x04;
inline constexpr std::uint8_t kPsh = 0x08;
inline constexpr std::uint8_t kAck = 0x10;
} // namespace tcpflag

/// The decoded headers of one packet. Plain data; `payload` spans the PacketView's buffer
/// and has the same lifetime (valid until the source's next()).
struct DecodedPacket {
  TimeUs ts = 0;
  std::uint32_t link_type = 0;

  // Layer 2 metadata.
  /// 12-bit VLAN ids in the order met, outer first. Tags of a frame inside a tunnel (ERSPAN,
  /// VXLAN, GRE bridging) count too, after the outer frame's tags.
  std::array<std::uint16_t, 2> vlan{};
  std::uint8_t vlan_count = 0;  ///< 0, 1 or 2 (QinQ); deeper tags are skipped
  std::uint8_t mpls_labels = 0; ///< number of MPLS labels popped (all stacks, saturates at 255)

  // Outermost tunnel, if the packet was encapsulated (GRE/ERSPAN/VXLAN/IP-in-IP).
  TunnelKind tunnel = TunnelKind::None;
  IpAddr tunnel_src{}; ///< outer source address
  IpAddr tunnel_dst{}; ///< outer destination address

  // Layer 3 (the innermost IP header).
  IpAddr src{};
  IpAddr dst{};
  std::uint8_t ip_version = 0;
  std::uint8_t l4_proto = 0;   ///< IP protocol number of the transport (after v6 ext headers)
  std::uint32_t ip_len = 0;    ///< IP-layer length from the header (total length / 40+payload)
  bool fragment = false;       ///< part of a fragmented datagram
  bool first_fragment = false; ///< offset 0 (ports are valid)

  // Layer 4.
  std::uint16_t sport = 0;
  std::uint16_t dport = 0;
  std::uint8_t tcp_flags = 0;
  std::uint32_t tcp_seq = 0;
  std::uint32_t tcp_ack = 0;
  /// L4 payload: clipped to both the captured bytes and the IP length (no Ethernet padding),
  /// and for UDP to the UDP length. TCP/UDP: after the header and options; ICMP/ICMPv6: after
  /// type, code and checksum; other protocols (ESP, SCTP, ...): everything after the IP
  /// headers. Empty for OkFragment (a non-first fragment's data is not usable).
  std::span<const std::uint8_t> payload{};
  /// The innermost IP packet from its header on, clipped like `payload` to
  /// min(captured, ip_len) (for DPI engines that want L3 bytes).
  std::span<const std::uint8_t> l3{};
};

/// Decodes one packet. Never throws, never allocates; malformed input yields a status.
/// On a usable status `out` is filled; otherwise its contents are unspecified.
///
/// At most 4 encapsulations are peeled (tunnels and MPLS Ethernet pseudowires together); a
/// fifth gives TunnelTooDeep. Tunnels inside IP fragments are not followed: the outer packet is
/// reported with the tunnel protocol as `l4_proto`. UDP to port 4789 is VXLAN only when the
/// VXLAN I flag is set. An IPv4 total length of 0 (segmentation offload) and an IPv6 payload
/// length of 0 with a next header other than 59 (jumbogram) take the captured length.
DecodeStatus decodePacket(const PacketView& pkt, DecodedPacket& out);

} // namespace vw
