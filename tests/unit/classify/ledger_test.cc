// The ledger's sections, caps, strongest verdict, per-product counters and journal, and the
// alert de-duplication that never hides a stronger verdict.

#include <map>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <vw/classify/alert_dedup.h>
#include <vw/classify/ledger.h>

#include "fakes/fixtures.h"

using namespace vw;
using namespace vw::classify;

namespace {
using test::ip;
IpAddr nth(std::uint32_t i) {
  IpAddr a = ip("10.0.0.0");
  a.bytes[1] = static_cast<std::uint8_t>(i >> 16);
  a.bytes[2] = static_cast<std::uint8_t>(i >> 8);
  a.bytes[3] = static_cast<std::uint8_t>(i);
  return a;
}
LedgerEvidence ev(const char* field, const char* value) {
  return LedgerEvidence{field, value, value, "https://example.com"};
}
LedgerAdd flow(const IpAddr& h, const char* vendor, const char* product, Confidence c, TimeUs t,
               std::span<const LedgerEvidence> e = {}) {
  LedgerAdd a;
  a.host = h;
  a.vendor_id = vendor;
  a.product_id = product;
  a.confidence = c;
  a.flows = 1;
  a.bytes_to = 100;
  a.bytes_from = 1000;
  a.first = t;
  a.last = t + 10;
  a.evidence = e;
  return a;
}
constexpr TimeUs kHour = 3'600'000'000;
} // namespace

TEST_CASE("ledger: the strongest verdict and its evidence are kept, per-product counters add up",
          "[ledger]") {
  Ledger l;
  const LedgerEvidence web[] = {ev("tls.sni", "www.crowdstrike.com")};
  const LedgerEvidence agent[] = {ev("tls.sni", "ts01-b.cloudsink.net"), ev("ip", "52.1.2.3")};
  l.addClient(flow(ip("10.0.0.1"), "crowdstrike", "corporate-web", Confidence::Low, 1000, web));
  l.addClient(flow(ip("10.0.0.1"), "crowdstrike", "falcon-sensor", Confidence::High, 2000, agent));
  l.addClient(flow(ip("10.0.0.1"), "crowdstrike", "corporate-web", Confidence::Low, 3000, web));
  REQUIRE(l.entries().size() == 1);
  const LedgerEntry& e = l.entries().begin()->second;
  CHECK(e.flows == 3);
  CHECK(e.confidence == Confidence::High);
  CHECK(e.best.product == "falcon-sensor");
  CHECK(e.best.confidence == Confidence::High);
  REQUIRE(e.best.evidence.size() == 2);
  CHECK(e.best.evidence[0].field == "ip"); // sorted
  REQUIRE(e.by_product.size() == 2);
  CHECK(e.by_product.at("corporate-web").flows == 2);
  CHECK(e.by_product.at("corporate-web").first_seen == 1000);
  CHECK(e.by_product.at("corporate-web").last_seen == 3010);
  CHECK(e.by_product.at("falcon-sensor").bytes_from_vendor == 1000);
}

TEST_CASE("ledger: merging workers' ledgers equals one ledger fed everything", "[ledger]") {
  const LedgerEvidence a[] = {ev("tls.sni", "a.cloudsink.net")};
  const LedgerEvidence b[] = {ev("tls.sni", "b.cloudsink.net")};
  Ledger one, w1, w2;
  for (Ledger* l : {&one, &w1})
    l->addClient(flow(ip("10.0.0.1"), "crowdstrike", "falcon-sensor", Confidence::High, 1, a));
  for (Ledger* l : {&one, &w2})
    l->addClient(flow(ip("10.0.0.1"), "crowdstrike", "falcon-sensor", Confidence::High, 2, b));
  for (Ledger* l : {&one, &w2})
    l->addInstance(flow(ip("10.0.0.9"), "vmware", "esxi", Confidence::High, 5, a), ip("10.0.0.1"));
  for (Ledger* l : {&one, &w1})
    l->addInstance(flow(ip("10.0.0.9"), "vmware", "esxi", Confidence::Medium, 6, b),
                   ip("10.0.0.2"));
  Ledger m1, m2;
  m1.merge(w1);
  m1.merge(w2);
  m2.merge(w2);
  m2.merge(w1);
  for (const Ledger* m : {&m1, &m2}) {
    REQUIRE(m->entries().size() == 1);
    const auto& x = m->entries().begin()->second;
    const auto& y = one.entries().begin()->second;
    CHECK(x.flows == y.flows);
    CHECK(x.best.product == y.best.product);
    CHECK(x.best.evidence == y.best.evidence);
    CHECK(x.evidence == y.evidence);
    REQUIRE(m->instances().size() == 1);
    CHECK(m->instances().begin()->second.clients == one.instances().begin()->second.clients);
    CHECK(m->instances().begin()->second.clientCount() == 2);
  }
}

