// `vendorwatch report SUMMARY.json... [--html F] [--csv F] [--json F]`: merges the summaries of
// several scans or sensors and writes an HTML, CSV and/or JSON report.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include <vw/alerts/report.h>

#include "commands.h"
#include "common.h"

namespace vw::cli {
namespace {

struct ReportOptions {
  std::vector<std::string> inputs;
  std::string html, csv, json;
};

/// Writes `text` to `path` ("-" = stdout) through a temporary file and a rename.
bool writeOutput(const std::string& path, const std::string& text) {
  if (path == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return std::fflush(stdout) == 0;
  }
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) {
      diag("cannot write '" + path + "'");
      std::remove(tmp.c_str());
      return false;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    diag("cannot write '" + path + "'");
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

int runReport(const ReportOptions& o) {
  alerts::ReportMerger merger;
  int rc = kExitOk;
  for (const auto& path : o.inputs) {
    std::string text;
    if (path == "-") {
      std::ostringstream ss;
      ss << std::cin.rdbuf();
      text = ss.str();
    } else {
      std::ifstream in(path, std::ios::binary);
      if (!in) {
        diag("cannot read '" + path + "'");
        rc = kExitInputError;
        continue;
      }
      std::ostringstream ss;
      ss << in.rdbuf();
      if (in.bad()) {
        diag("cannot read '" + path + "'");
        rc = kExitInputError;
        continue;
      }
      text = ss.str();
    }
    auto doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded()) {
      diag("'" + path + "' is not valid JSON (expected a summary written by scan --summary)");
      return kExitUsage;
    }
    std::string err;
    if (!merger.add(doc, path, err)) {
      diag(err);
      return kExitUsage;
    }
  }
  if (merger.inputs() == 0) {
    diag("no summary could be read");
    return kExitInputError;
  }
  const auto merged = merger.result();
  bool ok = true;
  if (!o.html.empty())
    ok = writeOutput(o.html, alerts::reportHtml(merged)) && ok;
  if (!o.csv.empty())
    ok = writeOutput(o.csv, alerts::reportCsv(merged)) && ok;
  if (!o.json.empty() || (o.html.empty() && o.csv.empty()))
    ok = writeOutput(o.json.empty() ? "-" : o.json,
                     merged.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n") &&
         ok;
  return ok ? rc : kExitUsage;
}

} // namespace

void addReportCommand(CLI::App& app, std::function<int()>& run) {
  auto o = std::make_shared<ReportOptions>();
  CLI::App* c = app.add_subcommand(
      "report", "Merge scan summaries (--summary files) into an HTML, CSV or JSON report");
  c->add_option("summaries", o->inputs,
                "Summary files written by `scan --summary` (- for stdin); hosts are united and "
                "bytes, flows, DNS lookups and first/last seen are combined")
      ->required();
  c->add_option("--html", o->html,
                "Write a self-contained HTML report (matrix, charts, timeline, evidence)");
  c->add_option("--csv", o->csv, "Write CSV (RFC 4180): one row per host x vendor");
  c->add_option("--json", o->json,
                "Write the merged summary as JSON (default: to stdout when no output is given)");
  c->footer("Output files may be - for stdout. Exit codes: 0 ok, 1 a summary could not be read "
            "(the others were merged), 2 a file is not a summary or an output cannot be written.\n"
            "Examples:\n"
            "  vendorwatch report --html report.html site-a.json site-b.json\n"
            "  vendorwatch report --csv - day*.json | column -s, -t\n"
            "  vendorwatch report --json merged.json --html merged.html sensors/*.json");
  c->callback([o, &run] { run = [o] { return runReport(*o); }; });
}

} // namespace vw::cli
