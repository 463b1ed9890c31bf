#pragma once
/// @file encode.h
/// Pure encoders from an OutEvent to the wire forms a SOC collector understands:
/// RFC 5424 syslog (JSON event as MSG, vendor fields as an SD-ELEMENT), ArcSight CEF, and
/// RFC 6587 octet-counting framing. No I/O, no global state; every function returns a fresh
/// string. See docs/soc-delivery.md for the field tables and examples.
///
/// Hostile input (names taken from traffic) is made safe here: in an SD-PARAM and a CEF field
/// control bytes, invalid UTF-8 and invisible code points are shown as escapes
/// (escapeDisplay, escape.h: ESC -> `\x1b`, CR LF -> `\x0d\x0a`, U+202E -> `\u{202E}`), header
/// fields keep PRINTUSASCII only, and in the MSG (the EVE JSON line) invalid UTF-8 becomes
/// U+FFFD and controls a space. One event is always exactly one line / one frame.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <vw/alerts/event.h>

namespace vw::alerts {

/// Private enterprise number of the SD-ID "vendorwatch@32473". 32473 is the PEN that RFC 5612
/// reserves for documentation examples; a deployment that owns a PEN may change it here.
inline constexpr std::uint32_t kSyslogPen = 32473;
/// SD-ID of the vendor SD-ELEMENT.
inline constexpr std::string_view kSdId = "vendorwatch@32473";
/// APP-NAME of every syslog message and CEF Device Vendor / Device Product.
inline constexpr std::string_view kAppName = "vendorwatch";
/// Default syslog facility: local0 (16).
inline constexpr int kDefaultFacility = 16;

/// What a syslog sink puts on the wire.
enum class SyslogFormat : std::uint8_t {
  Rfc5424, ///< RFC 5424 header, vendor SD-ELEMENT, EVE JSON line as MSG
  Cef,     ///< RFC 5424 header (no SD), CEF line as MSG
};

/// "5424" / "rfc5424" / "cef" (case-insensitive) -> format; nullopt otherwise.
std::optional<SyslogFormat> parseSyslogFormat(std::string_view s);

/// Facility name ("kern", "user", "daemon", "auth", "local0".."local7", ...) or number 0..23
/// -> facility code; nullopt otherwise.
std::optional<int> parseSyslogFacility(std::string_view s);

/// Per-sensor values of the syslog header / CEF fields. Copied by the sinks.
struct EncodeOptions {
  std::string hostname;            ///< HOSTNAME / CEF dvchost; empty -> NILVALUE "-"
  std::string procid;              ///< PROCID; empty -> NILVALUE "-"
  int facility = kDefaultFacility; ///< 0..23; out of range is clamped to local0
  std::string product_version;     ///< CEF Device Version; empty -> the library's version
};

/// Syslog severity (0 emerg .. 7 debug) of an event; see docs/soc-delivery.md for the table.
int syslogSeverity(const OutEvent& ev);
/// CEF severity 0..10 of an event; see docs/soc-delivery.md for the table.
int cefSeverity(const OutEvent& ev);

/// RFC 3339 UTC timestamp with microseconds, e.g. "2024-03-01T12:00:00.123456Z", or "-"
/// (NILVALUE) if ts_us is negative or beyond year 9999.
std::string formatRfc3339Micros(std::int64_t ts_us);

/// Full RFC 5424 message without framing:
/// `<PRI>1 TIMESTAMP HOSTNAME vendorwatch PROCID MSGID SD MSG` where MSGID = eventKindName,
/// SD is the vendor SD-ELEMENT (vendor events) or "-", and MSG is the EVE JSON line (no BOM).
std::string encodeRfc5424(const OutEvent& ev, const EncodeOptions& opt);

/// Bare CEF line `CEF:0|vendorwatch|vendorwatch|VERSION|SIGNATURE|NAME|SEV|EXT` (no syslog
/// header), as written to files or carried as syslog MSG.
std::string encodeCef(const OutEvent& ev, const EncodeOptions& opt);

/// One syslog message in `fmt`: encodeRfc5424, or the RFC 5424 header with "-" SD and the CEF
/// line as MSG.
std::string encodeSyslogMessage(const OutEvent& ev, SyslogFormat fmt, const EncodeOptions& opt);

/// RFC 6587 §3.4.1 octet-counting frame: `LEN SP MSG` (LEN = decimal byte count of MSG).
std::string frameOctetCounted(std::string_view msg);

/// Low-level text rules, exposed for the tests.
namespace text {

/// Valid UTF-8 copy of `s`: each byte of an invalid/overlong/surrogate/out-of-range sequence
/// becomes U+FFFD; C0 controls, DEL and C1 controls become a space, except CR and LF when
/// `keep_crlf` (the caller then escapes them).
std::string safeUtf8(std::string_view s, bool keep_crlf = false);

/// A HOSTNAME/APP-NAME/PROCID/MSGID field: PRINTUSASCII (33..126) only - other bytes become
/// '_' - cut to `max_len`; empty -> "-".
std::string headerField(std::string_view s, std::size_t max_len);

/// An SD-NAME (SD-ID or PARAM-NAME): PRINTUSASCII without '=', SP, ']' and '"' (others are
/// dropped), at most 32 characters. May return "" if nothing is left.
std::string sdName(std::string_view s);

/// A PARAM-VALUE body (without the quotes): escapeDisplay, then '"', '\\' and ']' are escaped
/// with a backslash (RFC 5424 §6.3.3).
std::string sdParamValue(std::string_view s);

/// A CEF header field: escapeDisplay, then '\\' -> "\\\\" and '|' -> "\\|".
std::string cefHeader(std::string_view s);

/// A CEF extension value: escapeDisplay (so no CR/LF is left), then '\\' -> "\\\\" and
/// '=' -> "\\=" (LF -> "\\n" and CR -> "\\r" remain as a guard).
std::string cefExtension(std::string_view s);

} // namespace text

} // namespace vw::alerts
