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

// ---- generic values of the on-prem kinds (rejected: they would fire on unrelated software) ----

constexpr std::size_t kMinBannerLength = 4;
constexpr std::size_t kMaxBannerLength = 128;
constexpr std::size_t kMinHeaderValueLength = 4;
constexpr std::size_t kMaxHeaderValueLength = 128;
constexpr std::size_t kMaxHeaderNameLength = 64;
constexpr std::size_t kMinPathLength = 4;
constexpr std::size_t kMaxPathLength = 256;
constexpr std::size_t kMaxCertRdns = 4;
constexpr std::size_t kMinCertPrefixLength = 4;
constexpr std::size_t kMaxSyslogNameLength = 63;
constexpr std::size_t kMaxKvTerms = 8;
constexpr std::size_t kMaxKvKeyLength = 32;
constexpr std::size_t kMaxKvPrefixLength = 64;
constexpr std::size_t kMaxDpiNameLength = 32;

// Protocol greetings every implementation sends: a banner must carry at least 4 more bytes.
constexpr std::string_view kGenericBannerProtocols[] = {
    "SSH-2.0-",  "SSH-1.99-", "SSH-1.5-", "220 ", "220-", "+OK ", "* OK ",
    "HTTP/1.0 ", "HTTP/1.1 ", "RFB 00",   "200 ", "AMQP", "-ERR "};

// Widely used software whose banner is no vendor's product.
constexpr std::string_view kGenericBannerSoftware[] = {
    "SSH-2.0-OpenSSH", "SSH-1.99-OpenSSH", "SSH-2.0-dropbear",      "SSH-2.0-libssh",
    "SSH-2.0-PuTTY",   "SSH-2.0-Go",       "SSH-2.0-paramiko",      "SSH-2.0-JSCH",
    "SSH-2.0-WinSCP",  "SSH-2.0-AsyncSSH", "SSH-2.0-Cisco",         "SSH-2.0-ROSSSH",
    "220 ProFTPD",     "220 (vsFTPd",      "220 Microsoft FTP",     "220-FileZilla",
    "220 FileZilla",   "220 Pure-FTPd",    "220-Pure-FTPd",         "* OK [CAPABILITY IMAP4rev1",
    "* OK Dovecot",    "+OK Dovecot",      "220 mail ESMTP Postfix"};

// HTTP headers whose values are never vendor-specific, or that other kinds cover.
constexpr std::string_view kGenericHeaders[] = {"date",
                                                "content-length",
                                                "content-type",
                                                "connection",
                                                "transfer-encoding",
                                                "cache-control",
                                                "pragma",
                                                "expires",
                                                "last-modified",
                                                "etag",
                                                "accept",
                                                "accept-encoding",
                                                "accept-language",
                                                "vary",
                                                "keep-alive",
                                                "content-encoding",
                                                "accept-ranges",
                                                "age",
                                                "content-language",
                                                "upgrade",
                                                "referer",
                                                "cookie",
                                                "x-forwarded-for",
                                                "x-real-ip",
                                                "strict-transport-security",
                                                "x-frame-options",
                                                "x-content-type-options",
                                                "x-xss-protection",
                                                "content-security-policy"};

// Server software everybody runs (first token of Server / X-Powered-By / Via, lower-case).
constexpr std::string_view kGenericServers[] = {"apache",
                                                "nginx",
                                                "microsoft-iis",
                                                "iis",
                                                "lighttpd",
                                                "openresty",
                                                "cloudflare",
                                                "gws",
                                                "gse",
                                                "envoy",
                                                "istio-envoy",
                                                "caddy",
                                                "jetty",
                                                "apache-coyote",
                                                "tomcat",
                                                "gunicorn",
                                                "uvicorn",
                                                "werkzeug",
                                                "python",
                                                "basehttp",
                                                "simplehttp",
                                                "node",
                                                "express",
                                                "akamaighost",
                                                "awselb",
                                                "amazons3",
                                                "litespeed",
                                                "tengine",
                                                "varnish",
                                                "squid",
                                                "haproxy",
                                                "kestrel",
                                                "cowboy",
                                                "google frontend",
                                                "boa",
                                                "mini_httpd",
                                                "thttpd",
                                                "goahead-webs",
                                                "webs",
                                                "allegroserve",
                                                "microsoft-httpapi",
                                                "server",
                                                "undefined",
                                                "php",
                                                "asp.net",
                                                "1.1",
                                                "http/1.1",
                                                "jboss",
                                                "wildfly",
                                                "glassfish",
                                                "websphere",
                                                "oracle-http-server",
                                                "zope",
                                                "twistedweb",
                                                "tornadoserver",
                                                "waitress",
                                                "hypercorn",
                                                "daphne",
                                                "cherrypy",
                                                "rocket",
                                                "puma",
                                                "unicorn",
                                                "passenger",
                                                "phusion",
                                                "mongrel",
                                                "thin",
                                                "webrick",
                                                "resin",
                                                "sun-java-system",
                                                "openssl",
                                                "mod_ssl",
                                                "netty",
                                                "undertow",
                                                "grizzly",
                                                "vercel",
                                                "netlify",
                                                "github.com",
                                                "cloudfront",
                                                "ats",
                                                "yaws"};

