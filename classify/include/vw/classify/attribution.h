#pragma once
/// @file attribution.h
/// Turns observed facts into evidence (via the signature matcher) and evidence into verdicts:
/// one about the flow's host as a client, one per internal endpoint as a product instance.
/// The rules are documented in docs/attribution.md.

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include <vw/classify/facts.h>
#include <vw/packet/ip_address.h>
#include <vw/signatures/matcher.h>

namespace vw::classify {

/// Upper bound on evidence items kept per flow.
inline constexpr std::size_t kMaxEvidencePerFlow = 16;

/// Where a server-side item comes from (ignored for client-side fields).
struct ItemOrigin {
  std::uint8_t sender = 0; ///< 0 = initiator, 1 = responder
  bool instance = false;   ///< the sender is internal: the item makes it a product instance
};

/// Which evidence a verdict is about.
enum class VerdictScope : std::uint8_t {
  Client,            ///< the flow's host as a client (every item that is not an instance item)
  InstanceInitiator, ///< the initiator as a product instance
  InstanceResponder  ///< the responder as a product instance
};

class Attributor {
public:
  explicit Attributor(const signatures::Matcher& m) : m_(m) {}

  /// Each `add*` matches one observed value and, on a match, appends an EvidenceItem to `ev`
  /// (unless the same field+value is already there or `ev` is full). Returns true on a match.
  bool addName(Field field, std::string_view name, std::vector<EvidenceItem>& ev,
               ItemOrigin o = {}) const;
  bool addIp(Field field, const IpAddr& addr, std::vector<EvidenceItem>& ev,
             ItemOrigin o = {}) const;
  bool addCertDn(Field field, std::string_view dn, std::vector<EvidenceItem>& ev,
                 ItemOrigin o = {}) const;
  bool addJa3(std::string_view ja3, std::vector<EvidenceItem>& ev) const;
  bool addJa4(std::string_view ja4, std::vector<EvidenceItem>& ev) const;
  bool addUserAgent(std::string_view ua, std::vector<EvidenceItem>& ev) const;
  bool addPort(std::uint8_t l4proto, std::uint16_t port, std::vector<EvidenceItem>& ev) const;
  /// Appends an item for an indicator matched elsewhere (`m` from this attributor's matcher).
  bool addMatch(Field field, std::string_view value, const signatures::Match& m,
                std::vector<EvidenceItem>& ev, ItemOrigin o = {}) const;

  /// Combines the evidence in `scope` into one verdict (see docs/attribution.md). No
  /// allocation.
  Verdict decide(std::span<const EvidenceItem> ev, VerdictScope scope = VerdictScope::Client) const;

  /// Confidence of a single evidence item on its own.
  Confidence itemConfidence(const EvidenceItem& e) const;
  /// True if the item's product is web presence (corporate web site, CDN edge).
  bool isWeb(const EvidenceItem& e) const;

  const signatures::Matcher& matcher() const { return m_; }

private:
  const signatures::Matcher& m_;
};

/// True if `e` counts in `scope`.
bool inScope(const EvidenceItem& e, VerdictScope scope);

} // namespace vw::classify
