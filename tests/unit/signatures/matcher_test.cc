// Matcher behaviour on a small in-memory signature set: label boundaries, case, trailing dots,
// punycode, longest match, patterns, cross-vendor overlaps, CIDR LPM (v4, v6, v4-mapped), cert DN
// parsing, user agents, ports, JA3/JA4, explain(), concurrency and the no-allocation guarantee.
#include <array>
#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <vw/signatures/loader.h>
#include <vw/signatures/matcher.h>
#include <vw/signatures/normalise.h>

#include "sig_test_util.h"

// ---- allocation counting (only while tCountAllocs is set on the calling thread) ----
// The replaced operators below pair new with malloc and delete with free consistently; GCC's
// -Wmismatched-new-delete cannot see that once std::string code is inlined into a test case.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
namespace {
thread_local bool tCountAllocs = false;
thread_local std::size_t tAllocs = 0;
} // namespace

// Every replaceable allocation function is replaced (plain, nothrow, array, aligned) so that all
// allocations go through malloc/free consistently, also under AddressSanitizer.
namespace {
void* countedAlloc(std::size_t n) noexcept {
  if (tCountAllocs)
    ++tAllocs;
  return std::malloc(n ? n : 1);
}
void* countedAlignedAlloc(std::size_t n, std::align_val_t al) noexcept {
  if (tCountAllocs)
    ++tAllocs;
  const auto a = static_cast<std::size_t>(al);
  return std::aligned_alloc(a, ((n ? n : 1) + a - 1) / a * a);
}
} // namespace

void* operator new(std::size_t n) {
  if (void* p = countedAlloc(n))
    return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  if (void* p = countedAlloc(n))
    return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  return countedAlloc(n);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  return countedAlloc(n);
}
void* operator new(std::size_t n, std::align_val_t al) {
  if (void* p = countedAlignedAlloc(n, al))
    return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n, std::align_val_t al) {
  if (void* p = countedAlignedAlloc(n, al))
    return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, std::align_val_t al, const std::nothrow_t&) noexcept {
  return countedAlignedAlloc(n, al);
}
void* operator new[](std::size_t n, std::align_val_t al, const std::nothrow_t&) noexcept {
  return countedAlignedAlloc(n, al);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  std::free(p);
}

