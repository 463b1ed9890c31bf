// `vendorwatch signatures export --format F [--vendor ID...] [--signatures DIR]`: the vendor
// signatures in the formats of other tools, written to stdout.
#include <cstdio>

#include <vw/signatures/export.h>

#include "commands.h"
#include "common.h"

namespace vw::cli {
namespace {

struct ExportCmdOptions {
  std::string format;
  std::vector<std::string> vendors;
  std::string dir;
};

int runExport(const ExportCmdOptions& o) {
  signatures::ExportOptions eo;
  const auto f = signatures::parseExportFormat(o.format);
  if (!f) {
    diag("unknown export format '" + o.format +
         "' (use suricata, zeek-intel, ndpi-protos, rpz or csv)");
    return kExitUsage;
  }
  eo.format = *f;
  eo.vendors = o.vendors;
  auto m = loadMatcher(o.dir.empty() ? defaultSignatureDir() : o.dir);
  if (!m)
    return kExitUsage;
  std::string out, err;
  if (!signatures::exportSignatures(m->set(), eo, out, err)) {
    diag(err);
    return kExitUsage;
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return std::fflush(stdout) == 0 ? kExitOk : kExitUsage;
}

} // namespace

void addSignaturesExportCommand(CLI::App& signatures, std::function<int()>& run) {
  auto o = std::make_shared<ExportCmdOptions>();
  CLI::App* c = signatures.add_subcommand(
      "export", "Write the signatures for another tool (Suricata, Zeek, nDPI, DNS RPZ, CSV)");
  c->add_option("--format,-f", o->format, "suricata | zeek-intel | ndpi-protos | rpz | csv")
      ->required();
  c->add_option("--vendor", o->vendors, "Only these vendor ids (repeatable; default: all)");
  c->add_option("--signatures", o->dir, "Signature directory (default: bundled set)");
  c->footer(
      "Every export starts with the signature set version and date (comment lines; CSV: the "
      "set_version/set_date columns). Indicators a format cannot express (glob patterns, ports, "
      "JA4, ...) are skipped with a comment.\n"
      "  suricata     tls.sni / dns.query / http.host rules (suffix: dotprefix + endswith; exact: "
      "bsize), ip rules for prefixes, http.user_agent and ja3.hash; on-prem kinds: banners as "
      "stream content at offset 0, http.server / http.response_header / http.request_header, "
      "http.uri, tls.cert_subject / tls.cert_issuer, CEF/LEEF header content (key=value syslog "
      "terms and nDPI names are skipped); sids 4200000-4299999\n"
      "  zeek-intel   Intel::DOMAIN / Intel::ADDR / Intel::SUBNET; Zeek matches domains exactly, "
      "so a suffix indicator only matches its apex name\n"
      "  ndpi-protos  host:\"name\"@VW_<Vendor> and ip: lines, one custom protocol per vendor\n"
      "  rpz          response policy zone: name CNAME . (+ *.name for suffixes), rpz-ip for "
      "IPv4 prefixes\n"
      "  csv          one row per indicator (RFC 4180); `details` holds the kind-specific keys "
      "(ports, header, part, format, instance, proto)\n"
      "Examples:\n"
      "  vendorwatch signatures export --format suricata > vendorwatch.rules\n"
      "  vendorwatch signatures export -f zeek-intel --vendor crowdstrike --vendor wiz > vw.intel\n"
      "  vendorwatch signatures export -f ndpi-protos > protos.txt && ndpiReader -p protos.txt -i "
      "capture.pcap\n"
      "  vendorwatch signatures export -f rpz > db.rpz.vendorwatch && named-checkzone "
      "rpz.vendorwatch db.rpz.vendorwatch");
  c->callback([o, &run] { run = [o] { return runExport(*o); }; });
}

} // namespace vw::cli
