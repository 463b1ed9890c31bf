// Issue 12 (precision): web presence makes no event by default, de-duplication never hides a
// stronger verdict, DNS responses count only with their question, port evidence never decides.
#include <catch2/catch.hpp>

#include <vw/classify/attribution.h>
#include <vw/classify/classifier.h>
#include <vw/signatures/loader.h>

#include "fakes/fake_dpi_engine.h"
#include "fakes/fixtures.h"

using namespace vw;
using namespace vw::classify;

namespace {

const char* kSet = R"([set]
version = "test"
date = 2026-01-01
)";

const char* kCrowdstrike = R"([vendor]
id = "crowdstrike"
name = "CrowdStrike"
country = "US"
parent = "CrowdStrike Holdings, Inc."
status = "banned"

[[product]]
id = "falcon-sensor"
name = "Falcon sensor"
role = "edr-telemetry"

[[product]]
id = "corporate-web"
name = "Web site"
role = "corporate-web"

[[indicator]]
product = "falcon-sensor"
kind = "domain"
match = "suffix"
value = "cloudsink.net"
confidence = "high"
source = "https://example.com/cs"
source_date = 2026-01-01

[[indicator]]
product = "falcon-sensor"
kind = "cidr"
value = "198.51.100.0/24"
confidence = "medium"
source = "https://example.com/cs"
source_date = 2026-01-01

[[indicator]]
product = "corporate-web"
kind = "domain"
match = "suffix"
value = "crowdstrike.com"
confidence = "high"
source = "https://example.com/cs"
source_date = 2026-01-01
)";

// Two vendors with the same address block and a port indicator for the one whose id sorts last:
// the port must not break the tie.
const char* kZeta = R"([vendor]
id = "zeta"
name = "Zeta"
country = "US"
parent = "Zeta"
status = "banned"

[[product]]
id = "zeta-agent"
name = "Zeta agent"
role = "edr-telemetry"

[[indicator]]
product = "zeta-agent"
kind = "cidr"
value = "192.0.2.0/24"
confidence = "medium"
source = "https://example.com/z"
source_date = 2026-01-01

[[indicator]]
product = "zeta-agent"
kind = "port"
proto = "tcp"
value = 4443
confidence = "high"
source = "https://example.com/z"
source_date = 2026-01-01
)";

const char* kAlpha = R"([vendor]
id = "alpha"
name = "Alpha"
country = "US"
parent = "Alpha"
status = "banned"

[[product]]
id = "alpha-agent"
name = "Alpha agent"
role = "edr-telemetry"

[[indicator]]
product = "alpha-agent"
kind = "cidr"
value = "192.0.2.0/25"
confidence = "medium"
source = "https://example.com/a"
source_date = 2026-01-01
)";

std::shared_ptr<const signatures::Matcher> matcher() {
  signatures::LoadOptions lo;
  lo.requireAllVendors = false;
  auto res = signatures::loadSignatureTexts({{"_set.toml", kSet, ""},
                                             {"crowdstrike.toml", kCrowdstrike, ""},
                                             {"zeta.toml", kZeta, ""},
                                             {"alpha.toml", kAlpha, ""}},
                                            lo);
  if (!res.ok()) {
    for (const auto& e : res.errors)
      FAIL(e.toString());
  }
  return std::make_shared<const signatures::Matcher>(res.set);
}

struct Alert {
  IpAddr host;
  std::string vendor, product;
  Confidence confidence;
  Usage usage;
};

struct Capture final : RecordSink {
  std::vector<Alert> alerts;
  std::vector<DnsTxnFact> dns;
  void flowEnded(const FlowRecord&) override {}
  void vendorAlert(const VendorAlert& a) override {
    alerts.push_back({a.host, a.vendor->id, a.product->id, a.confidence, a.usage});
  }
  void dnsTransaction(const FlowRecord&, const DnsTxnFact& t) override { dns.push_back(t); }
  void httpRequest(const FlowRecord&, const HttpFacts&) override {}
};

using test::ip;

DecodedPacket pkt(const char* src, std::uint16_t sport, const char* dst, std::uint16_t dport,
                  std::uint8_t proto, TimeUs ts, std::uint8_t flags = 0,
                  std::span<const std::uint8_t> payload = {}) {
  DecodedPacket p;
  p.src = ip(src);
  p.dst = ip(dst);
  p.sport = sport;
  p.dport = dport;
  p.l4_proto = proto;
  p.ts = ts;
  p.tcp_flags = flags;
  p.ip_version = 4;
  p.payload = payload;
  p.ip_len = static_cast<std::uint32_t>(40 + payload.size());
  return p;
}

