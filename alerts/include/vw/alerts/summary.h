#pragma once
/// @file summary.h
/// The end-of-scan summary (--summary FILE) and the per-host table printed to the terminal.

#include <cstdint>
#include <string>
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

/// The summary document: {vendorwatch, hosts: [...], vendors: [...], coverage: {...}}.
/// Hosts sorted by address, vendors per host by bytes uploaded (desc) then id.
nlohmann::ordered_json summaryJson(const classify::Ledger& ledger,
                                   const signatures::SignatureSet& sigs, const SummaryMeta& meta);

/// Human-readable per-host table (fixed-width text, one line per host x vendor).
std::string hostTable(const classify::Ledger& ledger, const signatures::SignatureSet& sigs);

/// "12.3 KiB" style byte counts.
std::string humanBytes(std::uint64_t n);

} // namespace vw::alerts
