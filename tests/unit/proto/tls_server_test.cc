#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include <vw/classify/proto/tls_server.h>

#include "alloc_counter.h"
#include "tls_fixtures.h"
#include "tls_server_fixtures.h"

using namespace vw::classify;
using Bytes = std::vector<std::uint8_t>;

namespace {

template <std::size_t N> std::span<const std::uint8_t> spanOf(const std::uint8_t (&a)[N]) {
  return {a, N};
}

Bytes bytesOf(std::string_view s) {
  return Bytes(s.begin(), s.end());
}

void putU16(Bytes& b, std::size_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}
void putU24(Bytes& b, std::size_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 16));
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}
Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts)
    out.insert(out.end(), p.begin(), p.end());
  return out;
}

// --- DER building -----------------------------------------------------------------------------

Bytes tlv(std::uint8_t tag, const Bytes& content) {
  Bytes out{tag};
  const std::size_t n = content.size();
  if (n < 0x80) {
    out.push_back(static_cast<std::uint8_t>(n));
  } else if (n < 0x100) {
    out.push_back(0x81);
    out.push_back(static_cast<std::uint8_t>(n));
  } else if (n < 0x10000) {
    out.push_back(0x82);
    putU16(out, n);
  } else {
    out.push_back(0x83);
    putU24(out, n);
  }
  out.insert(out.end(), content.begin(), content.end());
  return out;
}
Bytes seq(std::initializer_list<Bytes> parts) {
  return tlv(0x30, cat(parts));
}

const Bytes kOidCn = {0x55, 0x04, 0x03};
const Bytes kOidO = {0x55, 0x04, 0x0a};
const Bytes kOidOu = {0x55, 0x04, 0x0b};
const Bytes kOidC = {0x55, 0x04, 0x06};

struct Attr {
  Bytes oid;
  std::uint8_t tag;
  Bytes value;
};
Attr utf8(const Bytes& oid, std::string_view v) {
  return {oid, 0x0c, bytesOf(v)};
}
Attr printable(const Bytes& oid, std::string_view v) {
  return {oid, 0x13, bytesOf(v)};
}

/// A Name with one attribute per RDN.
Bytes name(const std::vector<Attr>& attrs) {
  Bytes rdns;
  for (const Attr& a : attrs) {
    const Bytes atv = seq({tlv(0x06, a.oid), tlv(a.tag, a.value)});
    const Bytes rdn = tlv(0x31, atv);
    rdns.insert(rdns.end(), rdn.begin(), rdn.end());
  }
  return tlv(0x30, rdns);
}

Bytes sanExtension(const std::vector<std::string>& dns) {
  Bytes names;
  for (const std::string& d : dns) {
    const Bytes gn = tlv(0x82, bytesOf(d));
    names.insert(names.end(), gn.begin(), gn.end());
  }
  return seq({tlv(0x06, {0x55, 0x1d, 0x11}), tlv(0x04, tlv(0x30, names))});
}

/// A v3 certificate; `extensions` are Extension SEQUENCEs (an empty list gives no [3]).
Bytes cert(const Bytes& issuer, const Bytes& subject, const std::vector<Bytes>& extensions = {}) {
  const Bytes alg = seq({tlv(0x06, {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02})});
  const Bytes validity =
      seq({tlv(0x17, bytesOf("240101000000Z")), tlv(0x17, bytesOf("340101000000Z"))});
  const Bytes spki = seq({seq({tlv(0x06, {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01})}),
                          tlv(0x03, {0x00, 0x04, 0x01, 0x02})});
  Bytes tbs = cat({tlv(0xa0, tlv(0x02, {0x02})), tlv(0x02, {0x01, 0x23}), alg, issuer, validity,
                   subject, spki});
  if (!extensions.empty()) {
    Bytes exts;
    for (const Bytes& e : extensions)
      exts.insert(exts.end(), e.begin(), e.end());
    const Bytes x = tlv(0xa3, tlv(0x30, exts));
    tbs.insert(tbs.end(), x.begin(), x.end());
  }
  return seq({tlv(0x30, tbs), alg, tlv(0x03, {0x00, 0x30, 0x00})});
}

