#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <openssl/evp.h>

#include <vw/classify/proto/tls_client_hello.h>

#include "alloc_counter.h"
#include "tls_fixtures.h"

using namespace vw::classify;
using Bytes = std::vector<std::uint8_t>;

namespace {

template <std::size_t N> std::span<const std::uint8_t> spanOf(const std::uint8_t (&a)[N]) {
  return {a, N};
}

void putU16(Bytes& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}
void putU24(Bytes& b, std::size_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 16));
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}
void append(Bytes& b, const Bytes& more) {
  b.insert(b.end(), more.begin(), more.end());
}

/// Builds synthetic ClientHellos for the cases captures do not cover.
struct HelloBuilder {
  std::uint16_t legacy_version = 0x0303;
  std::vector<std::uint16_t> ciphers;
  std::vector<std::pair<std::uint16_t, Bytes>> extensions;
  bool omit_extensions = false;

  HelloBuilder& ext(std::uint16_t type, Bytes data = {}) {
    extensions.emplace_back(type, std::move(data));
    return *this;
  }
  HelloBuilder& sni(std::string_view name) {
    Bytes d;
    putU16(d, static_cast<std::uint16_t>(name.size() + 3));
    d.push_back(0);
    putU16(d, static_cast<std::uint16_t>(name.size()));
    d.insert(d.end(), name.begin(), name.end());
    return ext(0x0000, d);
  }
  HelloBuilder& alpn(const std::vector<Bytes>& protos) {
    Bytes list;
    for (const Bytes& p : protos) {
      list.push_back(static_cast<std::uint8_t>(p.size()));
      append(list, p);
    }
    Bytes d;
    putU16(d, static_cast<std::uint16_t>(list.size()));
    append(d, list);
    return ext(0x0010, d);
  }
  HelloBuilder& u16List(std::uint16_t type, const std::vector<std::uint16_t>& v,
                        bool u8_len = false) {
    Bytes d;
    if (u8_len)
      d.push_back(static_cast<std::uint8_t>(2 * v.size()));
    else
      putU16(d, static_cast<std::uint16_t>(2 * v.size()));
    for (std::uint16_t x : v)
      putU16(d, x);
    return ext(type, d);
  }
  Bytes body() const {
    Bytes b;
    putU16(b, legacy_version);
    b.insert(b.end(), 32, 0x42); // random
    b.push_back(0);              // session id
    putU16(b, static_cast<std::uint16_t>(2 * ciphers.size()));
    for (std::uint16_t c : ciphers)
      putU16(b, c);
    b.push_back(1); // compression methods: null
    b.push_back(0);
    if (!omit_extensions) {
      Bytes e;
      for (const auto& [type, data] : extensions) {
        putU16(e, type);
        putU16(e, static_cast<std::uint16_t>(data.size()));
        append(e, data);
      }
      putU16(b, static_cast<std::uint16_t>(e.size()));
      append(b, e);
    }
    return b;
  }
  Bytes handshake() const {
    const Bytes bd = body();
    Bytes h{0x01};
    putU24(h, bd.size());
    append(h, bd);
    return h;
  }
  Bytes record() const { return recordsOf(handshake(), {}); }

  /// Wraps handshake bytes into TLS records, cutting after each given fragment size.
  static Bytes recordsOf(const Bytes& hs, const std::vector<std::size_t>& cuts) {
    Bytes out;
    std::size_t pos = 0;
    auto emit = [&](std::size_t n) {
      out.push_back(22);
      putU16(out, 0x0301);
      putU16(out, static_cast<std::uint16_t>(n));
      out.insert(out.end(), hs.begin() + static_cast<std::ptrdiff_t>(pos),
                 hs.begin() + static_cast<std::ptrdiff_t>(pos + n));
      pos += n;
    };
    for (std::size_t c : cuts)
      emit(c);
    emit(hs.size() - pos);
    return out;
  }
};

TlsParseStatus parseTcp(const Bytes& b, ClientHelloInfo& out) {
  return parseClientHello(std::span<const std::uint8_t>(b.data(), b.size()), false, out);
}

std::string raw(const ClientHelloInfo& info, bool original) {
  TlsFingerprintText s;
  ja4Raw(info, original, s);
  return s.str();
}
std::string hashed(const ClientHelloInfo& info, bool original) {
  FixedString<36> s;
  ja4Hash(info, original, s);
  return s.str();
}

