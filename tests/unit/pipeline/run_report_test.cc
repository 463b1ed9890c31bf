#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include <vw/pipeline/run_report.h>

using namespace vw;
namespace fs = std::filesystem;

namespace {
pipeline::StatsView sample() {
  pipeline::StatsView v;
  v.input.packets = 10;
  v.input.bytes = 1000;
  v.input.link_types[1] = 10;
  v.input.decode[static_cast<std::size_t>(DecodeStatus::Ok)] = 8;
  v.input.decode[static_cast<std::size_t>(DecodeStatus::NonIp)] = 2;
  v.pool.table.created = 3;
  v.pool.stats.vendor_alerts = 1;
  v.pool.stats.dns_unsolicited = 4;
  v.pool.stats.dns_pending_evicted = 5;
  v.pool.stats.web_verdicts = 6;
  v.pool.vendor_written = 1;
  v.worker_packets = {6, 4};
  return v;
}

fs::path scratch(const char* name) {
  const fs::path d = fs::path(VW_TEST_SCRATCH) / name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}
} // namespace

TEST_CASE("report: one stats schema; scan adds inputs, live adds capture and uptime", "[report]") {
  pipeline::StatsView scan = sample();
  scan.scan = pipeline::ScanInputs{2, 1, 0};
  pipeline::StatsView live = sample();
  pipeline::LiveInfo li;
  li.capture.received = 12;
  li.capture.dropped = 2;
  li.reloads = 1;
  live.live = li;
  const auto js = pipeline::statsJson(scan, 0)["stats"];
  const auto jl = pipeline::statsJson(live, 0)["stats"];
  for (const char* k :
       {"packets", "bytes", "undecodable", "link_types", "decode", "flows", "workers",
        "dpi_packets", "dpi_flows", "unknown_flows", "vendor_alerts", "alerts_written",
        "alerts_deduplicated", "dns_unsolicited", "dns_pending_evicted", "web_verdicts"}) {
    INFO(k);
    CHECK(js.contains(k));
    CHECK(jl.contains(k));
    CHECK(js[k] == jl[k]);
  }
  CHECK(js["undecodable"] == 2);
  CHECK(js["dns_unsolicited"] == 4);
  CHECK(js["dns_pending_evicted"] == 5);
  CHECK(js["web_verdicts"] == 6);
  CHECK(js["inputs"]["read"] == 3);
  CHECK_FALSE(js.contains("capture"));
  CHECK(jl["capture"]["dropped"] == 2);
  CHECK(jl["signature_reloads"] == 1);
  CHECK_FALSE(jl.contains("inputs"));
  CHECK(js["flows"].contains("active"));
  CHECK(js["flows"].contains("bytes_per_slot"));
  const std::string text = pipeline::statsText(live);
  CHECK(text.find("live: 10 packets") != std::string::npos);
  CHECK(text.find("dropped 2") != std::string::npos);
  CHECK(text.find("4 unsolicited responses, 5 open queries evicted") != std::string::npos);
  CHECK(text.find("6 web-presence verdicts without event") != std::string::npos);
  CHECK(text.find("packets per worker: 6 4") != std::string::npos);
}

TEST_CASE("report: the summary is replaced atomically; failures are reported", "[report]") {
  const fs::path d = scratch("summary");
  const std::string path = (d / "ledger.json").string();
  std::string err;
  CHECK(pipeline::summaryWritable(path, err));
  CHECK_FALSE(fs::exists(path + ".tmp"));
  REQUIRE(pipeline::writeSummaryFile(path, nlohmann::ordered_json{{"a", 1}}, err));
  REQUIRE(pipeline::writeSummaryFile(path, nlohmann::ordered_json{{"a", 2}}, err));
  std::ifstream in(path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(nlohmann::json::parse(text)["a"] == 2);
  CHECK_FALSE(fs::exists(path + ".tmp"));

  const std::string missing = (d / "no-such-dir" / "ledger.json").string();
  CHECK_FALSE(pipeline::summaryWritable(missing, err));
  CHECK(err.find("no-such-dir") != std::string::npos);
  err.clear();
  CHECK_FALSE(pipeline::writeSummaryFile(missing, nlohmann::ordered_json{{"a", 1}}, err));
  CHECK(err.find("No such file or directory") != std::string::npos);
  // /dev/full: the write fails; the error says so and the old file is untouched.
  if (fs::exists("/dev/full")) {
    CHECK_FALSE(pipeline::writeSummaryFile("/dev/full/x", nlohmann::ordered_json{}, err));
  }
}
