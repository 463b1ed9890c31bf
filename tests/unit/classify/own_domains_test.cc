// Issue 16 item 3: --own-domains. A paired DNS answer that puts an own name into a vendor's edge
// network (CNAME to *.incapdns.net, address in Imperva's range) makes the site a product
// instance at its published address; everything else stays as it was.
#include <array>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <vw/classify/classifier.h>
#include <vw/classify/own_domains.h>
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

const char* kImperva = R"([vendor]
id = "imperva"
name = "Imperva"
country = "US"
parent = "Thales"
status = "banned"

[[product]]
id = "cdn-edge"
name = "Imperva Cloud WAF"
role = "cdn-edge"

[[indicator]]
product = "cdn-edge"
kind = "cidr"
value = "45.60.0.0/16"
confidence = "high"
source = "https://example.com/i"
source_date = 2026-01-01

[[indicator]]
product = "cdn-edge"
kind = "domain"
match = "suffix"
value = "incapdns.net"
confidence = "high"
source = "https://example.com/i"
source_date = 2026-01-01
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

[[indicator]]
product = "falcon-sensor"
kind = "domain"
match = "suffix"
value = "cloudsink.net"
confidence = "high"
source = "https://example.com/cs"
source_date = 2026-01-01
)";

std::shared_ptr<const signatures::Matcher> matcher() {
  signatures::LoadOptions lo;
  lo.requireAllVendors = false;
  auto res = signatures::loadSignatureTexts({{"_set.toml", kSet, ""},
                                             {"imperva.toml", kImperva, ""},
                                             {"crowdstrike.toml", kCrowdstrike, ""}},
                                            lo);
  for (const auto& e : res.errors)
    FAIL(e.toString());
  REQUIRE(res.ok());
  return std::make_shared<const signatures::Matcher>(res.set);
}

struct Alert {
  std::string host, vendor, role, confidence, usage;
  std::vector<std::pair<std::string, std::string>> evidence;
};

struct Sink final : RecordSink {
  std::vector<Alert> alerts;
  void flowEnded(const FlowRecord&) override {}
  void vendorAlert(const VendorAlert& a) override {
    Alert x{a.host.toString(),    a.vendor->id,
            hostRoleName(a.role), confidenceName(a.confidence),
            usageName(a.usage),   {}};
    for (const auto& e : a.evidence)
      x.evidence.emplace_back(std::string(fieldName(e.field)), e.value);
    alerts.push_back(x);
  }
  void dnsTransaction(const FlowRecord&, const DnsTxnFact&) override {}
  void httpRequest(const FlowRecord&, const HttpFacts&) override {}
  void inspectionFound(const InspectionRecord&) override {}
};

using test::ip;

DecodedPacket pkt(const char* src, std::uint16_t sport, const char* dst, std::uint16_t dport,
                  TimeUs ts, std::span<const std::uint8_t> payload) {
  DecodedPacket p;
  p.src = ip(src);
  p.dst = ip(dst);
  p.sport = sport;
  p.dport = dport;
  p.l4_proto = ipproto::kUdp;
  p.ts = ts;
  p.ip_version = 4;
  p.payload = payload;
  p.ip_len = static_cast<std::uint32_t>(28 + payload.size());
  return p;
}

using test::putDnsName;

void put16(std::vector<std::uint8_t>& m, std::uint16_t v) {
  m.push_back(static_cast<std::uint8_t>(v >> 8));
  m.push_back(static_cast<std::uint8_t>(v));
}

std::vector<std::uint8_t> query(const std::string& name, std::uint16_t id) {
  std::vector<std::uint8_t> m;
  put16(m, id);
  m.insert(m.end(), {0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0});
  putDnsName(m, name);
  m.insert(m.end(), {0, 1, 0, 1});
  return m;
}

/// A response to an A query for `name`: an optional CNAME to `target`, then (unless `addr` is
/// empty) an A record of the last name of the chain.
std::vector<std::uint8_t> response(const std::string& name, std::uint16_t id,
                                   const std::string& target, std::vector<std::uint8_t> addr) {
  std::vector<std::uint8_t> m;
  put16(m, id);
  const std::uint16_t an =
      static_cast<std::uint16_t>((target.empty() ? 0 : 1) + (addr.empty() ? 0 : 1));
  m.insert(m.end(), {0x81, 0x80, 0, 1});
  put16(m, an);
  m.insert(m.end(), {0, 0, 0, 0});
  putDnsName(m, name);
  m.insert(m.end(), {0, 1, 0, 1});
  if (!target.empty()) {
    std::vector<std::uint8_t> rd;
    putDnsName(rd, target);
    m.insert(m.end(), {0xc0, 0x0c, 0, 5, 0, 1, 0, 0, 1, 0x2c});
    put16(m, static_cast<std::uint16_t>(rd.size()));
    m.insert(m.end(), rd.begin(), rd.end());
  }
  if (!addr.empty()) {
    if (target.empty())
      m.insert(m.end(), {0xc0, 0x0c});
    else
      putDnsName(m, target);
    m.insert(m.end(), {0, 1, 0, 1, 0, 0, 1, 0x2c, 0, 4});
    m.insert(m.end(), addr.begin(), addr.end());
  }
  return m;
}

