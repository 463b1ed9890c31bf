// Decoder tests: one byte fixture per link type and encapsulation.
#include <set>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include <vw/packet/decode.h>

#include "frame_builder.h"

using namespace vw;
using namespace vw::test;

namespace {

/// TCP 40000 -> 443 with 12 payload bytes over IPv4 (kA4 -> kB4).
Bytes ipv4Tcp(std::size_t data_len = 12) {
  const Bytes l4 = tcp(40000, 443, 1000, 2000, tcpflag::kPsh | tcpflag::kAck) + payload(data_len);
  return ipv4(ipproto::kTcp, kA4, kB4, l4.size()) + l4;
}

/// UDP 5353 -> 53 with 9 payload bytes over IPv6 (kA6 -> kB6).
Bytes ipv6Udp(std::size_t data_len = 9) {
  const Bytes l4 = udp(5353, 53, data_len) + payload(data_len);
  return ipv6(ipproto::kUdp, kA6, kB6, l4.size()) + l4;
}

void checkIpv4Tcp(const DecodedPacket& d, std::size_t data_len = 12) {
  CHECK(d.ip_version == 4);
  CHECK(d.src == IpAddr::v4(kA4));
  CHECK(d.dst == IpAddr::v4(kB4));
  CHECK(d.l4_proto == ipproto::kTcp);
  CHECK(d.sport == 40000);
  CHECK(d.dport == 443);
  CHECK(d.tcp_seq == 1000);
  CHECK(d.tcp_ack == 2000);
  CHECK(d.tcp_flags == (tcpflag::kPsh | tcpflag::kAck));
  CHECK(d.ip_len == 20 + 20 + data_len);
  CHECK(d.payload.size() == data_len);
  if (!d.payload.empty())
    CHECK(d.payload[0] == 0xA0);
  CHECK_FALSE(d.fragment);
}

void checkIpv6Udp(const DecodedPacket& d, std::size_t data_len = 9) {
  CHECK(d.ip_version == 6);
  CHECK(d.src == IpAddr::v6(kA6));
  CHECK(d.dst == IpAddr::v6(kB6));
  CHECK(d.l4_proto == ipproto::kUdp);
  CHECK(d.sport == 5353);
  CHECK(d.dport == 53);
  CHECK(d.ip_len == 40 + 8 + data_len);
  CHECK(d.payload.size() == data_len);
}

void checkOuter4(const DecodedPacket& d, TunnelKind kind) {
  CHECK(d.tunnel == kind);
  CHECK(d.tunnel_src == IpAddr::v4(kOuterA4));
  CHECK(d.tunnel_dst == IpAddr::v4(kOuterB4));
}
Bytes outer4(std::uint8_t proto, const Bytes& inner) {
  return ethernet(0x0800) + ipv4(proto, kOuterA4, kOuterB4, inner.size()) + inner;
}
} // namespace

// --- link types -------------------------------------------------------------------------------

TEST_CASE("Ethernet carrying IPv4 and TCP decodes addresses ports and flags") {
  const Bytes f = ethernet(0x0800) + ipv4Tcp();
  DecodedPacket d;
  REQUIRE(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::Ok);
  checkIpv4Tcp(d);
  CHECK(d.ts == 1700000000123456);
  CHECK(d.link_type == linktype::kEthernet);
  CHECK(d.vlan_count == 0);
  CHECK(d.tunnel == TunnelKind::None);
  CHECK(d.l3.data() == f.data() + 14);
  CHECK(d.l3.size() == d.ip_len);
  CHECK(d.payload.data() == f.data() + 14 + 40);
}

TEST_CASE("Ethernet padding is excluded from the payload and from l3") {
  const Bytes l4 = udp(1111, 2222, 2) + payload(2);
  Bytes f = ethernet(0x0800) + ipv4(ipproto::kUdp, kA4, kB4, l4.size()) + l4;
  f.resize(60, 0x00); // minimum Ethernet frame without FCS
  DecodedPacket d;
  REQUIRE(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::Ok);
  CHECK(d.ip_len == 30);
  CHECK(d.l3.size() == 30);
  CHECK(d.payload.size() == 2);
}

TEST_CASE("Ethernet frames without IP are NonIp") {
  DecodedPacket d;
  SECTION("ARP") {
    const Bytes f = ethernet(0x0806) + payload(28);
    CHECK(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::NonIp);
  }
  SECTION("802.3 with an LLC header (STP)") {
    const Bytes f = ethernet(38) + hex("42 42 03") + payload(35);
    CHECK(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::NonIp);
  }
  SECTION("an invalid type between 1501 and 1535") {
    const Bytes f = ethernet(0x05FF) + payload(40);
    CHECK(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::NonIp);
  }
}

TEST_CASE("802.3 with LLC SNAP and an Ethernet OUI carries IP") {
  const Bytes ip = ipv4Tcp();
  const Bytes f =
      ethernet(static_cast<std::uint16_t>(8 + ip.size())) + hex("AA AA 03 00 00 00 08 00") + ip;
  DecodedPacket d;
  REQUIRE(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::Ok);
  checkIpv4Tcp(d);
}

TEST_CASE("Linux cooked capture v1 decodes IPv4 and rejects netlink") {
  DecodedPacket d;
  const Bytes f = sll(0x0800) + ipv4Tcp();
  REQUIRE(decodeBytes(linktype::kLinuxSll, f, d) == DecodeStatus::Ok);
  checkIpv4Tcp(d);
  const Bytes nl = sll(0x0010, 824) + payload(20);
  CHECK(decodeBytes(linktype::kLinuxSll, nl, d) == DecodeStatus::NonIp);
  const Bytes llc = sll(0x0004) + payload(20);
  CHECK(decodeBytes(linktype::kLinuxSll, llc, d) == DecodeStatus::NonIp);
}

TEST_CASE("Linux cooked capture v2 decodes IPv6") {
  const Bytes f = sll2(0x86DD) + ipv6Udp();
  DecodedPacket d;
  REQUIRE(decodeBytes(linktype::kLinuxSll2, f, d) == DecodeStatus::Ok);
  checkIpv6Udp(d);
}

TEST_CASE("Raw IP link types choose the version from the first nibble") {
  DecodedPacket d;
  for (std::uint32_t lt : {linktype::kRaw, linktype::kDltRaw12, linktype::kDltRaw14}) {
    INFO("link type " << lt);
    const Bytes f1 = ipv4Tcp();
    REQUIRE(decodeBytes(lt, f1, d) == DecodeStatus::Ok);
    checkIpv4Tcp(d);
    const Bytes f2 = ipv6Udp();
    REQUIRE(decodeBytes(lt, f2, d) == DecodeStatus::Ok);
    checkIpv6Udp(d);
    CHECK(decodeBytes(lt, hex("50 00 00 14"), d) == DecodeStatus::BadIpVersion);
  }
}

