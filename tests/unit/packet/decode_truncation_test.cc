// Truncation at every header boundary: each multi-layer frame is decoded at every prefix
// length, and the status must name the layer that the cut falls into.
#include <cstddef>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <vw/packet/decode.h>

#include "frame_builder.h"

using namespace vw;
using namespace vw::test;

namespace {

/// A header of `len` bytes whose truncation yields `status`.
struct Layer {
  std::size_t len;
  DecodeStatus status;
};

/// Decodes every prefix of `frame` (0 .. full length). Prefixes that end inside layer i must
/// give layers[i].status; prefixes that contain all layers must decode as `Ok` with the
/// transport payload being everything after the layers.
void checkEveryPrefix(std::uint32_t lt, const Bytes& frame, const std::vector<Layer>& layers) {
  std::size_t headers = 0;
  for (const auto& l : layers)
    headers += l.len;
  REQUIRE(headers <= frame.size());
  for (std::size_t cut = 0; cut <= frame.size(); ++cut) {
    const Bytes prefix(frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(cut));
    DecodedPacket d;
    const DecodeStatus got = decodeBytes(lt, prefix, d);
    DecodeStatus want = DecodeStatus::Ok;
    std::size_t start = 0;
    for (const auto& l : layers) {
      if (cut < start + l.len) {
        want = l.status;
        break;
      }
      start += l.len;
    }
    INFO("prefix length " << cut << " of " << frame.size() << ": got "
                          << std::string(decodeStatusName(got)) << ", want "
                          << std::string(decodeStatusName(want)));
    REQUIRE(got == want);
    if (want == DecodeStatus::Ok) {
      REQUIRE(d.payload.size() == cut - headers);
      REQUIRE((d.payload.empty() || d.payload.data() == prefix.data() + headers));
    }
  }
}

constexpr auto kLink = DecodeStatus::TruncatedLink;
constexpr auto kVlan = DecodeStatus::TruncatedVlan;
constexpr auto kMpls = DecodeStatus::TruncatedMpls;
constexpr auto kPppoe = DecodeStatus::TruncatedPppoe;
constexpr auto kPpp = DecodeStatus::TruncatedPpp;
constexpr auto kIp4 = DecodeStatus::TruncatedIpv4;
constexpr auto kIp6 = DecodeStatus::TruncatedIpv6;
constexpr auto kIp6Ext = DecodeStatus::TruncatedIpv6Ext;
constexpr auto kTcp = DecodeStatus::TruncatedTcp;
constexpr auto kUdp = DecodeStatus::TruncatedUdp;
constexpr auto kIcmp = DecodeStatus::TruncatedIcmp;
constexpr auto kGre = DecodeStatus::TruncatedGre;
constexpr auto kErspan = DecodeStatus::TruncatedErspan;
constexpr auto kVxlan = DecodeStatus::TruncatedVxlan;

} // namespace

TEST_CASE("Truncation of Ethernet QinQ IPv4 with options and TCP with options") {
  const Bytes opts4 = hex("01 01 01 00");
  const Bytes optsT = hex("02 04 05 B4 01 03 03 07 01 01 04 02");
  const Bytes l4 = tcp(1000, 80, 1, 2, tcpflag::kSyn, optsT) + payload(10);
  const Bytes f = ethernet(0x88A8) + vlanTag(10, 0x8100) + vlanTag(20, 0x0800) +
                  ipv4(ipproto::kTcp, kA4, kB4, l4.size(), opts4) + l4;
  checkEveryPrefix(linktype::kEthernet, f,
                   {{14, kLink}, {4, kVlan}, {4, kVlan}, {24, kIp4}, {32, kTcp}});
}

TEST_CASE("Truncation of Ethernet MPLS IPv6 hop-by-hop fragment and UDP") {
  const Bytes l4 = udp(5000, 53, 20) + payload(20);
  const Bytes ext = ipv6Ext(44, 1) + ipv6Frag(ipproto::kUdp, 0, true);
  const Bytes f = ethernet(0x8847) + mplsLabel(1, false) + mplsLabel(2, true) +
                  ipv6(0, kA6, kB6, ext.size() + l4.size()) + ext + l4;
  // Nothing after the bottom of the stack: the payload type is unknown, so MPLS is cut.
  checkEveryPrefix(linktype::kEthernet, f,
                   {{14, kLink}, {9, kMpls}, {39, kIp6}, {16, kIp6Ext}, {8, kIp6Ext}, {8, kUdp}});
}

