// RFC 5424 and CEF encoders. Field tables and severity mapping: docs/soc-delivery.md.

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <vw/alerts/encode.h>

#ifndef VW_ALERTS_VERSION
#define VW_ALERTS_VERSION "0.0.0"
#endif

namespace vw::alerts {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

enum class Status { Banned, Watch, Allowed, Other };
enum class Confidence { High, Medium, Low };

Status statusOf(const AlertFields& a) {
  if (iequals(a.vendor_status, "banned"))
    return Status::Banned;
  if (iequals(a.vendor_status, "watch"))
    return Status::Watch;
  if (iequals(a.vendor_status, "allowed"))
    return Status::Allowed;
  return Status::Other;
}

Confidence confidenceOf(const AlertFields& a) {
  if (iequals(a.confidence, "high"))
    return Confidence::High;
  if (iequals(a.confidence, "medium"))
    return Confidence::Medium;
  return Confidence::Low;
}

// [status][confidence high, medium, low]
constexpr std::array<std::array<int, 3>, 4> kSyslogSeverity{{
    {3, 4, 5}, // banned: err, warning, notice
    {4, 5, 5}, // watch: warning, notice, notice
    {6, 6, 6}, // allowed: info
    {5, 5, 6}, // unknown status: notice, notice, info
}};
constexpr std::array<std::array<int, 3>, 4> kCefSeverity{{
    {9, 7, 5}, // banned
    {6, 5, 3}, // watch
    {2, 1, 1}, // allowed
    {5, 4, 3}, // unknown status
}};

const AlertFields* vendorAlert(const OutEvent& ev) {
  return ev.kind == EventKind::Vendor && ev.alert ? &*ev.alert : nullptr;
}

int clampFacility(int f) {
  return f >= 0 && f <= 23 ? f : kDefaultFacility;
}

std::string header5424(const OutEvent& ev, const EncodeOptions& opt) {
  const int pri = clampFacility(opt.facility) * 8 + syslogSeverity(ev);
  return fmt::format("<{}>1 {} {} {} {} {}", pri, formatRfc3339Micros(ev.ts_us),
                     text::headerField(opt.hostname, 255), text::headerField(kAppName, 48),
                     text::headerField(opt.procid, 128),
                     text::headerField(eventKindName(ev.kind), 32));
}

void addParam(std::string& sd, std::string_view name, std::string_view value) {
  if (value.empty())
    return;
  sd += ' ';
  sd += text::sdName(name);
  sd += "=\"";
  sd += text::sdParamValue(value);
  sd += '"';
}

std::string evidenceText(const AlertFields& a) {
  if (a.evidence_field.empty())
    return a.evidence_value;
  return a.evidence_field + "=" + a.evidence_value;
}

std::string vendorSd(const AlertFields& a) {
  std::string sd = "[";
  sd += text::sdName(kSdId);
  addParam(sd, "host", a.host);
  addParam(sd, "vendor", a.vendor_id);
  addParam(sd, "product", a.product_id);
  addParam(sd, "status", a.vendor_status);
  addParam(sd, "confidence", a.confidence);
  addParam(sd, "evidence", evidenceText(a));
  addParam(sd, "dest", a.dest_name);
  addParam(sd, "flow_id", a.flow_id ? std::to_string(a.flow_id) : std::string());
  sd += ']';
  return sd;
}

// Builds the space-separated CEF extension; keys are fixed ASCII, values escaped.
class CefExt {
public:
  void add(std::string_view key, std::string_view value) {
    if (value.empty())
      return;
    if (!out_.empty())
      out_ += ' ';
    out_ += key;
    out_ += '=';
    out_ += text::cefExtension(value);
  }
  void addNum(std::string_view key, std::uint64_t v, bool skip_zero = true) {
    if (v == 0 && skip_zero)
      return;
    add(key, std::to_string(v));
  }
  std::string take() { return std::move(out_); }

private:
  std::string out_;
};

std::string jsonString(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}
std::uint64_t jsonUnsigned(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_unsigned() ? it->get<std::uint64_t>() : 0;
}

std::string cefName(const OutEvent& ev) {
  if (const AlertFields* a = vendorAlert(ev)) {
    std::string who = a->vendor_name.empty() ? a->vendor_id : a->vendor_name;
    if (!a->product_name.empty())
      who += " " + a->product_name;
    else if (!a->product_id.empty())
      who += " " + a->product_id;
    return who + " traffic";
  }
  switch (ev.kind) {
  case EventKind::Flow:
    return "Flow record";
  case EventKind::Dns:
    return "DNS record";
  case EventKind::Http:
    return "HTTP record";
  case EventKind::Stats:
    return "Statistics";
  case EventKind::Vendor:
    return "Vendor traffic";
  case EventKind::Inspection:
    return "TLS inspection CA";
  }
  return "Event";
}

std::string cefSignature(const OutEvent& ev) {
  if (const AlertFields* a = vendorAlert(ev))
    return "vendor:" + a->vendor_id;
  return eventKindName(ev.kind);
}

std::string vendorMsg(const AlertFields& a) {
  std::string m = a.host.empty() ? std::string("host") : a.host;
  m += " talks to ";
  m += a.vendor_name.empty() ? a.vendor_id : a.vendor_name;
  if (!a.product_name.empty())
    m += " " + a.product_name;
  if (!a.vendor_status.empty())
    m += " (" + a.vendor_status + ")";
  if (!a.evidence_field.empty() || !a.evidence_value.empty())
    m += " evidence " + evidenceText(a);
  if (!a.evidence_indicator.empty())
    m += " matching " + a.evidence_indicator;
  return m;
}

} // namespace