TEST_CASE("LINKTYPE_IPV4 and LINKTYPE_IPV6 insist on their version") {
  DecodedPacket d;
  const Bytes f3 = ipv4Tcp();
  REQUIRE(decodeBytes(linktype::kIpv4, f3, d) == DecodeStatus::Ok);
  checkIpv4Tcp(d);
  CHECK(decodeBytes(linktype::kIpv4, ipv6Udp(), d) == DecodeStatus::BadIpVersion);
  const Bytes f4 = ipv6Udp();
  REQUIRE(decodeBytes(linktype::kIpv6, f4, d) == DecodeStatus::Ok);
  checkIpv6Udp(d);
  CHECK(decodeBytes(linktype::kIpv6, ipv4Tcp(), d) == DecodeStatus::BadIpVersion);
}

TEST_CASE("BSD null loopback reads a host-order address family of either endianness") {
  DecodedPacket d;
  Bytes le;
  put32Le(le, 2);
  const Bytes f5 = le + ipv4Tcp();
  REQUIRE(decodeBytes(linktype::kNull, f5, d) == DecodeStatus::Ok);
  checkIpv4Tcp(d);
  Bytes be;
  put32(be, 2);
  const Bytes f6 = be + ipv4Tcp();
  REQUIRE(decodeBytes(linktype::kNull, f6, d) == DecodeStatus::Ok);
  checkIpv4Tcp(d);
  for (std::uint32_t af6 : {24u, 28u, 30u}) {
    INFO("AF_INET6 = " << af6);
    Bytes h;
    put32Le(h, af6);
    const Bytes f7 = h + ipv6Udp();
    REQUIRE(decodeBytes(linktype::kNull, f7, d) == DecodeStatus::Ok);
    checkIpv6Udp(d);
  }
  Bytes other;
  put32Le(other, 7);
  CHECK(decodeBytes(linktype::kNull, other + ipv4Tcp(), d) == DecodeStatus::NonIp);
}

TEST_CASE("OpenBSD loop reads a network-order address family") {
  DecodedPacket d;
  Bytes v4;
  put32(v4, 2);
  const Bytes f8 = v4 + ipv4Tcp();
  REQUIRE(decodeBytes(linktype::kLoop, f8, d) == DecodeStatus::Ok);
  checkIpv4Tcp(d);
  Bytes v6;
  put32(v6, 24);
  const Bytes f9 = v6 + ipv6Udp();
  REQUIRE(decodeBytes(linktype::kLoop, f9, d) == DecodeStatus::Ok);
  checkIpv6Udp(d);
  Bytes swapped;
  put32Le(swapped, 2); // not a valid network-order family
  CHECK(decodeBytes(linktype::kLoop, swapped + ipv4Tcp(), d) == DecodeStatus::NonIp);
}

TEST_CASE("PPP decodes IPv4 and IPv6 with or without HDLC framing") {
  DecodedPacket d;
  for (std::uint32_t lt : {linktype::kPpp, linktype::kPppHdlc}) {
    INFO("link type " << lt);
    const Bytes f10 = hex("FF 03 00 21") + ipv4Tcp();
    REQUIRE(decodeBytes(lt, f10, d) == DecodeStatus::Ok);
    checkIpv4Tcp(d);
    const Bytes f11 = hex("00 21") + ipv4Tcp();
    REQUIRE(decodeBytes(lt, f11, d) == DecodeStatus::Ok);
    checkIpv4Tcp(d);
    const Bytes f12 = hex("21") + ipv4Tcp(); // compressed
    REQUIRE(decodeBytes(lt, f12, d) == DecodeStatus::Ok);
    checkIpv4Tcp(d);
    const Bytes f13 = hex("FF 03 00 57") + ipv6Udp();
    REQUIRE(decodeBytes(lt, f13, d) == DecodeStatus::Ok);
    checkIpv6Udp(d);
    CHECK(decodeBytes(lt, hex("FF 03 C0 21 01 01 00 04"), d) == DecodeStatus::NonIp); // LCP
    CHECK(decodeBytes(lt, hex("FF 03 00 57") + ipv4Tcp(), d) == DecodeStatus::BadIpVersion);
  }
}

TEST_CASE("Cisco HDLC decodes as its own link type and inside the PPP link type") {
  DecodedPacket d;
  const Bytes f14 = hex("0F 00 08 00") + ipv4Tcp();
  REQUIRE(decodeBytes(linktype::kCHdlc, f14, d) == DecodeStatus::Ok);
  checkIpv4Tcp(d);
  const Bytes f15 = hex("8F 00 08 00") + ipv4Tcp();
  REQUIRE(decodeBytes(linktype::kPpp, f15, d) == DecodeStatus::Ok);
  checkIpv4Tcp(d);
  CHECK(decodeBytes(linktype::kCHdlc, hex("8F 00 80 35") + payload(20), d) ==
        DecodeStatus::NonIp); // SLARP
}

TEST_CASE("A real Cisco HDLC frame with MPLS decodes to BGP over TCP") {
  // BGP_redist.pcap frame 1 (first 80 bytes of 163).
  const Bytes f = hex("0f00884700012dfe45c0009b93cc4000ff06dac4020202020404040400b3f82fd5a86c49"
                      "3c92f65050183fb40ea10000ffffffffffffffffffffffffffffffff0073020000005c40"
                      "0101024002008004");
  DecodedPacket d;
  REQUIRE(decodeBytes(linktype::kCHdlc, f, d) == DecodeStatus::Ok);
  CHECK(d.mpls_labels == 1);
  CHECK(d.src.toString() == "2.2.2.2");
  CHECK(d.dst.toString() == "4.4.4.4");
  CHECK(d.sport == 179);
  CHECK(d.dport == 63535);
  CHECK(d.payload.size() == f.size() - 8 - 20 - 20);
}

TEST_CASE("PPI decodes the inner Ethernet frame") {
  // someip_sd_sample.pcap frame 1, first 64 bytes: 8-byte PPI header + 16 bytes of fields.
  const Bytes f = hex("0000100001000000080004000000000001005e0203050054afe7034008004500005400004000"
                      "ff11749fc0a85849eb020305771a771a0040e278");
  DecodedPacket d;
  REQUIRE(decodeBytes(linktype::kPpi, f, d) == DecodeStatus::Ok);
  CHECK(d.src.toString() == "192.168.88.73");
  CHECK(d.dst.toString() == "235.2.3.5");
  CHECK(d.sport == 30490);
  CHECK(d.dport == 30490);
  CHECK(d.link_type == linktype::kPpi);
  // A PPI header that claims less than its own 8 bytes is malformed.
  CHECK(decodeBytes(linktype::kPpi, hex("00 00 04 00 01 00 00 00") + payload(40), d) ==
        DecodeStatus::TruncatedLink);
  // PPI inside PPI is not followed.
  CHECK(decodeBytes(linktype::kPpi, hex("00 00 08 00 c0 00 00 00") + payload(40), d) ==
        DecodeStatus::UnsupportedLinktype);
}