// --- TLS building -----------------------------------------------------------------------------

Bytes handshake(std::uint8_t type, const Bytes& body) {
  Bytes out{type};
  putU24(out, body.size());
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

Bytes serverHello(std::uint16_t version, std::uint16_t cipher,
                  const std::vector<std::pair<std::uint16_t, Bytes>>& exts, bool with_ext_block,
                  std::uint8_t random_fill = 0x11) {
  Bytes b;
  putU16(b, version);
  b.insert(b.end(), 32, random_fill);
  b.push_back(0); // session id
  putU16(b, cipher);
  b.push_back(0); // compression
  if (with_ext_block) {
    Bytes e;
    for (const auto& [type, data] : exts) {
      putU16(e, type);
      putU16(e, data.size());
      e.insert(e.end(), data.begin(), data.end());
    }
    putU16(b, e.size());
    b.insert(b.end(), e.begin(), e.end());
  }
  return handshake(2, b);
}

Bytes certificateMsg(const std::vector<Bytes>& certs) {
  Bytes list;
  for (const Bytes& c : certs) {
    putU24(list, c.size());
    list.insert(list.end(), c.begin(), c.end());
  }
  Bytes body;
  putU24(body, list.size());
  body.insert(body.end(), list.begin(), list.end());
  return handshake(11, body);
}

/// Frames handshake bytes as records of at most `chunk` bytes.
Bytes records(const Bytes& hs, std::size_t chunk = 16384, std::uint8_t type = 22) {
  Bytes out;
  for (std::size_t pos = 0; pos < hs.size(); pos += chunk) {
    const std::size_t n = std::min(chunk, hs.size() - pos);
    out.push_back(type);
    out.push_back(3);
    out.push_back(3);
    putU16(out, n);
    out.insert(out.end(), hs.begin() + static_cast<std::ptrdiff_t>(pos),
               hs.begin() + static_cast<std::ptrdiff_t>(pos + n));
  }
  return out;
}

const Bytes kHelloDone = handshake(14, {});
const Bytes kCcs = {20, 3, 3, 0, 1, 1};

Bytes tls12Hello() {
  return serverHello(0x0303, 0xc02f, {{0xff01, {0x00}}}, true);
}

/// A flight of ServerHello, Certificate(certs), ServerHelloDone in one record.
Bytes tls12Flight(const std::vector<Bytes>& certs) {
  return records(cat({tls12Hello(), certificateMsg(certs), kHelloDone}));
}

TlsServerStatus parse(std::span<const std::uint8_t> b, TlsServerInfo& out) {
  return parseTlsServerFlight(b, out);
}

/// Extracts the handshake bytes of a record stream (for re-framing captured flights).
Bytes handshakeBytes(std::span<const std::uint8_t> stream) {
  Bytes out;
  std::size_t pos = 0;
  while (pos + 5 <= stream.size() && stream[pos] == 22) {
    const std::size_t len = (std::size_t{stream[pos + 3]} << 8) | stream[pos + 4];
    out.insert(out.end(), stream.begin() + static_cast<std::ptrdiff_t>(pos + 5),
               stream.begin() + static_cast<std::ptrdiff_t>(pos + 5 + len));
    pos += 5 + len;
  }
  return out;
}

} // namespace

