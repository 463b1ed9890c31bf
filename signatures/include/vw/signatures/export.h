#pragma once
/// @file export.h
/// Export of the vendor signature set to the formats of other tools (Suricata rules, Zeek
/// intel, nDPI protos file, DNS RPZ zone, CSV). Control path only; the output is deterministic
/// (no wall clock): every export starts with comment lines naming the signature set version
/// and date. Indicators a format cannot express are skipped with a comment saying so.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <vw/signatures/signature_set.h>

namespace vw::signatures {

enum class ExportFormat : std::uint8_t { kSuricata, kZeekIntel, kNdpiProtos, kRpz, kCsv };

/// "suricata", "zeek-intel", "ndpi-protos", "rpz" or "csv".
std::optional<ExportFormat> parseExportFormat(std::string_view s) noexcept;

/// First Suricata sid used; exports use kSuricataSidBase .. kSuricataSidBase + 99999.
inline constexpr std::uint32_t kSuricataSidBase = 4200000;

struct ExportOptions {
  ExportFormat format = ExportFormat::kCsv;
  /// Vendor ids to export (empty = all vendors of the set).
  std::vector<std::string> vendors;
  /// Origin written in the RPZ SOA/NS comments (the zone itself uses relative names).
  std::string rpz_zone = "rpz.vendorwatch";
};

/// Renders `set` in the requested format. Returns false and sets `err` when a requested vendor
/// id is not in the set or the Suricata sid range would overflow.
bool exportSignatures(const SignatureSet& set, const ExportOptions& options, std::string& out,
                      std::string& err);

/// The nDPI custom protocol name used for a vendor: "VW_" + the alphanumerics of its display
/// name, e.g. "VW_CrowdStrike", "VW_PaloAltoNetworks".
std::string ndpiProtocolName(const Vendor& v);

} // namespace vw::signatures