TEST_CASE("Truncation of Ethernet VLAN PPPoE PPP IPv4 and UDP") {
  const Bytes l4 = udp(5000, 53, 7) + payload(7);
  const Bytes ip = ipv4(ipproto::kUdp, kA4, kB4, l4.size()) + l4;
  const Bytes f = ethernet(0x8100) + vlanTag(3, 0x8864) +
                  pppoe(static_cast<std::uint16_t>(2 + ip.size())) + hex("00 21") + ip;
  checkEveryPrefix(linktype::kEthernet, f,
                   {{14, kLink}, {4, kVlan}, {6, kPppoe}, {2, kPpp}, {20, kIp4}, {8, kUdp}});
}

TEST_CASE("Truncation of GRE with key and sequence then ERSPAN II then inner TCP") {
  const Bytes inner = innerEthIpv4Tcp(6);
  const Bytes g = gre(0x3000, 0x88BE) + erspan2() + inner;
  const Bytes f = ethernet(0x0800) + ipv4(ipproto::kGre, kOuterA4, kOuterB4, g.size()) + g;
  checkEveryPrefix(
      linktype::kEthernet, f,
      {{14, kLink}, {20, kIp4}, {12, kGre}, {8, kErspan}, {14, kLink}, {20, kIp4}, {20, kTcp}});
}

TEST_CASE("Truncation of GRE with checksum then ERSPAN III with subheader then IPv6") {
  const Bytes l4 = udp(5000, 53, 3) + payload(3);
  const Bytes inner = ethernet(0x86DD) + ipv6(ipproto::kUdp, kA6, kB6, l4.size()) + l4;
  const Bytes g = gre(0x9000, 0x22EB) + erspan3(true) + inner;
  const Bytes f = sll(0x0800) + ipv4(ipproto::kGre, kOuterA4, kOuterB4, g.size()) + g;
  checkEveryPrefix(
      linktype::kLinuxSll, f,
      {{16, kLink}, {20, kIp4}, {12, kGre}, {20, kErspan}, {14, kLink}, {40, kIp6}, {8, kUdp}});
}

TEST_CASE("Truncation of VXLAN over IPv6 with an inner ICMP echo") {
  const Bytes ic = icmp(8, 0) + payload(5);
  const Bytes inner = ethernet(0x0800) + ipv4(ipproto::kIcmp, kA4, kB4, ic.size()) + ic;
  const Bytes v = vxlan(77) + inner;
  const Bytes l4 = udp(40000, 4789, v.size()) + v;
  const Bytes f = sll2(0x86DD) + ipv6(ipproto::kUdp, kA6, kB6, l4.size()) + l4;
  // The ICMP header is 4 bytes; the echo id/sequence are part of the payload.
  checkEveryPrefix(
      linktype::kLinuxSll2, f,
      {{20, kLink}, {40, kIp6}, {8, kUdp}, {8, kVxlan}, {14, kLink}, {20, kIp4}, {4, kIcmp}});
}

TEST_CASE("Truncation of null loopback IPv6 in IPv4 with ICMPv6") {
  const Bytes ic = icmp(128, 0);
  const Bytes in6 = ipv6(ipproto::kIcmpV6, kA6, kB6, ic.size()) + ic;
  Bytes af;
  put32Le(af, 2);
  const Bytes f = af + ipv4(41, kOuterA4, kOuterB4, in6.size()) + in6;
  checkEveryPrefix(linktype::kNull, f, {{4, kLink}, {20, kIp4}, {40, kIp6}, {4, kIcmp}});
}

TEST_CASE("Truncation of PPP over PPTP GRE") {
  const Bytes l4 = tcp(1, 2, 3, 4, tcpflag::kAck) + payload(4);
  const Bytes ip = ipv4(ipproto::kTcp, kA4, kB4, l4.size()) + l4;
  const Bytes g = gre(0x3081, 0x880B) + hex("FF 03 00 21") + ip;
  Bytes lb;
  put32(lb, 2);
  const Bytes f = lb + ipv4(ipproto::kGre, kOuterA4, kOuterB4, g.size()) + g;
  // The FF 03 framing and the 2-byte protocol are both part of the PPP header.
  checkEveryPrefix(linktype::kLoop, f,
                   {{4, kLink}, {20, kIp4}, {16, kGre}, {4, kPpp}, {20, kIp4}, {20, kTcp}});
}

TEST_CASE("Truncation of raw IPv6 with routing destination options and AH before TCP") {
  const Bytes l4 = tcp(1, 2, 3, 4, tcpflag::kAck) + payload(4);
  const Bytes ext = ipv6Ext(60, 2) + ipv6Ext(51, 0) + ipv6Ah(ipproto::kTcp, 1);
  const Bytes f = ipv6(43, kA6, kB6, ext.size() + l4.size()) + ext + l4;
  // A raw frame with no byte at all cannot even show its version.
  checkEveryPrefix(
      linktype::kRaw, f,
      {{1, kLink}, {39, kIp6}, {24, kIp6Ext}, {8, kIp6Ext}, {12, kIp6Ext}, {20, kTcp}});
}
