// vw_ledger_bench: builds a ledger store with synthetic data through the store's own commit and
// retention paths, as a sensor would over DAYS days, and prints how long that took and how big
// the file is. The figures in docs/ledger.md come from it (and from timing `vendorwatch report`
// on the result).
//
// usage: vw_ledger_bench OUT.db [--hosts N] [--days D] [--hourly-days H] [--retain R]
//                        [--seed S] [--start YYYY-MM-DD] [--commit-hours C] [--fast-history]
//
// Model (deterministic for a seed): N hosts 10.x.y.z use 1 to 3 of 8 vendor products; agents
// (EDR, vulnerability scanner, ePO agent) are in contact every hour, interactive products (VPN
// client, vCenter updates, cloud console) on weekdays 08:00-17:00. 85 % of host x product pairs
// exist from day 0, the others start on a random day; 60 % stop on a random day (the
// migration), the rest never stop. Every 50th host also runs a vSphere instance with clients;
// 30 % of hosts visit a vendor web site once a week; 5 % of hosts see a TLS-inspection CA each
// working day. One commit per simulated hour (or per
// --commit-hours);
// --fast-history commits the days that retention will fold anyway (older than H days before the
// end) as one row per series and day, i.e. what the daily retention leaves of them, so that a
// year for 10,000 hosts builds in minutes instead of hours; the last H days stay hourly. retention
// (fold hourly rows older than H days, drop rows older than R days) once per simulated day, as
// `live --ledger` does.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include <vw/alerts/report.h>
#include <vw/store/ledger_store.h>

using namespace vw::store;
using Json = nlohmann::json;

