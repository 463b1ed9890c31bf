// Signature reloads while flows are open (issue 13.1): a flow is judged with the set its
// evidence was gathered with, records carry their own vendor/product values, and the ledger
// and events never name a vendor or product of another set. The new sets add, remove and
// reorder vendors and products, so any index resolved against the wrong set would show.

#include <cstring>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <vw/alerts/eve.h>
#include <vw/alerts/summary.h>
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

std::string vendorToml(const std::string& id, const std::string& name,
                       const std::vector<std::pair<std::string, std::string>>& products,
                       const std::vector<std::pair<std::string, std::string>>& domains,
                       const std::string& cidr_product = "", const std::string& cidr = "") {
  std::string t = "[vendor]\nid = \"" + id + "\"\nname = \"" + name +
                  "\"\ncountry = \"US\"\nparent = \"" + name + " Inc.\"\nstatus = \"banned\"\n";
  for (const auto& [pid, pname] : products)
    t +=
        "\n[[product]]\nid = \"" + pid + "\"\nname = \"" + pname + "\"\nrole = \"edr-telemetry\"\n";
  for (const auto& [pid, dom] : domains)
    t += "\n[[indicator]]\nproduct = \"" + pid + "\"\nkind = \"domain\"\nmatch = \"suffix\"\n" +
         "value = \"" + dom + "\"\nconfidence = \"high\"\nsource = \"https://example.com/" + id +
         "\"\nsource_date = 2026-01-01\n";
  if (!cidr.empty())
    t += "\n[[indicator]]\nproduct = \"" + cidr_product + "\"\nkind = \"cidr\"\nvalue = \"" + cidr +
         "\"\nconfidence = \"medium\"\nsource = \"https://example.com/" + id +
         "/ip\"\nsource_date = 2026-01-01\n";
  return t;
}

std::shared_ptr<const signatures::Matcher>
makeMatcher(const std::vector<std::pair<std::string, std::string>>& files) {
  signatures::LoadOptions lo;
  lo.requireAllVendors = false;
  std::vector<signatures::SourceText> texts{{"_set.toml", kSet, ""}};
  for (const auto& [name, text] : files)
    texts.push_back({name, text, ""});
  auto res = signatures::loadSignatureTexts(texts, lo);
  if (!res.ok()) {
    for (const auto& e : res.errors)
      FAIL(e.toString());
  }
  return std::make_shared<const signatures::Matcher>(res.set);
}

std::string crowdstrike() {
  return vendorToml("crowdstrike", "CrowdStrike", {{"falcon-sensor", "Falcon sensor"}},
                    {{"falcon-sensor", "cloudsink.net"}}, "falcon-sensor", "198.51.100.0/24");
}
std::string vmware(bool extra_product_first) {
  std::vector<std::pair<std::string, std::string>> prods;
  if (extra_product_first)
    prods.push_back({"horizon", "Horizon"});
  prods.push_back({"carbon-black", "Carbon Black cloud"});
  std::vector<std::pair<std::string, std::string>> doms;
  if (extra_product_first)
    doms.push_back({"horizon", "horizon.example"});
  doms.push_back({"carbon-black", "carbonblack.io"});
  return vendorToml("vmware", "VMware", prods, doms, "carbon-black", "203.0.113.0/24");
}

/// The original set, and sets that add, remove and reorder vendors and products.
std::shared_ptr<const signatures::Matcher> setA() {
  return makeMatcher({{"crowdstrike.toml", crowdstrike()}, {"vmware.toml", vmware(false)}});
}
std::shared_ptr<const signatures::Matcher> setAdded() {
  // A new vendor that sorts before CrowdStrike and a new product before VMware's: every
  // index after them moves.
  return makeMatcher(
      {{"paloalto.toml",
        vendorToml("paloalto", "Palo Alto Networks", {{"a1", "A one"}, {"a2", "A two"}},
                   {{"a1", "aaa.example"}, {"a2", "aaa2.example"}})},
       {"vmware.toml", vmware(true)},
       {"crowdstrike.toml", crowdstrike()}});
}
std::shared_ptr<const signatures::Matcher> setRemoved() {
  return makeMatcher({{"vmware.toml", vmware(false)}});
}
std::shared_ptr<const signatures::Matcher> setReordered() {
  // CrowdStrike's products reordered: a new product before falcon-sensor.
  return makeMatcher(
      {{"vmware.toml", vmware(true)},
       {"crowdstrike.toml",
        vendorToml("crowdstrike", "CrowdStrike",
                   {{"falcon-x", "Falcon X"}, {"falcon-sensor", "Falcon sensor"}},
                   {{"falcon-x", "falconx.example"}, {"falcon-sensor", "cloudsink.net"}},
                   "falcon-sensor", "198.51.100.0/24")}});
}

