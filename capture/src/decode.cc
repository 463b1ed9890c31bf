// Link, network and transport decoding. Every byte is read through vw::ByteReader; every
// malformed case ends in a DecodeStatus. No exceptions, no allocation, bounded recursion.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include <vw/packet/byte_reader.h>
#include <vw/packet/decode.h>

namespace vw {

std::string_view decodeStatusName(DecodeStatus s) {
  switch (s) {
  case DecodeStatus::Ok:
    return "ok";
  case DecodeStatus::OkFragment:
    return "ok_fragment";
  case DecodeStatus::NonIp:
    return "non_ip";
  case DecodeStatus::TruncatedLink:
    return "truncated_link";
  case DecodeStatus::TruncatedVlan:
    return "truncated_vlan";
  case DecodeStatus::TruncatedMpls:
    return "truncated_mpls";
  case DecodeStatus::TruncatedPppoe:
    return "truncated_pppoe";
  case DecodeStatus::TruncatedPpp:
    return "truncated_ppp";
  case DecodeStatus::TruncatedIpv4:
    return "truncated_ipv4";
  case DecodeStatus::BadIpv4Header:
    return "bad_ipv4_header";
  case DecodeStatus::TruncatedIpv6:
    return "truncated_ipv6";
  case DecodeStatus::TruncatedIpv6Ext:
    return "truncated_ipv6_ext";
  case DecodeStatus::BadIpVersion:
    return "bad_ip_version";
  case DecodeStatus::TruncatedTcp:
    return "truncated_tcp";
  case DecodeStatus::BadTcpHeader:
    return "bad_tcp_header";
  case DecodeStatus::TruncatedUdp:
    return "truncated_udp";
  case DecodeStatus::TruncatedIcmp:
    return "truncated_icmp";
  case DecodeStatus::TruncatedGre:
    return "truncated_gre";
  case DecodeStatus::TruncatedErspan:
    return "truncated_erspan";
  case DecodeStatus::TruncatedGtp:
    return "truncated_gtp";
  case DecodeStatus::TruncatedVxlan:
    return "truncated_vxlan";
  case DecodeStatus::UnsupportedLinktype:
    return "unsupported_linktype";
  case DecodeStatus::UnsupportedGre:
    return "unsupported_gre";
  case DecodeStatus::TunnelTooDeep:
    return "tunnel_too_deep";
  case DecodeStatus::Count_:
    break;
  }
  return "unknown";
}

namespace {

/// Maximum number of nested encapsulations we peel (tunnels and MPLS pseudowires together).
/// Also bounds the recursion depth of the decoder.
constexpr int kMaxNesting = 4;

namespace ethertype {
constexpr std::uint16_t kIpv4 = 0x0800;
constexpr std::uint16_t kArp = 0x0806;
constexpr std::uint16_t kTeb = 0x6558; ///< transparent Ethernet bridging (GRE)
constexpr std::uint16_t kErspan3 = 0x22EB;
constexpr std::uint16_t kVlan = 0x8100;
constexpr std::uint16_t kIpv6 = 0x86DD;
constexpr std::uint16_t kPptpPpp = 0x880B; ///< PPP in enhanced GRE (PPTP)
constexpr std::uint16_t kMplsUnicast = 0x8847;
constexpr std::uint16_t kMplsMulticast = 0x8848;
constexpr std::uint16_t kPppoeDiscovery = 0x8863;
constexpr std::uint16_t kPppoeSession = 0x8864;
constexpr std::uint16_t kQinQ = 0x88A8;
constexpr std::uint16_t kErspan12 = 0x88BE;
constexpr std::uint16_t kVlan9100 = 0x9100; ///< pre-standard QinQ
constexpr std::uint16_t kVlan9200 = 0x9200; ///< pre-standard QinQ
} // namespace ethertype

namespace pppproto {
constexpr std::uint16_t kIpv4 = 0x0021;
constexpr std::uint16_t kIpv6 = 0x0057;
constexpr std::uint16_t kMplsUnicast = 0x0281;
constexpr std::uint16_t kMplsMulticast = 0x0283;
} // namespace pppproto

namespace ipnum {
constexpr std::uint8_t kIpInIp = 4;
constexpr std::uint8_t kIpv6InIp = 41;
constexpr std::uint8_t kHopByHop = 0;
constexpr std::uint8_t kRouting = 43;
constexpr std::uint8_t kFragment = 44;
constexpr std::uint8_t kAh = 51;
constexpr std::uint8_t kDestOpts = 60;
constexpr std::uint8_t kMobility = 135;
constexpr std::uint8_t kHip = 139;
constexpr std::uint8_t kShim6 = 140;
} // namespace ipnum

constexpr std::uint16_t kVxlanPort = 4789;
constexpr std::uint16_t kGtpUPort = 2152; ///< GTP-U (3GPP TS 29.281), mobile core span ports

/// BSD AF_INET6 values: NetBSD/OpenBSD/BSD/OS (24), FreeBSD (28), Darwin (30).
constexpr bool isBsdAfInet6(std::uint32_t af) {
  return af == 24 || af == 28 || af == 30;
}

/// Reader over the first `n` unread bytes of `r` (or all of them if fewer), without consuming.
ByteReader clipped(const ByteReader& r, std::size_t n) {
  const auto rest = r.rest();
  return ByteReader(rest.first(std::min(n, rest.size())));
}

/// Ethertypes that make a guessed Ethernet header (MPLS pseudowire) plausible.
bool plausibleEthertype(std::uint16_t t) {
  switch (t) {
  case ethertype::kIpv4:
  case ethertype::kIpv6:
  case ethertype::kArp:
  case ethertype::kVlan:
  case ethertype::kQinQ:
  case ethertype::kMplsUnicast:
  case ethertype::kMplsMulticast:
  case ethertype::kPppoeDiscovery:
  case ethertype::kPppoeSession:
    return true;
  default:
    return false;
  }
}

class Decoder {
public:
  explicit Decoder(DecodedPacket& out) : out_(out) {}

