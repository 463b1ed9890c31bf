#pragma once
/// @file report.h
/// `vendorwatch report`: merges the summaries written by `scan --summary` (one per scan or
/// sensor) and renders the merged document as HTML, CSV or JSON. Control path only.

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace vw::alerts {

/// Evidence items kept per host x vendor after a merge (the union is bounded).
inline constexpr std::size_t kReportMaxEvidence = 32;

/// Instance clients listed per instance after a merge (the count goes on beyond).
inline constexpr std::size_t kReportMaxClients = 64;

/// Sorted, disjoint, non-adjacent ranges of day numbers (days since 1970-01-01 UTC).
using DayRanges = std::vector<std::pair<std::int64_t, std::int64_t>>;
/// Adds [a, b] to `r`, keeping it sorted and merged.
void addDays(DayRanges& r, std::int64_t a, std::int64_t b);

/// "2025-03-11" or "2025-03-11T08:30:00[.ffffff]Z" -> microseconds since the epoch (UTC).
bool parseTime(const std::string& s, std::int64_t& us);
/// Day number of a time in microseconds, and back to "YYYY-MM-DD".
std::int64_t dayNumber(std::int64_t us);
std::string dayString(std::int64_t day);

/// Options of the migration view (`report --since/--deadline/--stale-days/--as-of`).
struct MigrationOptions {
  std::int64_t as_of_us = 0;    ///< 0: the newest packet time of the inputs
  std::int64_t since_us = 0;    ///< 0: as_of minus stale_days ("new" = first seen since then)
  std::int64_t deadline_us = 0; ///< 0: no deadline list
  int stale_days = 7;           ///< "still" = seen within the last stale_days days of as_of
};

/// Accumulates summary documents (the format of summaryJson(), see summary.h, or a ledger
/// store's export) and produces the merged document in the same format.
/// - hosts ("who uses it") are united by address x vendor x role; counters are added,
///   first_seen is the minimum and last_seen the maximum, products, per-product counters and
///   evidence are united (evidence deduplicated and bounded by kReportMaxEvidence), the
///   strongest verdict (`best`) kept;
/// - instances ("where it runs") are united by address x vendor x product: flows added,
///   client lists united (bounded by kReportMaxClients), client_count the larger of the united
///   list and each input's count (a lower bound when lists were truncated);
/// - web presence by address x vendor; inspection findings by vendor x product x CA (hosts:
///   the largest count seen, as the inputs do not list them);
/// - the vendor totals and the coverage block are recomputed from the merged data.
/// Older summaries without role, instances, web or inspection still load.
class ReportMerger {
public:
  /// Adds one summary. `name` (the file name) is used in error messages only. On a document
  /// that is not a summary returns false, sets `err` and leaves the merger unchanged.
  bool add(const nlohmann::json& doc, const std::string& name, std::string& err);

  /// Number of summaries added so far.
  std::size_t inputs() const noexcept { return added_; }

  /// The merged summary: {vendorwatch, hosts, vendors, instances, web, inspection, coverage};
  /// hosts sorted by address (IPv4 before IPv6), vendors per host by bytes uploaded (desc)
  /// then id. With `mig`, also the migration view (see migration below).
  nlohmann::ordered_json result(const MigrationOptions* mig = nullptr) const;

private:
  struct Counters {
    std::uint64_t flows = 0, dns = 0, up = 0, down = 0;
    std::string first_seen, last_seen; ///< ISO-8601 UTC strings compare chronologically
    void add(const Counters& o);
  };
  struct Entry {
    std::string name, status, role;
    bool has_role = false;
    std::set<std::string> products;
    Counters c;
    int confidence = -1;                  ///< 0 low, 1 medium, 2 high, -1 unknown
    std::vector<nlohmann::json> evidence; ///< insertion order, deduplicated, bounded
    nlohmann::json best;                  ///< the strongest verdict (null when none given)
    std::map<std::string, Counters> by_product;
    bool has_by_product = false;
    DayRanges days; ///< contact days (given, or first..last of each input)
    bool explicit_days = false;
  };
  struct Instance {
    nlohmann::json vendor, product;
    Counters c;
    int confidence = -1;
    std::vector<nlohmann::json> evidence;
    std::set<std::string> clients;
    std::uint64_t client_count = 0;
    DayRanges days;
    bool explicit_days = false;
  };
  struct Web {
    nlohmann::json vendor;
    Counters c;
    std::vector<nlohmann::json> evidence;
  };
  struct Inspection {
    nlohmann::json vendor, product;
    Counters c;
    std::uint64_t hosts = 0;
  };
  using HostKey = std::pair<std::string, std::string>; ///< vendor id, role
  struct State {
    std::map<std::string, std::map<HostKey, Entry>> hosts; ///< ip -> (vendor, role) -> entry
    std::map<std::tuple<std::string, std::string, std::string>, Instance> instances;
    std::map<std::pair<std::string, std::string>, Web> web;
    std::map<std::tuple<std::string, std::string, std::string>, Inspection> inspection;
    std::map<std::string, std::uint64_t> coverage, evictions;
    DayRanges covered; ///< days with captured packets (inputs' packet ranges)
  };
  bool addTo(State& st, const nlohmann::json& doc, const std::string& name, std::string& err) const;
  nlohmann::ordered_json migration(const MigrationOptions& o) const;

  std::size_t added_ = 0;
  State st_;
  std::vector<std::string> tool_versions_, sig_versions_, inputs_;
  std::uint64_t packets_ = 0;
  std::string first_packet_, last_packet_;
};

/// Self-contained HTML page (inline CSS, SVG and JavaScript; no external resources) for a
/// merged summary. All strings from the summary are escaped; the data is embedded as JSON.
std::string reportHtml(const nlohmann::ordered_json& merged);

/// CSV (RFC 4180, CRLF line ends, header row). One row per entry; the `section` column says
/// which: `usage` (host x vendor, who uses it), `instance` (where it runs), `web` (web
/// presence), `inspection` (TLS-inspection CA). With a migration view, usage and instance rows
/// carry its columns `contact`, `stopped_on`, `seen_after_deadline` (the same names as in the
/// JSON's migration.hosts).
std::string reportCsv(const nlohmann::ordered_json& merged);

/// One CSV field: control bytes, invalid UTF-8 and invisible code points escaped
/// (escapeDisplay, escape.h); values starting with = + - @ TAB or CR get a leading apostrophe
/// so spreadsheets do not evaluate them as formulas (OWASP CSV injection); quoted per RFC 4180
/// when needed.
std::string csvField(const std::string& s);

/// escapeDisplay (escape.h), then & < > " ' escaped for HTML text and attribute values.
std::string htmlEscape(const std::string& s);

} // namespace vw::alerts
