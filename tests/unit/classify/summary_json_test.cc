// The summary JSON of the ledger sections (CONTRACT section 5): written in a stable order,
// read back (encode -> decode -> encode is the identity), and older summaries without the new
// sections still read.

#include <catch2/catch.hpp>

#include <vw/alerts/summary.h>
#include <vw/classify/ledger.h>
#include <vw/signatures/loader.h>

#include "fakes/fixtures.h"

using namespace vw;
using namespace vw::classify;
using Json = nlohmann::ordered_json;

namespace {
using test::ip;

std::shared_ptr<const signatures::SignatureSet> emptySet() {
  signatures::LoadOptions lo;
  lo.requireAllVendors = false;
  auto r = signatures::loadSignatureTexts(
      {{"_set.toml", "[set]\nversion = \"t\"\ndate = 2026-01-01\n", ""}}, lo);
  REQUIRE(r.ok());
  return r.set;
}

Ledger sample() {
  Ledger l;
  const LedgerEvidence e1[] = {{"tls.sni", "ts01-b.cloudsink.net", "cloudsink.net", "https://a"}};
  const LedgerEvidence e2[] = {
      {"banner", "220 VMware Authentication Daemon", "220 VMware", "https://b"}};
  LedgerAdd a;
  a.host = ip("10.0.0.1");
  a.vendor_id = "crowdstrike";
  a.product_id = "falcon-sensor";
  a.confidence = Confidence::High;
  a.flows = 1;
  a.bytes_to = 10;
  a.bytes_from = 20;
  a.first = 1'700'000'000'000'001;
  a.last = 1'700'000'001'000'000;
  a.evidence = e1;
  l.addClient(a);
  a.flows = 0;
  a.dns_lookups = 1;
  l.addClient(a);
  LedgerAdd s = a;
  s.host = ip("10.0.0.9");
  s.vendor_id = "vmware";
  s.product_id = "esxi";
  s.evidence = e2;
  s.flows = 3;
  l.addInstance(s, ip("10.0.0.1"));
  l.addInstance(s, ip("10.0.0.2"));
  LedgerAdd w = a;
  w.vendor_id = "fortinet";
  w.product_id = "corporate-web";
  w.confidence = Confidence::Low;
  l.addWeb(w);
  l.addInspection("fortinet", "fortigate-ca", "C=US, O=Fortinet, CN=FortiGate CA", ip("10.0.0.1"),
                  a.first, a.last);
  l.coverage().flows = 7;
  l.coverage().dns_unsolicited = 2;
  l.coverage().dns_pending_evicted = 3;
  l.coverage().web_verdicts = 5;
  l.evictions().dedup = 4;
  return l;
}
} // namespace

TEST_CASE("summary: the new sections are written and read back identically", "[summary]") {
  const auto set = emptySet();
  const Ledger l = sample();
  const Json doc = alerts::summaryJson(l, *set, alerts::SummaryMeta{});
  CHECK(doc["vendorwatch"]["evictions"]["dedup"] == 4);
  CHECK(doc["hosts"][0]["vendors"][0]["role"] == "client");
  CHECK(doc["hosts"][0]["vendors"][0]["best"]["product"] == "falcon-sensor");
  CHECK(doc["hosts"][0]["vendors"][0]["by_product"]["falcon-sensor"]["dns_lookups"] == 1);
  REQUIRE(doc["instances"].size() == 1);
  CHECK(doc["instances"][0]["ip"] == "10.0.0.9");
  CHECK(doc["instances"][0]["client_count"] == 2);
  CHECK(doc["instances"][0]["clients"] == Json::array({"10.0.0.1", "10.0.0.2"}));
  CHECK(doc["web"][0]["vendor"]["id"] == "fortinet");
  CHECK(doc["inspection"][0]["ca"] == "C=US, O=Fortinet, CN=FortiGate CA");
  CHECK(doc["inspection"][0]["hosts"] == 1);
  CHECK(doc["coverage"]["dns_unsolicited"] == 2);
  CHECK(doc["coverage"]["dns_pending_evicted"] == 3);
  CHECK(doc["coverage"]["web_verdicts"] == 5);

  Ledger back;
  std::string err;
  REQUIRE(alerts::ledgerFromSummary(doc, back, err));
  CHECK(err.empty());
  const Json again = alerts::summaryJson(back, *set, alerts::SummaryMeta{});
  CHECK(again.dump() == doc.dump());
}

