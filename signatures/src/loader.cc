// Strict TOML loader for the vendor signature database. See signatures/README.md for the schema.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>

#include <toml++/toml.h>

#include <vw/signatures/loader.h>
#include <vw/signatures/normalise.h>

namespace vw::signatures {

std::string LoadError::toString() const {
  if (line == 0)
    return file + ": " + message;
  return file + ":" + std::to_string(line) + ": " + message;
}

namespace {

// ---- precision rules enforced at load time (see README "Precision rules") ----

// Shared hosting/cloud infrastructure: never a `suffix` indicator at or below these names, never
// the whole value of an exact/pattern indicator; vendor-specific hosts below them (a bucket, a
// registry, an IoT endpoint) are fine as exact or pattern.
constexpr std::string_view kSharedHosting[] = {
    "amazonaws.com",
    "s3.amazonaws.com",
    "elb.amazonaws.com",
    "cloudfront.net",
    "awsglobalaccelerator.com",
    "windows.net",
    "core.windows.net",
    "blob.core.windows.net",
    "azurewebsites.net",
    "azureedge.net",
    "azurefd.net",
    "azurecr.io",
    "cloudapp.net",
    "cloudapp.azure.com",
    "trafficmanager.net",
    "azure-api.net",
    "googleapis.com",
    "storage.googleapis.com",
    "cloudfunctions.net",
    "appspot.com",
    "run.app",
    "googleusercontent.com",
    "gcr.io",
    "pkg.dev",
    "firebaseapp.com",
    "web.app",
    "akamaiedge.net",
    "akamai.net",
    "akamaized.net",
    "akamaihd.net",
    "edgekey.net",
    "edgesuite.net",
    "fastly.net",
    "fastlylb.net",
    "cloudflare.net",
    "herokuapp.com",
    "github.io",
    "githubusercontent.com",
    "auth0.com",
    "okta.com",
    "zendesk.com",
    "salesforce.com",
    "force.com",
    "co.uk",
    "org.uk",
    "ac.uk",
    "gov.uk",
    "com.au",
    "co.jp",
    "co.il",
    "com.cn",
    "com.br",
    "co.in",
};

// Wholly shared services (CAs, CRL/OCSP, other vendors' clouds): nothing at or below these names is
// ever a vendor indicator of ours.
constexpr std::string_view kSharedEverything[] = {
    "godaddy.com",  "digicert.com",   "globalsign.com",  "letsencrypt.org", "lencr.org",
    "sectigo.com",  "pki.goog",       "amazontrust.com", "sophosxl.net",    "datadoghq.com",
    "datadoghq.eu", "cloudflare.com", "verisign.com",    "entrust.net",     "usertrust.com",
};

// Generic certificate organisations (CAs, clouds, CDNs); compared after normaliseCertOrg(),
// as a prefix ("amazon" rejects "amazon", "amazon com inc", ...).
constexpr std::string_view kGenericCertOrgs[] = {
    "godaddy",   "go daddy",
    "starfield", "globalsign",
    "amazon",    "cloudflare",
    "digicert",  "let s encrypt",
    "google",    "sectigo",
    "comodo",    "microsoft",
    "entrust",   "internet security research group",
    "isrg",      "zerossl",
    "geotrust",  "thawte",
    "verisign",  "symantec",
    "baltimore", "usertrust",
    "akamai",    "fastly",
    "ssl com",   "buypass",
};

// Ports every network uses; a port indicator must be distinctive.
constexpr std::uint16_t kGenericPorts[] = {
    20,  21,  22,  23,   25,   53,   67,   68,   69,   80,   88,   110,  123,  135,
    137, 138, 139, 143,  161,  162,  389,  443,  445,  465,  500,  514,  587,  636,
    853, 993, 995, 1194, 1701, 1723, 3389, 4500, 5060, 5061, 8080, 8443, 51820};

// Address space that is never vendor-specific (private, loopback, CGNAT, link-local, ...).
constexpr std::string_view kNonPublicNets[] = {"0.0.0.0/8",      "10.0.0.0/8",     "100.64.0.0/10",
                                               "127.0.0.0/8",    "169.254.0.0/16", "172.16.0.0/12",
                                               "192.168.0.0/16", "224.0.0.0/3",    "::/8",
                                               "fc00::/7",       "fe80::/10",      "ff00::/8"};

bool isOrUnder(std::string_view name, std::string_view parent) {
  if (name == parent)
    return true;
  return name.size() > parent.size() && name.ends_with(parent) &&
         name[name.size() - parent.size() - 1] == '.';
}

bool cidrOverlaps(const Cidr& a, const Cidr& b) {
  if (a.v6 != b.v6)
    return false;
  const unsigned len = std::min(a.prefixLen, b.prefixLen);
  for (unsigned bit = 0; bit < len; ++bit) {
    const unsigned byte = bit / 8;
    const unsigned shift = 7 - bit % 8;
    if (((a.addr[byte] >> shift) & 1) != ((b.addr[byte] >> shift) & 1))
      return false;
  }
  return true;
}

bool isLowerId(std::string_view s) {
  if (s.empty() || s.size() > 64 || s.front() == '-' || s.back() == '-')
    return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

bool isHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string toLower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// JA4: "t13d1516h2_8daaf6152771_e5627efa2ab1" (a_b_c, b and c 12 hex digits).
bool isJa4(std::string_view s) {
  if (s.size() != 36 || s[10] != '_' || s[23] != '_')
    return false;
  const std::string_view a = s.substr(0, 10);
  if (a[0] != 't' && a[0] != 'q' && a[0] != 'd')
    return false;
  if (a[3] != 'd' && a[3] != 'i')
    return false;
  for (std::size_t i : {1u, 2u, 4u, 5u, 6u, 7u})
    if (!((a[i] >= '0' && a[i] <= '9') || (i <= 2 && a[i] >= 'a' && a[i] <= 'z')))
      return false;
  for (std::size_t i : {8u, 9u})
    if (!((a[i] >= '0' && a[i] <= '9') || (a[i] >= 'a' && a[i] <= 'z')))
      return false;
  return isHex(s.substr(11, 12)) && isHex(s.substr(24, 12));
}

// http(s)://host[:port][/...] with a plausible host and no whitespace/control characters.
bool isHttpUrl(std::string_view url, std::string& why) {
  std::string_view rest;
  if (url.starts_with("https://"))
    rest = url.substr(8);
  else if (url.starts_with("http://"))
    rest = url.substr(7);
  else {
    why = "must start with http:// or https://";
    return false;
  }
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      why = "contains whitespace or control characters";
      return false;
    }
  }
  const auto hostEnd = rest.find_first_of(":/?#");
  const std::string_view host = rest.substr(0, hostEnd);
  if (host.empty()) {
    why = "has no host";
    return false;
  }
  for (char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-';
    if (!ok) {
      why = "has a malformed host '" + std::string(host) + "'";
      return false;
    }
  }
  if (host.find('.') == std::string_view::npos || host.front() == '.' || host.back() == '.') {
    why = "has a malformed host '" + std::string(host) + "'";
    return false;
  }
  return true;
}

std::string formatDate(const toml::date& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04u-%02u-%02u", static_cast<unsigned>(d.year),
                static_cast<unsigned>(d.month), static_cast<unsigned>(d.day));
  return buf;
}

