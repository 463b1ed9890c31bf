#pragma once
/// @file report.h
/// `vendorwatch report`: merges the summaries written by `scan --summary` (one per scan or
/// sensor) and renders the merged document as HTML, CSV or JSON. Control path only.

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace vw::alerts {

/// Evidence items kept per host x vendor after a merge (the union is bounded).
inline constexpr std::size_t kReportMaxEvidence = 32;

/// Accumulates summary documents (the format of summaryJson(), see summary.h) and produces
/// the merged document in the same format. Hosts are united by address; per host x vendor the
/// counters are added, first_seen is the minimum and last_seen the maximum, products and
/// evidence are united (evidence deduplicated and bounded by kReportMaxEvidence); the vendor
/// totals and the coverage block are recomputed from the merged data.
class ReportMerger {
public:
  /// Adds one summary. `name` (the file name) is used in error messages only. On a document
  /// that is not a summary returns false, sets `err` and leaves the merger unchanged.
  bool add(const nlohmann::json& doc, const std::string& name, std::string& err);

  /// Number of summaries added so far.
  std::size_t inputs() const noexcept { return added_; }

  /// The merged summary: {vendorwatch, hosts, vendors, coverage}; hosts sorted by address
  /// (IPv4 before IPv6), vendors per host by bytes uploaded (desc) then id.
  nlohmann::ordered_json result() const;

private:
  struct Evidence {
    std::string field, value, indicator, source;
    bool operator<(const Evidence& o) const;
  };
  struct Entry {
    std::string name, status;
    std::set<std::string> products;
    std::uint64_t flows = 0, dns = 0, up = 0, down = 0;
    std::string first_seen, last_seen; ///< ISO-8601 UTC strings compare chronologically
    int confidence = -1;               ///< 0 low, 1 medium, 2 high, -1 unknown
    std::vector<Evidence> evidence;    ///< insertion order, deduplicated, bounded
  };
  std::size_t added_ = 0;
  std::map<std::string, std::map<std::string, Entry>> hosts_; ///< ip -> vendor id -> entry
  std::map<std::string, std::uint64_t> coverage_;             ///< integer coverage counters
  std::vector<std::string> tool_versions_, sig_versions_, inputs_;
  std::uint64_t packets_ = 0;
  std::string first_packet_, last_packet_;
};

/// Self-contained HTML page (inline CSS, SVG and JavaScript; no external resources) for a
/// merged summary. All strings from the summary are escaped; the data is embedded as JSON.
std::string reportHtml(const nlohmann::ordered_json& merged);

/// CSV (RFC 4180, CRLF line ends, header row): one row per host x vendor.
std::string reportCsv(const nlohmann::ordered_json& merged);

/// One CSV field quoted per RFC 4180 when needed. Values starting with = + - @ TAB or CR get
/// a leading apostrophe so spreadsheets do not evaluate them as formulas.
std::string csvField(const std::string& s);

/// Escapes & < > " ' for HTML text and attribute values.
std::string htmlEscape(const std::string& s);

} // namespace vw::alerts