namespace vw::signatures {
namespace {

std::string ind(const std::string& product, const std::string& kind, const std::string& extra,
                const std::string& valueLine) {
  return "[[indicator]]\nproduct = \"" + product + "\"\nkind = \"" + kind + "\"\n" + extra +
         valueLine + "\nconfidence = \"high\"\nsource = \"https://example.com/s\"\n" +
         "source_date = 2026-11-01\n\n";
}
std::string dom(const std::string& product, const std::string& match, const std::string& value) {
  return ind(product, "domain", "match = \"" + match + "\"\n", "value = \"" + value + "\"");
}
std::string vendor(const std::string& id, const std::vector<std::string>& products) {
  std::string s = "[vendor]\nid = \"" + id +
                  "\"\nname = \"N\"\ncountry = \"US\"\nparent = \"P\"\nstatus = \"banned\"\n\n";
  for (const auto& p : products)
    s += "[[product]]\nid = \"" + p + "\"\nname = \"" + p + "\"\nrole = \"api\"\n\n";
  return s;
}

std::shared_ptr<const SignatureSet> fixtureSet() {
  std::vector<SourceText> files;
  files.push_back({"_set.toml", test::kManifest, ""});
  files.push_back({"wiz.toml",
                   vendor("wiz", {"web", "app", "auth", "reg", "tls"}) +
                       dom("web", "suffix", "wiz.io") + dom("app", "suffix", "app.wiz.io") +
                       dom("auth", "exact", "auth.app.wiz.io") +
                       dom("reg", "exact", "wizio.azurecr.io") +
                       ind("tls", "ja3", "", "value = \"E7D705A3286E19EA42F587B344EE6865\"") +
                       ind("tls", "ja4", "", "value = \"t13d1516h2_8daaf6152771_e5627efa2ab1\""),
                   ""});
  files.push_back({"crowdstrike.toml",
                   vendor("crowdstrike", {"sensor"}) + dom("sensor", "suffix", "cloudsink.net") +
                       dom("sensor", "exact", "ts01-b.cloudsink.net") +
                       ind("sensor", "cert_org", "", "value = \"CrowdStrike, Inc.\"") +
                       ind("sensor", "cidr", "", "value = \"100.20.76.137\""),
                   ""});
  files.push_back({"mandiant.toml",
                   vendor("mandiant", {"web", "apps"}) + dom("web", "suffix", "fireeye.com") +
                       dom("apps", "suffix", "apps.fireeye.com"),
                   ""});
  files.push_back({"mcafee.toml",
                   vendor("mcafee", {"ivx", "hx"}) +
                       dom("ivx", "suffix", "marketplace.apps.fireeye.com") +
                       dom("ivx", "exact", "feapi.marketplace.apps.fireeye.com") +
                       dom("hx", "suffix", "helix.apps.fireeye.com") +
                       dom("hx", "pattern", "hex*.helix.apps.fireeye.com"),
                   ""});
  files.push_back({"imperva.toml",
                   vendor("imperva", {"edge"}) +
                       ind("edge", "cidr", "", "value = \"45.60.0.0/16\"") +
                       ind("edge", "cidr", "", "value = \"2a02:e980::/29\""),
                   ""});
  files.push_back({"rapid7.toml",
                   vendor("rapid7", {"agent", "collector"}) +
                       ind("agent", "cidr", "", "value = \"45.60.12.0/24\"") +
                       ind("agent", "cidr", "", "value = \"193.149.136.0/24\"") +
                       ind("collector", "port", "proto = \"tcp\"\n", "value = 8037"),
                   ""});
  files.push_back({"cato.toml",
                   vendor("cato", {"client"}) +
                       ind("client", "port", "proto = \"udp\"\n", "value = 1337") +
                       ind("client", "port", "proto = \"tcp\"\n", "value = 1337") +
                       ind("client", "http_user_agent", "", "value = \"CatoClient\"") +
                       ind("client", "http_user_agent", "", "value = \"CatoClient/5 Windows\""),
                   ""});
  files.push_back(
      {"vmware.toml",
       vendor("vmware", {"cb", "esxi", "vc"}) +
           dom("cb", "pattern", "cdc-file-storage-production-*.s3.amazonaws.com") +
           dom("cb", "pattern", "defense-cblr-file-uploads-*.s3.*.amazonaws.com") +
           ind("esxi", "banner", "ports = [902, 912]\n",
               "value = '220 VMware Authentication Daemon Version'") +
           ind("esxi", "banner", "", "value = '220 VMware Authentication Daemon Version 1.10'") +
           ind("esxi", "cert", "", "value = \"OU=VMware ESX Server Default Certificate\"") +
           ind("vc", "cert", "part = \"issuer\"\n", "value = \"CN=CA, OU=VMware Engineering\"") +
           ind("esxi", "cert", "", "value = \"O=VMware\\\\, Inc, OU=SRM\"") +
           ind("vc", "dpi", "instance = \"both\"\n", "value = \"VMware\""),
       ""});
  files.push_back(
      {"fortinet.toml",
       vendor("fortinet", {"fgt", "mitm", "ssh"}) +
           ind("fgt", "cert_org", "", "values = [\"Fortinet Ltd.\", \"FortiGate\"]") +
           ind("fgt", "cert", "part = \"subject\"\n", "value = \"OU=FortiGate, O=Fortinet\"") +
           ind("fgt", "cert", "match = \"prefix\"\npart = \"subject\"\n",
               "value = \"CN=FGT60, O=Fortinet\"") +
           ind("mitm", "cert", "part = \"issuer\"\n",
               "value = \"O=Fortinet, OU=Certificate Authority\"") +
           ind("ssh", "banner", "", "value = 'SSH-2.0-FortiSSH_'") +
           ind("fgt", "http_header", "header = \"Server\"\n", "value = \"xxxxxxxx-xxxxx\"") +
           ind("fgt", "http_path", "", "value = \"/remote/logincheck\"") +
           ind("fgt", "http_path", "", "value = \"/remote/login\"") +
           ind("fgt", "syslog", "format = \"kv\"\n", "value = \"devid=FG logid=\"") +
           ind("fgt", "syslog", "format = \"kv\"\n", "value = \"devid=FG logid= vd=root\"") +
           ind("fgt", "dpi", "instance = \"initiator\"\n", "value = \"FortiClient\""),
       ""});
  files.push_back(
      {"checkpoint.toml",
       vendor("checkpoint", {"fw1", "web"}) +
           ind("fw1", "banner", "match = \"exact\"\nports = [264]\n",
               "value = 'Q\\x00\\x00\\x00'") +
           ind("web", "http_header", "header = \"X-Example-Agent\"\ndirection = \"request\"\n",
               "value = \"CheckAgent/\"") +
           ind("web", "http_header", "header = \"Server\"\n", "value = \"CPWS\""),
       ""});
  files.push_back({"cyberark.toml",
                   vendor("cyberark", {"vault"}) +
                       ind("vault", "syslog", "format = \"cef\"\n", "value = \"Cyber-Ark|Vault\""),
                   ""});
  files.push_back({"claroty.toml",
                   vendor("claroty", {"ctd", "any"}) +
                       ind("ctd", "syslog", "format = \"cef\"\n", "value = \"Claroty|CTD\"") +
                       ind("any", "syslog", "format = \"cef\"\n", "value = \"Claroty|*\"") +
                       ind("any", "syslog", "format = \"leef\"\n", "value = \"Claroty|CTD\""),
                   ""});
  files.push_back(
      {"paloalto.toml",
       vendor("paloalto", {"gp", "xdr", "panos"}) +
           ind("gp", "http_user_agent", "", "value = \"PAN GlobalProtect\"") +
           dom("xdr", "suffix", "traps.paloaltonetworks.com") +
           dom("xdr", "pattern", "ch-*.traps.paloaltonetworks.com") +
           ind("panos", "http_header", "header = \"server\"\n", "value = \"PanWeb Server/\"") +
           ind("gp", "http_path", "", "value = \"/global-protect/\"") +
           ind("panos", "cert", "", "value = \"O=Palo Alto Networks\""),
       ""});
  LoadOptions opt;
  opt.requireAllVendors = false;
  auto r = loadSignatureTexts(std::move(files), opt);
  INFO(test::joinErrors(r));
  REQUIRE(r.ok());
  return r.set;
}

const Matcher& matcher() {
  static const Matcher m(fixtureSet());
  return m;
}

// "vendor/product/how" or "none".
std::string who(const Match& m) {
  if (!m)
    return "none";
  const auto& s = matcher().set();
  return s.vendorOf(*m.indicator).id + "/" + s.productOf(*m.indicator).id + "/" +
         std::string(toString(m.how));
}
std::string dn(std::string_view name) {
  return who(matcher().matchDomain(name));
}
std::string ip4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  const std::array<std::uint8_t, 4> v{a, b, c, d};
  return who(matcher().matchIp(v));
}
std::string ipText(const std::string& text) {
  std::array<std::uint8_t, 16> buf{};
  const bool v6 = text.find(':') != std::string::npos;
  const auto c = parseCidr(text);
  REQUIRE(c.has_value());
  std::copy(c->addr.begin(), c->addr.end(), buf.begin());
  if (!c->v6 && v6) { // a v4-mapped literal was folded by parseCidr: rebuild the mapped form
    std::array<std::uint8_t, 16> mapped{0, 0, 0,    0,    0,      0,      0,      0,
                                        0, 0, 0xff, 0xff, buf[0], buf[1], buf[2], buf[3]};
    return who(matcher().matchIp(mapped));
  }
  return who(matcher().matchIp(std::span<const std::uint8_t>(buf.data(), c->v6 ? 16 : 4)));
}

} // namespace

