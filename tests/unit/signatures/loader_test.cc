// Loader validation: one test per error kind, each checking that the message carries file:line and
// that nothing is loaded.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <vw/signatures/loader.h>

#include "sig_test_util.h"

namespace vw::signatures {
namespace {

using test::domainIndicator;
using test::joinErrors;
using test::loadFiles;
using test::TempDir;
using test::vendorHead;

// Loads one vendor file and expects a single failure whose text contains `fileLine`
// ("wiz.toml:17:") and `message`.
void expectError(const std::string& testName, const std::string& fileName, const std::string& text,
                 const std::string& fileLine, const std::string& message) {
  const auto r = loadFiles(testName, {{fileName, text}});
  const std::string all = joinErrors(r);
  INFO(all);
  CHECK_FALSE(r.ok());
  CHECK(r.set == nullptr);
  REQUIRE_FALSE(r.errors.empty());
  bool found = false;
  for (const auto& e : r.errors) {
    const std::string s = e.toString();
    if (s.find(fileLine) != std::string::npos && s.find(message) != std::string::npos)
      found = true;
  }
  CHECK(found);
}

std::string valid(const std::string& id, const std::string& value = "wiz.io") {
  return vendorHead(id) + domainIndicator(value);
}

// Replaces the first occurrence of `from` in `s`.
std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto pos = s.find(from);
  REQUIRE(pos != std::string::npos);
  return s.replace(pos, from.size(), to);
}

} // namespace

TEST_CASE("A minimal valid vendor file loads", "[loader]") {
  const auto r = loadFiles("ok", {{"wiz.toml", valid("wiz", "WIZ.io.")}});
  INFO(joinErrors(r));
  REQUIRE(r.ok());
  REQUIRE(r.set->vendors().size() == 1);
  const auto& ind = r.set->indicators().at(0);
  CHECK(ind.value == "wiz.io");
  CHECK(ind.raw == "WIZ.io.");
  CHECK(ind.where.line == 17);
  CHECK(ind.where.file.ends_with("wiz.toml"));
  CHECK(ind.sourceDate == "2026-11-01");
  CHECK(r.set->info().version == "t.1");
  CHECK(r.set->info().date == "2026-11-22");
}

TEST_CASE("TOML syntax errors are reported with file:line", "[loader]") {
  expectError("syntax", "wiz.toml", vendorHead("wiz") + "[[indicator]\n",
              "wiz.toml:13:", "TOML syntax error");
}

TEST_CASE("Unknown keys are errors at every table level", "[loader]") {
  expectError("unk_top", "wiz.toml", "extra = 1\n" + valid("wiz"),
              "wiz.toml:1:", "unknown key 'extra' in the vendor file");
  expectError("unk_vendor", "wiz.toml", replace(valid("wiz"), "status", "colour = \"x\"\nstatus"),
              "wiz.toml:6:", "unknown key 'colour' in [vendor]");
  expectError("unk_product", "wiz.toml", replace(valid("wiz"), "role", "rol = \"api\"\nrole"),
              "wiz.toml:11:", "unknown key 'rol' in [[product]]");
  expectError("unk_indicator", "wiz.toml",
              replace(valid("wiz"), "confidence", "confidance = \"high\"\nconfidence"),
              "wiz.toml:18:", "unknown key 'confidance' in [[indicator]]");
  expectError("unk_manifest", "_set.toml", test::kManifest + "extra = \"x\"\n",
              "_set.toml:4:", "unknown key 'extra' in [set]");
}

TEST_CASE("Missing required keys are errors", "[loader]") {
  expectError("miss_name", "wiz.toml", replace(valid("wiz"), "name = \"Name\"\n", ""),
              "wiz.toml:1:", "missing required key 'name' in [vendor]");
  expectError("miss_source", "wiz.toml",
              replace(valid("wiz"), "source = \"https://example.com/doc\"\n", ""),
              "wiz.toml:13:", "missing required key 'source' in [[indicator]]");
  expectError("miss_date", "wiz.toml", replace(valid("wiz"), "source_date = 2026-11-01\n", ""),
              "wiz.toml:13:", "missing required key 'source_date'");
  expectError("miss_value", "wiz.toml", replace(valid("wiz"), "value = \"wiz.io\"\n", ""),
              "wiz.toml:13:", "missing required key 'value'");
  expectError("miss_match", "wiz.toml", replace(valid("wiz"), "match = \"suffix\"\n", ""),
              "wiz.toml:13:", "missing required key 'match'");
  expectError("miss_vendor", "wiz.toml", "[[product]]\nid = \"p\"\n",
              "wiz.toml:1:", "missing required table [vendor]");
}