TEST_CASE("Captured TLS 1.2 flights give OpenSSL's subject and issuer names", "[tls_server]") {
  TlsServerInfo t;
  SECTION("VMware ESX default certificate (self-signed, emailAddress, an OID attribute)") {
    REQUIRE(parse(spanOf(test::kEsxTls12), t) == TlsServerStatus::Ok);
    CHECK(t.has_server_hello);
    CHECK(t.version == 0x0303);
    CHECK(t.legacy_version == 0x0303);
    CHECK_FALSE(t.has_supported_versions);
    REQUIRE(t.has_certificate);
    CHECK(t.cert_count == 1);
    CHECK(t.leaf.version == 3);
    CHECK(t.leaf.subject.view() == test::kEsxTls12Subject0);
    CHECK(t.leaf.issuer.view() == test::kEsxTls12Issuer0);
    CHECK(t.leaf.subject.view().find("O=VMware\\, Inc, OU=VMware ESX Server Default Certificate") !=
          std::string_view::npos);
    CHECK_FALSE(t.has_next_issuer);
    CHECK_FALSE(t.flight_cut);
  }
  SECTION("FortiGate device certificate with its sub CA: the next issuer is the root") {
    REQUIRE(parse(spanOf(test::kFortiGateTls12), t) == TlsServerStatus::Ok);
    REQUIRE(t.has_certificate);
    CHECK(t.cert_count == 2);
    CHECK(t.leaf.subject.view() == test::kFortiGateTls12Subject0);
    CHECK(t.leaf.issuer.view() == test::kFortiGateTls12Issuer0);
    REQUIRE(t.has_next_issuer);
    CHECK(t.next_issuer.view() == test::kFortiGateTls12Issuer1);
    CHECK(t.next_issuer.view().find("CN=fortinet-ca2") != std::string_view::npos);
    CHECK(t.leaf.subject.view() == "C=US, ST=California, L=Sunnyvale, O=Fortinet, OU=FortiGate, "
                                   "CN=FG100E3G17000000, emailAddress=support@fortinet.com");
  }
  SECTION("UTF8String names keep their UTF-8; commas and backslashes are escaped") {
    REQUIRE(parse(spanOf(test::kUnicodeTls12), t) == TlsServerStatus::Ok);
    CHECK(t.leaf.subject.view() == test::kUnicodeTls12Subject0);
    CHECK(t.leaf.subject.view().find("OU=R\\,D\\\\Lab") != std::string_view::npos);
    CHECK(t.alpn.view() == "h2");
  }
  SECTION("Wildcard certificate with 40 DNS SANs: 32 stored, 40 counted") {
    REQUIRE(parse(spanOf(test::kWildcardTls12), t) == TlsServerStatus::Ok);
    CHECK(t.leaf.subject.view() == test::kWildcardTls12Subject0);
    CHECK(t.leaf.san_count == 40);
    REQUIRE(t.leaf.san_stored == kTlsMaxSans);
    CHECK(t.leaf.sans[0].view() == "*.example.com");
    CHECK(t.leaf.sans[1].view() == "host00.example.com");
    CHECK(t.leaf.sans[31].view() == "host30.example.com");
  }
  SECTION("Multi-valued RDN and attribute types written as OIDs") {
    REQUIRE(parse(spanOf(test::kMultiRdnTls12), t) == TlsServerStatus::Ok);
    CHECK(t.leaf.subject.view() == test::kMultiRdnTls12Subject0);
    CHECK(t.leaf.subject.view().find("1.3.6.1.4.1.55555.1=lab7") != std::string_view::npos);
  }
  SECTION("T61String and BMPString: printable ASCII kept, every other character '?'") {
    // OpenSSL (string_mask=default) wrote "Müller GmbH" as T61String and "Ω-device" as
    // BMPString; OpenSSL prints them as kBmpTls12Subject0 (UTF-8).
    REQUIRE(parse(spanOf(test::kBmpTls12), t) == TlsServerStatus::Ok);
    CHECK(std::string_view(test::kBmpTls12Subject0) ==
          "C=DE, O=M\xc3\xbcller GmbH, CN=\xce\xa9-device");
    CHECK(t.leaf.subject.view() == "C=DE, O=M?ller GmbH, CN=?-device");
    CHECK(t.leaf.issuer.view() == "C=DE, O=M?ller GmbH, CN=?-device");
  }
}

TEST_CASE("A captured TLS 1.3 flight is Ok at the ServerHello, without a certificate",
          "[tls_server]") {
  TlsServerInfo t;
  REQUIRE(parse(spanOf(test::kFortiGateTls13), t) == TlsServerStatus::Ok);
  CHECK(t.version == 0x0304);
  CHECK(t.legacy_version == 0x0303);
  CHECK(t.has_supported_versions);
  CHECK_FALSE(t.has_certificate);
  CHECK_FALSE(t.hello_retry);
  CHECK(t.records == 1);
  CHECK(t.ja4s.view().substr(0, 4) == "t130");
  CHECK(t.ja4s.size() == 25);
  // The ServerHello record alone is enough.
  const std::size_t hello_end =
      5 + ((std::size_t{test::kFortiGateTls13[3]} << 8) | test::kFortiGateTls13[4]);
  TlsServerInfo first;
  REQUIRE(parse(spanOf(test::kFortiGateTls13).first(hello_end), first) == TlsServerStatus::Ok);
  CHECK(first.ja4s.view() == t.ja4s.view());
}

