#include <catch2/catch.hpp>

#include <vw/classify/dns_cache.h>

#include "fakes/fixtures.h"

using namespace vw;
using namespace vw::classify;

namespace {
using test::ip;
} // namespace

TEST_CASE("dns cache: entries are per client and expire with their TTL", "[classify]") {
  DnsCache c(16);
  c.learn(ip("10.0.0.1"), ip("52.1.2.3"), {"ts01-b.cloudsink.net"}, 1'000'000, 60);
  REQUIRE(c.lookup(ip("10.0.0.1"), ip("52.1.2.3"), 2'000'000) != nullptr);
  CHECK(c.lookup(ip("10.0.0.1"), ip("52.1.2.3"), 2'000'000)->front() == "ts01-b.cloudsink.net");
  CHECK(c.lookup(ip("10.0.0.2"), ip("52.1.2.3"), 2'000'000) == nullptr);
  CHECK(c.lookup(ip("10.0.0.1"), ip("52.1.2.3"), 61'000'000) != nullptr);
  CHECK(c.lookup(ip("10.0.0.1"), ip("52.1.2.3"), 61'000'001) == nullptr);
}

TEST_CASE("dns cache: the entry bound evicts the oldest insertion", "[classify]") {
  DnsCache c(3);
  for (int i = 1; i <= 5; ++i) {
    IpAddr a = ip("52.0.0.0");
    a.bytes[3] = static_cast<std::uint8_t>(i);
    c.learn(ip("10.0.0.1"), a, {"n" + std::to_string(i)}, 0, 300);
  }
  CHECK(c.size() == 3);
  CHECK(c.evictions() == 2);
  IpAddr first = ip("52.0.0.1");
  IpAddr last = ip("52.0.0.5");
  CHECK(c.lookup(ip("10.0.0.1"), first, 1) == nullptr);
  CHECK(c.lookup(ip("10.0.0.1"), last, 1) != nullptr);
}

TEST_CASE("dns cache: refreshing a key many times stays bounded", "[classify]") {
  DnsCache c(2);
  for (int i = 0; i < 1000; ++i)
    c.learn(ip("10.0.0.1"), ip("52.0.0.1"), {"a"}, i, 300);
  c.learn(ip("10.0.0.1"), ip("52.0.0.2"), {"b"}, 1000, 300);
  c.learn(ip("10.0.0.1"), ip("52.0.0.3"), {"c"}, 1001, 300);
  CHECK(c.size() == 2);
  CHECK(c.lookup(ip("10.0.0.1"), ip("52.0.0.3"), 1002) != nullptr);
}
