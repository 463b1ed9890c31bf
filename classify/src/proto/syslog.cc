/// @file syslog.cc
/// Syslog framing and headers, CEF, LEEF and key=value messages.

#include <algorithm>
#include <array>

#include <vw/classify/proto/syslog.h>
#include <vw/packet/byte_reader.h>

namespace vw::classify {
namespace {

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::string_view kBom = "\xef\xbb\xbf";

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

bool startsWith(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

/// True if `s` starts with a CEF or LEEF header.
bool startsCefOrLeef(std::string_view s) {
  return startsWith(s, "CEF:") || startsWith(s, "LEEF:");
}

/// A key character of key=value pairs, CEF extension keys and LEEF attribute keys.
bool isKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c) || c == '_' || c == '-' ||
         c == '.' || c == '[' || c == ']';
}

/// Takes the text up to the next space (or the end) from `s`; the space is consumed.
std::string_view takeToken(std::string_view& s) {
  const std::size_t sp = s.find(' ');
  const std::string_view tok = s.substr(0, sp);
  s.remove_prefix(sp == std::string_view::npos ? s.size() : sp + 1);
  return tok;
}

void clearFields(SyslogInfo& out) {
  out.field_count = 0;
  out.field_total = 0;
}

void addField(SyslogInfo& out, std::string_view key, std::string_view value) {
  if (out.field_total < UINT16_MAX)
    ++out.field_total;
  if (out.field_count < kSyslogMaxFields)
    out.fields[out.field_count++] = {key, value};
}

// --- RFC 3164 -------------------------------------------------------------------------------

/// Length of a BSD timestamp at the start of `s` ("Mmm dd hh:mm:ss", "Mmm  d hh:mm:ss",
/// optionally "Mmm dd yyyy hh:mm:ss" and a ".fraction"), or 0.
std::size_t bsdTimestampLength(std::string_view s) {
  if (s.size() < 15 || std::find(kMonths.begin(), kMonths.end(), s.substr(0, 3)) == kMonths.end())
    return 0;
  std::size_t i = 3;
  if (s[i++] != ' ')
    return 0;
  if (s[i] == ' ')
    ++i; // space-padded day
  std::size_t digits = 0;
  while (i < s.size() && isDigit(s[i]) && digits < 2) {
    ++i;
    ++digits;
  }
  if (digits == 0 || i >= s.size() || s[i++] != ' ')
    return 0;
  // Optional year.
  if (i + 5 <= s.size() && isDigit(s[i]) && isDigit(s[i + 1]) && isDigit(s[i + 2]) &&
      isDigit(s[i + 3]) && s[i + 4] == ' ')
    i += 5;
  // hh:mm:ss
  if (i + 8 > s.size())
    return 0;
  const std::string_view t = s.substr(i, 8);
  if (!isDigit(t[0]) || !isDigit(t[1]) || t[2] != ':' || !isDigit(t[3]) || !isDigit(t[4]) ||
      t[5] != ':' || !isDigit(t[6]) || !isDigit(t[7]))
    return 0;
  i += 8;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && isDigit(s[i]))
      ++i;
  }
  return i;
}

/// Splits an RFC 3164 TAG (`name[pid]: ` or `name: `) off the start of `s`.
bool takeTag(std::string_view& s, std::string_view& name, std::string_view& pid) {
  std::size_t i = 0;
  while (i < s.size() && i < 48 && (isKeyChar(s[i]) || s[i] == '/') && s[i] != '[')
    ++i;
  if (i == 0 || i >= s.size())
    return false;
  std::size_t name_end = i;
  std::string_view p;
  if (s[i] == '[') {
    const std::size_t close = s.find(']', i);
    if (close == std::string_view::npos || close - i > 16)
      return false;
    p = s.substr(i + 1, close - i - 1);
    i = close + 1;
  }
  if (i + 1 >= s.size() || s[i] != ':' || s[i + 1] != ' ')
    return false;
  name = s.substr(0, name_end);
  pid = p;
  s.remove_prefix(i + 2);
  return true;
}

/// The message part after the header: a CEF/LEEF header at once, or after a TAG.
void setContent(std::string_view content, SyslogInfo& out) {
  if (!startsCefOrLeef(content)) {
    std::string_view rest = content;
    std::string_view name, pid;
    if (takeTag(rest, name, pid)) {
      out.app_name = name;
      out.proc_id = pid;
      content = rest;
    }
  }
  out.message = content;
}

// --- RFC 5424 -------------------------------------------------------------------------------

