#pragma once
/// @file summary.h
/// The end-of-scan summary (--summary FILE) and the per-host table printed to the terminal.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <vw/classify/ledger.h>
#include <vw/signatures/signature_set.h>

namespace vw::alerts {

struct SummaryMeta {
  std::string tool_version;
  std::string signature_version;
  std::vector<std::string> inputs;
  std::int64_t first_packet_us = 0, last_packet_us = 0;
  std::uint64_t packets = 0;
};

/// The summary document: {vendorwatch (+ evictions), hosts: [...], instances: [...], web: [...],
/// inspection: [...], vendors: [...], coverage: {...}} (CONTRACT section 5, docs/events.md).
/// Hosts sorted by address, vendors per host by bytes uploaded (desc) then id; instances by
/// (address, vendor, product), web by (address, vendor), inspection by (vendor, product, CA).
/// Vendor and product names come from `sigs`, with the id as the name when it lacks them.
nlohmann::ordered_json summaryJson(const classify::Ledger& ledger,
                                   const signatures::SignatureSet& sigs, const SummaryMeta& meta);

/// The same document as summaryJson(...).dump(2) (replacing invalid UTF-8), written through
/// `out` in pieces: one section, or one element of a section's array, is built, dumped and
/// dropped at a time, so memory holds one host's tree instead of the whole document (a summary
/// at the ledger's host cap is tens of MB of text and several times that as a tree; issue
/// 13.4). Stops and returns false as soon as `out` returns false.
bool writeSummaryJson(const classify::Ledger& ledger, const signatures::SignatureSet& sigs,
                      const SummaryMeta& meta, const std::function<bool(std::string_view)>& out);

/// Reads the ledger sections of a summary document back (hosts, instances, web, inspection,
/// coverage, evictions) and adds them to `out`. Summaries written before a section existed
/// are read without it. False + `err` (naming the JSON path) on a malformed document.
bool ledgerFromSummary(const nlohmann::ordered_json& doc, classify::Ledger& out, std::string& err);

/// Parses the summary's time format ("2025-03-11T08:30:01.123456Z") to microseconds.
bool parseIsoTime(std::string_view s, std::int64_t& out_us);

/// Human-readable per-host table (fixed-width text, one line per host x vendor).
std::string hostTable(const classify::Ledger& ledger, const signatures::SignatureSet& sigs);

/// "12.3 KiB" style byte counts.
std::string humanBytes(std::uint64_t n);

} // namespace vw::alerts