/// Collects the JSON events an EveRecordSink writes.
struct Lines final : alerts::EventSink {
  std::vector<nlohmann::json> events;
  void write(const alerts::OutEvent& ev) override {
    events.push_back(nlohmann::json::parse(ev.json));
  }
  bool flush(int) override { return true; }
  alerts::SinkStats stats() const override { return {}; }
  std::string name() const override { return "lines"; }
  std::vector<nlohmann::json> of(const std::string& type) const {
    std::vector<nlohmann::json> out;
    for (const auto& e : events)
      if (e["event_type"] == type)
        out.push_back(e);
    return out;
  }
};

using test::ip;

DecodedPacket pkt(const char* src, std::uint16_t sport, const char* dst, std::uint16_t dport,
                  TimeUs ts, std::uint8_t flags, std::span<const std::uint8_t> payload = {}) {
  DecodedPacket p;
  p.src = ip(src);
  p.dst = ip(dst);
  p.sport = sport;
  p.dport = dport;
  p.l4_proto = 6;
  p.ts = ts;
  p.tcp_flags = flags;
  p.ip_version = 4;
  p.payload = payload;
  p.ip_len = static_cast<std::uint32_t>(40 + payload.size());
  return p;
}

std::vector<std::uint8_t> httpGet(const std::string& host) {
  const std::string s = "GET / HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: t\r\n\r\n";
  return {s.begin(), s.end()};
}

struct Rig {
  vw::test::FakeDpiEngine eng;
  Lines lines;
  std::shared_ptr<const signatures::Matcher> m0 = setA();
  alerts::EveRecordSink eve{alerts::EveOptions{true}, m0->sharedSet(), {&lines}};
  std::unique_ptr<Classifier> c;
  Rig() {
    eng.done_after = 1;
    ClassifierConfig cfg;
    cfg.dedup_window = 0;
    c = std::make_unique<Classifier>(cfg, eng, m0, eve);
  }
  void reload(std::shared_ptr<const signatures::Matcher> m) {
    eve.setSignatures(m->sharedSet());
    c->setMatcher(std::move(m));
  }
};

constexpr std::uint8_t kSyn = tcpflag::kSyn;
constexpr std::uint8_t kAck = tcpflag::kAck;

/// Opens an HTTP flow to a CrowdStrike host (named: alerts at once), reloads with `next`,
/// sends more packets and ends everything.
void namedFlowAcrossReload(std::shared_ptr<const signatures::Matcher> next) {
  Rig r;
  const auto get = httpGet("ts01-b.cloudsink.net");
  r.c->onPacket(pkt("10.0.0.5", 40000, "192.0.2.10", 80, 1'000'000, kSyn));
  r.c->onPacket(pkt("10.0.0.5", 40000, "192.0.2.10", 80, 1'000'100, kAck, get));
  REQUIRE(r.lines.of("vendor").size() == 1);
  r.reload(std::move(next));
  r.c->onPacket(pkt("192.0.2.10", 80, "10.0.0.5", 40000, 1'000'200, kAck, get));
  r.c->onPacket(pkt("10.0.0.5", 40000, "192.0.2.10", 80, 1'000'300, kAck));
  r.c->endAll(EndReason::EndOfInput);

  const auto alerts = r.lines.of("vendor");
  REQUIRE(alerts.size() == 1);
  CHECK(alerts[0]["vendor"]["id"] == "crowdstrike");
  CHECK(alerts[0]["product"]["id"] == "falcon-sensor");
  CHECK(alerts[0]["evidence"][0]["indicator"] == "cloudsink.net");
  const auto flows = r.lines.of("flow");
  REQUIRE(flows.size() == 1);
  CHECK(flows[0]["vendor"]["id"] == "crowdstrike");
  CHECK(flows[0]["product"]["id"] == "falcon-sensor");
  CHECK(flows[0]["evidence"][0]["source"] == "https://example.com/crowdstrike");

  const auto& entries = r.c->ledger().entries();
  REQUIRE(entries.size() == 1);
  const auto& e = entries.begin()->second;
  CHECK(entries.begin()->first.first == ip("10.0.0.5"));
  CHECK(e.vendor_id == "crowdstrike");
  CHECK(e.products == FlatSet<PooledString>{"falcon-sensor"});
  CHECK(e.flows == 1);
  CHECK(e.confidence == Confidence::High);
  CHECK(e.best.product == "falcon-sensor");
}

/// A flow whose only evidence is the peer's address (decided at the flow's end), reloaded in
/// between: the verdict at the end uses the set the evidence came from.
void indirectFlowAcrossReload(std::shared_ptr<const signatures::Matcher> next) {
  Rig r;
  r.eng.done_after = 0; // never done: the verdict waits for the flow's end
  r.c->onPacket(pkt("10.0.0.6", 40001, "198.51.100.20", 443, 2'000'000, kSyn));
  CHECK(r.lines.of("vendor").empty());
  r.reload(std::move(next));
  r.c->onPacket(pkt("198.51.100.20", 443, "10.0.0.6", 40001, 2'000'100, kSyn | kAck));
  r.c->endAll(EndReason::EndOfInput);
  const auto alerts = r.lines.of("vendor");
  REQUIRE(alerts.size() == 1);
  CHECK(alerts[0]["vendor"]["id"] == "crowdstrike");
  CHECK(alerts[0]["product"]["id"] == "falcon-sensor");
  CHECK(alerts[0]["evidence"][0]["field"] == "ip");
  const auto& entries = r.c->ledger().entries();
  REQUIRE(entries.size() == 1);
  CHECK(entries.begin()->second.vendor_id == "crowdstrike");
  CHECK(entries.begin()->second.products.count("falcon-sensor") == 1);
}

} // namespace