using test::putDnsName;

std::vector<std::uint8_t> query(const std::string& name, std::uint16_t id) {
  std::vector<std::uint8_t> m = {static_cast<std::uint8_t>(id >> 8),
                                 static_cast<std::uint8_t>(id),
                                 0x01,
                                 0x00,
                                 0,
                                 1,
                                 0,
                                 0,
                                 0,
                                 0,
                                 0,
                                 0};
  putDnsName(m, name);
  m.insert(m.end(), {0, 1, 0, 1});
  return m;
}

std::vector<std::uint8_t> response(const std::string& name, std::uint16_t id,
                                   std::array<std::uint8_t, 4> a, std::uint32_t ttl) {
  std::vector<std::uint8_t> m = {static_cast<std::uint8_t>(id >> 8),
                                 static_cast<std::uint8_t>(id),
                                 0x81,
                                 0x80,
                                 0,
                                 1,
                                 0,
                                 1,
                                 0,
                                 0,
                                 0,
                                 0};
  putDnsName(m, name);
  m.insert(m.end(), {0, 1, 0, 1, 0xc0, 0x0c, 0, 1, 0, 1});
  m.insert(m.end(), {static_cast<std::uint8_t>(ttl >> 24), static_cast<std::uint8_t>(ttl >> 16),
                     static_cast<std::uint8_t>(ttl >> 8), static_cast<std::uint8_t>(ttl)});
  m.insert(m.end(), {0, 4, a[0], a[1], a[2], a[3]});
  return m;
}

std::vector<std::uint8_t> httpGet(const std::string& host) {
  const std::string s = "GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n";
  return {s.begin(), s.end()};
}

constexpr std::uint8_t kSyn = tcpflag::kSyn;
constexpr std::uint8_t kAck = tcpflag::kAck;
constexpr std::array<std::uint8_t, 4> kNeutral = {203, 0, 113, 23};

/// An SNI-less connection from `host` to 203.0.113.23 at `ts` (attributable only by the cache).
void connectNeutral(Classifier& c, const char* host, std::uint16_t port, TimeUs ts) {
  const std::uint8_t junk[] = {0x00, 0x01, 0x02, 0x03, 0x04};
  c.onPacket(pkt(host, port, "203.0.113.23", 443, 6, ts, kSyn));
  c.onPacket(pkt(host, port, "203.0.113.23", 443, 6, ts + 10, kAck, junk));
}

ClassifierConfig config() {
  ClassifierConfig cfg;
  cfg.hash_key = HashKey::fixed(7, 8);
  return cfg;
}

} // namespace

TEST_CASE("precision: web presence makes no vendor event by default, counted under web",
          "[classify][precision]") {
  test::FakeDpiEngine eng;
  eng.done_after = 1;
  Capture cap;
  Classifier c(config(), eng, matcher(), cap);
  const auto get = httpGet("www.crowdstrike.com");
  c.onPacket(pkt("10.0.0.5", 50000, "203.0.113.200", 80, 6, 1'000'000, kSyn));
  c.onPacket(pkt("10.0.0.5", 50000, "203.0.113.200", 80, 6, 1'000'100, kAck, get));
  c.endAll(EndReason::EndOfInput);
  CHECK(cap.alerts.empty());
  CHECK(c.stats().web_verdicts == 1);
  CHECK(c.ledger().coverage().web_verdicts == 1); // summary coverage (issue 12)
  CHECK(c.ledger().entries().empty());            // not a user of CrowdStrike
  REQUIRE(c.ledger().web().size() == 1);
  const auto& w = c.ledger().web().begin()->second;
  CHECK(w.vendor_id == "crowdstrike");
  CHECK(w.flows == 1);
  CHECK(w.bytes_to_vendor == 40 + 40 + get.size());
}