TEST_CASE("Unknown link types are reported as unsupported") {
  DecodedPacket d;
  CHECK(decodeBytes(105, ipv4Tcp(), d) == DecodeStatus::UnsupportedLinktype); // 802.11
  CHECK(decodeBytes(0xFFFFFFFF, ipv4Tcp(), d) == DecodeStatus::UnsupportedLinktype);
}

TEST_CASE("An empty frame is truncated at the link layer for every link type") {
  DecodedPacket d;
  const Bytes empty;
  for (std::uint32_t lt :
       {linktype::kEthernet, linktype::kLinuxSll, linktype::kLinuxSll2, linktype::kRaw,
        linktype::kNull, linktype::kLoop, linktype::kCHdlc, linktype::kPpi}) {
    INFO("link type " << lt);
    CHECK(decodeBytes(lt, empty, d) == DecodeStatus::TruncatedLink);
  }
  CHECK(decodeBytes(linktype::kPpp, empty, d) == DecodeStatus::TruncatedPpp);
  CHECK(decodeBytes(linktype::kIpv4, empty, d) == DecodeStatus::TruncatedIpv4);
  CHECK(decodeBytes(linktype::kIpv6, empty, d) == DecodeStatus::TruncatedIpv6);
}

// --- VLAN, MPLS, PPPoE ---------------------------------------------------------------------------

TEST_CASE("An 802.1Q tag is recorded and skipped") {
  const Bytes f = ethernet(0x8100) + vlanTag(0x2000 | 100, 0x0800) + ipv4Tcp(); // PCP 1
  DecodedPacket d;
  REQUIRE(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::Ok);
  CHECK(d.vlan_count == 1);
  CHECK(d.vlan[0] == 100);
  checkIpv4Tcp(d);
}

TEST_CASE("QinQ keeps the outer and inner VLAN ids") {
  DecodedPacket d;
  for (std::uint16_t outer_tpid : {std::uint16_t{0x88A8}, std::uint16_t{0x8100},
                                   std::uint16_t{0x9100}, std::uint16_t{0x9200}}) {
    INFO("outer TPID " << outer_tpid);
    const Bytes f =
        ethernet(outer_tpid) + vlanTag(10, 0x8100) + vlanTag(0xE000 | 4095, 0x86DD) + ipv6Udp();
    REQUIRE(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::Ok);
    CHECK(d.vlan_count == 2);
    CHECK(d.vlan[0] == 10);
    CHECK(d.vlan[1] == 4095);
    checkIpv6Udp(d);
  }
}

TEST_CASE("Tags beyond the second are skipped but not recorded") {
  const Bytes f =
      ethernet(0x88A8) + vlanTag(1, 0x8100) + vlanTag(2, 0x8100) + vlanTag(3, 0x0800) + ipv4Tcp();
  DecodedPacket d;
  REQUIRE(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::Ok);
  CHECK(d.vlan_count == 2);
  CHECK(d.vlan[0] == 1);
  CHECK(d.vlan[1] == 2);
  checkIpv4Tcp(d);
}

TEST_CASE("An MPLS label stack is popped and the payload guessed by its version nibble") {
  DecodedPacket d;
  SECTION("IPv4 after two labels") {
    const Bytes f = ethernet(0x8847) + mplsLabel(100, false) + mplsLabel(200, true) + ipv4Tcp();
    REQUIRE(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::Ok);
    CHECK(d.mpls_labels == 2);
    checkIpv4Tcp(d);
  }
  SECTION("IPv6 after one multicast label") {
    const Bytes f = ethernet(0x8848) + mplsLabel(2, true) + ipv6Udp();
    REQUIRE(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::Ok);
    CHECK(d.mpls_labels == 1);
    checkIpv6Udp(d);
  }
  SECTION("a VLAN then MPLS") {
    const Bytes f = ethernet(0x8100) + vlanTag(7, 0x8847) + mplsLabel(16, true) + ipv4Tcp();
    REQUIRE(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::Ok);
    CHECK(d.vlan_count == 1);
    CHECK(d.mpls_labels == 1);
    checkIpv4Tcp(d);
  }
  SECTION("an unrecognisable payload") {
    const Bytes f = ethernet(0x8847) + mplsLabel(16, true) + hex("11 22 33 44") + payload(30);
    CHECK(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::NonIp);
  }
}

TEST_CASE("An Ethernet pseudowire over MPLS is decoded with or without a control word") {
  DecodedPacket d;
  SECTION("with a control word") {
    const Bytes f = ethernet(0x8847) + mplsLabel(1000, false) + mplsLabel(2000, true) +
                    hex("00 00 00 01") + innerEthIpv4Tcp();
    REQUIRE(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::Ok);
    CHECK(d.mpls_labels == 2);
    checkIpv4Tcp(d);
  }
  SECTION("without a control word") {
    const Bytes f = ethernet(0x8847) + mplsLabel(2000, true) + innerEthIpv4Tcp();
    REQUIRE(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::Ok);
    checkIpv4Tcp(d);
  }
}

TEST_CASE("A PPPoE session carries PPP and IP and its length excludes padding") {
  DecodedPacket d;
  SECTION("IPv4") {
    const Bytes ip = ipv4Tcp();
    Bytes f =
        ethernet(0x8864) + pppoe(static_cast<std::uint16_t>(2 + ip.size())) + hex("00 21") + ip;
    REQUIRE(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::Ok);
    checkIpv4Tcp(d);
  }
  SECTION("IPv6 inside QinQ") {
    const Bytes ip = ipv6Udp();
    const Bytes f = ethernet(0x8100) + vlanTag(5, 0x8100) + vlanTag(6, 0x8864) +
                    pppoe(static_cast<std::uint16_t>(2 + ip.size())) + hex("00 57") + ip;
    REQUIRE(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::Ok);
    CHECK(d.vlan_count == 2);
    checkIpv6Udp(d);
  }
  SECTION("LCP and discovery are not IP") {
    const Bytes lcp = ethernet(0x8864) + pppoe(6) + hex("C0 21 09 01 00 04");
    CHECK(decodeBytes(linktype::kEthernet, lcp, d) == DecodeStatus::NonIp);
    const Bytes padi = ethernet(0x8863) + hex("11 09 00 00 00 00");
    CHECK(decodeBytes(linktype::kEthernet, padi, d) == DecodeStatus::NonIp);
  }
}

