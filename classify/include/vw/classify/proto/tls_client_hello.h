#pragma once
/// @file tls_client_hello.h
/// TLS ClientHello parsing with SNI, ALPN, ECH detection, JA3 and JA4 (FoxIO spec).

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include <vw/classify/proto/fixed_string.h>

namespace vw::classify {

enum class TlsParseStatus : std::uint8_t {
  Ok,       ///< a complete ClientHello was parsed
  NeedMore, ///< the bytes so far are a plausible prefix; give more stream bytes
  NotTls,   ///< not a TLS handshake record / not a ClientHello
  Malformed ///< looked like a ClientHello but is inconsistent
};

/// Largest ClientHello handshake body we accept (and reassemble from several TCP records).
/// Real ones are below 2 KiB (4 KiB with large post-quantum key shares and padding).
inline constexpr std::size_t kTlsMaxClientHello = 16384;

/// Capacities of the ClientHelloInfo lists. Real clients stay far below (Chrome: 16 ciphers,
/// 18 extensions); scanners reach a few hundred ciphers. Beyond them `lists_truncated` is set
/// and JA3/JA4 cover only the stored entries.
inline constexpr std::size_t kTlsMaxCiphers = 1024;
inline constexpr std::size_t kTlsMaxExtensions = 128;
inline constexpr std::size_t kTlsMaxListItems = 128; ///< supported_groups, signature_algorithms
inline constexpr std::size_t kTlsMaxSmallList = 32;  ///< ec_point_formats, supported_versions

/// Text buffer for the JA3 and raw JA4 strings; large enough for full lists at capacity.
using TlsFingerprintText = FixedString<8192>;

/// A bounded list of 16-bit code points in wire order. Values beyond the capacity are
/// counted in `total` but not stored, and `overflow()` becomes true.
template <std::size_t N> struct U16List {
  std::array<std::uint16_t, N> v{};
  std::uint16_t size = 0;  ///< entries stored
  std::uint32_t total = 0; ///< entries seen
  void push(std::uint16_t x) {
    ++total;
    if (size < N)
      v[size++] = x;
  }
  bool overflow() const { return total > size; }
  std::span<const std::uint16_t> view() const { return {v.data(), size}; }
};

/// True for the 16 GREASE values of RFC 8701 (0x0a0a, 0x1a1a, ..., 0xfafa).
constexpr bool isTlsGrease(std::uint16_t v) {
  return (v & 0x0F0F) == 0x0A0A && (v >> 8) == (v & 0xFF);
}

/// Facts from one ClientHello. Names are lowercased, a trailing dot dropped. Bytes that are not
/// printable ASCII in SNI/ALPN are kept raw (whoever prints them escapes them).
///
/// All lists are in wire order with GREASE values removed; counts exclude GREASE too.
struct ClientHelloInfo {
  std::uint16_t legacy_version = 0;  ///< client_version field
  std::uint16_t max_version = 0;     ///< highest non-GREASE supported_versions entry, else legacy
  FixedString<255> sni;              ///< server_name host_name (empty if absent)
  FixedString<255> alpn;             ///< ALPN protocols joined by ',' (empty if absent)
  FixedString<64> alpn_first;        ///< the first ALPN protocol
  bool ech = false;                  ///< encrypted_client_hello (0xfe0d) extension present
  FixedString<32> ja3;               ///< JA3 MD5, 32 lowercase hex chars
  FixedString<36> ja4;               ///< JA4 fingerprint, e.g. t13d1516h2_8daaf6152771_b186095e22b6
  std::uint16_t cipher_count = 0;    ///< cipher suites, GREASE excluded (not capped)
  std::uint16_t extension_count = 0; ///< extensions, GREASE excluded (not capped)