  DecodeStatus link(std::uint32_t link_type, ByteReader r, bool allow_ppi) {
    switch (link_type) {
    case linktype::kEthernet:
      return ethernet(r);
    case linktype::kLinuxSll:
      return linuxSll(r);
    case linktype::kLinuxSll2:
      return linuxSll2(r);
    case linktype::kRaw:
    case linktype::kDltRaw12:
    case linktype::kDltRaw14:
      return ipAny(r, DecodeStatus::TruncatedLink);
    case linktype::kIpv4:
      return ipExpect(r, 4);
    case linktype::kIpv6:
      return ipExpect(r, 6);
    case linktype::kNull: {
      std::uint32_t af = 0;
      if (!r.u32Le(af))
        return DecodeStatus::TruncatedLink;
      // Host byte order of the capturing machine: AF values are small, so a value with
      // the upper half set was written by a host of the other endianness.
      if ((af & 0xFFFF0000u) != 0)
        af = ((af & 0xFFu) << 24) | ((af & 0xFF00u) << 8) | ((af >> 8) & 0xFF00u) | (af >> 24);
      return addressFamily(af, r);
    }
    case linktype::kLoop: {
      std::uint32_t af = 0;
      if (!r.u32(af))
        return DecodeStatus::TruncatedLink;
      return addressFamily(af, r);
    }
    case linktype::kPpp:
    case linktype::kPppHdlc:
      return ppp(r, true);
    case linktype::kCHdlc:
      return ciscoHdlc(r, DecodeStatus::TruncatedLink);
    case linktype::kPpi:
      if (allow_ppi)
        return ppi(r);
      return DecodeStatus::UnsupportedLinktype;
    default:
      return DecodeStatus::UnsupportedLinktype;
    }
  }

private:
  DecodeStatus addressFamily(std::uint32_t af, ByteReader r) {
    if (af == 2)
      return ipExpect(r, 4);
    if (isBsdAfInet6(af))
      return ipExpect(r, 6);
    return DecodeStatus::NonIp;
  }