TEST_CASE("A real PPPoE frame inside QinQ decodes to DNS") {
  // dns.pcap frame 4: Ethernet, 802.1Q 421, 802.1Q 785, PPPoE session, PPP IPv4, UDP 53.
  const Bytes f = hex("000000000001d494e80eadc1810001a58100031188641100556a003f00214500003d0000"
                      "4000401184a152b271f552b29eb5b89700350029b67d7843010000010000000000000265"
                      "37087768617473617070036e65740000010001");
  DecodedPacket d;
  REQUIRE(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::Ok);
  CHECK(d.vlan_count == 2);
  CHECK(d.vlan[0] == 421);
  CHECK(d.vlan[1] == 785);
  CHECK(d.src.toString() == "82.178.113.245");
  CHECK(d.dst.toString() == "82.178.158.181");
  CHECK(d.sport == 47255);
  CHECK(d.dport == 53);
  CHECK(d.payload.size() == 33);
}

TEST_CASE("Odd PPPoE and PPP payloads") {
  DecodedPacket d;
  const Bytes ip = ipv4Tcp();
  SECTION("a PPPoE version other than 1 is not decoded") {
    const Bytes f = ethernet(0x8864) + hex("21 00 00 01") + hex("00 36") + hex("00 21") + ip;
    CHECK(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::NonIp);
  }
  SECTION("PPP carrying MPLS") {
    const Bytes f = hex("FF 03 02 81") + mplsLabel(5, true) + ip;
    REQUIRE(decodeBytes(linktype::kPpp, f, d) == DecodeStatus::Ok);
    CHECK(d.mpls_labels == 1);
    checkIpv4Tcp(d);
  }
  SECTION("PPP in version 0 GRE is not PPTP") {
    const Bytes f = outer4(ipproto::kGre, gre(0x2000, 0x880B) + hex("FF 03 00 21") + ip);
    CHECK(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::UnsupportedGre);
  }
}

TEST_CASE("Cut 802.3 LLC headers are truncated links") {
  DecodedPacket d;
  CHECK(decodeBytes(linktype::kEthernet, ethernet(40) + hex("AA AA"), d) ==
        DecodeStatus::TruncatedLink);
  CHECK(decodeBytes(linktype::kEthernet, ethernet(40) + hex("AA AA 03 00 00 00 08"), d) ==
        DecodeStatus::TruncatedLink);
  CHECK(decodeBytes(linktype::kEthernet, ethernet(40) + hex("AA AA 03 00 00 0C 20 00") + ipv4Tcp(),
                    d) == DecodeStatus::NonIp); // SNAP with a Cisco OUI (CDP)
  CHECK(decodeBytes(linktype::kLinuxSll2, sll2(0x0800, 824) + ipv4Tcp(), d) == DecodeStatus::NonIp);
}

// --- IPv4 / IPv6 -----------------------------------------------------------------------------

TEST_CASE("IPv4 options are skipped using the IHL") {
  const Bytes opts = hex("94 04 00 00 01 01 01 00"); // router alert, NOP, NOP, NOP, EOL
  const Bytes l4 = tcp(40000, 443, 1000, 2000, tcpflag::kPsh | tcpflag::kAck) + payload(12);
  const Bytes f = ethernet(0x0800) + ipv4(ipproto::kTcp, kA4, kB4, l4.size(), opts) + l4;
  DecodedPacket d;
  REQUIRE(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::Ok);
  CHECK(d.sport == 40000);
  CHECK(d.ip_len == 28 + 32);
  CHECK(d.payload.size() == 12);
}

TEST_CASE("Bad IPv4 headers are rejected") {
  DecodedPacket d;
  Bytes ip = ipv4Tcp();
  SECTION("IHL below 5") {
    ip[0] = 0x44;
    CHECK(decodeBytes(linktype::kRaw, ip, d) == DecodeStatus::BadIpv4Header);
  }
  SECTION("total length below the header length") {
    ip[2] = 0;
    ip[3] = 19;
    CHECK(decodeBytes(linktype::kRaw, ip, d) == DecodeStatus::BadIpv4Header);
  }
  SECTION("IHL beyond the captured bytes") {
    ip[0] = 0x4F; // 60-byte header, 52 bytes captured
    CHECK(decodeBytes(linktype::kRaw, ip, d) == DecodeStatus::TruncatedIpv4);
  }
  SECTION("a zero total length (segmentation offload) uses the captured length") {
    ip[2] = 0;
    ip[3] = 0;
    REQUIRE(decodeBytes(linktype::kRaw, ip, d) == DecodeStatus::Ok);
    CHECK(d.ip_len == ip.size());
    CHECK(d.payload.size() == 12);
  }
}

TEST_CASE("A snaplen-cut packet keeps its header length but clips the payload") {
  Bytes f = ethernet(0x0800) + ipv4Tcp(500);
  f.resize(14 + 40 + 100);
  DecodedPacket d;
  REQUIRE(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::Ok);
  CHECK(d.ip_len == 540);
  CHECK(d.payload.size() == 100);
  CHECK(d.l3.size() == 140);
}

TEST_CASE("IPv6 extension headers are walked to the transport header") {
  DecodedPacket d;
  const Bytes l4 = udp(5353, 53, 9) + payload(9);
  SECTION("hop-by-hop, routing, destination options and AH") {
    const Bytes ext = ipv6Ext(43, 0) + ipv6Ext(60, 1) + ipv6Ext(51, 0) + ipv6Ah(ipproto::kUdp);
    const Bytes f = ipv6(0, kA6, kB6, ext.size() + l4.size()) + ext + l4;
    REQUIRE(decodeBytes(linktype::kIpv6, f, d) == DecodeStatus::Ok);
    CHECK(d.l4_proto == ipproto::kUdp);
    CHECK(d.sport == 5353);
    CHECK(d.dport == 53);
    CHECK(d.payload.size() == 9);
    CHECK(d.ip_len == f.size());
    CHECK_FALSE(d.fragment);
  }
  SECTION("mobility header ends in no next header") {
    const Bytes f = ipv6(135, kA6, kB6, 16) + ipv6Ext(59, 1);
    REQUIRE(decodeBytes(linktype::kIpv6, f, d) == DecodeStatus::Ok);
    CHECK(d.l4_proto == 59);
    CHECK(d.sport == 0);
    CHECK(d.payload.empty());
  }
  SECTION("ESP stops the walk") {
    const Bytes f = ipv6(0, kA6, kB6, 8 + 24) + ipv6Ext(50, 0) + payload(24);
    REQUIRE(decodeBytes(linktype::kIpv6, f, d) == DecodeStatus::Ok);
    CHECK(d.l4_proto == 50);
    CHECK(d.sport == 0);
    CHECK(d.dport == 0);
    CHECK(d.payload.size() == 24);
  }
  SECTION("no next header after the fixed header") {
    const Bytes f = ipv6(59, kA6, kB6, 0);
    REQUIRE(decodeBytes(linktype::kIpv6, f, d) == DecodeStatus::Ok);
    CHECK(d.l4_proto == 59);
    CHECK(d.ip_len == 40);
    CHECK(d.payload.empty());
  }
}