/// Expected values of a captured ClientHello. SNI, ALPN and JA3 are what tshark 4.0 shows
/// (-e tls.handshake.extensions_server_name -e tls.handshake.extensions_alpn_str
/// -e tls.handshake.ja3); JA4 was computed from tshark's dissection by an independent
/// script following the FoxIO specification.
struct Expected {
  std::string_view name;
  std::span<const std::uint8_t> bytes;
  bool quic;
  std::string_view sni;
  std::string_view alpn;
  std::string_view ja3;
  std::string_view ja4;
  bool ech;
};

const Expected kCaptured[] = {
    {"chrome.pcap#4", spanOf(test::kChromeIitCnr), false, "www.iit.cnr.it", "h2,http/1.1",
     "aa50c12a5dfa717d9d6ab34e97de79d5", "t13d1516h2_8daaf6152771_e5627efa2ab1", false},
    {"chrome.pcap#24", spanOf(test::kChromeIitCnrPsk), false, "www.iit.cnr.it", "h2,http/1.1",
     "1b73862eae8f1711440a446b1ef357fd", "t13d1516h2_8daaf6152771_9b887d9acb53", false},
    {"443-firefox.pcap#4", spanOf(test::kFirefoxNtop), false, "www.ntop.org", "h2,http/1.1",
     "b20b44b18b853ef29ab773e921b03422", "t13d1814h2_29a2cd9e9f10_d267a5f792d4", false},
    {"443-curl.pcap#4", spanOf(test::kCurlNtop), false, "www.ntop.org", "h2,http/1.1",
     "2a26b1a62e40d25d4de3babc9d532f30", "t12d6707h2_2955a3196ffa_c83f907a73d3", false},
    {"443-safari.pcap#4", spanOf(test::kSafariNtop), false, "www.ntop.org",
     "h2,h2-16,h2-15,h2-14,spdy/3.1,spdy/3,http/1.1", "a69708a64f853c3bcc214c2c5faf84f3",
     "t12d2010h2_2a284e3b0c56_f05fdf8c38a9", false},
    {"tls_ech.pcapng#4", spanOf(test::kChromeEchCloudflare), false,
     "performance.radar.cloudflare.com", "h2,http/1.1", "6820f114cf3b0809ffdcb30cb277848a",
     "t13d1516h2_8daaf6152771_02713d6af862", true},
    // supported_versions {0x0304, 0xfb1a}: the highest value is Facebook's draft code point,
    // which JA4 renders as "00".
    {"tls_2_reasms.pcapng#2", spanOf(test::kInstagramFizz), false, "i.instagram.com",
     "h2,h2-fb,http/1.1", "44dab16d680ef93487bc16ad23b3ffb1",
     "t00d0309h2_55b375c5d22e_566d5108064c", false},
    // 350 cipher suites (a scanner-like client), no SNI, no ALPN.
    {"ja3_lots_of_cipher_suites.pcap#4", spanOf(test::kLotsOfCiphers), false, "", "",
     "b2498734f22ddc9be05c39837ac8ac54", "t12i990300_28808c40d9f1_1e2a54cae03f", false},
    {"quic-v2.pcapng#1", spanOf(test::kQuicV2Crypto), true, "test", "h3",
     "5e685944fc983af5eabcc813add3dca1", "q13d0310h3_55b375c5d22e_0a3b52e28cea", false},
};

} // namespace

TEST_CASE("Captured ClientHellos give tshark's SNI, ALPN and JA3 and the spec's JA4", "[tls]") {
  for (const Expected& e : kCaptured) {
    INFO(e.name);
    ClientHelloInfo info;
    REQUIRE(parseClientHello(e.bytes, e.quic, info) == TlsParseStatus::Ok);
    CHECK(info.sni.view() == e.sni);
    CHECK(info.alpn.view() == e.alpn);
    CHECK(info.alpn_first.view() == e.alpn.substr(0, e.alpn.find(',')));
    CHECK(info.ja3.view() == e.ja3);
    CHECK(info.ja4.view() == e.ja4);
    CHECK(info.ech == e.ech);
    CHECK(info.quic == e.quic);
    CHECK_FALSE(info.bad_extension);
    CHECK_FALSE(info.extensions_cut);
    CHECK_FALSE(info.lists_truncated);
    CHECK(info.legacy_version == 0x0303);
  }
}

