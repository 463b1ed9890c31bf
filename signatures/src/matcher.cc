// Immutable matcher: reversed-label domain trie, binary CIDR tries, sorted exact sets.
// Every match* function is noexcept and allocation-free (fixed stack buffers only).
#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <cstring>
#include <tuple>
#include <utility>

#include <vw/signatures/matcher.h>
#include <vw/signatures/normalise.h>

namespace vw::signatures {

std::string_view toString(MatchHow h) noexcept {
  switch (h) {
  case MatchHow::kExact:
    return "exact";
  case MatchHow::kSuffix:
    return "suffix";
  case MatchHow::kPattern:
    return "pattern";
  case MatchHow::kLpm:
    return "lpm";
  case MatchHow::kSubstring:
    return "substring";
  case MatchHow::kPrefix:
    return "prefix";
  }
  return "?";
}

namespace {

constexpr char lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

constexpr std::size_t kMaxLabels = 128;

// A lower-cased, validated domain name split into labels (views into `buf`).
struct SplitName {
  std::array<char, kMaxDomainLength + 1> buf{};
  std::array<std::string_view, kMaxLabels> labels{};
  std::size_t count = 0;
  std::size_t length = 0; ///< characters used in buf
};

// Lower-cases `name` into `out` and splits it. False for names that can never match: empty,
// longer than 253 characters (after one trailing dot is dropped), empty labels, or a label
// longer than 63 characters.
bool splitName(std::string_view name, SplitName& out) noexcept {
  if (!name.empty() && name.back() == '.')
    name.remove_suffix(1);
  if (name.empty() || name.size() > kMaxDomainLength)
    return false;
  for (std::size_t i = 0; i < name.size(); ++i)
    out.buf[i] = lower(name[i]);
  out.length = name.size();
  const std::string_view s(out.buf.data(), name.size());
  std::size_t start = 0;
  out.count = 0;
  while (true) {
    const std::size_t dot = s.find('.', start);
    const std::size_t end = dot == std::string_view::npos ? s.size() : dot;
    if (end == start || end - start > kMaxLabelLength || out.count == kMaxLabels)
      return false;
    out.labels[out.count++] = s.substr(start, end - start);
    if (dot == std::string_view::npos)
      break;
    start = dot + 1;
  }
  return true;
}

// Glob over one label: '*' stands for one or more characters. Rolling DP, no recursion.
bool globLabel(std::string_view pat, std::string_view txt) noexcept {
  if (pat.size() > kMaxLabelLength || txt.size() > kMaxLabelLength)
    return false;
  std::array<bool, kMaxLabelLength + 1> prev{};
  std::array<bool, kMaxLabelLength + 1> cur{};
  prev[0] = true; // empty pattern matches empty text
  for (std::size_t i = 1; i <= pat.size(); ++i) {
    const char pc = pat[i - 1];
    cur[0] = false;
    bool anyBefore = prev[0]; // OR of prev[0..j-1]
    for (std::size_t j = 1; j <= txt.size(); ++j) {
      if (pc == '*')
        cur[j] = anyBefore;
      else
        cur[j] = prev[j - 1] && pc == txt[j - 1];
      anyBefore = anyBefore || prev[j];
    }
    prev = cur;
  }
  return prev[txt.size()];
}

bool containsCi(std::string_view hay, std::string_view needleLower) noexcept {
  if (needleLower.empty() || needleLower.size() > hay.size())
    return false;
  const std::size_t last = hay.size() - needleLower.size();
  for (std::size_t i = 0; i <= last; ++i) {
    std::size_t k = 0;
    while (k < needleLower.size() && lower(hay[i + k]) == needleLower[k])
      ++k;
    if (k == needleLower.size())
      return true;
  }
  return false;
}

bool startsWithCiLower(std::string_view hay, std::string_view prefixLower) noexcept {
  if (prefixLower.size() > hay.size())
    return false;
  for (std::size_t i = 0; i < prefixLower.size(); ++i)
    if (lower(hay[i]) != prefixLower[i])
      return false;
  return true;
}

// Lower-cases `in` into `buf`; false (no match possible) when it does not fit.
template <std::size_t N>
bool lowerInto(std::string_view in, std::array<char, N>& buf, std::string_view& out) noexcept {
  if (in.size() > N)
    return false;
  for (std::size_t i = 0; i < in.size(); ++i)
    buf[i] = lower(in[i]);
  out = std::string_view(buf.data(), in.size());
  return true;
}

// The CN/O/OU attributes of one DN, normalised into fixed storage.
struct CertAttrs {
  static constexpr std::size_t kMax = 16;
  std::array<char, kMax * kMaxCertOrgLength> buf{};
  std::array<CertAttr, kMax> type{};
  std::array<std::string_view, kMax> value{};
  std::size_t count = 0;
};

void readCertAttrs(std::string_view dn, CertAttrs& out) noexcept {
  DnReader reader(dn);
  DnAttribute attr;
  out.count = 0;
  while (out.count < CertAttrs::kMax && reader.next(attr)) {
    const auto type = certAttrOf(attr.type);
    if (!type)
      continue;
    const std::span<char> slot(out.buf.data() + out.count * kMaxCertOrgLength, kMaxCertOrgLength);
    const auto n = normaliseCertOrgInto(attr.value, slot);
    if (!n || *n == 0)
      continue;
    out.type[out.count] = *type;
    out.value[out.count] = std::string_view(slot.data(), *n);
    ++out.count;
  }
}

constexpr bool typeFits(CertAttr want, CertAttr have) noexcept {
  return want == have ||
         (want == CertAttr::kOrgAny && (have == CertAttr::kO || have == CertAttr::kOu));
}

constexpr bool partFits(CertPart want, CertPart have) noexcept {
  return want == CertPart::kAny || have == CertPart::kAny || want == have;
}

// All attributes of a cert / cert_org indicator are present in `attrs`.
bool certIndicatorMatches(const Indicator& ind, const CertAttrs& attrs) noexcept {
  for (const CertRdn& r : ind.rdns) {
    bool found = false;
    for (std::size_t i = 0; i < attrs.count && !found; ++i) {
      if (!typeFits(r.type, attrs.type[i]))
        continue;
      found = ind.valueMatch == ValueMatch::kPrefix ? attrs.value[i].starts_with(r.value)
                                                    : attrs.value[i] == r.value;
    }
    if (!found)
      return false;
  }
  return true;
}

using Entry = std::pair<std::string, std::uint32_t>;

const Entry* findSorted(const std::vector<Entry>& v, std::string_view key) noexcept {
  const auto it = std::lower_bound(v.begin(), v.end(), key, [](const Entry& e, std::string_view k) {
    return std::string_view(e.first) < k;
  });
  if (it != v.end() && it->first == key)
    return &*it;
  return nullptr;
}

} // namespace

struct Matcher::Impl {
  struct DomainNode {
    std::vector<std::pair<std::string, std::uint32_t>> children; // sorted by label
    std::int32_t exact = -1;
    std::int32_t suffix = -1;
    std::vector<std::uint32_t> patterns; // indices into `patterns`
  };
  struct Pattern {
    std::uint32_t indicator = 0;
    std::vector<std::string> left; // labels left of the literal anchor, left to right
  };
  struct IpNode {
    std::array<std::int32_t, 2> child{-1, -1};
    std::int32_t indicator = -1;
  };