TEST_CASE("An IPv6 jumbogram with payload length 0 uses the captured length") {
  const Bytes l4 = udp(5353, 53, 9) + payload(9);
  // Hop-by-hop with a jumbo payload option (type 0xC2), as RFC 2675 frames it.
  const Bytes hbh = hex("11 00 C2 04 00 01 00 00");
  const Bytes f = ipv6(0, kA6, kB6, 0) + hbh + l4;
  DecodedPacket d;
  REQUIRE(decodeBytes(linktype::kIpv6, f, d) == DecodeStatus::Ok);
  CHECK(d.ip_len == f.size());
  CHECK(d.dport == 53);
  CHECK(d.payload.size() == 9);
}

TEST_CASE("The first IPv4 fragment has ports and a payload") {
  const Bytes l4 = udp(5353, 53, 100) + payload(40); // the datagram continues elsewhere
  const Bytes f = ipv4(ipproto::kUdp, kA4, kB4, l4.size(), {}, 0x2000) + l4; // MF, offset 0
  DecodedPacket d;
  REQUIRE(decodeBytes(linktype::kRaw, f, d) == DecodeStatus::Ok);
  CHECK(d.fragment);
  CHECK(d.first_fragment);
  CHECK(d.sport == 5353);
  CHECK(d.dport == 53);
  CHECK(d.payload.size() == 40);
}

TEST_CASE("A later IPv4 fragment is OkFragment and never read as TCP") {
  // The fragment data looks like a TCP header to 80 with SYN: it must not be used.
  const Bytes data = tcp(1234, 80, 1, 0, tcpflag::kSyn) + payload(8);
  DecodedPacket d;
  for (std::uint16_t frag : {std::uint16_t{0x2000 | 185}, std::uint16_t{185}}) { // MF or last
    INFO("frag field " << frag);
    const Bytes f = ipv4(ipproto::kTcp, kA4, kB4, data.size(), {}, frag) + data;
    REQUIRE(decodeBytes(linktype::kRaw, f, d) == DecodeStatus::OkFragment);
    CHECK(d.fragment);
    CHECK_FALSE(d.first_fragment);
    CHECK(d.l4_proto == ipproto::kTcp);
    CHECK(d.src == IpAddr::v4(kA4));
    CHECK(d.sport == 0);
    CHECK(d.dport == 0);
    CHECK(d.tcp_flags == 0);
    CHECK(d.payload.empty());
    CHECK(d.ip_len == f.size());
  }
}

TEST_CASE("IPv6 fragments are first or later by their offset") {
  DecodedPacket d;
  const Bytes l4 = udp(5353, 53, 100) + payload(32);
  SECTION("first fragment") {
    const Bytes f = ipv6(44, kA6, kB6, 8 + l4.size()) + ipv6Frag(ipproto::kUdp, 0, true) + l4;
    REQUIRE(decodeBytes(linktype::kIpv6, f, d) == DecodeStatus::Ok);
    CHECK(d.fragment);
    CHECK(d.first_fragment);
    CHECK(d.dport == 53);
    CHECK(d.payload.size() == 32);
  }
  SECTION("later fragment behind a hop-by-hop header") {
    const Bytes f =
        ipv6(0, kA6, kB6, 16 + l4.size()) + ipv6Ext(44) + ipv6Frag(ipproto::kUdp, 13, false) + l4;
    REQUIRE(decodeBytes(linktype::kIpv6, f, d) == DecodeStatus::OkFragment);
    CHECK(d.fragment);
    CHECK_FALSE(d.first_fragment);
    CHECK(d.l4_proto == ipproto::kUdp);
    CHECK(d.sport == 0);
    CHECK(d.dport == 0);
    CHECK(d.payload.empty());
  }
  SECTION("atomic fragment (offset 0, no more fragments) is not a fragment") {
    const Bytes f = ipv6(44, kA6, kB6, 8 + l4.size()) + ipv6Frag(ipproto::kUdp, 0, false) + l4;
    REQUIRE(decodeBytes(linktype::kIpv6, f, d) == DecodeStatus::Ok);
    CHECK_FALSE(d.fragment);
    CHECK(d.dport == 53);
  }
}

// --- transport -----------------------------------------------------------------------------------

TEST_CASE("TCP options are skipped with the data offset and flags are kept") {
  const Bytes opts = hex("02 04 05 B4 01 03 03 07 04 02 00 00"); // MSS, NOP, WS, SACK-perm, EOL
  const Bytes l4 =
      tcp(1, 2, 0xFFFFFFFF, 0x80000000, tcpflag::kSyn | tcpflag::kAck | 0xC0, opts) + payload(3);
  const Bytes f = ipv4(ipproto::kTcp, kA4, kB4, l4.size()) + l4;
  DecodedPacket d;
  REQUIRE(decodeBytes(linktype::kRaw, f, d) == DecodeStatus::Ok);
  CHECK(d.tcp_seq == 0xFFFFFFFF);
  CHECK(d.tcp_ack == 0x80000000);
  CHECK(d.tcp_flags == (tcpflag::kSyn | tcpflag::kAck | 0xC0));
  CHECK(d.payload.size() == 3);
  CHECK(d.payload.data() == f.data() + 20 + 32);
}

TEST_CASE("A TCP data offset below 5 is a bad header") {
  Bytes l4 = tcp(1, 2, 3, 4, tcpflag::kAck) + payload(8);
  l4[12] = 0x40;
  const Bytes f = ipv4(ipproto::kTcp, kA4, kB4, l4.size()) + l4;
  DecodedPacket d;
  CHECK(decodeBytes(linktype::kRaw, f, d) == DecodeStatus::BadTcpHeader);
}

TEST_CASE("UDP payload is clipped to the UDP length") {
  Bytes l4 = udp(1, 2, 4) + payload(10); // UDP says 4 bytes of data, IP carries 10
  const Bytes f = ipv4(ipproto::kUdp, kA4, kB4, l4.size()) + l4;
  DecodedPacket d;
  REQUIRE(decodeBytes(linktype::kRaw, f, d) == DecodeStatus::Ok);
  CHECK(d.payload.size() == 4);
  // A UDP length beyond the packet cannot extend the payload.
  Bytes big = udp(1, 2, 4000) + payload(10);
  const Bytes g = ipv4(ipproto::kUdp, kA4, kB4, big.size()) + big;
  REQUIRE(decodeBytes(linktype::kRaw, g, d) == DecodeStatus::Ok);
  CHECK(d.payload.size() == 10);
}