TEST_CASE("Wrong value types are errors", "[loader]") {
  expectError("type_conf", "wiz.toml", replace(valid("wiz"), "\"high\"", "3"),
              "wiz.toml:18:", "'confidence' in [[indicator]] must be a string, not an integer");
  expectError("type_date", "wiz.toml", replace(valid("wiz"), "2026-11-01", "\"2026-11-01\""),
              "wiz.toml:20:", "'source_date' must be a TOML date");
  expectError("type_brands", "wiz.toml", replace(valid("wiz"), "role", "brands = \"X\"\nrole"),
              "wiz.toml:11:", "'brands' must be an array of strings");
  expectError("type_value", "wiz.toml", replace(valid("wiz"), "\"wiz.io\"", "42"),
              "wiz.toml:17:", "domain value must be a string");
  expectError("type_product", "wiz.toml", replace(valid("wiz"), "[[product]]", "[product]"),
              "wiz.toml:8:", "must be an array of tables");
}

TEST_CASE("Malformed domains are errors", "[loader]") {
  const std::pair<std::string, std::string> cases[] = {
      {"a..wiz.io", "empty label"},
      {"wiz_x.io", "bad character '_'"},
      {std::string(64, 'a') + ".io", "longer than 63"},
      {".wiz.io", "leading dot"},
      {"wiz.io..", "empty label"},
      {"wiz io", "whitespace"},
      {"io", "at least two labels"},
      {"-wiz.io", "starts or ends with '-'"},
  };
  int i = 0;
  for (const auto& [value, message] : cases) {
    INFO(value);
    expectError("dom" + std::to_string(i++), "wiz.toml", valid("wiz", value),
                "wiz.toml:17:", message);
  }
  std::string longName;
  for (int k = 0; k < 26; ++k)
    longName += "abcdefghi.";
  expectError("dom_long", "wiz.toml", valid("wiz", longName + "io"),
              "wiz.toml:17:", "longer than 253");
}

TEST_CASE("Domain patterns follow the pattern rules", "[loader]") {
  auto pattern = [](const std::string& v) {
    return vendorHead("wiz") + domainIndicator(v, "pattern");
  };
  expectError("pat_nostar", "wiz.toml", pattern("a.wiz.io"), "wiz.toml:17:", "has no '*'");
  expectError("pat_tail", "wiz.toml", pattern("a.wiz.*"),
              "wiz.toml:17:", "two rightmost labels must be literal");
  expectError("pat_bare", "wiz.toml", pattern("*.wiz.io"),
              "wiz.toml:17:", "leftmost label must contain literal text");
  expectError("pat_exact_star", "wiz.toml",
              vendorHead("wiz") + domainIndicator("a*.wiz.io", "exact"),
              "wiz.toml:17:", "only allowed with match = \"pattern\"");
  const auto ok = loadFiles("pat_ok", {{"wiz.toml", pattern("ch-*.x.*.wiz.io")}});
  CHECK(ok.ok());
}

TEST_CASE("Shared third-party infrastructure cannot be a suffix indicator", "[loader]") {
  expectError("shared_suffix", "wiz.toml", valid("wiz", "blob.core.windows.net"),
              "wiz.toml:17:", "shared third-party infrastructure");
  expectError("shared_under", "wiz.toml", valid("wiz", "wizio.azurecr.io"),
              "wiz.toml:17:", "shared third-party infrastructure");
  expectError("shared_exact", "wiz.toml",
              vendorHead("wiz") + domainIndicator("storage.googleapis.com", "exact"),
              "wiz.toml:17:", "shared third-party infrastructure");
  // A vendor-specific host on shared infrastructure is fine as exact.
  const auto ok =
      loadFiles("shared_ok",
                {{"wiz.toml", vendorHead("wiz") + domainIndicator("wizio.azurecr.io", "exact")}});
  CHECK(ok.ok());
}

