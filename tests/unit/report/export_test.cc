#include <sstream>

#include <catch2/catch.hpp>

#include <vw/signatures/export.h>
#include <vw/signatures/loader.h>

using namespace vw::signatures;

namespace {

const SignatureSet& bundled() {
  static const auto r = loadSignatureDir(VW_TEST_SIGNATURES);
  REQUIRE(r.ok());
  return *r.set;
}

std::string run(ExportFormat f, std::vector<std::string> vendors = {}) {
  ExportOptions o;
  o.format = f;
  o.vendors = std::move(vendors);
  std::string out, err;
  REQUIRE(exportSignatures(bundled(), o, out, err));
  REQUIRE(err.empty());
  return out;
}

bool hasLine(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (l == line || l == line + "\r")
      return true;
  return false;
}

} // namespace

TEST_CASE("Export format names parse, unknown ones do not") {
  CHECK(parseExportFormat("suricata") == ExportFormat::kSuricata);
  CHECK(parseExportFormat("zeek-intel") == ExportFormat::kZeekIntel);
  CHECK(parseExportFormat("ndpi-protos") == ExportFormat::kNdpiProtos);
  CHECK(parseExportFormat("rpz") == ExportFormat::kRpz);
  CHECK(parseExportFormat("csv") == ExportFormat::kCsv);
  CHECK_FALSE(parseExportFormat("snort").has_value());
}

TEST_CASE("Suricata export uses dotprefix and endswith for suffixes and bsize for exact names") {
  const auto s = run(ExportFormat::kSuricata, {"crowdstrike"});
  CHECK(s.find("# signature set version " + bundled().info().version) != std::string::npos);
  CHECK(s.find("tls.sni; dotprefix; content:\".cloudsink.net\"; nocase; endswith;") !=
        std::string::npos);
  CHECK(s.find("dns.query; content:\"ts01-b.cloudsink.net\"; nocase; bsize:20;") !=
        std::string::npos);
  CHECK(s.find("http.host; dotprefix; content:\".cloudsink.net\"; endswith;") != std::string::npos);
  CHECK(s.find("sid:4200000; rev:1;)") != std::string::npos);
  CHECK(s.find("VMware") == std::string::npos);
}

TEST_CASE("Zeek intel export has the header, apex names for suffixes and subnet types") {
  const auto z = run(ExportFormat::kZeekIntel);
  CHECK(z.rfind("#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\n", 0) == 0);
  CHECK(z.find("\ncloudsink.net\tIntel::DOMAIN\tvendorwatch-") != std::string::npos);
  CHECK(z.find("\tIntel::SUBNET\t") != std::string::npos);
  // Glob patterns are only mentioned on comment lines, never as indicators.
  std::istringstream in(z);
  for (std::string l; std::getline(in, l);)
    if (!l.empty() && l[0] != '#')
      CHECK(l.find('*') == std::string::npos);
}

TEST_CASE("nDPI export declares one custom protocol per vendor") {
  const auto n = run(ExportFormat::kNdpiProtos, {"crowdstrike", "paloalto"});
  CHECK(hasLine(n, "host:\"cloudsink.net\"@VW_CrowdStrike"));
  CHECK(n.find("@VW_PaloAltoNetworks") != std::string::npos);
  CHECK(n.find("@VW_Fortinet") == std::string::npos);
}

TEST_CASE("RPZ export blocks suffixes with a wildcard and has SOA and NS records") {
  const auto r = run(ExportFormat::kRpz, {"crowdstrike"});
  CHECK(r.find("$TTL 300\n") != std::string::npos);
  CHECK(r.find("\tIN\tSOA\t") != std::string::npos);
  CHECK(r.find("@\tIN\tNS\tlocalhost.\n") != std::string::npos);
  CHECK(hasLine(r, "cloudsink.net\tCNAME\t."));
  CHECK(hasLine(r, "*.cloudsink.net\tCNAME\t."));
  CHECK(hasLine(r, "ts01-b.cloudsink.net\tCNAME\t."));
  CHECK_FALSE(hasLine(r, "*.ts01-b.cloudsink.net\tCNAME\t."));
}

TEST_CASE("CSV export carries the set version on every row") {
  const auto c = run(ExportFormat::kCsv, {"crowdstrike"});
  const auto& info = bundled().info();
  CHECK(c.find("\r\n" + info.version + "," + info.date + ",crowdstrike,CrowdStrike,") !=
        std::string::npos);
}

TEST_CASE("Exporting an unknown vendor fails and names it") {
  ExportOptions o;
  o.vendors = {"crowdstrike", "acme"};
  std::string out, err;
  CHECK_FALSE(exportSignatures(bundled(), o, out, err));
  CHECK(err.find("acme") != std::string::npos);
}
