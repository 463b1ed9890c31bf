// The immutable vendor signature database: vendors, products and indicators as loaded and
// validated by loadSignatureDir() (loader.h). A SignatureSet is never modified after the loader
// has built it; it is shared as std::shared_ptr<const SignatureSet> and may be read from any
// number of threads concurrently.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vw::signatures {

/// The 16 vendor ids a signature set may contain (one TOML file per id, `<id>.toml`).
inline constexpr std::array<std::string_view, 16> kVendorIds = {
    "vmware",   "paloalto", "fortinet",       "crowdstrike", "sentinelone", "mcafee",
    "mandiant", "wiz",      "recordedfuture", "claroty",     "rapid7",      "checkpoint",
    "cyberark", "orca",     "cato",           "imperva"};

/// Policy status of a vendor. All 16 seed vendors ship as `banned`.
enum class VendorStatus : std::uint8_t { kBanned, kAllowed, kWatch };

/// How much an indicator is trusted on its own (see signatures/README.md).
enum class Confidence : std::uint8_t { kHigh, kMedium, kLow };

/// What an indicator value is matched against.
enum class IndicatorKind : std::uint8_t {
  kDomain,        ///< DNS name (SNI, DNS qname, HTTP Host, certificate CN/SAN)
  kCertOrg,       ///< certificate subject/issuer O= or OU= value (normalised)
  kCidr,          ///< IPv4 or IPv6 prefix
  kJa3,           ///< JA3 client fingerprint (32 lowercase hex digits)
  kJa4,           ///< JA4 client fingerprint
  kHttpUserAgent, ///< case-insensitive substring of the HTTP User-Agent
  kPort,          ///< distinctive transport port (weak evidence, reported only)
};

/// How a domain indicator matches.
enum class DomainMatch : std::uint8_t {
  kExact,   ///< the whole name equals the value
  kSuffix,  ///< the name equals the value or ends with "." + value (label boundary)
  kPattern, ///< whole-name glob: `*` stands for one or more characters inside one label
};

/// Transport protocol of a port indicator.
enum class Transport : std::uint8_t { kTcp, kUdp };

/// What a product does on the network (fixed list, documented in signatures/README.md).
enum class Role : std::uint8_t {
  kEdrTelemetry,      ///< endpoint agent <-> vendor cloud (EDR/EPP/XDR/vulnerability agent)
  kUpdate,            ///< signature/content/software updates, installers, package repos
  kManagementConsole, ///< admin console / tenant portal / appliance management
  kApi,               ///< management or integration REST/GraphQL API
  kSaseTunnel,        ///< SASE / SD-WAN / ZTNA tunnels and their control plane
  kVpn,               ///< remote-access or site-to-site VPN
  kThreatIntelApi,    ///< threat-intelligence feeds and lookups by analysts/integrations
  kReputation,        ///< inline reputation/rating lookups made by deployed products
  kSandbox,           ///< file submission / detonation service
  kCdnEdge,           ///< reverse proxy / CDN fronting third-party web sites (weak alone)
  kLogIngest,         ///< log / SIEM / data-lake ingestion
  kIdentity,          ///< identity provider, SSO, MFA
  kPrivilegedAccess,  ///< PAM vaults, privilege elevation agents
  kDeviceManagement,  ///< MDM / UEM device management
  kRemoteSupport,     ///< remote assistance sessions
  kCloudSecurity,     ///< CNAPP / CSPM platform and its scanners/sensors
  kOtSecurity,        ///< OT / IoT / IoMT security platform
  kEmailSecurity,     ///< mail filtering, anti-spam relays
  kSecureBrowser,     ///< enterprise browser
  kPhoneHome,         ///< product telemetry / CEIP / licensing phone-home
  kCorporateWeb,      ///< vendor web site, support portal, docs (weak: people browse them)
};

std::string_view toString(VendorStatus v) noexcept;
std::string_view toString(Confidence v) noexcept;
std::string_view toString(IndicatorKind v) noexcept;
std::string_view toString(DomainMatch v) noexcept;
std::string_view toString(Transport v) noexcept;
std::string_view toString(Role v) noexcept;

std::optional<VendorStatus> parseVendorStatus(std::string_view s) noexcept;
std::optional<Confidence> parseConfidence(std::string_view s) noexcept;
std::optional<IndicatorKind> parseIndicatorKind(std::string_view s) noexcept;
std::optional<DomainMatch> parseDomainMatch(std::string_view s) noexcept;
std::optional<Transport> parseTransport(std::string_view s) noexcept;
std::optional<Role> parseRole(std::string_view s) noexcept;

