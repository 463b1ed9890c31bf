#pragma once
/// @file http.h
/// HTTP/1.x request- and response-head parsing for the packet path: method, request target and
/// path, Host, User-Agent, the CONNECT target and the request headers; status code and response
/// headers. Fixed-capacity structs, no heap allocation, no exceptions, work linear in the input.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include <vw/classify/proto/fixed_string.h>

namespace vw::classify {

enum class HttpParseStatus : std::uint8_t {
  /// Request: a complete request line was parsed (see HttpRequestInfo::complete for headers).
  /// Response: the whole head was parsed (or kHttpMaxResponseHead bytes of it, `head_cut`).
  Ok,
  NeedMore, ///< a plausible prefix (of a request line / of a response head); give more bytes
  NotHttp,  ///< not an HTTP/1.x request (unknown method, bad request line, line too long) or
            ///< response (no "HTTP/1." at the start)
  Malformed ///< response only: "HTTP/1." followed by a broken or over-long status line
};

/// Longest request or status line we wait for; a longer request line without LF is NotHttp, a
/// longer status line Malformed.
inline constexpr std::size_t kHttpMaxRequestLine = 8192;
/// Header fields stored per head (request or response); further ones are counted only.
inline constexpr std::size_t kHttpMaxHeaders = 32;
/// Bytes of a response head looked at; a head that does not end within them is Ok with
/// `head_cut` (its complete lines are used).
inline constexpr std::size_t kHttpMaxResponseHead = 16384;

/// One header field: views into the parsed buffer (name as sent, value without the blanks
/// around it). Valid as long as the caller's buffer is.
struct HttpHeader {
  std::string_view name;
  std::string_view value;
};

/// A bounded list of header fields in wire order.
struct HttpHeaderList {
  std::array<HttpHeader, kHttpMaxHeaders> items{};
  std::uint16_t stored = 0; ///< entries of `items` in use
  std::uint16_t total = 0;  ///< header fields seen (not capped)

  /// The value of the first stored field named `name` (case-insensitive), or empty; `found`
  /// (if given) tells an empty value from a missing field.
  std::string_view find(std::string_view name, bool* found = nullptr) const;
  std::span<const HttpHeader> view() const { return {items.data(), stored}; }
  bool truncated() const { return total > stored; }
};

/// Facts from one request head. Text fields are copied (no pointers into the input), except
/// `headers`, which are views into the parsed buffer; fields longer than their capacity are
/// truncated and their `truncated()` flag is set.
struct HttpRequestInfo {
  FixedString<16> method;   ///< as sent, e.g. "GET"
  FixedString<1024> target; ///< the request target as sent (origin, absolute or authority form)
  /// The target's path without query or fragment, as sent (no percent-decoding): "/a/b" for
  /// "/a/b?x=1" and for "http://host/a/b?x=1" ("/" when an absolute URI has no path), "*" for
  /// "OPTIONS *", empty for CONNECT.
  FixedString<1024> path;
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
  /// Header fields of the complete header lines, in order (folded continuation lines and lines
  /// without a colon are not fields).
  HttpHeaderList headers;
  /// True when the blank line ending the head was seen; false when the input ended first
  /// (the fields then hold what the complete header lines in the input gave).
  bool complete = false;

  void clear() { *this = HttpRequestInfo{}; }
};

/// Facts from one response head. `reason` and `headers` are views into the parsed buffer.
struct HttpResponseInfo {
  std::uint8_t version_minor = 0; ///< x of "HTTP/1.x"
  std::uint16_t status_code = 0;  ///< 100..999
  std::string_view reason;        ///< reason phrase (may be empty)
  HttpHeaderList headers;         ///< e.g. headers.find("Server")
  std::uint16_t header_lines = 0; ///< header lines seen (fields, folded and broken lines)
  std::uint16_t folded_lines = 0; ///< obsolete folded continuation lines (ignored)
  std::uint16_t bad_lines = 0;    ///< lines without a colon or with an empty name (ignored)
  bool complete = false;          ///< the blank line ending the head was seen
  bool head_cut = false;          ///< kHttpMaxResponseHead bytes passed without the blank line
  std::uint32_t head_length = 0;  ///< bytes of the head, blank line included (when complete)

  void clear() { *this = HttpResponseInfo{}; }
};

/// Parses the head of an HTTP/1.x request at the start of `data` (a client's TCP payload).
///
/// Never returns Malformed. Recognised methods: GET POST HEAD PUT DELETE OPTIONS CONNECT PATCH
/// TRACE and the WebDAV
/// ones (PROPFIND PROPPATCH MKCOL COPY MOVE LOCK UNLOCK REPORT SEARCH MKCALENDAR), and SSDP/GENA
/// (M-SEARCH NOTIFY SUBSCRIBE UNSUBSCRIBE, e.g. "M-SEARCH * HTTP/1.1" over UDP 1900); the method
/// is case-sensitive and must be followed by one space. The request line must end in
/// "HTTP/1.<digit>" and LF (CRLF or bare LF). Header names are case-insensitive; the first Host
/// and User-Agent headers win; obsolete folded continuation lines are ignored. Only complete
/// header lines (ending in LF) are used; the first kHttpMaxHeaders fields are kept in
/// `headers`. `out` is cleared first.
HttpParseStatus parseHttpRequestHead(std::span<const std::uint8_t> data, HttpRequestInfo& out);

/// Parses the head of an HTTP/1.x response at the start of `data` (a server's TCP payload,
/// reassembled). The status line must be "HTTP/1.<digit> <3 digits>[ <reason>]" ending in LF
/// (CRLF or bare LF), else Malformed. Header lines are "name: value" (blanks around the value
/// dropped); obsolete folded continuation lines (starting with SP or HT) and lines without a
/// colon are counted and ignored. NeedMore until the blank line ending the head arrives, unless
/// `data` already holds kHttpMaxResponseHead bytes (then Ok with `head_cut`); on NeedMore the
/// fields hold what the complete lines gave. `out` is cleared first.
HttpParseStatus parseHttpResponseHead(std::span<const std::uint8_t> data, HttpResponseInfo& out);

/// True if `data` starts with "HTTP/1." (the status line of an HTTP/1.x response).
bool looksLikeHttpResponse(std::span<const std::uint8_t> data);

/// Splits "host[:port]" / "[v6]:port" text into a normalised host (lowercased, one trailing dot
/// dropped, brackets removed) and a port (0 if absent or not a valid 1..65535 number).
/// Returns false if the text is empty or has an invalid port or bracket syntax.
bool splitHostPort(std::string_view text, FixedString<255>& host, std::uint16_t& port);

/// Human name of an HttpParseStatus ("ok", "need_more", "not_http", "malformed").
const char* httpParseStatusName(HttpParseStatus s);

} // namespace vw::classify
