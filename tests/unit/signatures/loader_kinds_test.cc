// Loader validation of the on-prem indicator kinds (banner, http_header, http_path, cert, syslog,
// dpi): every error carries file:line, and generic values are rejected.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <vw/signatures/loader.h>

#include "sig_test_util.h"

namespace vw::signatures {
namespace {

using test::joinErrors;
using test::loadFiles;
using test::vendorHead;

// An indicator block starting at line 13 of a vendor file: [[indicator]] (13), product (14),
// kind (15), then `extra` (one key per line), then the value line at 16 + extra.size().
std::string block(const std::string& kind, const std::vector<std::string>& extra,
                  const std::string& valueLine) {
  std::string s = "[[indicator]]\nproduct = \"p\"\nkind = \"" + kind + "\"\n";
  for (const auto& e : extra)
    s += e + "\n";
  return s + valueLine +
         "\nconfidence = \"high\"\nsource = \"https://example.com/doc\"\n"
         "source_date = 2026-11-01\n";
}

std::string file(const std::string& kind, const std::vector<std::string>& extra,
                 const std::string& valueLine) {
  return vendorHead("wiz") + block(kind, extra, valueLine);
}

std::string lineOf(const std::vector<std::string>& extra) {
  return "wiz.toml:" + std::to_string(16 + extra.size()) + ":";
}

void expectOk(const std::string& name, const std::string& text) {
  const auto r = loadFiles(name, {{"wiz.toml", text}});
  INFO(joinErrors(r));
  CHECK(r.ok());
}

void expectErr(const std::string& name, const std::string& text, const std::string& where,
               const std::string& message) {
  const auto r = loadFiles(name, {{"wiz.toml", text}});
  const std::string all = joinErrors(r);
  INFO(all);
  CHECK_FALSE(r.ok());
  bool found = false;
  for (const auto& e : r.errors) {
    const std::string s = e.toString();
    if (s.find(where) != std::string::npos && s.find(message) != std::string::npos)
      found = true;
  }
  CHECK(found);
}

// A value-line error of `kind` with `extra` keys.
void valueErr(const std::string& name, const std::string& kind,
              const std::vector<std::string>& extra, const std::string& valueLine,
              const std::string& message) {
  expectErr(name, file(kind, extra, valueLine), lineOf(extra), message);
}

} // namespace

TEST_CASE("banner: valid values, escapes, match and ports", "[loader][onprem]") {
  expectOk("b_ok", file("banner", {"ports = [902, 912]"},
                        "value = '220 VMware Authentication Daemon Version'"));
  expectOk("b_bin",
           file("banner", {"match = \"exact\"", "ports = [264]"}, "value = 'Q\\x00\\x00\\x00'"));
  expectOk("b_bs", file("banner", {}, "value = 'PTA\\x00\\x00\\x00\\x03 \\\\x'"));
  const auto r = loadFiles("b_vals", {{"wiz.toml", file("banner", {"ports = [912, 902]"},
                                                        "value = 'x\\x00\\x7fY\\\\Z\\x41BCD'")}});
  REQUIRE(r.ok());
  const Indicator& ind = r.set->indicators().at(0);
  CHECK(ind.bytes == std::string("x\0\x7fY\\ZABCD", 10));
  CHECK(ind.value == "x\\x00\\x7fY\\\\ZABCD");
  CHECK(ind.valueMatch == ValueMatch::kPrefix);
  CHECK(ind.ports == std::vector<std::uint16_t>{902, 912});
}

TEST_CASE("banner: loader errors", "[loader][onprem]") {
  valueErr("b_esc1", "banner", {}, "value = 'ABCD\\q'", "bad escape at offset 4");
  valueErr("b_esc2", "banner", {}, "value = 'ABCD\\x4'", "bad escape");
  valueErr("b_esc3", "banner", {}, "value = 'ABCD\\xzz'", "bad escape");
  valueErr("b_short", "banner", {}, "value = 'ab\\x00'", "shorter than 4 bytes");
  valueErr("b_long", "banner", {}, "value = '" + std::string(129, 'a') + "'",
           "longer than 128 bytes");
  valueErr("b_empty", "banner", {}, "value = ''", "shorter than 4 bytes");
  valueErr("b_ssh", "banner", {}, "value = 'SSH-2.0-OpenSSH_8.9p1 FIPS'",
           "would match every 'SSH-2.0-OpenSSH' server");
  valueErr("b_ssh_only", "banner", {}, "value = 'SSH-2.0-'", "only the protocol greeting");
  valueErr("b_ssh_short", "banner", {}, "value = 'SSH-2.0-Ab'", "at least 4 distinctive bytes");
  valueErr("b_ftp", "banner", {}, "value = '220 ProFTPD 1.3.8 Server'",
           "would match every '220 ProFTPD' server");
  valueErr("b_22", "banner", {}, "value = '220 '", "only the protocol greeting");
  expectErr("b_match", file("banner", {"match = \"regex\""}, "value = 'ABCDEF'"),
            "wiz.toml:16:", "unknown match 'regex' (expected prefix or exact)");
  expectErr("b_ports0", file("banner", {"ports = [0]"}, "value = 'ABCDEF'"),
            "wiz.toml:16:", "port 0 in 'ports' is outside 1..65535");
  expectErr("b_portsdup", file("banner", {"ports = [22, 22]"}, "value = 'ABCDEF'"),
            "wiz.toml:16:", "port 22 appears twice");
  expectErr("b_portsstr", file("banner", {"ports = [\"22\"]"}, "value = 'ABCDEF'"),
            "wiz.toml:16:", "must be an integer");
  expectErr("b_portsempty", file("banner", {"ports = []"}, "value = 'ABCDEF'"),
            "wiz.toml:16:", "non-empty array");
  expectErr("b_portskind", file("http_path", {"ports = [80]"}, "value = '/global-protect/'"),
            "wiz.toml:16:", "'ports' is only valid for kind = \"banner\"");
  expectErr("b_type", file("banner", {}, "value = 42"),
            "wiz.toml:16:", "banner value must be a string");
}

TEST_CASE("http_header: valid values and loader errors", "[loader][onprem]") {
  expectOk("h_ok", file("http_header", {"header = \"Server\""}, "value = \"PanWeb Server/\""));
  expectOk("h_req", file("http_header", {"header = \"X-Agent\"", "direction = \"request\""},
                         "value = \"ExampleAgent\""));
  const auto r = loadFiles("h_vals", {{"wiz.toml", file("http_header", {"header = \"SeRvEr\""},
                                                        "value = \"Agent-ListenServer\"")}});
  REQUIRE(r.ok());
  CHECK(r.set->indicators().at(0).header == "server");
  CHECK(r.set->indicators().at(0).headerValue == "agent-listenserver");
  CHECK(r.set->indicators().at(0).value == "server: agent-listenserver");
  CHECK(r.set->indicators().at(0).direction == HttpDirection::kResponse);

  expectErr("h_noheader", file("http_header", {}, "value = \"PanWeb Server/\""),
            "wiz.toml:13:", "missing required key 'header'");
  expectErr("h_badname", file("http_header", {"header = \"Bad Header\""}, "value = \"abcdef\""),
            "wiz.toml:16:", "HTTP token characters");
  expectErr("h_longname",
            file("http_header", {"header = \"" + std::string(65, 'x') + "\""}, "value = \"abcd\""),
            "wiz.toml:16:", "HTTP token characters");
  expectErr("h_date", file("http_header", {"header = \"Date\""}, "value = \"Mon, 01\""),
            "wiz.toml:16:", "carries no vendor-specific value");
  expectErr("h_host", file("http_header", {"header = \"Host\""}, "value = \"x.example.com\""),
            "wiz.toml:16:", "matched by kind = \"domain\"");
  expectErr("h_ua", file("http_header", {"header = \"User-Agent\""}, "value = \"CatoClient\""),
            "wiz.toml:16:", "matched by kind = \"http_user_agent\"");
  expectErr(
      "h_dir",
      file("http_header", {"header = \"Server\"", "direction = \"both\""}, "value = \"CPWS\""),
      "wiz.toml:17:", "unknown direction 'both' (expected response or request)");
  expectErr("h_dirkind", file("http_path", {"direction = \"request\""}, "value = \"/spipe/pkg\""),
            "wiz.toml:16:", "'direction' is only valid for kind = \"http_header\"");
  valueErr("h_apache", "http_header", {"header = \"Server\""}, "value = \"Apache/2.4.57 (Debian)\"",
           "'apache' is generic server software");
  valueErr("h_nginx", "http_header", {"header = \"Server\""}, "value = \"nginx\"",
           "'nginx' is generic server software");
  valueErr("h_ngin", "http_header", {"header = \"Server\""}, "value = \"NGIN\"",
           "'nginx' is generic server software");
  valueErr("h_short", "http_header", {"header = \"Server\""}, "value = \"CPW\"",
           "must be 4..128 characters");
  valueErr("h_long", "http_header", {"header = \"Server\""},
           "value = \"" + std::string(129, 'x') + "\"", "must be 4..128 characters");
  valueErr("h_empty", "http_header", {"header = \"Server\""}, "value = \"\"", "must not be empty");
  valueErr("h_ctl", "http_header", {"header = \"Server\""}, "value = \"CPWS\\r\\nX: y\"",
           "control characters");
  valueErr("h_space", "http_header", {"header = \"Server\""}, "value = \" CPWS\"",
           "must not start with whitespace");
  const std::string twice =
      vendorHead("wiz") + block("http_header", {"header = \"Server\""}, "value = \"CPWS\"") + "\n" +
      block("http_header", {"header = \"server\""}, "value = \"cpws\"");
  expectErr("h_dup", twice, "wiz.toml:26:", "duplicate indicator http_header 'server: cpws'");
  const std::string bothDirs =
      vendorHead("wiz") + block("http_header", {"header = \"X-A\""}, "value = \"ABCD\"") + "\n" +
      block("http_header", {"header = \"X-A\"", "direction = \"request\""}, "value = \"ABCD\"");
  expectOk("h_dirs", bothDirs);
}

TEST_CASE("http_path: valid values and loader errors", "[loader][onprem]") {
  expectOk("p_ok", file("http_path", {}, "value = \"/remote/logincheck\""));
  expectOk("p_login2", file("http_path", {}, "value = \"/login/x-vendor\""));
  valueErr("p_slash", "http_path", {}, "value = \"remote/login\"", "must start with '/'");
  valueErr("p_empty", "http_path", {}, "value = \"\"", "must start with '/'");
  valueErr("p_short", "http_path", {}, "value = \"/ab\"", "must be 4..256 characters");
  valueErr("p_long", "http_path", {}, "value = \"/" + std::string(256, 'a') + "\"",
           "must be 4..256 characters");
  valueErr("p_query", "http_path", {}, "value = \"/remote/login?x=1\"", "'?'");
  valueErr("p_space", "http_path", {}, "value = \"/remote login\"", "whitespace");
  valueErr("p_login", "http_path", {}, "value = \"/login\"", "is generic");
  valueErr("p_logi", "http_path", {}, "value = \"/logi\"", "is generic");
  valueErr("p_fav", "http_path", {}, "value = \"/favicon.ico\"", "is generic");
}

TEST_CASE("cert: valid values and loader errors", "[loader][onprem]") {
  const auto r = loadFiles("c_vals", {{"wiz.toml", file("cert", {"part = \"subject\""},
                                                        "value = \"OU=FortiGate, O=Fortinet\"")}});
  REQUIRE(r.ok());
  const Indicator& ind = r.set->indicators().at(0);
  CHECK(ind.value == "OU=fortigate, O=fortinet");
  CHECK(ind.rdns.size() == 2);
  CHECK(ind.part == CertPart::kSubject);
  CHECK(ind.valueMatch == ValueMatch::kExact);
  expectOk("c_prefix", file("cert", {"match = \"prefix\""}, "value = \"CN=FGT6, O=Fortinet\""));
  expectOk("c_escape", file("cert", {}, "value = \"O=VMware\\\\, Inc, OU=SRM\""));
  expectOk("c_cn", file("cert", {}, "value = \"CN=FortiGate CA\""));

  valueErr("c_attr", "cert", {}, "value = \"O=Fortinet, L=Sunnyvale\"",
           "unknown attribute 'L' (allowed: CN, O, OU)");
  valueErr("c_empty", "cert", {}, "value = \"\"", "cert value must not be empty");
  valueErr("c_noeq", "cert", {}, "value = \"Fortinet\"", "malformed cert value");
  valueErr("c_emptyval", "cert", {}, "value = \"O=\"", "empty or too long");
  valueErr("c_generic", "cert", {}, "value = \"O=DigiCert Inc, CN=x\"",
           "generic CA/cloud organisation");
  valueErr("c_generic_prefix", "cert", {"match = \"prefix\""}, "value = \"O=Digi\"",
           "generic CA/cloud organisation");
  valueErr("c_localhost", "cert", {}, "value = \"CN=localhost\"", "alone is generic");
  valueErr("c_many", "cert", {}, "value = \"CN=a, O=b, OU=c, OU=d, OU=e\"",
           "more than 4 attributes");
  valueErr("c_shortprefix", "cert", {"match = \"prefix\""}, "value = \"CN=FG, O=Fortinet\"",
           "shorter than 4 characters");
  expectErr("c_part", file("cert", {"part = \"both\""}, "value = \"O=Fortinet\""),
            "wiz.toml:16:", "unknown part 'both' (expected subject, issuer or any)");
  expectErr("c_match", file("cert", {"match = \"suffix\""}, "value = \"O=Fortinet\""),
            "wiz.toml:16:", "unknown match 'suffix' (expected exact or prefix)");
  expectErr("c_partkind", file("banner", {"part = \"issuer\""}, "value = 'ABCDEF'"),
            "wiz.toml:16:", "'part' is only valid for kind = \"cert\"");
  // The same attributes for the subject and for the issuer are two indicators; twice is not.
  const std::string parts = vendorHead("wiz") +
                            block("cert", {"part = \"subject\""}, "value = \"O=Fortinet\"") + "\n" +
                            block("cert", {"part = \"issuer\""}, "value = \"O=Fortinet\"");
  expectOk("c_parts", parts);
  const std::string twice = vendorHead("wiz") + block("cert", {}, "value = \"O=Fortinet\"") + "\n" +
                            block("cert", {}, "value = \"O = fortinet\"");
  expectErr("c_dup", twice, "wiz.toml:24:", "duplicate indicator cert 'O=fortinet'");
}

TEST_CASE("syslog: valid values and loader errors", "[loader][onprem]") {
  const auto r = loadFiles("s_vals", {{"wiz.toml", file("syslog", {"format = \"cef\""},
                                                        "value = \"Cyber-Ark|Vault\"")}});
  REQUIRE(r.ok());
  CHECK(r.set->indicators().at(0).value == "cef:cyber-ark|vault");
  CHECK(r.set->indicators().at(0).deviceVendor == "cyber-ark");
  CHECK(r.set->indicators().at(0).deviceProduct == "vault");
  expectOk("s_leef", file("syslog", {"format = \"leef\""}, "value = \"Claroty|*\""));
  expectOk("s_esc", file("syslog", {"format = \"cef\""}, "value = \"A\\\\|B|Prod\""));
  const auto kv = loadFiles("s_kv", {{"wiz.toml", file("syslog", {"format = \"kv\""},
                                                       "value = \"devid=FG  logid= vd=root\"")}});
  REQUIRE(kv.ok());
  CHECK(kv.set->indicators().at(0).kvTerms.size() == 3);
  CHECK(kv.set->indicators().at(0).value == "kv:devid=FG logid= vd=root");

  expectErr("s_noformat", file("syslog", {}, "value = \"Cyber-Ark|Vault\""),
            "wiz.toml:13:", "missing required key 'format'");
  expectErr("s_format", file("syslog", {"format = \"json\""}, "value = \"Cyber-Ark|Vault\""),
            "wiz.toml:16:", "unknown format 'json' (expected cef, leef or kv)");
  expectErr("s_formatkind",
            file("dpi", {"format = \"cef\"", "instance = \"both\""}, "value = \"VMware\""),
            "wiz.toml:16:", "'format' is only valid for kind = \"syslog\"");
  valueErr("s_nobar", "syslog", {"format = \"cef\""}, "value = \"Cyber-Ark Vault\"",
           "expected \"Vendor|Product\"");
  valueErr("s_3", "syslog", {"format = \"cef\""}, "value = \"Cyber-Ark|Vault|14.0\"",
           "more than one unescaped '|'");
  valueErr("s_emptyprod", "syslog", {"format = \"cef\""}, "value = \"Cyber-Ark|\"",
           "must each be 1..63 characters");
  valueErr("s_star", "syslog", {"format = \"leef\""}, "value = \"*|Vault\"",
           "the device vendor cannot be '*'");
  valueErr("s_generic", "syslog", {"format = \"cef\""}, "value = \"Microsoft|Windows\"",
           "device vendor 'microsoft' names no product of ours");
  valueErr("s_empty", "syslog", {"format = \"cef\""}, "value = \"\"", "must not be empty");
  valueErr("s_kv_noeq", "syslog", {"format = \"kv\""}, "value = \"devid\"", "must be key=prefix");
  valueErr("s_kv_key", "syslog", {"format = \"kv\""}, "value = \"dev:id=FG\"", "syslog kv key");
  valueErr("s_kv_dup", "syslog", {"format = \"kv\""}, "value = \"devid=FG devid=FW\"",
           "appears twice");
  valueErr("s_kv_quote", "syslog", {"format = \"kv\""}, "value = 'devid=\"FG'", "without quotes");
  valueErr("s_kv_weak", "syslog", {"format = \"kv\""}, "value = \"devid=F logid=\"",
           "at least one term needs a value prefix of 2 or more characters");
  valueErr("s_kv_generic", "syslog", {"format = \"kv\""}, "value = \"host=fw01\"",
           "key 'host' is used by every log producer");
  valueErr("s_kv_many", "syslog", {"format = \"kv\""}, "value = \"a=xx b= c= d= e= f= g= h= i=\"",
           "more than 8 terms");
  valueErr("s_kv_blank", "syslog", {"format = \"kv\""}, "value = \"   \"", "no key=prefix term");
}

TEST_CASE("dpi: valid values and loader errors", "[loader][onprem]") {
  const auto r = loadFiles("d_vals", {{"wiz.toml", file("dpi", {"instance = \"initiator\""},
                                                        "value = \"FortiClient\"")}});
  REQUIRE(r.ok());
  CHECK(r.set->indicators().at(0).instance == DpiInstance::kInitiator);
  expectErr("d_noinst", file("dpi", {}, "value = \"VMware\""),
            "wiz.toml:13:", "missing required key 'instance'");
  expectErr("d_inst", file("dpi", {"instance = \"server\""}, "value = \"VMware\""),
            "wiz.toml:16:", "unknown instance 'server' (expected initiator, responder or both)");
  expectErr("d_instkind", file("banner", {"instance = \"both\""}, "value = 'ABCDEF'"),
            "wiz.toml:16:", "'instance' is only valid for kind = \"dpi\"");
  valueErr("d_generic", "dpi", {"instance = \"both\""}, "value = \"tls\"", "generic protocol");
  valueErr("d_chars", "dpi", {"instance = \"both\""}, "value = \"VM ware\"",
           "must be an nDPI protocol name");
  valueErr("d_short", "dpi", {"instance = \"both\""}, "value = \"V\"",
           "must be an nDPI protocol name");
  const std::string twice = vendorHead("wiz") +
                            block("dpi", {"instance = \"both\""}, "value = \"VMware\"") + "\n" +
                            block("dpi", {"instance = \"initiator\""}, "value = \"vmware\"");
  expectErr("d_dup", twice, "wiz.toml:26:", "duplicate indicator dpi 'vmware'");
}

TEST_CASE("match is only valid for domain, banner and cert", "[loader][onprem]") {
  expectErr("m_kind", file("http_path", {"match = \"prefix\""}, "value = \"/remote/login\""),
            "wiz.toml:16:", "'match' is only valid for kind = \"domain\", \"banner\" or \"cert\"");
  expectErr("m_unknown_kind", file("tcp_banner", {}, "value = \"x\""),
            "wiz.toml:15:", "unknown kind 'tcp_banner'");
}

} // namespace vw::signatures