bool validDate(const toml::date& d) {
  static constexpr unsigned kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > kDays[d.month - 1])
    return false;
  const bool leap = (d.year % 4 == 0 && d.year % 100 != 0) || d.year % 400 == 0;
  return !(d.month == 2 && d.day == 29 && !leap);
}

std::string_view typeName(const toml::node& n) {
  switch (n.type()) {
  case toml::node_type::table:
    return "a table";
  case toml::node_type::array:
    return "an array";
  case toml::node_type::string:
    return "a string";
  case toml::node_type::integer:
    return "an integer";
  case toml::node_type::floating_point:
    return "a float";
  case toml::node_type::boolean:
    return "a boolean";
  case toml::node_type::date:
    return "a date";
  case toml::node_type::time:
    return "a time";
  case toml::node_type::date_time:
    return "a date-time";
  default:
    return "nothing";
  }
}

std::uint32_t lineOf(const toml::node& n) {
  return n.source().begin.line;
}

// ---- per-file parsing ----

struct Ctx {
  std::vector<LoadError>& errors;
  std::string path;

  void err(std::uint32_t line, std::string msg) const {
    errors.push_back({path, line, std::move(msg)});
  }
};

// Checks a table's keys against `allowed`; reports unknown ones.
void checkKeys(const Ctx& ctx, const toml::table& t, std::string_view where,
               std::initializer_list<std::string_view> allowed) {
  for (auto&& [k, v] : t) {
    if (std::find(allowed.begin(), allowed.end(), k.str()) == allowed.end()) {
      std::string list;
      for (auto a : allowed)
        list += (list.empty() ? "" : ", ") + std::string(a);
      ctx.err(k.source().begin.line ? k.source().begin.line : lineOf(v),
              "unknown key '" + std::string(k.str()) + "' in " + std::string(where) +
                  " (allowed: " + list + ")");
    }
  }
}

