// The shipped signature set (signatures/vendors): loads strictly, has the 16 vendors, provenance on
// every indicator, covers the research compendium and matches no lookalike decoy.
#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <vw/signatures/loader.h>
#include <vw/signatures/matcher.h>
#include <vw/signatures/normalise.h>

#include "../no_skip.h"
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

bool isOrUnderName(const std::string& name, const std::string& parent) {
  return name == parent || (name.size() > parent.size() && name.ends_with("." + parent));
}

// "vendor/product/role" of the indicator a name matches, or "none".
std::string roleOfName(std::string_view name) {
  const Match m = realMatcher().matchDomain(name);
  if (!m)
    return "none";
  const auto& s = realMatcher().set();
  return s.vendorOf(*m.indicator).id + "/" + s.productOf(*m.indicator).id + "/" +
         std::string(toString(s.productOf(*m.indicator).role));
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
  CHECK(r.set->info().version == "2026.12.07");
  CHECK(r.set->info().date == "2026-12-07");
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
      {"FireEye", "mcafee"},          {"iSIGHT Partners", "mandiant"},
      {"Dome9", "checkpoint"},
  };
  for (const auto& [brand, owner] : brands) {
    INFO(brand);
    CHECK(brandOwner(brand) == std::set<std::string>{owner});
  }
}

TEST_CASE("Marketing, docs and support sites are web presence, never a product", "[realset]") {
  // Semantic decoys: the vendor's own public sites (audit section 2, issue 12 item 1).
  const std::vector<std::pair<std::string, std::string>> web = {
      {"www.perimeter81.com", "checkpoint"},
      {"perimeter81.com", "checkpoint"},
      {"support.perimeter81.com", "checkpoint"},
      {"www.zonealarm.com", "checkpoint"},
      {"zonealarm.com", "checkpoint"},
      {"www.trustedsource.org", "mcafee"},
      {"trustedsource.org", "mcafee"},
      {"docs.prismacloud.io", "paloalto"},
      {"prismacloud.io", "paloalto"},
      {"www.cloudgenix.com", "paloalto"},
      {"www.talon-sec.com", "paloalto"},
      {"library.humio.com", "crowdstrike"},
      {"www.humio.com", "crowdstrike"},
      {"help.medigate.io", "claroty"},
      {"www.medigate.io", "claroty"},
      {"docs.orcasecurity.io", "orca"},
      {"www.orcasecurity.io", "orca"},
      {"support.air-watch.com", "vmware"},
      {"www.air-watch.com", "vmware"},
      {"www.fireeye.com", "mcafee"},
      {"www.paloaltonetworks.com", "paloalto"},
      {"docs.paloaltonetworks.com", "paloalto"},
      {"www.fortinet.com", "fortinet"},
      {"www.rapid7.com", "rapid7"},
      {"www.crowdstrike.com", "crowdstrike"},
      {"www.imperva.com", "imperva"},
  };
  for (const auto& [name, vendor] : web) {
    INFO(name << " -> " << roleOfName(name));
    const Match m = realMatcher().matchDomain(name);
    REQUIRE(m);
    CHECK(realMatcher().set().vendorOf(*m.indicator).id == vendor);
    CHECK(isWebPresence(realMatcher().set().productOf(*m.indicator).role));
  }
  // ...while the product hosts under the same apexes stay product (the generated scenarios use
  // several of them), and product endpoints under corporate domains are products now.
  const std::vector<std::string> product = {
      "static.perimeter81.com",
      "api.perimeter81.com",
      "abc-123.pzero.perimeter81.com",
      "kav8.zonealarm.com",
      "tunnel.web.trustedsource.org",
      "api.prismacloud.io",
      "api.us.hood.cloudgenix.com",
      "api.eu.sugarloaf.cloudgenix.com",
      "gateway.talon-sec.com",
      "us-east-1.prod.talon-sec.com",
      "get.pabrowser.com",
      "cloud.us.humio.com",
      "cloud.humio.com",
      "api.medigate.io",
      "eu.api.medigate.io",
      "app.orcasecurity.io",
      "app.eu.orcasecurity.io",
      "api.orcasecurity.io",
      "api.eu.orcasecurity.io",
      "resolver1.chkp.ctmail.com",
      "hex01.helix.apps.fireeye.com",
      "x.apps.fireeye.com",
      "my.imperva.com",
      "api.imperva.com",
      "acme.maas.checkpoint.com",
      "api.dome9.com",
      "registry.crowdstrike.com",
      "registry.laggar.gcw.crowdstrike.com",
      "api.laggar.gcw.crowdstrike.com",
      "abc123.ingest.us-1.crowdstrike.com",
      "downloads.wiz.io",
      "api.isightpartners.com",
  };
  for (const auto& name : product) {
    INFO(name << " -> " << roleOfName(name));
    const Match m = realMatcher().matchDomain(name);
    REQUIRE(m);
    CHECK_FALSE(isWebPresence(realMatcher().set().productOf(*m.indicator).role));
  }
  // Names that are no indicator any more: the shared OEM engine and Skyhigh.
  CHECK(vendorOfName("download.ctmail.com") == "none");
  CHECK(vendorOfName("ctmail.com") == "none");
  CHECK(vendorOfName("myshn.net") == "none");
  CHECK(vendorOfName("tenant.myshn.net") == "none");
  CHECK(roleOfName("api.isightpartners.com") == "mandiant/threat-intel-api/threat-intel-api");
  CHECK(roleOfName("www.fireeye.com") == "mcafee/corporate/corporate-web");
}