namespace {

struct Product {
  const char* vendor;
  const char* vendor_name;
  const char* product;
  bool agent; // every hour, else weekday office hours
};

constexpr Product kProducts[] = {
    {"crowdstrike", "CrowdStrike", "falcon-sensor", true},
    {"sentinelone", "SentinelOne", "s1-agent", true},
    {"mcafee", "Trellix (McAfee)", "epo-agent", true},
    {"rapid7", "Rapid7", "insight-agent", true},
    {"paloalto", "Palo Alto Networks", "globalprotect", false},
    {"fortinet", "Fortinet", "forticlient", false},
    {"vmware", "VMware (Broadcom)", "vcenter-update", false},
    {"wiz", "Wiz", "wiz-console", false},
};

struct Pair {
  int host;
  int product;
  int start_day, stop_day; // active on [start_day, stop_day)
};

std::string addr(int i) {
  return "10." + std::to_string(i / 65536) + "." + std::to_string((i / 256) % 256) + "." +
         std::to_string(i % 256);
}

double secondsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(
        stderr,
        "usage: vw_ledger_bench OUT.db [--hosts N] [--days D] [--hourly-days H] "
        "[--retain R] [--seed S] [--start YYYY-MM-DD] [--commit-hours C] [--fast-history]\n");
    return 2;
  }
  const std::string out = argv[1];
  int hosts = 10000, days = 365, hourly_days = 14, retain = 0, commit_hours = 1;
  unsigned seed = 14;
  std::string start = "2025-01-01";
  bool fast_history = false;
  for (int i = 2; i < argc; i += 2) {
    const std::string k = argv[i];
    if (k == "--fast-history") {
      fast_history = true;
      --i;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "option %s needs a value\n", k.c_str());
      return 2;
    }
    const std::string v = argv[i + 1];
    if (k == "--hosts")
      hosts = std::atoi(v.c_str());
    else if (k == "--days")
      days = std::atoi(v.c_str());
    else if (k == "--hourly-days")
      hourly_days = std::atoi(v.c_str());
    else if (k == "--retain")
      retain = std::atoi(v.c_str());
    else if (k == "--seed")
      seed = static_cast<unsigned>(std::atoi(v.c_str()));
    else if (k == "--commit-hours")
      commit_hours = std::max(1, std::atoi(v.c_str()));
    else if (k == "--start")
      start = v;
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  std::int64_t t0 = 0;
  if (!vw::alerts::parseTime(start, t0)) {
    std::fprintf(stderr, "bad --start\n");
    return 2;
  }
  std::filesystem::remove(out);
  std::string err;
  auto st = LedgerStore::open(out, LedgerStore::Mode::ReadWrite, err);
  if (!st) {
    std::fprintf(stderr, "%s\n", err.c_str());
    return 2;
  }
  std::mt19937_64 rng(seed);
  auto uni = [&](int a, int b) { return std::uniform_int_distribution<int>(a, b)(rng); };
  std::vector<Pair> pairs;
  for (int h = 0; h < hosts; ++h) {
    const int n = uni(1, 3);
    std::vector<int> used;
    while (static_cast<int>(used.size()) < n) {
      const int p = uni(0, static_cast<int>(std::size(kProducts)) - 1);
      if (std::find(used.begin(), used.end(), p) == used.end())
        used.push_back(p);
    }
    for (int p : used) {
      Pair x{h, p, 0, days};
      if (uni(1, 100) > 85)
        x.start_day = uni(1, std::max(1, days - 30));
      if (uni(1, 100) <= 60)
        x.stop_day = uni(x.start_day + 1, days + days / 3); // some stop after the period
      pairs.push_back(x);
    }
  }
  // The names and verdicts once (what a sensor's summary carries), then hourly commits.
  Json summary = {{"hosts", Json::array()}, {"instances", Json::array()}};
  for (const auto& x : pairs) {
    const Product& p = kProducts[x.product];
    summary["hosts"].push_back(Json{
        {"ip", addr(x.host)},
        {"vendors",
         Json::array(
             {Json{{"id", p.vendor},
                   {"name", p.vendor_name},
                   {"status", "banned"},
                   {"role", "client"},
                   {"confidence", "high"},
                   {"products", Json::array({p.product})},
                   {"evidence", Json::array({Json{{"field", "tls.sni"},
                                                  {"value", std::string(p.product) + ".example"},
                                                  {"indicator", p.vendor},
                                                  {"source", "synthetic"}}})}}})}});
  }
  for (int h = 0; h < hosts; h += 50) {
    Json clients = Json::array();
    for (int c = 1; c <= 5 && h + c < hosts; ++c)
      clients.push_back(addr(h + c));
    summary["instances"].push_back(Json{{"ip", addr(h)},
                                        {"vendor", {{"id", "vmware"}, {"name", "VMware"}}},
                                        {"product", {{"id", "esxi"}, {"name", "ESXi"}}},
                                        {"confidence", "high"},
                                        {"clients", clients},
                                        {"client_count", clients.size()}});
  }
  const auto run = st->beginRun(RunInfo{"live", "bench", "synthetic", {"live:bench0"}}, err);
  const auto t_start = std::chrono::steady_clock::now();
  double commit_s = 0, compact_s = 0, max_commit_s = 0;
  std::uint64_t rows_total = 0;
  int commits = 0;
  constexpr std::int64_t kHour = 3'600'000'000LL;
  for (int day = 0; day < days; ++day) {
    const bool weekday = (day + 3) % 7 < 5; // 2025-01-01 is a Wednesday
    std::vector<Row> rows;
    for (int hour = 0; hour < 24; ++hour) {
      if (!(fast_history && day < days - hourly_days - 1) && hour % commit_hours == 0)
        rows.clear();
      const std::int64_t at = t0 + (static_cast<std::int64_t>(day) * 24 + hour) * kHour;
      const bool office = weekday && hour >= 8 && hour < 17;
      for (const auto& x : pairs) {
        if (day < x.start_day || day >= x.stop_day)
          continue;
        const Product& p = kProducts[x.product];
        if (!p.agent && !office)
          continue;
        Row r;
        r.kind = Kind::Client;
        r.address = addr(x.host);
        r.vendor = p.vendor;
        r.product = p.product;
        r.period_us = at;
        r.first_us = at + uni(0, 1800) * 1'000'000LL;
        r.last_us = r.first_us + uni(1, 1700) * 1'000'000LL;
        r.flows = static_cast<std::uint64_t>(uni(1, 20));
        r.dns_lookups = static_cast<std::uint64_t>(uni(0, 3));
        r.bytes_to = static_cast<std::uint64_t>(uni(1000, 1000000));
        r.bytes_from = 2 * r.bytes_to;
        r.confidence = 3;
        rows.push_back(std::move(r));
      }
      if (office)
        for (int h = 0; h < hosts; h += 50) {
          Row r;
          r.kind = Kind::Server;
          r.address = addr(h);
          r.vendor = "vmware";
          r.product = "esxi";
          r.period_us = r.first_us = at + 60'000'000;
          r.last_us = at + 3000'000'000LL;
          r.flows = 4;
          r.confidence = 3;
          rows.push_back(r);
        }
      if (hour == 10 && day % 7 == 2)
        for (int h = 3; h < hosts; h += 10) {
          Row r;
          r.kind = Kind::Web;
          r.address = addr(h);
          r.vendor = "paloalto";
          r.product = "paloalto-web";
          r.period_us = r.first_us = r.last_us = at + 600'000'000;
          r.flows = 3;
          r.bytes_to = 5000;
          r.bytes_from = 200000;
          rows.push_back(r);
        }
      if (hour == 11 && weekday)
        for (int h = 7; h < hosts; h += 20) {
          Row r;
          r.kind = Kind::Inspection;
          r.address = addr(h);
          r.vendor = "fortinet";
          r.product = "fortigate-ssl-inspection";
          r.detail = "C=US, O=Fortinet, CN=FortiGate CA";
          r.period_us = r.first_us = r.last_us = at + 300'000'000;
          r.flows = 2;
          rows.push_back(r);
        }
      const bool folded_day = fast_history && day < days - hourly_days - 1;
      if (folded_day && hour != 23)
        continue; // the whole day in one transaction
      if (!folded_day && (hour + 1) % commit_hours != 0 && hour != 23)
        continue; // one transaction per --commit-hours simulated hours
      if (folded_day) {
        // One row per series and day, as the daily retention would fold them.
        std::map<std::tuple<Kind, std::string, std::string, std::string, std::string>, Row>
            day_rows;
        for (auto& r : rows) {
          auto [it, fresh] = day_rows.try_emplace(
              std::make_tuple(r.kind, r.address, r.vendor, r.product, r.detail), r);
          if (fresh)
            continue;
          Row& d = it->second;
          d.flows += r.flows;
          d.dns_lookups += r.dns_lookups;
          d.bytes_to += r.bytes_to;
          d.bytes_from += r.bytes_from;
          d.first_us = std::min(d.first_us, r.first_us);
          d.last_us = std::max(d.last_us, r.last_us);
          d.confidence = std::max(d.confidence, r.confidence);
        }
        rows.clear();
        for (auto& [k, r] : day_rows)
          rows.push_back(std::move(r));
      }
      CommitState cs;
      cs.summary = commits == 0 ? &summary : nullptr;
      cs.first_packet_us = t0;
      cs.last_packet_us = at + kHour - 1;
      const auto tc = std::chrono::steady_clock::now();
      if (!st->commit(run, rows, cs, {}, err)) {
        std::fprintf(stderr, "commit: %s\n", err.c_str());
        return 1;
      }
      const double dt = secondsSince(tc);
      commit_s += dt;
      max_commit_s = std::max(max_commit_s, dt);
      rows_total += rows.size();
      ++commits;
    }
    const auto tc = std::chrono::steady_clock::now();
    CompactStats cst;
    if (!st->compact(retain, hourly_days, cst, err)) {
      std::fprintf(stderr, "compact: %s\n", err.c_str());
      return 1;
    }
    compact_s += secondsSince(tc);
    if ((day + 1) % 30 == 0 || day + 1 == days)
      std::fprintf(stderr, "day %d: %llu rows committed, %.0f s\n", day + 1,
                   static_cast<unsigned long long>(rows_total), secondsSince(t_start));
  }
  st->finishRun(run, err);
  StoreInfo info;
  st->info(info, err);
  st.reset(); // checkpoints the WAL into the file
  const auto size = std::filesystem::file_size(out);
  const double total_s = secondsSince(t_start);
  std::printf("hosts %d, days %d, host x product pairs %zu, hourly-days %d, retain %d%s\n", hosts,
              days, pairs.size(), hourly_days, retain,
              fast_history ? ", fast history (days before the last hourly-days committed as "
                             "daily rows)"
                           : "");
  std::printf("write: %llu rows in %d commits (one per %d simulated hour(s)): %.1f s in commits "
              "(%.0f rows/s, mean %.1f ms, max %.1f ms per commit), %.1f s in daily retention, "
              "%.1f s total\n",
              static_cast<unsigned long long>(rows_total), commits, commit_hours, commit_s,
              commit_s > 0 ? static_cast<double>(rows_total) / commit_s : 0.0,
              1000.0 * commit_s / std::max(1, commits), 1000.0 * max_commit_s, compact_s, total_s);
  std::printf("store: %llu series, %llu activity rows (%llu hourly, %llu daily), file %llu bytes "
              "(%.1f MiB, %.1f KiB per simulated day)\n",
              static_cast<unsigned long long>(info.series),
              static_cast<unsigned long long>(info.activity_rows),
              static_cast<unsigned long long>(info.hourly_rows),
              static_cast<unsigned long long>(info.daily_rows),
              static_cast<unsigned long long>(size), static_cast<double>(size) / 1048576.0,
              static_cast<double>(size) / 1024.0 / std::max(1, days));
  return 0;
}
