// `report`: instances / web / inspection sections (issue 16.2, 12.1) and the migration view
// (issue 14) on plain summaries.
#include <catch2/catch.hpp>

#include <vw/alerts/report.h>

using namespace vw::alerts;
using Json = nlohmann::json;

namespace {

Json user(const std::string& id, const std::string& first, const std::string& last,
          std::uint64_t flows = 1) {
  return Json{{"id", id},
              {"name", id + "-name"},
              {"status", "banned"},
              {"role", "client"},
              {"products", Json::array({"p-" + id})},
              {"flows", flows},
              {"dns_lookups", 0},
              {"bytes_to_vendor", 10},
              {"bytes_from_vendor", 20},
              {"first_seen", first},
              {"last_seen", last},
              {"confidence", "high"},
              {"evidence", Json::array()}};
}

Json summary(const std::string& day, Json hosts, Json instances = Json::array(),
             Json web = Json::array(), Json inspection = Json::array()) {
  return Json{{"vendorwatch",
               {{"version", "0.2.0"},
                {"signatures", "s"},
                {"inputs", Json::array({day + ".pcap"})},
                {"packets", 10},
                {"first_packet", day + "T08:00:00.000000Z"},
                {"last_packet", day + "T18:00:00.000000Z"}}},
              {"hosts", std::move(hosts)},
              {"vendors", Json::array()},
              {"instances", std::move(instances)},
              {"web", std::move(web)},
              {"inspection", std::move(inspection)},
              {"coverage", {{"flows", 5}, {"dns_unsolicited", 2}}}};
}

Json host(const std::string& ip, Json vendors) {
  return Json{{"ip", ip}, {"vendors", std::move(vendors)}};
}

Json instance(const std::string& ip, const std::string& day, std::vector<std::string> clients,
              std::uint64_t count) {
  return Json{{"ip", ip},
              {"vendor", {{"id", "vmware"}, {"name", "VMware"}, {"status", "banned"}}},
              {"product", {{"id", "esxi"}, {"name", "ESXi"}, {"role", "virtualization"}}},
              {"flows", 3},
              {"first_seen", day + "T09:00:00.000000Z"},
              {"last_seen", day + "T10:00:00.000000Z"},
              {"confidence", "high"},
              {"evidence", Json::array({Json{{"field", "banner"},
                                             {"value", "220 VMware Authentication Daemon"},
                                             {"indicator", "220 VMware Authentication Daemon"},
                                             {"source", "nmap"}}})},
              {"clients", clients},
              {"client_count", count}};
}

std::map<std::string, Json> byHost(const nlohmann::ordered_json& r) {
  std::map<std::string, Json> out;
  for (const auto& x : r["migration"]["hosts"])
    out[x["host"].get<std::string>() + "/" + x["vendor_id"].get<std::string>() + "/" +
        x["role"].get<std::string>()] = Json(x);
  return out;
}

} // namespace

TEST_CASE("Instances, web presence and inspection findings are united across summaries") {
  ReportMerger m;
  std::string err;
  const Json web = Json::array({Json{{"ip", "10.0.0.9"},
                                     {"vendor", {{"id", "paloalto"}, {"name", "Palo Alto"}}},
                                     {"flows", 2},
                                     {"bytes_to_vendor", 100},
                                     {"bytes_from_vendor", 900},
                                     {"first_seen", "2025-03-01T10:00:00.000000Z"},
                                     {"last_seen", "2025-03-01T10:05:00.000000Z"},
                                     {"evidence", Json::array()}}});
  const Json insp = Json::array({Json{{"vendor", {{"id", "fortinet"}, {"name", "Fortinet"}}},
                                      {"product", {{"id", "fgt-ca"}, {"name", "FortiGate CA"}}},
                                      {"ca", "CN=FortiGate CA, O=Fortinet"},
                                      {"flows", 7},
                                      {"hosts", 4},
                                      {"first_seen", "2025-03-01T09:00:00.000000Z"},
                                      {"last_seen", "2025-03-01T11:00:00.000000Z"}}});
  REQUIRE(
      m.add(summary("2025-03-01", Json::array(),
                    Json::array({instance("10.0.0.5", "2025-03-01", {"10.0.0.1", "10.0.0.2"}, 2)}),
                    web, insp),
            "a", err));
  Json insp2 = insp;
  insp2[0]["hosts"] = 2;
  REQUIRE(m.add(
      summary("2025-03-02", Json::array(),
              Json::array({instance("10.0.0.5", "2025-03-02", {"10.0.0.2", "10.0.0.3"}, 100)}), web,
              insp2),
      "b", err));
  const auto r = m.result();
  REQUIRE(r["instances"].size() == 1);
  const auto& i = r["instances"][0];
  CHECK(i["flows"] == 6);
  CHECK(i["clients"] == Json::array({"10.0.0.1", "10.0.0.2", "10.0.0.3"}));
  CHECK(i["client_count"] == 100);
  CHECK(i["first_seen"] == "2025-03-01T09:00:00.000000Z");
  CHECK(i["last_seen"] == "2025-03-02T10:00:00.000000Z");
  CHECK(i["product"]["name"] == "ESXi");
  CHECK(i["evidence"].size() == 1);
  REQUIRE(r["web"].size() == 1);
  CHECK(r["web"][0]["flows"] == 4);
  CHECK(r["web"][0]["bytes_from_vendor"] == 1800);
  REQUIRE(r["inspection"].size() == 1);
  CHECK(r["inspection"][0]["flows"] == 14);
  CHECK(r["inspection"][0]["hosts"] == 4);
  // Neither instances nor web presence are users.
  CHECK(r["hosts"].empty());
  CHECK(r["vendors"].empty());
  CHECK(r["coverage"]["dns_unsolicited"] == 4);

  const std::string csv = reportCsv(r);
  CHECK(csv.find(",instance,server,") != std::string::npos);
  CHECK(csv.find("10.0.0.1;10.0.0.2;10.0.0.3,100,") != std::string::npos);
  CHECK(csv.find(",web,client,") != std::string::npos);
  CHECK(csv.find(",inspection,") != std::string::npos);
  CHECK(csv.find("\"CN=FortiGate CA, O=Fortinet\"") != std::string::npos);

  const std::string html = reportHtml(r);
  CHECK(html.find("<section id=\"instances\"><h2>Where it runs") != std::string::npos);
  CHECK(html.find("<section id=\"web\"><h2>Web presence") != std::string::npos);
  CHECK(html.find("<section id=\"inspection\">") != std::string::npos);
  CHECK(html.find("220 VMware Authentication Daemon") != std::string::npos);
}

