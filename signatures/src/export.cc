// Export of the signature set to other tools' formats (see export.h).
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>

#include <vw/signatures/export.h>
#include <vw/signatures/normalise.h>

namespace vw::signatures {
namespace {

std::string hex2(unsigned char c) {
  char b[4];
  std::snprintf(b, sizeof b, "%02X", c);
  return b;
}

/// Suricata content string: printable ASCII except " ; \ | as is, everything else |XX|.
std::string suricataContent(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f && c != '"' && c != ';' && c != '\\' && c != '|')
      out += static_cast<char>(c);
    else
      out += "|" + hex2(c) + "|";
  }
  return out;
}

/// Text safe inside a Suricata msg / metadata value or a Zeek field or a comment line.
std::string plainText(const std::string& s) {
  std::string out;
  for (unsigned char c : s)
    out +=
        (c < 0x20 || c == 0x7f || c == '"' || c == ';' || c == '\\') ? ' ' : static_cast<char>(c);
  return out;
}

/// Text safe on a comment line: control characters become spaces.
std::string commentText(const std::string& s) {
  std::string out;
  for (unsigned char c : s)
    out += (c < 0x20 || c == 0x7f) ? ' ' : static_cast<char>(c);
  return out;
}

std::string csvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos)
    return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"')
      out += '"';
    out += c;
  }
  return out + "\"";
}

bool isHostPrefix(const Cidr& c) {
  return c.prefixLen == (c.v6 ? 128 : 32);
}

std::string cidrAddr(const Indicator& i) {
  const auto slash = i.value.find('/');
  return slash == std::string::npos ? i.value : i.value.substr(0, slash);
}

struct Ctx {
  const SignatureSet& set;
  std::vector<const Vendor*> vendors;
  std::string out;
  void comment(const char* lead, const std::string& text) {
    out += lead;
    out += ' ';
    out += commentText(text);
    out += '\n';
  }
  void provenance(const char* lead, const std::string& format) {
    const auto& info = set.info();
    comment(lead, "vendorwatch signature export, format " + format);
    comment(lead, "signature set version " + info.version + ", dated " + info.date);
    std::string ids;
    for (const Vendor* v : vendors)
      ids += (ids.empty() ? "" : " ") + v->id;
    comment(lead, "vendors: " + ids);
  }
  std::string label(const Indicator& i) const {
    return set.vendorOf(i).name + " / " + set.productOf(i).id;
  }
  std::string skipped(const Indicator& i, const std::string& why) const {
    return "skipped " + std::string(toString(i.kind)) +
           (i.kind == IndicatorKind::kDomain ? " (" + std::string(toString(i.match)) + ")" : "") +
           " " + i.value + " [" + label(i) + "]: " + why;
  }
};