TEST_CASE("reload: a named flow keeps its vendor and product when the new set adds vendors and "
          "products",
          "[classify][reload]") {
  namedFlowAcrossReload(setAdded());
}

TEST_CASE("reload: a named flow keeps its verdict when its vendor is removed",
          "[classify][reload]") {
  namedFlowAcrossReload(setRemoved());
}

TEST_CASE("reload: a named flow keeps its verdict when vendors and products are reordered",
          "[classify][reload]") {
  namedFlowAcrossReload(setReordered());
}

TEST_CASE("reload: an address-only verdict decided after the reload uses the flow's own set",
          "[classify][reload]") {
  indirectFlowAcrossReload(setAdded());
  indirectFlowAcrossReload(setRemoved());
  indirectFlowAcrossReload(setReordered());
}

TEST_CASE("reload: flows that start after the reload use the new set", "[classify][reload]") {
  Rig r;
  r.reload(setRemoved());
  const auto get = httpGet("ts01-b.cloudsink.net");
  r.c->onPacket(pkt("10.0.0.7", 40002, "192.0.2.10", 80, 3'000'000, kSyn));
  r.c->onPacket(pkt("10.0.0.7", 40002, "192.0.2.10", 80, 3'000'100, kAck, get));
  const auto cb = httpGet("edge.carbonblack.io");
  r.c->onPacket(pkt("10.0.0.8", 40003, "192.0.2.11", 80, 3'000'200, kSyn));
  r.c->onPacket(pkt("10.0.0.8", 40003, "192.0.2.11", 80, 3'000'300, kAck, cb));
  r.c->endAll(EndReason::EndOfInput);
  const auto alerts = r.lines.of("vendor");
  REQUIRE(alerts.size() == 1); // CrowdStrike is gone from the new set
  CHECK(alerts[0]["vendor"]["id"] == "vmware");
  CHECK(alerts[0]["product"]["id"] == "carbon-black");
  REQUIRE(r.c->ledger().entries().size() == 1);
  CHECK(r.c->ledger().entries().begin()->second.vendor_id == "vmware");
}

TEST_CASE("reload: a flow opened before the reload but without facts yet uses the new set",
          "[classify][reload]") {
  Rig r;
  r.c->onPacket(pkt("10.0.0.9", 40004, "192.0.2.12", 80, 4'000'000, kSyn));
  r.reload(setAdded());
  const auto get = httpGet("www.aaa.example");
  r.c->onPacket(pkt("10.0.0.9", 40004, "192.0.2.12", 80, 4'000'100, kAck, get));
  r.c->endAll(EndReason::EndOfInput);
  const auto alerts = r.lines.of("vendor");
  REQUIRE(alerts.size() == 1);
  CHECK(alerts[0]["vendor"]["id"] == "paloalto");
  CHECK(alerts[0]["product"]["id"] == "a1");
}

TEST_CASE("reload: a DNS lookup pinned to the old set is reported with it", "[classify][reload]") {
  Rig r;
  // A DNS flow: the query (a lookup of a CrowdStrike name) before the reload, the answer after.
  std::vector<std::uint8_t> q = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
  for (const char* label : {"ts01-b", "cloudsink", "net"}) {
    q.push_back(static_cast<std::uint8_t>(std::strlen(label)));
    q.insert(q.end(), label, label + std::strlen(label));
  }
  q.insert(q.end(), {0, 0, 1, 0, 1});
  DecodedPacket p = pkt("10.0.0.10", 33333, "10.0.0.53", 53, 5'000'000, 0, q);
  p.l4_proto = 17;
  r.c->onPacket(p);
  r.reload(setRemoved());
  r.c->endAll(EndReason::EndOfInput);
  const auto alerts = r.lines.of("vendor");
  REQUIRE(alerts.size() == 1);
  CHECK(alerts[0]["vendor"]["id"] == "crowdstrike");
  const auto flows = r.lines.of("flow");
  REQUIRE(flows.size() == 1);
  CHECK(flows[0]["vendor"]["id"] == "crowdstrike");
  REQUIRE(r.c->ledger().entries().size() == 1);
  CHECK(r.c->ledger().entries().begin()->second.dns_lookups == 1);
  // The summary written after the reload still names the vendor by id (and by its name while
  // the current set knows it).
  const auto doc = alerts::summaryJson(
      r.c->ledger(), r.eve.signatures() ? *r.eve.signatures() : r.m0->set(), alerts::SummaryMeta{});
  CHECK(doc["hosts"][0]["vendors"][0]["id"] == "crowdstrike");
}
