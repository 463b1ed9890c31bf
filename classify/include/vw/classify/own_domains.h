#pragma once
/// @file own_domains.h
/// The organisation's own domains (--own-domains): a DNS answer that puts an own name into a
/// vendor's edge network (a CNAME to *.incapdns.net, an address in the vendor's WAF/CDN range)
/// is evidence that the organisation's site runs behind that vendor (docs/attribution.md,
/// "Own sites behind a vendor's edge").

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vw::classify {

class OwnDomains {
public:
  /// Bound of the list (it is configuration, not packet data; the bound keeps the per-response
  /// test cheap).
  static constexpr std::size_t kMaxDomains = 256;

  /// Adds each entry of `entries`; an entry is one domain or several separated by commas
  /// (`--own-domains a.com,b.org --own-domains c.net`). A domain is normalised (lowercase, one
  /// trailing dot dropped) and must be a DNS name: labels of letters, digits, '-' and '_', 1-63
  /// bytes, not starting or ending with '-', at most 253 bytes in all, not all-numeric in its
  /// last label (an address is no domain); no wildcard (a domain covers its subdomains).
  /// Duplicates are dropped. On error returns false with `err` naming the bad element.
  static bool parse(std::span<const std::string> entries, OwnDomains& out, std::string& err);

  /// True if `name` (lowercase, no trailing dot: the DNS parser's form) is an own domain or a
  /// name under one. No allocation.
  bool contains(std::string_view name) const noexcept;

  bool empty() const { return domains_.empty(); }
  const std::vector<std::string>& domains() const { return domains_; }

private:
  std::vector<std::string> domains_;
};

} // namespace vw::classify