bool suricata(Ctx& c, std::string& err) {
  c.provenance("#", "suricata");
  c.comment("#", "sids " + std::to_string(kSuricataSidBase) + "-" +
                     std::to_string(kSuricataSidBase + 99999) +
                     " are reserved for vendorwatch exports; rev follows the set version.");
  c.comment("#", "Domain suffixes use dotprefix + endswith (matches the name and its "
                 "subdomains); exact names use bsize. ja3.hash rules need app-layer "
                 "tls.ja3-fingerprints enabled.");
  c.comment("#", "On-prem kinds: banners are stream content at offset 0 (flow to the client; SSH "
                 "lines either way), HTTP headers use http.server / http.response_header / "
                 "http.request_header, paths http.uri with startswith, certificates "
                 "tls.cert_subject / tls.cert_issuer (one content per attribute: Suricata "
                 "cannot anchor an attribute's end, so exact attributes match as prefixes), CEF "
                 "and LEEF headers a content on TCP and UDP payloads.");
  std::uint32_t sid = kSuricataSidBase;
  const std::string& ver = c.set.info().version;
  // `header` is the part of the rule header after the protocol, e.g. "$HOME_NET any -> any any".
  auto ruleH = [&](const std::string& proto, const std::string& header, const Indicator& i,
                   const std::string& what, const std::string& body) {
    if (sid > kSuricataSidBase + 99999)
      return;
    const Vendor& v = c.set.vendorOf(i);
    c.out +=
        "alert " + proto + " " + header + " (msg:\"" +
        plainText("VW " + v.name + " (" + c.set.productOf(i).id + ") " + what + " " + i.value) +
        "\"; " + body + "classtype:policy-violation; metadata:vw_vendor " + plainText(v.id) +
        ", vw_product " + plainText(c.set.productOf(i).id) + ", vw_confidence " +
        std::string(toString(i.confidence)) + ", vw_set " + plainText(ver) +
        "; sid:" + std::to_string(sid++) + "; rev:1;)\n";
  };
  auto rule = [&](const std::string& proto, const std::string& dst, const Indicator& i,
                  const std::string& what, const std::string& body) {
    ruleH(proto, "$HOME_NET any -> " + dst + " any", i, what, body);
  };
  for (const Vendor* v : c.vendors) {
    c.out += "\n# " + plainText(v->name) + " (" + v->id + ")\n";
    for (auto idx : v->indicators) {
      const Indicator& i = c.set.indicators()[idx];
      switch (i.kind) {
      case IndicatorKind::kDomain: {
        if (i.match == DomainMatch::kPattern) {
          c.comment("#", c.skipped(i, "glob patterns are not exported"));
          break;
        }
        const bool suffix = i.match == DomainMatch::kSuffix;
        auto body = [&](const std::string& buf, bool nocase) {
          std::string b = buf + "; ";
          if (suffix)
            b += "dotprefix; content:\"." + suricataContent(i.value) + "\"; " +
                 (nocase ? "nocase; " : "") + "endswith; ";
          else
            b += "content:\"" + suricataContent(i.value) + "\"; " + (nocase ? "nocase; " : "") +
                 "bsize:" + std::to_string(i.value.size()) + "; ";
          return b;
        };
        rule("tls", "any", i, "TLS SNI", body("tls.sni", true));
        rule("dns", "any", i, "DNS query", body("dns.query", true));
        rule("http", "any", i, "HTTP Host", body("http.host", false));
        break;
      }
      case IndicatorKind::kCidr:
        rule("ip", "[" + (isHostPrefix(i.cidr) ? cidrAddr(i) : i.value) + "]", i, "address", "");
        break;
      case IndicatorKind::kHttpUserAgent:
        rule("http", "any", i, "User-Agent",
             "http.user_agent; content:\"" + suricataContent(i.value) + "\"; nocase; ");
        break;
      case IndicatorKind::kJa3:
        rule("tls", "any", i, "JA3", "ja3.hash; content:\"" + suricataContent(i.value) + "\"; ");
        break;
      case IndicatorKind::kBanner: {
        std::string ports = "any";
        if (!i.ports.empty()) {
          ports = "[";
          for (std::size_t k = 0; k < i.ports.size(); ++k)
            ports += (k ? "," : "") + std::to_string(i.ports[k]);
          ports += "]";
        }
        const bool ssh = i.bytes.starts_with("SSH-");
        const std::string body =
            std::string(ssh ? "flow:established; " : "flow:established,to_client; ") +
            "content:\"" + suricataContent(i.bytes) + "\"; startswith; " +
            (i.valueMatch == ValueMatch::kExact ? "dsize:" + std::to_string(i.bytes.size()) + "; "
                                                : std::string());
        if (ssh) // the SSH identification line of either side
          ruleH("tcp", "any any -> any any", i, "banner", body);
        else // sent by the server, from its port
          ruleH("tcp", "any " + ports + " -> any any", i, "banner", body);
        break;
      }
      case IndicatorKind::kHttpHeader: {
        const bool request = i.direction == HttpDirection::kRequest;
        const std::string header = request ? "any any -> any any" : "any any -> any any";
        if (!request && i.header == "server")
          ruleH("http", header, i, "Server header",
                "flow:established,to_client; http.server; content:\"" +
                    suricataContent(i.headerValue) + "\"; nocase; startswith; ");
        else
          ruleH("http", header, i, request ? "request header" : "response header",
                std::string(request ? "flow:established,to_server; http.request_header; "
                                    : "flow:established,to_client; http.response_header; ") +
                    "content:\"" + suricataContent(i.header + ": " + i.headerValue) +
                    "\"; nocase; startswith; ");
        break;
      }
      case IndicatorKind::kHttpPath:
        ruleH("http", "any any -> any any", i, "request path",
              "flow:established,to_server; http.uri; content:\"" + suricataContent(i.value) +
                  "\"; startswith; ");
        break;
      case IndicatorKind::kCert: {
        // The attributes as written (RFC 4514 escapes dropped), one content each.
        std::string contents;
        DnReader reader(i.raw);
        DnAttribute attr;
        while (reader.next(attr)) {
          std::string value;
          for (std::size_t k = 0; k < attr.value.size(); ++k) {
            if (attr.value[k] == '\\' && k + 1 < attr.value.size())
              ++k;
            value += attr.value[k];
          }
          std::string type(attr.type);
          for (char& ch : type)
            ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
          contents += "content:\"" + suricataContent(type + "=" + value) + "\"; nocase; ";
        }
        if (i.part != CertPart::kIssuer)
          ruleH("tls", "any any -> any any", i, "certificate subject",
                "tls.cert_subject; " + contents);
        if (i.part != CertPart::kSubject)
          ruleH("tls", "any any -> any any", i, "certificate issuer",
                "tls.cert_issuer; " + contents);
        break;
      }
      case IndicatorKind::kSyslog: {
        if (i.syslogFormat == SyslogFormat::kKv) {
          c.comment("#", c.skipped(i, "key=value terms (values may be quoted) are not exported"));
          break;
        }
        std::string vendorProduct = "|" + i.deviceVendor + "|";
        if (i.deviceProduct != "*")
          vendorProduct += i.deviceProduct + "|";
        const std::string body =
            i.syslogFormat == SyslogFormat::kCef
                ? "content:\"CEF:0" + suricataContent(vendorProduct) + "\"; nocase; "
                : "content:\"LEEF:\"; content:\"" + suricataContent(vendorProduct) +
                      "\"; nocase; distance:0; within:" + std::to_string(vendorProduct.size() + 4) +
                      "; ";
        ruleH("udp", "any any -> any any", i, "syslog header", body);
        ruleH("tcp", "any any -> any any", i, "syslog header", "flow:established; " + body);
        break;
      }
      default:
        c.comment("#", c.skipped(i, "no Suricata rule for this kind"));
      }
    }
  }
  if (sid > kSuricataSidBase + 100000) {
    err = "too many rules for the reserved sid range";
    return false;
  }
  return true;
}