TEST_CASE("A suffix indicator matches the domain itself and names below it", "[matcher]") {
  CHECK(dn("wiz.io") == "wiz/web/suffix");
  CHECK(dn("www.wiz.io") == "wiz/web/suffix");
  CHECK(dn("a.b.c.wiz.io") == "wiz/web/suffix");
}

TEST_CASE("A suffix matches only at a label boundary", "[matcher]") {
  CHECK(dn("mywiz.io") == "none");
  CHECK(dn("quiz.io") == "none");
  CHECK(dn("wiz.io.example.net") == "none");
  CHECK(dn("xwiz.io") == "none");
  CHECK(dn("wiz.iox") == "none");
  CHECK(dn("io") == "none");
  CHECK(dn("notcloudsink.net") == "none");
  CHECK(dn("cloudsink.net.attacker.org") == "none");
}

TEST_CASE("Domain matching ignores case and one trailing dot", "[matcher]") {
  CHECK(dn("AUTH.App.WIZ.io") == "wiz/auth/exact");
  CHECK(dn("auth.app.wiz.io.") == "wiz/auth/exact");
  CHECK(dn("WIZ.IO.") == "wiz/web/suffix");
}

TEST_CASE("Malformed names never match", "[matcher]") {
  CHECK(dn("") == "none");
  CHECK(dn(".") == "none");
  CHECK(dn("auth.app.wiz.io..") == "none");
  CHECK(dn(".wiz.io") == "none");
  CHECK(dn("www..wiz.io") == "none");
  CHECK(dn(std::string(64, 'a') + ".wiz.io") == "none");
  std::string longName;
  while (longName.size() < 260)
    longName += "abcdefghi.";
  CHECK(dn(longName + "wiz.io") == "none");
  CHECK(dn(std::string("wiz.io\0", 7)) == "none");
}

TEST_CASE("Punycode and raw UTF-8 lookalikes do not match plain labels", "[matcher]") {
  CHECK(dn("xn--wz-fka.io") == "none");
  CHECK(dn("xn--wiz-9na.io") == "none");
  CHECK(dn("w\xc3\xafz.io") == "none");
  CHECK(dn("app.xn--wz-fka.io") == "none");
}

TEST_CASE("An exact indicator matches only that name", "[matcher]") {
  CHECK(dn("wizio.azurecr.io") == "wiz/reg/exact");
  CHECK(dn("x.wizio.azurecr.io") == "none");
  CHECK(dn("azurecr.io") == "none");
  CHECK(dn("evil.azurecr.io") == "none");
  // Below an exact-only name, the next less specific suffix applies.
  CHECK(dn("x.auth.app.wiz.io") == "wiz/app/suffix");
  CHECK(dn("ts01-b.cloudsink.net") == "crowdstrike/sensor/exact");
  CHECK(dn("ts02-b.cloudsink.net") == "crowdstrike/sensor/suffix");
}

TEST_CASE("The longest match wins, also across vendors", "[matcher]") {
  CHECK(dn("www.fireeye.com") == "mandiant/web/suffix");
  CHECK(dn("x.apps.fireeye.com") == "mandiant/apps/suffix");
  CHECK(dn("marketplace.apps.fireeye.com") == "mcafee/ivx/suffix");
  CHECK(dn("dod-webhook.marketplace.apps.fireeye.com") == "mcafee/ivx/suffix");
  CHECK(dn("feapi.marketplace.apps.fireeye.com") == "mcafee/ivx/exact");
  CHECK(dn("helix.apps.fireeye.com") == "mcafee/hx/suffix");
  CHECK(dn("tenant-hx-webui-1.helix.apps.fireeye.com") == "mcafee/hx/suffix");
}

TEST_CASE("A pattern beats the suffix it is anchored under", "[matcher]") {
  CHECK(dn("hex01.helix.apps.fireeye.com") == "mcafee/hx/pattern");
  CHECK(dn("ch-acme.traps.paloaltonetworks.com") == "paloalto/xdr/pattern");
  CHECK(dn("cc-acme.traps.paloaltonetworks.com") == "paloalto/xdr/suffix");
  CHECK(dn("x.ch-acme.traps.paloaltonetworks.com") == "paloalto/xdr/suffix");
}