TEST_CASE("Malformed or non-public CIDRs are errors", "[loader]") {
  auto withValue = [](const std::string& v) {
    return replace(replace(replace(valid("wiz"), "match = \"suffix\"\n", ""), "kind = \"domain\"",
                           "kind = \"cidr\""),
                   "\"wiz.io\"", "\"" + v + "\"");
  };
  // kind line 15, value line 16 once the match line is removed.
  expectError("cidr_addr", "wiz.toml", withValue("1.2.3/24"), "wiz.toml:16:", "bad IPv4 address");
  expectError("cidr_len4", "wiz.toml", withValue("1.2.3.0/33"), "wiz.toml:16:", "larger than /32");
  expectError("cidr_len6", "wiz.toml", withValue("2a02::/129"), "wiz.toml:16:", "larger than /128");
  expectError("cidr_host", "wiz.toml", withValue("193.149.136.1/24"),
              "wiz.toml:16:", "host bits set");
  expectError("cidr_private", "wiz.toml", withValue("10.41.0.0/16"),
              "wiz.toml:16:", "non-public address space");
  expectError("cidr_broad", "wiz.toml", withValue("8.0.0.0/7"), "wiz.toml:16:", "too broad");
  const auto ok = loadFiles("cidr_ok", {{"wiz.toml", withValue("2a02:e980::/29")}});
  CHECK(ok.ok());
}

TEST_CASE("Vendor ids are data, validated by pattern and file name", "[loader]") {
  // Any [a-z0-9][a-z0-9-]{0,31} stem is a vendor: no compiled-in list.
  const auto sophos = loadFiles("vid_new", {{"sophos.toml", valid("sophos", "sophos.com")}});
  INFO(joinErrors(sophos));
  REQUIRE(sophos.ok());
  CHECK(sophos.set->vendors().at(0).id == "sophos");
  CHECK(loadFiles("vid_digits", {{"42-x.toml", valid("42-x", "x42.example")}}).ok());
  expectError("vid_upper", "Sophos.toml", valid("Sophos"), "Sophos.toml", "bad vendor file name");
  expectError("vid_dash", "-x.toml", valid("-x"), "-x.toml", "bad vendor file name");
  expectError("vid_long", std::string(33, 'a') + ".toml", valid(std::string(33, 'a')),
              std::string(33, 'a') + ".toml", "bad vendor file name");
  expectError("vid_mismatch", "wiz.toml", valid("orca"),
              "wiz.toml:2:", "does not match the file name 'wiz.toml'");
  expectError("vid_pattern", "wiz.toml", valid("Wiz Inc"),
              "wiz.toml:2:", "vendor id 'Wiz Inc' must match [a-z0-9][a-z0-9-]{0,31}");
  expectError("vid_special", "_extra.toml", valid("wiz"), "_extra.toml", "unknown special file");
}

TEST_CASE("Unknown enumerations are errors", "[loader]") {
  expectError("enum_kind", "wiz.toml", replace(valid("wiz"), "\"domain\"", "\"hostname\""),
              "wiz.toml:15:", "unknown kind 'hostname'");
  expectError("enum_role", "wiz.toml", replace(valid("wiz"), "\"api\"", "\"firewall\""),
              "wiz.toml:11:", "unknown role 'firewall'");
  expectError("enum_conf", "wiz.toml", replace(valid("wiz"), "\"high\"", "\"certain\""),
              "wiz.toml:18:", "unknown confidence 'certain'");
  expectError("enum_status", "wiz.toml", replace(valid("wiz"), "\"banned\"", "\"blocked\""),
              "wiz.toml:6:", "unknown status 'blocked'");
  expectError("enum_match", "wiz.toml", replace(valid("wiz"), "\"suffix\"", "\"prefix\""),
              "wiz.toml:16:", "unknown match 'prefix'");
  expectError("enum_country", "wiz.toml", replace(valid("wiz"), "\"US\"", "\"usa\""),
              "wiz.toml:4:", "ISO 3166-1 alpha-2");
}

TEST_CASE("Kind-specific keys are only valid for their kind", "[loader]") {
  expectError("key_proto", "wiz.toml", replace(valid("wiz"), "match", "proto = \"tcp\"\nmatch"),
              "wiz.toml:16:", "'proto' is only valid for kind = \"port\"");
  const std::string port =
      replace(replace(valid("wiz"), "kind = \"domain\"\nmatch = \"suffix\"", "kind = \"port\""),
              "\"wiz.io\"", "1337");
  expectError("port_noproto", "wiz.toml", port, "wiz.toml:13:", "missing required key 'proto'");
  const std::string withProto =
      replace(port, "kind = \"port\"", "kind = \"port\"\nproto = \"udp\"");
  CHECK(loadFiles("port_ok", {{"wiz.toml", withProto}}).ok());
  expectError("port_generic", "wiz.toml", replace(withProto, "1337", "443"),
              "wiz.toml:17:", "generic");
  expectError("port_range", "wiz.toml", replace(withProto, "1337", "70000"),
              "wiz.toml:17:", "outside 1..65535");
  expectError("port_proto", "wiz.toml", replace(withProto, "\"udp\"", "\"sctp\""),
              "wiz.toml:16:", "unknown proto 'sctp'");
}

