// The SQLite ledger store (alerts/store): schema, commits, export, retention, identity of
// scanned inputs, refusal of foreign and corrupt files.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <catch2/catch.hpp>

#include <vw/alerts/eve.h>
#include <vw/alerts/report.h>
#include <vw/store/ledger_store.h>

using namespace vw::store;
using Json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kHourUs = 3'600'000'000LL, kDayUs = 24 * kHourUs;
// 2025-01-01T00:00:00Z
constexpr std::int64_t kT0 = 1735689600LL * 1'000'000;

/// A fresh directory per test case, removed at the end.
struct TempDir {
  fs::path dir;
  TempDir() {
    static int n = 0;
    dir = fs::temp_directory_path() /
          ("vw-store-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~TempDir() { fs::remove_all(dir); }
  std::string file(const std::string& name) const { return (dir / name).string(); }
};

std::string readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Row row(Kind k, const std::string& ip, const std::string& vendor, const std::string& product,
        std::int64_t t, std::uint64_t flows = 1, std::uint64_t up = 100) {
  Row r;
  r.kind = k;
  r.address = ip;
  r.vendor = vendor;
  r.product = product;
  r.period_us = t;
  r.first_us = t;
  r.last_us = t + 1'000'000;
  r.flows = flows;
  r.bytes_to = up;
  r.bytes_from = 2 * up;
  r.confidence = 3;
  return r;
}

std::unique_ptr<LedgerStore> openRw(const std::string& path) {
  std::string err;
  auto s = LedgerStore::open(path, LedgerStore::Mode::ReadWrite, err);
  INFO(err);
  REQUIRE(s);
  return s;
}

const nlohmann::ordered_json* findVendor(const nlohmann::ordered_json& doc, const std::string& ip,
                                         const std::string& vendor) {
  for (const auto& h : doc["hosts"])
    if (h["ip"] == ip)
      for (const auto& v : h["vendors"])
        if (v["id"] == vendor)
          return &v;
  return nullptr;
}

} // namespace

TEST_CASE("A new store gets the schema, WAL mode and the vendorwatch application id") {
  TempDir t;
  const auto path = t.file("a.db");
  {
    auto s = openRw(path);
    StoreInfo i;
    std::string err;
    REQUIRE(s->info(i, err));
    CHECK(i.schema == kSchemaVersion);
    CHECK(i.runs == 0);
  }
  const std::string bytes = readAll(path);
  REQUIRE(bytes.size() >= 100);
  CHECK(bytes.compare(0, 15, "SQLite format 3") == 0);
  // Header bytes 18/19 = 2: WAL; 60..63 user_version; 68..71 application_id (big endian).
  CHECK(bytes[18] == 2);
  CHECK(static_cast<unsigned char>(bytes[63]) == kSchemaVersion);
  CHECK(bytes.compare(68, 4, "VWLG") == 0);
  // Read-only opening of the same file works and sees the same schema.
  std::string err;
  auto ro = LedgerStore::open(path, LedgerStore::Mode::ReadOnly, err);
  REQUIRE(ro);
}

TEST_CASE("Commits add up per hour and the export has lifetime totals, products and days") {
  TempDir t;
  auto s = openRw(t.file("a.db"));
  std::string err;
  RunInfo ri{"scan", "0.1.0", "sigs-1", {"a.pcap"}};
  const auto run = s->beginRun(ri, err);
  REQUIRE(run > 0);
  Json summary = {
      {"hosts",
       Json::array({Json{
           {"ip", "10.0.0.2"},
           {"vendors", Json::array({Json{{"id", "wiz"},
                                         {"name", "Wiz"},
                                         {"status", "banned"},
                                         {"role", "client"},
                                         {"confidence", "high"},
                                         {"evidence", Json::array({Json{{"field", "tls.sni"},
                                                                        {"value", "a.wiz.io"},
                                                                        {"indicator", "wiz.io"},
                                                                        {"source", "s"}}})},
                                         {"best", Json{{"product", "wiz-api"},
                                                       {"confidence", "high"},
                                                       {"evidence", Json::array()}}}}})}}})},
      {"coverage", Json{{"flows", 10}, {"tls_flows", 4}}}};
  CommitState cs;
  cs.summary = &summary;
  cs.first_packet_us = kT0;
  cs.last_packet_us = kT0 + 2 * kDayUs;
  cs.packets = 1000;
  std::vector<Row> rows = {row(Kind::Client, "10.0.0.2", "wiz", "wiz-api", kT0 + 10),
                           row(Kind::Client, "10.0.0.2", "wiz", "wiz-api", kT0 + 20 * 60'000'000),
                           row(Kind::Client, "10.0.0.2", "wiz", "wiz-sensor", kT0 + 2 * kDayUs),
                           row(Kind::Client, "10.0.0.10", "wiz", "wiz-api", kT0 + kDayUs)};
  REQUIRE(s->commit(run, rows, cs, {}, err));
  // A second commit in the same hour adds to the same row.
  std::vector<Row> more = {row(Kind::Client, "10.0.0.2", "wiz", "wiz-api", kT0 + 30 * 60'000'000)};
  REQUIRE(s->commit(run, more, cs, {}, err));
  StoreInfo i;
  REQUIRE(s->info(i, err));
  CHECK(i.series == 3);
  CHECK(i.hourly_rows == 3);

  nlohmann::ordered_json doc;
  REQUIRE(s->exportSummary(doc, err));
  const auto* v = findVendor(doc, "10.0.0.2", "wiz");
  REQUIRE(v);
  CHECK((*v)["flows"] == 4);
  CHECK((*v)["bytes_to_vendor"] == 400);
  CHECK((*v)["bytes_from_vendor"] == 800);
  CHECK((*v)["first_seen"] == "2025-01-01T00:00:00.000010Z");
  CHECK((*v)["last_seen"] == "2025-01-03T00:00:01.000000Z");
  CHECK((*v)["name"] == "Wiz");
  CHECK((*v)["role"] == "client");
  CHECK((*v)["products"] == Json::array({"wiz-api", "wiz-sensor"}));
  CHECK((*v)["by_product"]["wiz-api"]["flows"] == 3);
  CHECK((*v)["by_product"]["wiz-sensor"]["flows"] == 1);
  CHECK((*v)["best"]["product"] == "wiz-api");
  CHECK((*v)["evidence"].size() == 1);
  // Contact on the 1st and the 3rd, not the 2nd.
  CHECK((*v)["active_days"] == Json::array({Json::array({"2025-01-01", "2025-01-01"}),
                                            Json::array({"2025-01-03", "2025-01-03"})}));
  // Hosts sorted by address, not by text.
  CHECK(doc["hosts"][0]["ip"] == "10.0.0.2");
  CHECK(doc["hosts"][1]["ip"] == "10.0.0.10");
  CHECK(doc["vendors"][0]["hosts"] == 2);
  // The run's coverage is replaced at each commit, not added.
  CHECK(doc["coverage"]["flows"] == 10);
  CHECK(doc["vendorwatch"]["packets"] == 1000);
  CHECK(doc["vendorwatch"]["covered_days"].size() == 1);
  // The merger reads the export.
  vw::alerts::ReportMerger m;
  REQUIRE(m.add(Json(doc), "store", err));
}

TEST_CASE("Instances keep the union of their clients; web and inspection have their sections") {
  TempDir t;
  auto s = openRw(t.file("a.db"));
  std::string err;
  const auto run = s->beginRun(RunInfo{"live", "0.1.0", "s", {"live:eth1"}}, err);
  auto inst = [](std::vector<std::string> clients, std::uint64_t count, const char* conf) {
    return Json{
        {"instances",
         Json::array(
             {Json{{"ip", "10.1.0.5"},
                   {"vendor", Json{{"id", "vmware"}, {"name", "VMware"}}},
                   {"product", Json{{"id", "esxi"}, {"name", "ESXi"}, {"role", "virtualization"}}},
                   {"confidence", conf},
                   {"clients", clients},
                   {"client_count", count},
                   {"evidence", Json::array()}}})},
        {"web", Json::array({Json{{"ip", "10.1.0.9"},
                                  {"vendor", Json{{"id", "fortinet"}}},
                                  {"evidence", Json::array()}}})},
        {"inspection", Json::array({Json{{"vendor", Json{{"id", "fortinet"}}},
                                         {"product", Json{{"id", "fortigate-ssl-inspection"}}},
                                         {"ca", "CN=FortiGate CA"},
                                         {"hosts", 3}}})},
        {"hosts", Json::array()}};
  };
  const Json a = inst({"10.1.0.1", "10.1.0.2"}, 2, "medium");
  const Json b = inst({"10.1.0.2", "10.1.0.3"}, 70, "high");
  CommitState ca, cb;
  ca.summary = &a;
  cb.summary = &b;
  std::vector<Row> rows = {
      row(Kind::Server, "10.1.0.5", "vmware", "esxi", kT0, 5, 0),
      row(Kind::Web, "10.1.0.9", "fortinet", "fortinet-web", kT0, 2),
      row(Kind::Inspection, "10.1.0.7", "fortinet", "fortigate-ssl-inspection", kT0, 4, 0),
      row(Kind::Inspection, "10.1.0.8", "fortinet", "fortigate-ssl-inspection", kT0, 1, 0)};
  rows[2].detail = rows[3].detail = "CN=FortiGate CA";
  REQUIRE(s->commit(run, rows, ca, {}, err));
  REQUIRE(s->commit(run, {}, cb, {}, err));
  nlohmann::ordered_json doc;
  REQUIRE(s->exportSummary(doc, err));
  REQUIRE(doc["instances"].size() == 1);
  const auto& i = doc["instances"][0];
  CHECK(i["ip"] == "10.1.0.5");
  CHECK(i["vendor"]["name"] == "VMware");
  CHECK(i["product"]["role"] == "virtualization");
  CHECK(i["flows"] == 5);
  CHECK(i["confidence"] == "high");
  CHECK(i["clients"] == Json::array({"10.1.0.1", "10.1.0.2", "10.1.0.3"}));
  CHECK(i["client_count"] == 70);
  REQUIRE(doc["web"].size() == 1);
  CHECK(doc["web"][0]["flows"] == 2);
  CHECK(doc["web"][0]["bytes_to_vendor"] == 100);
  REQUIRE(doc["inspection"].size() == 1);
  CHECK(doc["inspection"][0]["flows"] == 5);
  CHECK(doc["inspection"][0]["hosts"] == 3); // max(2 distinct rows, 3 reported)
  CHECK(doc["inspection"][0]["ca"] == "CN=FortiGate CA");
  // Web presence and instances are not "who uses it".
  CHECK(doc["hosts"].empty());
}

TEST_CASE("Scanned inputs are recognised by fingerprint and by packet range") {
  TempDir t;
  const auto cap = t.file("day1.pcap");
  { std::ofstream(cap, std::ios::binary) << std::string(3 << 20, 'x') << "tail"; }
  std::string err;
  const auto fp = fileFingerprint(cap, err);
  REQUIRE(fp.rfind("size:", 0) == 0);
  // A copy under another name has the same fingerprint; a change in the tail does not.
  const auto copy = t.file("copy.pcap");
  fs::copy_file(cap, copy);
  CHECK(fileFingerprint(copy, err) == fp);
  { std::ofstream(copy, std::ios::binary | std::ios::app) << "more"; }
  CHECK(fileFingerprint(copy, err) != fp);
  CHECK(fileFingerprint(t.file("missing.pcap"), err).empty());

  auto s = openRw(t.file("a.db"));
  const auto run = s->beginRun(RunInfo{"scan", "v", "s", {cap}}, err);
  std::vector<std::string> at;
  REQUIRE(s->knownFingerprints({fp}, at, err));
  CHECK(at[0].empty());
  InputIdentity id{cap, fp, kT0, kT0 + kHourUs, 42};
  REQUIRE(s->commit(run, {}, CommitState{}, std::span(&id, 1), err));
  REQUIRE(s->knownFingerprints({fp, "other"}, at, err));
  CHECK_FALSE(at[0].empty());
  CHECK(at[1].empty());
  bool known = false;
  REQUIRE(s->knownInput(id, known, err));
  CHECK(known);
  id.last_us += 1;
  REQUIRE(s->knownInput(id, known, err));
  CHECK_FALSE(known);
}

TEST_CASE("Foreign, corrupt and newer files are refused and left untouched") {
  TempDir t;
  std::string err;
  LedgerStore::OpenError why{};
  SECTION("missing file, read-only: input error") {
    CHECK_FALSE(LedgerStore::open(t.file("none.db"), LedgerStore::Mode::ReadOnly, err, &why));
    CHECK(why == LedgerStore::OpenError::Missing);
    CHECK_FALSE(fs::exists(t.file("none.db")));
  }
  SECTION("a text file") {
    const auto p = t.file("notes.db");
    std::ofstream(p) << "not a database\n";
    for (auto mode : {LedgerStore::Mode::ReadWrite, LedgerStore::Mode::ReadOnly}) {
      CHECK_FALSE(LedgerStore::open(p, mode, err, &why));
      CHECK(why == LedgerStore::OpenError::NotALedger);
      CHECK(err.find("not a vendorwatch ledger") != std::string::npos);
    }
    CHECK(readAll(p) == "not a database\n");
    CHECK_FALSE(fs::exists(p + "-wal"));
  }
  SECTION("another application's SQLite database, and a newer schema") {
    const auto p = t.file("other.db");
    openRw(p).reset();
    std::string bytes = readAll(p);
    SECTION("application id") {
      bytes.replace(68, 4, "ABCD");
      std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes;
      CHECK_FALSE(LedgerStore::open(p, LedgerStore::Mode::ReadWrite, err, &why));
      CHECK(why == LedgerStore::OpenError::NotALedger);
      CHECK(err.find("another application") != std::string::npos);
    }
    SECTION("user_version") {
      bytes[63] = static_cast<char>(kSchemaVersion + 1);
      std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes;
      CHECK_FALSE(LedgerStore::open(p, LedgerStore::Mode::ReadWrite, err, &why));
      CHECK(why == LedgerStore::OpenError::TooNew);
    }
    CHECK(readAll(p) == bytes);
  }
  SECTION("a damaged ledger") {
    const auto p = t.file("damaged.db");
    {
      auto s = openRw(p);
      const auto run = s->beginRun(RunInfo{"scan", "v", "s", {}}, err);
      std::vector<Row> rows;
      for (int i = 0; i < 3000; ++i)
        rows.push_back(row(Kind::Client,
                           "10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256), "wiz",
                           "wiz-api", kT0 + i * kHourUs));
      REQUIRE(s->commit(run, rows, CommitState{}, {}, err));
    }
    std::string bytes = readAll(p);
    REQUIRE(bytes.size() > 8 * 4096);
    // Garbage over a few pages in the middle of the b-trees.
    for (std::size_t i = 4 * 4096; i < 7 * 4096; ++i)
      bytes[i] = static_cast<char>(0xA5);
    std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes;
    CHECK_FALSE(LedgerStore::open(p, LedgerStore::Mode::ReadWrite, err, &why));
    CHECK(why == LedgerStore::OpenError::Corrupt);
    CHECK(err.find("corrupt") != std::string::npos);
    CHECK(readAll(p) == bytes);
  }
}

TEST_CASE("Retention over a year of hourly rows keeps totals and first/last seen") {
  TempDir t;
  auto s = openRw(t.file("year.db"));
  std::string err;
  const auto run = s->beginRun(RunInfo{"live", "v", "s", {}}, err);
  // 20 hosts, each in contact on weekdays from 09:00 to 16:00 for a year; host i stops after
  // day 18 * i (host 0 never starts: it is in contact only on day 0).
  std::uint64_t flows = 0;
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> span;
  for (int day = 0; day < 365; ++day) {
    std::vector<Row> rows;
    for (int h = 0; h < 20; ++h) {
      if (day > 18 * h || (day % 7 >= 5 && day != 0))
        continue;
      const std::string ip = "10.9.0." + std::to_string(h + 1);
      for (int hour = 9; hour < 16; ++hour) {
        const std::int64_t at = kT0 + day * kDayUs + hour * kHourUs;
        rows.push_back(row(Kind::Client, ip, "crowdstrike", "falcon", at, 2, 50));
        flows += 2;
        auto& sp = span[ip];
        if (sp.first == 0)
          sp.first = at;
        sp.second = at + 1'000'000;
      }
    }
    REQUIRE(s->commit(run, rows, CommitState{}, {}, err));
  }
  StoreInfo before;
  REQUIRE(s->info(before, err));
  CompactStats cs;
  REQUIRE(s->compact(/*retain_days=*/90, /*hourly_days=*/14, cs, err));
  StoreInfo after;
  REQUIRE(s->info(after, err));
  CHECK(cs.hourly_rows_compacted > 0);
  CHECK(cs.rows_dropped > 0);
  CHECK(after.hourly_rows < before.hourly_rows);
  CHECK(after.daily_rows > 0);
  CHECK(after.series == before.series);
  nlohmann::ordered_json doc;
  REQUIRE(s->exportSummary(doc, err));
  std::int64_t newest = 0;
  for (const auto& [ip, sp] : span)
    newest = std::max(newest, sp.second);
  const std::int64_t cut = kT0 + ((newest - kT0) / kDayUs - 90) * kDayUs;
  std::uint64_t total = 0;
  for (const auto& h : doc["hosts"])
    for (const auto& v : h["vendors"]) {
      total += v["flows"].get<std::uint64_t>();
      const auto& sp = span[h["ip"].get<std::string>()];
      CHECK(v["first_seen"] == vw::alerts::isoTime(sp.first));
      CHECK(v["last_seen"] == vw::alerts::isoTime(sp.second));
      // Contact days only within the kept 90 days (hosts that stopped earlier have none).
      for (const auto& r : v["active_days"]) {
        std::int64_t a = 0;
        REQUIRE(vw::alerts::parseTime(r[0].get<std::string>(), a));
        CHECK(a >= cut);
      }
      if (sp.second < cut)
        CHECK(v["active_days"].empty());
    }
  CHECK(total == flows);
  // Compacting again changes nothing.
  REQUIRE(s->compact(90, 14, cs, err));
  CHECK(cs.hourly_rows_compacted == 0);
  CHECK(cs.rows_dropped == 0);
  // Statuses: only host 19 (in contact until day 342, the newest activity) is still in contact.
  vw::alerts::ReportMerger m;
  REQUIRE(m.add(Json(doc), "year", err));
  vw::alerts::MigrationOptions mo;
  const auto r = m.result(&mo);
  std::map<std::string, int> contact;
  for (const auto& x : r["migration"]["hosts"])
    ++contact[x["contact"].get<std::string>()];
  CHECK(contact["still"] == 1);
  CHECK(contact["stopped"] == 19);
  CHECK(contact["new"] == 0);
}

TEST_CASE("A reader sees the last commit while a writer holds its transaction open") {
  TempDir t;
  const auto path = t.file("rw.db");
  auto w = openRw(path);
  std::string err;
  const auto run = w->beginRun(RunInfo{"live", "v", "s", {}}, err);
  std::vector<Row> rows = {row(Kind::Client, "10.0.0.1", "wiz", "wiz-api", kT0)};
  REQUIRE(w->commit(run, rows, CommitState{}, {}, err));
  auto r = LedgerStore::open(path, LedgerStore::Mode::ReadOnly, err);
  REQUIRE(r);
  for (int i = 0; i < 20; ++i) {
    REQUIRE(w->commit(run, rows, CommitState{}, {}, err));
    nlohmann::ordered_json doc;
    REQUIRE(r->exportSummary(doc, err));
    CHECK(doc["hosts"][0]["vendors"][0]["flows"] == i + 2);
  }
}