  // --- Layer 2 ---------------------------------------------------------------------------

  DecodeStatus ethernet(ByteReader r) {
    std::uint16_t type = 0;
    if (!r.skip(12) || !r.u16(type))
      return DecodeStatus::TruncatedLink;
    if (type >= 0x0600)
      return etherType(type, r);
    if (type > 1500)
      return DecodeStatus::NonIp; // neither a length nor an ethertype
    // IEEE 802.3 length field: only LLC/SNAP with an Ethernet OUI can carry IP.
    std::uint8_t dsap = 0, ssap = 0, ctrl = 0;
    if (!r.peekU8(0, dsap) || !r.peekU8(1, ssap) || !r.peekU8(2, ctrl))
      return DecodeStatus::TruncatedLink;
    if (dsap != 0xAA || ssap != 0xAA || ctrl != 0x03)
      return DecodeStatus::NonIp;
    std::uint32_t oui = 0;
    if (!r.skip(3) || !r.u24(oui) || !r.u16(type))
      return DecodeStatus::TruncatedLink;
    if (oui != 0)
      return DecodeStatus::NonIp;
    return etherType(type, r);
  }

  DecodeStatus linuxSll(ByteReader r) {
    // packet type(2) ARPHRD type(2) address length(2) address(8) protocol(2)
    std::uint16_t hatype = 0, proto = 0;
    if (!r.skip(2) || !r.u16(hatype) || !r.skip(10) || !r.u16(proto))
      return DecodeStatus::TruncatedLink;
    if (hatype == 824) // ARPHRD_NETLINK: protocol is a netlink family
      return DecodeStatus::NonIp;
    return etherType(proto, r);
  }

  DecodeStatus linuxSll2(ByteReader r) {
    // protocol(2) reserved(2) ifindex(4) ARPHRD type(2) packet type(1) addr len(1) addr(8)
    std::uint16_t proto = 0, hatype = 0;
    if (!r.u16(proto) || !r.skip(6) || !r.u16(hatype) || !r.skip(10))
      return DecodeStatus::TruncatedLink;
    if (hatype == 824)
      return DecodeStatus::NonIp;
    return etherType(proto, r);
  }

  DecodeStatus ciscoHdlc(ByteReader r, DecodeStatus truncated) {
    std::uint16_t proto = 0;
    if (!r.skip(2) || !r.u16(proto))
      return truncated;
    return etherType(proto, r);
  }

  DecodeStatus ppi(ByteReader r) {
    // version(1) flags(1) header length(2, LE) inner DLT(4, LE), then fields up to length.
    std::uint8_t len_lo = 0, len_hi = 0;
    std::uint32_t dlt = 0;
    if (!r.skip(2) || !r.u8(len_lo) || !r.u8(len_hi) || !r.u32Le(dlt))
      return DecodeStatus::TruncatedLink;
    const std::size_t len = std::size_t{len_lo} | (std::size_t{len_hi} << 8);
    if (len < 8 || !r.skip(len - 8))
      return DecodeStatus::TruncatedLink;
    return link(dlt, r, false);
  }

  /// Dispatches on an ethertype, peeling any number of 802.1Q/802.1ad tags first.
  DecodeStatus etherType(std::uint16_t type, ByteReader r) {
    for (;;) {
      switch (type) {
      case ethertype::kVlan:
      case ethertype::kQinQ:
      case ethertype::kVlan9100:
      case ethertype::kVlan9200: {
        std::uint16_t tci = 0;
        if (!r.u16(tci) || !r.u16(type))
          return DecodeStatus::TruncatedVlan;
        if (out_.vlan_count < out_.vlan.size())
          out_.vlan[out_.vlan_count++] = static_cast<std::uint16_t>(tci & 0x0FFF);
        continue;
      }
      case ethertype::kIpv4:
        return ipExpect(r, 4);
      case ethertype::kIpv6:
        return ipExpect(r, 6);
      case ethertype::kMplsUnicast:
      case ethertype::kMplsMulticast:
        return mpls(r);
      case ethertype::kPppoeSession:
        return pppoe(r);
      default:
        return DecodeStatus::NonIp;
      }
    }
  }

