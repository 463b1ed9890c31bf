// vendorwatch: the composition root. Parses the command line, builds the objects each command
// needs and maps failures to exit codes. Diagnostics go to stderr; stdout carries only data.
#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>

#include <vw/signatures/loader.h>

#include "commands.h"
#include "common.h"
#include "ledger_cmd.h"

namespace {

int runMain(int argc, char** argv) {
  using namespace vw::cli;
  CLI::App app{"vendorwatch: find hosts that still talk to banned security vendors.\n"
               "Passive classifier for pcap files and span ports (nDPI + vendor signatures).",
               "vendorwatch"};
  app.require_subcommand(1);
  // --version also names the signature set the commands would use (still works without one).
  app.set_version_flag("--version", std::function<std::string()>([] {
                         const auto [dir, origin] = chooseSignatureDir();
                         const auto r = vw::signatures::loadSignatureDir(dir);
                         std::string sig = r.ok() ? "signature set " + r.set->info().version +
                                                        " (" + r.set->info().date + ", " + dir + ")"
                                                  : "signature set: not loadable from " + dir;
                         sig += "\nsignature directory from: " + origin;
                         return std::string("vendorwatch ") + VW_VERSION + "\n" + sig;
                       }));
  app.footer("Examples:\n"
             "  vendorwatch scan --table pcaps/demo.pcap\n"
             "  vendorwatch scan --log-flows --summary out.json captures/\n"
             "  vendorwatch signatures explain ts01-b.cloudsink.net\n"
             "  vendorwatch report --html report.html site-a.json site-b.json\n"
             "  vendorwatch signatures export --format suricata > vendorwatch.rules\n"
             "See also: man vendorwatch.\n"
             "Exit codes: 0 ok, 1 an input could not be read, 2 bad usage or configuration.");
  std::function<int()> run;
  addScanCommand(app, run);
  addSignaturesCommand(app, run);
  addReportCommand(app, run);
  addLiveCommand(app, run);
  addLedgerCommand(app, run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  try {
    return run ? run() : kExitUsage;
  } catch (const std::exception& e) {
    diag(std::string("fatal: ") + e.what());
    return kExitUsage;
  }
}

} // namespace

// Anything thrown outside the command (CLI11 set-up, --version's signature load) ends the
// program with a message and exit 2 instead of std::terminate.
int main(int argc, char** argv) {
  try {
    return runMain(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vendorwatch: fatal: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "vendorwatch: fatal: unknown exception\n");
  }
  return vw::cli::kExitUsage;
}