TEST_CASE("Indicator values of other kinds are validated", "[loader]") {
  auto kind = [](const std::string& k, const std::string& v) {
    return replace(
        replace(valid("wiz"), "kind = \"domain\"\nmatch = \"suffix\"", "kind = \"" + k + "\""),
        "\"wiz.io\"", "\"" + v + "\"");
  };
  // value is on line 16 without the match line.
  expectError("ja3_bad", "wiz.toml", kind("ja3", "abc"), "wiz.toml:16:", "malformed ja3");
  expectError("ja4_bad", "wiz.toml", kind("ja4", "t13d1516h2_8daaf615277"),
              "wiz.toml:16:", "malformed ja4");
  expectError("org_generic", "wiz.toml", kind("cert_org", "GoDaddy.com, Inc."),
              "wiz.toml:16:", "generic CA/cloud organisation");
  expectError("org_empty", "wiz.toml", kind("cert_org", "..."), "wiz.toml:16:", "empty");
  expectError("ua_short", "wiz.toml", kind("http_user_agent", "ab"),
              "wiz.toml:16:", "4..256 characters");
  CHECK(
      loadFiles("kinds_ok", {{"wiz.toml", kind("ja3", "E7D705A3286E19EA42F587B344EE6865")}}).ok());
}

TEST_CASE("Unknown product references are errors", "[loader]") {
  expectError("prod_ref", "wiz.toml", replace(valid("wiz"), "product = \"p\"", "product = \"q\""),
              "wiz.toml:14:", "unknown product 'q'");
  expectError("prod_unused", "wiz.toml",
              replace(valid("wiz"), "\n[[product]]",
                      "\n[[product]]\nid = \"idle\"\nname = \"I\"\n"
                      "role = \"api\"\n\n[[product]]"),
              "wiz.toml:8:", "product 'idle' has no indicators");
  expectError("prod_dup", "wiz.toml",
              replace(valid("wiz"), "\n[[indicator]]",
                      "[[product]]\nid = \"p\"\nname = \"P2\"\nrole = \"api\"\n\n[[indicator]]"),
              "wiz.toml:13:", "duplicate product id 'p'");
}

TEST_CASE("Source URLs must be http(s)", "[loader]") {
  const std::pair<std::string, std::string> cases[] = {
      {"ftp://example.com/x", "must start with http:// or https://"},
      {"https://", "has no host"},
      {"https://exa mple.com/", "whitespace"},
      {"https://localhost/x", "malformed host"},
      {"example.com/x", "must start with http"},
  };
  int i = 0;
  for (const auto& [url, message] : cases) {
    INFO(url);
    expectError("url" + std::to_string(i++), "wiz.toml",
                replace(valid("wiz"), "https://example.com/doc", url), "wiz.toml:19:", message);
  }
}

TEST_CASE("Bad dates are errors", "[loader]") {
  expectError("date_syntax", "wiz.toml", replace(valid("wiz"), "2026-11-01", "2026-13-01"),
              "wiz.toml:20:", "TOML syntax error");
  expectError("date_future", "wiz.toml", replace(valid("wiz"), "2026-11-01", "2026-12-01"),
              "wiz.toml:20:", "after the signature set date 2026-11-22");
  expectError("date_old", "wiz.toml", replace(valid("wiz"), "2026-11-01", "1970-01-01"),
              "wiz.toml:20:", "bad source_date 1970-01-01");
  expectError("date_manifest", "_set.toml", "[set]\nversion = \"x\"\ndate = \"2026-11-22\"\n",
              "_set.toml:3:", "must be a TOML date");
}

TEST_CASE("An indicator claimed by two vendors names both files and lines", "[loader]") {
  const auto r = loadFiles("dup_vendors", {{"wiz.toml", valid("wiz", "shared.example.com")},
                                           {"orca.toml", valid("orca", "SHARED.example.com.")}});
  INFO(joinErrors(r));
  CHECK_FALSE(r.ok());
  REQUIRE(r.errors.size() == 1);
  const std::string e = r.errors[0].toString();
  CHECK(e.find("claimed by two vendors") != std::string::npos);
  CHECK(e.find("orca.toml:17") != std::string::npos);
  CHECK(e.find("wiz.toml:17") != std::string::npos);
}