// Required/optional string getters. Return nullopt (after reporting) when missing/mistyped.
std::optional<std::string> getString(const Ctx& ctx, const toml::table& t, std::string_view key,
                                     std::string_view where, bool required) {
  const toml::node* n = t.get(key);
  if (!n) {
    if (required)
      ctx.err(lineOf(t),
              "missing required key '" + std::string(key) + "' in " + std::string(where));
    return std::nullopt;
  }
  if (!n->is_string()) {
    ctx.err(lineOf(*n), "key '" + std::string(key) + "' in " + std::string(where) +
                            " must be a string, not " + std::string(typeName(*n)));
    return std::nullopt;
  }
  std::string s = n->as_string()->get();
  if (required && s.empty()) {
    ctx.err(lineOf(*n),
            "key '" + std::string(key) + "' in " + std::string(where) + " must not be empty");
    return std::nullopt;
  }
  return s;
}

struct FileData {
  std::string path;
  std::string stem;
  Vendor vendor;
  std::vector<Product> products;     // Product::vendor unset yet
  std::vector<Indicator> indicators; // Indicator::product = local product index
};

struct ManifestData {
  bool present = false;
  bool ok = false;
  SetInfo info;
  toml::date date;
};

std::optional<toml::table> parseToml(const Ctx& ctx, const SourceText& f) {
  try {
    return toml::parse(f.text, f.path);
  } catch (const toml::parse_error& e) {
    ctx.err(e.source().begin.line, "TOML syntax error: " + std::string(e.description()));
  } catch (const std::exception& e) {
    ctx.err(0, std::string("cannot parse: ") + e.what());
  }
  return std::nullopt;
}

void parseManifest(const Ctx& ctx, const SourceText& f, ManifestData& m) {
  m.present = true;
  const auto doc = parseToml(ctx, f);
  if (!doc)
    return;
  const std::size_t errorsBefore = ctx.errors.size();
  checkKeys(ctx, *doc, "the manifest", {"set"});
  const toml::node* setNode = doc->get("set");
  if (!setNode) {
    ctx.err(1, "missing required table [set]");
    return;
  }
  if (!setNode->is_table()) {
    ctx.err(lineOf(*setNode), "'set' must be a table, not " + std::string(typeName(*setNode)));
    return;
  }
  const toml::table& t = *setNode->as_table();
  checkKeys(ctx, t, "[set]", {"version", "date", "description"});
  auto version = getString(ctx, t, "version", "[set]", true);
  auto description = getString(ctx, t, "description", "[set]", false);
  if (version) {
    const bool okChars = std::all_of(version->begin(), version->end(), [](char c) {
      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
             c == '.' || c == '-' || c == '+';
    });
    if (!okChars || version->size() > 32)
      ctx.err(lineOf(*t.get("version")),
              "set version '" + *version + "' may only use letters, digits, '.', '-', '+'");
    else
      m.info.version = *version;
  }
  if (description)
    m.info.description = *description;
  const toml::node* d = t.get("date");
  if (!d) {
    ctx.err(lineOf(t), "missing required key 'date' in [set]");
  } else if (!d->is_date()) {
    ctx.err(lineOf(*d), "key 'date' in [set] must be a TOML date like 2026-11-22, not " +
                            std::string(typeName(*d)));
  } else if (!validDate(d->as_date()->get()) || d->as_date()->get().year < 2000) {
    ctx.err(lineOf(*d), "bad date " + formatDate(d->as_date()->get()));
  } else {
    m.date = d->as_date()->get();
    m.info.date = formatDate(m.date);
  }
  m.ok = ctx.errors.size() == errorsBefore;
}

void parseVendorTable(const Ctx& ctx, const toml::table& doc, FileData& fd) {
  const toml::node* vn = doc.get("vendor");
  if (!vn) {
    ctx.err(1, "missing required table [vendor]");
    return;
  }
  if (!vn->is_table()) {
    ctx.err(lineOf(*vn), "'vendor' must be a table, not " + std::string(typeName(*vn)));
    return;
  }
  const toml::table& t = *vn->as_table();
  fd.vendor.where = {fd.path, lineOf(t)};
  checkKeys(ctx, t, "[vendor]", {"id", "name", "country", "parent", "status", "note"});
  if (auto id = getString(ctx, t, "id", "[vendor]", true)) {
    const std::uint32_t line = lineOf(*t.get("id"));
    if (std::find(kVendorIds.begin(), kVendorIds.end(), *id) == kVendorIds.end())
      ctx.err(line, "unknown vendor id '" + *id + "' (not one of the 16 supported vendors)");
    else if (*id != fd.stem)
      ctx.err(line, "vendor id '" + *id + "' does not match the file name '" + fd.stem + ".toml'");
    fd.vendor.id = *id;
  }
  if (auto s = getString(ctx, t, "name", "[vendor]", true))
    fd.vendor.name = *s;
  if (auto s = getString(ctx, t, "country", "[vendor]", true)) {
    const bool ok = s->size() == 2 &&
                    std::all_of(s->begin(), s->end(), [](char c) { return c >= 'A' && c <= 'Z'; });
    if (!ok)
      ctx.err(lineOf(*t.get("country")),
              "country '" + *s + "' must be an upper-case ISO 3166-1 alpha-2 code like US or IL");
    fd.vendor.country = *s;
  }
  if (auto s = getString(ctx, t, "parent", "[vendor]", true))
    fd.vendor.parent = *s;
  if (auto s = getString(ctx, t, "status", "[vendor]", true)) {
    if (auto st = parseVendorStatus(*s))
      fd.vendor.status = *st;
    else
      ctx.err(lineOf(*t.get("status")),
              "unknown status '" + *s + "' (expected banned, allowed or watch)");
  }
  if (auto s = getString(ctx, t, "note", "[vendor]", false))
    fd.vendor.note = *s;
}