TEST_CASE("The Chrome ClientHello of chrome.pcap reproduces the JA4 spec example", "[tls]") {
  // technical_details/JA4.md in FoxIO-LLC/ja4: the example fingerprint and its raw forms.
  ClientHelloInfo info;
  REQUIRE(parseClientHello(spanOf(test::kChromeIitCnr), false, info) == TlsParseStatus::Ok);
  CHECK(info.ja4.view() == "t13d1516h2_8daaf6152771_e5627efa2ab1");
  CHECK(raw(info, false) ==
        "t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_"
        "0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_"
        "0403,0804,0401,0503,0805,0501,0806,0601");
  // Wire order as listed by tshark -e tls.handshake.ciphersuite -e tls.handshake.extension.type
  // (GREASE 0x9a9a, 0x4a4a and 0x6a6a removed). This capture orders its extensions differently
  // from the spec's example, so JA4_o differs from the spec's while JA4 is the same.
  CHECK(raw(info, true) ==
        "t13d1516h2_1303,1301,1302,cca9,cca8,c02b,c02f,c02c,c030,c013,c014,009c,009d,002f,0035_"
        "0000,0017,ff01,000a,000b,0023,0010,0005,000d,0012,0033,002d,002b,001b,4469,0015_"
        "0403,0804,0401,0503,0805,0501,0806,0601");
  CHECK(info.max_version == 0x0304);
  CHECK(info.cipher_count == 15);
  CHECK(info.extension_count == 16);
  CHECK(info.records == 1);
}

TEST_CASE("A ClientHello in the spec's example wire order gives the spec's JA4 and JA4_o",
          "[tls]") {
  // technical_details/JA4.md: JA4_ro lists, JA4 = t13d1516h2_8daaf6152771_e5627efa2ab1 and
  // JA4_o = t13d1516h2_acb858a92679_18f69afefd3d.
  HelloBuilder b;
  b.ciphers = {0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9,
               0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035};
  b.ext(0x001b)
      .sni("example.com")
      .ext(0x0033)
      .alpn({{'h', '2'}})
      .ext(0x4469)
      .ext(0x0017)
      .ext(0x002d)
      .u16List(0x000d, {0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601})
      .ext(0x0005)
      .ext(0x0023)
      .ext(0x0012)
      .u16List(0x002b, {0x0304, 0x0303}, true)
      .ext(0xff01)
      .ext(0x000b, {1, 0})
      .u16List(0x000a, {0x001d})
      .ext(0x0015);
  ClientHelloInfo info;
  REQUIRE(parseTcp(b.record(), info) == TlsParseStatus::Ok);
  CHECK(info.ja4.view() == "t13d1516h2_8daaf6152771_e5627efa2ab1");
  CHECK(hashed(info, true) == "t13d1516h2_acb858a92679_18f69afefd3d");
  CHECK(raw(info, true) ==
        "t13d1516h2_1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035_"
        "001b,0000,0033,0010,4469,0017,002d,000d,0005,0023,0012,002b,ff01,000b,000a,0015_"
        "0403,0804,0401,0503,0805,0501,0806,0601");
}

TEST_CASE("JA4 of a ClientHello built from published raw lists matches the published hashes",
          "[tls]") {
  // FoxIO-LLC/ja4 python/test/testdata/sigalg-grease.pcapng.json: JA4_ro lists (wire order,
  // GREASE already removed) and the resulting JA4 / JA4_o. We add GREASE values everywhere;
  // they must not change anything.
  HelloBuilder b;
  b.ciphers = {0x1a1a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030,
               0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035};
  b.ext(0x3a3a)
      .ext(0xfe0d)
      .alpn({{'h', '2'}, {'h', 't', 't', 'p', '/', '1', '.', '1'}})
      .ext(0x0017)
      .ext(0x0033)
      .ext(0x44cd)
      .ext(0xff01)
      .u16List(0x000a, {0x4a4a, 0x001d, 0x0017})
      .u16List(0x000d, {0x0904, 0x0905, 0x0906, 0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501,
                        0x0806, 0x0601})
      .ext(0x0023)
      .u16List(0x002b, {0x5a5a, 0x0304, 0x0303}, true)
      .ext(0x000b, {1, 0})
      .ext(0xca34)
      .ext(0x002d)
      .sni("optimizationguide-pa.googleapis.com")
      .ext(0x0005)
      .ext(0x001b)
      .ext(0x0012)
      .ext(0xdada);
  ClientHelloInfo info;
  REQUIRE(parseTcp(b.record(), info) == TlsParseStatus::Ok);
  CHECK(info.sni.view() == "optimizationguide-pa.googleapis.com");
  CHECK(info.ja4.view() == "t13d1517h2_8daaf6152771_cb7bf5808d99");
  CHECK(hashed(info, true) == "t13d1517h2_acb858a92679_88bf22a3e888");
  CHECK(raw(info, false) ==
        "t13d1517h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_"
        "0005,000a,000b,000d,0012,0017,001b,0023,002b,002d,0033,44cd,ca34,fe0d,ff01_"
        "0904,0905,0906,0403,0804,0401,0503,0805,0501,0806,0601");
  CHECK(info.ech);
  CHECK(info.cipher_count == 15);
  CHECK(info.extension_count == 17);
  CHECK(info.groups.size == 2);
}