TEST_CASE("A '*' in a pattern stands for one or more characters inside one label", "[matcher]") {
  CHECK(dn("cdc-file-storage-production-us-east-1.s3.amazonaws.com") == "vmware/cb/pattern");
  CHECK(dn("CDC-FILE-STORAGE-PRODUCTION-EU-WEST-2.S3.AMAZONAWS.COM.") == "vmware/cb/pattern");
  CHECK(dn("cdc-file-storage-production-.s3.amazonaws.com") == "none");
  CHECK(dn("cdc-file-storage-production.s3.amazonaws.com") == "none");
  CHECK(dn("x.cdc-file-storage-production-us.s3.amazonaws.com") == "none");
  CHECK(dn("cdc-file-storage-production-us.s3.amazonaws.com.evil.net") == "none");
  CHECK(dn("cdc-file-storage-staging-us.s3.amazonaws.com") == "none");
  CHECK(dn("defense-cblr-file-uploads-eu.s3.eu-west-1.amazonaws.com") == "vmware/cb/pattern");
  CHECK(dn("defense-cblr-file-uploads-eu.s3.a.b.amazonaws.com") == "none");
  CHECK(dn("s3.amazonaws.com") == "none");
  CHECK(dn("mybucket.s3.amazonaws.com") == "none");
}

TEST_CASE("CIDR lookup is longest-prefix, IPv4", "[matcher]") {
  CHECK(ip4(100, 20, 76, 137) == "crowdstrike/sensor/lpm");
  CHECK(ip4(100, 20, 76, 136) == "none");
  CHECK(ip4(45, 60, 12, 7) == "rapid7/agent/lpm"); // /24 inside another vendor's /16
  CHECK(ip4(45, 60, 99, 1) == "imperva/edge/lpm");
  CHECK(ip4(45, 61, 0, 1) == "none");
  CHECK(ip4(193, 149, 136, 255) == "rapid7/agent/lpm");
  CHECK(ip4(193, 149, 137, 0) == "none");
}

TEST_CASE("CIDR lookup handles IPv6 and IPv4-mapped IPv6", "[matcher]") {
  CHECK(ipText("2a02:e980::1") == "imperva/edge/lpm");
  CHECK(ipText("2a02:e987:ffff::1") == "imperva/edge/lpm");
  CHECK(ipText("2a02:e988::1") == "none");
  CHECK(ipText("::ffff:45.60.12.7") == "rapid7/agent/lpm");
  CHECK(ipText("::ffff:100.20.76.137") == "crowdstrike/sensor/lpm");
  const std::array<std::uint8_t, 5> odd{45, 60, 12, 7, 0};
  CHECK_FALSE(matcher().matchIp(odd));
  CHECK_FALSE(matcher().matchIp(std::span<const std::uint8_t>()));
}

TEST_CASE("Certificate DNs are parsed with commas inside values", "[matcher]") {
  const Matcher& m = matcher();
  CHECK(who(m.matchCertDn("C=US, O=CrowdStrike, Inc., CN=ts01-b.cloudsink.net")) ==
        "crowdstrike/sensor/exact");
  CHECK(who(m.matchCertDn("/C=US/O=CrowdStrike, Inc./CN=ts01-b.cloudsink.net")) ==
        "crowdstrike/sensor/exact");
  CHECK(who(m.matchCertDn("C = US, O = Crowdstrike Inc, CN = x")) == "crowdstrike/sensor/exact");
  CHECK(who(m.matchCertDn("CN=x,O=CrowdStrike\\, Inc.,C=US")) == "crowdstrike/sensor/exact");
  CHECK(who(m.matchCertDn("C=US, O=CrowdStrike Incorporated, CN=x")) == "none");
  CHECK(who(m.matchCertDn("CN=CrowdStrike, Inc.")) == "none"); // CN is not an org attribute
  CHECK(who(m.matchCertDn("C=US, OU=FortiGate, O=Fortinet")) == "fortinet/fgt/exact");
  CHECK(who(m.matchCertOrg("crowdstrike inc")) == "crowdstrike/sensor/exact");
  CHECK(who(m.matchCertDn("")) == "none");
  CHECK(who(m.matchCertDn("garbage without attributes")) == "none");
}

TEST_CASE("All matching O and OU values of a DN can be collected", "[matcher]") {
  std::array<Match, 4> out{};
  const auto n = matcher().matchCertDnAll("C=US, O=Fortinet Ltd., OU=FortiGate, CN=FG100F", out);
  REQUIRE(n == 2);
  CHECK(out[0].indicator->value == "fortinet ltd");
  CHECK(out[1].indicator->value == "fortigate");
  std::array<Match, 1> one{};
  CHECK(matcher().matchCertDnAll("O=Fortinet Ltd., OU=FortiGate", one) == 1);
}

TEST_CASE("User agents match case-insensitive substrings, the longest first", "[matcher]") {
  const Matcher& m = matcher();
  CHECK(who(m.matchUserAgent("PAN GlobalProtect")) == "paloalto/gp/substring");
  CHECK(who(m.matchUserAgent("Mozilla/5.0 pan globalprotect/6.1")) == "paloalto/gp/substring");
  CHECK(who(m.matchUserAgent("PAN Global Protect")) == "none");
  CHECK(who(m.matchUserAgent("")) == "none");
  const Match cato = m.matchUserAgent("x catoclient/5 windows y");
  REQUIRE(cato);
  CHECK(cato.indicator->value == "catoclient/5 windows");
  CHECK(m.matchUserAgent("CatoClient/6").indicator->value == "catoclient");
}