// Paths every web application has.
constexpr std::string_view kGenericPaths[] = {
    "/index",        "/index.html",   "/index.htm", "/index.php",   "/index.jsp",  "/login",
    "/login.html",   "/login.htm",    "/login.php", "/login.jsp",   "/login.asp",  "/logout",
    "/admin",        "/admin/",       "/api",       "/api/",        "/api/v1",     "/api/v1/",
    "/api/v2",       "/api/v2/",      "/cgi-bin/",  "/favicon.ico", "/robots.txt", "/sitemap.xml",
    "/static/",      "/images/",      "/img/",      "/css/",        "/js/",        "/assets/",
    "/home",         "/auth",         "/auth/",     "/oauth",       "/oauth2",     "/wp-admin",
    "/wp-login.php", "/.well-known/", "/health",    "/healthz",     "/status",     "/ws",
    "/v1/",          "/v2/",          "/graphql",   "/metrics",     "/upload",     "/download",
    "/portal",       "/portal/",      "/dashboard", "/console",     "/manager",    "/webui",
    "/ui/",          "/app/",         "/public/",   "/signin",      "/sso",        "/saml"};

// Keys every syslog/key=value producer uses: a single-term kv indicator may not use them.
constexpr std::string_view kGenericKvKeys[] = {
    "src",    "dst",      "srcip",  "dstip",    "sport",   "dport",    "msg",     "message",
    "host",   "hostname", "user",   "action",   "proto",   "protocol", "service", "type",
    "level",  "date",     "time",   "severity", "program", "pid",      "app",     "src_ip",
    "dst_ip", "event",    "status", "id",       "name",    "tz",       "duration"};

// Syslog device vendors that say nothing about a product of ours.
constexpr std::string_view kGenericSyslogVendors[] = {
    "microsoft", "linux", "unix",   "syslog", "generic", "unknown", "cef",
    "leef",      "test",  "vendor", "none",   "n/a",     "-"};

// nDPI protocol names of plain protocols (as ndpiReader 4.2 prints them, compared case-blind).
constexpr std::string_view kGenericDpiNames[] = {
    "Unknown",  "FTP_CONTROL", "FTP_DATA",  "POP3",   "POPS",         "SMTP",       "SMTPS",
    "IMAP",     "IMAPS",       "DNS",       "HTTP",   "HTTP_Connect", "HTTP_Proxy", "MDNS",
    "NTP",      "NetBIOS",     "NFS",       "SSDP",   "BGP",          "SNMP",       "SMBv1",
    "SMBv23",   "Syslog",      "DHCP",      "DHCPV6", "TLS",          "DTLS",       "QUIC",
    "SSH",      "Telnet",      "STUN",      "IPsec",  "GRE",          "ICMP",       "ICMPV6",
    "IGMP",     "RTP",         "RTCP",      "RDP",    "VNC",          "SIP",        "LDAP",
    "Kerberos", "TFTP",        "OCSP",      "LLMNR",  "DoH_DoT",      "WebSocket",  "SOCKS",
    "Radius",   "OpenVPN",     "WireGuard", "PPTP",   "DCE_RPC",      "NetFlow",    "sFlow",
    "MQTT",     "AMQP",        "MsSQL-TDS", "MySQL",  "PostgreSQL",   "Redis",      "VRRP",
    "OSPF",     "SCTP",        "IP_in_IP",  "EGP",    "CAPWAP",       "Git",        "RSYNC"};