TEST_CASE("ICMP and ICMPv6 have no ports") {
  DecodedPacket d;
  const Bytes ic = icmp(8, 0) + payload(16);
  const Bytes f4 = ipv4(ipproto::kIcmp, kA4, kB4, ic.size()) + ic;
  REQUIRE(decodeBytes(linktype::kRaw, f4, d) == DecodeStatus::Ok);
  CHECK(d.l4_proto == ipproto::kIcmp);
  CHECK(d.sport == 0);
  CHECK(d.dport == 0);
  CHECK(d.payload.size() == ic.size() - 4);
  const Bytes ic6 = icmp(128, 0) + payload(16);
  const Bytes f6 = ipv6(ipproto::kIcmpV6, kA6, kB6, ic6.size()) + ic6;
  REQUIRE(decodeBytes(linktype::kIpv6, f6, d) == DecodeStatus::Ok);
  CHECK(d.l4_proto == ipproto::kIcmpV6);
  CHECK(d.sport == 0);
  CHECK(d.dport == 0);
  const Bytes cut = ipv4(ipproto::kIcmp, kA4, kB4, 3) + hex("08 00 00");
  CHECK(decodeBytes(linktype::kRaw, cut, d) == DecodeStatus::TruncatedIcmp);
}

TEST_CASE("Other IP protocols decode as Ok with no ports and the rest as payload") {
  DecodedPacket d;
  for (std::uint8_t proto : {std::uint8_t{50}, std::uint8_t{132}, std::uint8_t{89}, std::uint8_t{2},
                             std::uint8_t{255}}) {
    INFO("protocol " << int(proto));
    const Bytes f = ipv4(proto, kA4, kB4, 24) + payload(24);
    REQUIRE(decodeBytes(linktype::kRaw, f, d) == DecodeStatus::Ok);
    CHECK(d.l4_proto == proto);
    CHECK(d.sport == 0);
    CHECK(d.dport == 0);
    CHECK(d.payload.size() == 24);
  }
}

// --- tunnels ------------------------------------------------------------------------------------

TEST_CASE("GRE with IPv4 inside is peeled and the outer addresses kept") {
  DecodedPacket d;
  for (std::uint16_t flags : {std::uint16_t{0}, std::uint16_t{0x8000}, std::uint16_t{0x2000},
                              std::uint16_t{0x1000}, std::uint16_t{0xB000}}) {
    INFO("GRE flags " << flags);
    const Bytes f = outer4(ipproto::kGre, gre(flags, 0x0800) + ipv4Tcp());
    REQUIRE(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::Ok);
    checkOuter4(d, TunnelKind::Gre);
    checkIpv4Tcp(d);
  }
}

TEST_CASE("GRE with IPv6, transparent Ethernet bridging and MPLS inside") {
  DecodedPacket d;
  SECTION("IPv6") {
    const Bytes f = outer4(ipproto::kGre, gre(0x2000, 0x86DD) + ipv6Udp());
    REQUIRE(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::Ok);
    checkOuter4(d, TunnelKind::Gre);
    checkIpv6Udp(d);
  }
  SECTION("Ethernet (0x6558) with a VLAN") {
    const Bytes inner = ethernet(0x8100) + vlanTag(33, 0x0800) + ipv4Tcp();
    const Bytes f = outer4(ipproto::kGre, gre(0x2000, 0x6558) + inner);
    REQUIRE(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::Ok);
    checkOuter4(d, TunnelKind::Gre);
    CHECK(d.vlan_count == 1);
    CHECK(d.vlan[0] == 33);
    checkIpv4Tcp(d);
  }
  SECTION("MPLS") {
    const Bytes f = outer4(ipproto::kGre, gre(0, 0x8847) + mplsLabel(99, true) + ipv4Tcp());
    REQUIRE(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::Ok);
    checkOuter4(d, TunnelKind::Gre);
    CHECK(d.mpls_labels == 1);
    checkIpv4Tcp(d);
  }
  SECTION("over IPv6") {
    const Bytes inner = gre(0, 0x0800) + ipv4Tcp();
    const Bytes f = ipv6(ipproto::kGre, kA6, kB6, inner.size()) + inner;
    REQUIRE(decodeBytes(linktype::kIpv6, f, d) == DecodeStatus::Ok);
    CHECK(d.tunnel == TunnelKind::Gre);
    CHECK(d.tunnel_src == IpAddr::v6(kA6));
    CHECK(d.tunnel_dst == IpAddr::v6(kB6));
    checkIpv4Tcp(d);
  }
}

TEST_CASE("Enhanced GRE (PPTP) carrying PPP is decoded") {
  DecodedPacket d;
  SECTION("synthetic with sequence and acknowledgment") {
    const Bytes f = outer4(ipproto::kGre, gre(0x3081, 0x880B) + hex("FF 03 00 21") + ipv4Tcp());
    REQUIRE(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::Ok);
    checkOuter4(d, TunnelKind::Gre);
    checkIpv4Tcp(d);
  }
  SECTION("real frame from gre.pcapng (first 96 bytes)") {
    const Bytes f = hex("0000000000029c37f47c6e918100008e08004500016eafa50000f22f584f6d69e4fd0a"
                        "b162543081880b014a98500000006a0000008cff03002145a0014638c100003f114dfb"
                        "c0a80ad2c0a8672813c413c4013257d55349502f322e30203130");
    REQUIRE(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::Ok);
    CHECK(d.tunnel == TunnelKind::Gre);
    CHECK(d.tunnel_src.toString() == "109.105.228.253");
    CHECK(d.tunnel_dst.toString() == "10.177.98.84");
    CHECK(d.src.toString() == "192.168.10.210");
    CHECK(d.dst.toString() == "192.168.103.40");
    CHECK(d.sport == 5060);
    CHECK(d.dport == 5060);
    CHECK(d.vlan_count == 1);
    CHECK(d.vlan[0] == 142);
  }
  SECTION("compressed PPP that is not IP") {
    const Bytes f = outer4(ipproto::kGre, gre(0x2001, 0x880B) + hex("FD 00 01 02 03"));
    CHECK(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::NonIp);
  }
}

TEST_CASE("Unsupported GRE variants are reported") {
  DecodedPacket d;
  CHECK(decodeBytes(linktype::kEthernet, outer4(ipproto::kGre, gre(0, 0x1234) + payload(20)), d) ==
        DecodeStatus::UnsupportedGre);
  CHECK(decodeBytes(linktype::kEthernet, outer4(ipproto::kGre, gre(0x4000, 0x0800) + payload(40)),
                    d) == DecodeStatus::UnsupportedGre); // RFC 1701 routing
  CHECK(decodeBytes(linktype::kEthernet, outer4(ipproto::kGre, gre(0x0002, 0x0800) + ipv4Tcp()),
                    d) == DecodeStatus::UnsupportedGre); // version 2
  CHECK(decodeBytes(linktype::kEthernet, outer4(ipproto::kGre, gre(0x0001, 0x0800) + ipv4Tcp()),
                    d) == DecodeStatus::UnsupportedGre); // version 1 must carry PPP
  CHECK(decodeBytes(linktype::kEthernet, outer4(ipproto::kGre, gre(0x0001, 0x880B) + ipv4Tcp()),
                    d) == DecodeStatus::UnsupportedGre); // version 1 needs a key
}

