#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include <vw/classify/proto/dns.h>

#include "alloc_counter.h"

using namespace vw::classify;

namespace {

/// android.pcap (nDPI test captures), frame 79: response for captive.apple.com with a
/// three-step CNAME chain (compressed names) and two A records.
const std::vector<std::uint8_t> kCaptiveAppleResponse = {
    0xfb, 0xa6, 0x81, 0x80, 0x00, 0x01, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x07, 0x63, 0x61,
    0x70, 0x74, 0x69, 0x76, 0x65, 0x05, 0x61, 0x70, 0x70, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d,
    0x00, 0x00, 0x01, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x10, 0x8a,
    0x00, 0x2a, 0x0c, 0x63, 0x61, 0x70, 0x74, 0x69, 0x76, 0x65, 0x2d, 0x63, 0x69, 0x64, 0x72,
    0x0c, 0x6f, 0x72, 0x69, 0x67, 0x69, 0x6e, 0x2d, 0x61, 0x70, 0x70, 0x6c, 0x65, 0x03, 0x63,
    0x6f, 0x6d, 0x06, 0x61, 0x6b, 0x61, 0x64, 0x6e, 0x73, 0x03, 0x6e, 0x65, 0x74, 0x00, 0xc0,
    0x2f, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00, 0x82, 0x00, 0x0e, 0x0b, 0x63, 0x61, 0x70,
    0x74, 0x69, 0x76, 0x65, 0x2d, 0x63, 0x64, 0x6e, 0xc0, 0x3c, 0xc0, 0x65, 0x00, 0x05, 0x00,
    0x01, 0x00, 0x00, 0x01, 0x54, 0x00, 0x14, 0x07, 0x63, 0x61, 0x70, 0x74, 0x69, 0x76, 0x65,
    0x01, 0x67, 0x07, 0x61, 0x61, 0x70, 0x6c, 0x69, 0x6d, 0x67, 0xc0, 0x1a, 0xc0, 0x7f, 0x00,
    0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x13, 0x00, 0x04, 0x11, 0xfd, 0x35, 0xc9, 0xc0, 0x7f,
    0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x13, 0x00, 0x04, 0x11, 0xfd, 0x35, 0xd0};

/// Builds DNS messages byte by byte.
struct DnsBuilder {
  std::vector<std::uint8_t> b;

  DnsBuilder& u8(std::uint8_t v) {
    b.push_back(v);
    return *this;
  }
  DnsBuilder& u16(std::uint16_t v) {
    b.push_back(static_cast<std::uint8_t>(v >> 8));
    b.push_back(static_cast<std::uint8_t>(v));
    return *this;
  }
  DnsBuilder& u32(std::uint32_t v) {
    u16(static_cast<std::uint16_t>(v >> 16));
    return u16(static_cast<std::uint16_t>(v));
  }
  DnsBuilder& header(std::uint16_t id, std::uint16_t flags, std::uint16_t qd, std::uint16_t an,
                     std::uint16_t ns = 0, std::uint16_t ar = 0) {
    return u16(id).u16(flags).u16(qd).u16(an).u16(ns).u16(ar);
  }
  /// Labels without the terminating zero.
  DnsBuilder& labels(std::initializer_list<std::string_view> ls) {
    for (std::string_view l : ls) {
      u8(static_cast<std::uint8_t>(l.size()));
      b.insert(b.end(), l.begin(), l.end());
    }
    return *this;
  }
  DnsBuilder& name(std::initializer_list<std::string_view> ls) { return labels(ls).u8(0); }
  DnsBuilder& ptr(std::uint16_t off) { return u16(static_cast<std::uint16_t>(0xC000 | off)); }
  DnsBuilder& bytes(std::initializer_list<std::uint8_t> v) {
    b.insert(b.end(), v.begin(), v.end());
    return *this;
  }
  std::size_t size() const { return b.size(); }
};

DnsParseStatus parse(const std::vector<std::uint8_t>& m, DnsMessage& out) {
  return parseDnsMessage(std::span<const std::uint8_t>(m.data(), m.size()), out);
}

} // namespace