TEST_CASE("Certificate organisations sit on the right product and part", "[realset][onprem]") {
  const Matcher& m = realMatcher();
  const auto& s = m.set();
  const auto who = [&](CertPart part, std::string_view dn) {
    std::array<Match, 8> out{};
    const std::size_t n = m.matchCert(part, dn, out);
    std::string r;
    for (std::size_t i = 0; i < n; ++i)
      r += (r.empty() ? "" : " ") + s.vendorOf(*out[i].indicator).id + "/" +
           s.productOf(*out[i].indicator).id;
    return r.empty() ? std::string("none") : r;
  };
  // CrowdStrike's organisation names its cloud, not the sensor (audit section 2 #12).
  CHECK(who(CertPart::kSubject, "C=US, O=CrowdStrike, Inc., CN=ts01-b.cloudsink.net") ==
        "crowdstrike/falcon-cloud");
  // Interception CAs only as the issuer, on an interception-ca product.
  const std::string fgca =
      "C=US, ST=California, L=Sunnyvale, O=Fortinet, OU=Certificate Authority, "
      "CN=FortiGate CA, emailAddress=support@fortinet.com";
  CHECK(who(CertPart::kIssuer, fgca) == "fortinet/fortigate-inspection");
  CHECK(who(CertPart::kSubject, fgca) == "none");
  std::array<Match, 4> out{};
  REQUIRE(m.matchCert(CertPart::kIssuer, fgca, out) == 1);
  CHECK(s.productOf(*out[0].indicator).role == Role::kInterceptionCa);
  // Fortinet's factory sub-CA is no inspection CA.
  CHECK(who(CertPart::kIssuer, "C=US, ST=California, L=Sunnyvale, O=Fortinet, OU=Certificate "
                               "Authority, CN=fortinet-subca2001") == "none");
  REQUIRE(m.matchCert(CertPart::kIssuer, "C=IL, O=Cato Networks, CN=Cato Networks Root CA", out) ==
          1);
  CHECK(s.productOf(*out[0].indicator).role == Role::kInterceptionCa);
  CHECK(who(CertPart::kSubject, "C=IL, O=Cato Networks, CN=Cato Networks Root CA") == "none");
  // Appliance default certificates (recog).
  CHECK(who(CertPart::kSubject, "C=US, ST=California, L=Sunnyvale, O=Fortinet, OU=FortiGate, "
                                "CN=FG100ETK1800118") ==
        "fortinet/fortigate-appliance fortinet/fortigate-appliance"); // cert and cert_org FortiGate
  CHECK(who(CertPart::kSubject, "C=US, ST=CA, L=Santa Clara, O=Palo Alto Networks, CN=d9fc2294") ==
        "paloalto/pan-os");
  CHECK(who(CertPart::kSubject, "C=US, O=Palo Alto Networks, Inc., CN=www.paloaltonetworks.com") ==
        "none");
  CHECK(who(CertPart::kSubject, "C=US, ST=California, L=Palo Alto, O=VMware\\, Inc, OU=VMware ESX "
                                "Server Default Certificate, CN=esx01") == "vmware/esxi");
  CHECK(who(CertPart::kIssuer, "C=US, ST=California, O=vcsa.corp.example, OU=VMware Engineering, "
                               "CN=CA") == "vmware/vcenter");
  CHECK(who(CertPart::kSubject, "C=US, ST=California, L=Milpitas, O=FireEye\\, Inc., OU=Network "
                                "Security Management, CN=nx01") == "mcafee/fireeye-appliance");
  // The old self-signed FortiGate certificate of the generated capture still matches.
  CHECK(who(CertPart::kSubject, "O=Fortinet Ltd., OU=FortiGate, CN=FortiGate") ==
        "fortinet/fortigate-appliance fortinet/fortigate-appliance");
  CHECK(who(CertPart::kIssuer, "C=US, O=Let's Encrypt, CN=R3") == "none");
}