TEST_CASE("ERSPAN type I has Ethernet right after the GRE header") {
  const Bytes f = outer4(ipproto::kGre, gre(0, 0x88BE) + innerEthIpv4Tcp());
  DecodedPacket d;
  REQUIRE(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::Ok);
  checkOuter4(d, TunnelKind::Erspan);
  checkIpv4Tcp(d);
}

TEST_CASE("ERSPAN type II skips its 8-byte header") {
  const Bytes f = outer4(ipproto::kGre, gre(0x1000, 0x88BE) + erspan2() + innerEthIpv4Tcp());
  DecodedPacket d;
  REQUIRE(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::Ok);
  checkOuter4(d, TunnelKind::Erspan);
  checkIpv4Tcp(d);
}

TEST_CASE("ERSPAN type III skips its 12-byte header and the optional subheader") {
  DecodedPacket d;
  SECTION("without subheader") {
    const Bytes f = outer4(ipproto::kGre, gre(0x1000, 0x22EB) + erspan3(false) + innerEthIpv4Tcp());
    REQUIRE(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::Ok);
    checkOuter4(d, TunnelKind::Erspan);
    checkIpv4Tcp(d);
  }
  SECTION("with the platform-specific subheader") {
    const Bytes f = outer4(ipproto::kGre, gre(0x1000, 0x22EB) + erspan3(true) + innerEthIpv4Tcp());
    REQUIRE(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::Ok);
    checkOuter4(d, TunnelKind::Erspan);
    checkIpv4Tcp(d);
  }
  SECTION("frame type IP") {
    const Bytes f = outer4(ipproto::kGre, gre(0x1000, 0x22EB) + erspan3(false, 2) + ipv6Udp());
    REQUIRE(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::Ok);
    checkOuter4(d, TunnelKind::Erspan);
    checkIpv6Udp(d);
  }
  SECTION("another frame type") {
    const Bytes f = outer4(ipproto::kGre, gre(0x1000, 0x22EB) + erspan3(false, 5) + ipv6Udp());
    CHECK(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::UnsupportedGre);
  }
}

TEST_CASE("VXLAN on UDP port 4789 carries an Ethernet frame") {
  DecodedPacket d;
  const Bytes inner = vxlan(5001) + innerEthIpv4Tcp();
  const Bytes f = outer4(ipproto::kUdp, udp(50123, 4789, inner.size()) + inner);
  REQUIRE(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::Ok);
  checkOuter4(d, TunnelKind::Vxlan);
  checkIpv4Tcp(d);
}

TEST_CASE("UDP to port 4789 without the VXLAN I flag stays plain UDP") {
  DecodedPacket d;
  const Bytes inner = vxlan(5001, 0x00) + payload(30);
  const Bytes f = outer4(ipproto::kUdp, udp(50123, 4789, inner.size()) + inner);
  REQUIRE(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::Ok);
  CHECK(d.tunnel == TunnelKind::None);
  CHECK(d.dport == 4789);
  CHECK(d.payload.size() == inner.size());
}

TEST_CASE("A real VXLAN frame decodes to the inner DNS query") {
  // vxlan.pcap frame 1.
  const Bytes f = hex("000cbd063a74000cbd063a758100000508004500006c033f00004011c9e8c0a81604c0a8"
                      "1605edd712b500586a040800000000045700667a50aaff9a1eea692a6fcf08004500003a"
                      "35b040004011d6e50a0a140408080808ad950035002617e290c60100000100000000000008"
                      "66616365626f6f6b03636f6d0000010001");
  DecodedPacket d;
  REQUIRE(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::Ok);
  CHECK(d.tunnel == TunnelKind::Vxlan);
  CHECK(d.tunnel_src.toString() == "192.168.22.4");
  CHECK(d.tunnel_dst.toString() == "192.168.22.5");
  CHECK(d.src.toString() == "10.10.20.4");
  CHECK(d.dst.toString() == "8.8.8.8");
  CHECK(d.sport == 44437);
  CHECK(d.dport == 53);
  CHECK(d.payload.size() == 30);
  CHECK(d.vlan_count == 1);
  CHECK(d.vlan[0] == 5);
}

TEST_CASE("IP-in-IP tunnels of all four version combinations are peeled") {
  DecodedPacket d;
  SECTION("IPv4 in IPv4") {
    const Bytes f = outer4(4, ipv4Tcp());
    REQUIRE(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::Ok);
    checkOuter4(d, TunnelKind::IpInIp);
    checkIpv4Tcp(d);
  }
  SECTION("IPv6 in IPv4") {
    const Bytes f = outer4(41, ipv6Udp());
    REQUIRE(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::Ok);
    checkOuter4(d, TunnelKind::IpInIp);
    checkIpv6Udp(d);
  }
  SECTION("IPv4 in IPv6") {
    const Bytes in = ipv4Tcp();
    const Bytes f = ipv6(4, kA6, kB6, in.size()) + in;
    REQUIRE(decodeBytes(linktype::kIpv6, f, d) == DecodeStatus::Ok);
    CHECK(d.tunnel == TunnelKind::IpInIp);
    CHECK(d.tunnel_src == IpAddr::v6(kA6));
    checkIpv4Tcp(d);
  }
  SECTION("IPv6 in IPv6") {
    const Bytes in = ipv6Udp();
    const Bytes f = ipv6(41, kB6, kA6, in.size()) + in;
    REQUIRE(decodeBytes(linktype::kIpv6, f, d) == DecodeStatus::Ok);
    CHECK(d.tunnel == TunnelKind::IpInIp);
    CHECK(d.tunnel_src == IpAddr::v6(kB6));
    CHECK(d.tunnel_dst == IpAddr::v6(kA6));
    checkIpv6Udp(d);
  }
  SECTION("protocol 4 with an IPv6 packet inside is a version mismatch") {
    const Bytes f = outer4(4, ipv6Udp());
    CHECK(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::BadIpVersion);
  }
}