void zeek(Ctx& c) {
  c.out += "#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\n";
  c.provenance("#", "zeek-intel");
  c.comment("#", "Zeek matches Intel::DOMAIN exactly: a suffix indicator is exported as its "
                 "apex name only, so subdomains (e.g. ts01.example.com for example.com) are NOT "
                 "matched by Zeek; use the Suricata or RPZ export for suffix semantics.");
  const std::string source = "vendorwatch-" + plainText(c.set.info().version);
  for (const Vendor* v : c.vendors) {
    for (auto idx : v->indicators) {
      const Indicator& i = c.set.indicators()[idx];
      std::string type, value = i.value, note;
      if (i.kind == IndicatorKind::kDomain) {
        if (i.match == DomainMatch::kPattern) {
          c.comment("#", c.skipped(i, "Zeek intel has no wildcard domains"));
          continue;
        }
        type = "Intel::DOMAIN";
        if (i.match == DomainMatch::kSuffix)
          note = " [suffix in vendorwatch: apex only, subdomains not matched]";
      } else if (i.kind == IndicatorKind::kCidr) {
        if (isHostPrefix(i.cidr)) {
          type = "Intel::ADDR";
          value = cidrAddr(i);
        } else {
          type = "Intel::SUBNET";
        }
      } else {
        c.comment("#", c.skipped(i, "no Zeek intel type for this kind"));
        continue;
      }
      const Product& p = c.set.productOf(i);
      c.out += plainText(value) + "\t" + type + "\t" + source + "\t" +
               plainText(v->name + " " + p.id + " (" + std::string(toString(p.role)) + ", " +
                         std::string(toString(i.confidence)) + " confidence)" + note) +
               "\n";
    }
  }
}

