#pragma once
/// @file http.h
/// HTTP/1.x request-head parsing for the packet path: method, request target, Host,
/// User-Agent and the CONNECT target, into a fixed-capacity struct. No heap allocation, no
/// exceptions, work linear in the input.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include <vw/classify/proto/fixed_string.h>

namespace vw::classify {

enum class HttpParseStatus : std::uint8_t {
  Ok,       ///< a complete request line was parsed (see HttpRequestInfo::complete for headers)
  NeedMore, ///< a plausible prefix of a request line (known method so far); give more bytes
  NotHttp   ///< not an HTTP/1.x request (unknown method, bad request line, line too long)
};

/// Longest request line we wait for; a longer line without LF is NotHttp.
inline constexpr std::size_t kHttpMaxRequestLine = 8192;

/// Facts from one request head. Text fields are copied (no pointers into the input); fields
/// longer than their capacity are truncated and their `truncated()` flag is set.
struct HttpRequestInfo {
  FixedString<16> method;   ///< as sent, e.g. "GET"
  FixedString<1024> target; ///< the request target as sent (origin, absolute or authority form)
  std::uint8_t version_minor = 0; ///< x of "HTTP/1.x"
  /// Host: from the Host header; if there is none, from an absolute-form target
  /// ("GET http://host/ ...") or the CONNECT target. Lowercased, port and one trailing dot
  /// removed, IPv6 brackets removed ("[::1]:80" -> "::1"). Empty if unknown.
  FixedString<255> host;
  std::uint16_t host_port = 0;   ///< explicit port in the host source, 0 if none
  bool host_from_header = false; ///< `host` came from a Host header
  bool absolute_form = false;    ///< the target is an absolute URI (proxy request)
  bool has_user_agent = false;
  FixedString<512> user_agent; ///< the User-Agent value, raw (leading/trailing blanks trimmed)
  /// CONNECT only: the authority-form target "host:port", host lowercased (no brackets).
  FixedString<255> connect_host;
  std::uint16_t connect_port = 0;
  std::uint16_t header_count = 0; ///< header lines seen
  /// True when the blank line ending the head was seen; false when the input ended first
  /// (the fields then hold what the complete header lines in the input gave).
  bool complete = false;

  void clear() { *this = HttpRequestInfo{}; }
};

/// Parses the head of an HTTP/1.x request at the start of `data` (a client's TCP payload).
///
/// Recognised methods: GET POST HEAD PUT DELETE OPTIONS CONNECT PATCH TRACE and the WebDAV
/// ones (PROPFIND PROPPATCH MKCOL COPY MOVE LOCK UNLOCK REPORT SEARCH MKCALENDAR), and SSDP/GENA
/// (M-SEARCH NOTIFY SUBSCRIBE UNSUBSCRIBE, e.g. "M-SEARCH * HTTP/1.1" over UDP 1900); the method
/// is case-sensitive and must be followed by one space. The request line must end in
/// "HTTP/1.<digit>" and LF (CRLF or bare LF). Header names are case-insensitive; the first Host
/// and User-Agent headers win; obsolete folded continuation lines are ignored. Only complete
/// header lines (ending in LF) are used. `out` is cleared first.
HttpParseStatus parseHttpRequestHead(std::span<const std::uint8_t> data, HttpRequestInfo& out);

/// True if `data` starts with "HTTP/1." (the status line of an HTTP/1.x response).
bool looksLikeHttpResponse(std::span<const std::uint8_t> data);

/// Splits "host[:port]" / "[v6]:port" text into a normalised host (lowercased, one trailing dot
/// dropped, brackets removed) and a port (0 if absent or not a valid 1..65535 number).
/// Returns false if the text is empty or has an invalid port or bracket syntax.
bool splitHostPort(std::string_view text, FixedString<255>& host, std::uint16_t& port);

/// Human name of an HttpParseStatus ("ok", "need_more", "not_http").
const char* httpParseStatusName(HttpParseStatus s);

} // namespace vw::classify
