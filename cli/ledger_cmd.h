#pragma once
// The ledger store in the CLI (issue 14): `vendorwatch ledger export|compact|info|import`, the
// `--ledger FILE.db` option of scan and live, and the writer they share (LedgerWriter).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <vw/alerts/summary.h>
#include <vw/classify/ledger.h>
#include <vw/signatures/signature_set.h>
#include <vw/store/ledger_store.h>

namespace vw::cli {

struct LedgerOptions {
  std::string path;     ///< --ledger FILE.db (empty: no store)
  double interval = 60; ///< live: seconds between commits (--ledger-interval)
  int retain_days = 0;  ///< --ledger-retain: drop rows older than this (0 = keep all)
  int hourly_days = 14; ///< --ledger-hourly-days: hourly rows kept this long, then daily
};

/// Registers --ledger (and for live --ledger-interval) plus the retention flags.
void addLedgerOptions(CLI::App& cmd, LedgerOptions& o, bool live);

/// Adds `ledger export|compact|info|import`.
void addLedgerCommand(CLI::App& app, std::function<int()>& run);

/// Opens a store for reading or writing and prints the reason when it cannot; returns the
/// exit code to use (kExitOk when `out` is set): a missing store is an input error (1), a
/// file that is not a ledger or is corrupt a usage error (2).
int openStore(const std::string& path, store::LedgerStore::Mode mode,
              std::unique_ptr<store::LedgerStore>& out);

/// Converts a summary document (the format of `--summary`) into store rows: per host x vendor
/// (x product when by_product is given) one row with the counters at the hour of first_seen,
/// plus an empty row per further day up to last_seen (the days in between count as contact,
/// as `report` assumes for a summary). Used by `ledger import`.
std::vector<store::Row> rowsFromSummary(const nlohmann::json& doc);

/// Converts classify's ledger journal (per-hour deltas) into store rows.
std::vector<store::Row> rowsFromJournal(const std::vector<classify::JournalRow>& rows);

/// What scan and live use: one run in the store, commits of rows + state, scan input
/// identities. Every method prints its own diagnostics.
class LedgerWriter {
public:
  bool enabled() const { return store_ != nullptr; }
  const LedgerOptions& options() const { return opt_; }

  /// Opens (creates) the store and starts a run; returns the exit code (kExitOk on success).
  int open(const LedgerOptions& o, const store::RunInfo& run);

  /// scan: true when `path` (a capture file) is already in the store; it is then skipped.
  bool alreadyScanned(const std::string& path);
  /// scan: records the identity of an input read completely.
  void inputDone(const std::string& path, std::int64_t first_us, std::int64_t last_us,
                 std::uint64_t packets);

  /// One transaction: the rows (deltas since the last commit), the run's summary (state) and
  /// packet range, the inputs finished since. On failure the rows are kept for the next
  /// commit (bounded) and false is returned.
  bool commit(std::vector<store::Row> rows, const nlohmann::json* summary,
              std::int64_t first_packet_us, std::int64_t last_packet_us, std::uint64_t packets);

  /// Drains `ledger`'s journal (the per-hour deltas since the last drain; the classifiers record
  /// it when ClassifierConfig::ledger_journal is set) and commits the rows together with the
  /// summary of `ledger` (verdicts, evidence, names) and `meta`'s packet range.
  bool commitLedger(classify::Ledger& ledger, const signatures::SignatureSet& sigs,
                    const alerts::SummaryMeta& meta);
  /// The same with journal rows collected elsewhere (live's workers hand them over apart from
  /// their ledgers); `state` gives the verdicts, names and journal drop count.
  bool commitJournal(const std::vector<classify::JournalRow>& rows, const classify::Ledger& state,
                     const signatures::SignatureSet& sigs, const alerts::SummaryMeta& meta);
  /// Journal rows the classifiers dropped at their cap (counted in the ledger's evictions).
  std::uint64_t journalDropped() const { return journal_dropped_; }

  /// Marks the run finished and applies the retention options.
  bool finish();

private:
  LedgerOptions opt_;
  std::unique_ptr<store::LedgerStore> store_;
  std::int64_t run_ = 0;
  std::vector<store::Row> pending_;
  std::vector<store::InputIdentity> inputs_;
  std::vector<std::pair<std::string, std::string>> fingerprints_; ///< path -> fingerprint
  std::uint64_t dropped_rows_ = 0;
  std::uint64_t journal_dropped_ = 0;
  bool compacted_once_ = false;
  std::chrono::steady_clock::time_point last_compaction_;
};

} // namespace vw::cli