// Iterates `[[name]]`: reports a non-array, calls fn(table) for each table element.
template <typename Fn>
void forEachTable(const Ctx& ctx, const toml::table& doc, std::string_view name, Fn&& fn) {
  const toml::node* n = doc.get(name);
  if (!n)
    return;
  const toml::array* arr = n->as_array();
  if (!arr) {
    ctx.err(lineOf(*n), "'" + std::string(name) + "' must be an array of tables ([[" +
                            std::string(name) + "]]), not " + std::string(typeName(*n)));
    return;
  }
  for (const toml::node& el : *arr) {
    if (!el.is_table()) {
      ctx.err(lineOf(el), "each '" + std::string(name) + "' entry must be a table, not " +
                              std::string(typeName(el)));
      continue;
    }
    fn(*el.as_table());
  }
}

void parseProducts(const Ctx& ctx, const toml::table& doc, FileData& fd) {
  forEachTable(ctx, doc, "product", [&](const toml::table& t) {
    Product p;
    p.where = {fd.path, lineOf(t)};
    bool ok = true;
    checkKeys(ctx, t, "[[product]]", {"id", "name", "role", "brands", "note"});
    if (auto id = getString(ctx, t, "id", "[[product]]", true)) {
      if (!isLowerId(*id)) {
        ctx.err(lineOf(*t.get("id")), "product id '" + *id + "' may only use a-z, 0-9 and '-'");
        ok = false;
      }
      for (const auto& other : fd.products) {
        if (other.id == *id) {
          ctx.err(lineOf(*t.get("id")), "duplicate product id '" + *id + "' (first defined at " +
                                            other.where.file + ":" +
                                            std::to_string(other.where.line) + ")");
          ok = false;
        }
      }
      p.id = *id;
    } else {
      ok = false;
    }
    if (auto s = getString(ctx, t, "name", "[[product]]", true))
      p.name = *s;
    if (auto s = getString(ctx, t, "role", "[[product]]", true)) {
      if (auto r = parseRole(*s)) {
        p.role = *r;
      } else {
        std::string list;
        for (auto n : allRoleNames())
          list += (list.empty() ? "" : ", ") + std::string(n);
        ctx.err(lineOf(*t.get("role")),
                "unknown role '" + *s + "' (expected one of: " + list + ")");
      }
    }
    if (auto s = getString(ctx, t, "note", "[[product]]", false))
      p.note = *s;
    if (const toml::node* b = t.get("brands")) {
      if (const toml::array* arr = b->as_array()) {
        for (const toml::node& el : *arr) {
          if (el.is_string() && !el.as_string()->get().empty())
            p.brands.push_back(el.as_string()->get());
          else
            ctx.err(lineOf(el),
                    "each brand must be a non-empty string, not " + std::string(typeName(el)));
        }
      } else {
        ctx.err(lineOf(*b),
                "key 'brands' must be an array of strings, not " + std::string(typeName(*b)));
      }
    }
    if (ok)
      fd.products.push_back(std::move(p));
  });
}

struct IndicatorCommon {
  IndicatorKind kind;
  DomainMatch match = DomainMatch::kExact;
  Transport transport = Transport::kTcp;
  Confidence confidence = Confidence::kLow;
  std::string sourceUrl;
  std::string sourceDate;
  std::string note;
  std::uint32_t product = 0;
  std::uint32_t line = 0;
};

