#include <catch2/catch.hpp>

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
)";

std::shared_ptr<const signatures::Matcher> testMatcher() {
  signatures::LoadOptions lo;
  lo.requireAllVendors = false;
  auto res = signatures::loadSignatureTexts(
      {{"_set.toml", kSet, ""}, {"crowdstrike.toml", kCrowdstrike, ""}}, lo);
  if (!res.ok()) {
    for (const auto& e : res.errors)
      FAIL(e.toString());
  }
  return std::make_shared<const signatures::Matcher>(res.set);
}

struct Capture final : RecordSink {
  struct Ended {
    std::uint64_t id;
    EndReason reason;
    IpAddr src;
    std::uint64_t bytes_toserver, bytes_toclient;
    std::string vendor; ///< the verdict's vendor id, "" for none
  };
  std::vector<Ended> ended;
  std::vector<std::pair<IpAddr, std::string>> alerts; // host, first evidence field
  std::vector<std::string> dns;
  void flowEnded(const FlowRecord& r) override {
    ended.push_back({r.flow->id, r.reason, r.src_ip, r.flow->bytes[kToServer],
                     r.flow->bytes[kToClient], r.verdict ? r.verdict->vendor->id : ""});
  }
  void vendorAlert(const VendorAlert& a) override {
    alerts.emplace_back(a.flow.host,
                        a.evidence.empty() ? "" : std::string(fieldName(a.evidence.front().field)));
  }
  void dnsTransaction(const FlowRecord&, const DnsTxnFact& t) override { dns.push_back(t.query); }
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

// A DNS query for `name` (type A) with transaction id `id`.
std::vector<std::uint8_t> dnsQuery(const std::string& name, std::uint16_t id = 0x1234) {
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
  test::putDnsName(m, name);
  m.insert(m.end(), {0, 1, 0, 1}); // A IN
  return m;
}

// A DNS response for `name` with one A record.
std::vector<std::uint8_t> dnsResponse(const std::string& name, const std::uint8_t a[4],
                                      std::uint32_t ttl, std::uint16_t id = 0x1234) {
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
  test::putDnsName(m, name);
  m.insert(m.end(), {0, 1, 0, 1});             // A IN
  m.insert(m.end(), {0xc0, 0x0c, 0, 1, 0, 1}); // ptr to qname, A IN
  m.insert(m.end(), {static_cast<std::uint8_t>(ttl >> 24), static_cast<std::uint8_t>(ttl >> 16),
                     static_cast<std::uint8_t>(ttl >> 8), static_cast<std::uint8_t>(ttl)});
  m.insert(m.end(), {0, 4, a[0], a[1], a[2], a[3]});
  return m;
}

constexpr std::uint8_t kSyn = tcpflag::kSyn;
constexpr std::uint8_t kSynAck = tcpflag::kSyn | tcpflag::kAck;
constexpr std::uint8_t kAck = tcpflag::kAck;
constexpr std::uint8_t kFinAck = tcpflag::kFin | tcpflag::kAck;

} // namespace

TEST_CASE("classifier: the SYN side is the initiator, also when the SYN-ACK comes first",
          "[classify]") {
  test::FakeDpiEngine eng;
  Capture cap;
  ClassifierConfig cfg;
  Classifier c(cfg, eng, testMatcher(), cap);
  c.onPacket(pkt("10.0.0.5", 40000, "203.0.113.9", 443, 6, 1000, kSyn));
  c.onPacket(pkt("203.0.113.9", 443, "10.0.0.5", 40000, 6, 1100, kSynAck));
  // A second connection whose SYN was not captured: the SYN-ACK's receiver initiated it.
  c.onPacket(pkt("203.0.113.9", 443, "10.0.0.6", 40001, 6, 1200, kSynAck));
  c.endAll(EndReason::EndOfInput);
  REQUIRE(cap.ended.size() == 2);
  CHECK(cap.ended[0].src == ip("10.0.0.5"));
  CHECK(cap.ended[1].src == ip("10.0.0.6"));
  CHECK(cap.ended[0].bytes_toserver == 40);
  CHECK(cap.ended[0].bytes_toclient == 40);
}

