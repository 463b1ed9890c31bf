#include <cstdint>
#include <vector>

#include <catch2/catch.hpp>

#include <vw/pipeline/time_merge.h>

using namespace vw;
using vw::pipeline::TimeMerge;

namespace {
struct Out {
  std::size_t source;
  TimeUs ts;
  std::uint32_t wire_len;
  std::vector<std::uint8_t> bytes;
};

PacketView view(TimeUs ts, const std::vector<std::uint8_t>& b) {
  PacketView pv;
  pv.ts = ts;
  pv.link_type = 1;
  pv.wire_len = static_cast<std::uint32_t>(b.size() + 10);
  pv.data = b;
  return pv;
}

std::vector<std::uint8_t> bytesOf(TimeUs ts, std::size_t n) {
  std::vector<std::uint8_t> b(n);
  for (std::size_t i = 0; i < n; ++i)
    b[i] = static_cast<std::uint8_t>(ts * 7 + i);
  return b;
}
} // namespace

TEST_CASE("time merge: two interfaces come out in time order, up to the bound", "[merge]") {
  TimeMerge m(2, 1 << 20);
  std::vector<Out> out;
  auto sink = [&out](std::size_t s, const PacketView& p) {
    out.push_back({s, p.ts, p.wire_len, {p.data.begin(), p.data.end()}});
  };
  // Interface 0 carries queries (odd times), interface 1 answers (even times), each in order.
  for (TimeUs t = 1; t < 100; t += 2)
    m.push(0, view(t, bytesOf(t, 60)), sink);
  for (TimeUs t = 2; t <= 100; t += 2)
    m.push(1, view(t, bytesOf(t, 90)), sink);
  CHECK(out.empty());
  m.release(50, sink);
  REQUIRE(out.size() == 50);
  for (std::size_t i = 0; i < out.size(); ++i) {
    CHECK(out[i].ts == static_cast<TimeUs>(i + 1));
    CHECK(out[i].source == (i % 2 == 0 ? 0u : 1u));
    CHECK(out[i].bytes == bytesOf(out[i].ts, out[i].source == 0 ? 60 : 90));
    CHECK(out[i].wire_len == out[i].bytes.size() + 10);
  }
  CHECK(m.oldest() == 51);
  m.releaseAll(sink);
  CHECK(out.size() == 100);
  CHECK(m.empty());
  CHECK(m.forced() == 0);
}

TEST_CASE("time merge: a full buffer hands the oldest on early, across many wraps", "[merge]") {
  TimeMerge m(2, 64 * 1024); // small: forces wraps and early releases
  std::vector<Out> out;
  auto sink = [&out](std::size_t s, const PacketView& p) {
    out.push_back({s, p.ts, p.wire_len, {p.data.begin(), p.data.end()}});
  };
  TimeUs t = 0;
  for (int round = 0; round < 2000; ++round) {
    const std::size_t n = 40 + static_cast<std::size_t>(round * 37 % 1400);
    ++t;
    m.push(static_cast<std::size_t>(round % 2), view(t, bytesOf(t, n)), sink);
    if (round % 200 == 199)
      m.release(t - 5, sink);
  }
  m.releaseAll(sink);
  REQUIRE(out.size() == 2000);
  CHECK(m.forced() > 0);
  for (std::size_t i = 0; i < out.size(); ++i) {
    CHECK(out[i].ts == static_cast<TimeUs>(i + 1)); // in order even when forced
    CHECK(out[i].bytes.size() == 40 + i * 37 % 1400);
    CHECK(out[i].bytes == bytesOf(out[i].ts, out[i].bytes.size()));
  }
}

TEST_CASE("time merge: a packet larger than a quarter of the buffer is cut", "[merge]") {
  TimeMerge m(1, 64 * 1024);
  std::vector<Out> out;
  auto sink = [&out](std::size_t s, const PacketView& p) {
    out.push_back({s, p.ts, p.wire_len, {p.data.begin(), p.data.end()}});
  };
  m.push(0, view(1, bytesOf(1, 40000)), sink);
  m.releaseAll(sink);
  REQUIRE(out.size() == 1);
  CHECK(out[0].bytes.size() < 16 * 1024);
  CHECK(out[0].wire_len == 40010);
}