  DecodeStatus mpls(ByteReader r) {
    for (;;) {
      std::uint32_t entry = 0;
      if (!r.u32(entry))
        return DecodeStatus::TruncatedMpls;
      if (out_.mpls_labels < 255)
        ++out_.mpls_labels;
      if ((entry & 0x100u) != 0) // bottom of stack
        break;
    }
    std::uint8_t first = 0;
    if (!r.peekU8(0, first))
      return DecodeStatus::TruncatedMpls;
    const std::uint8_t nibble = static_cast<std::uint8_t>(first >> 4);
    if (nibble == 4)
      return ipv4(r);
    if (nibble == 6)
      return ipv6(r);
    // Ethernet pseudowire: with a control word (first nibble 0) the Ethernet header starts
    // 4 bytes later; without one it starts right here. Accept only a plausible ethertype.
    std::uint16_t type = 0;
    if (nibble == 0 && r.peekU16(16, type) && plausibleEthertype(type)) {
      if (!nest())
        return DecodeStatus::TunnelTooDeep;
      r.skip(4);
      return ethernet(r);
    }
    if (r.peekU16(12, type) && plausibleEthertype(type)) {
      if (!nest())
        return DecodeStatus::TunnelTooDeep;
      return ethernet(r);
    }
    return DecodeStatus::NonIp;
  }

  DecodeStatus pppoe(ByteReader r) {
    // ver/type(1)=0x11 code(1)=0 session id(2) length(2), then the PPP protocol.
    std::uint8_t ver_type = 0, code = 0;
    std::uint16_t length = 0;
    if (!r.u8(ver_type) || !r.u8(code) || !r.skip(2) || !r.u16(length))
      return DecodeStatus::TruncatedPppoe;
    if (ver_type != 0x11 || code != 0)
      return DecodeStatus::NonIp;
    // The length excludes Ethernet padding; a length beyond the capture means snaplen.
    return pppProtocol(clipped(r, length));
  }

  /// PPP with optional HDLC address/control (FF 03); on the PPP link types a Cisco HDLC
  /// frame (address 0x0F/0x8F) is accepted too, as some captures label it so.
  DecodeStatus ppp(ByteReader r, bool allow_cisco) {
    std::uint8_t b0 = 0, b1 = 0;
    if (!r.peekU8(0, b0))
      return DecodeStatus::TruncatedPpp;
    if (b0 == 0xFF) {
      if (!r.peekU8(1, b1))
        return DecodeStatus::TruncatedPpp;
      if (b1 == 0x03)
        r.skip(2);
    } else if (allow_cisco && (b0 == 0x0F || b0 == 0x8F)) {
      return ciscoHdlc(r, DecodeStatus::TruncatedPpp);
    }
    return pppProtocol(r);
  }

  /// The PPP protocol field (1 byte if protocol-field compressed, else 2) and what follows.
  DecodeStatus pppProtocol(ByteReader r) {
    std::uint8_t b0 = 0, b1 = 0;
    if (!r.u8(b0))
      return DecodeStatus::TruncatedPpp;
    std::uint16_t proto = b0;
    if ((b0 & 1) == 0) {
      if (!r.u8(b1))
        return DecodeStatus::TruncatedPpp;
      proto = static_cast<std::uint16_t>((b0 << 8) | b1);
    }
    switch (proto) {
    case pppproto::kIpv4:
      return ipExpect(r, 4);
    case pppproto::kIpv6:
      return ipExpect(r, 6);
    case pppproto::kMplsUnicast:
    case pppproto::kMplsMulticast:
      return mpls(r);
    default:
      return DecodeStatus::NonIp;
    }
  }