TEST_CASE("classifier: FIN from both sides ends the flow after the linger", "[classify]") {
  test::FakeDpiEngine eng;
  Capture cap;
  ClassifierConfig cfg;
  Classifier c(cfg, eng, testMatcher(), cap);
  c.onPacket(pkt("10.0.0.5", 40000, "203.0.113.9", 80, 6, 0, kSyn));
  c.onPacket(pkt("10.0.0.5", 40000, "203.0.113.9", 80, 6, 10, kFinAck));
  c.onPacket(pkt("203.0.113.9", 80, "10.0.0.5", 40000, 6, 20, kFinAck));
  c.onPacket(pkt("10.0.0.5", 40000, "203.0.113.9", 80, 6, 30, kAck)); // last ACK, same flow
  CHECK(cap.ended.empty());
  c.expire(3'000'000);
  REQUIRE(cap.ended.size() == 1);
  CHECK(cap.ended[0].reason == EndReason::Fin);
  CHECK(c.table().size() == 0);
}

TEST_CASE("classifier: RST ends the flow with reason rst", "[classify]") {
  test::FakeDpiEngine eng;
  Capture cap;
  Classifier c(ClassifierConfig{}, eng, testMatcher(), cap);
  c.onPacket(pkt("10.0.0.5", 40000, "203.0.113.9", 80, 6, 0, kSyn));
  c.onPacket(pkt("203.0.113.9", 80, "10.0.0.5", 40000, 6, 10, tcpflag::kRst));
  c.endAll(EndReason::EndOfInput);
  REQUIRE(cap.ended.size() == 1);
  CHECK(cap.ended[0].reason == EndReason::Rst);
}

TEST_CASE("classifier: idle timeout on packet time splits a flow", "[classify]") {
  test::FakeDpiEngine eng;
  Capture cap;
  ClassifierConfig cfg;
  cfg.table.idle_timeout = 60'000'000;
  Classifier c(cfg, eng, testMatcher(), cap);
  c.onPacket(pkt("10.0.0.5", 5000, "203.0.113.9", 9999, 17, 0));
  c.onPacket(pkt("10.0.0.5", 5000, "203.0.113.9", 9999, 17, 61'000'001));
  c.endAll(EndReason::EndOfInput);
  REQUIRE(cap.ended.size() == 2);
  CHECK(cap.ended[0].reason == EndReason::IdleTimeout);
  CHECK(cap.ended[1].reason == EndReason::EndOfInput);
  CHECK(cap.ended[0].id != cap.ended[1].id);
}

TEST_CASE("classifier: at the cap the oldest idle flow is evicted and counted", "[classify]") {
  test::FakeDpiEngine eng;
  Capture cap;
  ClassifierConfig cfg;
  cfg.table.max_flows = 2;
  Classifier c(cfg, eng, testMatcher(), cap);
  c.onPacket(pkt("10.0.0.1", 1, "203.0.113.9", 9, 17, 10));
  c.onPacket(pkt("10.0.0.2", 2, "203.0.113.9", 9, 17, 20));
  c.onPacket(pkt("10.0.0.1", 1, "203.0.113.9", 9, 17, 30)); // flow 1 is now the most recent
  c.onPacket(pkt("10.0.0.3", 3, "203.0.113.9", 9, 17, 40)); // evicts flow 2
  REQUIRE(cap.ended.size() == 1);
  CHECK(cap.ended[0].src == ip("10.0.0.2"));
  CHECK(cap.ended[0].reason == EndReason::Evicted);
  CHECK(c.table().stats().ended[static_cast<int>(EndReason::Evicted)] == 1);
  CHECK(c.table().size() == 2);
}

TEST_CASE("classifier: flow ids and output do not depend on the process's hash key", "[classify]") {
  // The tables are keyed with a random key per process (issue 13.2); flow ids are a hash of
  // the flow key and start time only, so offline output stays the same in every run.
  auto run = [](const HashKey& key) {
    test::FakeDpiEngine eng;
    Capture cap;
    ClassifierConfig cfg;
    cfg.hash_key = key;
    Classifier c(cfg, eng, testMatcher(), cap);
    for (std::uint16_t i = 0; i < 50; ++i)
      c.onPacket(
          pkt("10.0.0.1", static_cast<std::uint16_t>(1000 + i), "198.51.100.9", 9, 17, 10 + i));
    c.endAll(EndReason::EndOfInput);
    std::vector<std::uint64_t> ids;
    for (const auto& e : cap.ended)
      ids.push_back(e.id);
    return std::make_pair(ids, cap.alerts.size());
  };
  const auto a = run(HashKey::fixed(1, 2));
  const auto b = run(HashKey::fixed(0xdead, 0xbeef));
  REQUIRE(a.first.size() == 50);
  CHECK(a == b);
  // And they are the documented function of key and start time.
  bool lo = false;
  DecodedPacket p = pkt("10.0.0.1", 1000, "198.51.100.9", 9, 17, 10);
  const FlowKey k = makeFlowKey(p, true, lo);
  const std::uint64_t want =
      (flowIdHash(k) ^ (static_cast<std::uint64_t>(10) * 0x9e3779b97f4a7c15ULL)) &
      ((std::uint64_t{1} << 53) - 1);
  CHECK(a.first.front() == want);
}