TEST_CASE("Nested tunnels keep the outermost tunnel and stop at the depth limit") {
  DecodedPacket d;
  // GRE outside, then IP-in-IP layers.
  auto nest = [](int ipip_layers) {
    Bytes p = ipv4Tcp();
    for (int i = 0; i < ipip_layers; ++i)
      p = ipv4(4, kOuterB4, kOuterA4, p.size()) + p; // middle layers: reversed addresses
    return outer4(ipproto::kGre, gre(0, 0x0800) + p);
  };
  const Bytes f16 = nest(3); // 4 tunnels
  REQUIRE(decodeBytes(linktype::kEthernet, f16, d) == DecodeStatus::Ok);
  checkOuter4(d, TunnelKind::Gre);
  checkIpv4Tcp(d);
  CHECK(decodeBytes(linktype::kEthernet, nest(4), d) == DecodeStatus::TunnelTooDeep); // 5
}

TEST_CASE("Every tunnel kind counts toward the depth limit") {
  const Bytes eth = innerEthIpv4Tcp();
  const Bytes vx = vxlan(1) + eth;
  const std::vector<std::pair<std::uint8_t, Bytes>> fifth{
      {ipproto::kGre, gre(0, 0x0800) + ipv4Tcp()},
      {ipproto::kGre, gre(0, 0x86DD) + ipv6Udp()},
      {ipproto::kGre, gre(0, 0x8847) + mplsLabel(1, true) + ipv4Tcp()},
      {ipproto::kGre, gre(0, 0x6558) + eth},
      {ipproto::kGre, gre(0x2001, 0x880B) + hex("FF 03 00 21") + ipv4Tcp()},
      {ipproto::kGre, gre(0, 0x88BE) + eth},
      {ipproto::kGre, gre(0x1000, 0x22EB) + erspan3(false) + eth},
      {ipproto::kUdp, udp(1, 4789, vx.size()) + vx},
      {4, ipv4Tcp()},
      {41, ipv6Udp()},
  };
  DecodedPacket d;
  for (std::size_t i = 0; i < fifth.size(); ++i) {
    INFO("case " << i);
    const auto& [proto, body] = fifth[i];
    Bytes p = ipv4(proto, kA4, kB4, body.size()) + body; // the tunnel under test
    for (int k = 0; k < 2; ++k)
      p = ipv4(4, kA4, kB4, p.size()) + p;
    const Bytes at_limit = outer4(4, p); // 3 IP-in-IP tunnels, then the one under test
    REQUIRE(decodeBytes(linktype::kEthernet, at_limit, d) == DecodeStatus::Ok);
    CHECK(d.tunnel == TunnelKind::IpInIp);
    p = ipv4(4, kA4, kB4, p.size()) + p;
    const Bytes too_deep = outer4(4, p); // one more in front: 5 in all
    CHECK(decodeBytes(linktype::kEthernet, too_deep, d) == DecodeStatus::TunnelTooDeep);
  }
}

TEST_CASE("Tunnels inside IP fragments are not followed") {
  DecodedPacket d;
  const Bytes inner = gre(0, 0x0800) + ipv4Tcp();
  const Bytes f = ethernet(0x0800) +
                  ipv4(ipproto::kGre, kOuterA4, kOuterB4, inner.size() + 100, {}, 0x2000) + inner;
  REQUIRE(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::Ok);
  CHECK(d.tunnel == TunnelKind::None);
  CHECK(d.l4_proto == ipproto::kGre);
  CHECK(d.fragment);
  CHECK(d.src == IpAddr::v4(kOuterA4));
  CHECK(d.payload.size() == inner.size());
}

TEST_CASE("MPLS pseudowires count toward the nesting limit") {
  Bytes p = innerEthIpv4Tcp();
  for (int i = 0; i < 5; ++i)
    p = ethernet(0x8847) + mplsLabel(16, true) + hex("00 00 00 00") + p;
  DecodedPacket d;
  CHECK(decodeBytes(linktype::kEthernet, p, d) == DecodeStatus::TunnelTooDeep);
}

// --- names ------------------------------------------------------------------------------------

TEST_CASE("Every decode status has a distinct snake_case name") {
  std::set<std::string> seen;
  for (int i = 0; i < static_cast<int>(DecodeStatus::Count_); ++i) {
    const std::string_view n = decodeStatusName(static_cast<DecodeStatus>(i));
    INFO("status " << i << " = " << n);
    CHECK(n != "unknown");
    CHECK_FALSE(n.empty());
    for (char c : n)
      CHECK(((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'));
    CHECK(seen.insert(std::string(n)).second);
  }
  CHECK(decodeStatusName(DecodeStatus::TruncatedIpv4) == "truncated_ipv4");
  CHECK(decodeStatusName(DecodeStatus::Ok) == "ok");
  CHECK(decodeUsable(DecodeStatus::Ok));
  CHECK(decodeUsable(DecodeStatus::OkFragment));
  CHECK_FALSE(decodeUsable(DecodeStatus::NonIp));
}

TEST_CASE("GTP-U G-PDU on UDP port 2152 carries the user's IP packet") {
  DecodedPacket d;
  SECTION("plain 8-byte header") {
    const Bytes user = ipv4Tcp();
    Bytes gtp = hex("30 ff");
    put16(gtp, static_cast<unsigned>(user.size()));
    put32(gtp, 0x11223344);
    const Bytes inner = gtp + user;
    const Bytes f = outer4(ipproto::kUdp, udp(2152, 2152, inner.size()) + inner);
    REQUIRE(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::Ok);
    checkOuter4(d, TunnelKind::GtpU);
    checkIpv4Tcp(d);
  }
  SECTION("sequence number and a PDU session container extension header") {
    const Bytes user = ipv4Tcp();
    Bytes gtp = hex("34 ff");
    put16(gtp, static_cast<unsigned>(user.size() + 4 + 4));
    put32(gtp, 0x11223344);
    gtp = gtp + hex("00 00 00 85") + hex("01 00 01 00"); // seq, npdu, next=0x85; ext len 1, next 0
    const Bytes inner = gtp + user;
    const Bytes f = outer4(ipproto::kUdp, udp(40000, 2152, inner.size()) + inner);
    REQUIRE(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::Ok);
    checkOuter4(d, TunnelKind::GtpU);
    checkIpv4Tcp(d);
  }
  SECTION("an echo request stays plain UDP") {
    Bytes gtp = hex("32 01 00 04 00 00 00 00 00 01 00 00");
    const Bytes f = outer4(ipproto::kUdp, udp(2152, 2152, gtp.size()) + gtp);
    REQUIRE(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::Ok);
    CHECK(d.tunnel == TunnelKind::None);
    CHECK(d.dport == 2152);
  }
  SECTION("a cut extension header is truncated_gtp") {
    Bytes gtp = hex("34 ff 00 10 11 22 33 44 00 00 00 85 05");
    const Bytes f = outer4(ipproto::kUdp, udp(2152, 2152, gtp.size()) + gtp);
    CHECK(decodeBytes(linktype::kEthernet, f, d) == DecodeStatus::TruncatedGtp);
  }
}
