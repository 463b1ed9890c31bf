// Exports of the on-prem indicator kinds: Suricata expresses banners, HTTP headers and paths,
// certificate attributes and CEF/LEEF headers; the other formats skip them with a comment; CSV
// carries the kind-specific keys in `details`.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <vw/signatures/export.h>
#include <vw/signatures/loader.h>

#include "sig_test_util.h"

namespace vw::signatures {
namespace {

std::string ind(const std::string& kind, const std::string& extra, const std::string& valueLine) {
  return "[[indicator]]\nproduct = \"p\"\nkind = \"" + kind + "\"\n" + extra + valueLine +
         "\nconfidence = \"high\"\nsource = \"https://example.com/s\"\nsource_date = "
         "2026-11-01\n\n";
}

const SignatureSet& set() {
  static const auto r = [] {
    std::vector<SourceText> files;
    files.push_back({"_set.toml", test::kManifest, ""});
    files.push_back(
        {"onprem.toml",
         test::vendorHead("onprem") +
             ind("banner", "ports = [902, 912]\n",
                 "value = '220 VMware Authentication Daemon Version'") +
             ind("banner", "match = \"exact\"\nports = [264]\n", "value = 'Q\\x00\\x00\\x00'") +
             ind("banner", "", "value = 'SSH-2.0-FortiSSH_'") +
             ind("http_header", "header = \"Server\"\n", "value = \"PanWeb Server/\"") +
             ind("http_header", "header = \"SPIPE-Authenticate\"\n", "value = \"{abcd\"") +
             ind("http_header", "header = \"X-Agent\"\ndirection = \"request\"\n",
                 "value = \"ExampleAgent\"") +
             ind("http_path", "", "value = \"/global-protect/\"") +
             ind("cert", "part = \"issuer\"\n",
                 "value = \"O=Fortinet, OU=Certificate Authority\"") +
             ind("cert", "", "value = \"O=VMware\\\\, Inc, OU=SRM\"") +
             ind("syslog", "format = \"cef\"\n", "value = \"Cyber-Ark|Vault\"") +
             ind("syslog", "format = \"leef\"\n", "value = \"Claroty|*\"") +
             ind("syslog", "format = \"kv\"\n", "value = \"devid=FG logid=\"") +
             ind("dpi", "instance = \"both\"\n", "value = \"VMware\""),
         ""});
    LoadOptions opt;
    opt.requireAllVendors = false;
    return loadSignatureTexts(std::move(files), opt);
  }();
  INFO(test::joinErrors(r));
  REQUIRE(r.ok());
  return *r.set;
}

std::string run(ExportFormat f) {
  ExportOptions o;
  o.format = f;
  std::string out, err;
  REQUIRE(exportSignatures(set(), o, out, err));
  return out;
}

bool has(const std::string& text, const std::string& needle) {
  INFO(needle);
  return text.find(needle) != std::string::npos;
}

} // namespace

TEST_CASE("Suricata export expresses the on-prem kinds", "[export][onprem]") {
  const std::string s = run(ExportFormat::kSuricata);
  INFO(s);
  CHECK(has(s, "alert tcp any [902,912] -> any any (msg:\"VW Name (p) banner 220 VMware "
               "Authentication Daemon Version\"; flow:established,to_client; content:\"220 "
               "VMware Authentication Daemon Version\"; startswith; classtype"));
  CHECK(has(s, "alert tcp any [264] -> any any"));
  CHECK(has(s, "content:\"Q|00||00||00|\"; startswith; dsize:4;"));
  CHECK(has(s, "alert tcp any any -> any any (msg:\"VW Name (p) banner SSH-2.0-FortiSSH_\"; "
               "flow:established; content:\"SSH-2.0-FortiSSH_\"; startswith;"));
  CHECK(has(s, "flow:established,to_client; http.server; content:\"panweb server/\"; nocase; "
               "startswith;"));
  CHECK(has(s, "http.response_header; content:\"spipe-authenticate: {abcd\"; nocase; startswith;"));
  CHECK(has(s, "flow:established,to_server; http.request_header; content:\"x-agent: "
               "exampleagent\"; nocase; startswith;"));
  CHECK(has(s, "http.uri; content:\"/global-protect/\"; startswith;"));
  CHECK(has(s, "tls.cert_issuer; content:\"O=Fortinet\"; nocase; content:\"OU=Certificate "
               "Authority\"; nocase;"));
  CHECK_FALSE(has(s, "tls.cert_subject; content:\"O=Fortinet\""));
  // part = any: one rule per DN; the RFC 4514 escape is dropped.
  CHECK(has(s, "tls.cert_subject; content:\"O=VMware, Inc\"; nocase; content:\"OU=SRM\"; nocase;"));
  CHECK(has(s, "tls.cert_issuer; content:\"O=VMware, Inc\"; nocase; content:\"OU=SRM\"; nocase;"));
  CHECK(has(s, "alert udp any any -> any any (msg:\"VW Name (p) syslog header "
               "cef:cyber-ark|vault\"; content:\"CEF:0|7C|cyber-ark|7C|vault|7C|\"; nocase;"));
  CHECK(has(s, "alert tcp any any -> any any (msg:\"VW Name (p) syslog header "
               "cef:cyber-ark|vault\"; flow:established; content:\"CEF:0|7C|cyber-ark"));
  CHECK(has(s, "content:\"LEEF:\"; content:\"|7C|claroty|7C|\"; nocase; distance:0; within:13;"));
  CHECK(has(s, "# skipped syslog kv:devid=FG logid= [Name / p]: key=value terms"));
  CHECK(has(s, "# skipped dpi VMware [Name / p]: no Suricata rule for this kind"));
}

TEST_CASE("Zeek, nDPI and RPZ exports skip the on-prem kinds with a comment", "[export][onprem]") {
  const std::string z = run(ExportFormat::kZeekIntel);
  CHECK(has(z, "# skipped banner 220 VMware Authentication Daemon Version"));
  CHECK(has(z, "# skipped cert O=fortinet, OU=certificate authority"));
  const std::string n = run(ExportFormat::kNdpiProtos);
  CHECK(has(n, "# skipped http_path /global-protect/"));
  CHECK(n.find("host:") == std::string::npos);
  const std::string r = run(ExportFormat::kRpz);
  CHECK(has(r, "; skipped syslog cef:cyber-ark|vault"));
}

TEST_CASE("CSV export carries match and the kind-specific keys", "[export][onprem]") {
  const std::string c = run(ExportFormat::kCsv);
  CHECK(c.rfind("set_version,set_date,vendor_id,vendor_name,vendor_status,product_id,"
                "product_name,role,kind,match,value,confidence,source_url,source_date,details\r\n",
                0) == 0);
  CHECK(has(c, ",banner,prefix,220 VMware Authentication Daemon Version,high,"
               "https://example.com/s,2026-11-01,ports=902 912\r\n"));
  CHECK(has(c, ",banner,exact,Q\\x00\\x00\\x00,high,https://example.com/s,2026-11-01,"
               "ports=264\r\n"));
  CHECK(has(c, ",http_header,prefix,x-agent: exampleagent,high,https://example.com/s,2026-11-01,"
               "header=x-agent direction=request\r\n"));
  CHECK(has(c, ",cert,exact,\"O=fortinet, OU=certificate authority\",high,"
               "https://example.com/s,2026-11-01,part=issuer\r\n"));
  CHECK(has(c, ",syslog,,kv:devid=FG logid=,high,https://example.com/s,2026-11-01,format=kv\r\n"));
  CHECK(has(c, ",dpi,,VMware,high,https://example.com/s,2026-11-01,instance=both\r\n"));
}

} // namespace vw::signatures
