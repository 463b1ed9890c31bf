#pragma once
/// @file ledger_store.h
/// The persistent ledger store (issue 14): one SQLite file in WAL mode that keeps the host
/// ledger across restarts and scans. The only code that includes sqlite3.h lives in
/// alerts/store/src. Control path only (commits run on a timer, never per packet).
///
/// What it holds (docs/ledger.md has the schema):
/// - activity: additive rows per period (an hour, or a day once compacted) x kind (client,
///   server, web, inspection) x address x vendor x product [x CA for inspection]: flows, DNS
///   lookups, bytes both ways, first and last seen inside the period, best confidence;
/// - series: the same key with lifetime totals and first/last seen, never dropped by retention;
/// - verdicts: per key the strongest verdict and its evidence, instance client lists;
/// - runs and inputs: one row per `live` or `scan` run; per scanned file its fingerprint and
///   packet time range, so that the same capture is never counted twice.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace vw::store {

/// Schema version written to `PRAGMA user_version` (migrated on open).
inline constexpr int kSchemaVersion = 1;
/// `PRAGMA application_id` of a vendorwatch ledger ("VWLG").
inline constexpr std::int32_t kApplicationId = 0x56574C47;

/// Which side of the ledger a row is about (classify's ledger journal kinds).
enum class Kind : std::uint8_t { Client = 0, Server = 1, Web = 2, Inspection = 3 };
const char* kindName(Kind k);
/// "client", "server", "web", "inspection" -> Kind; false when unknown.
bool parseKind(const std::string& s, Kind& out);

/// One additive delta (what classify::Ledger's journal produces, one per hour x key).
struct Row {
  std::int64_t period_us = 0; ///< any time inside the hour; the store floors it to the hour
  Kind kind = Kind::Client;
  std::string address; ///< the host (client, web), the instance (server), the inspected host
  std::string vendor, product;
  std::string detail; ///< inspection: the CA's DN; empty otherwise
  std::uint64_t flows = 0, dns_lookups = 0, bytes_to = 0, bytes_from = 0;
  std::int64_t first_us = 0, last_us = 0; ///< packet time, microseconds
  int confidence = 0;                     ///< 0 none, 1 low, 2 medium, 3 high
};

/// A scanned capture's identity: content fingerprint (size + hash of its head and tail) and
/// the packet time range found in it.
struct InputIdentity {
  std::string name;        ///< as given (diagnostics only)
  std::string fingerprint; ///< fileFingerprint(); "stdin" for standard input
  std::int64_t first_us = 0, last_us = 0;
  std::uint64_t packets = 0;
};

/// "size:<bytes>:fnv1a64:<hex of the first and last 1 MiB>"; empty + err when unreadable.
std::string fileFingerprint(const std::string& path, std::string& err);

/// Metadata of one run (a live sensor start, a scan, an import).
struct RunInfo {
  std::string kind; ///< "live", "scan", "import"
  std::string tool_version, signatures;
  std::vector<std::string> inputs;
};

/// Per-commit state that is not additive: the current summary of the run (the format of
/// alerts::summaryJson: best verdicts, evidence, instance clients, vendor and product names,
/// the run's coverage counters) and its packet range. Counters in it are ignored: the rows
/// are the counters.
struct CommitState {
  const nlohmann::json* summary = nullptr; ///< may be null
  std::int64_t first_packet_us = 0, last_packet_us = 0;
  std::uint64_t packets = 0;
};

struct CompactStats {
  std::uint64_t hourly_rows_compacted = 0; ///< hourly rows folded into daily rows
  std::uint64_t daily_rows_written = 0;
  std::uint64_t rows_dropped = 0; ///< rows older than the retention
  std::int64_t reference_us = 0;  ///< the newest activity in the store (retention counts back)
};

struct StoreInfo {
  int schema = 0;
  std::uint64_t runs = 0, series = 0, activity_rows = 0, hourly_rows = 0, daily_rows = 0;
  std::uint64_t inputs = 0;
  std::int64_t first_us = 0, last_us = 0;
  std::uint64_t file_bytes = 0;
};

class LedgerStore {
public:
  enum class Mode { ReadOnly, ReadWrite };
  /// Why open() failed: the caller maps Missing to "input error" (exit 1), the rest to exit 2.
  enum class OpenError { None, Missing, NotALedger, Corrupt, TooNew, Io };

  /// Opens (ReadWrite: creates) a store. A file that is not a vendorwatch ledger (another
  /// SQLite database, any other file, a corrupt one) is rejected before anything is written to
  /// it and never modified. ReadWrite migrates an older schema (in one transaction) and turns
  /// on WAL mode.
  static std::unique_ptr<LedgerStore> open(const std::string& path, Mode mode, std::string& err,
                                           OpenError* why = nullptr);
  ~LedgerStore();
  LedgerStore(const LedgerStore&) = delete;
  LedgerStore& operator=(const LedgerStore&) = delete;

  const std::string& path() const { return path_; }

  // ---- writing (ReadWrite) -------------------------------------------------------------
  /// Starts a run (one transaction). Returns its id, or 0 + err.
  std::int64_t beginRun(const RunInfo& info, std::string& err);
  /// Which of `fingerprints` (fileFingerprint) are already recorded, with the time of the
  /// run that recorded them ("" when unknown).
  bool knownFingerprints(const std::vector<std::string>& fingerprints,
                         std::vector<std::string>& scanned_at, std::string& err);
  /// Whether an input with this fingerprint and packet range is recorded (fingerprint "stdin":
  /// any input with this packet range and count).
  bool knownInput(const InputIdentity& in, bool& known, std::string& err);
  /// One transaction: adds the rows to activity and series, updates the verdicts, names and
  /// the run's coverage from `state`, records `inputs` (scan), and the run's progress. Either
  /// all of it is stored or none (err set).
  bool commit(std::int64_t run, std::span<const Row> rows, const CommitState& state,
              std::span<const InputIdentity> inputs, std::string& err);
  /// Marks the run finished (clean shutdown / end of scan).
  bool finishRun(std::int64_t run, std::string& err);
  /// Retention: hourly rows older than `hourly_days` are folded into daily rows; rows (hourly
  /// or daily) older than `retain_days` are dropped. Both count back from the newest activity
  /// in the store (packet time). Lifetime totals and first/last seen (series) are kept.
  bool compact(int retain_days, int hourly_days, CompactStats& st, std::string& err);
  /// Rewrites the file (VACUUM) so that the space freed by compact() goes back to the system.
  bool vacuum(std::string& err);

  // ---- reading ---------------------------------------------------------------------------
  /// The store as a summary document (the format `scan --summary` writes: vendorwatch, hosts,
  /// vendors, instances, web, inspection, coverage), with per host x vendor `active_days`
  /// ranges ([["YYYY-MM-DD","YYYY-MM-DD"], ...]) for the migration view.
  bool exportSummary(nlohmann::ordered_json& out, std::string& err);
  bool info(StoreInfo& out, std::string& err);

private:
  struct Impl;
  explicit LedgerStore(std::string path);
  std::string path_;
  std::unique_ptr<Impl> impl_;
};

/// Hour start (µs) of a packet time.
std::int64_t hourOf(std::int64_t us);
/// Day start (µs, UTC) of a packet time.
std::int64_t dayOf(std::int64_t us);

} // namespace vw::store