TEST_CASE("The same indicator twice in one vendor is an error", "[loader]") {
  const std::string text = valid("wiz") + "\n" + domainIndicator("Wiz.IO", "exact");
  expectError("dup_same", "wiz.toml", text, "wiz.toml:26:", "duplicate indicator domain 'wiz.io'");
  const std::string values = replace(valid("wiz"), "value = \"wiz.io\"",
                                     "values = [\"a.wiz.io\", \"b.wiz.io\", \"A.wiz.io\"]");
  expectError("dup_values", "wiz.toml", values, "wiz.toml:17:", "already defined at");
}

TEST_CASE("Nothing is loaded when any file has an error", "[loader]") {
  const auto r = loadFiles(
      "partial", {{"wiz.toml", valid("wiz")}, {"orca.toml", valid("orca", "bad..orca.io")}});
  CHECK_FALSE(r.ok());
  CHECK(r.set == nullptr);
  CHECK(joinErrors(r).find("orca.toml:17:") != std::string::npos);
}

TEST_CASE("The manifest must exist; the vendors it requires must exist", "[loader]") {
  const auto noManifest = loadFiles("no_manifest", {{"wiz.toml", valid("wiz")}}, false);
  CHECK_FALSE(noManifest.ok());
  CHECK(joinErrors(noManifest).find("missing manifest _set.toml") != std::string::npos);

  const std::string manifest =
      test::kManifest + "required_vendors = [\"crowdstrike\", \"wiz\", \"orca\"]\n";
  const auto incomplete =
      loadFiles("incomplete", {{"_set.toml", manifest}, {"wiz.toml", valid("wiz")}}, false, true);
  CHECK_FALSE(incomplete.ok());
  const std::string all = joinErrors(incomplete);
  CHECK(all.find("missing vendor file 'crowdstrike.toml' (listed in required_vendors of "
                 "_set.toml)") != std::string::npos);
  CHECK(all.find("missing vendor file 'wiz.toml'") == std::string::npos);
  CHECK(incomplete.errors.size() == 2);
  // Without requireAllVendors the same directory loads.
  CHECK(loadFiles("incomplete_ok", {{"_set.toml", manifest}, {"wiz.toml", valid("wiz")}}, false,
                  false)
            .ok());
  // A manifest without required_vendors requires nothing.
  CHECK(loadFiles("no_required", {{"wiz.toml", valid("wiz")}}, true, true).ok());
  expectError("req_bad", "_set.toml", test::kManifest + "required_vendors = [\"Wiz\"]\n",
              "_set.toml:4:", "required vendor id 'Wiz' must match");
  expectError("req_dup", "_set.toml", test::kManifest + "required_vendors = [\"wiz\", \"wiz\"]\n",
              "_set.toml:4:", "listed twice");
  expectError("req_type", "_set.toml", test::kManifest + "required_vendors = \"wiz\"\n",
              "_set.toml:4:", "must be an array of vendor ids");
}

TEST_CASE("Vendors come out in required_vendors order, then by id", "[loader]") {
  const std::string manifest = test::kManifest + "required_vendors = [\"wiz\", \"crowdstrike\"]\n";
  const auto r = loadFiles("order",
                           {{"_set.toml", manifest},
                            {"crowdstrike.toml", valid("crowdstrike", "cloudsink.net")},
                            {"acme.toml", valid("acme", "acme.example")},
                            {"zeta.toml", valid("zeta", "zeta.example")},
                            {"wiz.toml", valid("wiz")}},
                           false, true);
  INFO(joinErrors(r));
  REQUIRE(r.ok());
  std::vector<std::string> ids;
  for (const auto& v : r.set->vendors())
    ids.push_back(v.id);
  CHECK(ids == std::vector<std::string>{"wiz", "crowdstrike", "acme", "zeta"});
  CHECK(r.set->info().requiredVendors == std::vector<std::string>{"wiz", "crowdstrike"});
}

TEST_CASE("Loading a missing directory fails cleanly", "[loader]") {
  const auto r = loadSignatureDir("/nonexistent/vw-signatures");
  CHECK_FALSE(r.ok());
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].toString().find("not a directory") != std::string::npos);
}

} // namespace vw::signatures