TEST_CASE("Ports match by transport and number", "[matcher]") {
  const Matcher& m = matcher();
  CHECK(who(m.matchPort(Transport::kUdp, 1337)) == "cato/client/exact");
  CHECK(who(m.matchPort(Transport::kTcp, 1337)) == "cato/client/exact");
  CHECK(who(m.matchPort(Transport::kTcp, 8037)) == "rapid7/collector/exact");
  CHECK(who(m.matchPort(Transport::kUdp, 8037)) == "none");
  CHECK(who(m.matchPort(Transport::kTcp, 443)) == "none");
}

TEST_CASE("JA3 and JA4 are exact, case-insensitive sets", "[matcher]") {
  const Matcher& m = matcher();
  CHECK(who(m.matchJa3("e7d705a3286e19ea42f587b344ee6865")) == "wiz/tls/exact");
  CHECK(who(m.matchJa3("E7D705A3286E19EA42F587B344EE6865")) == "wiz/tls/exact");
  CHECK(who(m.matchJa3("e7d705a3286e19ea42f587b344ee6866")) == "none");
  CHECK(who(m.matchJa4("T13D1516H2_8DAAF6152771_E5627EFA2AB1")) == "wiz/tls/exact");
  CHECK(who(m.matchJa4("t13d1516h2_8daaf6152771_e5627efa2ab2")) == "none");
  CHECK(who(m.matchJa3(std::string(100, 'a'))) == "none");
}

namespace {
std::string banner(std::string_view bytes, std::uint16_t port) {
  return who(
      matcher().matchBanner(std::span<const std::uint8_t>(
                                reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()),
                            port));
}
// All matches of a DN as "vendor/product/how" joined by spaces.
std::string certs(CertPart part, std::string_view dnText) {
  std::array<Match, 8> out{};
  const std::size_t n = matcher().matchCert(part, dnText, out);
  std::string s;
  for (std::size_t i = 0; i < n; ++i)
    s += (s.empty() ? "" : " ") + who(out[i]);
  return s.empty() ? "none" : s;
}
} // namespace

TEST_CASE("Banners match as anchored prefixes, limited to their ports", "[matcher][onprem]") {
  const std::string esxi = "220 VMware Authentication Daemon Version 1.10: SSL Required\r\n";
  // The longer of two matching banners wins; the port list only restricts the shorter one.
  CHECK(banner(esxi, 902) == "vmware/esxi/prefix");
  CHECK(matcher()
            .matchBanner(std::span<const std::uint8_t>(
                             reinterpret_cast<const std::uint8_t*>(esxi.data()), esxi.size()),
                         902)
            .indicator->bytes == "220 VMware Authentication Daemon Version 1.10");
  const std::string v12 = "220 VMware Authentication Daemon Version 1.0, ServerDaemonProtocol:SOAP";
  CHECK(banner(v12, 902) == "vmware/esxi/prefix");
  CHECK(banner(v12, 912) == "vmware/esxi/prefix");
  CHECK(banner(v12, 2121) == "none");                        // not one of its ports
  CHECK(banner("220 VMware Authentication", 902) == "none"); // shorter than the indicator
  CHECK(banner("220 vmware authentication daemon version 1.0", 902) == "none"); // case counts
  CHECK(banner("x220 VMware Authentication Daemon Version", 902) == "none");    // anchored
  // SSH identification lines, from either side.
  CHECK(banner("SSH-2.0-FortiSSH_2.5\r\n", 22) == "fortinet/ssh/prefix");
  CHECK(banner("SSH-2.0-FortiSSH_2.5\r\n", 2222) == "fortinet/ssh/prefix");
  CHECK(banner("SSH-2.0-OpenSSH_9.2p1\r\n", 22) == "none");
  // Binary, exact, port-limited.
  CHECK(banner(std::string_view("Q\0\0\0", 4), 264) == "checkpoint/fw1/exact");
  CHECK(banner(std::string_view("Q\0\0\0\0", 5), 264) == "none");
  CHECK(banner(std::string_view("Q\0\0\0", 4), 265) == "none");
  CHECK(banner(std::string_view("Y\0\0\0", 4), 264) == "none");
  CHECK(banner("", 264) == "none");
}

TEST_CASE("HTTP headers match by name and a case-insensitive value prefix", "[matcher][onprem]") {
  const Matcher& m = matcher();
  CHECK(who(m.matchHttpHeader(HttpDirection::kResponse, "Server", "PanWeb Server/ -")) ==
        "paloalto/panos/prefix");
  CHECK(who(m.matchHttpHeader(HttpDirection::kResponse, "SERVER", "  panweb server/ -")) ==
        "paloalto/panos/prefix");
  CHECK(who(m.matchHttpHeader(HttpDirection::kResponse, "Server", "PanWeb")) == "none");
  CHECK(who(m.matchHttpHeader(HttpDirection::kResponse, "X-Server", "PanWeb Server/")) == "none");
  CHECK(who(m.matchHttpHeader(HttpDirection::kResponse, "Server", "xxxxxxxx-xxxxx")) ==
        "fortinet/fgt/prefix");
  CHECK(who(m.matchHttpHeader(HttpDirection::kResponse, "Server", "CPWS")) ==
        "checkpoint/web/prefix");
  CHECK(who(m.matchHttpHeader(HttpDirection::kResponse, "Server", "nginx")) == "none");
  // Direction is part of the indicator.
  CHECK(who(m.matchHttpHeader(HttpDirection::kRequest, "x-example-agent", "CheckAgent/1.0")) ==
        "checkpoint/web/prefix");
  CHECK(who(m.matchHttpHeader(HttpDirection::kResponse, "x-example-agent", "CheckAgent/1.0")) ==
        "none");
  CHECK(who(m.matchHttpHeader(HttpDirection::kRequest, "Server", "PanWeb Server/")) == "none");
  CHECK(who(m.matchHttpHeader(HttpDirection::kResponse, std::string(65, 'a'), "x")) == "none");
  CHECK(who(m.matchHttpHeader(HttpDirection::kResponse, "", "PanWeb Server/")) == "none");
}