TEST_CASE("A captured response with a CNAME chain and A records is decoded", "[dns]") {
  DnsMessage m;
  REQUIRE(parse(kCaptiveAppleResponse, m) == DnsParseStatus::Ok);
  CHECK(m.id == 0xfba6);
  CHECK(m.is_response);
  CHECK(m.opcode == 0);
  CHECK(m.rcode == 0);
  CHECK_FALSE(m.tc);
  CHECK(m.qdcount == 1);
  CHECK(m.ancount == 5);
  CHECK(m.has_question);
  CHECK(m.qname.view() == "captive.apple.com");
  CHECK(m.qtype == dnstype::kA);
  CHECK(m.qclass == 1);
  REQUIRE(m.answer_count == 5);
  CHECK(m.answers_skipped == 0);
  // Expected values as shown by tshark -e dns.resp.ttl -e dns.cname -e dns.a.
  CHECK(m.answers[0].type == dnstype::kCname);
  CHECK(m.answers[0].ttl == 4234);
  CHECK(m.answers[0].data.view() == "captive-cidr.origin-apple.com.akadns.net");
  CHECK(m.answers[1].ttl == 130);
  CHECK(m.answers[1].data.view() == "captive-cdn.origin-apple.com.akadns.net");
  CHECK(m.answers[2].ttl == 340);
  CHECK(m.answers[2].data.view() == "captive.g.aaplimg.com");
  CHECK(m.answers[3].type == dnstype::kA);
  CHECK(m.answers[3].ttl == 19);
  CHECK(m.answers[3].data.view() == "17.253.53.201");
  CHECK(m.answers[3].addr == vw::IpAddr::v4(std::vector<std::uint8_t>{17, 253, 53, 201}));
  CHECK(m.answers[4].data.view() == "17.253.53.208");
}

TEST_CASE("Every proper prefix of a DNS message is Truncated and keeps what was parsed", "[dns]") {
  const auto& full = kCaptiveAppleResponse;
  for (std::size_t n = 0; n < full.size(); ++n) {
    INFO("prefix length " << n);
    DnsMessage m;
    const auto st = parseDnsMessage(std::span<const std::uint8_t>(full.data(), n), m);
    REQUIRE(st == DnsParseStatus::Truncated);
    if (n >= 35) { // header (12) + name (19) + type/class (4)
      CHECK(m.has_question);
      CHECK(m.qname.view() == "captive.apple.com");
    } else {
      CHECK_FALSE(m.has_question);
    }
    // The last answer ends at the end of the message: all others are complete before it.
    CHECK(m.answer_count <= 4);
  }
}

TEST_CASE("DNS names are lowercased and mixed 0x20 case is folded", "[dns]") {
  DnsBuilder d;
  d.header(1, 0x0100, 1, 0).name({"WwW", "ExAmPlE", "CoM"}).u16(28).u16(1);
  DnsMessage m;
  REQUIRE(parse(d.b, m) == DnsParseStatus::Ok);
  CHECK(m.qname.view() == "www.example.com");
  CHECK(m.qtype == dnstype::kAaaa);
  CHECK_FALSE(m.is_response);
}

TEST_CASE("The root name decodes to the empty string", "[dns]") {
  DnsBuilder d;
  d.header(2, 0x0100, 1, 0).u8(0).u16(2).u16(1); // ". NS"
  DnsMessage m;
  REQUIRE(parse(d.b, m) == DnsParseStatus::Ok);
  CHECK(m.has_question);
  CHECK(m.qname.empty());
  CHECK(m.qtype == dnstype::kNs);
}

TEST_CASE("Label bytes that are not printable are kept raw", "[dns]") {
  DnsBuilder d;
  d.header(3, 0x0100, 1, 0).name({std::string_view("a\x01\xff.b", 5), "COM"}).u16(1).u16(1);
  DnsMessage m;
  REQUIRE(parse(d.b, m) == DnsParseStatus::Ok);
  CHECK(m.qname.view() == std::string_view("a\x01\xff.b.com", 9));
}