/// Length of the STRUCTURED-DATA at the start of `s` ("-" or "[...]..."), or 0 if invalid.
std::size_t structuredDataLength(std::string_view s) {
  if (startsWith(s, "-"))
    return 1;
  std::size_t i = 0;
  while (i < s.size() && s[i] == '[') {
    ++i;
    bool quoted = false;
    for (;;) {
      if (i >= s.size())
        return 0;
      const char c = s[i++];
      if (quoted) {
        if (c == '\\')
          ++i; // an escaped '"', '\' or ']'
        else if (c == '"')
          quoted = false;
      } else if (c == '"') {
        quoted = true;
      } else if (c == ']') {
        break;
      }
    }
  }
  return i;
}

/// Parses the RFC 5424 header after "1 ". Returns false if it is cut short.
bool parse5424(std::string_view s, SyslogInfo& out) {
  out.header = SyslogHeader::Rfc5424;
  std::array<std::string_view*, 5> fields = {&out.timestamp, &out.hostname, &out.app_name,
                                             &out.proc_id, &out.msg_id};
  for (std::size_t f = 0; f < fields.size(); ++f) {
    if (f >= 2 && startsCefOrLeef(s)) {
      out.header_short = true;
      out.message = s;
      return true;
    }
    if (s.empty() || s.front() == ' ')
      return false;
    const bool last = s.find(' ') == std::string_view::npos;
    *fields[f] = takeToken(s);
    if (last)
      return false; // the header ends inside its fields
  }
  if (startsCefOrLeef(s)) {
    out.header_short = true;
    out.message = s;
    return true;
  }
  const std::size_t sd = structuredDataLength(s);
  if (sd == 0)
    return false;
  out.structured_data = s.substr(0, sd);
  s.remove_prefix(sd);
  if (!s.empty()) {
    if (s.front() != ' ')
      return false;
    s.remove_prefix(1);
  }
  if (startsWith(s, kBom))
    s.remove_prefix(kBom.size());
  out.message = s;
  return true;
}

// --- CEF / LEEF -----------------------------------------------------------------------------

/// Takes a header field up to the next unescaped '|' (consumed), unescaping `\|` and `\\`.
/// False if there is no further '|'.
template <std::size_t N> bool takeHeaderField(std::string_view& s, FixedString<N>* out) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\\' && i + 1 < s.size() && (s[i + 1] == '|' || s[i + 1] == '\\')) {
      if (out != nullptr)
        out->append(s[i + 1]);
      ++i;
    } else if (c == '|') {
      s.remove_prefix(i + 1);
      return true;
    } else if (out != nullptr) {
      out->append(c);
    }
  }
  return false;
}

/// CEF extension: `key=value` pairs separated by spaces; a value runs up to the space before
/// the next `key=` (values may contain spaces; `\=` does not end a key).
void parseCefExtension(std::string_view ext, SyslogInfo& out) {
  std::size_t pos = 0;
  while (pos < ext.size()) {
    while (pos < ext.size() && ext[pos] == ' ')
      ++pos;
    std::size_t k = pos;
    while (k < ext.size() && isKeyChar(ext[k]))
      ++k;
    if (k == pos || k >= ext.size() || ext[k] != '=')
      return; // not a key=value: stop
    const std::string_view key = ext.substr(pos, k - pos);
    const std::size_t vstart = k + 1;
    // The value ends at the last space before the next "key=".
    std::size_t vend = ext.size();
    std::size_t next = ext.size();
    for (std::size_t i = vstart; i < ext.size(); ++i) {
      if (ext[i] != ' ')
        continue;
      std::size_t j = i + 1;
      while (j < ext.size() && isKeyChar(ext[j]))
        ++j;
      if (j > i + 1 && j < ext.size() && ext[j] == '=') {
        vend = i;
        next = i + 1;
        break;
      }
      i = j - 1; // the token after the space is no key: skip it
    }
    std::string_view value = ext.substr(vstart, vend - vstart);
    while (!value.empty() && value.back() == ' ')
      value.remove_suffix(1);
    addField(out, key, value);
    pos = next;
  }
}

/// The five header fields CEF and LEEF share (version, device vendor, product, version, event
/// id); `out.header_fields` counts those taken, also when one is missing.
bool takeCommonHeader(std::string_view& s, SyslogInfo& out) {
  if (!takeHeaderField(s, &out.format_version))
    return false;
  out.header_fields = 1;
  FixedString<128>* const strings128[] = {&out.device_vendor, &out.device_product};
  for (FixedString<128>* f : strings128) {
    if (!takeHeaderField(s, f))
      return false;
    ++out.header_fields;
  }
  if (!takeHeaderField(s, &out.device_version))
    return false;
  ++out.header_fields;
  if (!takeHeaderField(s, &out.event_id))
    return false;
  ++out.header_fields;
  return true;
}

