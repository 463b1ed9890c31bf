#pragma once
/// @file attribution.h
/// Turns observed facts into evidence (via the signature matcher) and evidence into one
/// verdict per flow. The confidence rule is documented in docs/attribution.md.

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include <vw/classify/facts.h>
#include <vw/classify/records.h>
#include <vw/signatures/matcher.h>

namespace vw::classify {

/// The verdict of one flow.
struct Verdict {
  std::int32_t vendor = -1;  ///< index into SignatureSet::vendors(), -1 = none
  std::int32_t product = -1; ///< index into SignatureSet::products()
  Confidence confidence = Confidence::None;
  /// True if some evidence is a name or certificate (not only ip/ja3/ja4/port/dns.cache).
  bool named = false;
  explicit operator bool() const { return vendor >= 0; }
};

/// Upper bound on evidence items kept per flow.
inline constexpr std::size_t kMaxEvidencePerFlow = 16;

class Attributor {
public:
  explicit Attributor(const signatures::Matcher& m) : m_(m) {}

  /// Each `add*` matches one observed value and, on a match, appends an EvidenceItem to `ev`
  /// (unless the same field+value is already there or `ev` is full). Returns true on a match.
  bool addName(std::string_view field, std::string_view name, std::vector<EvidenceItem>& ev) const;
  bool addIp(std::string_view field, const IpAddr& addr, std::vector<EvidenceItem>& ev) const;
  bool addCertDn(std::string_view field, std::string_view dn, std::vector<EvidenceItem>& ev) const;
  bool addJa3(std::string_view ja3, std::vector<EvidenceItem>& ev) const;
  bool addJa4(std::string_view ja4, std::vector<EvidenceItem>& ev) const;
  bool addUserAgent(std::string_view ua, std::vector<EvidenceItem>& ev) const;
  bool addPort(std::uint8_t l4proto, std::uint16_t port, std::vector<EvidenceItem>& ev) const;

  /// Combines the evidence into one verdict (see docs/attribution.md).
  Verdict decide(std::span<const EvidenceItem> ev) const;

  /// Confidence of a single evidence item on its own.
  Confidence itemConfidence(const EvidenceItem& e) const;

  const signatures::Matcher& matcher() const { return m_; }

private:
  bool push(std::string_view field, std::string_view value, const signatures::Match& m,
            std::vector<EvidenceItem>& ev) const;
  const signatures::Matcher& m_;
};

} // namespace vw::classify