  const SignatureSet* set = nullptr;
  std::vector<DomainNode> domain{1};
  std::vector<Pattern> patterns;
  std::vector<IpNode> ip4{1};
  std::vector<IpNode> ip6{1};
  std::vector<Entry> certOrgs;
  std::vector<Entry> ja3;
  std::vector<Entry> ja4;
  std::vector<std::uint32_t> userAgents;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> ports; // (transport<<16|port, indicator)
  std::vector<std::uint32_t> banners;                         // longest first
  struct HeaderKey {
    HttpDirection dir;
    std::string_view name; // into the indicator
    std::uint32_t indicator;
  };
  std::vector<HeaderKey> headers;   // by (dir, name), then longest value first
  std::vector<std::uint32_t> paths; // longest first
  struct CertKey {
    CertAttr type; // kCn, kO or kOu (a cert_org indicator is entered as kO and as kOu)
    std::string_view value;
    std::uint32_t indicator;
  };
  std::vector<CertKey> certExact;        // by (type, value): first attribute of exact indicators
  std::vector<std::uint32_t> certPrefix; // prefix-match cert indicators
  struct SyslogKey {
    SyslogFormat format;
    std::string_view vendor, product;
    std::uint32_t indicator;
  };
  std::vector<SyslogKey> syslogProducts; // sorted by (format, vendor, product)
  std::vector<std::uint32_t> syslogKv;   // most terms first
  std::vector<Entry> dpi;                // lowercase name

  // ---- build (control path) ----

  std::uint32_t domainChild(std::uint32_t node, const std::string& label) {
    auto& kids = domain[node].children;
    auto it = std::lower_bound(kids.begin(), kids.end(), label,
                               [](const auto& e, const std::string& l) { return e.first < l; });
    if (it != kids.end() && it->first == label)
      return it->second;
    const auto idx = static_cast<std::uint32_t>(domain.size());
    kids.insert(it, {label, idx});
    domain.emplace_back(); // may reallocate: `kids` is not used afterwards
    return idx;
  }

