#pragma once
/// @file packet.h
/// The non-owning packet view that crosses from capture into decode and classify.

#include <cstdint>
#include <span>

namespace vw {

/// Microseconds since the Unix epoch, taken from the packet header (never the wall clock
/// in offline mode).
using TimeUs = std::int64_t;

/// libpcap link-layer header type numbers (LINKTYPE_* from tcpdump.org), kept here so that
/// the decoder does not depend on <pcap.h>.
namespace linktype {
inline constexpr std::uint32_t kNull = 0;        ///< BSD loopback, host-order AF_ family
inline constexpr std::uint32_t kEthernet = 1;    ///< Ethernet II / 802.3
inline constexpr std::uint32_t kPpp = 9;         ///< PPP (RFC 1661), with or without HDLC framing
inline constexpr std::uint32_t kPppHdlc = 50;    ///< PPP in HDLC-like framing
inline constexpr std::uint32_t kRaw = 101;       ///< raw IPv4 or IPv6 (LINKTYPE_RAW)
inline constexpr std::uint32_t kDltRaw12 = 12;   ///< DLT_RAW on some BSDs
inline constexpr std::uint32_t kDltRaw14 = 14;   ///< DLT_RAW on OpenBSD
inline constexpr std::uint32_t kCHdlc = 104;     ///< Cisco HDLC (address, control, ethertype)
inline constexpr std::uint32_t kLoop = 108;      ///< OpenBSD loopback, network-order family
inline constexpr std::uint32_t kLinuxSll = 113;  ///< Linux cooked capture v1
inline constexpr std::uint32_t kPpi = 192;       ///< Per-Packet Information header + inner DLT
inline constexpr std::uint32_t kIpv4 = 228;      ///< raw IPv4
inline constexpr std::uint32_t kIpv6 = 229;      ///< raw IPv6
inline constexpr std::uint32_t kLinuxSll2 = 276; ///< Linux cooked capture v2
} // namespace linktype

/// One captured packet, as handed out by a PacketSource.
///
/// Lifetime: `data` points into the source's buffer and stays valid only until the next call
/// to PacketSource::next() on the same source (or until the source is destroyed). Whoever
/// needs bytes longer than that copies them.
struct PacketView {
  TimeUs ts = 0;                        ///< capture timestamp
  std::uint32_t link_type = 0;          ///< LINKTYPE_* of the source
  std::uint32_t wire_len = 0;           ///< original length on the wire
  std::span<const std::uint8_t> data{}; ///< captured bytes (caplen = data.size())
};

} // namespace vw