TEST_CASE("precision: --alert-web turns web presence into events, the product still follows",
          "[classify][precision]") {
  test::FakeDpiEngine eng;
  eng.done_after = 1;
  Capture cap;
  ClassifierConfig cfg = config();
  cfg.alert_web = true;
  Classifier c(cfg, eng, matcher(), cap);
  const auto web = httpGet("www.crowdstrike.com");
  c.onPacket(pkt("10.0.0.5", 50000, "203.0.113.200", 80, 6, 1'000'000, kSyn));
  c.onPacket(pkt("10.0.0.5", 50000, "203.0.113.200", 80, 6, 1'000'100, kAck, web));
  // A minute later the sensor: a new role (product usage) within the dedup window.
  const auto sensor = httpGet("ts01-b.cloudsink.net");
  c.onPacket(pkt("10.0.0.5", 50001, "203.0.113.201", 80, 6, 61'000'000, kSyn));
  c.onPacket(pkt("10.0.0.5", 50001, "203.0.113.201", 80, 6, 61'000'100, kAck, sensor));
  c.endAll(EndReason::EndOfInput);
  REQUIRE(cap.alerts.size() == 2);
  CHECK(cap.alerts[0].usage == Usage::Web);
  CHECK(cap.alerts[0].confidence == Confidence::Low);
  CHECK(cap.alerts[1].usage == Usage::Product);
  CHECK(cap.alerts[1].product == "falcon-sensor");
  CHECK(cap.alerts[1].confidence == Confidence::High);
}

TEST_CASE("precision: the sensor after a marketing visit gets its high event (default settings)",
          "[classify][precision]") {
  test::FakeDpiEngine eng;
  eng.done_after = 1;
  Capture cap;
  Classifier c(config(), eng, matcher(), cap);
  const auto web = httpGet("www.crowdstrike.com");
  c.onPacket(pkt("10.0.0.5", 50000, "203.0.113.200", 80, 6, 1'000'000, kSyn));
  c.onPacket(pkt("10.0.0.5", 50000, "203.0.113.200", 80, 6, 1'000'100, kAck, web));
  const auto sensor = httpGet("ts01-b.cloudsink.net");
  c.onPacket(pkt("10.0.0.5", 50001, "198.51.100.7", 80, 6, 61'000'000, kSyn));
  c.onPacket(pkt("10.0.0.5", 50001, "198.51.100.7", 80, 6, 61'000'100, kAck, sensor));
  c.endAll(EndReason::EndOfInput);
  REQUIRE(cap.alerts.size() == 1);
  CHECK(cap.alerts[0].usage == Usage::Product);
  CHECK(cap.alerts[0].confidence == Confidence::High); // http.host + ip
  REQUIRE(c.ledger().entries().size() == 1);
  const auto& e = c.ledger().entries().begin()->second;
  CHECK(e.best.product == "falcon-sensor");
  CHECK(e.best.confidence == Confidence::High);
  CHECK(e.flows == 1); // the web visit is not usage
  CHECK(c.ledger().web().size() == 1);
}

TEST_CASE("precision: within a flow a product item outranks the vendor's web items",
          "[classify][precision]") {
  const auto m = matcher();
  const Attributor attr(*m);
  std::vector<EvidenceItem> ev;
  attr.addName(Field::HttpHost, "www.crowdstrike.com", ev);
  attr.addIp(Field::Ip, ip("198.51.100.9"), ev);
  const Verdict v = attr.decide(ev);
  REQUIRE(v);
  CHECK(v.usage == Usage::Product);
  CHECK(std::string(v.product->id) == "falcon-sensor");
  CHECK(v.confidence == Confidence::Medium); // the web item does not raise it
}

TEST_CASE("precision: port evidence never breaks a tie nor raises a confidence",
          "[classify][precision]") {
  const auto m = matcher();
  const Attributor attr(*m);
  std::vector<EvidenceItem> ev;
  attr.addIp(Field::Ip, ip("192.0.2.10"), ev); // both alpha (/25) and zeta (/24)?
  attr.addPort(6, 4443, ev);                   // zeta's port, confidence high in the file
  // Whatever the address match gave, the port adds nothing: same verdict without it.
  std::vector<EvidenceItem> no_port;
  for (const auto& e : ev)
    if (e.field != Field::Port)
      no_port.push_back(e);
  const Verdict a = attr.decide(ev), b = attr.decide(no_port);
  REQUIRE(a);
  CHECK(a.vendor == b.vendor);
  CHECK(a.confidence == b.confidence);
  CHECK(a.confidence == Confidence::Medium);

  // A real tie between two vendors (one address item each): the smaller vendor id wins, also
  // when the other vendor has a matching port.
  const auto& set = m->set();
  const signatures::Indicator* alpha_ip = nullptr;
  const signatures::Indicator* zeta_ip = nullptr;
  for (const auto& ind : set.indicators()) {
    const std::string_view vid = set.vendors()[ind.vendor].id;
    if (ind.raw == "192.0.2.0/25" && vid == "alpha")
      alpha_ip = &ind;
    if (ind.raw == "192.0.2.0/24" && vid == "zeta")
      zeta_ip = &ind;
  }
  REQUIRE(alpha_ip != nullptr);
  REQUIRE(zeta_ip != nullptr);
  std::vector<EvidenceItem> tie;
  attr.addMatch(Field::Ip, "192.0.2.10", signatures::Match{alpha_ip}, tie);
  attr.addMatch(Field::DnsAnswer, "192.0.2.10", signatures::Match{zeta_ip}, tie);
  attr.addPort(6, 4443, tie);
  const Verdict t = attr.decide(tie);
  REQUIRE(t);
  CHECK(std::string(t.vendor->id) == "alpha");
  CHECK(t.confidence == Confidence::Medium);

  // Port alone: no verdict.
  std::vector<EvidenceItem> port_only;
  attr.addPort(6, 4443, port_only);
  REQUIRE(port_only.size() == 1);
  CHECK_FALSE(attr.decide(port_only));
}

