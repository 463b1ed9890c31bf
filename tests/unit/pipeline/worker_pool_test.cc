// The offline worker pool: the same events, ledger and counters for 1, 2 and 3 workers; hosts
// stay whole on one worker; the DPI engine comes from the factory the caller passes.
#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <vw/alerts/summary.h>
#include <vw/pipeline/worker_pool.h>
#include <vw/signatures/loader.h>

#include "../packet/frame_builder.h"
#include "fakes/fake_dpi_engine.h"

using namespace vw;
using namespace vw::test;

namespace {

class CollectSink final : public alerts::EventSink {
public:
  void write(const alerts::OutEvent& ev) override { lines.push_back(ev.json); }
  bool flush(int) override { return true; }
  alerts::SinkStats stats() const override { return {}; }
  std::string name() const override { return "collect"; }
  std::vector<std::string> lines;
};

std::shared_ptr<const signatures::Matcher> realMatcher() {
  auto res = signatures::loadSignatureDir(VW_SIGNATURES_DIR);
  REQUIRE(res.ok());
  return std::make_shared<const signatures::Matcher>(res.set);
}

struct Frames {
  std::vector<Bytes> wire;
  std::vector<TimeUs> ts;
};

/// 60 internal hosts, each with an HTTP request naming a CrowdStrike host and a plain TLS-port
/// connection elsewhere, interleaved over 30 s of packet time.
Frames traffic() {
  Frames f;
  const std::string req = "GET / HTTP/1.1\r\nHost: ts01-b.cloudsink.net\r\nUser-Agent: t\r\n\r\n";
  const Bytes body(req.begin(), req.end());
  TimeUs t = 1'700'000'000'000'000;
  for (int round = 0; round < 3; ++round)
    for (int h = 0; h < 60; ++h) {
      const V4 host{10, 0, static_cast<std::uint8_t>(h / 200),
                    static_cast<std::uint8_t>(h % 200 + 1)};
      const V4 web{93, 184, 216, static_cast<std::uint8_t>(h % 50)};
      const V4 other{203, 0, 113, static_cast<std::uint8_t>(h)};
      const auto sport = static_cast<std::uint16_t>(40000 + round * 100 + h);
      auto add = [&](const Bytes& l3) {
        f.wire.push_back(ethernet(0x0800) + l3);
        f.ts.push_back(t);
        t += 50'000;
      };
      add(ipv4(6, host, web, 20) + tcp(sport, 80, 1, 0, 0x02));
      add(ipv4(6, web, host, 20) + tcp(80, sport, 1, 2, 0x12));
      add(ipv4(6, host, web, 20 + body.size()) + tcp(sport, 80, 2, 2, 0x18) + body);
      add(ipv4(6, host, other, 20) + tcp(sport, 443, 1, 0, 0x02));
      add(ipv4(6, other, host, 20) + tcp(443, sport, 1, 2, 0x12));
    }
  return f;
}

struct Result {
  std::vector<std::string> lines; ///< sorted
  std::vector<std::string> raw;   ///< in the order written
  pipeline::PoolSnapshot snap;
  std::vector<std::uint64_t> routed;
  int engines = 0;
};

Result run(std::uint32_t workers, const Frames& frames, std::size_t host_cap = 32768) {
  Result r;
  CollectSink sink;
  classify::ClassifierConfig cfg;
  cfg.ledger_caps.hosts = host_cap;
  cfg.keep_facts = true;
  std::vector<test::FakeDpiEngine*> made;
  pipeline::DpiEngineFactory factory = [&r](std::string&) -> classify::DpiEnginePtr {
    ++r.engines;
    auto e = std::make_unique<test::FakeDpiEngine>();
    e->proto = 7; // HTTP
    return e;
  };
  pipeline::WorkerPool pool(cfg, /*log_flows=*/true, realMatcher(), {&sink}, workers, factory);
  std::string err;
  REQUIRE(pool.start(err));
  DecodedPacket dp;
  for (std::size_t i = 0; i < frames.wire.size(); ++i) {
    PacketView pv;
    pv.ts = frames.ts[i];
    pv.link_type = linktype::kEthernet;
    pv.wire_len = static_cast<std::uint32_t>(frames.wire[i].size());
    pv.data = frames.wire[i];
    REQUIRE(decodeUsable(decodePacket(pv, dp)));
    pool.route(pv, dp);
  }
  pool.finish();
  r.raw = sink.lines;
  r.lines = sink.lines;
  std::sort(r.lines.begin(), r.lines.end());
  r.snap = pool.snapshot(true);
  r.routed = pool.routed();
  return r;
}

} // namespace

