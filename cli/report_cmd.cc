// `vendorwatch report [SUMMARY.json|STORE.db]... [--ledger STORE.db]... [--html F] [--csv F]
// [--json F] [--since D] [--deadline D] [--stale-days N]`: merges the summaries and ledger
// stores of several scans or sensors and writes an HTML, CSV and/or JSON report, with the
// migration view (still / stopped / new) when a store, several inputs or a migration option
// is given.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include <vw/alerts/report.h>
#include <vw/store/ledger_store.h>

#include "commands.h"
#include "common.h"
#include "ledger_cmd.h"

namespace vw::cli {
namespace {

struct ReportOptions {
  std::vector<std::string> inputs, ledgers;
  std::string html, csv, json;
  std::string since, deadline, as_of;
  int stale_days = 7;
  bool stale_given = false;
};

/// True when the file starts with the SQLite header (a ledger store given positionally).
bool looksLikeStore(const std::string& path) {
  if (path == "-")
    return false;
  std::ifstream in(path, std::ios::binary);
  char head[16] = {};
  in.read(head, sizeof head);
  return in.gcount() == sizeof head && std::string(head, 15) == "SQLite format 3";
}

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
  if (o.inputs.empty() && o.ledgers.empty()) {
    diag("report: give summary files and/or --ledger stores");
    return kExitUsage;
  }
  alerts::MigrationOptions mig;
  mig.stale_days = o.stale_days;
  for (const auto& [flag, value, out] : {std::tuple{"--since", &o.since, &mig.since_us},
                                         std::tuple{"--deadline", &o.deadline, &mig.deadline_us},
                                         std::tuple{"--as-of", &o.as_of, &mig.as_of_us}}) {
    if (!value->empty() && !alerts::parseTime(*value, *out)) {
      diag(
          fmt::format("{} '{}': expected a date YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ", flag, *value));
      return kExitUsage;
    }
  }
  alerts::ReportMerger merger;
  int rc = kExitOk;
  std::size_t stores = 0;
  auto addStore = [&](const std::string& path) {
    std::unique_ptr<store::LedgerStore> st;
    const int orc = openStore(path, store::LedgerStore::Mode::ReadOnly, st);
    if (orc != kExitOk)
      return orc;
    nlohmann::ordered_json doc;
    std::string err;
    if (!st->exportSummary(doc, err)) {
      diag(err);
      return kExitUsage;
    }
    if (!merger.add(nlohmann::json(doc), path, err)) {
      diag(err);
      return kExitUsage;
    }
    ++stores;
    return kExitOk;
  };
  for (const auto& path : o.ledgers) {
    const int src = addStore(path);
    if (src == kExitUsage)
      return src;
    if (src != kExitOk)
      rc = src;
  }
  for (const auto& path : o.inputs) {
    if (looksLikeStore(path)) {
      const int src = addStore(path);
      if (src == kExitUsage)
        return src;
      if (src != kExitOk)
        rc = src;
      continue;
    }
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
  // The migration view: with a store, with two or more inputs, or when asked for.
  const bool with_migration = stores > 0 || merger.inputs() > 1 || !o.since.empty() ||
                              !o.deadline.empty() || !o.as_of.empty() || o.stale_given;
  const auto merged = merger.result(with_migration ? &mig : nullptr);
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
      "report", "Merge scan summaries and ledger stores into an HTML, CSV or JSON report");
  c->add_option("inputs", o->inputs,
                "Summary files written by `scan --summary` (- for stdin) or ledger stores "
                "(FILE.db); hosts are united and bytes, flows, DNS lookups and first/last seen "
                "are combined");
  c->add_option("--ledger", o->ledgers, "A ledger store (FILE.db) to include; repeatable")
      ->allow_extra_args(false);
  c->add_option("--html", o->html,
                "Write a self-contained HTML report (migration chart, instances, matrix, "
                "timeline, web presence, evidence)");
  c->add_option("--csv", o->csv,
                "Write CSV (RFC 4180): one row per host x vendor, instance, web presence and "
                "inspection finding (column `section`)");
  c->add_option("--json", o->json,
                "Write the merged summary as JSON (default: to stdout when no output is given)");
  c->add_option("--since", o->since,
                "Migration view: hosts first seen on or after DATE are `new` (default: the "
                "--stale-days window before the newest packet)");
  c->add_option("--deadline", o->deadline,
                "Migration view: list the hosts still in contact on or after DATE");
  c->add_option("--stale-days", o->stale_days,
                "Migration view: `still` = seen within the last N days, else `stopped`")
      ->check(CLI::Range(0, 3650))
      ->capture_default_str()
      ->each([o](const std::string&) { o->stale_given = true; });
  c->add_option("--as-of", o->as_of,
                "Migration view: the reference date (default: the newest packet of the inputs)");
  c->footer("Output files may be - for stdout. Dates: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC).\n"
            "Exit codes: 0 ok, 1 an input could not be read (the others were merged), 2 a file "
            "is not a summary or a ledger (or is corrupt), or an output cannot be written.\n"
            "Examples:\n"
            "  vendorwatch report --html report.html site-a.json site-b.json\n"
            "  vendorwatch report --ledger sensor.db --deadline 2026-06-30 --html migration.html\n"
            "  vendorwatch report --csv - day*.json | column -s, -t\n"
            "  vendorwatch report --json merged.json --html merged.html sensors/*.db");
  c->callback([o, &run] { run = [o] { return runReport(*o); }; });
}

} // namespace vw::cli