// Certificate CN values that name nothing (a cert indicator of only a CN must avoid them).
constexpr std::string_view kGenericCertCns[] = {"localhost",   "localhost localdomain",
                                                "localdomain", "self signed",
                                                "selfsigned",  "default",
                                                "test",        "server",
                                                "ca",          "root ca",
                                                "root",        "admin",
                                                "router",      "firewall",
                                                "gateway",     "device",
                                                "appliance",   "vpn",
                                                "www",         "example com",
                                                "snakeoil"};

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

bool ieq(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z')
      x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z')
      y = static_cast<char>(y - 'A' + 'a');
    if (x != y)
      return false;
  }
  return true;
}

bool hasControl(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

int hexDigit(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

// Banner escapes: `\xNN` (two hex digits) and `\\`; any other backslash is an error.
bool decodeBannerEscapes(std::string_view in, std::string& out, std::string& why) {
  out.clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '\\') {
      out += in[i];
      continue;
    }
    if (i + 1 < in.size() && in[i + 1] == '\\') {
      out += '\\';
      ++i;
      continue;
    }
    if (i + 3 < in.size() && in[i + 1] == 'x' && hexDigit(in[i + 2]) >= 0 &&
        hexDigit(in[i + 3]) >= 0) {
      out += static_cast<char>(hexDigit(in[i + 2]) * 16 + hexDigit(in[i + 3]));
      i += 3;
      continue;
    }
    why = "bad escape at offset " + std::to_string(i) + " (only \\xNN with two hex digits and " +
          "\\\\ are allowed)";
    return false;
  }
  return true;
}

// Canonical text of banner bytes: printable ASCII as is, backslash as `\\`, others `\xNN`.
std::string escapeBannerBytes(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\\')
      out += "\\\\";
    else if (c >= 0x20 && c < 0x7f)
      out += static_cast<char>(c);
    else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// Why a banner is too generic, or "" when it is distinctive.
std::string genericBanner(std::string_view b) {
  for (auto p : kGenericBannerProtocols) {
    if (p.starts_with(b))
      return "it is only the protocol greeting '" + escapeBannerBytes(p) + "'";
    if (b.starts_with(p) && b.size() < p.size() + kMinBannerLength)
      return "it needs at least " + std::to_string(kMinBannerLength) +
             " distinctive bytes after the protocol greeting '" + escapeBannerBytes(p) + "'";
  }
  for (auto g : kGenericBannerSoftware) {
    if (b.starts_with(g) || g.starts_with(b))
      return "it would match every '" + std::string(g) + "' server";
  }
  return {};
}

bool isHeaderToken(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  });
}

// Why a (lower-case) header value is a generic server, or "".
std::string genericServerValue(std::string_view v) {
  const std::string_view token = v.substr(0, v.find_first_of("/ ("));
  for (auto g : kGenericServers) {
    if (token == g || g.starts_with(v))
      return "'" + std::string(g) + "' is generic server software";
  }
  return {};
}

// Splits a CEF/LEEF "Vendor|Product" at the first unescaped '|', unescaping `\|` and `\\`.
bool splitVendorProduct(std::string_view in, std::string& vendor, std::string& product,
                        std::string& why) {
  std::string parts[2];
  int k = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '\\' && i + 1 < in.size() && (in[i + 1] == '|' || in[i + 1] == '\\')) {
      parts[k] += in[++i];
      continue;
    }
    if (c == '|') {
      if (++k > 1) {
        why = "more than one unescaped '|' (write \"Vendor|Product\"; escape a literal '|' as "
              "\\|)";
        return false;
      }
      continue;
    }
    parts[k] += c;
  }
  if (k != 1) {
    why = "expected \"Vendor|Product\"";
    return false;
  }
  vendor = parts[0];
  product = parts[1];
  return true;
}

bool isKvKey(std::string_view s) {
  return !s.empty() && s.size() <= kMaxKvKeyLength && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
  });
}

