#include <catch2/catch.hpp>

#include <vw/alerts/report.h>

using vw::alerts::ReportMerger;
using Json = nlohmann::json;

namespace {

Json vendor(const std::string& id, std::uint64_t up, const std::string& first,
            const std::string& last, const std::string& conf = "high") {
  return Json{{"id", id},
              {"name", id + "-name"},
              {"status", "banned"},
              {"products", Json::array({"p-" + id})},
              {"flows", 2},
              {"dns_lookups", 1},
              {"bytes_to_vendor", up},
              {"bytes_from_vendor", 10},
              {"first_seen", first},
              {"last_seen", last},
              {"confidence", conf},
              {"evidence", Json::array({Json{{"field", "tls.sni"},
                                             {"value", "a." + id + ".example"},
                                             {"indicator", id + ".example"},
                                             {"source", "https://example.com"}}})}};
}

Json summary(Json hosts, std::uint64_t flows = 10) {
  return Json{{"vendorwatch",
               {{"version", "0.1.0"},
                {"signatures", "s1"},
                {"inputs", Json::array({"a.pcap"})},
                {"packets", 100},
                {"first_packet", "2025-01-01T00:00:00.000000Z"},
                {"last_packet", "2025-01-01T01:00:00.000000Z"}}},
              {"hosts", std::move(hosts)},
              {"vendors", Json::array()},
              {"coverage",
               {{"flows", flows},
                {"flows_attributed", 3},
                {"bytes", 1000},
                {"bytes_attributed", 300},
                {"tls_flows", 4},
                {"tls_flows_without_sni", 1},
                {"tls_without_sni_share", 0.25},
                {"dns_cache_attributions", 2}}}};
}

Json host(const std::string& ip, Json vendors) {
  return Json{{"ip", ip}, {"vendors", std::move(vendors)}};
}

} // namespace

TEST_CASE("Merging two summaries adds counters and keeps the earliest and latest contact") {
  ReportMerger m;
  std::string err;
  REQUIRE(m.add(summary(Json::array(
                    {host("10.0.0.2", Json::array({vendor("wiz", 100, "2025-01-01T00:10:00.000000Z",
                                                          "2025-01-01T00:20:00.000000Z")}))})),
                "a.json", err));
  auto second =
      vendor("wiz", 50, "2025-01-01T00:05:00.000000Z", "2025-01-01T00:15:00.000000Z", "medium");
  second["products"] = Json::array({"p-other"});
  second["evidence"].push_back(Json{{"field", "dns.query"},
                                    {"value", "b.wiz.example"},
                                    {"indicator", "wiz.example"},
                                    {"source", "s"}});
  REQUIRE(m.add(summary(Json::array({host("10.0.0.2", Json::array({second}))}), 5), "b.json", err));
  const auto r = m.result();
  REQUIRE(r["hosts"].size() == 1);
  const auto& v = r["hosts"][0]["vendors"][0];
  CHECK(v["bytes_to_vendor"] == 150);
  CHECK(v["bytes_from_vendor"] == 20);
  CHECK(v["flows"] == 4);
  CHECK(v["dns_lookups"] == 2);
  CHECK(v["first_seen"] == "2025-01-01T00:05:00.000000Z");
  CHECK(v["last_seen"] == "2025-01-01T00:20:00.000000Z");
  CHECK(v["confidence"] == "high");
  CHECK(v["products"] == Json::array({"p-other", "p-wiz"}));
  // The identical tls.sni item is kept once; the new dns.query item is added.
  CHECK(v["evidence"].size() == 2);
  CHECK(r["vendors"].size() == 1);
  CHECK(r["vendors"][0]["hosts"] == 1);
  CHECK(r["vendors"][0]["bytes_to_vendor"] == 150);
  CHECK(r["coverage"]["flows"] == 15);
  CHECK(r["coverage"]["tls_flows"] == 8);
  CHECK(r["coverage"]["tls_without_sni_share"] == Approx(0.25));
  CHECK(r["vendorwatch"]["packets"] == 200);
  CHECK(r["vendorwatch"]["merged_summaries"] == 2);
  CHECK(r["vendorwatch"]["inputs"].size() == 2);
}