TEST_CASE("On-prem banners, headers, paths, syslog and nDPI names of the shipped set",
          "[realset][onprem]") {
  const Matcher& m = realMatcher();
  const auto& s = m.set();
  const auto bytes = [](std::string_view v) {
    return std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(v.data()), v.size());
  };
  const auto id = [&](const Match& x) {
    return x ? s.vendorOf(*x.indicator).id + "/" + s.productOf(*x.indicator).id
             : std::string("none");
  };
  CHECK(id(m.matchBanner(bytes("220 VMware Authentication Daemon Version 1.10: SSL Required\r\n"),
                         902)) == "vmware/esxi");
  CHECK(id(m.matchBanner(bytes("SSH-2.0-FortiSSH_2.5\r\n"), 22)) == "fortinet/fortigate-appliance");
  CHECK(id(m.matchBanner(bytes(std::string_view("Q\0\0\0", 4)), 264)) ==
        "checkpoint/quantum-gateway");
  CHECK(id(m.matchBanner(bytes(std::string_view("Q\0\0\0", 4)), 8080)) == "none");
  CHECK(id(m.matchBanner(bytes("220 CheckPoint FireWall-1 secure ESMTP server\r\n"), 25)) ==
        "checkpoint/quantum-gateway");
  CHECK(id(m.matchBanner(bytes("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n"), 22)) == "none");
  CHECK(id(m.matchBanner(bytes("220 ProFTPD Server (Debian) [::ffff:10.0.0.1]\r\n"), 21)) ==
        "none");
  CHECK(id(m.matchBanner(bytes("220 mail.example.com ESMTP Postfix (Debian/GNU)\r\n"), 25)) ==
        "none");
  CHECK(id(m.matchHttpHeader(HttpDirection::kResponse, "Server", "PanWeb Server/ -")) ==
        "paloalto/pan-os");
  CHECK(id(m.matchHttpHeader(HttpDirection::kResponse, "Server",
                             "Agent-ListenServer-HttpSvr/1.0")) == "mcafee/trellix-agent");
  CHECK(id(m.matchHttpHeader(HttpDirection::kResponse, "Server", "xxxxxxxx-xxxxx")) ==
        "fortinet/fortigate-appliance");
  CHECK(id(m.matchHttpHeader(HttpDirection::kResponse, "Server", "NSC/0.6.4 (JVM)")) ==
        "rapid7/insightvm-console");
  CHECK(id(m.matchHttpHeader(HttpDirection::kResponse, "WWW-Authenticate",
                             "Basic realm=\"FW-1\"")) == "checkpoint/quantum-gateway");
  for (const char* generic : {"Apache/2.4.57 (Debian)", "nginx/1.22.1", "Microsoft-IIS/10.0",
                              "cloudflare", "AkamaiGHost", "Jetty(9.4.z-SNAPSHOT)"})
    CHECK(id(m.matchHttpHeader(HttpDirection::kResponse, "Server", generic)) == "none");
  CHECK(id(m.matchHttpPath("/global-protect/prelogin.esp")) == "paloalto/globalprotect");
  CHECK(id(m.matchHttpPath("/remote/logincheck")) == "fortinet/fortigate-appliance");
  CHECK(id(m.matchHttpPath("/login")) == "none");
  CHECK(id(m.matchSyslogProduct(SyslogFormat::kCef, "Cyber-Ark", "Vault")) == "cyberark/vault");
  CHECK(id(m.matchSyslogProduct(SyslogFormat::kCef, "Claroty", "CTD")) == "claroty/ctd");
  CHECK(id(m.matchSyslogProduct(SyslogFormat::kCef, "Imperva Inc.", "SecureSphere")) ==
        "imperva/securesphere");
  CHECK(id(m.matchSyslogProduct(SyslogFormat::kCef, "CrowdStrike", "FalconHost")) ==
        "crowdstrike/falcon-siem-connector");
  CHECK(id(m.matchSyslogProduct(SyslogFormat::kCef, "Microsoft", "Windows")) == "none");
  const std::array<KeyValue, 3> fgt{
      {{"devid", "FG100ETK20014183"}, {"logid", "0001000014"}, {"vd", "root"}}};
  CHECK(id(m.matchSyslogFields(fgt)) == "fortinet/fortigate-appliance");
  // A Juniper NetScreen log of the nDPI corpus (syslog.pcap) is no FortiOS log.
  const std::array<KeyValue, 2> netscreen{{{"device_id", "0185082008001541"}, {"policy_id", "8"}}};
  CHECK(id(m.matchSyslogFields(netscreen)) == "none");
  CHECK(id(m.matchDpi("VMware")) == "vmware/esxi");
  CHECK(id(m.matchDpi("CPHA")) == "checkpoint/quantum-gateway");
  CHECK(id(m.matchDpi("FortiClient")) == "none"); // no dissector in nDPI: see CHANGES.md
  CHECK(id(m.matchDpi("TLS")) == "none");
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
  if (!in)
    VW_SKIP_OR_FAIL("research compendium not found at " << VW_RESEARCH_MD);
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
      {"ctmail.com", "Commtouch/Cyren OEM engine domain shared with other licensees (2026-12-07)"},
      {"download.ctmail.com", "Commtouch/Cyren OEM download host (2026-12-07)"},
      {"myshn.net", "Skyhigh Security: not one of the 16 vendors (README brand rule, 2026-12-07)"},
      {"success.myshn.net", "Skyhigh Security knowledge base (2026-12-07)"},
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
      // FireEye's name and products (every fireeye.com row of section 7) belong to Trellix
      // (mcafee) since the 2021 sale; Mandiant kept intelligence and services.
      const std::string expected =
          isOrUnderName(*norm, "fireeye.com") ? std::string("mcafee") : vendor;
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