TEST_CASE("Every prefix of a captured flight is NeedMore until the names are known, then Ok "
          "with the same names",
          "[tls_server]") {
  for (auto full :
       {spanOf(test::kEsxTls12), spanOf(test::kFortiGateTls12), spanOf(test::kUnicodeTls12),
        spanOf(test::kWildcardTls12), spanOf(test::kFortiGateTls13)}) {
    TlsServerInfo whole;
    REQUIRE(parse(full, whole) == TlsServerStatus::Ok);
    bool ok_seen = false;
    for (std::size_t n = 0; n <= full.size(); ++n) {
      INFO("prefix length " << n);
      TlsServerInfo t;
      const auto st = parse(full.first(n), t);
      if (!ok_seen && st == TlsServerStatus::NeedMore)
        continue;
      REQUIRE(st == TlsServerStatus::Ok);
      ok_seen = true;
      CHECK(t.leaf.subject.view() == whole.leaf.subject.view());
      CHECK(t.next_issuer.view() == whole.next_issuer.view());
      CHECK(t.ja4s.view() == whole.ja4s.view());
    }
    CHECK(ok_seen);
  }
}

TEST_CASE("A flight re-framed into small records gives the same result", "[tls_server]") {
  const Bytes hs = handshakeBytes(spanOf(test::kFortiGateTls12));
  TlsServerInfo whole;
  REQUIRE(parse(spanOf(test::kFortiGateTls12), whole) == TlsServerStatus::Ok);
  for (std::size_t chunk : {1, 7, 100, 1000}) {
    INFO("record size " << chunk);
    const Bytes stream = records(hs, chunk);
    TlsServerInfo t;
    const auto st = parse(stream, t);
    REQUIRE(st == TlsServerStatus::Ok);
    if (t.flight_cut) {
      // 1-byte records make the stream six times longer: the bound cuts the chain.
      CHECK(chunk == 1);
      CHECK(t.leaf.subject.view() == whole.leaf.subject.view());
      continue;
    }
    CHECK(t.leaf.subject.view() == whole.leaf.subject.view());
    CHECK(t.leaf.issuer.view() == whole.leaf.issuer.view());
    CHECK(t.next_issuer.view() == whole.next_issuer.view());
    CHECK(t.ja4s.view() == whole.ja4s.view());
  }
}

TEST_CASE("JA4S reproduces the FoxIO specification example", "[tls_server]") {
  // JA4S.md: extensions 0005,0017,ff01,0000, cipher c030, TLS 1.2, no ALPN
  // -> t120400_c030_4e8089b08790.
  const Bytes flight =
      records(cat({serverHello(0x0303, 0xc030,
                               {{0x0005, {}}, {0x0017, {}}, {0xff01, {0x00}}, {0x0000, {}}}, true),
                   kHelloDone}));
  TlsServerInfo t;
  REQUIRE(parse(flight, t) == TlsServerStatus::Ok);
  CHECK(t.ja4s.view() == "t120400_c030_4e8089b08790");
  CHECK(t.extension_count == 4);
  CHECK(t.cipher == 0xc030);
  CHECK_FALSE(t.has_certificate);
}

TEST_CASE("JA4S: ALPN characters, supported_versions and no extensions", "[tls_server]") {
  TlsServerInfo t;
  const Bytes alpn = {0x00, 0x03, 0x02, 'h', '2'};
  const Bytes v13 = {0x03, 0x04};
  REQUIRE(parse(records(serverHello(0x0303, 0x1301, {{0x002b, v13}, {0x0010, alpn}}, true)), t) ==
          TlsServerStatus::Ok);
  CHECK(t.ja4s.view().substr(0, 13) == "t1302h2_1301_");
  CHECK(t.alpn.view() == "h2");
  REQUIRE(parse(records(cat({serverHello(0x0301, 0x002f, {}, false), kHelloDone})), t) ==
          TlsServerStatus::Ok);
  CHECK(t.ja4s.view() == "t100000_002f_000000000000");
  CHECK(t.version == 0x0301);
}

