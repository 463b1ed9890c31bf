// `vendorwatch signatures check|list|explain`: inspect the vendor signature database.
#include <cstdio>
#include <map>

#include <fmt/format.h>

#include <vw/signatures/loader.h>

#include "commands.h"
#include "common.h"

namespace vw::cli {
namespace {

struct SigOptions {
  std::string dir;
  std::string query;
};

int runCheck(const SigOptions& o) {
  const std::string dir = o.dir.empty() ? defaultSignatureDir() : o.dir;
  auto m = loadMatcher(dir);
  if (!m)
    return kExitUsage;
  const auto& s = m->set();
  std::printf("%s: OK: %zu vendors, %zu products, %zu indicators (signature set %s, %s)\n",
              dir.c_str(), s.vendors().size(), s.products().size(), s.indicators().size(),
              s.info().version.c_str(), s.info().date.c_str());
  return kExitOk;
}

int runList(const SigOptions& o) {
  const std::string dir = o.dir.empty() ? defaultSignatureDir() : o.dir;
  auto m = loadMatcher(dir);
  if (!m)
    return kExitUsage;
  const auto& s = m->set();
  std::printf("signature set %s (%s): %zu vendors, %zu products, %zu indicators\n",
              s.info().version.c_str(), s.info().date.c_str(), s.vendors().size(),
              s.products().size(), s.indicators().size());
  for (const auto& v : s.vendors()) {
    std::map<std::string, std::size_t> kinds;
    for (auto i : v.indicators)
      ++kinds[std::string(signatures::toString(s.indicators()[i].kind))];
    std::string k;
    for (const auto& [name, n] : kinds)
      k += fmt::format(" {}={}", name, n);
    std::printf("\n%-15s %-28s %-3s %-8s parent: %s\n  indicators: %zu:%s\n", v.id.c_str(),
                v.name.c_str(), v.country.c_str(),
                std::string(signatures::toString(v.status)).c_str(), v.parent.c_str(),
                v.indicators.size(), k.c_str());
    for (auto pi : v.products) {
      const auto& p = s.products()[pi];
      std::size_t n = 0;
      for (auto i : v.indicators)
        if (s.indicators()[i].product == pi)
          ++n;
      std::string brands;
      for (const auto& b : p.brands)
        brands += (brands.empty() ? " (ex-" : ", ") + b;
      if (!brands.empty())
        brands += ")";
      std::printf("  - %-28s %-20s %3zu indicators  %s%s\n", p.id.c_str(),
                  std::string(signatures::toString(p.role)).c_str(), n, p.name.c_str(),
                  brands.c_str());
    }
  }
  return kExitOk;
}

int runExplain(const SigOptions& o) {
  const std::string dir = o.dir.empty() ? defaultSignatureDir() : o.dir;
  auto m = loadMatcher(dir);
  if (!m)
    return kExitUsage;
  for (const auto& line : m->explain(o.query))
    std::printf("%s\n", line.c_str());
  return kExitOk;
}

} // namespace

void addSignaturesCommand(CLI::App& app, std::function<int()>& run) {
  auto o = std::make_shared<SigOptions>();
  CLI::App* s = app.add_subcommand("signatures", "Check, list or explain the vendor signatures");
  s->require_subcommand(1);
  s->footer(
      "Examples:\n"
      "  vendorwatch signatures check signatures/vendors\n"
      "  vendorwatch signatures list --signatures /etc/vendorwatch/signatures\n"
      "  vendorwatch signatures explain ts01-b.cloudsink.net\n"
      "  vendorwatch signatures explain 35.162.239.174\n"
      "  vendorwatch signatures explain ua:CatoClient/5\n"
      "  vendorwatch signatures explain 'banner:220 VMware Authentication Daemon Version 1.0'\n"
      "  vendorwatch signatures explain 'header:Server: PanWeb Server/ -'\n"
      "  vendorwatch signatures explain path:/global-protect/prelogin.esp\n"
      "  vendorwatch signatures explain 'cert-issuer:O=Fortinet, OU=Certificate Authority'\n"
      "  vendorwatch signatures explain 'cef:Cyber-Ark|Vault'\n"
      "  vendorwatch signatures explain dpi:VMware\n"
      "  vendorwatch signatures export --format suricata > vendorwatch.rules\n"
      "Exit codes: 0 ok, 2 invalid signatures or bad usage.");
  CLI::App* check = s->add_subcommand("check", "Validate a signature directory (exit 2 on error)");
  check->add_option("dir", o->dir, "Signature directory (default: bundled set)");
  check->callback([o, &run] { run = [o] { return runCheck(*o); }; });
  CLI::App* list = s->add_subcommand("list", "Vendors, products and indicator counts");
  list->add_option("--signatures", o->dir, "Signature directory (default: bundled set)");
  list->callback([o, &run] { run = [o] { return runList(*o); }; });
  CLI::App* explain = s->add_subcommand("explain", "Which indicator matches NAME or IP, and why");
  explain
      ->add_option("query", o->query,
                   "Domain name, IP address, or ua:/dn:/org:/ja3:/ja4:/tcp/N/udp/N, "
                   "banner:BYTES (\\xNN escapes), header:NAME: VALUE, request-header:NAME: VALUE, "
                   "path:/PATH, cert:DN, cert-subject:DN, cert-issuer:DN, cef:VENDOR|PRODUCT, "
                   "leef:VENDOR|PRODUCT, kv:KEY=VALUE..., dpi:NDPI-NAME")
      ->required();
  explain->add_option("--signatures", o->dir, "Signature directory (default: bundled set)");
  explain->callback([o, &run] { run = [o] { return runExplain(*o); }; });
  addSignaturesExportCommand(*s, run);
}

} // namespace vw::cli
