// The immutable vendor signature database: vendors, products and indicators as loaded and
// validated by loadSignatureDir() (loader.h). A SignatureSet is never modified after the loader
// has built it; it is shared as std::shared_ptr<const SignatureSet> and may be read from any
// number of threads concurrently.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vw::signatures {

/// Vendor ids are data: any `[a-z0-9][a-z0-9-]{0,31}` file stem (`<id>.toml`) whose `[vendor] id`
/// equals it. The manifest `_set.toml` may list the required ones (`required_vendors`); the
/// shipped set requires its 16 seed vendors that way.
inline constexpr std::size_t kMaxVendorIdLength = 32;

/// True for a valid vendor id: `[a-z0-9][a-z0-9-]{0,31}`.
bool isValidVendorId(std::string_view id) noexcept;

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
  kBanner,        ///< first bytes a server sent before the client spoke, or an SSH version line
  kHttpHeader,    ///< named HTTP header (response by default), case-insensitive value prefix
  kHttpPath,      ///< HTTP request path prefix (case-sensitive)
  kCert,          ///< certificate subject/issuer: one or more CN/O/OU attributes, all present
  kSyslog,        ///< clear-text syslog: CEF/LEEF device vendor|product, or key=value terms
  kDpi,           ///< an nDPI protocol name that names a product (VMware, CPHA, FortiClient)
};

/// Which HTTP head an `http_header` indicator is matched against.
enum class HttpDirection : std::uint8_t { kResponse, kRequest };

/// Which certificate DN a `cert` indicator applies to (kAny: either). As a matcher argument it
/// says which DN is being passed.
enum class CertPart : std::uint8_t { kSubject, kIssuer, kAny };

/// Syslog payload format of a `syslog` indicator.
enum class SyslogFormat : std::uint8_t { kCef, kLeef, kKv };

/// How a banner or a certificate attribute value matches.
enum class ValueMatch : std::uint8_t { kExact, kPrefix };

/// Which endpoint of a flow an nDPI protocol says runs the product (`dpi` indicators).
enum class DpiInstance : std::uint8_t { kInitiator, kResponder, kBoth };

/// Certificate attribute types a `cert` indicator can name. kOrgAny is the `cert_org` alias: the
/// value may be an O or an OU attribute.
enum class CertAttr : std::uint8_t { kCn, kO, kOu, kOrgAny };

/// One key/value field of a syslog message (views into the caller's buffer).
struct KeyValue {
  std::string_view key;
  std::string_view value;
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
  kInterceptionCa,    ///< a vendor's TLS-interception CA: an inspection finding, never per host
  kVirtualization,    ///< hypervisor / virtualization management (ESXi, vCenter, Horizon)
  kNetworkSecurity,   ///< on-prem firewall / NGFW / gateway appliance and its management
  kVendorCloud,       ///< the vendor's service cloud when the product cannot be told apart
};

std::string_view toString(VendorStatus v) noexcept;
std::string_view toString(Confidence v) noexcept;
std::string_view toString(IndicatorKind v) noexcept;
std::string_view toString(DomainMatch v) noexcept;
std::string_view toString(Transport v) noexcept;
std::string_view toString(Role v) noexcept;
std::string_view toString(HttpDirection v) noexcept;
std::string_view toString(CertPart v) noexcept;
std::string_view toString(SyslogFormat v) noexcept;
std::string_view toString(ValueMatch v) noexcept;
std::string_view toString(DpiInstance v) noexcept;
std::string_view toString(CertAttr v) noexcept;

std::optional<VendorStatus> parseVendorStatus(std::string_view s) noexcept;
std::optional<Confidence> parseConfidence(std::string_view s) noexcept;
std::optional<IndicatorKind> parseIndicatorKind(std::string_view s) noexcept;
std::optional<DomainMatch> parseDomainMatch(std::string_view s) noexcept;
std::optional<Transport> parseTransport(std::string_view s) noexcept;
std::optional<Role> parseRole(std::string_view s) noexcept;
std::optional<HttpDirection> parseHttpDirection(std::string_view s) noexcept;
std::optional<CertPart> parseCertPart(std::string_view s) noexcept;
std::optional<SyslogFormat> parseSyslogFormat(std::string_view s) noexcept;
std::optional<ValueMatch> parseValueMatch(std::string_view s) noexcept;
std::optional<DpiInstance> parseDpiInstance(std::string_view s) noexcept;

/// Web presence: the vendor's public web sites (`corporate-web`) and sites merely served
/// through its CDN (`cdn-edge`). Never product usage on its own.
constexpr bool isWebPresence(Role r) noexcept {
  return r == Role::kCorporateWeb || r == Role::kCdnEdge;
}

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

/// One attribute condition of a `cert` indicator: type and normaliseCertOrg()'d value.
struct CertRdn {
  CertAttr type = CertAttr::kO;
  std::string value;
};

/// One `key=prefix` term of a syslog `kv` indicator (key exact, value prefix, case-sensitive).
struct KvTerm {
  std::string key;
  std::string prefix;
};

struct Vendor {
  std::string id;      ///< `[a-z0-9][a-z0-9-]{0,31}`; equals the file stem
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
  /// Normalised value, the identity used for duplicate detection (with the kind-specific keys
  /// below) and display: domain: lowercase without trailing dot; cert_org: normaliseCertOrg();
  /// cidr: canonical "net/len"; ja3/ja4/http_user_agent: lowercase; port: "tcp/1337";
  /// banner: the bytes with non-printables as \xNN; http_header: "name: value" lowercase;
  /// http_path: as written; cert: "OU=fortigate, O=fortinet" (values normalised); syslog:
  /// "cef:cyber-ark|vault", "leef:...", "kv:devid=FG ..."; dpi: the nDPI name as written.
  std::string value;
  std::string raw;                         ///< the value as written in the file
  DomainMatch match = DomainMatch::kExact; ///< domain only
  Cidr cidr;                               ///< cidr only
  std::uint16_t port = 0;                  ///< port only
  Transport transport = Transport::kTcp;   ///< port only
  // banner
  std::string bytes;                          ///< decoded banner bytes
  ValueMatch valueMatch = ValueMatch::kExact; ///< banner (default prefix), cert (default exact)
  std::vector<std::uint16_t> ports;           ///< banner: server ports it is limited to (sorted)
  // http_header
  std::string header; ///< lowercase header name
  HttpDirection direction = HttpDirection::kResponse;
  std::string headerValue; ///< lowercase value prefix
  // cert and cert_org (cert_org = one kOrgAny attribute, exact, any part)
  CertPart part = CertPart::kAny;
  std::vector<CertRdn> rdns;
  // syslog
  SyslogFormat syslogFormat = SyslogFormat::kCef;
  std::string deviceVendor;  ///< cef/leef: lowercase, unescaped
  std::string deviceProduct; ///< cef/leef: lowercase, unescaped; "*" = any product
  std::vector<KvTerm> kvTerms;
  // dpi
  DpiInstance instance = DpiInstance::kBoth;
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
  std::string version;                      ///< e.g. "2026.11.22"
  std::vector<std::string> requiredVendors; ///< manifest `required_vendors`, in its order
  std::string date;                         ///< YYYY-MM-DD
  std::string description;                  ///< optional free text
  std::string directory; ///< the directory the set was loaded from ("" for in-memory)
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
