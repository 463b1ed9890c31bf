// ByteReader: bounds checks, byte order, sticky failure.
#include <array>
#include <cstdint>
#include <span>

#include <catch2/catch.hpp>

#include <vw/packet/byte_reader.h>

using vw::ByteReader;

namespace {
constexpr std::array<std::uint8_t, 10> kData{0x01, 0x02, 0x03, 0x04, 0x05,
                                             0x06, 0x07, 0x08, 0x09, 0x0A};
}

TEST_CASE("ByteReader reads big endian integers and advances") {
  ByteReader r(kData);
  std::uint8_t a = 0;
  std::uint16_t b = 0;
  std::uint32_t c = 0;
  REQUIRE(r.u8(a));
  REQUIRE(r.u16(b));
  REQUIRE(r.u24(c));
  CHECK(a == 0x01);
  CHECK(b == 0x0203);
  CHECK(c == 0x040506);
  CHECK(r.offset() == 6);
  CHECK(r.remaining() == 4);
  REQUIRE(r.u32(c));
  CHECK(c == 0x0708090A);
  CHECK(r.empty());
  CHECK_FALSE(r.failed());
}

TEST_CASE("ByteReader reads little endian and 64-bit integers") {
  ByteReader r(kData);
  std::uint32_t le = 0;
  REQUIRE(r.u32Le(le));
  CHECK(le == 0x04030201);
  ByteReader r2(kData);
  std::uint64_t v = 0;
  REQUIRE(r2.u64(v));
  CHECK(v == 0x0102030405060708ULL);
  CHECK(r2.remaining() == 2);
}

TEST_CASE("A read past the end fails without moving and the failure is sticky") {
  ByteReader r(std::span<const std::uint8_t>(kData).first(3));
  std::uint32_t v = 0xDEADBEEF;
  CHECK_FALSE(r.u32(v));
  CHECK(v == 0xDEADBEEF);
  CHECK(r.offset() == 0);
  CHECK(r.failed());
  std::uint16_t w = 0;
  REQUIRE(r.u16(w)); // later reads that fit still work
  CHECK(w == 0x0102);
  CHECK(r.failed()); // but the flag stays
  CHECK_FALSE(r.skip(2));
  CHECK(r.offset() == 2);
  std::uint64_t big = 0;
  CHECK_FALSE(r.u64(big));
  std::uint32_t three = 0;
  CHECK_FALSE(r.u24(three)); // one byte left
  CHECK(r.offset() == 2);
}

TEST_CASE("An empty ByteReader fails every read") {
  ByteReader r;
  std::uint8_t b = 0;
  CHECK(r.empty());
  CHECK_FALSE(r.u8(b));
  CHECK_FALSE(r.peekU8(0, b));
  CHECK(r.canRead(0));
  CHECK_FALSE(r.canRead(1));
  CHECK(r.skip(0));
  CHECK(r.failed());
}

TEST_CASE("ByteReader bytes and sub take sub-spans of the underlying data") {
  ByteReader r(kData);
  std::span<const std::uint8_t> s;
  REQUIRE(r.bytes(3, s));
  CHECK(s.size() == 3);
  CHECK(s.data() == kData.data());
  ByteReader sub;
  REQUIRE(r.sub(4, sub));
  CHECK(sub.remaining() == 4);
  std::uint32_t v = 0;
  REQUIRE(sub.u32(v));
  CHECK(v == 0x04050607);
  std::uint8_t past = 0;
  CHECK_FALSE(sub.u8(past)); // the sub-reader is bounded
  CHECK(r.offset() == 7);
  CHECK_FALSE(r.bytes(4, s));
  CHECK(s.size() == 3); // unchanged on failure
  CHECK_FALSE(r.sub(4, sub));
  CHECK(r.rest().size() == 3);
  CHECK(r.whole().size() == kData.size());
}

TEST_CASE("ByteReader peeks without consuming and seeks within bounds") {
  ByteReader r(kData);
  std::uint8_t b = 0;
  std::uint16_t w = 0;
  REQUIRE(r.peekU8(9, b));
  CHECK(b == 0x0A);
  CHECK_FALSE(r.peekU8(10, b));
  REQUIRE(r.peekU16(8, w));
  CHECK(w == 0x090A);
  CHECK_FALSE(r.peekU16(9, w));
  CHECK(r.offset() == 0);
  CHECK_FALSE(r.failed()); // peeks do not set the flag
  REQUIRE(r.seek(10));
  CHECK(r.empty());
  CHECK_FALSE(r.seek(11));
  CHECK(r.failed());
  REQUIRE(r.seek(2));
  REQUIRE(r.u8(b));
  CHECK(b == 0x03);
}

TEST_CASE("asChars views bytes as text without copying") {
  const std::array<std::uint8_t, 3> t{'a', 'b', 'c'};
  CHECK(vw::asChars(t) == "abc");
  CHECK(vw::asChars(t).data() == reinterpret_cast<const char*>(t.data()));
}
