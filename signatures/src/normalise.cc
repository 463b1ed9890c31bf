#include <arpa/inet.h>
#include <array>
#include <cstdio>
#include <cstring>
#include <utility>

#include <vw/signatures/normalise.h>

namespace vw::signatures {
namespace {

constexpr char lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
constexpr bool isAlnum(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
constexpr bool isSpace(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i]))
      return false;
  return true;
}

std::string printable(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x21 && u < 0x7f)
    return std::string("'") + c + "'";
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", u);
  return buf;
}

void setError(std::string* error, std::string msg) {
  if (error)
    *error = std::move(msg);
}

// Attribute types (upper case) that start a new attribute in a DN string.
constexpr std::array<std::string_view, 52> kDnTypes = {
    "C",
    "CN",
    "O",
    "OU",
    "L",
    "ST",
    "S",
    "SP",
    "STREET",
    "DC",
    "UID",
    "SN",
    "GN",
    "G",
    "T",
    "TITLE",
    "E",
    "EMAIL",
    "EMAILADDRESS",
    "SERIALNUMBER",
    "POSTALCODE",
    "BUSINESSCATEGORY",
    "JURISDICTIONC",
    "JURISDICTIONST",
    "JURISDICTIONL",
    "JURISDICTIONCOUNTRYNAME",
    "JURISDICTIONSTATEORPROVINCENAME",
    "JURISDICTIONLOCALITYNAME",
    "ORGANIZATIONIDENTIFIER",
    "NAME",
    "INITIALS",
    "PSEUDONYM",
    "GENERATIONQUALIFIER",
    "DNQUALIFIER",
    "DESCRIPTION",
    "COUNTRYNAME",
    "COMMONNAME",
    "ORGANIZATIONNAME",
    "ORGANIZATIONALUNITNAME",
    "LOCALITYNAME",
    "STATEORPROVINCENAME",
    "STREETADDRESS",
    "DOMAINCOMPONENT",
    "USERID",
    "SURNAME",
    "GIVENNAME",
    "UNSTRUCTUREDNAME",
    "UNSTRUCTUREDADDRESS",
    "POSTALADDRESS",
    "POSTOFFICEBOX",
    "TELEPHONENUMBER",
    "URL",
};

bool isKnownDnType(std::string_view t) noexcept {
  if (t.empty())
    return false;
  if (t[0] >= '0' && t[0] <= '9') { // dotted OID
    for (char c : t)
      if (!((c >= '0' && c <= '9') || c == '.'))
        return false;
    return t.find('.') != std::string_view::npos;
  }
  for (auto k : kDnTypes)
    if (iequals(t, k))
      return true;
  return false;
}

constexpr bool isTypeChar(char c) noexcept {
  return isAlnum(c) || c == '.' || c == '-';
}

} // namespace

std::optional<std::string> normaliseDomain(std::string_view name, std::string* error,
                                           bool allowWildcard) {
  if (name.empty()) {
    setError(error, "empty domain name");
    return std::nullopt;
  }
  for (char c : name) {
    if (isSpace(c)) {
      setError(error, "domain name contains whitespace");
      return std::nullopt;
    }
  }
  if (name.back() == '.')
    name.remove_suffix(1);
  if (name.empty()) {
    setError(error, "domain name is only a dot");
    return std::nullopt;
  }
  if (name.front() == '.') {
    setError(error, "domain name has a leading dot");
    return std::nullopt;
  }
  if (name.back() == '.') {
    setError(error, "domain name ends with an empty label (two trailing dots)");
    return std::nullopt;
  }
  if (name.size() > kMaxDomainLength) {
    setError(error, "domain name is longer than 253 characters");
    return std::nullopt;
  }
  std::string out;
  out.reserve(name.size());
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t dot = name.find('.', start);
    if (dot == std::string_view::npos)
      dot = name.size();
    const std::string_view label = name.substr(start, dot - start);
    if (label.empty()) {
      setError(error, "domain name has an empty label ('..')");
      return std::nullopt;
    }
    if (label.size() > kMaxLabelLength) {
      setError(error,
               "label '" + std::string(label.substr(0, 20)) + "...' is longer than 63 characters");
      return std::nullopt;
    }
    for (char c : label) {
      if (isAlnum(c) || c == '-' || (allowWildcard && c == '*'))
        continue;
      if (static_cast<unsigned char>(c) >= 0x80) {
        setError(error, "non-ASCII byte in domain name (write IDNs as punycode 'xn--...')");
      } else if (c == '*') {
        setError(error, "'*' is only allowed with match = \"pattern\"");
      } else {
        setError(error, "bad character " + printable(c) + " in label '" + std::string(label) +
                            "' (only letters, digits and '-')");
      }
      return std::nullopt;
    }
    if (label.front() == '-' || label.back() == '-') {
      setError(error, "label '" + std::string(label) + "' starts or ends with '-'");
      return std::nullopt;
    }
    if (!out.empty())
      out.push_back('.');
    for (char c : label)
      out.push_back(lower(c));
    start = dot + 1;
  }
  return out;
}