bool parseCef(std::string_view s, SyslogInfo& out) {
  out.payload = SyslogPayload::Cef;
  s.remove_prefix(4); // "CEF:"
  if (!takeCommonHeader(s, out))
    return false;
  if (!takeHeaderField(s, &out.name))
    return false;
  ++out.header_fields;
  if (!takeHeaderField(s, &out.cef_severity))
    return false;
  ++out.header_fields;
  out.extension = s;
  parseCefExtension(s, out);
  return true;
}

int hexValue(char c) {
  if (isDigit(c))
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/// A LEEF 2.0 delimiter field: one character, or its hex code as "0x5e" / "x5e".
bool leefDelimiter(std::string_view f, char& out) {
  if (f.size() == 1) {
    out = f.front();
    return true;
  }
  if (startsWith(f, "0x") || startsWith(f, "0X"))
    f.remove_prefix(2);
  else if (startsWith(f, "x") || startsWith(f, "X"))
    f.remove_prefix(1);
  else
    return false;
  if (f.empty() || f.size() > 2)
    return false;
  int v = 0;
  for (char c : f) {
    const int h = hexValue(c);
    if (h < 0)
      return false;
    v = v * 16 + h;
  }
  if (v == 0)
    return false;
  out = static_cast<char>(v);
  return true;
}

bool parseLeef(std::string_view s, SyslogInfo& out) {
  out.payload = SyslogPayload::Leef;
  s.remove_prefix(5); // "LEEF:"
  if (!takeCommonHeader(s, out))
    return false;
  out.leef_delimiter = '\t';
  if (startsWith(out.format_version.view(), "2")) {
    // LEEF 2.0: an optional delimiter field ("^|", "0x5e|", "x5e|").
    const std::size_t bar = s.find('|');
    char d = 0;
    if (bar != std::string_view::npos && bar <= 4 && leefDelimiter(s.substr(0, bar), d)) {
      out.leef_delimiter = d;
      s.remove_prefix(bar + 1);
      ++out.header_fields;
    }
  }
  out.extension = s;
  std::size_t pos = 0;
  while (pos <= s.size()) {
    std::size_t end = s.find(out.leef_delimiter, pos);
    if (end == std::string_view::npos)
      end = s.size();
    const std::string_view attr = s.substr(pos, end - pos);
    const std::size_t eq = attr.find('=');
    if (eq != std::string_view::npos && eq > 0)
      addField(out, attr.substr(0, eq), attr.substr(eq + 1));
    pos = end + 1;
  }
  return true;
}

// --- key=value ------------------------------------------------------------------------------

/// FortiOS-style `key=value key="quoted value"` pairs from the start of `s`. Stops at the first
/// token that is not a pair. Returns the number of pairs read.
std::size_t parseKeyValues(std::string_view s, SyslogInfo& out) {
  std::size_t pairs = 0;
  std::size_t pos = 0;
  for (;;) {
    while (pos < s.size() && s[pos] == ' ')
      ++pos;
    if (pos >= s.size())
      break;
    std::size_t k = pos;
    while (k < s.size() && isKeyChar(s[k]))
      ++k;
    if (k == pos || k >= s.size() || s[k] != '=')
      break;
    const std::string_view key = s.substr(pos, k - pos);
    std::size_t v = k + 1;
    std::string_view value;
    if (v < s.size() && s[v] == '"') {
      std::size_t e = v + 1;
      while (e < s.size() && s[e] != '"')
        e += (s[e] == '\\' && e + 1 < s.size()) ? 2 : 1;
      value = s.substr(v + 1, std::min(e, s.size()) - (v + 1));
      pos = e + 1; // past the closing quote (or the end)
    } else {
      const std::size_t e = std::min(s.find(' ', v), s.size());
      value = s.substr(v, e - v);
      pos = e;
    }
    addField(out, key, value);
    ++pairs;
  }
  return pairs;
}

/// Recognises what the message carries.
bool parsePayload(SyslogInfo& out) {
  const std::string_view m = out.message;
  if (startsWith(m, "CEF:"))
    return parseCef(m, out);
  if (startsWith(m, "LEEF:"))
    return parseLeef(m, out);
  clearFields(out);
  const std::size_t pairs = parseKeyValues(m, out);
  if (pairs >= 2) {
    out.payload = SyslogPayload::KeyValue;
    out.extension = m;
  } else {
    clearFields(out);
  }
  return true;
}

} // namespace

std::string_view SyslogInfo::field(std::string_view key) const {
  for (std::size_t i = 0; i < field_count; ++i)
    if (fields[i].key == key)
      return fields[i].value;
  return {};
}

