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
  kPrefix,    ///< anchored prefix (banner, HTTP header value, HTTP path, cert attribute, kv)
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

  /// One certificate O/OU value against the `cert_org` indicators only (normalised first).
  Match matchCertOrg(std::string_view orgValue) const noexcept;

  /// Legacy: a DN string against the `cert_org` indicators only: the first O/OU attribute that
  /// matches. New code uses matchCert(), which also sees `cert` indicators and their part.
  Match matchCertDn(std::string_view dn) const noexcept;

  /// Legacy: all O/OU attributes of `dn` that match a `cert_org` indicator, up to out.size().
  std::size_t matchCertDnAll(std::string_view dn, std::span<Match> out) const noexcept;

  /// A certificate DN (`C=US, O=Fortinet, OU=FortiGate, CN=FG100E`: nDPI's and the TLS parser's
  /// form, `\,` escapes inside values; OpenSSL's `/C=US/O=...` works too) that is the `part`
  /// (kSubject or kIssuer; kAny when unknown) of a certificate. Writes every matching `cert` and
  /// `cert_org` indicator (each once; a `cert` needs all its attributes in this DN, compared
  /// after normaliseCertOrg(); its `part` must fit) to `out`, up to out.size(), and returns the
  /// number written: exact matches in DN attribute order first, then prefix matches.
  std::size_t matchCert(CertPart part, std::string_view dn, std::span<Match> out) const noexcept;

  /// The first bytes one endpoint sent before the other spoke (server-first banner), or an SSH
  /// identification line from either side. `serverPort` is the flow's server port (indicators
  /// with `ports` only match on those). The longest matching banner wins.
  Match matchBanner(std::span<const std::uint8_t> firstBytes,
                    std::uint16_t serverPort) const noexcept;

  /// One HTTP header of a response (or request) head: name case-insensitive, value a
  /// case-insensitive prefix; the longest matching value wins. Names > 64 chars never match.
  Match matchHttpHeader(HttpDirection dir, std::string_view name,
                        std::string_view value) const noexcept;

  /// The request path (request target without query): case-sensitive prefix, longest wins.
  Match matchHttpPath(std::string_view path) const noexcept;

  /// CEF/LEEF header device vendor and product (case-insensitive, exact); an indicator with
  /// product `*` matches any product of that vendor, an exact product wins over it.
  Match matchSyslogProduct(SyslogFormat format, std::string_view deviceVendor,
                           std::string_view deviceProduct) const noexcept;

  /// The key=value fields of a syslog message: a `kv` indicator matches when each of its terms
  /// finds a field with that key (exact) whose value starts with the term's prefix. The one
  /// with the most terms wins.
  Match matchSyslogFields(std::span<const KeyValue> fields) const noexcept;

  /// An nDPI protocol name as ndpiReader prints it (case-insensitive). The indicator's
  /// `instance` says which endpoint runs the product.
  Match matchDpi(std::string_view protocolName) const noexcept;

  Match matchJa3(std::string_view ja3) const noexcept;
  Match matchJa4(std::string_view ja4) const noexcept;

  /// HTTP User-Agent: the longest indicator contained in it (case-insensitive).
  Match matchUserAgent(std::string_view userAgent) const noexcept;

  /// Distinctive port. Weak evidence: callers only count it together with other evidence.
  Match matchPort(Transport transport, std::uint16_t port) const noexcept;

  /// Control path: human-readable lines explaining what `query` matches and why (or why not).
  /// `query` is a domain name or an IP address, or one of the prefixed forms "ua:<agent>",
  /// "dn:<subject>", "org:<O value>", "ja3:<hash>", "ja4:<fp>", "tcp/<port>", "udp/<port>",
  /// "banner:<bytes, \xNN escapes>", "header:<Name>: <value>" (response),
  /// "request-header:<Name>: <value>", "path:/<path>", "cert:<DN>", "cert-subject:<DN>",
  /// "cert-issuer:<DN>", "cef:<Vendor>|<Product>", "leef:<Vendor>|<Product>",
  /// "kv:<key=value ...>", "dpi:<nDPI protocol>".
  std::vector<std::string> explain(std::string_view query) const;

  /// "crowdstrike/falcon-sensor (edr-telemetry)", for messages.
  std::string describe(const Indicator& ind) const;

private:
  struct Impl;
  std::shared_ptr<const SignatureSet> set_;
  std::unique_ptr<const Impl> impl_;
};

} // namespace vw::signatures