std::optional<std::size_t> normaliseCertOrgInto(std::string_view value,
                                                std::span<char> out) noexcept {
  std::size_t n = 0;
  bool pendingSep = false;
  for (char c : value) {
    const bool keep = isAlnum(c) || static_cast<unsigned char>(c) >= 0x80;
    if (!keep) {
      pendingSep = true;
      continue;
    }
    if (pendingSep && n > 0) {
      if (n >= out.size())
        return std::nullopt;
      out[n++] = ' ';
    }
    pendingSep = false;
    if (n >= out.size())
      return std::nullopt;
    out[n++] = lower(c);
  }
  return n;
}

std::string normaliseCertOrg(std::string_view value) {
  std::string out(value.size() + 1, '\0');
  const auto n = normaliseCertOrgInto(value, std::span<char>(out.data(), out.size()));
  out.resize(n.value_or(0));
  return out;
}

std::optional<Cidr> parseCidr(std::string_view text, std::string* error, bool strictHostBits) {
  Cidr c;
  std::string_view addrText = text;
  std::string_view lenText;
  const auto slash = text.find('/');
  if (slash != std::string_view::npos) {
    addrText = text.substr(0, slash);
    lenText = text.substr(slash + 1);
    if (lenText.empty()) {
      setError(error, "missing prefix length after '/'");
      return std::nullopt;
    }
  }
  if (addrText.empty() || addrText.size() > 45) {
    setError(error, "bad address '" + std::string(addrText) + "'");
    return std::nullopt;
  }
  const std::string addr(addrText);
  if (addr.find(':') != std::string::npos) {
    c.v6 = true;
    if (inet_pton(AF_INET6, addr.c_str(), c.addr.data()) != 1) {
      setError(error, "bad IPv6 address '" + addr + "'");
      return std::nullopt;
    }
  } else {
    if (inet_pton(AF_INET, addr.c_str(), c.addr.data()) != 1) {
      setError(error, "bad IPv4 address '" + addr + "'");
      return std::nullopt;
    }
  }
  const unsigned maxLen = c.v6 ? 128 : 32;
  unsigned len = maxLen;
  if (!lenText.empty()) {
    if (lenText.size() > 3) {
      setError(error, "bad prefix length '" + std::string(lenText) + "'");
      return std::nullopt;
    }
    len = 0;
    for (char ch : lenText) {
      if (ch < '0' || ch > '9') {
        setError(error, "bad prefix length '" + std::string(lenText) + "'");
        return std::nullopt;
      }
      len = len * 10 + static_cast<unsigned>(ch - '0');
    }
    if (len > maxLen) {
      setError(error, "prefix length /" + std::to_string(len) + " is larger than /" +
                          std::to_string(maxLen));
      return std::nullopt;
    }
  }
  c.prefixLen = static_cast<std::uint8_t>(len);
  // Clear (or reject) host bits.
  Cidr net = c;
  const unsigned bytes = c.v6 ? 16 : 4;
  for (unsigned i = 0; i < bytes; ++i) {
    const unsigned bitStart = i * 8;
    std::uint8_t mask = 0;
    if (len >= bitStart + 8)
      mask = 0xff;
    else if (len > bitStart)
      mask = static_cast<std::uint8_t>(0xff << (8 - (len - bitStart)));
    net.addr[i] = static_cast<std::uint8_t>(c.addr[i] & mask);
  }
  if (strictHostBits && net.addr != c.addr) {
    setError(error, "host bits set in '" + std::string(text) + "' (did you mean " +
                        formatCidr(net) + "?)");
    return std::nullopt;
  }
  // An IPv4-mapped IPv6 network is stored as IPv4 so it matches IPv4 traffic.
  if (net.v6 && net.prefixLen >= 96) {
    static constexpr std::array<std::uint8_t, 12> kMapped = {0, 0, 0, 0, 0,    0,
                                                             0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(net.addr.data(), kMapped.data(), kMapped.size()) == 0) {
      Cidr v4;
      std::memcpy(v4.addr.data(), net.addr.data() + 12, 4);
      v4.prefixLen = static_cast<std::uint8_t>(net.prefixLen - 96);
      return v4;
    }
  }
  return net;
}

