#pragma once
/// @file escape.h
/// The one escaping rule for text a person reads: the host table on stderr, the CSV and HTML
/// reports, and the fields of syslog / CEF messages that a SIEM shows. Names taken from
/// traffic (TLS/QUIC SNI, HTTP Host and User-Agent, DNS names, certificate fields) are chosen
/// by whoever sends the packets and may hold terminal escape sequences, CR/LF, bidi overrides
/// or invalid UTF-8; escapeDisplay() makes every such byte visible instead of letting it act.

#include <string>
#include <string_view>

namespace vw::alerts {

/// Printable, unambiguous form of `s`:
/// - valid UTF-8 whose code points print is kept as is;
/// - `\` becomes `\\` (so an escape in the output always means an escaped byte);
/// - C0 controls (TAB, CR, LF, ESC included), DEL and each byte that is not part of a valid
///   UTF-8 sequence (overlong, surrogate, truncated, > U+10FFFF) become `\xNN` (lower-case hex);
/// - code points that are valid but do not print or reorder text - C1 controls U+0080..U+009F
///   (U+009B is a one-byte CSI for some terminals), soft hyphen U+00AD, the bidi controls
///   U+061C, U+200E/F, U+202A..U+202E, U+2066..U+2069, zero-width and invisible U+200B..U+200D,
///   U+2060..U+2064, line/paragraph separators U+2028/U+2029, BOM U+FEFF, U+FFF9..U+FFFB and
///   the tag characters U+E0000..U+E007F - become `\u{NNNN}` (upper-case hex, 4+ digits).
/// The result is valid UTF-8 without any control character.
std::string escapeDisplay(std::string_view s);

/// Appends escapeDisplay(s) to `out`.
void appendEscapedDisplay(std::string& out, std::string_view s);

} // namespace vw::alerts