TEST_CASE("A compression pointer to itself is Malformed, not a loop", "[dns]") {
  DnsBuilder d;
  d.header(4, 0x0100, 1, 0).ptr(12).u16(1).u16(1);
  DnsMessage m;
  CHECK(parse(d.b, m) == DnsParseStatus::Malformed);
}

TEST_CASE("Two compression pointers pointing at each other are Malformed", "[dns]") {
  DnsBuilder d;
  d.header(5, 0x0100, 1, 0).ptr(14).ptr(12).u16(1).u16(1);
  DnsMessage m;
  CHECK(parse(d.b, m) == DnsParseStatus::Malformed);
}

TEST_CASE("Pointer chains are followed up to the hop limit and rejected beyond it", "[dns]") {
  // Question name = pointer to the head of a chain of `hops - 1` further pointers that ends
  // at the name "x.org". The chain lives after the question; forward pointers are allowed.
  auto build = [](int hops) {
    DnsBuilder d;
    d.header(6, 0x0100, 1, 0);
    const std::size_t chain_start = 12 + 2 + 4; // after the question pointer and type/class
    d.ptr(static_cast<std::uint16_t>(chain_start)).u16(1).u16(1);
    for (int i = 1; i < hops; ++i)
      d.ptr(static_cast<std::uint16_t>(chain_start + 2 * i));
    d.name({"x", "org"});
    return d.b;
  };
  DnsMessage m;
  REQUIRE(parse(build(kDnsMaxPointerHops), m) == DnsParseStatus::Ok);
  CHECK(m.qname.view() == "x.org");
  CHECK(parse(build(kDnsMaxPointerHops + 1), m) == DnsParseStatus::Malformed);
}

TEST_CASE("A pointer beyond the message end is Malformed", "[dns]") {
  DnsBuilder d;
  d.header(7, 0x0100, 1, 0).ptr(0x3fff).u16(1).u16(1);
  DnsMessage m;
  CHECK(parse(d.b, m) == DnsParseStatus::Malformed);
}

TEST_CASE("Extended and reserved label types are Malformed", "[dns]") {
  for (std::uint8_t t : {std::uint8_t{0x41}, std::uint8_t{0x80}}) {
    DnsBuilder d;
    d.header(8, 0x0100, 1, 0).u8(t).u8(0).u16(1).u16(1);
    DnsMessage m;
    CHECK(parse(d.b, m) == DnsParseStatus::Malformed);
  }
}

TEST_CASE("A name longer than 255 bytes on the wire is Malformed", "[dns]") {
  const std::string label(63, 'a');
  DnsBuilder ok;
  // 3 * 64 + 62 + 1 = 255: the longest legal name.
  ok.header(9, 0x0100, 1, 0)
      .name({label, label, label, std::string_view(label).substr(0, 61)})
      .u16(1)
      .u16(1);
  DnsMessage m;
  REQUIRE(parse(ok.b, m) == DnsParseStatus::Ok);
  CHECK(m.qname.size() == 253);
  DnsBuilder bad;
  bad.header(9, 0x0100, 1, 0)
      .name({label, label, label, std::string_view(label).substr(0, 62)})
      .u16(1)
      .u16(1);
  CHECK(parse(bad.b, m) == DnsParseStatus::Malformed);
}

