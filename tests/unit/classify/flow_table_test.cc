#include <catch2/catch.hpp>

#include <vw/classify/flow_table.h>

using namespace vw;
using namespace vw::classify;

namespace {
FlowKey key(std::uint8_t last_octet, std::uint16_t port) {
  FlowKey k;
  const std::uint8_t a[4] = {10, 0, 0, last_octet};
  const std::uint8_t b[4] = {192, 0, 2, 1};
  k.lo_ip = IpAddr::v4(a);
  k.hi_ip = IpAddr::v4(b);
  k.lo_port = port;
  k.hi_port = 443;
  k.proto = 6;
  return k;
}
} // namespace

TEST_CASE("flow table: insert, find and remove keep the index consistent", "[flow]") {
  FlowTableConfig cfg;
  cfg.max_flows = 64;
  FlowTable t(cfg);
  std::vector<FlowEntry*> flows;
  for (std::uint16_t i = 0; i < 64; ++i) {
    const FlowKey k = key(static_cast<std::uint8_t>(i), static_cast<std::uint16_t>(1000 + i));
    REQUIRE(t.find(k, hashFlowKey(k)) == nullptr);
    flows.push_back(t.insert(k, hashFlowKey(k), i));
  }
  REQUIRE(t.full());
  // Remove every other flow; the rest must still be found (backward-shift deletion).
  for (std::size_t i = 0; i < flows.size(); i += 2)
    t.remove(flows[i], EndReason::IdleTimeout);
  for (std::uint16_t i = 0; i < 64; ++i) {
    const FlowKey k = key(static_cast<std::uint8_t>(i), static_cast<std::uint16_t>(1000 + i));
    FlowEntry* f = t.find(k, hashFlowKey(k));
    if (i % 2 == 0)
      CHECK(f == nullptr);
    else
      CHECK(f != nullptr);
  }
  CHECK(t.size() == 32);
  CHECK(t.stats().ended[static_cast<int>(EndReason::IdleTimeout)] == 32);
}

TEST_CASE("flow table: colliding hashes are all found", "[flow]") {
  FlowTableConfig cfg;
  cfg.max_flows = 8;
  FlowTable t(cfg);
  // Same hash value for different keys forces probing.
  for (std::uint16_t i = 0; i < 8; ++i)
    t.insert(key(1, static_cast<std::uint16_t>(i)), 42, 0);
  for (std::uint16_t i = 0; i < 8; ++i)
    CHECK(t.find(key(1, static_cast<std::uint16_t>(i)), 42) != nullptr);
  t.remove(t.find(key(1, 3), 42), EndReason::Fin);
  for (std::uint16_t i = 0; i < 8; ++i)
    CHECK((t.find(key(1, static_cast<std::uint16_t>(i)), 42) != nullptr) == (i != 3));
}

TEST_CASE("flow table: LRU order follows the last packet", "[flow]") {
  FlowTableConfig cfg;
  cfg.max_flows = 4;
  FlowTable t(cfg);
  FlowEntry* a = t.insert(key(1, 1), hashFlowKey(key(1, 1)), 1);
  FlowEntry* b = t.insert(key(2, 2), hashFlowKey(key(2, 2)), 2);
  FlowEntry* c = t.insert(key(3, 3), hashFlowKey(key(3, 3)), 3);
  CHECK(t.oldest() == a);
  t.touch(a);
  CHECK(t.oldest() == b);
  t.touch(b);
  CHECK(t.oldest() == c);
}

TEST_CASE("flow table: closing flows are queued in closing order", "[flow]") {
  FlowTableConfig cfg;
  cfg.max_flows = 4;
  FlowTable t(cfg);
  FlowEntry* a = t.insert(key(1, 1), hashFlowKey(key(1, 1)), 1);
  FlowEntry* b = t.insert(key(2, 2), hashFlowKey(key(2, 2)), 2);
  CHECK(t.oldestClosing() == nullptr);
  t.markClosing(b, 10);
  t.markClosing(a, 11);
  CHECK(t.oldestClosing() == b);
  t.remove(b, EndReason::Fin);
  CHECK(t.oldestClosing() == a);
}

TEST_CASE("flow key: both directions give the same key and hash", "[flow]") {
  DecodedPacket p;
  const std::uint8_t a[4] = {10, 1, 2, 3};
  const std::uint8_t b[4] = {52, 1, 2, 3};
  p.src = IpAddr::v4(a);
  p.dst = IpAddr::v4(b);
  p.sport = 50000;
  p.dport = 443;
  p.l4_proto = 6;
  bool lo1 = false, lo2 = false;
  const FlowKey k1 = makeFlowKey(p, true, lo1);
  std::swap(p.src, p.dst);
  std::swap(p.sport, p.dport);
  const FlowKey k2 = makeFlowKey(p, true, lo2);
  CHECK(k1 == k2);
  CHECK(hashFlowKey(k1) == hashFlowKey(k2));
  CHECK(lo1 != lo2);
}

TEST_CASE("flow key: VLAN id separates flows unless ignored", "[flow]") {
  DecodedPacket p;
  const std::uint8_t a[4] = {10, 1, 2, 3};
  const std::uint8_t b[4] = {52, 1, 2, 3};
  p.src = IpAddr::v4(a);
  p.dst = IpAddr::v4(b);
  p.l4_proto = 17;
  p.vlan_count = 1;
  p.vlan[0] = 100;
  bool lo = false;
  const FlowKey k100 = makeFlowKey(p, true, lo);
  p.vlan[0] = 200;
  const FlowKey k200 = makeFlowKey(p, true, lo);
  CHECK_FALSE(k100 == k200);
  CHECK(makeFlowKey(p, false, lo) == [&] {
    p.vlan[0] = 100;
    return makeFlowKey(p, false, lo);
  }());
}