TEST_CASE("HTTP paths match as case-sensitive prefixes, the longest first", "[matcher][onprem]") {
  const Matcher& m = matcher();
  CHECK(who(m.matchHttpPath("/global-protect/prelogin.esp")) == "paloalto/gp/prefix");
  CHECK(who(m.matchHttpPath("/Global-Protect/prelogin.esp")) == "none");
  CHECK(m.matchHttpPath("/remote/logincheck").indicator->value == "/remote/logincheck");
  CHECK(m.matchHttpPath("/remote/login?lang=en").indicator->value == "/remote/login");
  CHECK(who(m.matchHttpPath("/remote/")) == "none");
  CHECK(who(m.matchHttpPath("/x/remote/login")) == "none");
  CHECK(who(m.matchHttpPath("")) == "none");
}

TEST_CASE("Certificates: every attribute of a cert indicator, in the right part",
          "[matcher][onprem]") {
  // A FortiGate's own certificate: subject and issuer are the appliance.
  const std::string fgt = "C=US, ST=California, L=Sunnyvale, O=Fortinet, OU=FortiGate, "
                          "CN=FGT60F0000000001";
  CHECK(certs(CertPart::kSubject, fgt) ==
        "fortinet/fgt/exact fortinet/fgt/exact fortinet/fgt/prefix");
  // As an issuer only the cert_org alias (any part) fits.
  CHECK(certs(CertPart::kIssuer, fgt) == "fortinet/fgt/exact");
  // Both attributes needed: O=Fortinet alone is not the appliance.
  CHECK(certs(CertPart::kSubject, "C=US, O=Fortinet, CN=www.fortinet.com") == "none");
  // The interception CA only as the issuer.
  const std::string ca = "C=US, ST=California, L=Sunnyvale, O=Fortinet, OU=Certificate Authority, "
                         "CN=FortiGate CA";
  CHECK(certs(CertPart::kIssuer, ca) == "fortinet/mitm/exact");
  CHECK(certs(CertPart::kSubject, ca) == "none");
  CHECK(certs(CertPart::kAny, ca) == "fortinet/mitm/exact");
  // Prefix attributes: the serial in the CN.
  CHECK(certs(CertPart::kSubject, "O=Fortinet, CN=FGT60E4Q16000000") == "fortinet/fgt/prefix");
  CHECK(certs(CertPart::kSubject, "O=Fortinet, CN=FGT61E") == "none");
  // OpenSSL's slash form, escaped commas, case and punctuation.
  CHECK(certs(CertPart::kSubject, "/C=US/OU=VMware ESX Server Default Certificate/CN=esx1") ==
        "vmware/esxi/exact");
  CHECK(certs(CertPart::kSubject, "CN=srm1,OU=SRM,O=VMware\\, Inc,C=US") == "vmware/esxi/exact");
  CHECK(certs(CertPart::kSubject, "CN=srm1, OU=SRM, O=VMware, Inc., C=US") == "vmware/esxi/exact");
  CHECK(certs(CertPart::kSubject, "CN=srm1, OU=SRM, O=Example, C=US") == "none");
  CHECK(certs(CertPart::kIssuer, "C=US, ST=California, O=vCenter, OU=VMware Engineering, CN=CA") ==
        "vmware/vc/exact");
  CHECK(certs(CertPart::kSubject, "C=US, ST=California, O=vCenter, OU=VMware Engineering, CN=CA") ==
        "none");
  // The cert_org alias matches an O or an OU in either part; CN never.
  CHECK(certs(CertPart::kIssuer, "OU=FortiGate") == "fortinet/fgt/exact");
  CHECK(certs(CertPart::kSubject, "CN=FortiGate") == "none");
  CHECK(certs(CertPart::kSubject, "O=Palo Alto Networks, CN=abcdef") == "paloalto/panos/exact");
  CHECK(certs(CertPart::kSubject, "O=Palo Alto Networks Inc, CN=abcdef") == "none");
  CHECK(certs(CertPart::kSubject, "") == "none");
  CHECK(certs(CertPart::kSubject, "garbage") == "none");
  // Capped by out.size(), each indicator at most once.
  std::array<Match, 1> one{};
  CHECK(matcher().matchCert(CertPart::kSubject, fgt, one) == 1);
  CHECK(matcher().matchCert(CertPart::kSubject, fgt, std::span<Match>()) == 0);
  std::array<Match, 8> out{};
  CHECK(matcher().matchCert(CertPart::kAny, "OU=FortiGate, OU=FortiGate, O=Fortinet", out) == 2);
}