const std::vector<std::uint8_t> kEdge = {45, 60, 40, 17};

struct Rig {
  test::FakeDpiEngine eng;
  Sink sink;
  ClassifierConfig cfg;
  std::unique_ptr<Classifier> c;
  explicit Rig(std::vector<std::string> own = {"acme.example"}) {
    cfg.hash_key = HashKey::fixed(7, 8);
    std::string err;
    REQUIRE(OwnDomains::parse(own, cfg.own_domains, err));
    c = std::make_unique<Classifier>(cfg, eng, matcher(), sink);
  }
  /// `host` asks the resolver for `name` (id `id`) and gets `resp` back on the same flow.
  void lookup(const char* host, std::uint16_t port, const std::string& name, std::uint16_t id,
              const std::vector<std::uint8_t>& resp, TimeUs ts, bool ask = true) {
    const auto q = query(name, id);
    if (ask)
      c->onPacket(pkt(host, port, "10.0.0.53", 53, ts, q));
    c->onPacket(pkt("10.0.0.53", 53, host, port, ts + 1000, resp));
  }
  const InstanceEntry* instance(const char* addr, const char* vendor, const char* product) {
    const auto& m = c->ledger().instances();
    const auto it = m.find(Ledger::InstanceKey{ip(addr), vendor, product});
    return it == m.end() ? nullptr : &it->second;
  }
};

bool hasEvidence(const InstanceEntry& e, const std::string& field, const std::string& value) {
  for (const auto& x : e.evidence)
    if (x.field == field && x.value == value)
      return true;
  return false;
}

} // namespace

TEST_CASE("own domains: an own name CNAMEd into Imperva's edge is an instance at its address",
          "[classify][own-domains]") {
  Rig r;
  r.lookup("10.0.0.7", 40000, "www.acme.example", 1,
           response("www.acme.example", 1, "q7x.x.incapdns.net", kEdge), 1'000'000);
  r.c->endAll(EndReason::EndOfInput);
  const InstanceEntry* i = r.instance("45.60.40.17", "imperva", "cdn-edge");
  REQUIRE(i != nullptr);
  CHECK(i->confidence == Confidence::Medium);
  CHECK(i->flows == 0); // a DNS answer is not a flow of the site
  CHECK(i->clients.empty());
  CHECK(hasEvidence(*i, "dns.cname", "www.acme.example -> q7x.x.incapdns.net"));
  CHECK(hasEvidence(*i, "dns.answer", "www.acme.example -> 45.60.40.17"));
  CHECK(r.c->ledger().instances().size() == 1);
  REQUIRE(r.sink.alerts.size() == 1);
  const Alert& a = r.sink.alerts[0];
  CHECK(a.host == "45.60.40.17");
  CHECK(a.vendor == "imperva");
  CHECK(a.role == "server");
  CHECK(a.confidence == "medium");
  CHECK(a.usage == "product");
  CHECK(a.evidence.size() == 2);
  // The querier looked the site up: web presence as before, no client event.
  CHECK(r.c->ledger().entries().empty());
  CHECK(r.c->ledger().web().size() == 1);
  CHECK(r.c->stats().dns_own_site_answers == 1);
}

TEST_CASE("own domains: the same answer without --own-domains adds nothing new",
          "[classify][own-domains]") {
  Rig r(std::vector<std::string>{});
  r.lookup("10.0.0.7", 40000, "www.acme.example", 1,
           response("www.acme.example", 1, "q7x.x.incapdns.net", kEdge), 1'000'000);
  r.c->endAll(EndReason::EndOfInput);
  CHECK(r.c->ledger().instances().empty());
  CHECK(r.sink.alerts.empty());
  CHECK(r.c->ledger().web().size() == 1); // web presence, as always
}

TEST_CASE("own domains: an unsolicited response for an own name teaches nothing",
          "[classify][own-domains]") {
  Rig r;
  // No query on the flow; then a query with another id: both responses are unpaired.
  r.lookup("10.0.0.7", 40000, "www.acme.example", 1,
           response("www.acme.example", 1, "q7x.x.incapdns.net", kEdge), 1'000'000, false);
  r.c->onPacket(pkt("10.0.0.8", 40001, "10.0.0.53", 53, 2'000'000, query("www.acme.example", 5)));
  const auto wrong = response("www.acme.example", 6, "q7x.x.incapdns.net", kEdge);
  r.c->onPacket(pkt("10.0.0.53", 53, "10.0.0.8", 40001, 2'001'000, wrong));
  r.c->endAll(EndReason::EndOfInput);
  CHECK(r.c->stats().dns_unsolicited == 2);
  CHECK(r.c->ledger().instances().empty());
  CHECK(r.sink.alerts.empty());
}