  // --- Layer 3 ---------------------------------------------------------------------------

  /// IP of a known version (from an ethertype, AF or PPP protocol).
  DecodeStatus ipExpect(ByteReader r, int version) {
    std::uint8_t first = 0;
    if (!r.peekU8(0, first))
      return version == 4 ? DecodeStatus::TruncatedIpv4 : DecodeStatus::TruncatedIpv6;
    if ((first >> 4) != version)
      return DecodeStatus::BadIpVersion;
    return version == 4 ? ipv4(r) : ipv6(r);
  }

  /// IP of either version, chosen by the version nibble; `empty` if there is no byte at all.
  DecodeStatus ipAny(ByteReader r, DecodeStatus empty) {
    std::uint8_t first = 0;
    if (!r.peekU8(0, first))
      return empty;
    switch (first >> 4) {
    case 4:
      return ipv4(r);
    case 6:
      return ipv6(r);
    default:
      return DecodeStatus::BadIpVersion;
    }
  }

  /// Clears the layer 3/4 fields before (re)filling them from an IP header.
  void resetL3() {
    out_.src = {};
    out_.dst = {};
    out_.ip_version = 0;
    out_.l4_proto = 0;
    out_.ip_len = 0;
    out_.fragment = false;
    out_.first_fragment = false;
    out_.sport = 0;
    out_.dport = 0;
    out_.tcp_flags = 0;
    out_.tcp_seq = 0;
    out_.tcp_ack = 0;
    out_.payload = {};
    out_.l3 = {};
  }

  DecodeStatus ipv4(ByteReader r) {
    const auto start = r.rest();
    std::uint8_t vihl = 0, proto = 0;
    std::uint16_t total = 0, frag = 0;
    std::span<const std::uint8_t> src, dst;
    if (!r.u8(vihl) || !r.skip(1) || !r.u16(total) || !r.skip(2) || !r.u16(frag) || !r.skip(1) ||
        !r.u8(proto) || !r.skip(2) || !r.bytes(4, src) || !r.bytes(4, dst))
      return DecodeStatus::TruncatedIpv4;
    const std::size_t ihl = std::size_t{vihl & 0x0Fu} * 4;
    if (ihl < 20)
      return DecodeStatus::BadIpv4Header;
    if (start.size() < ihl)
      return DecodeStatus::TruncatedIpv4;
    std::size_t ip_len = total;
    if (ip_len == 0) // segmentation offload: the NIC fills in the length; use what we have
      ip_len = start.size();
    if (ip_len < ihl)
      return DecodeStatus::BadIpv4Header;

    resetL3();
    const auto region = start.first(std::min(start.size(), ip_len));
    out_.ip_version = 4;
    out_.src = IpAddr::v4(src);
    out_.dst = IpAddr::v4(dst);
    out_.l4_proto = proto;
    out_.ip_len = static_cast<std::uint32_t>(ip_len);
    out_.l3 = region;

    const bool more = (frag & 0x2000u) != 0;
    const std::uint16_t offset = frag & 0x1FFFu;
    out_.fragment = more || offset != 0;
    out_.first_fragment = out_.fragment && offset == 0;
    if (offset != 0)
      return DecodeStatus::OkFragment;

    ByteReader body(region);
    body.skip(ihl);
    return transport(proto, body);
  }