std::string formatIp(std::span<const std::uint8_t> addr) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (addr.size() == 4)
    inet_ntop(AF_INET, addr.data(), buf, sizeof buf);
  else if (addr.size() == 16)
    inet_ntop(AF_INET6, addr.data(), buf, sizeof buf);
  return buf;
}

std::string formatCidr(const Cidr& c) {
  return formatIp(std::span<const std::uint8_t>(c.addr.data(), c.v6 ? 16 : 4)) + "/" +
         std::to_string(c.prefixLen);
}

DnReader::DnReader(std::string_view dn) noexcept : dn_(dn) {
  while (pos_ < dn_.size() && isSpace(dn_[pos_]))
    ++pos_;
  if (pos_ < dn_.size() && dn_[pos_] == '/') {
    sep_ = '/';
    ++pos_;
  }
}

bool DnReader::next(DnAttribute& out) noexcept {
  const std::size_t n = dn_.size();
  while (pos_ < n && (isSpace(dn_[pos_]) || dn_[pos_] == sep_))
    ++pos_;
  if (pos_ >= n)
    return false;
  // Attribute type up to '='.
  const std::size_t eq = dn_.find('=', pos_);
  if (eq == std::string_view::npos) {
    pos_ = n;
    return false;
  }
  std::size_t tb = pos_;
  std::size_t te = eq;
  while (te > tb && isSpace(dn_[te - 1]))
    --te;
  for (std::size_t i = tb; i < te; ++i) {
    if (!isTypeChar(dn_[i])) {
      pos_ = n;
      return false;
    }
  }
  if (te == tb) {
    pos_ = n;
    return false;
  }
  // Value up to the next unescaped separator that starts a new "TYPE=".
  std::size_t vb = eq + 1;
  while (vb < n && isSpace(dn_[vb]))
    ++vb;
  std::size_t end = n;
  for (std::size_t i = vb; i < n; ++i) {
    if (dn_[i] != sep_)
      continue;
    std::size_t backslashes = 0;
    for (std::size_t k = i; k > vb && dn_[k - 1] == '\\'; --k)
      ++backslashes;
    if (backslashes % 2 == 1)
      continue;
    std::size_t j = i + 1;
    while (j < n && isSpace(dn_[j]))
      ++j;
    const std::size_t kb = j;
    while (j < n && isTypeChar(dn_[j]))
      ++j;
    const std::size_t ke = j;
    while (j < n && isSpace(dn_[j]))
      ++j;
    if (j < n && dn_[j] == '=' && isKnownDnType(dn_.substr(kb, ke - kb))) {
      end = i;
      break;
    }
  }
  std::size_t ve = end;
  while (ve > vb && isSpace(dn_[ve - 1]))
    --ve;
  out.type = dn_.substr(tb, te - tb);
  out.value = dn_.substr(vb, ve - vb);
  pos_ = end < n ? end + 1 : n;
  return true;
}

bool isOrgAttribute(std::string_view type) noexcept {
  return iequals(type, "O") || iequals(type, "OU") || iequals(type, "organizationName") ||
         iequals(type, "organizationalUnitName") || type == "2.5.4.10" || type == "2.5.4.11";
}

std::optional<CertAttr> certAttrOf(std::string_view type) noexcept {
  if (iequals(type, "CN") || iequals(type, "commonName") || type == "2.5.4.3")
    return CertAttr::kCn;
  if (iequals(type, "O") || iequals(type, "organizationName") || type == "2.5.4.10")
    return CertAttr::kO;
  if (iequals(type, "OU") || iequals(type, "organizationalUnitName") || type == "2.5.4.11")
    return CertAttr::kOu;
  return std::nullopt;
}

} // namespace vw::signatures
