#include <cstdint>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <vw/packet/decode.h>
#include <vw/packet/packet_ring.h>

using namespace vw;

namespace {
// Deterministic packet sizes: mostly small, some large, a few bigger than a quarter ring.
std::size_t sizeOf(std::uint32_t i) {
  if (i % 997 == 0)
    return 200'000;
  if (i % 31 == 0)
    return 1500 + i % 9000;
  return i % 300;
}
std::uint8_t byteOf(std::uint32_t i, std::size_t k) {
  return static_cast<std::uint8_t>(i * 131 + k * 7);
}
} // namespace

TEST_CASE("ring: every record arrives once, in order, intact, across many wraps", "[ring]") {
  PacketRing ring(256 * 1024); // small: forces wraps, waits and cuts
  constexpr std::uint32_t kPackets = 60'000;
  std::thread producer([&ring] {
    std::vector<std::uint8_t> buf(200'000);
    for (std::uint32_t i = 0; i < kPackets; ++i) {
      const std::size_t n = sizeOf(i);
      for (std::size_t k = 0; k < n; ++k)
        buf[k] = byteOf(i, k);
      PacketView pv;
      pv.ts = i;
      pv.link_type = 1;
      pv.wire_len = static_cast<std::uint32_t>(n + 4);
      pv.data = std::span<const std::uint8_t>(buf.data(), n);
      ring.pushPacket(pv);
      if (i % 1000 == 999)
        ring.pushControl(RingKind::Epoch, i / 1000);
    }
    ring.pushControl(RingKind::End, 0);
  });
  std::uint32_t next = 0, epochs = 0, bad = 0, cut = 0;
  for (;;) {
    const RingRecord r = ring.pop();
    if (r.kind == RingKind::End)
      break;
    if (r.kind == RingKind::Epoch) {
      if (r.packet.ts != static_cast<std::int64_t>(epochs))
        ++bad;
      ++epochs;
      continue;
    }
    REQUIRE(r.kind == RingKind::Packet);
    const std::uint32_t i = next++;
    if (r.packet.ts != i || r.packet.wire_len != sizeOf(i) + 4 || r.decoded != nullptr) {
      ++bad;
      continue;
    }
    if (r.packet.data.size() < sizeOf(i))
      ++cut;
    for (std::size_t k = 0; k < r.packet.data.size(); ++k)
      if (r.packet.data[k] != byteOf(i, k)) {
        ++bad;
        break;
      }
  }
  producer.join();
  CHECK(next == kPackets);
  CHECK(epochs == kPackets / 1000);
  CHECK(bad == 0);
  CHECK(cut == ring.truncated());
  CHECK(cut == (kPackets + 996) / 997); // the 200 kB ones exceed a quarter of the ring
}

TEST_CASE("ring: a pushed decoding arrives with its spans on the ring's copy", "[ring]") {
  PacketRing ring(64 * 1024);
  // Ethernet + IPv4 + UDP + 4 bytes payload.
  std::vector<std::uint8_t> frame = {
      0,    1,    2,    3,    4, 5,  6, 7, 8,  9,  10, 11, 0x08, 0x00, // ethernet
      0x45, 0,    0,    32,   0, 0,  0, 0, 64, 17, 0,  0,  10,   0,    0, 1, 10, 0, 0, 2, // ipv4
      0x30, 0x39, 0x00, 0x35, 0, 12, 0, 0, // udp 12345 -> 53
      'a',  'b',  'c',  'd'};
  PacketView pv;
  pv.ts = 42;
  pv.link_type = linktype::kEthernet;
  pv.wire_len = static_cast<std::uint32_t>(frame.size());
  pv.data = frame;
  DecodedPacket dp;
  REQUIRE(decodeUsable(decodePacket(pv, dp)));
  ring.pushPacket(pv, &dp);
  std::fill(frame.begin(), frame.end(), 0); // the ring must hold its own copy
  const RingRecord r = ring.pop();
  REQUIRE(r.kind == RingKind::Packet);
  REQUIRE(r.decoded != nullptr);
  CHECK(r.decoded->dport == 53);
  REQUIRE(r.decoded->payload.size() == 4);
  CHECK(r.decoded->payload.data() >= r.packet.data.data());
  CHECK(r.decoded->payload.data() + 4 <= r.packet.data.data() + r.packet.data.size());
  CHECK(r.decoded->payload[0] == 'a');
  CHECK(r.decoded->payload[3] == 'd');
  CHECK(r.decoded->l3.size() == 32);
  CHECK(r.decoded->l3[0] == 0x45);
}