TEST_CASE("AAAA, PTR and MX answers are decoded; other types are counted as skipped", "[dns]") {
  DnsBuilder d;
  d.header(10, 0x8183, 1, 4).name({"Host", "example"}).u16(28).u16(1);
  // AAAA 2001:db8::1, owner = pointer to the question name.
  d.ptr(12).u16(28).u16(1).u32(60).u16(16).bytes(
      {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01});
  // TXT "hi" -> skipped.
  d.ptr(12).u16(16).u16(1).u32(60).u16(3).bytes({2, 'h', 'i'});
  // MX 10 MAIL.example (compressed suffix).
  d.ptr(12).u16(15).u16(1).u32(300).u16(2 + 5 + 2).u16(10).labels({"MAIL"}).ptr(17);
  // PTR -> host.example.
  d.ptr(12).u16(12).u16(1).u32(5).u16(2).ptr(12);
  DnsMessage m;
  REQUIRE(parse(d.b, m) == DnsParseStatus::Ok);
  CHECK(m.rcode == 3);
  CHECK(std::string_view(dnsRcodeName(m.rcode)) == "NXDOMAIN");
  REQUIRE(m.answer_count == 3);
  CHECK(m.answers_skipped == 1);
  CHECK(m.answers[0].type == dnstype::kAaaa);
  CHECK(m.answers[0].data.view() == "2001:db8::1");
  CHECK(m.answers[0].addr.isV6());
  CHECK(m.answers[1].type == dnstype::kMx);
  CHECK(m.answers[1].data.view() == "mail.example");
  CHECK(m.answers[2].type == dnstype::kPtr);
  CHECK(m.answers[2].data.view() == "host.example");
  CHECK(m.answers[2].ttl == 5);
}

TEST_CASE("An A record with a wrong RDATA length is skipped, not stored", "[dns]") {
  DnsBuilder d;
  d.header(11, 0x8180, 1, 1).name({"a"}).u16(1).u16(1);
  d.ptr(12).u16(1).u16(1).u32(1).u16(3).bytes({1, 2, 3});
  DnsMessage m;
  REQUIRE(parse(d.b, m) == DnsParseStatus::Ok);
  CHECK(m.answer_count == 0);
  CHECK(m.answers_skipped == 1);
}

TEST_CASE("Answers beyond the capacity are counted, not stored", "[dns]") {
  DnsBuilder d;
  const std::uint16_t n = kDnsMaxAnswers + 8;
  d.header(12, 0x8180, 1, n).name({"many", "example"}).u16(1).u16(1);
  for (std::uint16_t i = 0; i < n; ++i)
    d.ptr(12).u16(1).u16(1).u32(i).u16(4).bytes(
        {10, 0, static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)});
  DnsMessage m;
  REQUIRE(parse(d.b, m) == DnsParseStatus::Ok);
  CHECK(m.answer_count == kDnsMaxAnswers);
  CHECK(m.answers_skipped == 8);
  CHECK(m.answers[kDnsMaxAnswers - 1].data.view() == "10.0.0.31");
}

TEST_CASE("A DnsMessage reused for a smaller message holds only the new message", "[dns]") {
  DnsMessage m;
  REQUIRE(parse(kCaptiveAppleResponse, m) == DnsParseStatus::Ok);
  REQUIRE(m.answer_count == 5);
  DnsBuilder d;
  d.header(0x4242, 0x8180, 1, 1).name({"b"}).u16(5).u16(1);
  d.ptr(12).u16(5).u16(1).u32(7).u16(3).name({"c"}); // CNAME c.
  REQUIRE(parse(d.b, m) == DnsParseStatus::Ok);
  CHECK(m.id == 0x4242);
  CHECK(m.qname.view() == "b");
  REQUIRE(m.answer_count == 1);
  CHECK(m.answers[0].type == dnstype::kCname);
  CHECK(m.answers[0].ttl == 7);
  CHECK(m.answers[0].data.view() == "c");
  CHECK(m.answers[0].addr.family == 0);
}

TEST_CASE("Reserved opcodes are NotDns", "[dns]") {
  DnsMessage m;
  for (int op : {3, 7, 15}) {
    DnsBuilder d;
    d.header(13, static_cast<std::uint16_t>(op << 11), 1, 0).name({"a"}).u16(1).u16(1);
    CHECK(parse(d.b, m) == DnsParseStatus::NotDns);
    CHECK_FALSE(m.has_question);
  }
  DnsBuilder notify; // opcode 4 is valid
  notify.header(15, 4 << 11, 1, 0).name({"zone"}).u16(6).u16(1);
  CHECK(parse(notify.b, m) == DnsParseStatus::Ok);
  CHECK(m.opcode == 4);
}