TEST_CASE("JA3 drops GREASE everywhere and keeps wire order", "[tls]") {
  HelloBuilder b;
  b.legacy_version = 0x0301;
  b.ciphers = {0x0a0a, 0xc02f, 0x0035, 0x002f};
  b.sni("a.example")
      .u16List(0x000a, {0xfafa, 0x0017, 0x001d})
      .ext(0x000b, {2, 0, 1})
      .ext(0x2a2a)
      .ext(0x0023);
  ClientHelloInfo info;
  REQUIRE(parseTcp(b.record(), info) == TlsParseStatus::Ok);
  TlsFingerprintText s;
  ja3String(info, s);
  CHECK(s.view() == "769,49199-53-47,0-10-11-35,23-29,0-1");
  // MD5("769,49199-53-47,0-10-11-35,23-29,0-1"), computed independently with md5sum.
  CHECK(info.ja3.view() == "7fd046d160d91e2075df9bd6685bc1d2");
  CHECK(info.ja4.view().substr(0, 10) == "t10d030400");
}

TEST_CASE("JA4 ALPN characters follow the spec's alphanumeric and hex rules", "[tls]") {
  // JA4.md, "ALPN Extension Value".
  const std::vector<std::pair<Bytes, std::string_view>> cases = {
      {{0xAB}, "ab"},
      {{0xAB, 0xCD}, "ad"},
      {{0x30, 0xAB}, "3b"},
      {{0x30, 0x31, 0xAB, 0xCD}, "3d"},
      {{0x30, 0xAB, 0xCD, 0x31}, "01"},
      {{'h', '2'}, "h2"},
      {{'h', 't', 't', 'p', '/', '1', '.', '1'}, "h1"},
      {{'a'}, "aa"},
      {{}, "00"},
  };
  for (const auto& [value, expect] : cases) {
    INFO("expect " << expect);
    HelloBuilder b;
    b.ciphers = {0x1301};
    b.alpn({value, {'x', 'y'}});
    ClientHelloInfo info;
    REQUIRE(parseTcp(b.record(), info) == TlsParseStatus::Ok);
    CHECK(std::string_view(info.ja4.view()).substr(8, 2) == expect);
  }
  HelloBuilder none;
  none.ciphers = {0x1301};
  none.ext(0x0017);
  ClientHelloInfo info;
  REQUIRE(parseTcp(none.record(), info) == TlsParseStatus::Ok);
  CHECK(info.ja4.view().substr(0, 10) == "t12i010100");
  HelloBuilder empty_list;
  empty_list.ciphers = {0x1301};
  empty_list.alpn({});
  REQUIRE(parseTcp(empty_list.record(), info) == TlsParseStatus::Ok);
  CHECK(info.has_alpn_ext);
  CHECK(info.ja4.view().substr(8, 2) == "00");
}

TEST_CASE("JA4 uses zeros for empty cipher and extension lists", "[tls]") {
  HelloBuilder b; // no ciphers, no extensions at all
  b.omit_extensions = true;
  ClientHelloInfo info;
  REQUIRE(parseTcp(b.record(), info) == TlsParseStatus::Ok);
  CHECK(info.ja4.view() == "t12i000000_000000000000_000000000000");

  HelloBuilder only_sni_alpn;
  only_sni_alpn.ciphers = {0x0a0a}; // GREASE only: counts as no ciphers
  only_sni_alpn.sni("x.example").alpn({{'h', '2'}});
  REQUIRE(parseTcp(only_sni_alpn.record(), info) == TlsParseStatus::Ok);
  CHECK(info.ja4.view() == "t12d0002h2_000000000000_000000000000");
  CHECK(raw(info, false) == "t12d0002h2__");
}

TEST_CASE("Without signature algorithms the JA4 extension string has no trailing underscore",
          "[tls]") {
  HelloBuilder b;
  b.ciphers = {0x002f};
  b.ext(0x0017).ext(0xff01);
  ClientHelloInfo info;
  REQUIRE(parseTcp(b.record(), info) == TlsParseStatus::Ok);
  CHECK(raw(info, false) == "t12i010200_002f_0017,ff01");
}