// Validates one value of an indicator and appends it to fd.indicators.
void addValue(const Ctx& ctx, const IndicatorCommon& c, const toml::node& valueNode, FileData& fd) {
  const std::uint32_t line = lineOf(valueNode) ? lineOf(valueNode) : c.line;
  Indicator ind;
  ind.kind = c.kind;
  ind.match = c.match;
  ind.confidence = c.confidence;
  ind.sourceUrl = c.sourceUrl;
  ind.sourceDate = c.sourceDate;
  ind.note = c.note;
  ind.product = c.product;
  ind.where = {fd.path, line};

  if (c.kind == IndicatorKind::kPort) {
    if (!valueNode.is_integer()) {
      ctx.err(line, "a port value must be an integer, not " + std::string(typeName(valueNode)));
      return;
    }
    const std::int64_t port = valueNode.as_integer()->get();
    if (port < 1 || port > 65535) {
      ctx.err(line, "port " + std::to_string(port) + " is outside 1..65535");
      return;
    }
    if (std::find(std::begin(kGenericPorts), std::end(kGenericPorts), port) !=
        std::end(kGenericPorts)) {
      ctx.err(line, "port " + std::to_string(port) +
                        " is generic (used by everyone); only distinctive ports are indicators");
      return;
    }
    ind.port = static_cast<std::uint16_t>(port);
    ind.transport = c.transport;
    ind.raw = std::to_string(port);
    ind.value = std::string(toString(c.transport)) + "/" + ind.raw;
    fd.indicators.push_back(std::move(ind));
    return;
  }

  if (!valueNode.is_string()) {
    ctx.err(line, "a " + std::string(toString(c.kind)) + " value must be a string, not " +
                      std::string(typeName(valueNode)));
    return;
  }
  const std::string raw = valueNode.as_string()->get();
  ind.raw = raw;
  std::string why;

  switch (c.kind) {
  case IndicatorKind::kDomain: {
    const bool pattern = c.match == DomainMatch::kPattern;
    auto name = normaliseDomain(raw, &why, pattern);
    if (!name) {
      ctx.err(line, "malformed domain '" + raw + "': " + why);
      return;
    }
    const auto labels = std::count(name->begin(), name->end(), '.') + 1;
    if (labels < 2) {
      ctx.err(line, "domain '" + *name + "' must have at least two labels");
      return;
    }
    if (pattern) {
      if (name->find('*') == std::string::npos) {
        ctx.err(line, "pattern '" + *name + "' has no '*' (use match = \"exact\")");
        return;
      }
      // The two rightmost labels must be literal, and the leftmost label must carry text.
      const auto lastDot = name->rfind('.');
      const auto prevDot = name->rfind('.', lastDot - 1);
      const std::string tail = prevDot == std::string::npos ? *name : name->substr(prevDot + 1);
      if (tail.find('*') != std::string::npos) {
        ctx.err(line, "pattern '" + *name + "': the two rightmost labels must be literal");
        return;
      }
      const std::string first = name->substr(0, name->find('.'));
      if (first == "*" || first.find_first_not_of('*') == std::string::npos) {
        ctx.err(line, "pattern '" + *name +
                          "': the leftmost label must contain literal text (use a suffix "
                          "indicator for '*.domain')");
        return;
      }
    }
    for (auto shared : kSharedEverything) {
      if (isOrUnder(*name, shared)) {
        ctx.err(line, "domain '" + *name + "' is shared third-party infrastructure ('" +
                          std::string(shared) + "'), never a vendor indicator");
        return;
      }
    }
    for (auto shared : kSharedHosting) {
      if (*name == shared || (c.match == DomainMatch::kSuffix && isOrUnder(*name, shared))) {
        ctx.err(line, "domain '" + *name + "' is shared third-party infrastructure ('" +
                          std::string(shared) +
                          "'); only vendor-specific hosts below it, as exact or pattern");
        return;
      }
    }
    ind.value = *name;
    break;
  }
  case IndicatorKind::kCertOrg: {
    ind.value = normaliseCertOrg(raw);
    if (ind.value.empty() || ind.value.size() > kMaxCertOrgLength) {
      ctx.err(line, "cert_org value '" + raw + "' is empty or too long after normalisation");
      return;
    }
    for (auto generic : kGenericCertOrgs) {
      if (ind.value == generic || ind.value.starts_with(std::string(generic) + " ")) {
        ctx.err(line,
                "cert_org '" + raw + "' is a generic CA/cloud organisation, not vendor-specific");
        return;
      }
    }
    break;
  }
  case IndicatorKind::kCidr: {
    auto cidr = parseCidr(raw, &why, /*strictHostBits=*/true);
    if (!cidr) {
      ctx.err(line, "malformed CIDR '" + raw + "': " + why);
      return;
    }
    if ((!cidr->v6 && cidr->prefixLen < 8) || (cidr->v6 && cidr->prefixLen < 16)) {
      ctx.err(line, "CIDR '" + raw + "' is too broad (minimum /8 for IPv4, /16 for IPv6)");
      return;
    }
    for (auto np : kNonPublicNets) {
      const auto net = parseCidr(np);
      if (net && cidrOverlaps(*net, *cidr)) {
        ctx.err(line, "CIDR '" + raw + "' overlaps non-public address space " + std::string(np) +
                          " (LAN-side addresses are not vendor indicators)");
        return;
      }
    }
    ind.cidr = *cidr;
    ind.value = formatCidr(*cidr);
    break;
  }
  case IndicatorKind::kJa3: {
    ind.value = toLower(raw);
    if (ind.value.size() != 32 || !isHex(ind.value)) {
      ctx.err(line, "malformed ja3 '" + raw + "': expected 32 hex digits (MD5)");
      return;
    }
    break;
  }
  case IndicatorKind::kJa4: {
    ind.value = toLower(raw);
    if (!isJa4(ind.value)) {
      ctx.err(line, "malformed ja4 '" + raw + "': expected e.g. t13d1516h2_8daaf6152771_" +
                        "e5627efa2ab1");
      return;
    }
    break;
  }
  case IndicatorKind::kHttpUserAgent: {
    ind.value = toLower(raw);
    if (ind.value.size() < 4 || ind.value.size() > 256) {
      ctx.err(line, "http_user_agent '" + raw + "' must be 4..256 characters");
      return;
    }
    for (char ch : ind.value) {
      if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) {
        ctx.err(line, "http_user_agent '" + raw + "' contains control characters");
        return;
      }
    }
    break;
  }
  case IndicatorKind::kPort:
    break; // handled above
  }
  fd.indicators.push_back(std::move(ind));
}