TEST_CASE("Counts larger than the message give the first question and Truncated", "[dns]") {
  DnsBuilder d;
  d.header(14, 0x0100, 0xffff, 0xffff, 0xffff, 0xffff).name({"Fuzzed", "example"}).u16(1).u16(1);
  DnsMessage m;
  CHECK(parse(d.b, m) == DnsParseStatus::Truncated);
  CHECK(m.has_question);
  CHECK(m.qname.view() == "fuzzed.example");
  CHECK(m.qdcount == 0xffff);
}

TEST_CASE("A message shorter than the header is Truncated", "[dns]") {
  DnsMessage m;
  const std::vector<std::uint8_t> shortmsg = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01};
  CHECK(parse(shortmsg, m) == DnsParseStatus::Truncated);
  CHECK(parse({}, m) == DnsParseStatus::Truncated);
}

TEST_CASE("dnsTcpFrame splits a TCP stream into length-prefixed messages", "[dns]") {
  std::vector<std::uint8_t> stream;
  auto add = [&](const std::vector<std::uint8_t>& msg) {
    stream.push_back(static_cast<std::uint8_t>(msg.size() >> 8));
    stream.push_back(static_cast<std::uint8_t>(msg.size()));
    stream.insert(stream.end(), msg.begin(), msg.end());
  };
  DnsBuilder q;
  q.header(16, 0x0100, 1, 0).name({"tcp", "example"}).u16(1).u16(1);
  add(q.b);
  add(kCaptiveAppleResponse);
  std::span<const std::uint8_t> s(stream), msg;
  std::size_t used = dnsTcpFrame(s, msg);
  REQUIRE(used == q.size() + 2);
  DnsMessage m;
  REQUIRE(parseDnsMessage(msg, m) == DnsParseStatus::Ok);
  CHECK(m.qname.view() == "tcp.example");
  s = s.subspan(used);
  for (std::size_t n = 0; n < s.size(); ++n)
    CHECK(dnsTcpFrame(s.first(n), msg) == 0);
  used = dnsTcpFrame(s, msg);
  REQUIRE(used == kCaptiveAppleResponse.size() + 2);
  REQUIRE(parseDnsMessage(msg, m) == DnsParseStatus::Ok);
  CHECK(m.answer_count == 5);
}

TEST_CASE("DNS type, rcode and status names", "[dns]") {
  CHECK(std::string_view(dnsTypeName(1)) == "A");
  CHECK(std::string_view(dnsTypeName(28)) == "AAAA");
  CHECK(std::string_view(dnsTypeName(5)) == "CNAME");
  CHECK(std::string_view(dnsTypeName(65)) == "HTTPS");
  CHECK(std::string_view(dnsTypeName(4242)).empty());
  CHECK(std::string_view(dnsRcodeName(0)) == "NOERROR");
  CHECK(std::string_view(dnsRcodeName(2)) == "SERVFAIL");
  CHECK(std::string_view(dnsRcodeName(5)) == "REFUSED");
  CHECK(std::string_view(dnsRcodeName(16)) == "BADVERS");
  CHECK(std::string_view(dnsRcodeName(15)).empty());
  CHECK(std::string_view(dnsParseStatusName(DnsParseStatus::NotDns)) == "not_dns");
}

TEST_CASE("Random and bit-flipped DNS input keeps the output within its bounds", "[dns]") {
  std::mt19937 rng(12345);
  DnsMessage m;
  for (int i = 0; i < 20000; ++i) {
    std::vector<std::uint8_t> msg = kCaptiveAppleResponse;
    const int flips = 1 + static_cast<int>(rng() % 8);
    for (int f = 0; f < flips; ++f)
      msg[rng() % msg.size()] = static_cast<std::uint8_t>(rng());
    msg.resize(rng() % (msg.size() + 1));
    parse(msg, m);
    REQUIRE(m.answer_count <= kDnsMaxAnswers);
    REQUIRE(m.qname.size() <= 255);
  }
}

TEST_CASE("Parsing a DNS message does not allocate", "[dns][alloc]") {
  REQUIRE(test::opensslHooksInstalled());
  DnsMessage m;
  test::ScopedAllocCount allocs;
  parse(kCaptiveAppleResponse, m);
  CHECK(allocs.count() == 0);
}