/// All valid role names, in declaration order (for documentation and error messages).
const std::vector<std::string_view>& allRoleNames();

/// Where something was defined: the file (as given to the loader) and 1-based line.
struct SourceRef {
  std::string file;
  std::uint32_t line = 0;
};

/// An IPv4 or IPv6 network. IPv4 uses the first 4 bytes of `addr`; host bits are zero.
struct Cidr {
  std::array<std::uint8_t, 16> addr{};
  std::uint8_t prefixLen = 0;
  bool v6 = false;
};

struct Vendor {
  std::string id;      ///< one of kVendorIds; equals the file stem
  std::string name;    ///< display name, e.g. "CrowdStrike"
  std::string country; ///< ISO 3166-1 alpha-2 of the headquarters, e.g. "US", "IL"
  std::string parent;  ///< owning company, e.g. "Broadcom Inc."
  VendorStatus status = VendorStatus::kBanned;
  std::string note;
  std::vector<std::uint32_t> products;   ///< indices into SignatureSet::products()
  std::vector<std::uint32_t> indicators; ///< indices into SignatureSet::indicators()
  SourceRef where;
};

struct Product {
  std::string id;   ///< unique within the vendor, [a-z0-9-]
  std::string name; ///< display name
  Role role = Role::kCorporateWeb;
  std::vector<std::string> brands; ///< acquired/legacy brand names, e.g. {"Humio"}
  std::string note;
  std::uint32_t vendor = 0; ///< index into SignatureSet::vendors()
  SourceRef where;
};

struct Indicator {
  IndicatorKind kind = IndicatorKind::kDomain;
  /// Normalised value, the identity used for duplicate detection and display:
  /// domain: lowercase without trailing dot; cert_org: normaliseCertOrg(); cidr: canonical
  /// "net/len"; ja3/ja4/http_user_agent: lowercase; port: "tcp/1337".
  std::string value;
  std::string raw;                         ///< the value as written in the file
  DomainMatch match = DomainMatch::kExact; ///< domain only
  Cidr cidr;                               ///< cidr only
  std::uint16_t port = 0;                  ///< port only
  Transport transport = Transport::kTcp;   ///< port only
  Confidence confidence = Confidence::kLow;
  std::string sourceUrl;  ///< http(s) URL where the value was found
  std::string sourceDate; ///< YYYY-MM-DD the source was read/published
  std::string note;
  std::uint32_t vendor = 0;  ///< index into SignatureSet::vendors()
  std::uint32_t product = 0; ///< index into SignatureSet::products()
  SourceRef where;
};

/// Provenance of the set, from the manifest `_set.toml`.
struct SetInfo {
  std::string version;     ///< e.g. "2026.11.22"
  std::string date;        ///< YYYY-MM-DD
  std::string description; ///< optional free text
  std::string directory;   ///< the directory the set was loaded from ("" for in-memory)
};

/// The validated, immutable signature database. Built only by the loader; all accessors are
/// const and safe for concurrent readers. References returned stay valid for the lifetime of
/// the SignatureSet.
class SignatureSet {
public:
  SignatureSet(SetInfo info, std::vector<Vendor> vendors, std::vector<Product> products,
               std::vector<Indicator> indicators)
      : info_(std::move(info)), vendors_(std::move(vendors)), products_(std::move(products)),
        indicators_(std::move(indicators)) {}

  const SetInfo& info() const noexcept { return info_; }
  const std::vector<Vendor>& vendors() const noexcept { return vendors_; }
  const std::vector<Product>& products() const noexcept { return products_; }
  const std::vector<Indicator>& indicators() const noexcept { return indicators_; }

  const Vendor& vendorOf(const Indicator& i) const noexcept { return vendors_[i.vendor]; }
  const Product& productOf(const Indicator& i) const noexcept { return products_[i.product]; }
  const Vendor& vendorOf(const Product& p) const noexcept { return vendors_[p.vendor]; }

  /// The vendor with this id, or nullptr.
  const Vendor* findVendor(std::string_view id) const noexcept;

private:
  SetInfo info_;
  std::vector<Vendor> vendors_;
  std::vector<Product> products_;
  std::vector<Indicator> indicators_;
};

} // namespace vw::signatures
