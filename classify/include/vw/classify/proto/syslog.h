#pragma once
/// @file syslog.h
/// Clear-text syslog messages for the packet path: RFC 6587 octet counting, the `<PRI>` and an
/// RFC 5424 or RFC 3164 header, then a CEF or LEEF header and its attributes, or key=value
/// pairs (FortiOS style), into a fixed-capacity struct. No heap allocation, no exceptions, work
/// linear in the input.
///
/// Text fields that need unescaping (the CEF/LEEF header fields) are copied into FixedStrings;
/// everything else (header fields, the message, attribute keys and values) is a view into the
/// caller's buffer, valid as long as that buffer is. Values are not unescaped: a CEF extension
/// value keeps its `\=` and `\\`, a quoted key=value value its `\"`.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include <vw/classify/proto/fixed_string.h>

namespace vw::classify {

enum class SyslogStatus : std::uint8_t {
  Ok,        ///< a message was parsed (see SyslogInfo::payload for what it carries)
  NeedMore,  ///< a plausible prefix: the PRI or octet count is cut, or fewer bytes than counted
  NotSyslog, ///< no `<PRI>` (or octet count and `<PRI>`) at the start, and no bare CEF/LEEF
  Malformed  ///< syslog framing, but an RFC 5424 header or a CEF/LEEF header is cut short
};

enum class SyslogHeader : std::uint8_t {
  None,    ///< the message follows the PRI directly (e.g. FortiOS `<189>date=...`)
  Rfc3164, ///< `Mmm dd hh:mm:ss host ` (BSD syslog)
  Rfc5424  ///< `1 timestamp host app procid msgid structured-data `
};

enum class SyslogPayload : std::uint8_t {
  Text,    ///< free text (nothing below recognised)
  Cef,     ///< `CEF:<version>|vendor|product|version|signature id|name|severity|extension`
  Leef,    ///< `LEEF:1.0|vendor|product|version|event id|attrs` (2.0: + `|delimiter|`)
  KeyValue ///< `key=value key="quoted value" ...` (at least two pairs, the first at the start)
};

/// Largest message looked at; bytes beyond are ignored (`truncated`).
inline constexpr std::size_t kSyslogMaxMessage = 16384;
/// Attribute / key=value pairs stored (further ones are counted in `field_total`).
inline constexpr std::size_t kSyslogMaxFields = 64;

/// One attribute: views into the caller's buffer.
struct SyslogField {
  std::string_view key;
  std::string_view value;
};

struct SyslogInfo {
  // Framing
  bool octet_counted = false;    ///< RFC 6587 octet counting (`123 <PRI>...`)
  std::uint32_t octet_count = 0; ///< the count given
  bool has_pri = false;          ///< false only for a bare CEF/LEEF line
  std::uint8_t pri = 0;          ///< 0..191
  std::uint8_t facility = 0;     ///< pri / 8
  std::uint8_t severity = 0;     ///< pri % 8
  /// The message ended at a LF or NUL (or exactly at the octet count). False when the input
  /// ended first: complete for a UDP datagram, possibly cut for a TCP stream.
  bool complete = false;
  bool truncated = false; ///< the message is longer than kSyslogMaxMessage (rest ignored)

  // Syslog header
  SyslogHeader header = SyslogHeader::None;
  std::string_view timestamp; ///< as sent (RFC 3164 or RFC 5424 form)
  std::string_view hostname;
  std::string_view app_name;        ///< RFC 5424 APP-NAME, or the RFC 3164 TAG without `[pid]:`
  std::string_view proc_id;         ///< RFC 5424 PROCID, or the RFC 3164 `[pid]`
  std::string_view msg_id;          ///< RFC 5424 MSGID
  std::string_view structured_data; ///< RFC 5424 STRUCTURED-DATA as sent (`-` or `[...]`)
  /// RFC 5424 header fields stopped early because a CEF/LEEF header came in their place (some
  /// senders put `CEF:0|...` right after the hostname).
  bool header_short = false;
  std::string_view message; ///< everything after the header (and the TAG), BOM removed

  // Payload
  SyslogPayload payload = SyslogPayload::Text;
  std::uint8_t header_fields = 0; ///< CEF/LEEF header fields found (CEF 7, LEEF 5 or 6)
  FixedString<16> format_version; ///< CEF: "0" or "1"; LEEF: "1.0" or "2.0"
  FixedString<128> device_vendor; ///< CEF/LEEF, `\|` and `\\` unescaped
  FixedString<128> device_product;
  FixedString<64> device_version;
  FixedString<128> event_id; ///< CEF Signature ID / LEEF EventID
  FixedString<256> name;     ///< CEF Name
  FixedString<16> cef_severity;
  char leef_delimiter = '\t'; ///< the LEEF attribute delimiter
  std::string_view extension; ///< CEF extension / LEEF attributes / the key=value text, raw

  std::array<SyslogField, kSyslogMaxFields> fields{}; ///< attributes in order
  std::uint16_t field_count = 0;                      ///< entries of `fields` in use
  std::uint16_t field_total = 0;                      ///< attributes seen (not capped)

  /// The first stored field whose key equals `key` (case-sensitive), or empty.
  std::string_view field(std::string_view key) const;
  void clear() { *this = SyslogInfo{}; }
};

/// Parses one syslog message at the start of `data` (a UDP datagram or the start of a TCP
/// stream). The message ends at the octet count, else at the first LF or NUL, else at the end
/// of `data`. `out` is cleared first.
///
/// After the PRI (leading blanks tolerated): `1 ` starts an RFC 5424 header; a `Mmm dd
/// hh:mm:ss` timestamp (optionally with a year or fraction) starts an RFC 3164 header followed
/// by a hostname; otherwise the message starts at once. In the message, a CEF or LEEF header is
/// recognised at its start or after an RFC 3164 TAG (`name[pid]: `); otherwise key=value pairs
/// are read if the message starts with one. A line starting with `CEF:` or `LEEF:` without a
/// PRI is accepted too (`has_pri` false).
SyslogStatus parseSyslog(std::span<const std::uint8_t> data, SyslogInfo& out);

/// Human names ("ok", "need_more", "not_syslog", "malformed"; "text", "cef", "leef", "kv").
const char* syslogStatusName(SyslogStatus s);
const char* syslogPayloadName(SyslogPayload p);

} // namespace vw::classify