const char* eventKindName(EventKind k) {
  switch (k) {
  case EventKind::Flow:
    return "flow";
  case EventKind::Vendor:
    return "vendor";
  case EventKind::Dns:
    return "dns";
  case EventKind::Http:
    return "http";
  case EventKind::Stats:
    return "stats";
  case EventKind::Inspection:
    return "inspection";
  }
  return "event";
}

std::optional<SyslogFormat> parseSyslogFormat(std::string_view s) {
  if (iequals(s, "5424") || iequals(s, "rfc5424"))
    return SyslogFormat::Rfc5424;
  if (iequals(s, "cef"))
    return SyslogFormat::Cef;
  return std::nullopt;
}

std::optional<int> parseSyslogFacility(std::string_view s) {
  static constexpr std::array<std::string_view, 24> kNames{
      "kern",   "user",   "mail",     "daemon", "auth",   "syslog", "lpr",    "news",
      "uucp",   "cron",   "authpriv", "ftp",    "ntp",    "audit",  "alert",  "clock",
      "local0", "local1", "local2",   "local3", "local4", "local5", "local6", "local7"};
  for (std::size_t i = 0; i < kNames.size(); ++i)
    if (iequals(s, kNames[i]))
      return static_cast<int>(i);
  int v = -1;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc() && p == s.data() + s.size() && !s.empty() && v >= 0 && v <= 23)
    return v;
  return std::nullopt;
}

int syslogSeverity(const OutEvent& ev) {
  if (const AlertFields* a = vendorAlert(ev))
    return kSyslogSeverity[static_cast<int>(statusOf(*a))][static_cast<int>(confidenceOf(*a))];
  return 6; // info: flow / dns / http / stats records
}

int cefSeverity(const OutEvent& ev) {
  if (const AlertFields* a = vendorAlert(ev))
    return kCefSeverity[static_cast<int>(statusOf(*a))][static_cast<int>(confidenceOf(*a))];
  return ev.kind == EventKind::Stats ? 0 : 1;
}

std::string formatRfc3339Micros(std::int64_t ts_us) {
  if (ts_us < 0)
    return "-";
  const std::int64_t secs = ts_us / 1000000;
  const std::int64_t micros = ts_us % 1000000;
  const std::int64_t days = secs / 86400;
  const std::int64_t sod = secs % 86400;
  // civil_from_days (H. Hinnant), days since 1970-01-01 -> y/m/d
  const std::int64_t z = days + 719468;
  const std::int64_t era = z / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t y = yoe + era * 400;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2)
    ++y;
  if (y > 9999)
    return "-";
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", y, m, d, sod / 3600,
                     (sod / 60) % 60, sod % 60, micros);
}