  DecodeStatus ipv6(ByteReader r) {
    const auto start = r.rest();
    std::uint16_t plen = 0;
    std::uint8_t nh = 0;
    std::span<const std::uint8_t> src, dst;
    if (!r.skip(4) || !r.u16(plen) || !r.u8(nh) || !r.skip(1) || !r.bytes(16, src) ||
        !r.bytes(16, dst))
      return DecodeStatus::TruncatedIpv6;
    std::size_t ip_len = 40 + std::size_t{plen};
    // Payload length 0 with something after the header: a jumbogram (RFC 2675) or offload.
    if (plen == 0 && nh != 59)
      ip_len = start.size();

    resetL3();
    const auto region = start.first(std::min(start.size(), ip_len));
    out_.ip_version = 6;
    out_.src = IpAddr::v6(src);
    out_.dst = IpAddr::v6(dst);
    out_.ip_len = static_cast<std::uint32_t>(ip_len);
    out_.l3 = region;

    ByteReader body(region);
    body.skip(40);
    // Every extension header consumes at least 8 bytes, so this loop is bounded.
    for (;;) {
      switch (nh) {
      case ipnum::kHopByHop:
      case ipnum::kRouting:
      case ipnum::kDestOpts:
      case ipnum::kMobility:
      case ipnum::kHip:
      case ipnum::kShim6: {
        std::uint8_t next = 0, len = 0;
        if (!body.u8(next) || !body.u8(len) || !body.skip((std::size_t{len} + 1) * 8 - 2))
          return DecodeStatus::TruncatedIpv6Ext;
        nh = next;
        break;
      }
      case ipnum::kAh: {
        std::uint8_t next = 0, len = 0;
        if (!body.u8(next) || !body.u8(len) || !body.skip((std::size_t{len} + 2) * 4 - 2))
          return DecodeStatus::TruncatedIpv6Ext;
        nh = next;
        break;
      }
      case ipnum::kFragment: {
        std::uint8_t next = 0;
        std::uint16_t off_flags = 0;
        if (!body.u8(next) || !body.skip(1) || !body.u16(off_flags) || !body.skip(4))
          return DecodeStatus::TruncatedIpv6Ext;
        const std::uint16_t offset = static_cast<std::uint16_t>(off_flags >> 3);
        const bool more = (off_flags & 1u) != 0;
        if (offset != 0 || more) { // offset 0 without M is an atomic fragment: not fragmented
          out_.fragment = true;
          out_.first_fragment = offset == 0;
        }
        nh = next;
        if (offset != 0) {
          out_.l4_proto = nh;
          return DecodeStatus::OkFragment;
        }
        break;
      }
      default:
        return transport(nh, body);
      }
    }
  }

  // --- Layer 4 and tunnels -----------------------------------------------------------------

  DecodeStatus transport(std::uint8_t proto, ByteReader r) {
    out_.l4_proto = proto;
    switch (proto) {
    case ipproto::kTcp: {
      std::uint8_t off = 0, flags = 0;
      if (!r.u16(out_.sport) || !r.u16(out_.dport) || !r.u32(out_.tcp_seq) ||
          !r.u32(out_.tcp_ack) || !r.u8(off) || !r.u8(flags) || !r.skip(6))
        return DecodeStatus::TruncatedTcp;
      const std::size_t doff = static_cast<std::size_t>(off >> 4) * 4;
      if (doff < 20)
        return DecodeStatus::BadTcpHeader;
      if (!r.skip(doff - 20))
        return DecodeStatus::TruncatedTcp;
      out_.tcp_flags = flags;
      out_.payload = r.rest();
      return DecodeStatus::Ok;
    }
    case ipproto::kUdp: {
      std::uint16_t ulen = 0;
      if (!r.u16(out_.sport) || !r.u16(out_.dport) || !r.u16(ulen) || !r.skip(2))
        return DecodeStatus::TruncatedUdp;
      // Trust the UDP length only when it is consistent; it cannot extend the payload.
      ByteReader body = ulen >= 8 ? clipped(r, ulen - 8u) : r;
      if (out_.dport == kVxlanPort && !out_.fragment)
        return vxlan(body);
      if ((out_.dport == kGtpUPort || out_.sport == kGtpUPort) && !out_.fragment)
        return gtpu(body);
      out_.payload = body.rest();
      return DecodeStatus::Ok;
    }
    case ipproto::kIcmp:
    case ipproto::kIcmpV6:
      // type(1) code(1) checksum(2); ports stay 0.
      if (!r.skip(4))
        return DecodeStatus::TruncatedIcmp;
      out_.payload = r.rest();
      return DecodeStatus::Ok;
    default:
      break;
    }
    if (!out_.fragment) {
      switch (proto) {
      case ipproto::kGre:
        return gre(r);
      case ipnum::kIpInIp:
        if (!enterTunnel(TunnelKind::IpInIp))
          return DecodeStatus::TunnelTooDeep;
        return ipExpect(r, 4);
      case ipnum::kIpv6InIp:
        if (!enterTunnel(TunnelKind::IpInIp))
          return DecodeStatus::TunnelTooDeep;
        return ipExpect(r, 6);
      default:
        break;
      }
    }
    // Any other protocol (ESP, SCTP, ...) or a tunnel inside a fragment: no ports.
    out_.payload = r.rest();
    return DecodeStatus::Ok;
  }