  void addDomain(const Indicator& ind, std::uint32_t index) {
    std::vector<std::string> labels;
    std::size_t start = 0;
    const std::string& v = ind.value;
    while (true) {
      const auto dot = v.find('.', start);
      labels.push_back(v.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
      if (dot == std::string::npos)
        break;
      start = dot + 1;
    }
    // Literal anchor: the rightmost labels without '*'.
    std::size_t anchor = labels.size();
    if (ind.match == DomainMatch::kPattern)
      while (anchor > 0 && labels[anchor - 1].find('*') == std::string::npos)
        --anchor;
    else
      anchor = 0;
    std::uint32_t node = 0;
    for (std::size_t i = labels.size(); i > anchor; --i)
      node = domainChild(node, labels[i - 1]);
    switch (ind.match) {
    case DomainMatch::kExact:
      domain[node].exact = static_cast<std::int32_t>(index);
      break;
    case DomainMatch::kSuffix:
      domain[node].suffix = static_cast<std::int32_t>(index);
      break;
    case DomainMatch::kPattern: {
      Pattern p;
      p.indicator = index;
      p.left.assign(labels.begin(), labels.begin() + static_cast<std::ptrdiff_t>(anchor));
      domain[node].patterns.push_back(static_cast<std::uint32_t>(patterns.size()));
      patterns.push_back(std::move(p));
      break;
    }
    }
  }

  static void addIp(std::vector<IpNode>& trie, const Cidr& c, std::uint32_t index) {
    std::uint32_t node = 0;
    for (unsigned bit = 0; bit < c.prefixLen; ++bit) {
      const int b = (c.addr[bit / 8] >> (7 - bit % 8)) & 1;
      if (trie[node].child[b] < 0) {
        trie[node].child[b] = static_cast<std::int32_t>(trie.size());
        trie.emplace_back();
      }
      node = static_cast<std::uint32_t>(trie[node].child[b]);
    }
    trie[node].indicator = static_cast<std::int32_t>(index);
  }

  // ---- lookups (data path) ----

  Match domainLookup(const SplitName& name) const noexcept {
    Match best;
    int bestScore = -1;
    const auto consider = [&](std::int32_t ind, MatchHow how, int score) noexcept {
      if (ind >= 0 && score > bestScore) {
        bestScore = score;
        best = {&set->indicators()[static_cast<std::size_t>(ind)], how};
      }
    };
    const int n = static_cast<int>(name.count);
    std::uint32_t node = 0;
    for (int depth = 1; depth <= n; ++depth) {
      const std::string_view label = name.labels[static_cast<std::size_t>(n - depth)];
      const auto& kids = domain[node].children;
      const auto it =
          std::lower_bound(kids.begin(), kids.end(), label, [](const auto& e, std::string_view l) {
            return std::string_view(e.first) < l;
          });
      if (it == kids.end() || it->first != label)
        break;
      node = it->second;
      const DomainNode& dn = domain[node];
      consider(dn.suffix, MatchHow::kSuffix, depth * 4 + 2);
      if (depth == n)
        consider(dn.exact, MatchHow::kExact, n * 4 + 3);
      const std::size_t remaining = static_cast<std::size_t>(n - depth);
      for (std::uint32_t pi : dn.patterns) {
        const Pattern& p = patterns[pi];
        if (p.left.size() != remaining)
          continue;
        bool ok = true;
        for (std::size_t i = 0; i < remaining && ok; ++i)
          ok = globLabel(p.left[i], name.labels[i]);
        if (ok)
          consider(static_cast<std::int32_t>(p.indicator), MatchHow::kPattern, n * 4 + 1);
      }
    }
    return best;
  }

  Match ipLookup(const std::vector<IpNode>& trie, const std::uint8_t* addr,
                 unsigned bits) const noexcept {
    std::int32_t found = trie[0].indicator;
    std::uint32_t node = 0;
    for (unsigned bit = 0; bit < bits; ++bit) {
      const int b = (addr[bit / 8] >> (7 - bit % 8)) & 1;
      const std::int32_t next = trie[node].child[b];
      if (next < 0)
        break;
      node = static_cast<std::uint32_t>(next);
      if (trie[node].indicator >= 0)
        found = trie[node].indicator;
    }
    if (found < 0)
      return {};
    return {&set->indicators()[static_cast<std::size_t>(found)], MatchHow::kLpm};
  }

  Match certOrgLookup(std::string_view value) const noexcept {
    std::array<char, kMaxCertOrgLength> buf{};
    const auto n = normaliseCertOrgInto(value, buf);
    if (!n || *n == 0)
      return {};
    const Entry* e = findSorted(certOrgs, std::string_view(buf.data(), *n));
    if (!e)
      return {};
    return {&set->indicators()[e->second], MatchHow::kExact};
  }

  Match exactLookup(const std::vector<Entry>& v, std::string_view key) const noexcept {
    std::array<char, 64> buf{};
    if (key.empty() || key.size() > buf.size())
      return {};
    for (std::size_t i = 0; i < key.size(); ++i)
      buf[i] = lower(key[i]);
    const Entry* e = findSorted(v, std::string_view(buf.data(), key.size()));
    if (!e)
      return {};
    return {&set->indicators()[e->second], MatchHow::kExact};
  }
};

Matcher::Matcher(std::shared_ptr<const SignatureSet> set) : set_(std::move(set)) {
  auto impl = std::make_unique<Impl>();
  impl->set = set_.get();
  const auto& inds = set_->indicators();
  for (std::uint32_t i = 0; i < inds.size(); ++i) {
    const Indicator& ind = inds[i];
    switch (ind.kind) {
    case IndicatorKind::kDomain:
      impl->addDomain(ind, i);
      break;
    case IndicatorKind::kCidr:
      Impl::addIp(ind.cidr.v6 ? impl->ip6 : impl->ip4, ind.cidr, i);
      break;
    case IndicatorKind::kCertOrg:
      impl->certOrgs.emplace_back(ind.value, i);
      break;
    case IndicatorKind::kJa3:
      impl->ja3.emplace_back(ind.value, i);
      break;
    case IndicatorKind::kJa4:
      impl->ja4.emplace_back(ind.value, i);
      break;
    case IndicatorKind::kHttpUserAgent:
      impl->userAgents.push_back(i);
      break;
    case IndicatorKind::kPort:
      impl->ports.emplace_back((static_cast<std::uint32_t>(ind.transport) << 16) | ind.port, i);
      break;
    case IndicatorKind::kBanner:
      impl->banners.push_back(i);
      break;
    case IndicatorKind::kHttpHeader:
      impl->headers.push_back({ind.direction, ind.header, i});
      break;
    case IndicatorKind::kHttpPath:
      impl->paths.push_back(i);
      break;
    case IndicatorKind::kSyslog:
      if (ind.syslogFormat == SyslogFormat::kKv)
        impl->syslogKv.push_back(i);
      else
        impl->syslogProducts.push_back({ind.syslogFormat, ind.deviceVendor, ind.deviceProduct, i});
      break;
    case IndicatorKind::kDpi: {
      std::string low = ind.value;
      for (char& ch : low)
        ch = lower(ch);
      impl->dpi.emplace_back(std::move(low), i);
      break;
    }
    case IndicatorKind::kCert:
      break; // below, together with cert_org
    }
    if (ind.kind == IndicatorKind::kCert || ind.kind == IndicatorKind::kCertOrg) {
      if (ind.rdns.empty())
        continue;
      if (ind.valueMatch == ValueMatch::kPrefix) {
        impl->certPrefix.push_back(i);
      } else if (ind.rdns[0].type == CertAttr::kOrgAny) {
        impl->certExact.push_back({CertAttr::kO, ind.rdns[0].value, i});
        impl->certExact.push_back({CertAttr::kOu, ind.rdns[0].value, i});
      } else {
        impl->certExact.push_back({ind.rdns[0].type, ind.rdns[0].value, i});
      }
    }
  }
  const auto longerFirst = [&](std::string_view (*len)(const Indicator&)) {
    return [&inds, len](std::uint32_t a, std::uint32_t b) {
      const auto la = len(inds[a]).size(), lb = len(inds[b]).size();
      return la != lb ? la > lb : a < b;
    };
  };
  std::sort(impl->banners.begin(), impl->banners.end(),
            longerFirst([](const Indicator& x) { return std::string_view(x.bytes); }));
  std::sort(impl->paths.begin(), impl->paths.end(),
            longerFirst([](const Indicator& x) { return std::string_view(x.value); }));
  std::sort(impl->headers.begin(), impl->headers.end(),
            [&](const Impl::HeaderKey& a, const Impl::HeaderKey& b) {
              if (a.dir != b.dir)
                return a.dir < b.dir;
              if (a.name != b.name)
                return a.name < b.name;
              const auto la = inds[a.indicator].headerValue.size();
              const auto lb = inds[b.indicator].headerValue.size();
              return la != lb ? la > lb : a.indicator < b.indicator;
            });
  std::sort(impl->certExact.begin(), impl->certExact.end(),
            [](const Impl::CertKey& a, const Impl::CertKey& b) {
              if (a.type != b.type)
                return a.type < b.type;
              if (a.value != b.value)
                return a.value < b.value;
              return a.indicator < b.indicator;
            });
  std::sort(impl->syslogProducts.begin(), impl->syslogProducts.end(),
            [](const Impl::SyslogKey& a, const Impl::SyslogKey& b) {
              return std::tie(a.format, a.vendor, a.product) <
                     std::tie(b.format, b.vendor, b.product);
            });
  std::sort(impl->syslogKv.begin(), impl->syslogKv.end(), [&](std::uint32_t a, std::uint32_t b) {
    const auto na = inds[a].kvTerms.size(), nb = inds[b].kvTerms.size();
    return na != nb ? na > nb : a < b;
  });
  std::sort(impl->dpi.begin(), impl->dpi.end());
  for (auto* v : {&impl->certOrgs, &impl->ja3, &impl->ja4})
    std::sort(v->begin(), v->end());
  std::sort(impl->ports.begin(), impl->ports.end());
  // Longest user-agent first, so the first hit is the most specific.
  std::stable_sort(impl->userAgents.begin(), impl->userAgents.end(),
                   [&](std::uint32_t a, std::uint32_t b) {
                     return inds[a].value.size() > inds[b].value.size();
                   });
  impl_ = std::move(impl);
}

Matcher::~Matcher() = default;

Match Matcher::matchDomain(std::string_view name) const noexcept {
  SplitName split;
  if (!splitName(name, split))
    return {};
  return impl_->domainLookup(split);
}

Match Matcher::matchIp(std::span<const std::uint8_t> addr) const noexcept {
  if (addr.size() == 4)
    return impl_->ipLookup(impl_->ip4, addr.data(), 32);
  if (addr.size() == 16) {
    static constexpr std::array<std::uint8_t, 12> kMapped = {0, 0, 0, 0, 0,    0,
                                                             0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(addr.data(), kMapped.data(), kMapped.size()) == 0)
      return impl_->ipLookup(impl_->ip4, addr.data() + 12, 32);
    return impl_->ipLookup(impl_->ip6, addr.data(), 128);
  }
  return {};
}

Match Matcher::matchCertOrg(std::string_view orgValue) const noexcept {
  return impl_->certOrgLookup(orgValue);
}

Match Matcher::matchCertDn(std::string_view dn) const noexcept {
  DnReader reader(dn);
  DnAttribute attr;
  while (reader.next(attr)) {
    if (!isOrgAttribute(attr.type))
      continue;
    if (Match m = impl_->certOrgLookup(attr.value))
      return m;
  }
  return {};
}

std::size_t Matcher::matchCertDnAll(std::string_view dn, std::span<Match> out) const noexcept {
  std::size_t n = 0;
  DnReader reader(dn);
  DnAttribute attr;
  while (n < out.size() && reader.next(attr)) {
    if (!isOrgAttribute(attr.type))
      continue;
    if (Match m = impl_->certOrgLookup(attr.value))
      out[n++] = m;
  }
  return n;
}

Match Matcher::matchJa3(std::string_view ja3) const noexcept {
  return impl_->exactLookup(impl_->ja3, ja3);
}

Match Matcher::matchJa4(std::string_view ja4) const noexcept {
  return impl_->exactLookup(impl_->ja4, ja4);
}

Match Matcher::matchUserAgent(std::string_view userAgent) const noexcept {
  for (std::uint32_t i : impl_->userAgents) {
    const Indicator& ind = set_->indicators()[i];
    if (containsCi(userAgent, ind.value))
      return {&ind, MatchHow::kSubstring};
  }
  return {};
}

Match Matcher::matchPort(Transport transport, std::uint16_t port) const noexcept {
  const std::uint32_t key = (static_cast<std::uint32_t>(transport) << 16) | port;
  const auto& ports = impl_->ports;
  const auto it = std::lower_bound(ports.begin(), ports.end(), key,
                                   [](const auto& e, std::uint32_t k) { return e.first < k; });
  if (it == ports.end() || it->first != key)
    return {};
  return {&set_->indicators()[it->second], MatchHow::kExact};
}

std::size_t Matcher::matchCert(CertPart part, std::string_view dn,
                               std::span<Match> out) const noexcept {
  if (out.empty() || (impl_->certExact.empty() && impl_->certPrefix.empty()))
    return 0;
  CertAttrs attrs;
  readCertAttrs(dn, attrs);
  if (attrs.count == 0)
    return 0;
  const auto& inds = set_->indicators();
  std::size_t n = 0;
  const auto add = [&](std::uint32_t idx, MatchHow how) noexcept {
    const Indicator* ind = &inds[idx];
    for (std::size_t k = 0; k < n; ++k)
      if (out[k].indicator == ind)
        return;
    if (!partFits(ind->part, part) || !certIndicatorMatches(*ind, attrs))
      return;
    out[n++] = {ind, how};
  };
  const auto& ex = impl_->certExact;
  for (std::size_t a = 0; a < attrs.count && n < out.size(); ++a) {
    const auto key = std::make_pair(attrs.type[a], attrs.value[a]);
    auto it =
        std::lower_bound(ex.begin(), ex.end(), key, [](const Impl::CertKey& e, const auto& k) {
          return e.type != k.first ? e.type < k.first : e.value < k.second;
        });
    for (; it != ex.end() && it->type == key.first && it->value == key.second && n < out.size();
         ++it)
      add(it->indicator, MatchHow::kExact);
  }
  for (std::uint32_t idx : impl_->certPrefix) {
    if (n >= out.size())
      break;
    add(idx, MatchHow::kPrefix);
  }
  return n;
}

Match Matcher::matchBanner(std::span<const std::uint8_t> firstBytes,
                           std::uint16_t serverPort) const noexcept {
  if (firstBytes.empty())
    return {};
  for (std::uint32_t i : impl_->banners) {
    const Indicator& ind = set_->indicators()[i];
    const std::string& b = ind.bytes;
    if (b.size() > firstBytes.size() || static_cast<std::uint8_t>(b[0]) != firstBytes[0])
      continue;
    if (ind.valueMatch == ValueMatch::kExact && b.size() != firstBytes.size())
      continue;
    if (std::memcmp(b.data(), firstBytes.data(), b.size()) != 0)
      continue;
    if (!ind.ports.empty() && !std::binary_search(ind.ports.begin(), ind.ports.end(), serverPort))
      continue;
    return {&ind, ind.valueMatch == ValueMatch::kExact ? MatchHow::kExact : MatchHow::kPrefix};
  }
  return {};
}

Match Matcher::matchHttpHeader(HttpDirection dir, std::string_view name,
                               std::string_view value) const noexcept {
  std::array<char, 64> buf{};
  std::string_view low;
  if (name.empty() || !lowerInto(name, buf, low))
    return {};
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
    value.remove_prefix(1);
  const auto& hs = impl_->headers;
  auto it = std::lower_bound(hs.begin(), hs.end(), std::make_pair(dir, low),
                             [](const Impl::HeaderKey& e, const auto& k) {
                               return e.dir != k.first ? e.dir < k.first : e.name < k.second;
                             });
  for (; it != hs.end() && it->dir == dir && it->name == low; ++it) {
    const Indicator& ind = set_->indicators()[it->indicator];
    if (startsWithCiLower(value, ind.headerValue))
      return {&ind, MatchHow::kPrefix};
  }
  return {};
}

Match Matcher::matchHttpPath(std::string_view path) const noexcept {
  for (std::uint32_t i : impl_->paths) {
    const Indicator& ind = set_->indicators()[i];
    if (path.starts_with(ind.value))
      return {&ind, MatchHow::kPrefix};
  }
  return {};
}

Match Matcher::matchSyslogProduct(SyslogFormat format, std::string_view deviceVendor,
                                  std::string_view deviceProduct) const noexcept {
  std::array<char, 64> vb{}, pb{};
  std::string_view v, p;
  if (deviceVendor.empty() || !lowerInto(deviceVendor, vb, v) || !lowerInto(deviceProduct, pb, p))
    return {};
  const auto& sp = impl_->syslogProducts;
  const auto find = [&](std::string_view product) noexcept -> const Impl::SyslogKey* {
    const auto key = std::make_tuple(format, v, product);
    auto it =
        std::lower_bound(sp.begin(), sp.end(), key, [](const Impl::SyslogKey& e, const auto& k) {
          return std::tie(e.format, e.vendor, e.product) < k;
        });
    if (it != sp.end() && it->format == format && it->vendor == v && it->product == product)
      return &*it;
    return nullptr;
  };
  if (!p.empty() && p != "*")
    if (const auto* e = find(p))
      return {&set_->indicators()[e->indicator], MatchHow::kExact};
  if (const auto* e = find("*"))
    return {&set_->indicators()[e->indicator], MatchHow::kExact};
  return {};
}

Match Matcher::matchSyslogFields(std::span<const KeyValue> fields) const noexcept {
  if (fields.empty())
    return {};
  for (std::uint32_t i : impl_->syslogKv) {
    const Indicator& ind = set_->indicators()[i];
    bool all = true;
    for (const KvTerm& t : ind.kvTerms) {
      bool found = false;
      for (const KeyValue& f : fields) {
        if (f.key == t.key && f.value.starts_with(t.prefix)) {
          found = true;
          break;
        }
      }
      if (!found) {
        all = false;
        break;
      }
    }
    if (all)
      return {&ind, MatchHow::kPrefix};
  }
  return {};
}

Match Matcher::matchDpi(std::string_view protocolName) const noexcept {
  return impl_->exactLookup(impl_->dpi, protocolName);
}

std::string Matcher::describe(const Indicator& ind) const {
  const Vendor& v = set_->vendorOf(ind);
  const Product& p = set_->productOf(ind);
  return v.id + "/" + p.id + " (" + std::string(toString(p.role)) + ")";
}

// ---- explain (control path) ----

namespace {

std::string quote(std::string_view s) {
  return "'" + std::string(s) + "'";
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
    s.remove_suffix(1);
  return std::string(s);
}

bool startsWithCi(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size())
    return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (lower(s[i]) != prefix[i])
      return false;
  return true;
}

} // namespace

std::vector<std::string> Matcher::explain(std::string_view queryIn) const {
  std::vector<std::string> lines;
  const std::string query = trim(queryIn);
  const auto details = [&](const Indicator& ind) {
    const Vendor& v = set_->vendorOf(ind);
    return describe(ind) + " [" + std::string(toString(v.status)) + "], confidence " +
           std::string(toString(ind.confidence)) + ", source " + ind.sourceUrl + " (" +
           ind.sourceDate + "), defined at " + ind.where.file + ":" +
           std::to_string(ind.where.line) + (ind.note.empty() ? "" : "; note: " + ind.note);
  };
  if (query.empty()) {
    lines.push_back("no match: empty query");
    return lines;
  }

  // Prefixed forms.
  if (startsWithCi(query, "ua:")) {
    const std::string ua = query.substr(3);
    if (Match m = matchUserAgent(ua))
      lines.push_back("match: user agent contains " + quote(m.indicator->raw) +
                      " (case-insensitive substring) -> " + details(*m.indicator));
    else
      lines.push_back("no match: no http_user_agent indicator is contained in " + quote(ua));
    return lines;
  }
  if (startsWithCi(query, "dn:") || startsWithCi(query, "org:")) {
    const bool isOrg = startsWithCi(query, "org:");
    const std::string text = query.substr(isOrg ? 4 : 3);
    if (isOrg) {
      const std::string norm = normaliseCertOrg(text);
      if (Match m = matchCertOrg(text))
        lines.push_back("match: organisation " + quote(text) + " normalises to " + quote(norm) +
                        " -> " + details(*m.indicator));
      else
        lines.push_back("no match: organisation " + quote(text) + " (normalised " + quote(norm) +
                        ") is not a cert_org indicator");
      return lines;
    }
    DnReader reader(text);
    DnAttribute attr;
    bool anyOrg = false;
    while (reader.next(attr)) {
      if (!isOrgAttribute(attr.type))
        continue;
      anyOrg = true;
      const std::string norm = normaliseCertOrg(attr.value);
      if (Match m = matchCertOrg(attr.value))
        lines.push_back("match: " + std::string(attr.type) + "=" + quote(attr.value) +
                        " normalises to " + quote(norm) + " -> " + details(*m.indicator));
      else
        lines.push_back("no match: " + std::string(attr.type) + "=" + quote(attr.value) +
                        " (normalised " + quote(norm) + ") is not a cert_org indicator");
    }
    if (!anyOrg)
      lines.push_back("no match: no O= or OU= attribute found in " + quote(text));
    return lines;
  }
  if (startsWithCi(query, "ja3:") || startsWithCi(query, "ja4:")) {
    const bool is3 = startsWithCi(query, "ja3:");
    const std::string fp = query.substr(4);
    const Match m = is3 ? matchJa3(fp) : matchJa4(fp);
    if (m)
      lines.push_back("match: " + std::string(is3 ? "JA3 " : "JA4 ") + quote(fp) + " -> " +
                      details(*m.indicator));
    else
      lines.push_back("no match: " + std::string(is3 ? "JA3 " : "JA4 ") + quote(fp) +
                      " is not an indicator");
    return lines;
  }
  if (startsWithCi(query, "tcp/") || startsWithCi(query, "udp/")) {
    const Transport t = startsWithCi(query, "tcp/") ? Transport::kTcp : Transport::kUdp;
    const std::string num = query.substr(4);
    unsigned long port = 0;
    const bool numeric =
        !num.empty() && num.size() <= 5 &&
        std::all_of(num.begin(), num.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (numeric)
      port = std::stoul(num);
    if (!numeric || port == 0 || port > 65535) {
      lines.push_back("no match: " + quote(query) + " is not <tcp|udp>/<1..65535>");
      return lines;
    }
    if (Match m = matchPort(t, static_cast<std::uint16_t>(port)))
      lines.push_back("match: port " + query +
                      " (weak: only counted together with other evidence) -> " +
                      details(*m.indicator));
    else
      lines.push_back("no match: " + query + " is not a distinctive vendor port");
    return lines;
  }

  // On-prem kinds.
  if (startsWithCi(query, "banner:")) {
    const std::string text = query.substr(7);
    std::string bytes;
    for (std::size_t i = 0; i < text.size(); ++i) {
      const auto hex = [](char c) {
        return (c >= '0' && c <= '9')   ? c - '0'
               : (c >= 'a' && c <= 'f') ? c - 'a' + 10
               : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                        : -1;
      };
      if (text[i] == '\\' && i + 3 < text.size() && text[i + 1] == 'x' && hex(text[i + 2]) >= 0 &&
          hex(text[i + 3]) >= 0) {
        bytes += static_cast<char>(hex(text[i + 2]) * 16 + hex(text[i + 3]));
        i += 3;
      } else if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '\\') {
        bytes += '\\';
        ++i;
      } else {
        bytes += text[i];
      }
    }
    const std::span<const std::uint8_t> span(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                             bytes.size());
    bool any = false;
    for (const Indicator& ind : set_->indicators()) {
      if (ind.kind != IndicatorKind::kBanner)
        continue;
      const bool prefixOk = ind.bytes.size() <= bytes.size() &&
                            std::memcmp(ind.bytes.data(), bytes.data(), ind.bytes.size()) == 0;
      const bool ok =
          prefixOk && (ind.valueMatch == ValueMatch::kPrefix || ind.bytes.size() == bytes.size());
      if (!ok)
        continue;
      any = true;
      std::string ports;
      for (auto p : ind.ports)
        ports += (ports.empty() ? "" : ", ") + std::to_string(p);
      lines.push_back("match: banner starts with " + quote(ind.value) + " (" +
                      std::string(toString(ind.valueMatch)) + ")" +
                      (ports.empty() ? std::string(" on any port")
                                     : " only when the server port is one of " + ports) +
                      " -> " + details(ind));
    }
    if (!any)
      lines.push_back("no match: no banner indicator is a prefix of " + quote(text));
    else if (Match m = matchBanner(span, 0); m)
      lines.push_back("note: the longest banner wins: " + quote(m.indicator->value));
    return lines;
  }
  if (startsWithCi(query, "header:") || startsWithCi(query, "request-header:")) {
    const bool request = startsWithCi(query, "request-header:");
    const std::string text = query.substr(request ? 15 : 7);
    const auto colon = text.find(':');
    if (colon == std::string::npos) {
      lines.push_back("no match: expected " + std::string(request ? "request-header" : "header") +
                      ":<Name>: <value>");
      return lines;
    }
    const std::string name = trim(text.substr(0, colon));
    const std::string value = trim(text.substr(colon + 1));
    const HttpDirection dir = request ? HttpDirection::kRequest : HttpDirection::kResponse;
    if (Match m = matchHttpHeader(dir, name, value))
      lines.push_back("match: " + std::string(toString(dir)) + " header " + quote(name) +
                      " value starts with " + quote(m.indicator->headerValue) +
                      " (case-insensitive prefix) -> " + details(*m.indicator));
    else
      lines.push_back("no match: no " + std::string(toString(dir)) + " http_header indicator for " +
                      quote(name + ": " + value));
    return lines;
  }
  if (startsWithCi(query, "path:")) {
    const std::string path = query.substr(5);
    if (Match m = matchHttpPath(path))
      lines.push_back("match: request path starts with " + quote(m.indicator->value) +
                      " (case-sensitive prefix) -> " + details(*m.indicator));
    else
      lines.push_back("no match: no http_path indicator is a prefix of " + quote(path));
    return lines;
  }
  if (startsWithCi(query, "cert:") || startsWithCi(query, "cert-subject:") ||
      startsWithCi(query, "cert-issuer:")) {
    CertPart part = CertPart::kAny;
    std::size_t skip = 5;
    if (startsWithCi(query, "cert-subject:")) {
      part = CertPart::kSubject;
      skip = 13;
    } else if (startsWithCi(query, "cert-issuer:")) {
      part = CertPart::kIssuer;
      skip = 12;
    }
    const std::string text = query.substr(skip);
    std::array<Match, 16> out{};
    const std::size_t n = matchCert(part, text, out);
    for (std::size_t i = 0; i < n; ++i) {
      const Indicator& ind = *out[i].indicator;
      lines.push_back(
          "match: " + std::string(ind.kind == IndicatorKind::kCertOrg ? "cert_org " : "cert ") +
          quote(ind.value) + " (" + std::string(toString(ind.valueMatch)) + ", part " +
          std::string(toString(ind.part)) + ") -> " + details(ind));
    }
    if (n == 0) {
      CertAttrs attrs;
      readCertAttrs(text, attrs);
      std::string seen;
      for (std::size_t i = 0; i < attrs.count; ++i)
        seen += (seen.empty() ? "" : ", ") + std::string(toString(attrs.type[i])) + "=" +
                std::string(attrs.value[i]);
      lines.push_back("no match: no cert or cert_org indicator has all its attributes in " +
                      quote(text) +
                      (seen.empty() ? std::string(" (no CN, O or OU attribute found)")
                                    : " (normalised CN/O/OU: " + seen + ")") +
                      (part == CertPart::kAny ? "" : " as the " + std::string(toString(part))));
    }
    return lines;
  }
  if (startsWithCi(query, "cef:") || startsWithCi(query, "leef:")) {
    const bool cef = startsWithCi(query, "cef:");
    const std::string text = query.substr(cef ? 4 : 5);
    const auto bar = text.find('|');
    const std::string vendor = text.substr(0, bar);
    const std::string product = bar == std::string::npos ? "" : text.substr(bar + 1);
    const SyslogFormat f = cef ? SyslogFormat::kCef : SyslogFormat::kLeef;
    if (Match m = matchSyslogProduct(f, vendor, product))
      lines.push_back("match: " + std::string(toString(f)) + " device vendor " + quote(vendor) +
                      " and product " + quote(product) + " -> " + details(*m.indicator) +
                      (m.indicator->deviceProduct == "*" ? " (any product of this vendor)" : ""));
    else
      lines.push_back("no match: no syslog " + std::string(toString(f)) + " indicator for " +
                      quote(vendor + "|" + product));
    return lines;
  }
  if (startsWithCi(query, "kv:")) {
    const std::string text = query.substr(3);
    std::vector<std::string> keep;
    std::vector<KeyValue> fields;
    std::size_t pos = 0;
    while (pos < text.size() && fields.size() < 64) {
      while (pos < text.size() && text[pos] == ' ')
        ++pos;
      const std::size_t end = std::min(text.find(' ', pos), text.size());
      const std::string term = text.substr(pos, end - pos);
      pos = end;
      const auto eq = term.find('=');
      if (eq == std::string::npos)
        continue;
      keep.push_back(term);
    }
    for (const auto& term : keep) {
      const auto eq = term.find('=');
      std::string_view v = std::string_view(term).substr(eq + 1);
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"')
        v = v.substr(1, v.size() - 2);
      fields.push_back({std::string_view(term).substr(0, eq), v});
    }
    if (Match m = matchSyslogFields(fields))
      lines.push_back("match: every term of " + quote(m.indicator->value.substr(3)) +
                      " (key exact, value prefix) is present -> " + details(*m.indicator));
    else
      lines.push_back("no match: no syslog kv indicator has all its terms in " + quote(text));
    return lines;
  }
  if (startsWithCi(query, "dpi:")) {
    const std::string name = query.substr(4);
    if (Match m = matchDpi(name))
      lines.push_back("match: nDPI protocol " + quote(name) + " (run by the " +
                      std::string(toString(m.indicator->instance)) +
                      (m.indicator->instance == DpiInstance::kBoth ? " endpoints" : "") + ") -> " +
                      details(*m.indicator));
    else
      lines.push_back("no match: nDPI protocol " + quote(name) + " is not a dpi indicator");
    return lines;
  }

  // IP address?
  {
    std::array<std::uint8_t, 16> addr{};
    std::size_t size = 0;
    if (query.find(':') != std::string::npos &&
        inet_pton(AF_INET6, query.c_str(), addr.data()) == 1)
      size = 16;
    else if (inet_pton(AF_INET, query.c_str(), addr.data()) == 1)
      size = 4;
    if (size != 0) {
      const Match m = matchIp(std::span<const std::uint8_t>(addr.data(), size));
      if (m) {
        lines.push_back("match: " + query + " is inside " + m.indicator->value +
                        " (longest-prefix match /" + std::to_string(m.indicator->cidr.prefixLen) +
                        ") -> " + details(*m.indicator));
      } else {
        lines.push_back("no match: no cidr indicator covers " + query);
      }
      return lines;
    }
  }

  // Bare JA3 / JA4 shapes.
  {
    const std::string low = [&] {
      std::string s = query;
      for (char& c : s)
        c = lower(c);
      return s;
    }();
    const bool hex32 = low.size() == 32 && std::all_of(low.begin(), low.end(), [](char c) {
                         return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                       });
    if (hex32)
      return explain("ja3:" + query);
    if (low.size() == 36 && low[10] == '_' && low[23] == '_')
      return explain("ja4:" + query);
  }

  // Domain name.
  std::string why;
  const auto norm = normaliseDomain(query, &why, false);
  SplitName split;
  if (!splitName(query, split)) {
    lines.push_back("no match: " + quote(query) + " is not a well-formed domain name" +
                    (norm ? std::string() : " (" + why + ")"));
    return lines;
  }
  const std::string name(split.buf.data(), split.length);
  const Match best = matchDomain(query);
  if (best) {
    const Indicator& ind = *best.indicator;
    std::string how;
    switch (best.how) {
    case MatchHow::kExact:
      how = "exact name " + quote(ind.value);
      break;
    case MatchHow::kSuffix:
      how = ind.value == name ? "suffix " + quote(ind.value) + " (the name itself)"
                              : "suffix " + quote(ind.value) + " at a label boundary";
      break;
    case MatchHow::kPattern:
      how = "pattern " + quote(ind.value) + " ('*' = one or more characters within a label)";
      break;
    default:
      how = std::string(toString(best.how));
      break;
    }
    lines.push_back("match: " + quote(name) + " matches " + how + " -> " + details(ind));
  }
  // Other (less specific) indicators on the path, and near misses.
  std::size_t nearMisses = 0;
  for (const Indicator& ind : set_->indicators()) {
    if (ind.kind != IndicatorKind::kDomain || &ind == best.indicator)
      continue;
    const std::string& v = ind.value;
    if (ind.match == DomainMatch::kSuffix) {
      const bool under = name == v || (name.size() > v.size() && name.ends_with(v) &&
                                       name[name.size() - v.size() - 1] == '.');
      if (under && best) {
        lines.push_back("also: suffix " + quote(v) + " (" + describe(ind) +
                        ") matches too, but the more specific indicator above wins");
        continue;
      }
    }
    if (best || nearMisses >= 5 || ind.match == DomainMatch::kPattern)
      continue;
    const auto pos = name.find(v);
    if (pos == std::string::npos) {
      if (ind.match == DomainMatch::kExact && name.size() < v.size() && v.ends_with("." + name)) {
        lines.push_back("no match: " + quote(name) + " is a parent of the exact-only indicator " +
                        quote(v) + " (" + describe(ind) + ")");
        ++nearMisses;
      }
      continue;
    }
    const bool leftBoundary = pos == 0 || name[pos - 1] == '.';
    const bool rightEnd = pos + v.size() == name.size();
    if (rightEnd && !leftBoundary) {
      lines.push_back("no match: " + quote(name) + " shares the text " + quote(v) +
                      " but not at a label boundary (" + describe(ind) + ")");
    } else if (!rightEnd && name[pos + v.size()] == '.') {
      lines.push_back("no match: " + quote(name) + " contains " + quote(v) +
                      " followed by more labels ('" + name.substr(pos + v.size() + 1) +
                      "' is the real parent domain)");
    } else if (rightEnd && ind.match == DomainMatch::kExact) {
      lines.push_back("no match: " + quote(v) + " is an exact-only indicator (" + describe(ind) +
                      "); " + quote(name) + " is a different name below it");
    } else {
      lines.push_back("no match: " + quote(name) + " contains the text " + quote(v) +
                      " inside a label");
    }
    ++nearMisses;
  }
  if (!best) {
    if (nearMisses == 0)
      lines.push_back("no match: no domain indicator is a suffix of, or equal to, " + quote(name));
    for (std::size_t i = 0; i < split.count; ++i) {
      if (split.labels[i].starts_with("xn--")) {
        lines.push_back("note: label " + quote(split.labels[i]) +
                        " is punycode (IDN); labels are compared as ASCII text, so an IDN "
                        "lookalike never matches a plain label");
        break;
      }
    }
  }
  return lines;
}

} // namespace vw::signatures