TEST_CASE("JA4 version comes from supported_versions, else from the legacy version", "[tls]") {
  const std::vector<std::pair<std::uint16_t, std::string_view>> legacy = {
      {0x0300, "s3"}, {0x0301, "10"}, {0x0302, "11"}, {0x0303, "12"},
      {0x0304, "13"}, {0x0002, "s2"}, {0x0305, "00"}};
  for (const auto& [v, expect] : legacy) {
    HelloBuilder b;
    b.legacy_version = v;
    ClientHelloInfo info;
    REQUIRE(parseTcp(b.record(), info) == TlsParseStatus::Ok);
    CHECK(info.ja4.view().substr(1, 2) == expect);
  }
  HelloBuilder sv;
  sv.u16List(0x002b, {0x0a0a, 0x0302, 0x0304, 0x0303}, true);
  ClientHelloInfo info;
  REQUIRE(parseTcp(sv.record(), info) == TlsParseStatus::Ok);
  CHECK(info.max_version == 0x0304);
  CHECK(info.ja4.view().substr(1, 2) == "13");
  HelloBuilder grease_only;
  grease_only.u16List(0x002b, {0x0a0a}, true);
  REQUIRE(parseTcp(grease_only.record(), info) == TlsParseStatus::Ok);
  CHECK(info.max_version == 0x0303);
}

TEST_CASE("Counts above 99 are capped at 99 in JA4", "[tls]") {
  HelloBuilder b;
  for (std::uint16_t c = 1; c <= 120; ++c)
    b.ciphers.push_back(c);
  ClientHelloInfo info;
  REQUIRE(parseTcp(b.record(), info) == TlsParseStatus::Ok);
  CHECK(info.cipher_count == 120);
  CHECK(info.ja4.view().substr(4, 2) == "99");
}

TEST_CASE("SNI is lowercased and loses one trailing dot; raw bytes are kept", "[tls]") {
  HelloBuilder b;
  b.sni("WWW.Vendor.EXAMPLE.");
  ClientHelloInfo info;
  REQUIRE(parseTcp(b.record(), info) == TlsParseStatus::Ok);
  CHECK(info.sni.view() == "www.vendor.example");
  HelloBuilder odd;
  odd.sni(std::string_view("a\x01\xc3.Z", 5));
  REQUIRE(parseTcp(odd.record(), info) == TlsParseStatus::Ok);
  CHECK(info.sni.view() == std::string_view("a\x01\xc3.z", 5));
  FixedString<255> n;
  normaliseHostName("Example.COM..", n);
  CHECK(n.view() == "example.com.");
  normaliseHostName(".", n);
  CHECK(n.empty());
}

TEST_CASE("Every proper prefix of a captured ClientHello is NeedMore", "[tls]") {
  for (const Expected& e : kCaptured) {
    INFO(e.name);
    for (std::size_t n = 0; n < e.bytes.size(); ++n) {
      INFO("prefix length " << n);
      ClientHelloInfo info;
      REQUIRE(parseClientHello(e.bytes.first(n), e.quic, info) == TlsParseStatus::NeedMore);
    }
  }
}

TEST_CASE("A ClientHello split over several records is reassembled", "[tls]") {
  const auto full = spanOf(test::kChromeIitCnr);
  const Bytes hs(full.begin() + 5, full.end()); // strip the single record header
  for (const std::vector<std::size_t>& cuts :
       {std::vector<std::size_t>{100, 200}, std::vector<std::size_t>{2},
        std::vector<std::size_t>{1, 1, 1, 1}, std::vector<std::size_t>{4}}) {
    const Bytes stream = HelloBuilder::recordsOf(hs, cuts);
    ClientHelloInfo info;
    REQUIRE(parseTcp(stream, info) == TlsParseStatus::Ok);
    CHECK(info.records == cuts.size() + 1);
    CHECK(info.sni.view() == "www.iit.cnr.it");
    CHECK(info.ja4.view() == "t13d1516h2_8daaf6152771_e5627efa2ab1");
    CHECK(info.ja3.view() == "aa50c12a5dfa717d9d6ab34e97de79d5");
    for (std::size_t n = 0; n < stream.size(); ++n) {
      INFO("prefix length " << n);
      REQUIRE(parseClientHello(std::span<const std::uint8_t>(stream.data(), n), false, info) ==
              TlsParseStatus::NeedMore);
    }
  }
}