TEST_CASE("A HelloRetryRequest is flagged and ends the parse", "[tls_server]") {
  Bytes hrr = serverHello(0x0303, 0x1301, {{0x002b, {0x03, 0x04}}}, true);
  const std::uint8_t random[32] = {0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c,
                                   0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb,
                                   0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};
  std::copy(std::begin(random), std::end(random), hrr.begin() + 6);
  TlsServerInfo t;
  REQUIRE(parse(records(hrr), t) == TlsServerStatus::Ok);
  CHECK(t.hello_retry);
  CHECK(t.version == 0x0304);
}

TEST_CASE("Flights without a Certificate message are Ok without names", "[tls_server]") {
  TlsServerInfo t;
  SECTION("resumed session: ServerHello then ChangeCipherSpec") {
    const Bytes s = cat({records(tls12Hello()), kCcs});
    REQUIRE(parse(s, t) == TlsServerStatus::Ok);
    CHECK_FALSE(t.has_certificate);
    // Without the CCS record the parser cannot know that nothing follows.
    CHECK(parse(records(tls12Hello()), t) == TlsServerStatus::NeedMore);
  }
  SECTION("anonymous suite: ServerHello then ServerKeyExchange") {
    REQUIRE(parse(records(cat({tls12Hello(), handshake(12, {1, 2, 3})})), t) ==
            TlsServerStatus::Ok);
    CHECK_FALSE(t.has_certificate);
  }
  SECTION("a HelloRequest before the ServerHello is skipped") {
    REQUIRE(parse(records(cat({handshake(0, {}), tls12Hello(), kHelloDone})), t) ==
            TlsServerStatus::Ok);
    CHECK(t.cipher == 0xc02f);
  }
}

TEST_CASE("Synthetic certificates: names, SANs and the next issuer", "[tls_server]") {
  const Bytes ca =
      name({printable(kOidC, "US"), utf8(kOidO, "Fortinet"), utf8(kOidCn, "FortiGate CA")});
  const Bytes dev = name({printable(kOidC, "US"), utf8(kOidO, "Fortinet"),
                          utf8(kOidOu, "FortiGate"), utf8(kOidCn, "FG100E")});
  const Bytes root = name({utf8(kOidCn, "Root")});
  const Bytes leaf = cert(ca, dev, {sanExtension({"fg100e.local", "*.fortinet.example"})});
  const Bytes inter = cert(root, ca);
  TlsServerInfo t;
  REQUIRE(parse(tls12Flight({leaf, inter}), t) == TlsServerStatus::Ok);
  CHECK(t.leaf.subject.view() == "C=US, O=Fortinet, OU=FortiGate, CN=FG100E");
  CHECK(t.leaf.issuer.view() == "C=US, O=Fortinet, CN=FortiGate CA");
  CHECK(t.next_issuer.view() == "CN=Root");
  CHECK(t.leaf.san_count == 2);
  CHECK(t.leaf.sans[1].view() == "*.fortinet.example");
  CHECK_FALSE(t.leaf.bad_extensions);
}

TEST_CASE("The next issuer is read from a second certificate cut by the flight bound",
          "[tls_server]") {
  const Bytes ca = name({utf8(kOidCn, "Sub CA")});
  const Bytes leaf = cert(ca, name({utf8(kOidCn, "device")}));
  std::vector<std::string> many;
  for (int i = 0; i < 2000; ++i)
    many.push_back("name" + std::to_string(i) + ".example");
  const Bytes big_inter = cert(name({utf8(kOidCn, "Root CA")}), ca, {sanExtension(many)});
  REQUIRE(big_inter.size() > kTlsMaxServerFlight);
  const Bytes flight = tls12Flight({leaf, big_inter});
  TlsServerInfo t;
  // Well before the bound: the issuer of the second certificate is complete.
  REQUIRE(parse(std::span(flight).first(2000), t) == TlsServerStatus::Ok);
  CHECK(t.has_next_issuer);
  CHECK(t.next_issuer.view() == "CN=Root CA");
  CHECK(t.cert_count == 2);
}