TEST_CASE("summary: the piecewise writer prints exactly the document's dump", "[summary]") {
  const auto set = emptySet();
  Ledger l = sample();
  // A second host with two vendors, a control byte and invalid UTF-8 (replaced alike by both).
  const LedgerEvidence odd[] = {{"http.host",
                                 "a\x01"
                                 "b\xff.example",
                                 "example", "https://c"}};
  LedgerAdd a;
  a.host = ip("10.0.0.3");
  a.vendor_id = "zscaler";
  a.product_id = "zia";
  a.confidence = Confidence::Medium;
  a.flows = 2;
  a.evidence = odd;
  l.addClient(a);
  a.vendor_id = "okta";
  l.addClient(a);
  alerts::SummaryMeta meta;
  meta.inputs = {"x.pcap"};
  meta.first_packet_us = 1'700'000'000'000'000;
  meta.last_packet_us = 1'700'000'000'000'001;
  const Ledger empty;
  for (const Ledger* led : std::initializer_list<const Ledger*>{&l, &empty}) {
    const Ledger& use = *led;
    const std::string want = alerts::summaryJson(use, *set, meta)
                                 .dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
    std::string got;
    std::size_t pieces = 0;
    REQUIRE(alerts::writeSummaryJson(use, *set, meta, [&](std::string_view t) {
      got += t;
      ++pieces;
      return true;
    }));
    CHECK(got == want);
    CHECK(pieces > 1);
  }
  // A failing sink stops the writer.
  std::size_t calls = 0;
  CHECK_FALSE(alerts::writeSummaryJson(l, *set, meta, [&](std::string_view) {
    ++calls;
    return false;
  }));
  CHECK(calls == 1);
}

TEST_CASE("summary: an older summary without the new sections is read", "[summary]") {
  const Json old = Json::parse(R"({"vendorwatch":{"version":"0.1.0","signatures":"x","inputs":[],
    "packets":3},
    "hosts":[{"ip":"10.20.10.21","vendors":[{"id":"crowdstrike","name":"CrowdStrike",
      "status":"banned","products":["falcon-sensor"],"flows":2,"dns_lookups":1,
      "bytes_to_vendor":100,"bytes_from_vendor":200,"first_seen":"2025-03-11T08:30:01.123456Z",
      "last_seen":"2025-03-11T08:31:01.000000Z","confidence":"high",
      "evidence":[{"field":"tls.sni","value":"a.cloudsink.net","indicator":"cloudsink.net",
                   "source":"https://x"}]}]}],
    "vendors":[],"coverage":{"flows":5,"flows_attributed":2,"bytes":1,"bytes_attributed":1,
      "tls_flows":1,"tls_flows_without_sni":0,"tls_without_sni_share":0.0,
      "dns_cache_attributions":0}})");
  Ledger l;
  std::string err;
  REQUIRE(alerts::ledgerFromSummary(old, l, err));
  REQUIRE(l.entries().size() == 1);
  const auto& e = l.entries().begin()->second;
  CHECK(e.flows == 2);
  CHECK(e.first_seen == 1741681801123456);
  CHECK(e.evidence.size() == 1);
  CHECK(l.instances().empty());
  CHECK(l.web().empty());
  CHECK(l.coverage().flows == 5);
}

TEST_CASE("summary: malformed documents are refused with the path of the problem", "[summary]") {
  Ledger l;
  std::string err;
  CHECK_FALSE(alerts::ledgerFromSummary(Json::parse(R"({"x":1})"), l, err));
  CHECK_FALSE(
      alerts::ledgerFromSummary(Json::parse(R"({"hosts":[{"ip":"nope","vendors":[]}]})"), l, err));
  CHECK(err.find("hosts[0]") != std::string::npos);
  CHECK_FALSE(alerts::ledgerFromSummary(
      Json::parse(R"({"hosts":[],"instances":[{"ip":"10.0.0.1","vendor":{"id":"v"},
        "product":{"id":"p"},"flows":-1}]})"),
      l, err));
  CHECK(err.find("instances[0]") != std::string::npos);
}

TEST_CASE("summary: a ledger merged by move equals the one merged by copy", "[summary][ledger]") {
  const auto set = emptySet();
  // `base` shares host 10.0.0.1 x crowdstrike, the instance and the web entry with sample();
  // the other keys are new to it. Both halves of merge(Ledger&&) are exercised: spliced nodes
  // and entries that add up.
  const auto fresh = [] {
    Ledger base(LedgerCaps{});
    base.enableJournal(true);
    Ledger s = sample();
    base.merge(s);
    LedgerAdd a;
    a.host = ip("10.0.0.7");
    a.vendor_id = "okta";
    a.product_id = "verify";
    a.confidence = Confidence::Low;
    a.flows = 1;
    base.addClient(a);
    return base;
  };
  Ledger by_copy = fresh(), by_move = fresh();
  Ledger src = sample();
  src.enableJournal(true);
  LedgerAdd a;
  a.host = ip("10.0.0.8");
  a.vendor_id = "zscaler";
  a.product_id = "zia";
  a.confidence = Confidence::Medium;
  a.flows = 2;
  src.addClient(a);
  Ledger src2 = src;
  by_copy.merge(src);
  by_move.merge(std::move(src2));
  const alerts::SummaryMeta meta;
  CHECK(alerts::summaryJson(by_move, *set, meta).dump() ==
        alerts::summaryJson(by_copy, *set, meta).dump());
  CHECK(by_move.entries().size() == 3);
  const auto j1 = by_copy.drainJournal(), j2 = by_move.drainJournal();
  REQUIRE(j1.size() == j2.size());
  for (std::size_t i = 0; i < j1.size(); ++i)
    CHECK(j1[i].flows == j2[i].flows);
}