TEST_CASE("ledger: every section is capped, evicting the least recently seen, counted",
          "[ledger]") {
  LedgerCaps caps;
  caps.hosts = 64;
  caps.instances = 32;
  caps.web = 16;
  caps.inspection = 8;
  Ledger l(caps);
  for (std::uint32_t i = 0; i < 1000; ++i) {
    l.addClient(flow(nth(i), "crowdstrike", "falcon-sensor", Confidence::High, i));
    l.addInstance(flow(nth(i), "vmware", "esxi", Confidence::High, i), IpAddr{});
    l.addWeb(flow(nth(i), "fortinet", "corporate-web", Confidence::Low, i));
    l.addInspection("fortinet", "fortigate-ca", "CN=CA " + std::to_string(i), nth(i), i, i);
  }
  CHECK(l.entries().size() <= 64);
  CHECK(l.instances().size() <= 32);
  CHECK(l.web().size() <= 16);
  CHECK(l.inspection().size() <= 8);
  CHECK(l.evictions().hosts == 1000 - l.entries().size());
  CHECK(l.evictions().instances == 1000 - l.instances().size());
  CHECK(l.evictions().web == 1000 - l.web().size());
  CHECK(l.evictions().inspection == 1000 - l.inspection().size());
  // The most recent entries survive.
  CHECK(l.entries().count(Ledger::Key{nth(999), "crowdstrike"}) == 1);
  CHECK(l.entries().count(Ledger::Key{nth(0), "crowdstrike"}) == 0);
}

TEST_CASE("ledger: instance clients are distinct and bounded", "[ledger]") {
  Ledger l;
  for (std::uint32_t i = 0; i < 5000; ++i)
    l.addInstance(flow(ip("10.9.9.9"), "vmware", "esxi", Confidence::High, i), nth(i % 4500));
  const auto& e = l.instances().begin()->second;
  CHECK(e.flows == 5000);
  CHECK(e.clients.size() == InstanceEntry::kMaxClients);
  CHECK(e.clients_saturated);
  CHECK(e.clientCount() == InstanceEntry::kMaxClients);
}

TEST_CASE("ledger: the journal keeps per-hour deltas by kind and drains", "[ledger]") {
  Ledger l;
  l.addClient(flow(ip("10.0.0.1"), "crowdstrike", "falcon-sensor", Confidence::High, 5));
  CHECK(l.journalSize() == 0); // off by default
  l.enableJournal(true);
  l.addClient(flow(ip("10.0.0.1"), "crowdstrike", "falcon-sensor", Confidence::Medium, 10));
  l.addClient(flow(ip("10.0.0.1"), "crowdstrike", "falcon-sensor", Confidence::High, 20));
  l.addClient(flow(ip("10.0.0.1"), "crowdstrike", "falcon-sensor", Confidence::Low, kHour + 1));
  l.addInstance(flow(ip("10.0.0.9"), "vmware", "esxi", Confidence::High, 30), ip("10.0.0.1"));
  l.addWeb(flow(ip("10.0.0.1"), "fortinet", "corporate-web", Confidence::Low, 40));
  l.addInspection("fortinet", "fortigate-ca", "CN=FortiGate CA", ip("10.0.0.1"), 50, 60);
  auto rows = l.drainJournal();
  REQUIRE(rows.size() == 5);
  CHECK(l.journalSize() == 0);
  CHECK(l.drainJournal().empty());
  const JournalRow& h0 = rows[0];
  CHECK(h0.hour == 0);
  CHECK(h0.kind == JournalKind::Client);
  CHECK(h0.flows == 2);
  CHECK(h0.bytes_to_vendor == 200);
  CHECK(h0.first_seen == 10);
  CHECK(h0.last_seen == 30);
  CHECK(h0.confidence == Confidence::High);
  int kinds[4] = {0, 0, 0, 0};
  for (const auto& r : rows)
    ++kinds[static_cast<int>(r.kind)];
  CHECK(kinds[0] == 2);
  CHECK(kinds[1] == 1);
  CHECK(kinds[2] == 1);
  CHECK(kinds[3] == 1);
  const auto insp = std::find_if(rows.begin(), rows.end(), [](const JournalRow& r) {
    return r.kind == JournalKind::Inspection;
  });
  CHECK(insp->ca == "CN=FortiGate CA");
  const auto late =
      std::find_if(rows.begin(), rows.end(), [](const JournalRow& r) { return r.hour == kHour; });
  REQUIRE(late != rows.end());
  CHECK(late->flows == 1);
}