TEST_CASE("A leaf longer than the flight bound ends Ok with flight_cut", "[tls_server]") {
  std::vector<std::string> many;
  for (int i = 0; i < 2000; ++i)
    many.push_back("name" + std::to_string(i) + ".example");
  const Bytes leaf =
      cert(name({utf8(kOidCn, "CA")}), name({utf8(kOidCn, "huge")}), {sanExtension(many)});
  const Bytes flight = tls12Flight({leaf});
  TlsServerInfo t;
  CHECK(parse(std::span(flight).first(kTlsMaxServerFlight - 1), t) == TlsServerStatus::NeedMore);
  REQUIRE(parse(flight, t) == TlsServerStatus::Ok);
  CHECK(t.flight_cut);
  CHECK(t.has_server_hello);
  CHECK_FALSE(t.has_certificate);
  CHECK(t.bytes_used == kTlsMaxServerFlight);
}

TEST_CASE("Warning alerts before the ServerHello are skipped, a fatal one is NotTls",
          "[tls_server]") {
  // http_ipv6.pcap of the nDPI corpus: alert(warning, unrecognized_name), then the flight.
  const Bytes warning = {21, 3, 3, 0, 2, 1, 112};
  const Bytes leaf = cert(name({utf8(kOidCn, "ca")}), name({utf8(kOidCn, "www.example")}));
  TlsServerInfo t;
  REQUIRE(parse(cat({warning, tls12Flight({leaf})}), t) == TlsServerStatus::Ok);
  CHECK(t.warning_alerts == 1);
  CHECK(t.leaf.subject.view() == "CN=www.example");
  CHECK(parse(warning, t) == TlsServerStatus::NeedMore);
  CHECK(parse(Bytes{21, 3, 3, 0, 2, 2, 40}, t) == TlsServerStatus::NotTls); // fatal
  CHECK(parse(Bytes{21, 3, 3, 0, 3, 1, 112, 0}, t) == TlsServerStatus::NotTls);
}

TEST_CASE("Streams that are not a server flight are NotTls", "[tls_server]") {
  TlsServerInfo t;
  CHECK(parse(bytesOf("HTTP/1.1 200 OK\r\n\r\n"), t) == TlsServerStatus::NotTls);
  CHECK(parse(bytesOf("SSH-2.0-OpenSSH_9.2\r\n"), t) == TlsServerStatus::NotTls);
  CHECK(parse(spanOf(test::kChromeIitCnr), t) == TlsServerStatus::NotTls); // a ClientHello
  CHECK(parse(Bytes{23, 3, 3, 0, 2, 0, 0}, t) == TlsServerStatus::NotTls); // application data
  CHECK(parse(Bytes{22, 2, 0}, t) == TlsServerStatus::NotTls);
  CHECK(parse(Bytes{22, 3, 9}, t) == TlsServerStatus::NotTls);
  CHECK(parse(Bytes{22, 3, 3, 0, 0}, t) == TlsServerStatus::NotTls); // empty record
  CHECK(parse(Bytes{}, t) == TlsServerStatus::NeedMore);
  CHECK(parse(Bytes{22, 3}, t) == TlsServerStatus::NeedMore);
}

TEST_CASE("Inconsistent flights are Malformed", "[tls_server]") {
  TlsServerInfo t;
  SECTION("session id longer than 32") {
    Bytes h = tls12Hello();
    h[4 + 2 + 32] = 33;
    CHECK(parse(records(h), t) == TlsServerStatus::Malformed);
  }
  SECTION("extension block longer than the ServerHello") {
    Bytes h = tls12Hello();
    h[h.size() - 6] = 0x10;
    CHECK(parse(records(h), t) == TlsServerStatus::Malformed);
  }
  SECTION("a broken second record header") {
    Bytes s = cat({records(tls12Hello()), Bytes{22, 2, 0, 0, 1, 0}});
    CHECK(parse(s, t) == TlsServerStatus::Malformed);
  }
  SECTION("ServerHello cut by a ChangeCipherSpec record") {
    const Bytes h = tls12Hello();
    const Bytes s = cat({records(Bytes(h.begin(), h.begin() + 20)), kCcs});
    CHECK(parse(s, t) == TlsServerStatus::Malformed);
  }
  SECTION("certificate list length disagreeing with the message length") {
    Bytes m = certificateMsg({cert(name({utf8(kOidCn, "a")}), name({utf8(kOidCn, "b")}))});
    m[6] ^= 1;
    CHECK(parse(records(cat({tls12Hello(), m, kHelloDone})), t) == TlsServerStatus::Malformed);
    CHECK(t.has_server_hello);
    CHECK(t.cipher == 0xc02f);
  }
}

