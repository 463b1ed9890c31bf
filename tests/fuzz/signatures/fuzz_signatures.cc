// Fuzz target: the input is loaded as a vendor TOML file (strict loader, must never throw or
// crash) and is also fed to every matcher entry point as a domain, DN, user agent, fingerprint,
// address, banner, HTTP header/path, syslog vendor|product and key=value, nDPI name and explain()
// query.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <vw/signatures/loader.h>
#include <vw/signatures/matcher.h>

namespace {

using vw::signatures::LoadOptions;
using vw::signatures::Matcher;
using vw::signatures::SourceText;

const std::string kManifest = "[set]\nversion = \"fuzz\"\ndate = 2026-11-22\n";

const std::string kFixedVendor = R"([vendor]
id = "wiz"
name = "Wiz"
country = "US"
parent = "Wiz, Inc."
status = "banned"

[[product]]
id = "p"
name = "P"
role = "api"

[[indicator]]
product = "p"
kind = "domain"
match = "suffix"
values = ["wiz.io", "app.wiz.io"]
confidence = "high"
source = "https://example.com/"
source_date = 2026-11-01

[[indicator]]
product = "p"
kind = "domain"
match = "pattern"
value = "ch-*.x.*.wiz.io"
confidence = "high"
source = "https://example.com/"
source_date = 2026-11-01

[[indicator]]
product = "p"
kind = "cert_org"
value = "Wiz, Inc."
confidence = "high"
source = "https://example.com/"
source_date = 2026-11-01

[[indicator]]
product = "p"
kind = "cidr"
values = ["45.60.0.0/16", "2a02:e980::/29"]
confidence = "high"
source = "https://example.com/"
source_date = 2026-11-01

[[indicator]]
product = "p"
kind = "http_user_agent"
value = "WizSensor"
confidence = "high"
source = "https://example.com/"
source_date = 2026-11-01

[[indicator]]
product = "p"
kind = "banner"
ports = [902, 912]
values = ['220 VMware Authentication Daemon Version', 'Q\x00\x00\x00', 'SSH-2.0-FortiSSH_']
confidence = "high"
source = "https://example.com/"
source_date = 2026-11-01

[[indicator]]
product = "p"
kind = "http_header"
header = "Server"
values = ["PanWeb Server/", "Agent-ListenServer-HttpSvr"]
confidence = "high"
source = "https://example.com/"
source_date = 2026-11-01

[[indicator]]
product = "p"
kind = "http_header"
header = "SPIPE-Authenticate"
direction = "request"
value = "ePO-Agent"
confidence = "high"
source = "https://example.com/"
source_date = 2026-11-01

[[indicator]]
product = "p"
kind = "http_path"
values = ["/global-protect/", "/remote/logincheck"]
confidence = "high"
source = "https://example.com/"
source_date = 2026-11-01

[[indicator]]
product = "p"
kind = "cert"
part = "subject"
values = ["OU=FortiGate, O=Fortinet", "OU=VMware ESX Server Default Certificate"]
confidence = "high"
source = "https://example.com/"
source_date = 2026-11-01

[[indicator]]
product = "p"
kind = "cert"
match = "prefix"
part = "issuer"
value = "CN=FortiGate, O=Fortinet"
confidence = "high"
source = "https://example.com/"
source_date = 2026-11-01

[[indicator]]
product = "p"
kind = "syslog"
format = "cef"
values = ["Cyber-Ark|Vault", "Claroty|*"]
confidence = "high"
source = "https://example.com/"
source_date = 2026-11-01

[[indicator]]
product = "p"
kind = "syslog"
format = "kv"
value = "devid=FG logid="
confidence = "high"
source = "https://example.com/"
source_date = 2026-11-01

[[indicator]]
product = "p"
kind = "dpi"
instance = "both"
value = "VMware"
confidence = "high"
source = "https://example.com/"
source_date = 2026-11-01
)";

std::shared_ptr<const vw::signatures::SignatureSet> load(std::string vendorText) {
  std::vector<SourceText> files;
  files.push_back({"_set.toml", kManifest, ""});
  files.push_back({"wiz.toml", std::move(vendorText), ""});
  LoadOptions opt;
  opt.requireAllVendors = false;
  return vw::signatures::loadSignatureTexts(std::move(files), opt).set;
}

void exercise(const Matcher& m, std::string_view in, const std::uint8_t* data, std::size_t size) {
  (void)m.matchDomain(in);
  (void)m.matchCertDn(in);
  (void)m.matchCertOrg(in);
  (void)m.matchUserAgent(in);
  (void)m.matchJa3(in);
  (void)m.matchJa4(in);
  if (size >= 2)
    (void)m.matchPort(data[0] & 1 ? vw::signatures::Transport::kUdp
                                  : vw::signatures::Transport::kTcp,
                      static_cast<std::uint16_t>(data[0] << 8 | data[1]));
  if (size >= 16)
    (void)m.matchIp(std::span<const std::uint8_t>(data, 16));
  if (size >= 4)
    (void)m.matchIp(std::span<const std::uint8_t>(data, 4));
  vw::signatures::Match out[4];
  (void)m.matchCertDnAll(in, out);
  using vw::signatures::CertPart;
  using vw::signatures::HttpDirection;
  using vw::signatures::SyslogFormat;
  const std::uint16_t port = size >= 2 ? static_cast<std::uint16_t>(data[0] << 8 | data[1]) : 0;
  (void)m.matchBanner(std::span<const std::uint8_t>(data, size), port);
  for (CertPart part : {CertPart::kSubject, CertPart::kIssuer, CertPart::kAny})
    (void)m.matchCert(part, in, out);
  (void)m.matchHttpPath(in);
  (void)m.matchDpi(in);
  // Split the input at its first ':' / '|' / '=' into two fields for the pairwise matchers.
  const auto split = [&](char sep) {
    const auto pos = in.find(sep);
    return pos == std::string_view::npos ? std::pair<std::string_view, std::string_view>(in, {})
                                         : std::pair<std::string_view, std::string_view>(
                                               in.substr(0, pos), in.substr(pos + 1));
  };
  const auto [hname, hvalue] = split(':');
  (void)m.matchHttpHeader(HttpDirection::kResponse, hname, hvalue);
  (void)m.matchHttpHeader(HttpDirection::kRequest, hname, hvalue);
  const auto [svendor, sproduct] = split('|');
  for (SyslogFormat f : {SyslogFormat::kCef, SyslogFormat::kLeef, SyslogFormat::kKv})
    (void)m.matchSyslogProduct(f, svendor, sproduct);
  const auto [key, value] = split('=');
  const vw::signatures::KeyValue fields[2] = {{key, value}, {"logid", value}};
  (void)m.matchSyslogFields(fields);
  if (in.size() <= 512)
    (void)m.explain(in);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Matcher fixed(load(kFixedVendor));
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  if (auto set = load(std::string(in))) {
    const Matcher m(set);
    exercise(m, in, data, size);
  }
  exercise(fixed, in, data, size);
  return 0;
}