TEST_CASE("Syslog: CEF/LEEF vendor and product, key=value terms", "[matcher][onprem]") {
  const Matcher& m = matcher();
  CHECK(who(m.matchSyslogProduct(SyslogFormat::kCef, "Cyber-Ark", "Vault")) ==
        "cyberark/vault/exact");
  CHECK(who(m.matchSyslogProduct(SyslogFormat::kCef, "CYBER-ARK", "vault")) ==
        "cyberark/vault/exact");
  CHECK(who(m.matchSyslogProduct(SyslogFormat::kCef, "Cyber-Ark", "PTA")) == "none");
  CHECK(who(m.matchSyslogProduct(SyslogFormat::kLeef, "Cyber-Ark", "Vault")) == "none");
  // The exact product beats the vendor's '*'; other products fall to '*'.
  CHECK(who(m.matchSyslogProduct(SyslogFormat::kCef, "Claroty", "CTD")) == "claroty/ctd/exact");
  CHECK(who(m.matchSyslogProduct(SyslogFormat::kCef, "Claroty", "Claroty")) == "claroty/any/exact");
  CHECK(who(m.matchSyslogProduct(SyslogFormat::kCef, "Claroty", "")) == "claroty/any/exact");
  CHECK(who(m.matchSyslogProduct(SyslogFormat::kLeef, "Claroty", "CTD")) == "claroty/any/exact");
  CHECK(who(m.matchSyslogProduct(SyslogFormat::kLeef, "Claroty", "xDome")) == "none");
  CHECK(who(m.matchSyslogProduct(SyslogFormat::kCef, "", "CTD")) == "none");
  CHECK(who(m.matchSyslogProduct(SyslogFormat::kCef, std::string(65, 'c'), "CTD")) == "none");
  const std::array<KeyValue, 4> fgt{{{"date", "2026-11-01"},
                                     {"devid", "FG100ETK18000000"},
                                     {"logid", "0000000013"},
                                     {"vd", "root"}}};
  const Match all = m.matchSyslogFields(fgt);
  REQUIRE(all);
  CHECK(all.indicator->value == "kv:devid=FG logid= vd=root"); // the most terms win
  const std::array<KeyValue, 2> fewer{{{"devid", "FG100ETK18000000"}, {"logid", "13"}}};
  CHECK(m.matchSyslogFields(fewer).indicator->value == "kv:devid=FG logid=");
  const std::array<KeyValue, 2> other{{{"devid", "XX100"}, {"logid", "13"}}};
  CHECK_FALSE(m.matchSyslogFields(other));
  const std::array<KeyValue, 1> missing{{{"devid", "FG100E"}}};
  CHECK_FALSE(m.matchSyslogFields(missing));
  const std::array<KeyValue, 2> caseKey{{{"DEVID", "FG100E"}, {"logid", "1"}}};
  CHECK_FALSE(m.matchSyslogFields(caseKey));
  CHECK_FALSE(m.matchSyslogFields(std::span<const KeyValue>()));
}

TEST_CASE("nDPI protocol names map to products with their instance side", "[matcher][onprem]") {
  const Matcher& m = matcher();
  CHECK(who(m.matchDpi("VMware")) == "vmware/vc/exact");
  CHECK(who(m.matchDpi("vmware")) == "vmware/vc/exact");
  CHECK(m.matchDpi("VMware").indicator->instance == DpiInstance::kBoth);
  CHECK(m.matchDpi("FortiClient").indicator->instance == DpiInstance::kInitiator);
  CHECK(who(m.matchDpi("TLS")) == "none");
  CHECK(who(m.matchDpi("")) == "none");
}

TEST_CASE("explain() covers the on-prem kinds", "[matcher][explain][onprem]") {
  const Matcher& m = matcher();
  auto contains = [](const std::vector<std::string>& lines, const std::string& needle) {
    for (const auto& l : lines)
      if (l.find(needle) != std::string::npos)
        return true;
    std::string all;
    for (const auto& l : lines)
      all += l + "\n";
    UNSCOPED_INFO(all);
    return false;
  };
  CHECK(contains(m.explain("banner:220 VMware Authentication Daemon Version 1.0"),
                 "only when the server port is one of 902, 912"));
  CHECK(contains(m.explain("banner:Q\\x00\\x00\\x00"), "checkpoint/fw1"));
  CHECK(contains(m.explain("banner:SSH-2.0-OpenSSH_9.2"), "no match"));
  CHECK(contains(m.explain("header:Server: PanWeb Server/ -"), "paloalto/panos"));
  CHECK(contains(m.explain("request-header:X-Example-Agent: CheckAgent/2"), "checkpoint/web"));
  CHECK(contains(m.explain("header:Server: Apache/2.4"), "no match"));
  CHECK(contains(m.explain("path:/global-protect/prelogin.esp"), "paloalto/gp"));
  CHECK(contains(m.explain("cert-issuer:O=Fortinet, OU=Certificate Authority, CN=FortiGate CA"),
                 "fortinet/mitm"));
  CHECK(contains(m.explain("cert-subject:O=Fortinet, OU=Certificate Authority, CN=FortiGate CA"),
                 "no match"));
  CHECK(contains(m.explain("cert:C=US, O=Example, CN=x"), "normalised CN/O/OU: O=example, CN=x"));
  CHECK(contains(m.explain("cef:Cyber-Ark|Vault"), "cyberark/vault"));
  CHECK(contains(m.explain("leef:Claroty|xDome"), "no match"));
  CHECK(contains(m.explain("kv:devid=\"FG100E\" logid=0001"), "fortinet/fgt"));
  CHECK(contains(m.explain("dpi:VMware"), "vmware/vc"));
  CHECK(contains(m.explain("dpi:TLS"), "no match"));
}