TEST_CASE("Older summaries without roles or the new sections still load") {
  ReportMerger m;
  std::string err;
  Json old = {
      {"hosts", Json::array({host("10.0.0.1", Json::array({user("wiz", "2025-01-01", "")}))})},
      {"coverage", {{"flows", 1}}}};
  old["hosts"][0]["vendors"][0].erase("role");
  old["hosts"][0]["vendors"][0]["first_seen"] = "2025-01-01T00:00:00.000000Z";
  REQUIRE(m.add(old, "old.json", err));
  const auto r = m.result();
  CHECK(r["instances"].empty());
  CHECK(r["web"].empty());
  CHECK_FALSE(r["hosts"][0]["vendors"][0].contains("role"));
  CHECK(reportHtml(r).find("No product instance seen.") != std::string::npos);
}

TEST_CASE("Two summaries, an older and a newer one, give still / stopped / new") {
  ReportMerger m;
  std::string err;
  // Day 1: A uses wiz and orca, B uses wiz, ESXi instance E. Day 11: A uses wiz, C uses wiz.
  REQUIRE(m.add(
      summary(
          "2025-03-01",
          Json::array(
              {host("10.0.0.1",
                    Json::array({user("wiz", "2025-03-01T09:00:00Z", "2025-03-01T10:00:00Z"),
                                 user("orca", "2025-03-01T09:00:00Z", "2025-03-01T09:30:00Z")})),
               host("10.0.0.2",
                    Json::array({user("wiz", "2025-03-01T11:00:00Z", "2025-03-01T12:00:00Z")}))}),
          Json::array({instance("10.0.0.5", "2025-03-01", {"10.0.0.1"}, 1)})),
      "old.json", err));
  REQUIRE(
      m.add(summary("2025-03-11",
                    Json::array({host("10.0.0.1", Json::array({user("wiz", "2025-03-11T09:00:00Z",
                                                                    "2025-03-11T17:00:00Z")})),
                                 host("10.0.0.3", Json::array({user("wiz", "2025-03-11T08:00:00Z",
                                                                    "2025-03-11T08:10:00Z")}))}),
                    Json::array({instance("10.0.0.5", "2025-03-11", {"10.0.0.3"}, 1)})),
            "new.json", err));
  MigrationOptions o;
  o.stale_days = 7;
  o.deadline_us = 0;
  REQUIRE(parseTime("2025-03-05", o.deadline_us));
  const auto r = m.result(&o);
  const auto& mig = r["migration"];
  CHECK(mig["as_of"] == "2025-03-11");
  CHECK(mig["since"] == "2025-03-04");
  CHECK(mig["deadline"] == "2025-03-05");
  auto h = byHost(r);
  REQUIRE(h.size() == 5);
  CHECK(h["10.0.0.1/wiz/client"]["contact"] == "still");
  CHECK(h["10.0.0.1/wiz/client"]["stopped_on"] == "");
  CHECK(h["10.0.0.1/orca/client"]["contact"] == "stopped");
  CHECK(h["10.0.0.1/orca/client"]["stopped_on"] == "2025-03-01");
  CHECK(h["10.0.0.2/wiz/client"]["contact"] == "stopped");
  CHECK(h["10.0.0.3/wiz/client"]["contact"] == "new");
  CHECK(h["10.0.0.5/vmware/server"]["contact"] == "still");
  CHECK(h["10.0.0.5/vmware/server"]["products"] == "esxi");
  CHECK(h["10.0.0.1/wiz/client"]["seen_after_deadline"] == "yes");
  CHECK(h["10.0.0.2/wiz/client"]["seen_after_deadline"] == "no");
  CHECK(mig["after_deadline"].size() == 3);
  // Daily series: only the two captured days are points.
  bool found = false;
  for (const auto& s : mig["series"])
    if (s["vendor_id"] == "wiz" && s["role"] == "client") {
      found = true;
      CHECK(s["points"] ==
            Json::array({Json::array({"2025-03-01", 2}), Json::array({"2025-03-11", 2})}));
    }
  CHECK(found);
  // --since moves "new": with an earlier date, 10.0.0.3 is new and so are the day-1 hosts.
  MigrationOptions early = o;
  REQUIRE(parseTime("2025-02-01", early.since_us));
  auto h2 = byHost(m.result(&early));
  CHECK(h2["10.0.0.1/wiz/client"]["contact"] == "new");
  // Stale window: with 30 days, nobody has stopped (and without --since, everybody first seen
  // in those 30 days is new; with it, the day-1 hosts are still in contact).
  MigrationOptions wide = o;
  wide.stale_days = 30;
  CHECK(byHost(m.result(&wide))["10.0.0.2/wiz/client"]["contact"] == "new");
  REQUIRE(parseTime("2025-03-05", wide.since_us));
  auto h3 = byHost(m.result(&wide));
  CHECK(h3["10.0.0.2/wiz/client"]["contact"] == "still");

  // CSV: the migration columns, same names as the JSON.
  const std::string csv = reportCsv(r);
  CHECK(csv.find("contact,stopped_on,seen_after_deadline") != std::string::npos);
  CHECK(csv.find("10.0.0.1,orca,orca-name,banned,high,p-orca,1,0,10,20,2025-03-01T09:00:00Z,"
                 "2025-03-01T09:30:00Z,,usage,client,stopped,2025-03-01,no,") != std::string::npos);
  // HTML: the chart, the deadline list, the per-vendor counts.
  const std::string html = reportHtml(r);
  CHECK(html.find("<svg id=\"vw-migration-chart\"") != std::string::npos);
  CHECK(html.find("deadline 2025-03-05") != std::string::npos);
  CHECK(html.find("id=\"vw-after-deadline\"") != std::string::npos);
  CHECK(html.find("<polyline") != std::string::npos);
}