  bool quic = false;         ///< parsed as a QUIC CRYPTO stream (JA4 starts with 'q')
  bool has_sni_ext = false;  ///< server_name extension present (JA4 'd'), even if unparsable
  bool has_alpn_ext = false; ///< ALPN extension present
  bool has_supported_versions = false;
  /// JA4 ALPN characters (first/last of the first ALPN value, or hex digits, or "00").
  std::array<char, 2> ja4_alpn{'0', '0'};
  std::uint32_t handshake_length = 0; ///< ClientHello body length from the handshake header
  std::uint8_t records = 0;           ///< TCP: TLS records the ClientHello spanned
  bool bad_extension = false;         ///< an extension's content was inconsistent and was ignored
  /// The extension list itself was inconsistent (a length running past the message): parsing
  /// stopped there, what came before is kept, and `ja3` / `ja4` are left EMPTY.
  bool extensions_cut = false;
  bool lists_truncated = false; ///< a list exceeded its capacity; JA3/JA4 cover the stored part

  U16List<kTlsMaxCiphers> ciphers;
  U16List<kTlsMaxExtensions> extensions;
  U16List<kTlsMaxListItems> groups;             ///< supported_groups (JA3 "EllipticCurves")
  U16List<kTlsMaxSmallList> point_formats;      ///< ec_point_formats (8-bit values)
  U16List<kTlsMaxListItems> sig_algs;           ///< signature_algorithms
  U16List<kTlsMaxSmallList> supported_versions; ///< supported_versions

  void clear() { *this = ClientHelloInfo{}; }
};

/// Parses a ClientHello.
///
/// `stream` is the start of the client's byte stream: for TCP the TLS record layer (records
/// of type 22, a ClientHello may span several records); for QUIC (`quic` true) the CRYPTO
/// stream bytes, i.e. the bare handshake message. Returns NeedMore when `stream` is a valid
/// but incomplete prefix. JA4's first character is 't' for TCP and 'q' for QUIC.
/// No heap allocation; bounded work.
///
/// `out` is cleared first; on Ok every field is set (JA3/JA4 included unless `extensions_cut`).
/// For TCP a ClientHello spread over several records is reassembled in a stack buffer of
/// kTlsMaxClientHello bytes; a longer ClientHello is Malformed. SSLv2-compatible hellos are
/// NotTls. Inconsistent extension contents (`bad_extension`) or a broken extension list
/// (`extensions_cut`) do not fail the parse; inconsistent lengths of the ClientHello's fixed
/// fields (session id, cipher suites, compression methods) do (Malformed).
TlsParseStatus parseClientHello(std::span<const std::uint8_t> stream, bool quic,
                                ClientHelloInfo& out);

/// Normalises a DNS-style name in place semantics: lowercases ASCII and drops one trailing dot.
void normaliseHostName(std::string_view in, FixedString<255>& out);

/// JA3 input string (Salesforce): "SSLVersion,Ciphers,Extensions,EllipticCurves,
/// EllipticCurvePointFormats", decimal values joined by '-', GREASE removed, wire order.
/// ClientHelloInfo::ja3 is the MD5 of this string.
void ja3String(const ClientHelloInfo& info, TlsFingerprintText& out);

/// JA4 raw form. `original_order` false gives JA4_r (sorted ciphers and extensions, SNI and
/// ALPN removed from the extension list); true gives JA4_ro (wire order, SNI and ALPN kept).
void ja4Raw(const ClientHelloInfo& info, bool original_order, TlsFingerprintText& out);

/// JA4 hashed form; `original_order` true gives JA4_o. ClientHelloInfo::ja4 is the sorted form.
void ja4Hash(const ClientHelloInfo& info, bool original_order, FixedString<36>& out);

/// The protocol version a server chose, from the first bytes the server sent on a TLS
/// connection: 0x0304 when its ServerHello carries supported_versions = TLS 1.3, otherwise the
/// ServerHello's legacy version (0x0303 for TLS 1.2). 0 when `stream` does not start with a
/// complete ServerHello in a handshake record (not TLS, cut, malformed). Bounded, no allocation.
std::uint16_t serverHelloVersion(std::span<const std::uint8_t> stream);

/// Human name of a TlsParseStatus ("ok", "need_more", "not_tls", "malformed").
const char* tlsParseStatusName(TlsParseStatus s);

} // namespace vw::classify