TEST_CASE("Broken leaf DER is Malformed: lengths, indefinite form, tags, OIDs", "[tls_server]") {
  const Bytes good = cert(name({utf8(kOidCn, "ca")}), name({utf8(kOidCn, "leaf")}));
  X509Names n;
  REQUIRE(parseX509Names(good, n));
  CHECK(n.subject.view() == "CN=leaf");

  auto malformedFlight = [](const Bytes& leaf) {
    TlsServerInfo t;
    const auto st = parse(tls12Flight({leaf}), t);
    return st == TlsServerStatus::Malformed && t.has_server_hello && !t.has_certificate;
  };
  SECTION("outer length beyond the data") {
    Bytes b = good;
    b[1] = 0x84; // 4 length bytes follow: claims far more than there is
    CHECK_FALSE(parseX509Names(b, n));
    CHECK(malformedFlight(b));
  }
  SECTION("indefinite length") {
    Bytes b = good;
    b[1] = 0x80;
    CHECK_FALSE(parseX509Names(b, n));
    CHECK(malformedFlight(b));
  }
  SECTION("five length bytes") {
    Bytes b = {0x30, 0x85, 0, 0, 0, 0, 5};
    CHECK_FALSE(parseX509Names(b, n));
  }
  SECTION("high tag number form") {
    Bytes b = good;
    b[0] = 0x3f;
    CHECK_FALSE(parseX509Names(b, n));
  }
  SECTION("a Name that is not a SEQUENCE") {
    const Bytes bad_issuer = tlv(0x31, {});
    CHECK(malformedFlight(cert(bad_issuer, name({utf8(kOidCn, "leaf")}))));
  }
  SECTION("an attribute whose OID ends inside a sub-identifier") {
    CHECK(malformedFlight(
        cert(name({{Bytes{0x55, 0x84}, 0x0c, bytesOf("x")}}), name({utf8(kOidCn, "leaf")}))));
  }
  SECTION("an empty RDN set") {
    CHECK(malformedFlight(cert(tlv(0x30, tlv(0x31, {})), name({utf8(kOidCn, "leaf")}))));
  }
  SECTION("deep nesting is never descended into: an odd value is written as hex") {
    Bytes deep = tlv(0x30, {});
    for (int i = 0; i < 200; ++i)
      deep = tlv(0x30, deep);
    REQUIRE(parseX509Names(cert(name({{kOidCn, 0x30, deep}}), name({utf8(kOidCn, "x")})), n));
    CHECK(n.issuer.view().substr(0, 6) == "CN=#30");
  }
  SECTION("a broken extension list keeps the names") {
    Bytes ext = sanExtension({"a.example"});
    ext[ext.size() - 10] = 0x7f; // the dNSName's length: beyond the SAN list
    REQUIRE(parseX509Names(cert(name({utf8(kOidCn, "ca")}), name({utf8(kOidCn, "x")}), {ext}), n));
    CHECK(n.subject.view() == "CN=x");
    CHECK(n.bad_extensions);
  }
}

TEST_CASE("A broken second certificate only sets next_malformed", "[tls_server]") {
  const Bytes leaf = cert(name({utf8(kOidCn, "ca")}), name({utf8(kOidCn, "leaf")}));
  Bytes second = cert(name({utf8(kOidCn, "root")}), name({utf8(kOidCn, "ca")}));
  second[1] = 0x80;
  TlsServerInfo t;
  REQUIRE(parse(tls12Flight({leaf, second}), t) == TlsServerStatus::Ok);
  CHECK(t.has_certificate);
  CHECK(t.next_malformed);
  CHECK_FALSE(t.has_next_issuer);
}

