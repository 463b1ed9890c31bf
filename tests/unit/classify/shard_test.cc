#include <catch2/catch.hpp>

#include <vw/classify/shard.h>

using namespace vw;
using namespace vw::classify;

namespace {
DecodedPacket pkt(const char* src, std::uint16_t sport, const char* dst, std::uint16_t dport,
                  std::uint8_t proto = ipproto::kTcp) {
  DecodedPacket p;
  REQUIRE(IpAddr::parse(src, p.src));
  REQUIRE(IpAddr::parse(dst, p.dst));
  p.sport = sport;
  p.dport = dport;
  p.l4_proto = proto;
  return p;
}
std::string addr(const DecodedPacket& p, const HomeNet& h) {
  return shardAddress(p, h).toString();
}
} // namespace

TEST_CASE("shard: both directions of a flow go to the same worker", "[shard]") {
  const HomeNet home = HomeNet::defaults();
  for (std::uint32_t workers = 1; workers <= 5; ++workers)
    for (std::uint16_t port = 1000; port < 1100; ++port) {
      const auto a = pkt("203.0.113.7", port, "198.51.100.9", 443);
      const auto b = pkt("198.51.100.9", 443, "203.0.113.7", port);
      CHECK(shardOf(a, home, workers) == shardOf(b, home, workers));
      CHECK(shardOf(a, home, workers) < workers);
    }
}

TEST_CASE("shard: everything an internal host does lands on its worker", "[shard]") {
  const HomeNet home = HomeNet::defaults();
  // Its DNS lookups (to an internal resolver: the client side has the higher port), its TLS
  // flows, and inbound connections to it.
  CHECK(addr(pkt("10.0.0.5", 53124, "10.0.0.1", 53, ipproto::kUdp), home) == "10.0.0.5");
  CHECK(addr(pkt("10.0.0.1", 53, "10.0.0.5", 53124, ipproto::kUdp), home) == "10.0.0.5");
  CHECK(addr(pkt("10.0.0.5", 40000, "198.51.100.9", 443), home) == "10.0.0.5");
  CHECK(addr(pkt("198.51.100.9", 50000, "10.0.0.5", 22), home) == "10.0.0.5");
  // Two external endpoints: the client side (higher port); equal ports: the lower address.
  CHECK(addr(pkt("203.0.113.7", 50000, "198.51.100.9", 443), home) == "203.0.113.7");
  CHECK(addr(pkt("203.0.113.7", 500, "198.51.100.9", 500, ipproto::kUdp), home) == "198.51.100.9");
  CHECK(addr(pkt("203.0.113.7", 0, "198.51.100.9", 0, ipproto::kIcmp), home) == "198.51.100.9");
}

TEST_CASE("shard: hosts spread over the workers", "[shard]") {
  const HomeNet home = HomeNet::defaults();
  std::vector<int> count(4, 0);
  for (int i = 0; i < 4000; ++i) {
    const std::string a = "10.1." + std::to_string(i / 250) + "." + std::to_string(i % 250);
    ++count[shardOf(pkt(a.c_str(), 40000, "198.51.100.9", 443), home, 4)];
  }
  for (int c : count) {
    CHECK(c > 800);
    CHECK(c < 1200);
  }
}