  DecodeStatus vxlan(ByteReader r) {
    // flags(1, I = 0x08) reserved(3) VNI(3) reserved(1)
    std::uint8_t flags = 0;
    if (!r.canRead(8) || !r.peekU8(0, flags))
      return DecodeStatus::TruncatedVxlan;
    if ((flags & 0x08u) == 0) { // not VXLAN after all: an ordinary datagram to port 4789
      out_.payload = r.rest();
      return DecodeStatus::Ok;
    }
    r.skip(8);
    if (!enterTunnel(TunnelKind::Vxlan))
      return DecodeStatus::TunnelTooDeep;
    return ethernet(r);
  }

  /// GTPv1-U (3GPP TS 29.281 section 5): a G-PDU carries a user IP packet. Other message
  /// types (echo, error indication, end marker) stay an ordinary UDP datagram.
  DecodeStatus gtpu(ByteReader r) {
    std::uint8_t flags = 0, type = 0;
    if (!r.peekU8(0, flags) || !r.peekU8(1, type) || !r.canRead(8))
      return DecodeStatus::TruncatedGtp;
    if ((flags >> 5) != 1 || (flags & 0x10u) == 0 || type != 0xff) {
      out_.payload = r.rest();
      return DecodeStatus::Ok;
    }
    std::uint16_t len = 0;
    r.skip(2);
    r.u16(len);
    r.skip(4); // TEID
    ByteReader body = clipped(r, len);
    if ((flags & 0x07u) != 0) {
      // Sequence number (2), N-PDU number (1), next extension header type (1).
      std::uint8_t next = 0;
      if (!body.skip(3) || !body.u8(next))
        return DecodeStatus::TruncatedGtp;
      for (int i = 0; next != 0 && i < 8; ++i) {
        // Extension header: length in 4-octet units (including the length and next-type
        // octets), content, next extension header type.
        std::uint8_t units = 0;
        if (!body.u8(units) || units == 0 || !body.skip(std::size_t{units} * 4 - 2) ||
            !body.u8(next))
          return DecodeStatus::TruncatedGtp;
      }
      if (next != 0)
        return DecodeStatus::TruncatedGtp;
    }
    if (!enterTunnel(TunnelKind::GtpU))
      return DecodeStatus::TunnelTooDeep;
    return ipAny(body, DecodeStatus::TruncatedGtp);
  }

