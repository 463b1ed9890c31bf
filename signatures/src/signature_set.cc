#include <array>
#include <utility>

#include <vw/signatures/signature_set.h>

namespace vw::signatures {
namespace {

template <typename E, std::size_t N>
std::optional<E> lookup(const std::array<std::pair<std::string_view, E>, N>& table,
                        std::string_view s) noexcept {
  for (const auto& [name, value] : table)
    if (name == s)
      return value;
  return std::nullopt;
}

template <typename E, std::size_t N>
std::string_view name(const std::array<std::pair<std::string_view, E>, N>& table, E v) noexcept {
  for (const auto& [n, value] : table)
    if (value == v)
      return n;
  return "?";
}

constexpr std::array<std::pair<std::string_view, VendorStatus>, 3> kStatus{{
    {"banned", VendorStatus::kBanned},
    {"allowed", VendorStatus::kAllowed},
    {"watch", VendorStatus::kWatch},
}};

constexpr std::array<std::pair<std::string_view, Confidence>, 3> kConfidence{{
    {"high", Confidence::kHigh},
    {"medium", Confidence::kMedium},
    {"low", Confidence::kLow},
}};

constexpr std::array<std::pair<std::string_view, IndicatorKind>, 13> kKind{{
    {"domain", IndicatorKind::kDomain},
    {"cert_org", IndicatorKind::kCertOrg},
    {"cidr", IndicatorKind::kCidr},
    {"ja3", IndicatorKind::kJa3},
    {"ja4", IndicatorKind::kJa4},
    {"http_user_agent", IndicatorKind::kHttpUserAgent},
    {"port", IndicatorKind::kPort},
    {"banner", IndicatorKind::kBanner},
    {"http_header", IndicatorKind::kHttpHeader},
    {"http_path", IndicatorKind::kHttpPath},
    {"cert", IndicatorKind::kCert},
    {"syslog", IndicatorKind::kSyslog},
    {"dpi", IndicatorKind::kDpi},
}};

constexpr std::array<std::pair<std::string_view, HttpDirection>, 2> kDirection{{
    {"response", HttpDirection::kResponse},
    {"request", HttpDirection::kRequest},
}};

constexpr std::array<std::pair<std::string_view, CertPart>, 3> kPart{{
    {"subject", CertPart::kSubject},
    {"issuer", CertPart::kIssuer},
    {"any", CertPart::kAny},
}};

constexpr std::array<std::pair<std::string_view, SyslogFormat>, 3> kSyslogFormat{{
    {"cef", SyslogFormat::kCef},
    {"leef", SyslogFormat::kLeef},
    {"kv", SyslogFormat::kKv},
}};

constexpr std::array<std::pair<std::string_view, ValueMatch>, 2> kValueMatch{{
    {"exact", ValueMatch::kExact},
    {"prefix", ValueMatch::kPrefix},
}};

constexpr std::array<std::pair<std::string_view, DpiInstance>, 3> kInstance{{
    {"initiator", DpiInstance::kInitiator},
    {"responder", DpiInstance::kResponder},
    {"both", DpiInstance::kBoth},
}};

constexpr std::array<std::pair<std::string_view, CertAttr>, 4> kCertAttr{{
    {"CN", CertAttr::kCn},
    {"O", CertAttr::kO},
    {"OU", CertAttr::kOu},
    {"O|OU", CertAttr::kOrgAny},
}};

constexpr std::array<std::pair<std::string_view, DomainMatch>, 3> kMatch{{
    {"exact", DomainMatch::kExact},
    {"suffix", DomainMatch::kSuffix},
    {"pattern", DomainMatch::kPattern},
}};

constexpr std::array<std::pair<std::string_view, Transport>, 2> kTransport{{
    {"tcp", Transport::kTcp},
    {"udp", Transport::kUdp},
}};

constexpr std::array<std::pair<std::string_view, Role>, 25> kRole{{
    {"edr-telemetry", Role::kEdrTelemetry},
    {"update", Role::kUpdate},
    {"management-console", Role::kManagementConsole},
    {"api", Role::kApi},
    {"sase-tunnel", Role::kSaseTunnel},
    {"vpn", Role::kVpn},
    {"threat-intel-api", Role::kThreatIntelApi},
    {"reputation", Role::kReputation},
    {"sandbox", Role::kSandbox},
    {"cdn-edge", Role::kCdnEdge},
    {"log-ingest", Role::kLogIngest},
    {"identity", Role::kIdentity},
    {"privileged-access", Role::kPrivilegedAccess},
    {"device-management", Role::kDeviceManagement},
    {"remote-support", Role::kRemoteSupport},
    {"cloud-security", Role::kCloudSecurity},
    {"ot-security", Role::kOtSecurity},
    {"email-security", Role::kEmailSecurity},
    {"secure-browser", Role::kSecureBrowser},
    {"phone-home", Role::kPhoneHome},
    {"corporate-web", Role::kCorporateWeb},
    {"interception-ca", Role::kInterceptionCa},
    {"virtualization", Role::kVirtualization},
    {"network-security", Role::kNetworkSecurity},
    {"vendor-cloud", Role::kVendorCloud},
}};

} // namespace

std::string_view toString(VendorStatus v) noexcept {
  return name(kStatus, v);
}
std::string_view toString(Confidence v) noexcept {
  return name(kConfidence, v);
}
std::string_view toString(IndicatorKind v) noexcept {
  return name(kKind, v);
}
std::string_view toString(DomainMatch v) noexcept {
  return name(kMatch, v);
}
std::string_view toString(Transport v) noexcept {
  return name(kTransport, v);
}
std::string_view toString(Role v) noexcept {
  return name(kRole, v);
}

std::string_view toString(HttpDirection v) noexcept {
  return name(kDirection, v);
}
std::string_view toString(CertPart v) noexcept {
  return name(kPart, v);
}
std::string_view toString(SyslogFormat v) noexcept {
  return name(kSyslogFormat, v);
}
std::string_view toString(ValueMatch v) noexcept {
  return name(kValueMatch, v);
}
std::string_view toString(DpiInstance v) noexcept {
  return name(kInstance, v);
}
std::string_view toString(CertAttr v) noexcept {
  return name(kCertAttr, v);
}

std::optional<VendorStatus> parseVendorStatus(std::string_view s) noexcept {
  return lookup(kStatus, s);
}
std::optional<Confidence> parseConfidence(std::string_view s) noexcept {
  return lookup(kConfidence, s);
}
std::optional<IndicatorKind> parseIndicatorKind(std::string_view s) noexcept {
  return lookup(kKind, s);
}
std::optional<DomainMatch> parseDomainMatch(std::string_view s) noexcept {
  return lookup(kMatch, s);
}
std::optional<Transport> parseTransport(std::string_view s) noexcept {
  return lookup(kTransport, s);
}
std::optional<Role> parseRole(std::string_view s) noexcept {
  return lookup(kRole, s);
}

std::optional<HttpDirection> parseHttpDirection(std::string_view s) noexcept {
  return lookup(kDirection, s);
}
std::optional<CertPart> parseCertPart(std::string_view s) noexcept {
  return lookup(kPart, s);
}
std::optional<SyslogFormat> parseSyslogFormat(std::string_view s) noexcept {
  return lookup(kSyslogFormat, s);
}
std::optional<ValueMatch> parseValueMatch(std::string_view s) noexcept {
  return lookup(kValueMatch, s);
}
std::optional<DpiInstance> parseDpiInstance(std::string_view s) noexcept {
  return lookup(kInstance, s);
}

const std::vector<std::string_view>& allRoleNames() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> v;
    v.reserve(std::size(kRole));
    for (const auto& [n, r] : kRole)
      v.push_back(n);
    return v;
  }();
  return names;
}

bool isValidVendorId(std::string_view id) noexcept {
  if (id.empty() || id.size() > kMaxVendorIdLength)
    return false;
  const auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(id.front()))
    return false;
  for (char c : id)
    if (!alnum(c) && c != '-')
      return false;
  return true;
}

const Vendor* SignatureSet::findVendor(std::string_view id) const noexcept {
  for (const auto& v : vendors_)
    if (v.id == id)
      return &v;
  return nullptr;
}

} // namespace vw::signatures