TEST_CASE("classifier: DPI state is freed once the engine is done", "[classify]") {
  test::FakeDpiEngine eng;
  eng.done_after = 2;
  Capture cap;
  Classifier c(ClassifierConfig{}, eng, testMatcher(), cap);
  const std::uint8_t data[] = {1, 2, 3, 4};
  c.onPacket(pkt("10.0.0.1", 1000, "203.0.113.9", 9000, 17, 10, 0, data));
  CHECK(eng.live_flows == 1);
  c.onPacket(pkt("203.0.113.9", 9000, "10.0.0.1", 1000, 17, 20, 0, data));
  CHECK(eng.live_flows == 0);
  for (int i = 0; i < 10; ++i)
    c.onPacket(pkt("10.0.0.1", 1000, "203.0.113.9", 9000, 17, 30 + i, 0, data));
  CHECK(c.stats().dpi_packets == 2);
  CHECK(c.stats().dpi_freed_early == 1);
  c.endAll(EndReason::EndOfInput);
  CHECK(cap.ended.size() == 1);
}

TEST_CASE("classifier: a DNS answer attributes a later SNI-less flow through the cache",
          "[classify]") {
  test::FakeDpiEngine eng;
  eng.done_after = 1;
  Capture cap;
  ClassifierConfig cfg;
  cfg.log_dns = true;
  Classifier c(cfg, eng, testMatcher(), cap);
  const std::uint8_t addr[4] = {203, 0, 113, 77};
  const auto query = dnsQuery("ts01-b.cloudsink.net");
  const auto resp = dnsResponse("ts01-b.cloudsink.net", addr, 300);
  c.onPacket(pkt("10.0.0.5", 33333, "10.0.0.8", 53, 17, 999'000, 0, query));
  c.onPacket(pkt("10.0.0.8", 53, "10.0.0.5", 33333, 17, 1'000'000, 0, resp));
  REQUIRE(c.dnsCache().size() == 1);
  // The DNS lookup itself is attributed to the querier.
  REQUIRE(cap.alerts.size() == 1);
  CHECK(cap.alerts[0].first == ip("10.0.0.5"));
  CHECK(cap.alerts[0].second == "dns.query");
  // Then a TCP connection to the answered address, with no name at all.
  const std::uint8_t junk[] = {0x00, 0x01, 0x02, 0x03, 0x04};
  c.onPacket(pkt("10.0.0.5", 50000, "203.0.113.77", 443, 6, 2'000'000, kSyn));
  c.onPacket(pkt("10.0.0.5", 50000, "203.0.113.77", 443, 6, 2'000'010, kAck, junk));
  c.endAll(EndReason::EndOfInput);
  REQUIRE(c.ledger().entries().size() == 1);
  const auto& e = c.ledger().entries().begin()->second;
  CHECK(e.vendor_id == "crowdstrike");
  CHECK(e.dns_lookups == 1);
  CHECK(e.flows == 1);
  CHECK(e.bytes_to_vendor == 40 + 45);
  CHECK(c.ledger().coverage().dns_cache_attributions == 1);
  CHECK(cap.dns == std::vector<std::string>{"ts01-b.cloudsink.net"});
}

TEST_CASE("classifier: an expired DNS answer does not attribute", "[classify]") {
  test::FakeDpiEngine eng;
  eng.done_after = 1;
  Capture cap;
  ClassifierConfig cfg;
  cfg.dedup_window = 0;
  cfg.dns_min_ttl = 0; // the record's own TTL (5 s) only
  Classifier c(cfg, eng, testMatcher(), cap);
  const std::uint8_t addr[4] = {203, 0, 113, 78};
  const auto resp = dnsResponse("ts01-b.cloudsink.net", addr, 5);
  c.onPacket(
      pkt("10.0.0.5", 33333, "10.0.0.8", 53, 17, 999'000, 0, dnsQuery("ts01-b.cloudsink.net")));
  c.onPacket(pkt("10.0.0.8", 53, "10.0.0.5", 33333, 17, 1'000'000, 0, resp));
  c.onPacket(pkt("10.0.0.5", 50000, "203.0.113.78", 443, 6, 7'000'000, kSyn));
  c.endAll(EndReason::EndOfInput);
  REQUIRE(c.ledger().entries().size() == 1);
  const auto& e = c.ledger().entries().begin()->second;
  CHECK(e.flows == 0);
  CHECK(e.dns_lookups == 1);
}

TEST_CASE("classifier: an address in a vendor block alerts at flow end, not before", "[classify]") {
  test::FakeDpiEngine eng;
  eng.done_after = 0; // never done: the indirect verdict waits for the flow end
  Capture cap;
  Classifier c(ClassifierConfig{}, eng, testMatcher(), cap);
  c.onPacket(pkt("10.0.0.5", 50000, "198.51.100.20", 443, 6, 1000, kSyn));
  CHECK(cap.alerts.empty());
  c.endAll(EndReason::EndOfInput);
  REQUIRE(cap.alerts.size() == 1);
  CHECK(cap.alerts[0].second == "ip");
  CHECK(cap.ended[0].vendor == "crowdstrike");
}

TEST_CASE("classifier: alerts are deduplicated per host and vendor", "[classify]") {
  test::FakeDpiEngine eng;
  eng.done_after = 1;
  Capture cap;
  ClassifierConfig cfg;
  cfg.dedup_window = 3'600'000'000;
  Classifier c(cfg, eng, testMatcher(), cap);
  for (int i = 0; i < 3; ++i)
    c.onPacket(pkt("10.0.0.5", static_cast<std::uint16_t>(50000 + i), "198.51.100.20", 443, 6,
                   1000 + i, kSyn));
  c.endAll(EndReason::EndOfInput);
  CHECK(cap.alerts.size() == 1);
  CHECK(c.stats().alerts_deduplicated == 2);
  REQUIRE(c.ledger().entries().size() == 1);
  CHECK(c.ledger().entries().begin()->second.flows == 3);
}

namespace {
struct SniCapture final : RecordSink {
  std::vector<std::string> snis;
  void flowEnded(const FlowRecord& r) override {
    if (r.facts != nullptr && r.facts->tls)
      snis.push_back(r.facts->tls->sni);
  }
  void vendorAlert(const VendorAlert&) override {}
  void dnsTransaction(const FlowRecord&, const DnsTxnFact&) override {}
  void httpRequest(const FlowRecord&, const HttpFacts&) override {}
};

std::string classifyHello(const std::vector<std::vector<std::uint8_t>>& client_segments) {
  test::FakeDpiEngine eng;
  eng.done_after = 1;
  SniCapture cap;
  Classifier c(ClassifierConfig{}, eng, testMatcher(), cap);
  std::uint32_t seq = 1000;
  TimeUs t = 10;
  c.onPacket(pkt("10.0.0.5", 40000, "203.0.113.9", 443, 6, t++, tcpflag::kSyn));
  for (const auto& seg : client_segments) {
    auto p = pkt("10.0.0.5", 40000, "203.0.113.9", 443, 6, t++, tcpflag::kAck, seg);
    p.tcp_seq = seq;
    seq += static_cast<std::uint32_t>(seg.size());
    c.onPacket(p);
  }
  c.endAll(EndReason::EndOfInput);
  return cap.snis.empty() ? std::string("<none>") : cap.snis.front();
}
} // namespace

#include "../proto/tls_fixtures.h"

TEST_CASE("classifier: a ClientHello split over two TCP segments is reassembled", "[classify]") {
  using vw::classify::test::kChromeIitCnr;
  const std::vector<std::uint8_t> hello(std::begin(kChromeIitCnr), std::end(kChromeIitCnr));
  const std::vector<std::uint8_t> a(hello.begin(), hello.begin() + 100);
  const std::vector<std::uint8_t> b(hello.begin() + 100, hello.end());
  CHECK(classifyHello({a, b}) == "www.iit.cnr.it");
}

TEST_CASE("classifier: a ClientHello after STARTTLS-style plaintext is found", "[classify]") {
  using vw::classify::test::kChromeIitCnr;
  const std::string cmd = "EHLO client.example\r\n";
  const std::string starttls = "STARTTLS\r\n";
  const std::vector<std::uint8_t> hello(std::begin(kChromeIitCnr), std::end(kChromeIitCnr));
  CHECK(classifyHello({{cmd.begin(), cmd.end()}, {starttls.begin(), starttls.end()}, hello}) ==
        "www.iit.cnr.it");
}

TEST_CASE("classifier: a PROXY protocol v1 header before the ClientHello is skipped",
          "[classify]") {
  using vw::classify::test::kChromeIitCnr;
  const std::string proxy = "PROXY TCP4 198.51.100.1 203.0.113.9 56324 443\r\n";
  std::vector<std::uint8_t> seg(proxy.begin(), proxy.end());
  seg.insert(seg.end(), std::begin(kChromeIitCnr), std::end(kChromeIitCnr));
  CHECK(classifyHello({seg}) == "www.iit.cnr.it");
}

TEST_CASE("classifier: a flow without payload never gets inspection state", "[classify]") {
  vw::test::FakeDpiEngine eng;
  Capture cap;
  Classifier c(ClassifierConfig{}, eng, testMatcher(), cap);
  // A SYN scan: handshakes only.
  for (std::uint16_t port = 1; port <= 50; ++port) {
    c.onPacket(pkt("10.0.0.5", 40000, "203.0.113.9", port, 6, port, kSyn));
    c.onPacket(pkt("203.0.113.9", port, "10.0.0.5", 40000, 6, port, tcpflag::kRst));
  }
  CHECK(eng.created == 0);
  CHECK(c.stats().dpi_flows == 0);
  const std::uint8_t data[] = {'h', 'i'};
  c.onPacket(pkt("10.0.0.5", 40001, "203.0.113.9", 80, 6, 100, kSyn));
  CHECK(eng.created == 0);
  c.onPacket(pkt("10.0.0.5", 40001, "203.0.113.9", 80, 6, 101, kAck, data));
  CHECK(eng.created == 1);
  c.endAll(EndReason::EndOfInput);
  CHECK(cap.ended.size() == 51);
}

TEST_CASE("classifier: a flow gone quiet mid-inspection has its DPI state freed", "[classify]") {
  vw::test::FakeDpiEngine eng;
  eng.done_after = 0; // never says done
  Capture cap;
  ClassifierConfig cfg;
  cfg.inspect_idle_timeout = 5'000'000;
  Classifier c(cfg, eng, testMatcher(), cap);
  const std::uint8_t data[] = {1, 2, 3, 4};
  c.onPacket(pkt("10.0.0.1", 1000, "203.0.113.9", 9000, 17, 1'000'000, 0, data));
  c.onPacket(pkt("10.0.0.2", 1000, "203.0.113.9", 9000, 17, 3'000'000, 0, data));
  CHECK(eng.live_flows == 2);
  // Another flow's packet moves the clock: 5 s after the first flow's last packet.
  c.onPacket(pkt("10.0.0.3", 1000, "203.0.113.9", 9000, 17, 6'000'000, 0, data));
  CHECK(eng.live_flows == 2); // flow 1 freed, flow 3 created
  CHECK(c.stats().inspect_idle_ended == 1);
  c.onPacket(pkt("10.0.0.3", 1000, "203.0.113.9", 9000, 17, 8'100'000, 0, data));
  CHECK(c.stats().inspect_idle_ended == 2); // flow 2 (last packet at 3 s)
  CHECK(eng.live_flows == 1);
  // The quiet flow stays in the table and is not inspected again.
  c.onPacket(pkt("10.0.0.1", 1000, "203.0.113.9", 9000, 17, 8'200'000, 0, data));
  CHECK(eng.created == 3);
  CHECK(c.table().size() == 3);
  c.endAll(EndReason::EndOfInput);
  CHECK(cap.ended.size() == 3);
  CHECK(eng.live_flows == 0);
}

TEST_CASE("classifier: timeout 0 keeps inspection until the flow ends", "[classify]") {
  vw::test::FakeDpiEngine eng;
  eng.done_after = 0;
  Capture cap;
  ClassifierConfig cfg;
  cfg.inspect_idle_timeout = 0;
  Classifier c(cfg, eng, testMatcher(), cap);
  const std::uint8_t data[] = {1, 2, 3, 4};
  c.onPacket(pkt("10.0.0.1", 1000, "203.0.113.9", 9000, 17, 1'000'000, 0, data));
  c.onPacket(pkt("10.0.0.3", 1000, "203.0.113.9", 9000, 17, 60'000'000, 0, data));
  CHECK(eng.live_flows == 2);
  CHECK(c.stats().inspect_idle_ended == 0);
}

TEST_CASE("classifier: pure ACKs are not handed to the DPI engine", "[classify]") {
  vw::test::FakeDpiEngine eng;
  eng.done_after = 0;
  Capture cap;
  Classifier c(ClassifierConfig{}, eng, testMatcher(), cap);
  const std::uint8_t data[] = {'x', 'y'};
  c.onPacket(pkt("10.0.0.5", 40001, "203.0.113.9", 7000, 6, 1, kSyn));
  c.onPacket(pkt("203.0.113.9", 7000, "10.0.0.5", 40001, 6, 2, kSynAck));
  c.onPacket(pkt("10.0.0.5", 40001, "203.0.113.9", 7000, 6, 3, kAck, data));
  for (int i = 0; i < 5; ++i)
    c.onPacket(pkt("203.0.113.9", 7000, "10.0.0.5", 40001, 6, 4 + i, kAck));
  c.onPacket(pkt("203.0.113.9", 7000, "10.0.0.5", 40001, 6, 10, kAck, data));
  CHECK(c.stats().dpi_packets == 2);
}

TEST_CASE("classifier: with an external clock only tick() expires flows", "[classify]") {
  vw::test::FakeDpiEngine eng;
  Capture cap;
  ClassifierConfig cfg;
  cfg.external_clock = true;
  cfg.table.idle_timeout = 10'000'000;
  Classifier c(cfg, eng, testMatcher(), cap);
  c.onPacket(pkt("10.0.0.1", 1000, "203.0.113.9", 9000, 17, 1'000'000));
  c.onPacket(pkt("10.0.0.2", 1000, "203.0.113.9", 9000, 17, 30'000'000));
  CHECK(cap.ended.empty());
  c.tick(30'000'000);
  REQUIRE(cap.ended.size() == 1);
  CHECK(cap.ended[0].reason == EndReason::IdleTimeout);
}

TEST_CASE("classifier: a stronger verdict within the dedup window is alerted (issue 12.2)",
          "[classify]") {
  vw::test::FakeDpiEngine eng;
  eng.done_after = 1;
  Capture cap;
  ClassifierConfig cfg;
  cfg.dedup_window = 3'600'000'000;
  Classifier c(cfg, eng, testMatcher(), cap);
  // An address-only verdict (medium) first...
  c.onPacket(pkt("10.0.0.5", 50000, "198.51.100.20", 443, 6, 1'000'000, kSyn));
  c.endAll(EndReason::EndOfInput);
  REQUIRE(cap.alerts.size() == 1);
  // ...then the sensor names itself (high): not swallowed by the earlier event.
  const std::string get = "GET / HTTP/1.1\r\nHost: ts01-b.cloudsink.net\r\n\r\n";
  const std::vector<std::uint8_t> payload(get.begin(), get.end());
  c.onPacket(pkt("10.0.0.5", 50001, "192.0.2.80", 80, 6, 2'000'000, kSyn));
  c.onPacket(pkt("10.0.0.5", 50001, "192.0.2.80", 80, 6, 2'000'100, kAck, payload));
  REQUIRE(cap.alerts.size() == 2);
  CHECK(cap.alerts[1].second == "http.host");
  // The same again is a duplicate.
  c.onPacket(pkt("10.0.0.5", 50002, "192.0.2.80", 80, 6, 3'000'000, kSyn));
  c.onPacket(pkt("10.0.0.5", 50002, "192.0.2.80", 80, 6, 3'000'100, kAck, payload));
  c.endAll(EndReason::EndOfInput);
  CHECK(cap.alerts.size() == 2);
  CHECK(c.stats().alerts_deduplicated == 1);
  REQUIRE(c.ledger().entries().size() == 1);
  CHECK(c.ledger().entries().begin()->second.best.confidence == Confidence::High);
}

TEST_CASE("classifier: the dedup map is bounded and its evictions are in the ledger",
          "[classify]") {
  vw::test::FakeDpiEngine eng;
  Capture cap;
  ClassifierConfig cfg;
  cfg.dedup_max_keys = 16;
  Classifier c(cfg, eng, testMatcher(), cap);
  for (int i = 0; i < 200; ++i) {
    const std::string host = "10.1." + std::to_string(i / 200) + "." + std::to_string(i % 200);
    c.onPacket(pkt(host.c_str(), 50000, "198.51.100.20", 443, 6, 1000 + i, kSyn));
  }
  c.endAll(EndReason::EndOfInput);
  CHECK(cap.alerts.size() == 200);
  CHECK(c.ledger().evictions().dedup > 0);
  CHECK(c.ledger().evictions().dedup <= 200);
}