TEST_CASE("Bytes after the ClientHello in the same record or stream are ignored", "[tls]") {
  const auto full = spanOf(test::kChromeIitCnr);
  Bytes stream(full.begin(), full.end());
  stream.insert(stream.end(), {0x14, 0x03, 0x03, 0x00, 0x01, 0x01}); // ChangeCipherSpec
  ClientHelloInfo info;
  REQUIRE(parseTcp(stream, info) == TlsParseStatus::Ok);
  CHECK(info.sni.view() == "www.iit.cnr.it");
}

TEST_CASE("Streams that are not a TLS ClientHello are NotTls", "[tls]") {
  ClientHelloInfo info;
  const std::vector<Bytes> not_tls = {
      {'G', 'E', 'T', ' ', '/'},
      {0x17, 0x03, 0x03, 0x00, 0x10},             // application data
      {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28}, // alert
      {0x80, 0x2e, 0x01, 0x00, 0x02},             // SSLv2-compatible ClientHello
      {0x16, 0x02, 0x00},                         // record version 2.0
      {0x16, 0x03, 0x05},                         // record version 3.5
      {0x16, 0x03, 0x01, 0x00, 0x00},             // empty record
      {0x16, 0x03, 0x01, 0xff, 0xff},             // record longer than TLS allows
      {0x16, 0x03, 0x03, 0x00, 0x30, 0x02},       // ServerHello
  };
  for (const Bytes& b : not_tls)
    CHECK(parseTcp(b, info) == TlsParseStatus::NotTls);
  const Bytes server_hello_quic = {0x02, 0x00, 0x00, 0x10};
  CHECK(parseClientHello(server_hello_quic, true, info) == TlsParseStatus::NotTls);
}

TEST_CASE("Inconsistent ClientHellos are Malformed", "[tls]") {
  ClientHelloInfo info;
  // Handshake length beyond the reassembly limit.
  const Bytes huge = {0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0x01, 0x00, 0x00};
  CHECK(parseTcp(huge, info) == TlsParseStatus::Malformed);
  const Bytes huge_quic = {0x01, 0x01, 0x00, 0x00};
  CHECK(parseClientHello(huge_quic, true, info) == TlsParseStatus::Malformed);

  HelloBuilder b;
  b.ciphers = {0x1301};
  Bytes body = b.body();
  Bytes bad_sid = body;
  bad_sid[34] = 33; // session id length > 32
  Bytes hs{0x01};
  putU24(hs, bad_sid.size());
  append(hs, bad_sid);
  CHECK(parseTcp(HelloBuilder::recordsOf(hs, {}), info) == TlsParseStatus::Malformed);

  Bytes odd_ciphers = body;
  odd_ciphers[36] = 3; // cipher_suites length odd
  hs = {0x01};
  putU24(hs, odd_ciphers.size());
  append(hs, odd_ciphers);
  CHECK(parseTcp(HelloBuilder::recordsOf(hs, {}), info) == TlsParseStatus::Malformed);

  // A second record that is not a handshake record.
  const auto full = spanOf(test::kChromeIitCnr);
  const Bytes whole(full.begin() + 5, full.end());
  Bytes split = HelloBuilder::recordsOf(whole, {100});
  split[5 + 100] = 0x17;
  CHECK(parseTcp(split, info) == TlsParseStatus::Malformed);
}

TEST_CASE("A broken extension list keeps what came before it but gives no fingerprint", "[tls]") {
  // tls_invalid_reads.pcap (nDPI test captures), frame 12: the 5th extension (ALPN) has a list
  // length of 47241 and the bytes after it do not form an extension. tshark shows the SNI and
  // the extension types 0,23,35,13,16, marks the packet malformed and prints no JA3.
  ClientHelloInfo info;
  REQUIRE(parseClientHello(spanOf(test::kInvalidReadsCrashlytics), false, info) ==
          TlsParseStatus::Ok);
  CHECK(info.extensions_cut);
  CHECK(info.sni.view() == "e.crashlytics.com");
  CHECK(info.extension_count == 5);
  CHECK(info.has_alpn_ext);
  CHECK(info.bad_extension);
  CHECK(info.sig_algs.size == 10);
  CHECK(info.cipher_count == 20);
  CHECK(info.ja3.empty());
  CHECK(info.ja4.empty());

  // An extension block length beyond the message: the rest of the message is still read.
  HelloBuilder b;
  b.ciphers = {0x1301};
  b.sni("cut.example");
  Bytes body = b.body();
  const std::size_t ext_len_at = 2 + 32 + 1 + 2 + 2 + 2;
  body[ext_len_at] = 0x7f;
  Bytes hs{0x01};
  putU24(hs, body.size());
  append(hs, body);
  REQUIRE(parseTcp(HelloBuilder::recordsOf(hs, {}), info) == TlsParseStatus::Ok);
  CHECK(info.extensions_cut);
  CHECK(info.sni.view() == "cut.example");
  CHECK(info.ja4.empty());

  // A single trailing byte where the extension block length should be.
  hs = {0x01};
  Bytes short_body(body.begin(), body.begin() + static_cast<std::ptrdiff_t>(ext_len_at + 1));
  putU24(hs, short_body.size());
  append(hs, short_body);
  REQUIRE(parseTcp(HelloBuilder::recordsOf(hs, {}), info) == TlsParseStatus::Ok);
  CHECK(info.extensions_cut);
  CHECK(info.extension_count == 0);
}

