// Immutable matcher over a SignatureSet (data path). Built once; every match call is const,
// noexcept, allocation-free and safe to call from many threads at once. Results point into the
// SignatureSet, which the Matcher keeps alive.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <vw/signatures/signature_set.h>

namespace vw::signatures {

/// How an indicator matched.
enum class MatchHow : std::uint8_t {
  kExact,     ///< whole value equal (exact domain, cert org, JA3/JA4, port)
  kSuffix,    ///< domain suffix at a label boundary
  kPattern,   ///< domain pattern
  kLpm,       ///< longest-prefix CIDR match
  kSubstring, ///< user-agent substring
};
std::string_view toString(MatchHow h) noexcept;

/// A match result: the indicator (nullptr = no match) and how it matched.
struct Match {
  const Indicator* indicator = nullptr;
  MatchHow how = MatchHow::kExact;
  explicit operator bool() const noexcept { return indicator != nullptr; }
};

class Matcher {
public:
  /// Builds the lookup structures. `set` must not be null.
  explicit Matcher(std::shared_ptr<const SignatureSet> set);
  ~Matcher();
  Matcher(const Matcher&) = delete;
  Matcher& operator=(const Matcher&) = delete;

  const SignatureSet& set() const noexcept { return *set_; }
  const std::shared_ptr<const SignatureSet>& sharedSet() const noexcept { return set_; }

  /// Domain name (SNI, DNS qname, HTTP Host without port, certificate CN): case-insensitive,
  /// one trailing dot tolerated, the most specific indicator wins (exact > pattern > longest
  /// suffix). Malformed names (empty labels, > 253 chars) never match.
  Match matchDomain(std::string_view name) const noexcept;

  /// IPv4 (4 bytes) or IPv6 (16 bytes) address; IPv4-mapped IPv6 (::ffff:a.b.c.d) is looked up
  /// as IPv4. Longest prefix wins. Any other size never matches.
  Match matchIp(std::span<const std::uint8_t> addr) const noexcept;

  /// One certificate O/OU value (normalised before comparison).
  Match matchCertOrg(std::string_view orgValue) const noexcept;

  /// A subject/issuer DN string: the first O/OU attribute that matches.
  Match matchCertDn(std::string_view dn) const noexcept;

  /// All O/OU attributes of `dn` that match, up to out.size(); returns the number written.
  std::size_t matchCertDnAll(std::string_view dn, std::span<Match> out) const noexcept;

  Match matchJa3(std::string_view ja3) const noexcept;
  Match matchJa4(std::string_view ja4) const noexcept;

  /// HTTP User-Agent: the longest indicator contained in it (case-insensitive).
  Match matchUserAgent(std::string_view userAgent) const noexcept;

  /// Distinctive port. Weak evidence: callers only count it together with other evidence.
  Match matchPort(Transport transport, std::uint16_t port) const noexcept;

  /// Control path: human-readable lines explaining what `query` matches and why (or why not).
  /// `query` is a domain name or an IP address, or one of the prefixed forms "ua:<agent>",
  /// "dn:<subject>", "org:<O value>", "ja3:<hash>", "ja4:<fp>", "tcp/<port>", "udp/<port>".
  std::vector<std::string> explain(std::string_view query) const;

  /// "crowdstrike/falcon-sensor (edr-telemetry)", for messages.
  std::string describe(const Indicator& ind) const;

private:
  struct Impl;
  std::shared_ptr<const SignatureSet> set_;
  std::unique_ptr<const Impl> impl_;
};

} // namespace vw::signatures