TEST_CASE("worker pool: 1, 2 and 3 workers give the same events, ledger and counters", "[pool]") {
  const Frames frames = traffic();
  const Result one = run(1, frames);
  REQUIRE(one.engines == 1);
  REQUIRE(one.snap.stats.vendor_alerts > 0);
  REQUIRE(one.snap.table.created == 360);
  const auto sigs = realMatcher();
  alerts::SummaryMeta meta;
  const std::string ledger1 = alerts::summaryJson(one.snap.ledger, sigs->set(), meta).dump();
  for (std::uint32_t n : {2u, 3u}) {
    INFO(n << " workers");
    const Result r = run(n, frames);
    CHECK(r.engines == static_cast<int>(n));
    CHECK(r.lines == one.lines);
    CHECK(r.snap.table.created == one.snap.table.created);
    CHECK(r.snap.stats.vendor_alerts == one.snap.stats.vendor_alerts);
    CHECK(r.snap.stats.alerts_deduplicated == one.snap.stats.alerts_deduplicated);
    CHECK(alerts::summaryJson(r.snap.ledger, sigs->set(), meta).dump() == ledger1);
    REQUIRE(r.routed.size() == n);
    std::uint64_t total = 0;
    for (auto c : r.routed) {
      CHECK(c > 0); // 60 hosts spread over every worker
      total += c;
    }
    CHECK(total == frames.wire.size());
  }
}

TEST_CASE("worker pool: thousands of flows ended at once are written in bounded chunks, the same "
          "for any worker count and run after run",
          "[pool]") {
  // 5000 internal hosts, one SYN each to a CrowdStrike `cidr` address, all within 0.05 s: the
  // end of input ends 5000 flows at once, each with a flow record and a vendor event (10,000
  // events, many chunks per worker; once they were one batch held in memory).
  Frames f;
  TimeUs t = 1'700'000'000'000'000;
  for (int h = 0; h < 5000; ++h) {
    const V4 host{10, 1, static_cast<std::uint8_t>(h / 250),
                  static_cast<std::uint8_t>(h % 250 + 1)};
    f.wire.push_back(ethernet(0x0800) + ipv4(6, host, V4{52, 25, 223, 26}, 20) +
                     tcp(40000, 443, 1, 0, 0x02));
    f.ts.push_back(t);
    t += 10;
  }
  const Result one = run(1, f);
  REQUIRE(one.snap.stats.vendor_alerts == 5000);
  REQUIRE(one.lines.size() == 10000);
  for (std::uint32_t n : {2u, 3u}) {
    INFO(n << " workers");
    const Result a = run(n, f);
    CHECK(a.lines == one.lines);
    CHECK(run(n, f).raw == a.raw);
  }
  CHECK(run(1, f).raw == one.raw);
}

TEST_CASE("worker pool: a factory that fails stops start() with its message", "[pool]") {
  CollectSink sink;
  pipeline::DpiEngineFactory broken = [](std::string& err) -> classify::DpiEnginePtr {
    err = "no engine today";
    return nullptr;
  };
  pipeline::WorkerPool pool(classify::ClassifierConfig{}, false, realMatcher(), {&sink}, 2, broken);
  std::string err;
  CHECK_FALSE(pool.start(err));
  CHECK(err == "no engine today");
}

TEST_CASE("worker pool: totals are split between workers", "[pool]") {
  classify::ClassifierConfig total;
  total.table.max_flows = 1001;
  total.dns_cache_entries = 10;
  total.dedup_max_keys = 9;
  total.ledger_caps = {.hosts = 32768, .instances = 3, .web = 4, .inspection = 1, .journal = 7};
  const auto per = pipeline::perWorkerConfig(total, 4);
  CHECK(per.table.max_flows == 251);
  CHECK(per.dns_cache_entries == 3);
  // Every table keyed by packet data: the caps bound the process, not each worker.
  CHECK(per.dedup_max_keys == 3);
  CHECK(per.ledger_caps.hosts == 8192);
  CHECK(per.ledger_caps.instances == 1);
  CHECK(per.ledger_caps.web == 1);
  CHECK(per.ledger_caps.inspection == 1);
  CHECK(per.ledger_caps.journal == 2);
  const auto one = pipeline::perWorkerConfig(total, 0);
  CHECK(one.table.max_flows == 1001);
  CHECK(one.ledger_caps.hosts == 32768);
  CHECK(one.dedup_max_keys == 9);
}

TEST_CASE("worker pool: the ledger's host cap is a total for the process", "[pool]") {
  // 60 hosts use CrowdStrike; the cap of 25 host x vendor entries holds for 1, 2 and 3 workers
  // (each worker keeps ceil(25 / n)); the merged ledger has the total as its cap.
  const Frames frames = traffic();
  for (std::uint32_t n : {1u, 2u, 3u}) {
    INFO(n << " workers");
    const Result r = run(n, frames, 25);
    CHECK(r.snap.ledger.caps().hosts == 25);
    CHECK(r.snap.ledger.entries().size() <= 25);
    CHECK(r.snap.ledger.entries().size() > 0);
    CHECK(r.snap.ledger.evictions().hosts > 0); // hosts come back each round: counted each time
  }
}