TEST_CASE("Hosts are united across summaries and sorted by address, IPv4 before IPv6") {
  ReportMerger m;
  std::string err;
  const std::string t = "2025-01-01T00:00:00.000000Z";
  REQUIRE(m.add(summary(Json::array({host("10.0.0.10", Json::array({vendor("wiz", 1, t, t)})),
                                     host("2001:db8::1", Json::array({vendor("wiz", 1, t, t)}))})),
                "a", err));
  REQUIRE(m.add(summary(Json::array({host("10.0.0.9", Json::array({vendor("orca", 5, t, t)})),
                                     host("10.0.0.10", Json::array({vendor("orca", 7, t, t)}))})),
                "b", err));
  const auto r = m.result();
  REQUIRE(r["hosts"].size() == 3);
  CHECK(r["hosts"][0]["ip"] == "10.0.0.9");
  CHECK(r["hosts"][1]["ip"] == "10.0.0.10");
  CHECK(r["hosts"][2]["ip"] == "2001:db8::1");
  // Per host, vendors by bytes uploaded (desc).
  CHECK(r["hosts"][1]["vendors"][0]["id"] == "orca");
  CHECK(r["hosts"][1]["vendors"][1]["id"] == "wiz");
  CHECK(r["vendors"].size() == 2);
  CHECK(r["vendors"][1]["id"] == "wiz");
  CHECK(r["vendors"][1]["hosts"] == 2);
}

TEST_CASE("Evidence per host and vendor stays bounded after many merges") {
  ReportMerger m;
  std::string err;
  const std::string t = "2025-01-01T00:00:00.000000Z";
  for (int i = 0; i < 100; ++i) {
    auto v = vendor("wiz", 1, t, t);
    v["evidence"][0]["value"] = "h" + std::to_string(i) + ".wiz.example";
    REQUIRE(m.add(summary(Json::array({host("10.0.0.1", Json::array({v}))})), "x", err));
  }
  const auto r = m.result();
  CHECK(r["hosts"][0]["vendors"][0]["evidence"].size() == vw::alerts::kReportMaxEvidence);
  CHECK(r["hosts"][0]["vendors"][0]["bytes_to_vendor"] == 100);
}

TEST_CASE("A document that is not a summary is rejected with its name and changes nothing") {
  ReportMerger m;
  std::string err;
  const std::string t = "2025-01-01T00:00:00.000000Z";
  REQUIRE(m.add(summary(Json::array({host("10.0.0.1", Json::array({vendor("wiz", 1, t, t)}))})),
                "good.json", err));
  CHECK_FALSE(m.add(Json::array(), "list.json", err));
  CHECK(err.find("list.json") != std::string::npos);
  auto bad = vendor("wiz", 1, t, t);
  bad["bytes_to_vendor"] = -5;
  // The first host is valid, the second is not: the whole file is refused.
  CHECK_FALSE(m.add(summary(Json::array({host("10.0.0.7", Json::array({vendor("wiz", 9, t, t)})),
                                         host("10.0.0.1", Json::array({bad}))})),
                    "neg.json", err));
  CHECK(err.find("neg.json: hosts[1].vendors[0]") != std::string::npos);
  CHECK(err.find("bytes_to_vendor") != std::string::npos);
  CHECK_FALSE(
      m.add(Json{{"hosts", Json::array({Json{{"vendors", Json::array()}}})}}, "noip.json", err));
  CHECK(err.find("\"ip\"") != std::string::npos);
  const auto r = m.result();
  CHECK(m.inputs() == 1);
  REQUIRE(r["hosts"].size() == 1);
  CHECK(r["hosts"][0]["vendors"][0]["bytes_to_vendor"] == 1);
}
