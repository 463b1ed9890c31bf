// IpAddr text conversion.
#include <string>

#include <catch2/catch.hpp>

#include <vw/packet/ip_address.h>

using vw::IpAddr;

namespace {
std::string roundTrip(const std::string& text) {
  IpAddr a;
  if (!IpAddr::parse(text, a))
    return "<invalid>";
  return a.toString();
}
} // namespace

TEST_CASE("IPv4 addresses print as dotted quads") {
  const std::uint8_t b[4] = {192, 0, 2, 255};
  CHECK(IpAddr::v4(b).toString() == "192.0.2.255");
  CHECK(roundTrip("0.0.0.0") == "0.0.0.0");
  CHECK(roundTrip("255.255.255.255") == "255.255.255.255");
}

TEST_CASE("IPv6 addresses print in RFC 5952 form") {
  CHECK(roundTrip("2001:0DB8:0000:0000:0000:0000:0000:0001") == "2001:db8::1");
  CHECK(roundTrip("::") == "::");
  CHECK(roundTrip("::1") == "::1");
  // The longest run of zero groups is compressed; the first one on a tie.
  CHECK(roundTrip("2001:db8:0:0:1:0:0:1") == "2001:db8::1:0:0:1");
  CHECK(roundTrip("2001:0:0:1:0:0:0:1") == "2001:0:0:1::1");
  // A single zero group is not compressed.
  CHECK(roundTrip("2001:db8:0:1:1:1:1:1") == "2001:db8:0:1:1:1:1:1");
  CHECK(roundTrip("::ffff:192.0.2.1") == "::ffff:192.0.2.1");
}

TEST_CASE("IpAddr parse rejects text that is not an address") {
  IpAddr a;
  CHECK_FALSE(IpAddr::parse("", a));
  CHECK_FALSE(IpAddr::parse("1.2.3", a));
  CHECK_FALSE(IpAddr::parse("1.2.3.256", a));
  CHECK_FALSE(IpAddr::parse("1.2.3.4 ", a));
  CHECK_FALSE(IpAddr::parse("2001:db8::1::2", a));
  CHECK_FALSE(IpAddr::parse("example.com", a));
  CHECK_FALSE(IpAddr::parse(std::string(100, '1'), a));
  CHECK(a.family == 0); // untouched on failure
}

TEST_CASE("IpAddr parse sets the family and bytes") {
  IpAddr a;
  REQUIRE(IpAddr::parse("10.1.2.3", a));
  CHECK(a.isV4());
  CHECK(a.span().size() == 4);
  CHECK(a.bytes[0] == 10);
  CHECK(a.bytes[3] == 3);
  CHECK(a.bytes[4] == 0);
  REQUIRE(IpAddr::parse("fe80::1", a));
  CHECK(a.isV6());
  CHECK(a.span().size() == 16);
  CHECK(a.bytes[0] == 0xfe);
  CHECK(a.bytes[15] == 1);
  // A parse from a string_view that is not NUL-terminated reads only the view.
  const std::string text = "10.0.0.12345";
  REQUIRE(IpAddr::parse(std::string_view(text).substr(0, 8), a));
  CHECK(a.toString() == "10.0.0.1");
}

TEST_CASE("An empty IpAddr prints as an empty string and compares by value") {
  CHECK(IpAddr{}.toString().empty());
  IpAddr a, b;
  REQUIRE(IpAddr::parse("10.0.0.1", a));
  REQUIRE(IpAddr::parse("10.0.0.1", b));
  CHECK(a == b);
  REQUIRE(IpAddr::parse("10.0.0.2", b));
  CHECK(a < b);
}