std::string encodeRfc5424(const OutEvent& ev, const EncodeOptions& opt) {
  std::string out = header5424(ev, opt);
  out += ' ';
  if (const AlertFields* a = vendorAlert(ev))
    out += vendorSd(*a);
  else
    out += '-';
  if (!ev.json.empty()) {
    out += ' ';
    out += text::safeUtf8(ev.json); // no BOM; CR/LF/controls cannot survive
  }
  return out;
}

std::string encodeCef(const OutEvent& ev, const EncodeOptions& opt) {
  CefExt ext;
  if (ev.ts_us >= 0)
    ext.add("rt", std::to_string(ev.ts_us / 1000));
  ext.add("cat", eventKindName(ev.kind));
  ext.add("dvchost", opt.hostname);
  if (const AlertFields* a = vendorAlert(ev)) {
    ext.add("src", a->src_ip);
    ext.addNum("spt", a->src_port);
    ext.add("dst", a->dest_ip);
    ext.addNum("dpt", a->dest_port);
    ext.add("proto", a->proto);
    ext.add("dhost", a->dest_name);
    if (!a->vendor_id.empty()) {
      ext.add("cs1Label", "vendor");
      ext.add("cs1", a->vendor_id);
    }
    if (!a->product_id.empty()) {
      ext.add("cs2Label", "product");
      ext.add("cs2", a->product_id);
    }
    if (!a->confidence.empty()) {
      ext.add("cs3Label", "confidence");
      ext.add("cs3", a->confidence);
    }
    if (const std::string ev_text = evidenceText(*a); !ev_text.empty()) {
      ext.add("cs4Label", "evidence");
      ext.add("cs4", ev_text);
    }
    if (!a->vendor_status.empty()) {
      ext.add("cs5Label", "vendorStatus");
      ext.add("cs5", a->vendor_status);
    }
    if (!a->host.empty()) {
      ext.add("cs6Label", "internalHost");
      ext.add("cs6", a->host);
    }
    if (a->flow_id) {
      ext.add("cn1Label", "flowId");
      ext.addNum("cn1", a->flow_id);
    }
    ext.add("msg", vendorMsg(*a));
  } else {
    // Non-vendor records: the 5-tuple and flow id from the EVE JSON, and the JSON itself
    // (cs6, label "eve") when it fits CEF's 4000-character custom-string limit.
    const auto j = nlohmann::json::parse(ev.json, nullptr, /*allow_exceptions=*/false);
    if (j.is_object()) {
      ext.add("src", jsonString(j, "src_ip"));
      ext.addNum("spt", jsonUnsigned(j, "src_port"));
      ext.add("dst", jsonString(j, "dest_ip"));
      ext.addNum("dpt", jsonUnsigned(j, "dest_port"));
      ext.add("proto", jsonString(j, "proto"));
      if (const std::uint64_t fid = jsonUnsigned(j, "flow_id")) {
        ext.add("cn1Label", "flowId");
        ext.addNum("cn1", fid);
      }
    }
    if (!ev.json.empty() && ev.json.size() <= 4000) {
      ext.add("cs6Label", "eve");
      ext.add("cs6", ev.json);
    }
  }
  const std::string version =
      opt.product_version.empty() ? std::string(VW_ALERTS_VERSION) : opt.product_version;
  return fmt::format("CEF:0|{}|{}|{}|{}|{}|{}|{}", text::cefHeader(kAppName),
                     text::cefHeader(kAppName), text::cefHeader(version),
                     text::cefHeader(cefSignature(ev)), text::cefHeader(cefName(ev)),
                     cefSeverity(ev), ext.take());
}

std::string encodeSyslogMessage(const OutEvent& ev, SyslogFormat fmt, const EncodeOptions& opt) {
  if (fmt == SyslogFormat::Rfc5424)
    return encodeRfc5424(ev, opt);
  std::string out = header5424(ev, opt);
  out += " - ";
  out += encodeCef(ev, opt);
  return out;
}

std::string frameOctetCounted(std::string_view msg) {
  std::string out = std::to_string(msg.size());
  out.reserve(out.size() + 1 + msg.size());
  out += ' ';
  out.append(msg);
  return out;
}

} // namespace vw::alerts