bool isDpiName(std::string_view s) {
  return s.size() >= 2 && s.size() <= kMaxDpiNameLength &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '.' || c == '-' || c == '(' || c == ')';
         });
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
  checkKeys(ctx, t, "[set]", {"version", "date", "description", "required_vendors"});
  if (const toml::node* rv = t.get("required_vendors")) {
    const toml::array* arr = rv->as_array();
    if (!arr) {
      ctx.err(lineOf(*rv), "key 'required_vendors' in [set] must be an array of vendor ids, not " +
                               std::string(typeName(*rv)));
    } else {
      for (const toml::node& el : *arr) {
        const std::uint32_t line = lineOf(el) ? lineOf(el) : lineOf(*rv);
        if (!el.is_string()) {
          ctx.err(line, "each entry of 'required_vendors' must be a string, not " +
                            std::string(typeName(el)));
          continue;
        }
        const std::string id = el.as_string()->get();
        if (!isValidVendorId(id)) {
          ctx.err(line, "required vendor id '" + id + "' must match [a-z0-9][a-z0-9-]{0,31}");
          continue;
        }
        if (std::find(m.info.requiredVendors.begin(), m.info.requiredVendors.end(), id) !=
            m.info.requiredVendors.end()) {
          ctx.err(line, "required vendor id '" + id + "' is listed twice");
          continue;
        }
        m.info.requiredVendors.push_back(id);
      }
    }
  }
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
    if (!isValidVendorId(*id))
      ctx.err(line, "vendor id '" + *id + "' must match [a-z0-9][a-z0-9-]{0,31}");
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
  ValueMatch valueMatch = ValueMatch::kExact;
  Transport transport = Transport::kTcp;
  std::vector<std::uint16_t> ports;
  std::string header;
  HttpDirection direction = HttpDirection::kResponse;
  CertPart part = CertPart::kAny;
  SyslogFormat syslogFormat = SyslogFormat::kCef;
  DpiInstance instance = DpiInstance::kBoth;
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
  ind.valueMatch = c.valueMatch;
  ind.ports = c.ports;
  ind.header = c.header;
  ind.direction = c.direction;
  ind.part = c.part;
  ind.syslogFormat = c.syslogFormat;
  ind.instance = c.instance;
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
    ind.rdns.push_back({CertAttr::kOrgAny, ind.value});
    ind.part = CertPart::kAny;
    ind.valueMatch = ValueMatch::kExact;
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
  case IndicatorKind::kBanner: {
    std::string bytes;
    if (!decodeBannerEscapes(raw, bytes, why)) {
      ctx.err(line, "banner '" + raw + "': " + why);
      return;
    }
    if (bytes.size() < kMinBannerLength) {
      ctx.err(line, "banner '" + raw + "' is shorter than " + std::to_string(kMinBannerLength) +
                        " bytes (too generic)");
      return;
    }
    if (bytes.size() > kMaxBannerLength) {
      ctx.err(line,
              "banner '" + raw + "' is longer than " + std::to_string(kMaxBannerLength) + " bytes");
      return;
    }
    if (const std::string g = genericBanner(bytes); !g.empty()) {
      ctx.err(line, "banner '" + raw + "' is generic: " + g);
      return;
    }
    ind.value = escapeBannerBytes(bytes);
    ind.bytes = std::move(bytes);
    break;
  }
  case IndicatorKind::kHttpHeader: {
    if (raw.empty()) {
      ctx.err(line, "http_header value must not be empty");
      return;
    }
    if (raw.size() < kMinHeaderValueLength || raw.size() > kMaxHeaderValueLength) {
      ctx.err(line, "http_header value '" + raw + "' must be " +
                        std::to_string(kMinHeaderValueLength) + ".." +
                        std::to_string(kMaxHeaderValueLength) + " characters");
      return;
    }
    if (hasControl(raw)) {
      ctx.err(line, "http_header value '" + raw + "' contains control characters");
      return;
    }
    if (raw.front() == ' ' || raw.front() == '\t') {
      ctx.err(line, "http_header value '" + raw + "' must not start with whitespace");
      return;
    }
    ind.headerValue = toLower(raw);
    if (ind.header == "server" || ind.header == "x-powered-by" || ind.header == "via") {
      if (const std::string g = genericServerValue(ind.headerValue); !g.empty()) {
        ctx.err(line, "http_header '" + ind.header + ": " + raw + "' is generic: " + g +
                          " (it would match unrelated servers)");
        return;
      }
    }
    ind.value = ind.header + ": " + ind.headerValue;
    break;
  }
  case IndicatorKind::kHttpPath: {
    if (raw.empty() || raw.front() != '/') {
      ctx.err(line, "http_path '" + raw + "' must start with '/'");
      return;
    }
    if (raw.size() < kMinPathLength || raw.size() > kMaxPathLength) {
      ctx.err(line, "http_path '" + raw + "' must be " + std::to_string(kMinPathLength) + ".." +
                        std::to_string(kMaxPathLength) + " characters");
      return;
    }
    for (char ch : raw) {
      if (static_cast<unsigned char>(ch) <= 0x20 || ch == 0x7f ||
          static_cast<unsigned char>(ch) >= 0x80 || ch == '?' || ch == '#') {
        ctx.err(line, "http_path '" + raw +
                          "' may not contain whitespace, control or non-ASCII characters, '?' or "
                          "'#' (the query is not matched)");
        return;
      }
    }
    for (auto g : kGenericPaths) {
      if (g.starts_with(raw)) {
        ctx.err(line, "http_path '" + raw + "' is generic: it would match every request for '" +
                          std::string(g) + "'");
        return;
      }
    }
    ind.value = raw;
    break;
  }
  case IndicatorKind::kCert: {
    if (raw.empty()) {
      ctx.err(line, "cert value must not be empty");
      return;
    }
    DnReader reader(raw);
    DnAttribute attr;
    std::string canon;
    bool anyOrg = false;
    while (reader.next(attr)) {
      const auto type = certAttrOf(attr.type);
      if (!type) {
        ctx.err(line, "cert value '" + raw + "': unknown attribute '" + std::string(attr.type) +
                          "' (allowed: CN, O, OU)");
        return;
      }
      const std::string norm = normaliseCertOrg(attr.value);
      if (norm.empty() || norm.size() > kMaxCertOrgLength) {
        ctx.err(line, "cert value '" + raw + "': " + std::string(attr.type) +
                          " is empty or too long after normalisation");
        return;
      }
      if (ind.valueMatch == ValueMatch::kPrefix && norm.size() < kMinCertPrefixLength) {
        ctx.err(line, "cert value '" + raw + "': prefix " + std::string(attr.type) + "='" +
                          std::string(attr.value) + "' is shorter than " +
                          std::to_string(kMinCertPrefixLength) + " characters");
        return;
      }
      for (auto generic : kGenericCertOrgs) {
        if (norm == generic || norm.starts_with(std::string(generic) + " ") ||
            (ind.valueMatch == ValueMatch::kPrefix &&
             std::string_view(generic).starts_with(norm))) {
          ctx.err(line, "cert value '" + raw + "': " + std::string(attr.type) + "='" +
                            std::string(attr.value) +
                            "' is a generic CA/cloud organisation, not vendor-specific");
          return;
        }
      }
      if (ind.rdns.size() == kMaxCertRdns) {
        ctx.err(line, "cert value '" + raw + "' has more than " + std::to_string(kMaxCertRdns) +
                          " attributes");
        return;
      }
      anyOrg = anyOrg || *type != CertAttr::kCn;
      ind.rdns.push_back({*type, norm});
      canon += (canon.empty() ? "" : ", ") + std::string(toString(*type)) + "=" + norm;
    }
    if (ind.rdns.empty()) {
      ctx.err(line, "malformed cert value '" + raw +
                        "': expected attributes like \"OU=FortiGate, O=Fortinet\"");
      return;
    }
    if (!anyOrg) {
      for (const auto& r : ind.rdns) {
        for (auto g : kGenericCertCns) {
          if (r.value == g || (ind.valueMatch == ValueMatch::kPrefix && g.starts_with(r.value))) {
            ctx.err(line, "cert value '" + raw + "': CN '" + r.value +
                              "' alone is generic (add the O or OU of the product)");
            return;
          }
        }
      }
    }
    ind.value = canon;
    break;
  }
  case IndicatorKind::kSyslog: {
    if (raw.empty()) {
      ctx.err(line, "syslog value must not be empty");
      return;
    }
    if (hasControl(raw)) {
      ctx.err(line, "syslog value '" + raw + "' contains control characters");
      return;
    }
    if (c.syslogFormat == SyslogFormat::kKv) {
      std::size_t pos = 0;
      bool strong = false;
      std::string canon;
      while (pos < raw.size()) {
        while (pos < raw.size() && raw[pos] == ' ')
          ++pos;
        if (pos >= raw.size())
          break;
        const std::size_t end = std::min(raw.find(' ', pos), raw.size());
        const std::string term = raw.substr(pos, end - pos);
        pos = end;
        const auto eq = term.find('=');
        if (eq == std::string::npos) {
          ctx.err(line, "syslog kv term '" + term + "' must be key=prefix");
          return;
        }
        KvTerm t{term.substr(0, eq), term.substr(eq + 1)};
        if (!isKvKey(t.key)) {
          ctx.err(line, "syslog kv key '" + t.key + "' must be 1.." +
                            std::to_string(kMaxKvKeyLength) + " of [A-Za-z0-9_.-]");
          return;
        }
        if (t.prefix.size() > kMaxKvPrefixLength || t.prefix.find('"') != std::string::npos) {
          ctx.err(line, "syslog kv prefix '" + t.prefix + "' must be at most " +
                            std::to_string(kMaxKvPrefixLength) +
                            " characters without quotes (values are matched unquoted)");
          return;
        }
        for (const auto& other : ind.kvTerms) {
          if (other.key == t.key) {
            ctx.err(line, "syslog kv key '" + t.key + "' appears twice");
            return;
          }
        }
        if (ind.kvTerms.size() == kMaxKvTerms) {
          ctx.err(line, "syslog kv value has more than " + std::to_string(kMaxKvTerms) + " terms");
          return;
        }
        strong = strong || t.prefix.size() >= 2;
        canon += (canon.empty() ? "" : " ") + term;
        ind.kvTerms.push_back(std::move(t));
      }
      if (ind.kvTerms.empty()) {
        ctx.err(line, "syslog kv value has no key=prefix term");
        return;
      }
      if (!strong) {
        ctx.err(line, "syslog kv value '" + raw +
                          "' is generic: at least one term needs a value prefix of 2 or more "
                          "characters");
        return;
      }
      if (ind.kvTerms.size() == 1) {
        const std::string key = toLower(ind.kvTerms[0].key);
        for (auto g : kGenericKvKeys) {
          if (key == g) {
            ctx.err(line, "syslog kv value '" + raw + "' is generic: key '" + ind.kvTerms[0].key +
                              "' is used by every log producer (add a product-specific term)");
            return;
          }
        }
      }
      ind.value = "kv:" + canon;
      break;
    }
    std::string vendor, product;
    if (!splitVendorProduct(raw, vendor, product, why)) {
      ctx.err(line,
              "syslog " + std::string(toString(c.syslogFormat)) + " value '" + raw + "': " + why);
      return;
    }
    if (vendor.empty() || product.empty() || vendor.size() > kMaxSyslogNameLength ||
        product.size() > kMaxSyslogNameLength) {
      ctx.err(line, "syslog " + std::string(toString(c.syslogFormat)) + " value '" + raw +
                        "': device vendor and product must each be 1.." +
                        std::to_string(kMaxSyslogNameLength) + " characters");
      return;
    }
    vendor = toLower(vendor);
    product = toLower(product);
    if (vendor == "*") {
      ctx.err(line, "syslog value '" + raw + "': the device vendor cannot be '*'");
      return;
    }
    for (auto g : kGenericSyslogVendors) {
      if (vendor == g) {
        ctx.err(line, "syslog value '" + raw + "' is generic: device vendor '" + vendor +
                          "' names no product of ours");
        return;
      }
    }
    ind.deviceVendor = vendor;
    ind.deviceProduct = product;
    ind.value = std::string(toString(c.syslogFormat)) + ":" + vendor + "|" + product;
    break;
  }
  case IndicatorKind::kDpi: {
    if (!isDpiName(raw)) {
      ctx.err(line, "dpi value '" + raw + "' must be an nDPI protocol name (2.." +
                        std::to_string(kMaxDpiNameLength) + " of [A-Za-z0-9_.()-])");
      return;
    }
    for (auto g : kGenericDpiNames) {
      if (ieq(raw, g)) {
        ctx.err(line, "dpi value '" + raw + "' is a generic protocol, not a product");
        return;
      }
    }
    ind.value = raw;
    break;
  }
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
               "source_date", "note", "ports", "header", "direction", "part", "format",
               "instance"});
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
                    "' (expected domain, cert_org, cidr, ja3, ja4, http_user_agent, port, banner, "
                    "http_header, http_path, cert, syslog or dpi)");
        ok = false;
      }
    } else {
      ok = false;
    }
    // Kind-specific keys: a key given for another kind is an error.
    const auto onlyFor = [&](std::string_view key, std::initializer_list<IndicatorKind> kinds,
                             std::string_view kindsText) {
      const toml::node* n = t.get(key);
      if (!ok || !n)
        return;
      if (std::find(kinds.begin(), kinds.end(), c.kind) == kinds.end()) {
        ctx.err(lineOf(*n), "key '" + std::string(key) +
                                "' is only valid for kind = " + std::string(kindsText));
        ok = false;
      }
    };
    onlyFor("match", {IndicatorKind::kDomain, IndicatorKind::kBanner, IndicatorKind::kCert},
            "\"domain\", \"banner\" or \"cert\"");
    onlyFor("proto", {IndicatorKind::kPort}, "\"port\"");
    onlyFor("ports", {IndicatorKind::kBanner}, "\"banner\"");
    onlyFor("header", {IndicatorKind::kHttpHeader}, "\"http_header\"");
    onlyFor("direction", {IndicatorKind::kHttpHeader}, "\"http_header\"");
    onlyFor("part", {IndicatorKind::kCert}, "\"cert\"");
    onlyFor("format", {IndicatorKind::kSyslog}, "\"syslog\"");
    onlyFor("instance", {IndicatorKind::kDpi}, "\"dpi\"");
    const std::string whereKind =
        ok ? "[[indicator]] of kind " + std::string(toString(c.kind)) : std::string();
    // Reads an optional (or required) enumeration key into `out`.
    const auto enumKey = [&](std::string_view key, bool required, std::string_view expected,
                             auto parse, auto& out) {
      if (!ok)
        return;
      if (!required && !t.get(key))
        return;
      auto v = getString(ctx, t, key, whereKind, true);
      if (!v) {
        ok = false;
        return;
      }
      if (auto e = parse(*v)) {
        out = *e;
      } else {
        ctx.err(lineOf(*t.get(key)), "unknown " + std::string(key) + " '" + *v + "' (expected " +
                                         std::string(expected) + ")");
        ok = false;
      }
    };
    if (ok && c.kind == IndicatorKind::kDomain)
      enumKey("match", true, "exact, suffix or pattern", parseDomainMatch, c.match);
    if (ok && c.kind == IndicatorKind::kBanner) {
      c.valueMatch = ValueMatch::kPrefix;
      enumKey("match", false, "prefix or exact", parseValueMatch, c.valueMatch);
    }
    if (ok && c.kind == IndicatorKind::kCert) {
      c.valueMatch = ValueMatch::kExact;
      enumKey("match", false, "exact or prefix", parseValueMatch, c.valueMatch);
      enumKey("part", false, "subject, issuer or any", parseCertPart, c.part);
    }
    if (ok && c.kind == IndicatorKind::kPort)
      enumKey("proto", true, "tcp or udp", parseTransport, c.transport);
    if (ok && c.kind == IndicatorKind::kHttpHeader)
      enumKey("direction", false, "response or request", parseHttpDirection, c.direction);
    if (ok && c.kind == IndicatorKind::kSyslog)
      enumKey("format", true, "cef, leef or kv", parseSyslogFormat, c.syslogFormat);
    if (ok && c.kind == IndicatorKind::kDpi)
      enumKey("instance", true, "initiator, responder or both", parseDpiInstance, c.instance);
    if (ok && c.kind == IndicatorKind::kHttpHeader) {
      if (auto h = getString(ctx, t, "header", whereKind, true)) {
        const std::uint32_t hl = lineOf(*t.get("header"));
        const std::string name = toLower(*h);
        if (!isHeaderToken(*h) || h->size() > kMaxHeaderNameLength) {
          ctx.err(hl, "header name '" + *h + "' must be 1.." +
                          std::to_string(kMaxHeaderNameLength) + " HTTP token characters");
          ok = false;
        } else if (name == "host") {
          ctx.err(hl, "header 'Host' is matched by kind = \"domain\", not http_header");
          ok = false;
        } else if (name == "user-agent") {
          ctx.err(hl,
                  "header 'User-Agent' is matched by kind = \"http_user_agent\", not http_header");
          ok = false;
        } else if (std::find(std::begin(kGenericHeaders), std::end(kGenericHeaders), name) !=
                   std::end(kGenericHeaders)) {
          ctx.err(hl, "header '" + *h + "' carries no vendor-specific value");
          ok = false;
        }
        c.header = name;
      } else {
        ok = false;
      }
    }
    if (ok && c.kind == IndicatorKind::kBanner) {
      if (const toml::node* pn = t.get("ports")) {
        const toml::array* arr = pn->as_array();
        if (!arr || arr->empty()) {
          ctx.err(lineOf(*pn), "key 'ports' must be a non-empty array of port numbers");
          ok = false;
        } else {
          for (const toml::node& el : *arr) {
            const std::uint32_t pl = lineOf(el) ? lineOf(el) : lineOf(*pn);
            if (!el.is_integer()) {
              ctx.err(pl, "a port in 'ports' must be an integer, not " + std::string(typeName(el)));
              ok = false;
              continue;
            }
            const std::int64_t port = el.as_integer()->get();
            if (port < 1 || port > 65535) {
              ctx.err(pl, "port " + std::to_string(port) + " in 'ports' is outside 1..65535");
              ok = false;
              continue;
            }
            const auto p16 = static_cast<std::uint16_t>(port);
            if (std::find(c.ports.begin(), c.ports.end(), p16) != c.ports.end()) {
              ctx.err(pl, "port " + std::to_string(port) + " appears twice in 'ports'");
              ok = false;
              continue;
            }
            c.ports.push_back(p16);
          }
          std::sort(c.ports.begin(), c.ports.end());
        }
      }
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

// What makes two indicators of one kind the same (duplicate detection): the normalised value,
// plus the direction of an http_header and the part of a cert.
std::string identityOf(const Indicator& ind) {
  switch (ind.kind) {
  case IndicatorKind::kHttpHeader:
    return ind.direction == HttpDirection::kRequest ? "request " + ind.value : ind.value;
  case IndicatorKind::kCert:
    return ind.part == CertPart::kAny ? ind.value
                                      : std::string(toString(ind.part)) + " " + ind.value;
  case IndicatorKind::kDpi:
    return toLower(ind.value);
  default:
    return ind.value;
  }
}

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
    if (!isValidVendorId(stem)) {
      errors.push_back({f.path, 0,
                        "bad vendor file name '" + f.name +
                            "': must be <vendor-id>.toml with an id matching "
                            "[a-z0-9][a-z0-9-]{0,31}"});
      continue;
    }
    parseVendorFile(errors, f, std::move(stem), manifest, data);
  }
  if (options.requireAllVendors) {
    for (const auto& id : manifest.info.requiredVendors) {
      const bool have =
          std::any_of(data.begin(), data.end(), [&](const FileData& d) { return d.stem == id; });
      if (!have)
        errors.push_back({where, 0,
                          "missing vendor file '" + id + ".toml' (listed in required_vendors of " +
                              std::string(kManifestFile) + ")"});
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
      const auto key = std::make_pair(ind.kind, identityOf(ind));
      const auto [it, inserted] = seen.emplace(key, Seen{fd.path, ind.where.line, fd.stem});
      if (inserted)
        continue;
      const Seen& first = it->second;
      const std::string what = std::string(toString(ind.kind)) + " '" + identityOf(ind) + "'";
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

  // Assemble in the canonical vendor order: the manifest's required_vendors order, then the
  // other vendors sorted by id.
  const auto& req = manifest.info.requiredVendors;
  const auto rank = [&](const FileData& d) {
    return static_cast<std::size_t>(std::find(req.begin(), req.end(), d.stem) - req.begin());
  };
  std::sort(data.begin(), data.end(), [&](const FileData& a, const FileData& b) {
    const auto ra = rank(a), rb = rank(b);
    return ra != rb ? ra < rb : a.stem < b.stem;
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