TEST_CASE("Attribute names, OIDs, string types and escapes", "[tls_server]") {
  const Bytes email = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01};
  const Bytes serial = {0x55, 0x04, 0x05};
  const Bytes st = {0x55, 0x04, 0x08};
  const Bytes l = {0x55, 0x04, 0x07};
  const Bytes big_arc = {0x2b, 0x06, 0x01, 0x04, 0x01,
                         0x83, 0xb2, 0x53, 0x01}; // 1.3.6.1.4.1.55635.1
  const Bytes two_arc = {0x88, 0x37, 0x03};       // 2.999.3
  X509Names n;
  const Bytes subject = name({
      {kOidC, 0x13, bytesOf("US")},
      {st, 0x14, Bytes{'C', 'a', 0xe9}},                      // T61String with a Latin-1 byte
      {l, 0x16, bytesOf("a,b\\c")},                           // IA5String
      {kOidO, 0x1e, Bytes{0x00, 'V', 0x00, 'M', 0x04, 0x10}}, // BMPString: "VM" + Cyrillic
      {kOidOu, 0x1c, Bytes{0, 0, 0, 'X', 0, 1, 0xf6, 0x00}},  // UniversalString: X + emoji
      {kOidCn, 0x0c, Bytes{'n', 0x0a, 0xc3, 0xa9}},           // UTF8String: newline, é
      {email, 0x16, bytesOf("a@b.example")},
      {serial, 0x13, bytesOf("FGT60E")},
      {big_arc, 0x0c, bytesOf("x")},
      {two_arc, 0x02, Bytes{0x05}}, // INTEGER: hex
  });
  REQUIRE(parseX509Names(cert(name({}), subject), n));
  CHECK(n.issuer.view().empty());
  CHECK(n.subject.view() == "C=US, ST=Ca?, L=a\\,b\\\\c, O=VM?, OU=X?, CN=n?\xc3\xa9, "
                            "emailAddress=a@b.example, serialNumber=FGT60E, "
                            "1.3.6.1.4.1.55635.1=x, 2.999.3=#020105");
}

TEST_CASE("Long names are truncated at the DN capacity", "[tls_server]") {
  const std::string long_value(3000, 'a');
  X509Names n;
  REQUIRE(parseX509Names(cert(name({utf8(kOidCn, long_value)}), name({utf8(kOidCn, "x")})), n));
  CHECK(n.issuer.size() == DnText::capacity());
  CHECK(n.issuer.truncated());
}

TEST_CASE("Random and bit-flipped flights keep the output within its bounds", "[tls_server]") {
  std::mt19937 rng(1604);
  TlsServerInfo t;
  for (auto full : {spanOf(test::kFortiGateTls12), spanOf(test::kWildcardTls12)}) {
    for (int i = 0; i < 3000; ++i) {
      Bytes b(full.begin(), full.end());
      const int flips = 1 + static_cast<int>(rng() % 6);
      for (int f = 0; f < flips; ++f)
        b[rng() % b.size()] = static_cast<std::uint8_t>(rng());
      const auto st = parse(b, t);
      REQUIRE(t.leaf.san_stored <= kTlsMaxSans);
      REQUIRE(t.bytes_used <= b.size());
      if (st == TlsServerStatus::Ok && t.has_server_hello)
        REQUIRE(t.ja4s.size() == 25);
    }
  }
}

TEST_CASE("Parsing a server flight does not allocate", "[tls_server][alloc]") {
  REQUIRE(test::opensslHooksInstalled());
  TlsServerInfo t;
  test::ScopedAllocCount allocs;
  const auto st1 = parseTlsServerFlight(spanOf(test::kFortiGateTls12), t);
  const auto st2 = parseTlsServerFlight(spanOf(test::kWildcardTls12), t);
  const auto st3 = parseTlsServerFlight(spanOf(test::kFortiGateTls13), t);
  CHECK(allocs.count() == 0);
  CHECK(st1 == TlsServerStatus::Ok);
  CHECK(st2 == TlsServerStatus::Ok);
  CHECK(st3 == TlsServerStatus::Ok);
}