TEST_CASE("explain() says why a name matches or narrowly misses", "[matcher][explain]") {
  const Matcher& m = matcher();
  auto contains = [](const std::vector<std::string>& lines, const std::string& needle) {
    for (const auto& l : lines)
      if (l.find(needle) != std::string::npos)
        return true;
    return false;
  };
  const auto hit = m.explain("marketplace.apps.fireeye.com");
  REQUIRE_FALSE(hit.empty());
  CHECK(hit[0].rfind("match:", 0) == 0);
  CHECK(hit[0].find("mcafee/ivx") != std::string::npos);
  CHECK(hit[0].find("(the name itself)") != std::string::npos);
  CHECK(contains(hit, "also: suffix 'fireeye.com'"));
  const auto below = m.explain("dod-webhook.marketplace.apps.fireeye.com");
  CHECK(below[0].find("suffix 'marketplace.apps.fireeye.com' at a label boundary") !=
        std::string::npos);

  const auto near = m.explain("mywiz.io");
  CHECK(near[0].rfind("no match:", 0) == 0);
  CHECK(contains(near, "'mywiz.io' shares the text 'wiz.io' but not at a label boundary"));
  CHECK(contains(m.explain("wiz.io.example.net"), "followed by more labels"));
  CHECK(contains(m.explain("xn--wz-fka.io"), "punycode"));
  CHECK(contains(m.explain("45.60.12.7"), "longest-prefix match /24"));
  CHECK(contains(m.explain("45.61.0.1"), "no match"));
  CHECK(contains(m.explain("udp/1337"), "cato/client"));
  CHECK(contains(m.explain("ua:Mozilla PAN GlobalProtect"), "paloalto/gp"));
  CHECK(contains(m.explain("dn:C=US, O=CrowdStrike, Inc., CN=x"), "crowdstrike/sensor"));
  CHECK(contains(m.explain("e7d705a3286e19ea42f587b344ee6865"), "wiz/tls"));
  CHECK(contains(m.explain("bad..name"), "not a well-formed domain name"));
}

TEST_CASE("Match calls do not allocate", "[matcher][alloc]") {
  const Matcher& m = matcher();
  const std::array<std::uint8_t, 4> v4{45, 60, 12, 7};
  const std::array<std::uint8_t, 16> v6{0x2a, 0x02, 0xe9, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  std::array<Match, 4> out{};
  std::size_t hits = 0;
  tAllocs = 0;
  tCountAllocs = true;
  hits += m.matchDomain("dod-webhook.marketplace.apps.fireeye.com") ? 1 : 0;
  hits += m.matchDomain("defense-cblr-file-uploads-eu.s3.eu-west-1.amazonaws.com") ? 1 : 0;
  hits += m.matchDomain("mywiz.io") ? 1 : 0;
  hits += m.matchIp(v4) ? 1 : 0;
  hits += m.matchIp(v6) ? 1 : 0;
  hits += m.matchCertDn("C=US, O=CrowdStrike, Inc., CN=ts01-b.cloudsink.net") ? 1 : 0;
  hits += m.matchCertDnAll("O=Fortinet Ltd., OU=FortiGate", out);
  hits += m.matchUserAgent("Mozilla/5.0 PAN GlobalProtect") ? 1 : 0;
  hits += m.matchPort(Transport::kUdp, 1337) ? 1 : 0;
  hits += m.matchJa3("E7D705A3286E19EA42F587B344EE6865") ? 1 : 0;
  hits += m.matchJa4("t13d1516h2_8daaf6152771_e5627efa2ab1") ? 1 : 0;
  const std::string_view esxi = "220 VMware Authentication Daemon Version 1.10: SSL Required";
  hits += m.matchBanner(std::span<const std::uint8_t>(
                            reinterpret_cast<const std::uint8_t*>(esxi.data()), esxi.size()),
                        902)
              ? 1
              : 0;
  hits += m.matchHttpHeader(HttpDirection::kResponse, "SERVER", "PanWeb Server/ -") ? 1 : 0;
  hits += m.matchHttpPath("/global-protect/prelogin.esp") ? 1 : 0;
  hits += m.matchCert(CertPart::kSubject,
                      "C=US, ST=California, L=Sunnyvale, O=Fortinet, OU=FortiGate, "
                      "CN=FGT60F0000000001",
                      out);
  hits += m.matchSyslogProduct(SyslogFormat::kCef, "Cyber-Ark", "Vault") ? 1 : 0;
  const std::array<KeyValue, 3> kv{{{"devid", "FG100E"}, {"logid", "1"}, {"vd", "root"}}};
  hits += m.matchSyslogFields(kv) ? 1 : 0;
  hits += m.matchDpi("VMware") ? 1 : 0;
  tCountAllocs = false;
  CHECK(tAllocs == 0);
  CHECK(hits == 11 + 9);
}

TEST_CASE("Concurrent readers get the same answers as a single reader", "[matcher][threads]") {
  const Matcher& m = matcher();
  const std::vector<std::string> names = {"wiz.io",
                                          "mywiz.io",
                                          "feapi.marketplace.apps.fireeye.com",
                                          "www.fireeye.com",
                                          "cdc-file-storage-production-us-east-1.s3.amazonaws.com",
                                          "ts01-b.cloudsink.net"};
  std::vector<const Indicator*> expected;
  for (const auto& n : names)
    expected.push_back(m.matchDomain(n).indicator);
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int round = 0; round < 2000; ++round)
        for (std::size_t i = 0; i < names.size(); ++i)
          if (m.matchDomain(names[i]).indicator != expected[i])
            ++mismatches;
    });
  }
  for (auto& th : threads)
    th.join();
  CHECK(mismatches.load() == 0);
}

} // namespace vw::signatures
