/// @file http.cc
/// HTTP/1.x request- and response-head parsing.

#include <algorithm>
#include <array>

#include <vw/classify/proto/http.h>
#include <vw/classify/proto/tls_client_hello.h>
#include <vw/packet/byte_reader.h>

namespace vw::classify {
namespace {

constexpr std::array<std::string_view, 23> kMethods = {
    "GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "CONNECT", "PATCH", "TRACE", "PROPFIND",
    "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "REPORT", "SEARCH", "MKCALENDAR",
    // SSDP (UPnP discovery over UDP) and GENA event subscriptions.
    "M-SEARCH", "NOTIFY", "SUBSCRIBE", "UNSUBSCRIBE"};

enum class MethodMatch : std::uint8_t { Full, Prefix, None };

/// Matches "<METHOD> " at the start of `s`. On Full, `method` is the method name.
MethodMatch matchMethod(std::string_view s, std::string_view& method) {
  bool prefix = false;
  for (std::string_view m : kMethods) {
    if (s.size() > m.size()) {
      if (s.substr(0, m.size()) == m && s[m.size()] == ' ') {
        method = m;
        return MethodMatch::Full;
      }
    } else if (m.substr(0, s.size()) == s) {
      prefix = true; // "GE", "GET" (the space is still missing)
    }
  }
  return prefix ? MethodMatch::Prefix : MethodMatch::None;
}

char lowerAscii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

bool equalsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lowerAscii(a[i]) != lowerAscii(b[i]))
      return false;
  return true;
}

std::string_view trimBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

/// Takes the next line (without LF and a CR before it) from `r`. False if there is no LF.
bool nextLine(ByteReader& r, std::string_view& line) {
  const std::string_view rest = asChars(r.rest());
  const std::size_t lf = rest.find('\n');
  if (lf == std::string_view::npos)
    return false;
  r.skip(lf + 1);
  line = rest.substr(0, lf);
  if (!line.empty() && line.back() == '\r')
    line.remove_suffix(1);
  return true;
}

bool parsePort(std::string_view s, std::uint16_t& port) {
  if (s.empty() || s.size() > 5)
    return false;
  std::uint32_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      return false;
    v = v * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (v == 0 || v > 65535)
    return false;
  port = static_cast<std::uint16_t>(v);
  return true;
}

/// The authority of an absolute URI ("scheme://[userinfo@]authority/..."), or empty.
std::string_view absoluteAuthority(std::string_view target) {
  const std::size_t sep = target.find("://");
  if (sep == std::string_view::npos || sep == 0)
    return {};
  for (std::size_t i = 0; i < sep; ++i) {
    const char c = target[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    const bool other = (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
    if (!(alpha || (i > 0 && other)))
      return {};
  }
  std::string_view auth = target.substr(sep + 3);
  const std::size_t end = auth.find_first_of("/?#");
  if (end != std::string_view::npos)
    auth = auth.substr(0, end);
  const std::size_t at = auth.rfind('@');
  if (at != std::string_view::npos)
    auth = auth.substr(at + 1);
  return auth;
}

/// The path of a request target: query and fragment removed; for an absolute URI the part
/// after its authority ("/" if none); "*" as it is.
std::string_view targetPath(std::string_view target, bool absolute) {
  if (absolute) {
    const std::size_t sep = target.find("://");
    const std::string_view after = target.substr(sep + 3);
    const std::size_t slash = after.find_first_of("/?#");
    if (slash == std::string_view::npos || after[slash] != '/')
      return "/";
    target = after.substr(slash);
  }
  return target.substr(0, target.find_first_of("?#"));
}

/// Splits a header line into name and value; false for a line without a colon or with an
/// empty name.
bool splitHeader(std::string_view line, std::string_view& name, std::string_view& value) {
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos)
    return false;
  name = trimBlanks(line.substr(0, colon));
  value = trimBlanks(line.substr(colon + 1));
  return !name.empty();
}

void addHeader(HttpHeaderList& list, std::string_view name, std::string_view value) {
  if (list.total < UINT16_MAX)
    ++list.total;
  if (list.stored < kHttpMaxHeaders)
    list.items[list.stored++] = {name, value};
}

} // namespace

std::string_view HttpHeaderList::find(std::string_view name, bool* found) const {
  for (std::size_t i = 0; i < stored; ++i) {
    if (equalsNoCase(items[i].name, name)) {
      if (found != nullptr)
        *found = true;
      return items[i].value;
    }
  }
  if (found != nullptr)
    *found = false;
  return {};
}

bool splitHostPort(std::string_view text, FixedString<255>& host, std::uint16_t& port) {
  host.clear();
  port = 0;
  std::string_view h = text;
  std::string_view p;
  bool has_port = false;
  if (!text.empty() && text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos)
      return false;
    h = text.substr(1, close - 1);
    const std::string_view after = text.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':')
        return false;
      p = after.substr(1);
      has_port = true;
    }
  } else {
    const std::size_t colon = text.find(':');
    if (colon != std::string_view::npos && text.find(':', colon + 1) == std::string_view::npos) {
      h = text.substr(0, colon);
      p = text.substr(colon + 1);
      has_port = true;
    }
    // Two or more colons without brackets: a bare IPv6 address, no port.
  }
  if (h.empty())
    return false;
  if (has_port && !p.empty() && !parsePort(p, port))
    return false;
  normaliseHostName(h, host);
  return !host.empty();
}