TEST_CASE("ledger: the journal is bounded with counted drops", "[ledger]") {
  LedgerCaps caps;
  caps.journal = 10;
  Ledger l(caps);
  l.enableJournal(true);
  for (std::uint32_t i = 0; i < 25; ++i)
    l.addClient(flow(nth(i), "crowdstrike", "falcon-sensor", Confidence::High, i));
  CHECK(l.journalSize() == 10);
  CHECK(l.evictions().journal_dropped == 15);
  CHECK(l.drainJournal().size() == 10);
}

TEST_CASE("ledger: a merged ledger keeps the workers' journal rows (pool snapshot)", "[ledger]") {
  // Regression: the pool's snapshot merges worker ledgers into a default ledger (journal off),
  // which dropped every journal row before the store could read them.
  Ledger a, b;
  a.enableJournal(true);
  b.enableJournal(true);
  a.addClient(flow(ip("10.0.0.1"), "crowdstrike", "falcon-sensor", Confidence::High, 10));
  b.addClient(flow(ip("10.0.0.1"), "crowdstrike", "falcon-sensor", Confidence::Low, 20));
  b.addClient(flow(ip("10.0.0.2"), "crowdstrike", "falcon-sensor", Confidence::Low, 30));
  Ledger merged;
  merged.merge(a);
  merged.merge(b);
  CHECK(merged.journalEnabled());
  const auto rows = merged.drainJournal();
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].flows == 2);
  CHECK(rows[0].confidence == Confidence::High);
  CHECK(rows[1].flows == 1);
  Ledger off;
  off.merge(Ledger{});
  CHECK_FALSE(off.journalEnabled());
}