void ndpi(Ctx& c) {
  c.provenance("#", "ndpi-protos (ndpiReader -p FILE)");
  c.comment("#", "One custom protocol per vendor. nDPI matches host names by suffix, so exact "
                 "names also match their subdomains. IPv6 prefixes and glob patterns are skipped.");
  for (const Vendor* v : c.vendors) {
    const std::string proto = ndpiProtocolName(*v);
    c.out += "\n# " + plainText(v->name) + " (" + v->id + ")\n";
    for (auto idx : v->indicators) {
      const Indicator& i = c.set.indicators()[idx];
      if (i.kind == IndicatorKind::kDomain) {
        if (i.match == DomainMatch::kPattern) {
          c.comment("#", c.skipped(i, "nDPI host rules have no wildcards"));
          continue;
        }
        bool ok = std::all_of(i.value.begin(), i.value.end(), [](unsigned char ch) {
          return std::isalnum(ch) || ch == '.' || ch == '-' || ch == '_';
        });
        if (!ok) {
          c.comment("#", c.skipped(i, "characters nDPI cannot parse"));
          continue;
        }
        c.out += "host:\"" + i.value + "\"@" + proto + "\n";
      } else if (i.kind == IndicatorKind::kCidr && !i.cidr.v6) {
        c.out += "ip:" + i.value + "@" + proto + "\n";
      } else {
        c.comment("#", c.skipped(i, "no nDPI protos rule for this kind"));
      }
    }
  }
}

void rpz(Ctx& c, const std::string& zone) {
  c.provenance(";", "rpz (DNS response policy zone, e.g. zone \"" + zone + "\")");
  c.comment(";", "Names are relative to the zone origin. Suffix indicators block the name and "
                 "all subdomains (*.name); CNAME . answers NXDOMAIN. IPv4 prefixes are "
                 "rpz-ip triggers (answers containing those addresses).");
  const auto& info = c.set.info();
  std::string serial;
  for (char ch : info.date)
    if (ch >= '0' && ch <= '9')
      serial += ch;
  if (serial.size() != 8)
    serial = "19700101";
  serial += "00";
  c.out += "$TTL 300\n@\tIN\tSOA\tlocalhost. hostmaster.localhost. ( " + serial +
           " 3600 600 86400 300 )\n@\tIN\tNS\tlocalhost.\n";
  std::set<std::string> seen;
  auto rr = [&](const std::string& owner) {
    if (seen.insert(owner).second)
      c.out += owner + "\tCNAME\t.\n";
  };
  for (const Vendor* v : c.vendors) {
    c.out += "\n; " + plainText(v->name) + " (" + v->id + ")\n";
    for (auto idx : v->indicators) {
      const Indicator& i = c.set.indicators()[idx];
      if (i.kind == IndicatorKind::kDomain) {
        if (i.match == DomainMatch::kPattern) {
          c.comment(";", c.skipped(i, "RPZ wildcards only cover whole leading labels"));
          continue;
        }
        const bool ok = std::all_of(i.value.begin(), i.value.end(), [](unsigned char ch) {
          return std::isalnum(ch) || ch == '.' || ch == '-' || ch == '_';
        });
        if (!ok || i.value.empty() || i.value.front() == '.') {
          c.comment(";", c.skipped(i, "not a valid owner name"));
          continue;
        }
        rr(i.value);
        if (i.match == DomainMatch::kSuffix)
          rr("*." + i.value);
      } else if (i.kind == IndicatorKind::kCidr && !i.cidr.v6) {
        const auto& a = i.cidr.addr;
        rr(std::to_string(i.cidr.prefixLen) + "." + std::to_string(a[3]) + "." +
           std::to_string(a[2]) + "." + std::to_string(a[1]) + "." + std::to_string(a[0]) +
           ".rpz-ip");
      } else {
        c.comment(";", c.skipped(i, "no RPZ trigger for this kind"));
      }
    }
  }
}

std::string matchText(const Indicator& i) {
  switch (i.kind) {
  case IndicatorKind::kDomain:
    return std::string(toString(i.match));
  case IndicatorKind::kBanner:
  case IndicatorKind::kCert:
    return std::string(toString(i.valueMatch));
  case IndicatorKind::kHttpHeader:
  case IndicatorKind::kHttpPath:
    return "prefix";
  default:
    return {};
  }
}