HttpParseStatus parseHttpRequestHead(std::span<const std::uint8_t> data, HttpRequestInfo& out) {
  out.clear();
  ByteReader r(data);
  std::string_view method;
  const MethodMatch mm = matchMethod(asChars(r.rest()), method);
  if (mm == MethodMatch::None)
    return HttpParseStatus::NotHttp;
  if (mm == MethodMatch::Prefix)
    return HttpParseStatus::NeedMore;

  std::string_view line;
  if (!nextLine(r, line))
    return r.remaining() > kHttpMaxRequestLine ? HttpParseStatus::NotHttp
                                               : HttpParseStatus::NeedMore;
  if (line.size() > kHttpMaxRequestLine)
    return HttpParseStatus::NotHttp;

  // "<METHOD> <target> HTTP/1.<d>"
  std::string_view rest = line.substr(method.size() + 1);
  const std::size_t sp = rest.find(' ');
  if (sp == std::string_view::npos || sp == 0)
    return HttpParseStatus::NotHttp;
  const std::string_view target = rest.substr(0, sp);
  const std::string_view version = rest.substr(sp + 1);
  constexpr std::string_view kVersionPrefix = "HTTP/1.";
  if (version.size() != kVersionPrefix.size() + 1 ||
      version.substr(0, kVersionPrefix.size()) != kVersionPrefix || version.back() < '0' ||
      version.back() > '9')
    return HttpParseStatus::NotHttp;

  out.method.assign(method);
  out.target.assign(target);
  out.version_minor = static_cast<std::uint8_t>(version.back() - '0');

  const bool is_connect = method == "CONNECT";
  if (is_connect)
    splitHostPort(target, out.connect_host, out.connect_port);
  const std::string_view authority = is_connect ? std::string_view{} : absoluteAuthority(target);
  out.absolute_form = !authority.empty();
  if (!is_connect)
    out.path.assign(targetPath(target, out.absolute_form));

  bool have_host = false;
  while (nextLine(r, line)) {
    if (line.empty()) {
      out.complete = true;
      break;
    }
    ++out.header_count;
    if (line.front() == ' ' || line.front() == '\t')
      continue; // obsolete line folding: ignored
    std::string_view name, value;
    if (!splitHeader(line, name, value))
      continue;
    addHeader(out.headers, name, value);
    if (!have_host && equalsNoCase(name, "host")) {
      have_host = true;
      out.host_from_header = true;
      if (!splitHostPort(value, out.host, out.host_port)) {
        out.host_port = 0;
        normaliseHostName(value, out.host); // best effort: keep the odd value as it is
      }
    } else if (!out.has_user_agent && equalsNoCase(name, "user-agent")) {
      out.has_user_agent = true;
      out.user_agent.assign(value);
    }
  }

  if (!have_host) {
    if (out.absolute_form) {
      splitHostPort(authority, out.host, out.host_port);
    } else if (is_connect && !out.connect_host.empty()) {
      out.host = out.connect_host;
      out.host_port = out.connect_port;
    }
  }
  return HttpParseStatus::Ok;
}

HttpParseStatus parseHttpResponseHead(std::span<const std::uint8_t> data, HttpResponseInfo& out) {
  out.clear();
  ByteReader r(data.first(std::min(data.size(), kHttpMaxResponseHead)));
  constexpr std::string_view kPrefix = "HTTP/1.";
  const std::string_view start = asChars(r.rest()).substr(0, kPrefix.size());
  if (start != kPrefix.substr(0, start.size()))
    return HttpParseStatus::NotHttp;
  if (start.size() < kPrefix.size())
    return HttpParseStatus::NeedMore;

  // "HTTP/1.<d> <ddd>[ <reason>]"
  std::string_view line;
  if (!nextLine(r, line))
    return data.size() > kHttpMaxRequestLine ? HttpParseStatus::Malformed
                                             : HttpParseStatus::NeedMore;
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (line.size() > kHttpMaxRequestLine || line.size() < 12 || !digit(line[7]) || line[8] != ' ' ||
      !digit(line[9]) || !digit(line[10]) || !digit(line[11]) || line[9] == '0' ||
      (line.size() > 12 && line[12] != ' '))
    return HttpParseStatus::Malformed;
  out.version_minor = static_cast<std::uint8_t>(line[7] - '0');
  out.status_code =
      static_cast<std::uint16_t>((line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0'));
  out.reason = line.size() > 12 ? line.substr(13) : std::string_view{};

  while (nextLine(r, line)) {
    if (line.empty()) {
      out.complete = true;
      out.head_length = static_cast<std::uint32_t>(r.offset());
      return HttpParseStatus::Ok;
    }
    if (out.header_lines < UINT16_MAX)
      ++out.header_lines;
    if (line.front() == ' ' || line.front() == '\t') {
      if (out.folded_lines < UINT16_MAX)
        ++out.folded_lines; // obsolete line folding: ignored
      continue;
    }
    std::string_view name, value;
    if (!splitHeader(line, name, value)) {
      if (out.bad_lines < UINT16_MAX)
        ++out.bad_lines;
      continue;
    }
    addHeader(out.headers, name, value);
  }
  if (data.size() < kHttpMaxResponseHead)
    return HttpParseStatus::NeedMore;
  out.head_cut = true;
  return HttpParseStatus::Ok;
}

bool looksLikeHttpResponse(std::span<const std::uint8_t> data) {
  ByteReader r(data);
  std::span<const std::uint8_t> head;
  return r.bytes(7, head) && asChars(head) == "HTTP/1.";
}

const char* httpParseStatusName(HttpParseStatus s) {
  switch (s) {
  case HttpParseStatus::Ok:
    return "ok";
  case HttpParseStatus::NeedMore:
    return "need_more";
  case HttpParseStatus::NotHttp:
    return "not_http";
  case HttpParseStatus::Malformed:
    return "malformed";
  }
  return "";
}

} // namespace vw::classify
