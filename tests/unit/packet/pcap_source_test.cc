// Offline capture sources: pcap files written by the test itself, a real pcapng, truncation,
// missing files, stdin.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include <vw/capture/packet_source.h>
#include <vw/packet/decode.h>

#include "../no_skip.h"
#include "frame_builder.h"

using namespace vw;
using namespace vw::capture;
using namespace vw::test;

namespace {

namespace fs = std::filesystem;

/// A fresh, empty scratch directory for one test.
fs::path scratch(const std::string& name) {
  const fs::path dir = fs::path(VW_TEST_SCRATCH) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void writeFile(const fs::path& p, const Bytes& b) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

/// Classic pcap global header, little endian, microsecond (or nanosecond) timestamps.
Bytes pcapHeader(std::uint32_t link_type, bool nano = false) {
  Bytes b;
  put32Le(b, nano ? 0xA1B23C4D : 0xA1B2C3D4);
  b = b + Bytes{0x02, 0x00, 0x04, 0x00}; // version 2.4
  put32Le(b, 0);                         // thiszone
  put32Le(b, 0);                         // sigfigs
  put32Le(b, 65535);                     // snaplen
  put32Le(b, link_type);
  return b;
}

Bytes pcapRecord(std::uint32_t sec, std::uint32_t frac, const Bytes& data, std::uint32_t wire = 0) {
  Bytes b;
  put32Le(b, sec);
  put32Le(b, frac);
  put32Le(b, static_cast<std::uint32_t>(data.size()));
  put32Le(b, wire != 0 ? wire : static_cast<std::uint32_t>(data.size()));
  return b + data;
}

Bytes frame(std::uint16_t dport) {
  const Bytes l4 = udp(1234, dport, 4) + payload(4);
  return ethernet(0x0800) + ipv4(ipproto::kUdp, kA4, kB4, l4.size()) + l4;
}

/// Three Ethernet/IPv4/UDP packets to ports 1, 2 and 3; the last one has wire length 1000.
Bytes threePacketPcap() {
  return pcapHeader(linktype::kEthernet) + pcapRecord(1700000000, 1, frame(1)) +
         pcapRecord(1700000001, 500000, frame(2)) + pcapRecord(1700000002, 999999, frame(3), 1000);
}

} // namespace

TEST_CASE("A pcap file written by the test is read packet by packet") {
  const fs::path p = scratch("pcap_basic") / "three.pcap";
  const Bytes file = threePacketPcap();
  writeFile(p, file);
  std::string err;
  PacketSourcePtr src = openPcapFile(p.string(), err);
  REQUIRE(src != nullptr);
  CHECK(err.empty());
  CHECK(src->name() == p.string());
  CHECK(src->linkType() == linktype::kEthernet);
  CHECK(src->bytesTotal() == file.size());

  PacketView v;
  REQUIRE(src->next(v) == SourceStatus::Packet);
  CHECK(v.ts == 1700000000000001);
  CHECK(v.link_type == linktype::kEthernet);
  CHECK(v.data.size() == frame(1).size());
  CHECK(v.wire_len == v.data.size());
  CHECK(src->bytesRead() == 24 + 16 + frame(1).size());
  DecodedPacket d;
  REQUIRE(decodePacket(v, d) == DecodeStatus::Ok);
  CHECK(d.dport == 1);

  REQUIRE(src->next(v) == SourceStatus::Packet);
  CHECK(v.ts == 1700000001500000);
  REQUIRE(decodePacket(v, d) == DecodeStatus::Ok);
  CHECK(d.dport == 2);

  REQUIRE(src->next(v) == SourceStatus::Packet);
  CHECK(v.ts == 1700000002999999);
  CHECK(v.wire_len == 1000);
  REQUIRE(decodePacket(v, d) == DecodeStatus::Ok);
  CHECK(d.dport == 3);

  CHECK(src->next(v) == SourceStatus::Eof);
  CHECK(src->next(v) == SourceStatus::Eof); // stays at the end
  CHECK(src->error().empty());
  CHECK(src->bytesRead() == src->bytesTotal());
}

TEST_CASE("Nanosecond pcap timestamps are delivered in microseconds") {
  const fs::path p = scratch("pcap_nano") / "nano.pcap";
  writeFile(p, pcapHeader(linktype::kEthernet, true) + pcapRecord(1700000000, 123456789, frame(9)));
  std::string err;
  auto src = openPcapFile(p.string(), err);
  REQUIRE(src != nullptr);
  PacketView v;
  REQUIRE(src->next(v) == SourceStatus::Packet);
  CHECK(v.ts == 1700000000123456);
}

TEST_CASE("LINKTYPE_RAW files are reported as link type 101 and decode") {
  const fs::path p = scratch("pcap_raw") / "raw.pcap";
  const Bytes l4 = tcp(5, 6, 7, 8, tcpflag::kSyn);
  writeFile(p, pcapHeader(linktype::kRaw) +
                   pcapRecord(1, 2, ipv4(ipproto::kTcp, kA4, kB4, l4.size()) + l4));
  std::string err;
  auto src = openPcapFile(p.string(), err);
  REQUIRE(src != nullptr);
  CHECK(src->linkType() == linktype::kRaw);
  CHECK(linkTypeName(src->linkType()) == "RAW");
  PacketView v;
  REQUIRE(src->next(v) == SourceStatus::Packet);
  CHECK(v.link_type == linktype::kRaw);
  DecodedPacket d;
  REQUIRE(decodePacket(v, d) == DecodeStatus::Ok);
  CHECK(d.tcp_flags == tcpflag::kSyn);
}

TEST_CASE("A capture cut inside a record delivers the earlier packets and then Truncated") {
  const Bytes file = threePacketPcap();
  const std::size_t third = file.size() - 16 - frame(3).size(); // offset of the third record
  const fs::path dir = scratch("pcap_truncated");
  for (std::size_t cut : {third + 5, third + 16 + 10}) { // inside the header, inside the data
    INFO("cut at " << cut << " of " << file.size());
    const fs::path p = dir / ("cut" + std::to_string(cut) + ".pcap");
    writeFile(p, Bytes(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(cut)));
    std::string err;
    auto src = openPcapFile(p.string(), err);
    REQUIRE(src != nullptr);
    PacketView v;
    CHECK(src->next(v) == SourceStatus::Packet);
    CHECK(src->next(v) == SourceStatus::Packet);
    CHECK(src->next(v) == SourceStatus::Truncated);
    CHECK(src->next(v) == SourceStatus::Truncated);
    CHECK_THAT(src->error(), Catch::Contains(p.string()) && Catch::Contains("truncated"));
  }
}

TEST_CASE("A corrupt record length ends the capture with Error after the earlier packets") {
  const fs::path p = scratch("pcap_corrupt") / "corrupt.pcap";
  Bytes bad;
  put32Le(bad, 1);
  put32Le(bad, 0);
  put32Le(bad, 0x7FFFFFFF); // captured length far beyond any snaplen
  put32Le(bad, 0x7FFFFFFF);
  writeFile(p, pcapHeader(linktype::kEthernet) + pcapRecord(1, 0, frame(1)) + bad + payload(64));
  std::string err;
  auto src = openPcapFile(p.string(), err);
  REQUIRE(src != nullptr);
  PacketView v;
  CHECK(src->next(v) == SourceStatus::Packet);
  CHECK(src->next(v) == SourceStatus::Error);
  CHECK(src->next(v) == SourceStatus::Error);
  CHECK_THAT(src->error(),
             Catch::StartsWith(p.string() + ": ") && Catch::Contains("after 1 packets"));
}

TEST_CASE("A missing file fails to open with the path in the message") {
  const fs::path p = scratch("pcap_missing") / "does-not-exist.pcap";
  std::string err;
  CHECK(openPcapFile(p.string(), err) == nullptr);
  CHECK_THAT(err, Catch::StartsWith(p.string() + ": ") && Catch::Contains("No such file"));
  // The path appears once: libpcap's own message already names it.
  CHECK(err.find(p.string(), 1) == std::string::npos);
}

TEST_CASE("A file that is not a capture fails to open") {
  const fs::path dir = scratch("pcap_garbage");
  std::string err;
  writeFile(dir / "text.pcap",
            Bytes{'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd', '\n', 'x', 'x', 'x',
                  'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x',  'x', 'x', 'x'});
  CHECK(openPcapFile((dir / "text.pcap").string(), err) == nullptr);
  CHECK_THAT(err, Catch::StartsWith((dir / "text.pcap").string() + ": "));
  writeFile(dir / "empty.pcap", Bytes{});
  err.clear();
  CHECK(openPcapFile((dir / "empty.pcap").string(), err) == nullptr);
  CHECK_FALSE(err.empty());
}

TEST_CASE("A pcap on stdin is read through the name dash") {
  const fs::path p = scratch("pcap_stdin") / "stdin.pcap";
  writeFile(p, threePacketPcap());
  REQUIRE(std::freopen(p.string().c_str(), "rb", stdin) != nullptr);
  std::string err;
  auto src = openPcapFile("-", err);
  REQUIRE(src != nullptr);
  CHECK(src->name() == "-");
  CHECK(src->bytesTotal() == 0);
  PacketView v;
  int n = 0;
  while (src->next(v) == SourceStatus::Packet)
    ++n;
  CHECK(n == 3);
}

TEST_CASE("A real pcapng from the shared captures is read to the end") {
  const fs::path p = fs::path(VW_SHARED_DIR) / "pcaps" / "ndpi" / "quic-v2.pcapng";
  if (!fs::exists(p))
    VW_SKIP_OR_FAIL(p.string() << " is not available");
  std::string err;
  auto src = openPcapFile(p.string(), err);
  REQUIRE(src != nullptr);
  CHECK(src->linkType() == linktype::kLinuxSll);
  CHECK(linkTypeName(src->linkType()) == "LINUX_SLL");
  PacketView v;
  DecodedPacket d;
  int n = 0;
  SourceStatus st;
  while ((st = src->next(v)) == SourceStatus::Packet) {
    if (n == 0) {
      CHECK(v.ts == 1671528048896780); // nanosecond file, microsecond delivery
      CHECK(v.data.size() == 1296);
    }
    ++n;
    REQUIRE(decodePacket(v, d) == DecodeStatus::Ok);
    CHECK(d.ip_version == 6);
    CHECK(d.l4_proto == ipproto::kUdp);
    CHECK((d.sport == 4443 || d.dport == 4443));
    CHECK(src->bytesRead() <= src->bytesTotal());
  }
  CHECK(st == SourceStatus::Eof);
  CHECK(n == 19);
  CHECK(src->bytesRead() == src->bytesTotal());
}

TEST_CASE("Link type names come from libpcap") {
  CHECK(linkTypeName(linktype::kEthernet) == "EN10MB");
  CHECK(linkTypeName(linktype::kLinuxSll2) == "LINUX_SLL2");
  CHECK(linkTypeName(linktype::kNull) == "NULL");
  CHECK(linkTypeName(linktype::kRaw) == "RAW");
  CHECK(linkTypeName(9999) == "LINKTYPE_9999");
}