TEST_CASE("own domains: another site behind Imperva is no instance, a look-alike name neither",
          "[classify][own-domains]") {
  Rig r;
  r.lookup("10.0.0.7", 40000, "www.shop.example", 1,
           response("www.shop.example", 1, "abc.x.incapdns.net", {45, 60, 33, 17}), 1'000'000);
  r.lookup("10.0.0.7", 40002, "www.evilacme.example", 2,
           response("www.evilacme.example", 2, "e.x.incapdns.net", {45, 60, 33, 18}), 2'000'000);
  r.lookup("10.0.0.7", 40004, "acme.example.attacker.test", 3,
           response("acme.example.attacker.test", 3, "f.x.incapdns.net", {45, 60, 33, 19}),
           3'000'000);
  r.c->endAll(EndReason::EndOfInput);
  CHECK(r.c->ledger().instances().empty());
  CHECK(r.sink.alerts.empty());
  CHECK(r.c->ledger().web().size() == 1); // the visitor: web presence
}

TEST_CASE("own domains: only a vendor's edge counts; an own name into an EDR cloud does not",
          "[classify][own-domains]") {
  Rig r;
  r.lookup("10.0.0.7", 40000, "edr.acme.example", 1,
           response("edr.acme.example", 1, "ts01-b.cloudsink.net", {198, 51, 100, 9}), 1'000'000);
  r.c->endAll(EndReason::EndOfInput);
  CHECK(r.c->ledger().instances().empty());
  // The querier's own lookup of the EDR cloud is client usage, as before.
  REQUIRE(r.sink.alerts.size() == 1);
  CHECK(r.sink.alerts[0].role == "client");
  CHECK(r.sink.alerts[0].host == "10.0.0.7");
}

TEST_CASE("own domains: an address in the edge range alone; a CNAME without address is counted",
          "[classify][own-domains]") {
  Rig r;
  r.lookup("10.0.0.7", 40000, "acme.example", 1, response("acme.example", 1, "", kEdge), 1'000'000);
  r.lookup("10.0.0.7", 40002, "shop.acme.example", 2,
           response("shop.acme.example", 2, "s.x.incapdns.net", {}), 2'000'000);
  r.c->endAll(EndReason::EndOfInput);
  const InstanceEntry* i = r.instance("45.60.40.17", "imperva", "cdn-edge");
  REQUIRE(i != nullptr);
  CHECK(hasEvidence(*i, "dns.answer", "acme.example -> 45.60.40.17"));
  CHECK(r.c->ledger().instances().size() == 1);
  CHECK(r.c->stats().dns_own_site_unkeyed == 1);
}

TEST_CASE("own domains: repeated answers make one instance and one event (bounded)",
          "[classify][own-domains]") {
  Rig r;
  for (int k = 0; k < 200; ++k)
    r.lookup(
        "10.0.0.7", static_cast<std::uint16_t>(40000 + k), "www.acme.example",
        static_cast<std::uint16_t>(k),
        response("www.acme.example", static_cast<std::uint16_t>(k), "q7x.x.incapdns.net", kEdge),
        1'000'000 + k * 10'000);
  r.c->endAll(EndReason::EndOfInput);
  CHECK(r.c->ledger().instances().size() == 1);
  const InstanceEntry* i = r.instance("45.60.40.17", "imperva", "cdn-edge");
  REQUIRE(i != nullptr);
  CHECK(i->evidence.size() == 2);
  CHECK(r.sink.alerts.size() == 1); // de-duplicated by (host, vendor, role)
  CHECK(r.c->stats().dns_own_site_answers == 200);
}

TEST_CASE("own domains: the option's list is validated and normalised", "[classify][own-domains]") {
  OwnDomains d;
  std::string err;
  REQUIRE(OwnDomains::parse(
      std::vector<std::string>{"Acme.EXAMPLE.", " b.example , c-d.example", "acme.example"}, d,
      err));
  CHECK(d.domains() == std::vector<std::string>{"acme.example", "b.example", "c-d.example"});
  CHECK(d.contains("acme.example"));
  CHECK(d.contains("www.acme.example"));
  CHECK(d.contains("a.b.c-d.example"));
  CHECK_FALSE(d.contains("evilacme.example"));
  CHECK_FALSE(d.contains("acme.example.attacker.test"));
  CHECK_FALSE(d.contains("example"));
  CHECK_FALSE(d.contains(""));
  for (const char* bad : {"", "exa mple.com", "*.example.com", "10.0.0.1", "a..b", "-a.example",
                          "a-.example", "example.com,", "ex/ample.com"}) {
    INFO(bad);
    OwnDomains x;
    err.clear();
    CHECK_FALSE(OwnDomains::parse(std::vector<std::string>{bad}, x, err));
    CHECK_FALSE(err.empty());
    CHECK(x.empty());
  }
  OwnDomains x;
  CHECK_FALSE(
      OwnDomains::parse(std::vector<std::string>{std::string(64, 'a') + ".example"}, x, err));
  CHECK(err.find("63") != std::string::npos);
  std::vector<std::string> many;
  for (std::size_t i = 0; i <= OwnDomains::kMaxDomains; ++i)
    many.push_back("d" + std::to_string(i) + ".example");
  CHECK_FALSE(OwnDomains::parse(many, x, err));
  CHECK(err.find("more than") != std::string::npos);
}
