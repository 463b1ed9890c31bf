#include <catch2/catch.hpp>

#include <vw/alerts/report.h>

using namespace vw::alerts;
using Json = nlohmann::json;

namespace {

nlohmann::ordered_json hostileReport() {
  const std::string evil = "<script>alert('x')</script>\"&,\r\n=cmd";
  Json v{{"id", "evil"},
         {"name", evil},
         {"status", "banned"},
         {"products", Json::array({evil})},
         {"flows", 1},
         {"dns_lookups", 0},
         {"bytes_to_vendor", 10},
         {"bytes_from_vendor", 20},
         {"first_seen", "2025-01-01T00:00:00.000000Z"},
         {"last_seen", "2025-01-01T00:00:01.000000Z"},
         {"confidence", "low"},
         {"evidence", Json::array({Json{{"field", "tls.sni"},
                                        {"value", evil},
                                        {"indicator", evil},
                                        {"source", "javascript:alert(1)"}}})}};
  Json doc{{"hosts", Json::array({Json{{"ip", "10.0.0.1"}, {"vendors", Json::array({v})}}})},
           {"coverage", Json{{"flows", 4}, {"flows_attributed", 1}}}};
  ReportMerger m;
  std::string err;
  REQUIRE(m.add(doc, "hostile.json", err));
  return m.result();
}

} // namespace

TEST_CASE("CSV fields are quoted per RFC 4180 and formulas are neutralised") {
  CHECK(csvField("plain") == "plain");
  CHECK(csvField("a,b") == "\"a,b\"");
  CHECK(csvField("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csvField("two\r\nlines") == R"(two\x0d\x0alines)"); // controls shown, not kept
  CHECK(csvField("=1+1") == "'=1+1");
  CHECK(csvField("-2") == "'-2");
  CHECK(csvField("") == "");
}

TEST_CASE("The CSV report has a header and one CRLF-terminated row per host and vendor") {
  const std::string csv = reportCsv(hostileReport());
  CHECK(csv.rfind("host,vendor_id,vendor_name,", 0) == 0);
  // Header + one row; the embedded CR LF is shown as escapes inside the quoted field.
  CHECK(csv.find(R"(10.0.0.1,evil,"<script>alert('x')</script>""&,\x0d\x0a=cmd",banned,low,)") !=
        std::string::npos);
  CHECK(csv.substr(csv.size() - 2) == "\r\n");
}

TEST_CASE("HTML escaping covers markup and attribute quotes") {
  CHECK(htmlEscape("<a href=\"x\">'&'</a>") ==
        "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

TEST_CASE("The HTML report is self-contained and never emits a hostile string as markup") {
  const std::string html = reportHtml(hostileReport());
  CHECK(html.find("<script>alert") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") != std::string::npos);
  // The embedded data block escapes '<' so "</script>" cannot close it.
  CHECK(html.find("\\u003cscript\\u003e") != std::string::npos);
  CHECK(html.find("href=\"javascript") == std::string::npos);
  CHECK(html.find("src=\"http") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("id=\"coverage\"") != std::string::npos);
  CHECK(html.find("25.0%") != std::string::npos); // 1 of 4 flows attributed
  CHECK(html.find("id=\"vw-page-info\"") != std::string::npos);
}