TEST_CASE("Broken extension contents are flagged but do not fail the parse", "[tls]") {
  HelloBuilder b;
  b.ciphers = {0x1301};
  b.ext(0x0000, {0x00, 0x10, 0x00}).alpn({{'h', '2'}}).u16List(0x000a, {0x001d});
  b.extensions[2].second.pop_back(); // supported_groups now has an odd length
  ClientHelloInfo info;
  REQUIRE(parseTcp(b.record(), info) == TlsParseStatus::Ok);
  CHECK(info.bad_extension);
  CHECK(info.has_sni_ext);
  CHECK(info.sni.empty());
  CHECK(info.alpn.view() == "h2");
  CHECK(info.ja4.view().substr(0, 10) == "t12d0103h2");
}

TEST_CASE("Lists longer than their capacity are flagged", "[tls]") {
  HelloBuilder b;
  for (std::uint16_t c = 1; c <= kTlsMaxCiphers + 100; ++c)
    b.ciphers.push_back(c);
  ClientHelloInfo info;
  REQUIRE(parseTcp(b.record(), info) == TlsParseStatus::Ok);
  CHECK(info.cipher_count == kTlsMaxCiphers + 100);
  CHECK(info.ciphers.size == kTlsMaxCiphers);
  CHECK(info.lists_truncated);
  CHECK(info.ja3.size() == 32);
}

TEST_CASE("isTlsGrease matches exactly the 16 RFC 8701 values", "[tls]") {
  int n = 0;
  for (std::uint32_t v = 0; v <= 0xffff; ++v)
    if (isTlsGrease(static_cast<std::uint16_t>(v)))
      ++n;
  CHECK(n == 16);
  CHECK(isTlsGrease(0x0a0a));
  CHECK(isTlsGrease(0xfafa));
  CHECK_FALSE(isTlsGrease(0x0a1a));
  CHECK_FALSE(isTlsGrease(0xca34));
}

TEST_CASE("Random and bit-flipped ClientHellos keep the output within its bounds", "[tls]") {
  std::mt19937 rng(4242);
  const auto full = spanOf(test::kFirefoxNtop);
  ClientHelloInfo info;
  for (int i = 0; i < 5000; ++i) {
    Bytes b(full.begin(), full.end());
    const int flips = 1 + static_cast<int>(rng() % 6);
    for (int f = 0; f < flips; ++f)
      b[5 + rng() % (b.size() - 5)] = static_cast<std::uint8_t>(rng());
    const auto st = parseTcp(b, info);
    if (st == TlsParseStatus::Ok && !info.extensions_cut) {
      REQUIRE(info.ja3.size() == 32);
      REQUIRE(info.ja4.size() == 36);
    }
  }
}

TEST_CASE("Parsing a ClientHello with fingerprints does not allocate", "[tls][alloc]") {
  REQUIRE(test::opensslHooksInstalled());
  const auto full = spanOf(test::kChromeIitCnr);
  const Bytes hs(full.begin() + 5, full.end());
  const Bytes split = HelloBuilder::recordsOf(hs, {100, 200});
  ClientHelloInfo info;
  test::ScopedAllocCount allocs;
  const auto st1 = parseClientHello(full, false, info);
  const auto st2 = parseClientHello(split, false, info);
  const auto st3 = parseClientHello(spanOf(test::kQuicV2Crypto), true, info);
  CHECK(allocs.count() == 0);
  CHECK(st1 == TlsParseStatus::Ok);
  CHECK(st2 == TlsParseStatus::Ok);
  CHECK(st3 == TlsParseStatus::Ok);
}