TEST_CASE("dedup: a stronger verdict or a new product alerts again within the window", "[dedup]") {
  AlertDedup d(3'600'000'000, 1000, HashKey::fixed(1, 2));
  const IpAddr h = ip("10.0.0.1");
  CHECK(d.allow(h, "crowdstrike", HostRole::Client, "corporate-web", Confidence::Low, 1));
  CHECK_FALSE(d.allow(h, "crowdstrike", HostRole::Client, "corporate-web", Confidence::Low, 2));
  // The Falcon sensor after the web visit: a new product, higher confidence.
  CHECK(d.allow(h, "crowdstrike", HostRole::Client, "falcon-sensor", Confidence::High, 3));
  CHECK_FALSE(d.allow(h, "crowdstrike", HostRole::Client, "falcon-sensor", Confidence::High, 4));
  CHECK_FALSE(d.allow(h, "crowdstrike", HostRole::Client, "falcon-sensor", Confidence::Medium, 5));
  // A higher confidence for a known product.
  CHECK(d.allow(h, "vmware", HostRole::Client, "esxi", Confidence::Medium, 6));
  CHECK(d.allow(h, "vmware", HostRole::Client, "esxi", Confidence::High, 7));
  // Another role is another key.
  CHECK(d.allow(h, "vmware", HostRole::Server, "esxi", Confidence::Low, 8));
  // After the window, the same verdict alerts again.
  CHECK(d.allow(h, "crowdstrike", HostRole::Client, "falcon-sensor", Confidence::High,
                3 + 3'600'000'000));
}

TEST_CASE("dedup: the map is bounded, evictions counted", "[dedup]") {
  AlertDedup d(3'600'000'000, 128, HashKey::fixed(3, 4));
  for (std::uint32_t i = 0; i < 10000; ++i)
    CHECK(d.allow(nth(i), "crowdstrike", HostRole::Client, "falcon-sensor", Confidence::High, i));
  CHECK(d.size() <= 128);
  CHECK(d.evictions() == 10000 - d.size());
  // Window 0: no de-duplication at all.
  AlertDedup off(0, 1);
  CHECK(off.allow(nth(1), "x", HostRole::Client, "p", Confidence::Low, 1));
  CHECK(off.allow(nth(1), "x", HostRole::Client, "p", Confidence::Low, 1));
  CHECK(off.size() == 0);
}

TEST_CASE("ledger: FlatSet and FlatMap iterate like std::set and std::map", "[ledger]") {
  FlatSet<std::string> fs;
  std::set<std::string> ss;
  FlatMap<std::string, int> fm;
  std::map<std::string, int> sm;
  std::uint32_t x = 12345;
  for (int i = 0; i < 500; ++i) {
    x = x * 1103515245u + 12345u;
    const std::string k = "k" + std::to_string((x >> 16) % 97);
    CHECK(fs.insert(k).second == ss.insert(k).second);
    fm[k] += i;
    sm[k] += i;
  }
  CHECK(std::vector<std::string>(fs.begin(), fs.end()) ==
        std::vector<std::string>(ss.begin(), ss.end()));
  CHECK(std::vector<std::pair<std::string, int>>(fm.begin(), fm.end()) ==
        std::vector<std::pair<std::string, int>>(sm.begin(), sm.end()));
  CHECK(fs.contains(std::string_view("k1")) == ss.contains("k1"));
  CHECK(fm.find(std::string_view("no such key")) == fm.end());
  CHECK(fm.tryEmplace(std::string_view("k1")).second == !sm.contains("k1"));
}

TEST_CASE("ledger: evidence keeps the kMaxEvidence smallest items whatever the arrival order, "
          "within its bound",
          "[ledger]") {
  std::vector<LedgerEvidence> all;
  for (int i = 0; i < 20; ++i) {
    const std::string v = "v" + std::to_string(100 + i);
    all.push_back(LedgerEvidence{"tls.sni", v, v, "https://example.com"});
  }
  std::vector<LedgerEvidence> sorted = all;
  std::sort(sorted.begin(), sorted.end());
  sorted.resize(LedgerEntry::kMaxEvidence);
  for (int order = 0; order < 3; ++order) {
    std::vector<LedgerEvidence> in = all;
    if (order == 1)
      std::reverse(in.begin(), in.end());
    if (order == 2)
      std::rotate(in.begin(), in.begin() + 7, in.end());
    Ledger l;
    for (std::size_t i = 0; i < in.size(); ++i) {
      const LedgerEvidence one[] = {in[i], in[i]}; // duplicates are kept once
      l.addClient(flow(ip("10.0.0.1"), "crowdstrike", "falcon-sensor", Confidence::High,
                       static_cast<TimeUs>(i), one));
    }
    const LedgerEntry& e = l.entries().begin()->second;
    CHECK(std::vector<LedgerEvidence>(e.evidence.begin(), e.evidence.end()) == sorted);
    CHECK(e.evidence.capacity() <= LedgerEntry::kMaxEvidence); // never grown past the bound
    CHECK(e.products.size() == 1);
    CHECK(e.by_product.size() == 1);
  }
}

TEST_CASE("ledger: evidence text is pooled once per process; copies share it", "[ledger]") {
  const std::string src = "https://example.com/a-long-source-that-does-not-fit-inline";
  const PooledString a(src);
  const std::size_t n = PooledString::poolSize();
  const PooledString b{std::string_view(src)};
  const PooledString c = a;
  CHECK(a == b);
  if (a.pooled()) { // (unless a test that fills the pool ran first in this process)
    CHECK(PooledString::poolSize() == n); // interned once
    CHECK(&b.str() == &a.str());
    CHECK(&c.str() == &a.str());
  }
  CHECK(a == src);
  CHECK(a.str() == src);
  CHECK(PooledString() == "");
  CHECK(PooledString().empty());
  // Ordered as the strings are (the ledger's order, and so the output's, depends on it).
  CHECK(PooledString("ip") < PooledString("tls.sni"));
  CHECK(PooledString("ab") < PooledString("b"));
  CHECK_FALSE(PooledString("b") < PooledString("b"));
  CHECK(sizeof(PooledString) == sizeof(void*));
}

TEST_CASE("ledger: merged ledgers keep the text of evidence (sources, indicators) intact",
          "[ledger]") {
  Ledger w1, w2;
  {
    const LedgerEvidence a[] = {LedgerEvidence{"ip", "52.1.2.3", "52.1.2.0/24", "https://s/1"}};
    const LedgerEvidence b[] = {
        LedgerEvidence{"tls.sni", "x.cloudsink.net", "cloudsink.net", "https://s/2"}};
    w1.addClient(flow(ip("10.0.0.1"), "crowdstrike", "falcon-sensor", Confidence::Medium, 1, a));
    w2.addClient(flow(ip("10.0.0.1"), "crowdstrike", "falcon-cloud", Confidence::High, 2, b));
  } // the evidence the ledgers were fed is gone
  Ledger m;
  m.merge(w1);
  m.merge(std::move(w2));
  const LedgerEntry& e = m.entries().begin()->second;
  REQUIRE(e.evidence.size() == 2);
  CHECK(e.evidence.front().field == "ip");
  CHECK(e.evidence.front().indicator == "52.1.2.0/24");
  CHECK(e.evidence.front().source == "https://s/1");
  CHECK(e.evidence.back().source == "https://s/2");
  CHECK(std::vector<std::string>(e.products.begin(), e.products.end()) ==
        std::vector<std::string>{"falcon-cloud", "falcon-sensor"});
  CHECK(e.by_product.at("falcon-cloud").flows == 1);
  CHECK(e.best.product == "falcon-cloud");
  CHECK(e.best.evidence.front().source == "https://s/2");
}

TEST_CASE("ledger: the string pool is bounded; beyond it texts are private copies", "[ledger]") {
  // Fills the process-wide pool: later PooledStrings of this process are private copies, which
  // every other test accepts (they compare texts, never where they live).
  std::vector<PooledString> keep;
  for (std::size_t i = PooledString::poolSize(); i <= PooledString::kMaxStrings; ++i)
    keep.emplace_back("pool-filler-" + std::to_string(i));
  CHECK(PooledString::poolSize() <= PooledString::kMaxStrings);
  const PooledString x("a text never seen before the pool was full");
  CHECK_FALSE(x.pooled());
  PooledString y = x; // a copy of a private text is a private text
  CHECK_FALSE(y.pooled());
  CHECK(y == x);
  CHECK(&y.str() != &x.str());
  PooledString z;
  z = std::move(y);
  CHECK(z == "a text never seen before the pool was full");
  CHECK(PooledString::poolSize() <= PooledString::kMaxStrings);
}

TEST_CASE("ledger: entries keyed by pooled ids iterate in (address, vendor id) text order",
          "[ledger]") {
  Ledger l;
  std::map<std::pair<std::string, std::string>, int> expect; // address text sorts alike here
  const char* vendors[] = {"wiz", "crowdstrike", "cato-networks", "check-point", "a", "ab"};
  for (std::uint32_t i = 0; i < 40; ++i) {
    const char* v = vendors[(i * 7) % std::size(vendors)];
    l.addClient(flow(nth(200 - i % 5), v, "p", Confidence::High, i));
    expect[{nth(200 - i % 5).toString(), v}] = 0;
  }
  std::vector<std::pair<std::string, std::string>> got;
  for (const auto& [k, e] : l.entries()) {
    got.emplace_back(k.first.toString(), k.second.str());
    CHECK(e.vendor_id == k.second);
  }
  std::vector<std::pair<std::string, std::string>> want;
  for (const auto& [k, x] : expect)
    want.push_back(k);
  CHECK(got == want);
}