  DecodeStatus gre(ByteReader r) {
    std::uint16_t flags = 0, proto = 0;
    if (!r.u16(flags) || !r.u16(proto))
      return DecodeStatus::TruncatedGre;
    const bool has_csum = (flags & 0x8000u) != 0;
    const bool has_routing = (flags & 0x4000u) != 0;
    const bool has_key = (flags & 0x2000u) != 0;
    const bool has_seq = (flags & 0x1000u) != 0;
    const bool has_ack = (flags & 0x0080u) != 0;
    const unsigned version = flags & 0x7u;
    std::size_t optional = 0;
    if (version == 0) {
      if (has_routing) // RFC 1701 source routing: obsolete, not decoded
        return DecodeStatus::UnsupportedGre;
      optional = (has_csum ? 4 : 0) + (has_key ? 4 : 0) + (has_seq ? 4 : 0);
    } else if (version == 1) {
      // Enhanced GRE (RFC 2637, PPTP): key (payload length + call id) is mandatory.
      if (proto != ethertype::kPptpPpp || !has_key)
        return DecodeStatus::UnsupportedGre;
      optional = 4 + (has_seq ? 4 : 0) + (has_ack ? 4 : 0);
    } else {
      return DecodeStatus::UnsupportedGre;
    }
    if (!r.skip(optional))
      return DecodeStatus::TruncatedGre;

    switch (proto) {
    case ethertype::kIpv4:
      if (!enterTunnel(TunnelKind::Gre))
        return DecodeStatus::TunnelTooDeep;
      return ipExpect(r, 4);
    case ethertype::kIpv6:
      if (!enterTunnel(TunnelKind::Gre))
        return DecodeStatus::TunnelTooDeep;
      return ipExpect(r, 6);
    case ethertype::kMplsUnicast:
    case ethertype::kMplsMulticast:
      if (!enterTunnel(TunnelKind::Gre))
        return DecodeStatus::TunnelTooDeep;
      return mpls(r);
    case ethertype::kTeb:
      if (!enterTunnel(TunnelKind::Gre))
        return DecodeStatus::TunnelTooDeep;
      return ethernet(r);
    case ethertype::kPptpPpp:
      if (version != 1)
        return DecodeStatus::UnsupportedGre;
      if (!enterTunnel(TunnelKind::Gre))
        return DecodeStatus::TunnelTooDeep;
      return ppp(r, false);
    case ethertype::kErspan12:
      // Type I has no GRE sequence number and no ERSPAN header; type II has both.
      if (has_seq && !r.skip(8))
        return DecodeStatus::TruncatedErspan;
      if (!enterTunnel(TunnelKind::Erspan))
        return DecodeStatus::TunnelTooDeep;
      return ethernet(r);
    case ethertype::kErspan3: {
      // ver/vlan/cos/bso/t/session(4) timestamp(4) sgt(2) p/ft/hwid/d/gra/o(2)
      std::uint16_t word = 0;
      if (!r.skip(10) || !r.u16(word))
        return DecodeStatus::TruncatedErspan;
      if ((word & 0x1u) != 0 && !r.skip(8)) // O: platform specific subheader
        return DecodeStatus::TruncatedErspan;
      const unsigned frame_type = (word >> 10) & 0x1Fu;
      if (frame_type != 0 && frame_type != 2)
        return DecodeStatus::UnsupportedGre;
      if (!enterTunnel(TunnelKind::Erspan))
        return DecodeStatus::TunnelTooDeep;
      return frame_type == 0 ? ethernet(r) : ipAny(r, DecodeStatus::TruncatedErspan);
    }
    default:
      return DecodeStatus::UnsupportedGre;
    }
  }

  /// Records the outermost tunnel and resets the per-IP fields for the inner packet.
  bool enterTunnel(TunnelKind kind) {
    if (!nest())
      return false;
    if (out_.tunnel == TunnelKind::None) {
      out_.tunnel = kind;
      out_.tunnel_src = out_.src;
      out_.tunnel_dst = out_.dst;
    }
    resetL3();
    return true;
  }

  bool nest() {
    if (nesting_ >= kMaxNesting)
      return false;
    ++nesting_;
    return true;
  }

  DecodedPacket& out_;
  int nesting_ = 0;
};

} // namespace

DecodeStatus decodePacket(const PacketView& pkt, DecodedPacket& out) {
  out = DecodedPacket{};
  out.ts = pkt.ts;
  out.link_type = pkt.link_type;
  Decoder d(out);
  return d.link(pkt.link_type, ByteReader(pkt.data), true);
}

} // namespace vw