void parseIndicators(const Ctx& ctx, const toml::table& doc, FileData& fd,
                     const ManifestData& manifest) {
  forEachTable(ctx, doc, "indicator", [&](const toml::table& t) {
    IndicatorCommon c;
    c.line = lineOf(t);
    bool ok = true;
    checkKeys(ctx, t, "[[indicator]]",
              {"product", "kind", "match", "proto", "value", "values", "confidence", "source",
               "source_date", "note"});
    auto productId = getString(ctx, t, "product", "[[indicator]]", true);
    if (productId) {
      const auto it = std::find_if(fd.products.begin(), fd.products.end(),
                                   [&](const Product& p) { return p.id == *productId; });
      if (it == fd.products.end()) {
        ctx.err(lineOf(*t.get("product")),
                "unknown product '" + *productId + "' (not declared as [[product]] in this file)");
        ok = false;
      } else {
        c.product = static_cast<std::uint32_t>(it - fd.products.begin());
      }
    } else {
      ok = false;
    }
    auto kindStr = getString(ctx, t, "kind", "[[indicator]]", true);
    if (kindStr) {
      if (auto k = parseIndicatorKind(*kindStr)) {
        c.kind = *k;
      } else {
        ctx.err(lineOf(*t.get("kind")),
                "unknown kind '" + *kindStr +
                    "' (expected domain, cert_org, cidr, ja3, ja4, http_user_agent or port)");
        ok = false;
      }
    } else {
      ok = false;
    }
    if (ok && c.kind == IndicatorKind::kDomain) {
      if (auto m = getString(ctx, t, "match", "[[indicator]] of kind domain", true)) {
        if (auto dm = parseDomainMatch(*m))
          c.match = *dm;
        else {
          ctx.err(lineOf(*t.get("match")),
                  "unknown match '" + *m + "' (expected exact, suffix or pattern)");
          ok = false;
        }
      } else {
        ok = false;
      }
    } else if (ok && t.get("match")) {
      ctx.err(lineOf(*t.get("match")), "key 'match' is only valid for kind = \"domain\"");
      ok = false;
    }
    if (ok && c.kind == IndicatorKind::kPort) {
      if (auto p = getString(ctx, t, "proto", "[[indicator]] of kind port", true)) {
        if (auto tr = parseTransport(*p))
          c.transport = *tr;
        else {
          ctx.err(lineOf(*t.get("proto")), "unknown proto '" + *p + "' (expected tcp or udp)");
          ok = false;
        }
      } else {
        ok = false;
      }
    } else if (ok && t.get("proto")) {
      ctx.err(lineOf(*t.get("proto")), "key 'proto' is only valid for kind = \"port\"");
      ok = false;
    }
    if (auto s = getString(ctx, t, "confidence", "[[indicator]]", true)) {
      if (auto cf = parseConfidence(*s))
        c.confidence = *cf;
      else {
        ctx.err(lineOf(*t.get("confidence")),
                "unknown confidence '" + *s + "' (expected high, medium or low)");
        ok = false;
      }
    } else {
      ok = false;
    }
    if (auto s = getString(ctx, t, "source", "[[indicator]]", true)) {
      std::string why;
      if (!isHttpUrl(*s, why)) {
        ctx.err(lineOf(*t.get("source")), "bad source URL '" + *s + "': " + why);
        ok = false;
      }
      c.sourceUrl = *s;
    } else {
      ok = false;
    }
    if (const toml::node* d = t.get("source_date")) {
      if (!d->is_date()) {
        ctx.err(lineOf(*d), "key 'source_date' must be a TOML date like 2026-11-22, not " +
                                std::string(typeName(*d)));
        ok = false;
      } else {
        const toml::date date = d->as_date()->get();
        if (!validDate(date) || date.year < 1990) {
          ctx.err(lineOf(*d), "bad source_date " + formatDate(date));
          ok = false;
        } else if (manifest.ok && manifest.date < date) {
          ctx.err(lineOf(*d), "bad source_date " + formatDate(date) +
                                  ": after the signature set date " + manifest.info.date);
          ok = false;
        }
        c.sourceDate = formatDate(date);
      }
    } else {
      ctx.err(lineOf(t), "missing required key 'source_date' in [[indicator]]");
      ok = false;
    }
    if (auto s = getString(ctx, t, "note", "[[indicator]]", false))
      c.note = *s;

    const toml::node* value = t.get("value");
    const toml::node* values = t.get("values");
    if (value && values) {
      ctx.err(lineOf(*values), "use either 'value' or 'values', not both");
      return;
    }
    if (!value && !values) {
      ctx.err(lineOf(t), "missing required key 'value' (or 'values') in [[indicator]]");
      return;
    }
    if (!ok)
      return;
    if (value) {
      addValue(ctx, c, *value, fd);
      return;
    }
    const toml::array* arr = values->as_array();
    if (!arr) {
      ctx.err(lineOf(*values),
              "key 'values' must be an array, not " + std::string(typeName(*values)));
      return;
    }
    if (arr->empty()) {
      ctx.err(lineOf(*values), "key 'values' must not be empty");
      return;
    }
    for (const toml::node& el : *arr)
      addValue(ctx, c, el, fd);
  });
}