TEST_CASE("precision: an unsolicited DNS response teaches nothing and is counted",
          "[classify][precision][dns]") {
  test::FakeDpiEngine eng;
  eng.done_after = 1;
  Capture cap;
  ClassifierConfig cfg = config();
  cfg.log_dns = true;
  Classifier c(cfg, eng, matcher(), cap);
  c.onPacket(pkt("10.0.0.53", 53, "10.0.0.31", 40000, 17, 1'000'000, 0,
                 response("ts01-b.cloudsink.net", 7, kNeutral, 300)));
  connectNeutral(c, "10.0.0.31", 50000, 2'000'000);
  c.endAll(EndReason::EndOfInput);
  CHECK(cap.alerts.empty());
  CHECK(c.dnsCache().size() == 0);
  CHECK(c.ledger().entries().empty());
  CHECK(c.ledger().coverage().dns_unsolicited == 1);
  CHECK(c.stats().dns_unsolicited == 1);
  REQUIRE(cap.dns.size() == 1);
  CHECK(cap.dns[0].unsolicited);
  CHECK(cap.dns[0].query == "ts01-b.cloudsink.net");
}

TEST_CASE("precision: a response with the wrong id, question, direction or too late is unsolicited",
          "[classify][precision][dns]") {
  struct Case {
    const char* what;
    std::uint16_t id;
    const char* name;
    bool reverse; ///< the "response" travels in the query's direction
    TimeUs delay;
  };
  const Case cases[] = {
      {"wrong id", 0x2222, "intranet.example.com", false, 100'000},
      {"wrong question", 0x1111, "ts01-b.cloudsink.net", false, 100'000},
      {"same direction as the query", 0x1111, "intranet.example.com", true, 100'000},
      {"after the pairing window", 0x1111, "intranet.example.com", false, 6'000'000},
  };
  for (const auto& k : cases) {
    DYNAMIC_SECTION(k.what) {
      test::FakeDpiEngine eng;
      eng.done_after = 1;
      Capture cap;
      Classifier c(config(), eng, matcher(), cap);
      c.onPacket(pkt("10.0.0.32", 40000, "10.0.0.54", 53, 17, 1'000'000, 0,
                     query("intranet.example.com", 0x1111)));
      const auto r = response(k.name, k.id, {198, 51, 100, 24}, 300);
      if (k.reverse)
        c.onPacket(pkt("10.0.0.32", 40000, "10.0.0.54", 53, 17, 1'000'000 + k.delay, 0, r));
      else
        c.onPacket(pkt("10.0.0.54", 53, "10.0.0.32", 40000, 17, 1'000'000 + k.delay, 0, r));
      connectNeutral(c, "10.0.0.32", 50000, 8'000'000);
      c.endAll(EndReason::EndOfInput);
      CHECK(cap.alerts.empty());
      CHECK(c.dnsCache().size() == 0);
      CHECK(c.ledger().entries().empty());
      CHECK(c.ledger().coverage().dns_unsolicited == 1);
    }
  }
}

TEST_CASE("precision: a response from another resolver (another flow) is unsolicited",
          "[classify][precision][dns]") {
  test::FakeDpiEngine eng;
  eng.done_after = 1;
  Capture cap;
  Classifier c(config(), eng, matcher(), cap);
  c.onPacket(pkt("10.0.0.34", 40000, "10.0.0.54", 53, 17, 1'000'000, 0,
                 query("wpad.example.com", 0x3333)));
  c.onPacket(pkt("10.0.0.53", 53, "10.0.0.34", 40000, 17, 1'010'000, 0,
                 response("wpad.example.com", 0x3333, {198, 51, 100, 26}, 300)));
  c.endAll(EndReason::EndOfInput);
  CHECK(c.dnsCache().size() == 0);
  CHECK(c.ledger().coverage().dns_unsolicited == 1);
}

TEST_CASE("precision: a paired answer with TTL 0 serves the next flow for --dns-min-ttl",
          "[classify][precision][dns]") {
  for (const std::uint32_t floor : {60u, 0u}) {
    DYNAMIC_SECTION("floor " << floor) {
      test::FakeDpiEngine eng;
      eng.done_after = 1;
      Capture cap;
      ClassifierConfig cfg = config();
      cfg.dns_min_ttl = floor;
      Classifier c(cfg, eng, matcher(), cap);
      c.onPacket(pkt("10.0.0.41", 40000, "10.0.0.53", 53, 17, 1'000'000, 0,
                     query("ts01-b.cloudsink.net", 0x4444)));
      c.onPacket(pkt("10.0.0.53", 53, "10.0.0.41", 40000, 17, 1'010'000, 0,
                     response("ts01-b.cloudsink.net", 0x4444, kNeutral, 0)));
      CHECK(c.ledger().coverage().dns_unsolicited == 0);
      CHECK(c.dnsCache().size() == 1);
      connectNeutral(c, "10.0.0.41", 50000, 4'500'000); // 3.5 s later
      c.endAll(EndReason::EndOfInput);
      REQUIRE(c.ledger().entries().size() == 1);
      const auto& e = c.ledger().entries().begin()->second;
      CHECK(e.dns_lookups == 1);
      CHECK(e.flows == (floor == 60 ? 1u : 0u));
    }
  }
}

TEST_CASE("precision: open DNS queries are bounded per flow, evictions counted and logged",
          "[classify][precision][dns]") {
  test::FakeDpiEngine eng;
  eng.done_after = 1;
  Capture cap;
  ClassifierConfig cfg = config();
  cfg.log_dns = true;
  Classifier c(cfg, eng, matcher(), cap);
  for (int i = 0; i < 20; ++i)
    c.onPacket(pkt("10.0.0.7", 40000, "10.0.0.53", 53, 17, 1'000'000 + i, 0,
                   query("q" + std::to_string(i) + ".example.com", static_cast<std::uint16_t>(i))));
  CHECK(c.ledger().coverage().dns_pending_evicted == 12); // summary coverage
  CHECK(c.stats().dns_pending_evicted == 12);
  // The answer to an evicted query is unsolicited; the answer to an open one pairs.
  c.onPacket(pkt("10.0.0.53", 53, "10.0.0.7", 40000, 17, 1'100'000, 0,
                 response("q0.example.com", 0, kNeutral, 300)));
  c.onPacket(pkt("10.0.0.53", 53, "10.0.0.7", 40000, 17, 1'100'001, 0,
                 response("q19.example.com", 19, kNeutral, 300)));
  c.endAll(EndReason::EndOfInput);
  CHECK(c.ledger().coverage().dns_unsolicited == 1);
  CHECK(cap.dns.size() == 21); // 12 evicted + 1 unsolicited + 1 answered + 7 never answered
}

TEST_CASE("precision: a flood of forged responses is counted and stays bounded",
          "[classify][precision][dns]") {
  test::FakeDpiEngine eng;
  Capture cap;
  ClassifierConfig cfg = config();
  cfg.table.max_flows = 64;
  Classifier c(cfg, eng, matcher(), cap);
  for (int i = 0; i < 5000; ++i) {
    const std::string host = "10.9." + std::to_string(i / 250) + "." + std::to_string(i % 250);
    c.onPacket(pkt("10.0.0.53", 53, host.c_str(), static_cast<std::uint16_t>(1024 + i % 60000), 17,
                   1'000'000 + i, 0,
                   response("ts01-b.cloudsink.net", static_cast<std::uint16_t>(i), kNeutral, 300)));
  }
  c.endAll(EndReason::EndOfInput);
  CHECK(c.ledger().coverage().dns_unsolicited == 5000);
  CHECK(c.dnsCache().size() == 0);
  CHECK(c.table().size() <= 64);
  CHECK(cap.alerts.empty());
  CHECK(c.ledger().entries().empty());
}