SyslogStatus parseSyslog(std::span<const std::uint8_t> data, SyslogInfo& out) {
  out.clear();
  ByteReader r(data);

  // RFC 6587 octet counting: "MSG-LEN SP SYSLOG-MSG".
  std::uint8_t c = 0;
  std::size_t count = 0;
  if (r.peekU8(0, c) && isDigit(static_cast<char>(c))) {
    std::size_t digits = 0;
    while (r.peekU8(0, c) && isDigit(static_cast<char>(c))) {
      if (++digits > 6)
        return SyslogStatus::NotSyslog;
      count = count * 10 + (c - '0');
      r.skip(1);
    }
    if (!r.u8(c))
      return SyslogStatus::NeedMore;
    if (c != ' ' || count == 0)
      return SyslogStatus::NotSyslog;
    if (!r.peekU8(0, c))
      return SyslogStatus::NeedMore;
    if (c != '<')
      return SyslogStatus::NotSyslog;
    out.octet_counted = true;
    out.octet_count = static_cast<std::uint32_t>(count);
    if (count > r.remaining() && r.remaining() < kSyslogMaxMessage)
      return SyslogStatus::NeedMore;
  }

  // The message's bytes.
  std::span<const std::uint8_t> msg_bytes;
  if (out.octet_counted) {
    const std::size_t n = std::min({count, r.remaining(), kSyslogMaxMessage});
    r.bytes(n, msg_bytes);
    out.complete = n == count;
    out.truncated = n < count;
  } else {
    const std::string_view rest = asChars(r.rest());
    const std::size_t end =
        rest.substr(0, kSyslogMaxMessage).find_first_of(std::string_view("\n\0", 2));
    std::size_t n = rest.size();
    if (end != std::string_view::npos) {
      n = end;
      out.complete = true;
    } else if (rest.size() > kSyslogMaxMessage) {
      n = kSyslogMaxMessage;
      out.truncated = true;
    }
    r.bytes(n, msg_bytes);
  }
  std::string_view s = asChars(msg_bytes);
  if (!s.empty() && s.back() == '\r')
    s.remove_suffix(1);
  const bool at_end = !out.complete && !out.truncated; // the input ended inside the message

  // <PRI>
  if (s.empty() || s.front() != '<') {
    if (startsCefOrLeef(s)) {
      out.message = s;
      return parsePayload(out) ? SyslogStatus::Ok : SyslogStatus::Malformed;
    }
    if (at_end && !out.octet_counted &&
        (startsWith("CEF:", s) || startsWith("LEEF:", s))) // a prefix of a bare CEF/LEEF line
      return SyslogStatus::NeedMore;
    return SyslogStatus::NotSyslog;
  }
  std::size_t i = 1;
  unsigned pri = 0;
  while (i < s.size() && i <= 3 && isDigit(s[i]))
    pri = pri * 10 + static_cast<unsigned>(s[i++] - '0');
  if (i >= s.size())
    return at_end && i <= 4 ? SyslogStatus::NeedMore : SyslogStatus::NotSyslog;
  if (i == 1 || s[i] != '>' || pri > 191)
    return SyslogStatus::NotSyslog;
  out.has_pri = true;
  out.pri = static_cast<std::uint8_t>(pri);
  out.facility = static_cast<std::uint8_t>(pri / 8);
  out.severity = static_cast<std::uint8_t>(pri % 8);
  s.remove_prefix(i + 1);

  // Header.
  while (!s.empty() && s.front() == ' ')
    s.remove_prefix(1);
  if (startsWith(s, "1 ")) {
    s.remove_prefix(2);
    if (!parse5424(s, out))
      return SyslogStatus::Malformed;
  } else if (const std::size_t ts = bsdTimestampLength(s); ts > 0) {
    out.header = SyslogHeader::Rfc3164;
    out.timestamp = s.substr(0, ts);
    s.remove_prefix(ts);
    while (!s.empty() && s.front() == ' ')
      s.remove_prefix(1);
    // The HOSTNAME, unless the next token is already the message (a CEF/LEEF header or a TAG).
    if (!startsCefOrLeef(s)) {
      std::string_view probe = s;
      std::string_view name, pid;
      if (!takeTag(probe, name, pid))
        out.hostname = takeToken(s);
    }
    setContent(s, out);
  } else {
    setContent(s, out);
  }
  return parsePayload(out) ? SyslogStatus::Ok : SyslogStatus::Malformed;
}

const char* syslogStatusName(SyslogStatus s) {
  switch (s) {
  case SyslogStatus::Ok:
    return "ok";
  case SyslogStatus::NeedMore:
    return "need_more";
  case SyslogStatus::NotSyslog:
    return "not_syslog";
  case SyslogStatus::Malformed:
    return "malformed";
  }
  return "";
}

const char* syslogPayloadName(SyslogPayload p) {
  switch (p) {
  case SyslogPayload::Text:
    return "text";
  case SyslogPayload::Cef:
    return "cef";
  case SyslogPayload::Leef:
    return "leef";
  case SyslogPayload::KeyValue:
    return "kv";
  }
  return "";
}

} // namespace vw::classify