void parseVendorFile(std::vector<LoadError>& errors, const SourceText& f, std::string stem,
                     const ManifestData& manifest, std::vector<FileData>& out) {
  const Ctx ctx{errors, f.path};
  const auto doc = parseToml(ctx, f);
  if (!doc)
    return;
  FileData fd;
  fd.path = f.path;
  fd.stem = std::move(stem);
  checkKeys(ctx, *doc, "the vendor file", {"vendor", "product", "indicator"});
  parseVendorTable(ctx, *doc, fd);
  parseProducts(ctx, *doc, fd);
  if (fd.products.empty() && !doc->get("product"))
    ctx.err(1, "vendor file declares no [[product]]");
  parseIndicators(ctx, *doc, fd, manifest);
  // Every product needs at least one indicator.
  for (std::uint32_t p = 0; p < fd.products.size(); ++p) {
    const bool used = std::any_of(fd.indicators.begin(), fd.indicators.end(),
                                  [&](const Indicator& i) { return i.product == p; });
    if (!used)
      ctx.err(fd.products[p].where.line, "product '" + fd.products[p].id + "' has no indicators");
  }
  out.push_back(std::move(fd));
}

} // namespace

namespace {

LoadResult loadImpl(std::vector<SourceText> files, const LoadOptions& options,
                    std::string dirLabel) {
  LoadResult result;
  std::vector<LoadError>& errors = result.errors;
  for (auto& f : files)
    if (f.path.empty())
      f.path = f.name;
  std::sort(files.begin(), files.end(),
            [](const SourceText& a, const SourceText& b) { return a.name < b.name; });

  // Manifest first: its date bounds every source_date.
  ManifestData manifest;
  for (const auto& f : files) {
    if (f.name == kManifestFile)
      parseManifest(Ctx{errors, f.path}, f, manifest);
  }
  const std::string where = dirLabel.empty() ? std::string("signature set") : dirLabel;
  if (!manifest.present)
    errors.push_back({where, 0, "missing manifest " + std::string(kManifestFile)});

  std::vector<FileData> data;
  for (const auto& f : files) {
    if (f.name == kManifestFile)
      continue;
    if (!f.name.ends_with(".toml")) {
      errors.push_back({f.path, 0, "not a .toml file"});
      continue;
    }
    std::string stem = f.name.substr(0, f.name.size() - 5);
    if (stem.starts_with("_")) {
      errors.push_back(
          {f.path, 0,
           "unknown special file (the only '_' file is " + std::string(kManifestFile) + ")"});
      continue;
    }
    if (std::find(kVendorIds.begin(), kVendorIds.end(), stem) == kVendorIds.end()) {
      errors.push_back({f.path, 0,
                        "unknown vendor id '" + stem +
                            "' (file name must be <vendor-id>.toml for one of the "
                            "16 supported vendors)"});
      continue;
    }
    parseVendorFile(errors, f, std::move(stem), manifest, data);
  }
  if (options.requireAllVendors) {
    for (auto id : kVendorIds) {
      const bool have =
          std::any_of(data.begin(), data.end(), [&](const FileData& d) { return d.stem == id; });
      if (!have)
        errors.push_back({where, 0, "missing vendor file '" + std::string(id) + ".toml'"});
    }
  }

  // Duplicates: same kind + normalised value, within a vendor or across vendors.
  struct Seen {
    std::string path;
    std::uint32_t line;
    std::string vendor;
  };
  std::map<std::pair<IndicatorKind, std::string>, Seen> seen;
  for (const auto& fd : data) {
    for (const auto& ind : fd.indicators) {
      const auto key = std::make_pair(ind.kind, ind.value);
      const auto [it, inserted] = seen.emplace(key, Seen{fd.path, ind.where.line, fd.stem});
      if (inserted)
        continue;
      const Seen& first = it->second;
      const std::string what = std::string(toString(ind.kind)) + " '" + ind.value + "'";
      if (first.vendor == fd.stem)
        errors.push_back({fd.path, ind.where.line,
                          "duplicate indicator " + what + " (already defined at " + first.path +
                              ":" + std::to_string(first.line) + ")"});
      else
        errors.push_back({fd.path, ind.where.line,
                          "indicator " + what + " is claimed by two vendors: '" + first.vendor +
                              "' at " + first.path + ":" + std::to_string(first.line) + " and '" +
                              fd.stem + "' at " + fd.path + ":" + std::to_string(ind.where.line)});
    }
  }

  if (!errors.empty())
    return result;

  // Assemble in the canonical vendor order.
  std::sort(data.begin(), data.end(), [](const FileData& a, const FileData& b) {
    const auto ia = std::find(kVendorIds.begin(), kVendorIds.end(), a.stem);
    const auto ib = std::find(kVendorIds.begin(), kVendorIds.end(), b.stem);
    return ia < ib;
  });
  std::vector<Vendor> vendors;
  std::vector<Product> products;
  std::vector<Indicator> indicators;
  for (auto& fd : data) {
    const auto vendorIndex = static_cast<std::uint32_t>(vendors.size());
    const auto productBase = static_cast<std::uint32_t>(products.size());
    Vendor v = std::move(fd.vendor);
    for (auto& p : fd.products) {
      p.vendor = vendorIndex;
      v.products.push_back(static_cast<std::uint32_t>(products.size()));
      products.push_back(std::move(p));
    }
    for (auto& ind : fd.indicators) {
      ind.vendor = vendorIndex;
      ind.product += productBase;
      v.indicators.push_back(static_cast<std::uint32_t>(indicators.size()));
      indicators.push_back(std::move(ind));
    }
    vendors.push_back(std::move(v));
  }
  manifest.info.directory = std::move(dirLabel);
  result.set = std::make_shared<const SignatureSet>(std::move(manifest.info), std::move(vendors),
                                                    std::move(products), std::move(indicators));
  return result;
}

} // namespace

LoadResult loadSignatureTexts(std::vector<SourceText> files, const LoadOptions& options) {
  return loadImpl(std::move(files), options, "");
}

LoadResult loadSignatureDir(const std::filesystem::path& dir, const LoadOptions& options) {
  LoadResult result;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    result.errors.push_back({dir.string(), 0, "not a directory"});
    return result;
  }
  std::vector<SourceText> files;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const auto& entry = *it;
    const std::string name = entry.path().filename().string();
    if (name.empty() || name[0] == '.' || !name.ends_with(".toml"))
      continue;
    if (!entry.is_regular_file(ec))
      continue;
    std::ifstream in(entry.path(), std::ios::binary);
    if (!in) {
      result.errors.push_back({entry.path().string(), 0, "cannot read file"});
      continue;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    files.push_back({name, ss.str(), entry.path().string()});
  }
  if (ec)
    result.errors.push_back({dir.string(), 0, "cannot list directory: " + ec.message()});
  if (!result.errors.empty())
    return result;
  if (files.empty()) {
    result.errors.push_back({dir.string(), 0, "no .toml files"});
    return result;
  }
  return loadImpl(std::move(files), options, dir.string());
}

} // namespace vw::signatures