TEST_CASE("The allocation counter sees operator new and OpenSSL allocations", "[alloc]") {
  REQUIRE(test::opensslHooksInstalled());
  test::ScopedAllocCount allocs;
  void* volatile p = ::operator new(16); // an explicit call cannot be elided
  ::operator delete(p);
  CHECK(allocs.count() == 1);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  CHECK(allocs.count() >= 2);
  EVP_MD_CTX_free(ctx);
}

// ServerHello records from pcaps/demo.pcap (curl against a TLS 1.2-only and a TLS 1.3 server).
namespace server_hello {
const std::uint8_t kTls12[] = {
    0x16, 0x03, 0x03, 0x00, 0x5d, 0x02, 0x00, 0x00, 0x59, 0x03, 0x03, 0x63, 0xfd, 0x83,
    0xa4, 0x80, 0xc4, 0xc8, 0x28, 0xfd, 0xd1, 0xd8, 0x71, 0xbb, 0x39, 0x92, 0x35, 0xe2,
    0xae, 0x83, 0x34, 0x00, 0x51, 0x63, 0x62, 0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44,
    0x01, 0x20, 0xad, 0x51, 0xe7, 0x6a, 0xd6, 0xc0, 0xd9, 0xea, 0x80, 0xf2, 0x84, 0x17,
    0x19, 0xb7, 0x97, 0x1b, 0xb5, 0xc8, 0xc0, 0x34, 0x84, 0xa3, 0x68, 0xbc, 0x39, 0xcd,
    0xbd, 0x35, 0x26, 0x98, 0x91, 0x47, 0xc0, 0x2c, 0x00, 0x00, 0x11, 0xff, 0x01, 0x00,
    0x01, 0x00, 0x00, 0x0b, 0x00, 0x04, 0x03, 0x00, 0x01, 0x02, 0x00, 0x17, 0x00, 0x00};
const std::uint8_t kTls13[] = {
    0x16, 0x03, 0x03, 0x00, 0x7a, 0x02, 0x00, 0x00, 0x76, 0x03, 0x03, 0xb0, 0xf7, 0xe9, 0x52, 0xb0,
    0x3b, 0xdd, 0xa9, 0xc6, 0x83, 0xa5, 0xde, 0x7e, 0xf9, 0x69, 0xe4, 0x6b, 0x8e, 0x2b, 0xd6, 0xc5,
    0x52, 0x93, 0xe6, 0x01, 0x29, 0xc8, 0xff, 0xdb, 0xe2, 0x15, 0xa5, 0x20, 0xba, 0xc9, 0xc7, 0x40,
    0xc4, 0xaf, 0x56, 0x22, 0x67, 0xb8, 0x3f, 0xf5, 0x83, 0xc4, 0x49, 0x18, 0x5c, 0x2c, 0x90, 0xec,
    0xbf, 0x8d, 0xf2, 0x89, 0xf7, 0xcf, 0x55, 0xd1, 0x05, 0x0d, 0xa8, 0xde, 0x13, 0x02, 0x00, 0x00,
    0x2e, 0x00, 0x2b, 0x00, 0x02, 0x03, 0x04, 0x00, 0x33, 0x00, 0x24, 0x00, 0x1d, 0x00, 0x20, 0xd4,
    0xe2, 0x1f, 0x44, 0x40, 0x8a, 0xdf, 0xbf, 0xd9, 0xd9, 0x67, 0x57, 0xd7, 0xc6, 0x99, 0x0d, 0x66,
    0xd4, 0x3b, 0x04, 0xbf, 0x7e, 0xff, 0xa3, 0xd1, 0xf2, 0x72, 0xf0, 0x41, 0x7c, 0x33, 0x1e};
} // namespace server_hello

TEST_CASE("serverHelloVersion: TLS 1.3 from supported_versions, 1.2 from the legacy field",
          "[tls]") {
  using namespace server_hello;
  CHECK(serverHelloVersion(kTls13) == 0x0304);
  CHECK(serverHelloVersion(kTls12) == 0x0303);
}

TEST_CASE("serverHelloVersion: every cut, a ClientHello and junk give 0", "[tls]") {
  using namespace server_hello;
  const std::span<const std::uint8_t> all(kTls13);
  for (std::size_t n = 0; n < all.size(); ++n)
    CHECK(serverHelloVersion(all.first(n)) == 0);
  std::vector<std::uint8_t> client(std::begin(kTls13), std::end(kTls13));
  client[5] = 1; // handshake type ClientHello
  CHECK(serverHelloVersion(client) == 0);
  const std::uint8_t http[] = {'H', 'T', 'T', 'P', '/', '1', '.', '1', ' ', '2', '0', '0'};
  CHECK(serverHelloVersion(http) == 0);
}