/// The kind-specific keys of an indicator ("ports=902 912", "part=issuer", ...).
std::string details(const Indicator& i) {
  switch (i.kind) {
  case IndicatorKind::kBanner: {
    std::string p;
    for (auto port : i.ports)
      p += (p.empty() ? "ports=" : " ") + std::to_string(port);
    return p;
  }
  case IndicatorKind::kHttpHeader:
    return "header=" + i.header + " direction=" + std::string(toString(i.direction));
  case IndicatorKind::kCert:
  case IndicatorKind::kCertOrg:
    return "part=" + std::string(toString(i.part));
  case IndicatorKind::kSyslog:
    return "format=" + std::string(toString(i.syslogFormat));
  case IndicatorKind::kDpi:
    return "instance=" + std::string(toString(i.instance));
  case IndicatorKind::kPort:
    return "proto=" + std::string(toString(i.transport));
  default:
    return {};
  }
}

void csv(Ctx& c) {
  // CSV has no comment syntax: provenance is in the set_version / set_date columns.
  c.out += "set_version,set_date,vendor_id,vendor_name,vendor_status,product_id,product_name,"
           "role,kind,match,value,confidence,source_url,source_date,details\r\n";
  const auto& info = c.set.info();
  for (const Vendor* v : c.vendors) {
    for (auto idx : v->indicators) {
      const Indicator& i = c.set.indicators()[idx];
      const Product& p = c.set.productOf(i);
      const std::string cells[] = {info.version,
                                   info.date,
                                   v->id,
                                   v->name,
                                   std::string(toString(v->status)),
                                   p.id,
                                   p.name,
                                   std::string(toString(p.role)),
                                   std::string(toString(i.kind)),
                                   matchText(i),
                                   i.value,
                                   std::string(toString(i.confidence)),
                                   i.sourceUrl,
                                   i.sourceDate,
                                   details(i)};
      bool first = true;
      for (const auto& x : cells) {
        c.out += first ? "" : ",";
        first = false;
        c.out += csvField(x);
      }
      c.out += "\r\n";
    }
  }
}

} // namespace

std::optional<ExportFormat> parseExportFormat(std::string_view s) noexcept {
  if (s == "suricata")
    return ExportFormat::kSuricata;
  if (s == "zeek-intel" || s == "zeek")
    return ExportFormat::kZeekIntel;
  if (s == "ndpi-protos" || s == "ndpi")
    return ExportFormat::kNdpiProtos;
  if (s == "rpz")
    return ExportFormat::kRpz;
  if (s == "csv")
    return ExportFormat::kCsv;
  return std::nullopt;
}

std::string ndpiProtocolName(const Vendor& v) {
  std::string n = "VW_";
  for (unsigned char ch : v.name)
    if (std::isalnum(ch))
      n += static_cast<char>(ch);
  if (n.size() == 3)
    n += v.id;
  return n;
}

bool exportSignatures(const SignatureSet& set, const ExportOptions& options, std::string& out,
                      std::string& err) {
  Ctx c{set, {}, {}};
  if (options.vendors.empty()) {
    for (const auto& v : set.vendors())
      c.vendors.push_back(&v);
  } else {
    for (const auto& v : set.vendors())
      if (std::find(options.vendors.begin(), options.vendors.end(), v.id) != options.vendors.end())
        c.vendors.push_back(&v);
    for (const auto& id : options.vendors)
      if (set.findVendor(id) == nullptr) {
        std::string known;
        for (const auto& v : set.vendors())
          known += (known.empty() ? "" : ", ") + v.id;
        err = "unknown vendor '" + id + "' (known: " + known + ")";
        return false;
      }
  }
  switch (options.format) {
  case ExportFormat::kSuricata:
    if (!suricata(c, err))
      return false;
    break;
  case ExportFormat::kZeekIntel:
    zeek(c);
    break;
  case ExportFormat::kNdpiProtos:
    ndpi(c);
    break;
  case ExportFormat::kRpz:
    rpz(c, options.rpz_zone);
    break;
  case ExportFormat::kCsv:
    csv(c);
    break;
  }
  out = std::move(c.out);
  return true;
}

} // namespace vw::signatures