TEST_CASE("active_days from a store export are used as given and survive the merge") {
  ReportMerger m;
  std::string err;
  Json v = user("wiz", "2025-03-01T09:00:00Z", "2025-03-20T09:00:00Z");
  v["active_days"] = Json::array(
      {Json::array({"2025-03-01", "2025-03-02"}), Json::array({"2025-03-20", "2025-03-20"})});
  Json doc = summary("2025-03-01", Json::array({host("10.0.0.1", Json::array({v}))}));
  doc["vendorwatch"]["covered_days"] = Json::array({Json::array({"2025-03-01", "2025-03-20"})});
  REQUIRE(m.add(doc, "store", err));
  MigrationOptions o;
  const auto r = m.result(&o);
  CHECK(r["hosts"][0]["vendors"][0]["active_days"] == v["active_days"]);
  const auto& pts = r["migration"]["series"][0]["points"];
  REQUIRE(pts.size() == 20);
  CHECK(pts[0][1] == 1);
  CHECK(pts[2][1] == 0);
  CHECK(pts[19][1] == 1);
  Json bad = doc;
  bad["hosts"][0]["vendors"][0]["active_days"] = Json::array({"2025-03-01"});
  CHECK_FALSE(m.add(bad, "bad", err));
  CHECK(err.find("active_days") != std::string::npos);
}

TEST_CASE("Dates parse as YYYY-MM-DD or ISO-8601 UTC") {
  std::int64_t t = 0;
  REQUIRE(parseTime("2025-03-11", t));
  CHECK(t == 1741651200LL * 1'000'000);
  REQUIRE(parseTime("2025-03-11T08:30:00.5Z", t));
  CHECK(t == (1741651200LL + 8 * 3600 + 1800) * 1'000'000 + 500000);
  CHECK(dayString(dayNumber(t)) == "2025-03-11");
  CHECK_FALSE(parseTime("11/03/2025", t));
  CHECK_FALSE(parseTime("2025-13-01", t));
  CHECK_FALSE(parseTime("2025-03-11T08:30:00+01:00", t));
  DayRanges r;
  addDays(r, 5, 6);
  addDays(r, 9, 9);
  addDays(r, 7, 8);
  CHECK(r == DayRanges{{5, 9}});
  addDays(r, 1, 2);
  CHECK(r == DayRanges{{1, 2}, {5, 9}});
}
