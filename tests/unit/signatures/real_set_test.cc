// The shipped signature set (signatures/vendors): loads strictly, has the 16 vendors, provenance on
// every indicator, covers the research compendium and matches no lookalike decoy.
#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <vw/signatures/loader.h>
#include <vw/signatures/matcher.h>
#include <vw/signatures/normalise.h>

#include "sig_test_util.h"

namespace vw::signatures {
namespace {

const LoadResult& realLoad() {
  static const LoadResult r = loadSignatureDir(VW_SIGNATURES_DIR);
  return r;
}

const Matcher& realMatcher() {
  static const Matcher m = [] {
    const auto& r = realLoad();
    INFO(test::joinErrors(r));
    REQUIRE(r.ok());
    return Matcher(r.set);
  }();
  return m;
}

std::string vendorOfName(std::string_view name) {
  const Match m = realMatcher().matchDomain(name);
  return m ? realMatcher().set().vendorOf(*m.indicator).id : "none";
}

std::string vendorOfIp(const std::string& text) {
  const auto c = parseCidr(text, nullptr, false);
  REQUIRE(c.has_value());
  const Match m =
      realMatcher().matchIp(std::span<const std::uint8_t>(c->addr.data(), c->v6 ? 16 : 4));
  return m ? realMatcher().set().vendorOf(*m.indicator).id : "none";
}

} // namespace

const std::vector<std::string> kSeedVendors = {
    "vmware",   "paloalto", "fortinet",       "crowdstrike", "sentinelone", "mcafee",
    "mandiant", "wiz",      "recordedfuture", "claroty",     "rapid7",      "checkpoint",
    "cyberark", "orca",     "cato",           "imperva"};

TEST_CASE("The shipped signature set loads with exactly the 16 seed vendors", "[realset]") {
  const auto& r = realLoad();
  INFO(test::joinErrors(r));
  REQUIRE(r.ok());
  std::vector<std::string> ids;
  for (const auto& v : r.set->vendors())
    ids.push_back(v.id);
  CHECK(ids == kSeedVendors);
  CHECK(r.set->info().requiredVendors == kSeedVendors);
  for (const auto& v : r.set->vendors()) {
    INFO(v.id);
    CHECK(v.status == VendorStatus::kBanned);
    CHECK_FALSE(v.products.empty());
    CHECK((v.country == "US" || v.country == "IL"));
  }
  CHECK(r.set->info().version == "2026.11.22");
  CHECK(r.set->info().date == "2026-11-22");
}

TEST_CASE("A 17th vendor file next to the shipped set loads without a code change", "[realset]") {
  test::TempDir dir("vendor17");
  for (const auto& entry : std::filesystem::directory_iterator(VW_SIGNATURES_DIR)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    dir.write(entry.path().filename().string(), text.str());
  }
  dir.write("acme-sensors.toml", "[vendor]\nid = \"acme-sensors\"\nname = \"Acme Sensors\"\n"
                                 "country = \"DE\"\nparent = \"Acme Holding\"\n"
                                 "status = \"watch\"\n\n"
                                 "[[product]]\nid = \"agent\"\nname = \"Acme agent\"\n"
                                 "role = \"edr-telemetry\"\n\n"
                                 "[[indicator]]\nproduct = \"agent\"\nkind = \"domain\"\n"
                                 "match = \"suffix\"\nvalue = \"telemetry.acme-sensors.example\"\n"
                                 "confidence = \"high\"\nsource = \"https://example.org/acme\"\n"
                                 "source_date = 2026-11-01\n");
  const auto r = loadSignatureDir(dir.path());
  INFO(test::joinErrors(r));
  REQUIRE(r.ok());
  REQUIRE(r.set->vendors().size() == 17);
  CHECK(r.set->vendors().back().id == "acme-sensors");
  CHECK(r.set->vendors().back().status == VendorStatus::kWatch);
  for (std::size_t i = 0; i < kSeedVendors.size(); ++i)
    CHECK(r.set->vendors()[i].id == kSeedVendors[i]);
  const Matcher m(r.set);
  const Match hit = m.matchDomain("eu1.telemetry.acme-sensors.example");
  REQUIRE(hit);
  CHECK(m.set().vendorOf(*hit.indicator).id == "acme-sensors");
  CHECK(m.set().vendorOf(*m.matchDomain("ts01-b.cloudsink.net").indicator).id == "crowdstrike");
  // A required seed vendor missing is still an error.
  std::filesystem::remove(dir.path() / "wiz.toml");
  const auto missing = loadSignatureDir(dir.path());
  CHECK_FALSE(missing.ok());
  CHECK(test::joinErrors(missing).find("missing vendor file 'wiz.toml'") != std::string::npos);
}

TEST_CASE("Every shipped indicator has an http(s) source URL and a source date", "[realset]") {
  const auto& r = realLoad();
  REQUIRE(r.ok());
  const std::regex date(R"(20[0-9]{2}-[01][0-9]-[0-3][0-9])");
  for (const auto& ind : r.set->indicators()) {
    INFO(ind.where.file << ":" << ind.where.line << " " << ind.value);
    CHECK((ind.sourceUrl.starts_with("https://") || ind.sourceUrl.starts_with("http://")));
    CHECK(std::regex_match(ind.sourceDate, date));
    CHECK(ind.sourceDate <= r.set->info().date);
  }
  CHECK(r.set->indicators().size() > 300);
}

TEST_CASE("The compendium's 25 most distinctive indicators match the right vendor", "[realset]") {
  const std::vector<std::pair<std::string, std::string>> names = {
      {"ts01-b.cloudsink.net", "crowdstrike"},
      {"lfodown01-gyr-maverick.cloudsink.net", "crowdstrike"},
      {"dev-prod05.conferdeploy.net", "vmware"},
      {"devices.confer.net", "vmware"},
      {"content.carbonblack.io", "vmware"},
      {"updates2.cdc.carbonblack.io", "vmware"},
      {"rm01.awmdm.com", "vmware"},
      {"vco160-usca1.velocloud.net", "vmware"},
      {"acme.gpcloudservice.com", "paloalto"},
      {"gateway.talon-sec.com", "paloalto"},
      {"get.pabrowser.com", "paloalto"},
      {"sdwan-stats-hood-us.cgnx.net", "paloalto"},
      {"api.us.hood.cloudgenix.com", "paloalto"},
      {"api.prod.datapath.prismaaccess.com", "paloalto"},
      {"api.prismacloud.io", "paloalto"},
      {"cloud.humio.com", "crowdstrike"},
      {"app.scalyr.com", "sentinelone"},
      {"update.nai.com", "mcafee"},
      {"tunnel.web.trustedsource.org", "mcafee"},
      {"0123abcd.avqs.mcafee.com", "mcafee"},
      {"hex01.helix.apps.fireeye.com", "mcafee"},
      {"marketplace.apps.fireeye.com", "mcafee"},
      {"feapi.marketplace.apps.fireeye.com", "mcafee"},
      {"api.medigate.io", "claroty"},
      {"acme.my.idaptive.app", "cyberark"},
      {"apro78z9ol93v-ats.iot.us-gov-west-1.amazonaws.com", "cyberark"},
      {"eu-gw.locsec.net", "checkpoint"},
      {"resolver1.chkp.ctmail.com", "checkpoint"},
      {"download.ctmail.com", "checkpoint"},
      {"kav8.zonealarm.com", "checkpoint"},
      {"static.perimeter81.com", "checkpoint"},
      {"knowledgebase-z5zuqo2qvp.pzero.perimeter81.com", "checkpoint"},
      {"smart-api-production-1-us.avanan.net", "checkpoint"},
      {"client-telemetry.main.prod.k8s.catonet.works", "cato"},
      {"abc.x.incapdns.net", "imperva"},
      {"data.logentries.com", "rapid7"},
      {"wizio.azurecr.io", "wiz"},
      {"wiziopublic.azurecr.io", "wiz"},
  };
  for (const auto& [name, vendor] : names) {
    INFO(name);
    CHECK(vendorOfName(name) == vendor);
  }
  const Matcher& m = realMatcher();
  CHECK(m.set().vendorOf(*m.matchPort(Transport::kUdp, 2426).indicator).id == "vmware");
  CHECK(m.set().vendorOf(*m.matchPort(Transport::kUdp, 1337).indicator).id == "cato");
  CHECK(m.set().vendorOf(*m.matchPort(Transport::kTcp, 1337).indicator).id == "cato");
  CHECK(m.set().vendorOf(*m.matchPort(Transport::kTcp, 54443).indicator).id == "vmware");
  CHECK(m.set().vendorOf(*m.matchPort(Transport::kTcp, 1858).indicator).id == "cyberark");
  CHECK(m.set().vendorOf(*m.matchPort(Transport::kUdp, 8888).indicator).id == "fortinet");
  CHECK(vendorOfIp("193.149.136.42") == "rapid7");
  CHECK(vendorOfIp("85.255.31.1") == "cato");
}

TEST_CASE("Acquired brands map to their current owner", "[realset]") {
  auto brandOwner = [&](const std::string& brand) {
    std::set<std::string> owners;
    const auto& s = realMatcher().set();
    for (const auto& p : s.products())
      if (std::find(p.brands.begin(), p.brands.end(), brand) != p.brands.end())
        owners.insert(s.vendorOf(p).id);
    return owners;
  };
  const std::vector<std::pair<std::string, std::string>> brands = {
      {"Carbon Black", "vmware"},     {"Workspace ONE", "vmware"},
      {"AirWatch", "vmware"},         {"VeloCloud", "vmware"},
      {"Perimeter 81", "checkpoint"}, {"ZoneAlarm", "checkpoint"},
      {"Avanan", "checkpoint"},       {"Idaptive", "cyberark"},
      {"Medigate", "claroty"},        {"SecurityTrails", "recordedfuture"},
      {"Humio", "crowdstrike"},       {"Scalyr", "sentinelone"},
      {"Talon", "paloalto"},          {"CloudGenix", "paloalto"},
      {"Logentries", "rapid7"},       {"Incapsula", "imperva"},
      {"FireEye HX", "mcafee"},       {"Helix", "mcafee"},
  };
  for (const auto& [brand, owner] : brands) {
    INFO(brand);
    CHECK(brandOwner(brand) == std::set<std::string>{owner});
  }
}

TEST_CASE("Imperva edge ranges and incapdns.net belong to a cdn-edge product", "[realset]") {
  const auto& s = realMatcher().set();
  for (const char* ip : {"45.60.1.1", "199.83.128.9", "107.154.3.4"}) {
    const auto c = parseCidr(ip);
    const Match m = realMatcher().matchIp(std::span<const std::uint8_t>(c->addr.data(), 4));
    REQUIRE(m);
    CHECK(s.productOf(*m.indicator).role == Role::kCdnEdge);
  }
  CHECK(s.productOf(*realMatcher().matchDomain("x.incapdns.net").indicator).role == Role::kCdnEdge);
  CHECK(s.productOf(*realMatcher().matchDomain("my.incapsula.com").indicator).role !=
        Role::kCdnEdge);
}

TEST_CASE("Lookalike decoys and shared infrastructure match nothing", "[realset]") {
  const std::vector<std::string> decoys = {
      "mywiz.io",
      "quiz.io",
      "wiz.io.example.net",
      "notcrowdstrike.com",
      "crowdstrike.com.evil.net",
      "cloudsink.net.attacker.org",
      "mycloudsink.net",
      "fortinet-updates.example",
      "fortinet.com.evil.org",
      "paloaltonetworks.com.phish.example",
      "xn--paloaltonetwrks-7ib.com",
      "xn--wz-fka.io",
      "sentinelone.net.example.org",
      "checkpointt.com",
      "cyberark.com-login.example",
      "notcatonetworks.com",
      "incapdns.network",
      "rapid7.com.evil.org",
      "evilmcafee.com",
      "trellix.com.evil.net",
      "notmedigate.io",
      "s3.amazonaws.com",
      "mybucket.s3.amazonaws.com",
      "cdc-file-storage-production.s3.amazonaws.com",
      "storage.googleapis.com",
      "other-bucket.storage.googleapis.com",
      "blob.core.windows.net",
      "evil.azurecr.io",
      "wizio.azurecr.io.evil.net",
      "x.wizio.azurecr.io",
      "crl.godaddy.com",
      "ocsp.digicert.com",
      "s.sophosxl.net",
      "www.google.com",
      "www.microsoft.com",
      "broadcom.com",
  };
  for (const auto& d : decoys) {
    INFO(d);
    CHECK(vendorOfName(d) == "none");
  }
  // Generic CAs, addresses and ports are not indicators either.
  const Matcher& m = realMatcher();
  CHECK_FALSE(m.matchCertDn("C=US, O=GoDaddy.com, Inc., CN=Go Daddy Secure Certificate Authority"));
  CHECK_FALSE(m.matchCertDn("C=US, O=Amazon, CN=Amazon RSA 2048 M01"));
  CHECK_FALSE(m.matchCertDn("C=US, O=Let's Encrypt, CN=R3"));
  for (const std::uint16_t p :
       std::array<std::uint16_t, 8>{53, 80, 123, 443, 500, 1194, 4500, 51820}) {
    CHECK_FALSE(m.matchPort(Transport::kTcp, p));
    CHECK_FALSE(m.matchPort(Transport::kUdp, p));
  }
  CHECK(vendorOfIp("10.41.0.5") == "none");
  CHECK(vendorOfIp("8.8.8.8") == "none");
}

// Reads every backticked host name and every IPv4 address of a `cidr` row of the research
// compendium and checks that it matches the vendor of its section. Placeholders are instantiated
// (<tenant> -> test1, [.<r>] dropped, {a,b} -> a, 01..06 -> 01). Items deliberately not imported
// (shared infrastructure, customer-side names, unverified risky rows) are listed with the reason.
TEST_CASE("Every host and address of the research compendium is covered", "[realset][compendium]") {
  std::ifstream in(VW_RESEARCH_MD);
  if (!in) {
    WARN("research compendium not found at " << VW_RESEARCH_MD << "; coverage not checked");
    return;
  }
  const std::map<std::string, std::string> notImported = {
      {"omnissa.com", "unverified; Workspace ONE was divested to Omnissa"},
      {"crl.godaddy.com", "shared CA"},
      {"ocsp.godaddy.com", "shared CA"},
      {"certs.godaddy.com", "shared CA"},
      {"crl.globalsign.com", "shared CA"},
      {"ocsp.digicert.com", "shared CA"},
      {"s.sophosxl.net", "shared with Sophos"},
      {"blob.core.windows.net", "shared cloud"},
      {"datadoghq.com", "shared SaaS"},
      {"s3.test1.amazonaws.com", "generic S3 placeholder (Wiz outpost egress)"},
      {"goog.json", "a file name (GCP ranges), not a host"},
      {"cloud.json", "a file name (GCP ranges), not a host"},
      {"amazontrust.com", "shared CA"},
      {"wfpc.service.test1.test1", "customer-side WildFire cluster name"},
      {"cato-install-ubuntu18.sh", "a file name, not a host"},
      {"161.69.0.0", "unverified /16 from a synthetic-traffic generator"},
      {"167.89.59.134", "SendGrid: shared mail provider"},
      {"10.41.0.0", "LAN-side Cato client pool"},
  };
  const std::map<int, std::string> sectionVendor = {
      {1, "vmware"},         {2, "paloalto"}, {3, "fortinet"}, {4, "crowdstrike"},
      {5, "sentinelone"},    {6, "mcafee"},   {7, "mandiant"}, {8, "wiz"},
      {9, "recordedfuture"}, {10, "claroty"}, {11, "rapid7"},  {12, "checkpoint"},
      {13, "cyberark"},      {14, "orca"},    {15, "cato"},    {16, "imperva"},
  };
  const std::regex section(R"(^## ([0-9]+)\.)");
  const std::regex backtick("`([^`]+)`");
  const std::regex ipv4(R"((^|[^0-9.])([0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3})(?![0-9.]))");
  int current = 0;
  int checkedNames = 0;
  int checkedIps = 0;
  std::string line;
  while (std::getline(in, line)) {
    std::smatch sm;
    if (std::regex_search(line, sm, section)) {
      current = std::stoi(sm[1]);
      continue;
    }
    if (current < 1 || current > 16 || line.rfind("|", 0) != 0 ||
        line.find("---|") != std::string::npos)
      continue;
    const std::string vendor = sectionVendor.at(current);
    // Cells: "", indicator, type, ...
    std::vector<std::string> cells;
    std::size_t start = 0;
    while (true) {
      const auto bar = line.find('|', start);
      if (bar == std::string::npos)
        break;
      cells.push_back(line.substr(start, bar - start));
      start = bar + 1;
    }
    if (cells.size() < 3 || cells[1].find("indicator") != std::string::npos)
      continue;
    const std::string row = cells[1];
    const std::string type = cells[2];
    for (auto it = std::sregex_iterator(row.begin(), row.end(), backtick);
         it != std::sregex_iterator(); ++it) {
      std::string tok = (*it)[1];
      if (tok.empty() || tok[0] == '/' || tok.find(' ') != std::string::npos ||
          tok.find('=') != std::string::npos || tok.back() == '.' ||
          std::any_of(tok.begin(), tok.end(), [](char c) { return (unsigned char)c >= 0x80; }))
        continue;
      if (tok.ends_with(".*"))
        continue;
      tok = std::regex_replace(tok, std::regex(R"(\[[^\]]*\])"), "");
      tok = std::regex_replace(tok, std::regex(R"(<[^>]*>)"), "test1");
      tok = std::regex_replace(tok, std::regex(R"(\{([^,}]*)[^}]*\})"), "$1");
      tok = std::regex_replace(tok, std::regex(R"(([0-9]+)\.\.[0-9]+)"), "$1");
      tok = std::regex_replace(tok, std::regex(R"(:[0-9]+$)"), "");
      if (const auto slash = tok.find('/'); slash != std::string::npos)
        tok = tok.substr(0, slash);
      while (!tok.empty() && (tok[0] == '*' || tok[0] == '.'))
        tok.erase(0, 1);
      if (tok.find(':') != std::string::npos)
        continue;
      if (std::regex_match(tok, std::regex(R"([0-9.]+)"))) {
        if (notImported.count(tok) == 0 && type.find("cidr") != std::string::npos) {
          INFO("section " << current << ": " << tok);
          CHECK(vendorOfIp(tok) == vendor);
          ++checkedIps;
        }
        continue;
      }
      const auto norm = normaliseDomain(tok);
      if (!norm || norm->find('.') == std::string::npos || notImported.count(*norm))
        continue;
      // FireEye HX / Helix rows of section 7 belong to Trellix (mcafee) now.
      const std::string expected =
          norm->ends_with("helix.apps.fireeye.com") ? std::string("mcafee") : vendor;
      INFO("section " << current << ": `" << (*it)[1] << "` -> " << *norm);
      CHECK(vendorOfName(*norm) == expected);
      ++checkedNames;
    }
    if (type.find("cidr") != std::string::npos) {
      for (auto it = std::sregex_iterator(row.begin(), row.end(), ipv4);
           it != std::sregex_iterator(); ++it) {
        const std::string ip = (*it)[2];
        if (notImported.count(ip))
          continue;
        INFO("section " << current << ": " << ip);
        CHECK(vendorOfIp(ip) == vendor);
        ++checkedIps;
      }
    }
  }
  CHECK(checkedNames > 200);
  CHECK(checkedIps > 60);
}

} // namespace vw::signatures
