// Normalisation and parsing helpers shared by the loader (control path) and the matcher (data
// path). Functions taking an output span never allocate and never throw.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <vw/signatures/signature_set.h>

namespace vw::signatures {

/// Longest DNS name accepted (without the optional trailing dot).
inline constexpr std::size_t kMaxDomainLength = 253;
/// Longest DNS label.
inline constexpr std::size_t kMaxLabelLength = 63;
/// Longest certificate O/OU value the matcher normalises (longer values never match).
inline constexpr std::size_t kMaxCertOrgLength = 256;

/// Validates and normalises an indicator-grade DNS name: ASCII letters (any case), digits and
/// '-' only; labels 1..63 characters, not starting or ending with '-'; total <= 253; one
/// trailing dot is dropped; no leading dot, no spaces, no empty labels. If `allowWildcard`,
/// '*' is also accepted inside labels (pattern indicators). Returns the lowercase name, or
/// nullopt with a human-readable reason in `*error` (when given).
std::optional<std::string> normaliseDomain(std::string_view name, std::string* error = nullptr,
                                           bool allowWildcard = false);

/// Normalises a certificate organisation value: ASCII letters/digits are lowercased, every run
/// of other ASCII characters (punctuation, whitespace, backslash escapes) becomes one space,
/// leading/trailing separators are dropped, bytes >= 0x80 are kept as they are.
/// "CrowdStrike, Inc." and "Crowdstrike Inc" both give "crowdstrike inc".
std::string normaliseCertOrg(std::string_view value);

/// Allocation-free variant of normaliseCertOrg(): writes into `out` and returns the length,
/// or nullopt if the result does not fit.
std::optional<std::size_t> normaliseCertOrgInto(std::string_view value,
                                                std::span<char> out) noexcept;

/// Parses "a.b.c.d", "a.b.c.d/len", an IPv6 address or "v6/len". With `strictHostBits` a
/// network with host bits set is rejected (error says which network was meant); without it
/// the host bits are cleared. Returns nullopt with a reason in `*error` on failure.
std::optional<Cidr> parseCidr(std::string_view text, std::string* error = nullptr,
                              bool strictHostBits = true);

/// Canonical text of a network: "193.149.136.0/24", "2a02:e980::/29".
std::string formatCidr(const Cidr& c);

/// Formats a 4- or 16-byte address as text ("" for other sizes).
std::string formatIp(std::span<const std::uint8_t> addr);

/// One attribute of a distinguished name, as views into the DN string. `value` is raw: RFC 4514
/// escapes ("\,") are left in place (normaliseCertOrg treats them as separators).
struct DnAttribute {
  std::string_view type;
  std::string_view value;
};

/// Iterates the attributes of a certificate subject/issuer string without allocating.
/// Understands nDPI / RFC 4514-style "C=US, O=CrowdStrike, Inc., CN=x" (a comma only separates
/// attributes when it is followed by a known attribute type and '='; commas inside values are
/// kept), OpenSSL's "/C=US/O=CrowdStrike, Inc./CN=x" and "C = US, O = ..." spacing.
class DnReader {
public:
  explicit DnReader(std::string_view dn) noexcept;
  /// Stores the next attribute in `out`; false at the end (or on input that is not a DN).
  bool next(DnAttribute& out) noexcept;

private:
  std::string_view dn_;
  std::size_t pos_ = 0;
  char sep_ = ',';
};

/// True for the O / organizationName and OU / organizationalUnitName attribute types.
bool isOrgAttribute(std::string_view type) noexcept;

/// The `cert` attribute type of a DN attribute type: CN / commonName, O / organizationName,
/// OU / organizationalUnitName (any case, or the dotted OID); nullopt for every other type.
std::optional<CertAttr> certAttrOf(std::string_view type) noexcept;

} // namespace vw::signatures
