#include <catch2/catch.hpp>

#include <vw/classify/home_net.h>

#include "fakes/fixtures.h"

using namespace vw;
using namespace vw::classify;

namespace {
using test::ip;
} // namespace

TEST_CASE("home net: defaults cover RFC 1918, CGNAT, ULA and link-local", "[classify]") {
  const HomeNet h = HomeNet::defaults();
  for (const char* in : {"10.0.0.1", "172.16.5.4", "172.31.255.255", "192.168.1.1", "100.64.0.1",
                         "fd00::1", "fe80::1"})
    CHECK(h.contains(ip(in)));
  for (const char* out : {"172.32.0.1", "8.8.8.8", "100.128.0.1", "2001:db8::1", "52.1.2.3"})
    CHECK_FALSE(h.contains(ip(out)));
}

TEST_CASE("home net: parse rejects malformed CIDRs with the bad element named", "[classify]") {
  HomeNet h;
  std::string err;
  CHECK(HomeNet::parse("10.0.0.0/8,2001:db8::/32", h, err));
  CHECK(h.contains(ip("2001:db8::5")));
  CHECK_FALSE(HomeNet::parse("10.0.0.0/33", h, err));
  CHECK(err.find("10.0.0.0/33") != std::string::npos);
  CHECK_FALSE(HomeNet::parse("10.0.0.0/8,bogus", h, err));
  CHECK(err.find("bogus") != std::string::npos);
  CHECK_FALSE(HomeNet::parse("", h, err));
}

TEST_CASE("home net: host bits are ignored and prefix lengths are exact", "[classify]") {
  Prefix p;
  REQUIRE(parsePrefix("192.168.1.77/24", p));
  CHECK(prefixContains(p, ip("192.168.1.1")));
  CHECK_FALSE(prefixContains(p, ip("192.168.2.1")));
  REQUIRE(parsePrefix("10.1.2.3", p));
  CHECK(prefixContains(p, ip("10.1.2.3")));
  CHECK_FALSE(prefixContains(p, ip("10.1.2.4")));
  REQUIRE(parsePrefix("0.0.0.0/0", p));
  CHECK(prefixContains(p, ip("1.2.3.4")));
  CHECK_FALSE(prefixContains(p, ip("::1")));
}
