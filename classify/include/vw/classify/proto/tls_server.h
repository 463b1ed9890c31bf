#pragma once
/// @file tls_server.h
/// The server's first TLS flight: ServerHello (selected version, cipher, ALPN, JA4S) and, for
/// TLS 1.2 and older, the Certificate message, whose leaf certificate is walked in DER by our
/// own code (issuer and subject names, DNS subjectAltNames) together with the issuer name of
/// the next certificate of the chain. No heap allocation, no exceptions, bounded work.
///
/// Distinguished names are written as text in certificate order, one `SHORT=value` per
/// attribute, joined by ", ", e.g. `C=US, O=Fortinet, OU=FortiGate, CN=FG100E` (the form nDPI
/// gives and the signature `cert` indicators match):
/// - attribute names: C, ST, L, O, OU, CN, emailAddress, serialNumber; any other attribute type
///   as its dotted OID (`2.5.4.97=...`);
/// - the attributes of a multi-valued RDN (`O=a + OU=b` in OpenSSL's notation) are listed one
///   by one like the others;
/// - inside values `,` is written `\,` and `\` is written `\\` (nothing else is escaped);
/// - PrintableString, IA5String, TeletexString, VisibleString, NumericString: bytes copied,
///   bytes outside 0x20..0x7e replaced by `?`; UTF8String: bytes >= 0x80 copied raw (UTF-8;
///   whoever prints them escapes them), control characters replaced by `?`; BMPString (UCS-2)
///   and UniversalString (UCS-4): printable ASCII code points kept, every other one `?`;
/// - a value of any other ASN.1 type is written `#` followed by the hex of its DER encoding.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include <vw/classify/proto/fixed_string.h>
#include <vw/classify/proto/tls_client_hello.h>

namespace vw::classify {

enum class TlsServerStatus : std::uint8_t {
  Ok,       ///< everything this parser reports from the flight is known (see TlsServerInfo)
  NeedMore, ///< a plausible prefix of a server flight; give more stream bytes
  /// Not a TLS handshake record, the first handshake message is not a ServerHello, or a fatal
  /// alert stands in place of the ServerHello (warning alerts before it are skipped)
  NotTls,
  Malformed ///< looked like a server flight but is inconsistent (ServerHello, records, DER)
};

/// Bytes of the server's stream looked at. A flight whose ServerHello, leaf certificate and
/// next certificate's issuer are not all complete within them ends the parse (Ok with
/// `flight_cut` once the ServerHello is known, else Malformed).
inline constexpr std::size_t kTlsMaxServerFlight = 16384;
/// DNS subjectAltNames stored per leaf certificate (further ones are counted only).
inline constexpr std::size_t kTlsMaxSans = 32;
/// ServerHello extensions stored for JA4S (further ones are counted in `extension_count`).
inline constexpr std::size_t kTlsMaxServerExtensions = 32;
/// Nesting depth of the DER walk. It follows the certificate's schema without recursion:
/// Certificate > TBSCertificate > [3] > Extensions > Extension > OCTET STRING > GeneralNames >
/// GeneralName is the deepest path (8); an attribute value of any other type is written as hex,
/// never descended into, so no input makes the walk go deeper.
inline constexpr int kDerMaxDepth = 8;

/// Text of one distinguished name (real ones are below 300 characters).
using DnText = FixedString<1024>;

/// Names of one X.509 certificate.
struct X509Names {
  DnText subject;
  DnText issuer;
  std::array<FixedString<255>, kTlsMaxSans> sans{}; ///< dNSName SANs in order, stored ones
  std::uint8_t san_stored = 0;                      ///< entries of `sans` in use
  std::uint16_t san_count = 0;                      ///< dNSName SANs seen (not capped)
  std::uint8_t version = 1;                         ///< X.509 version (1, 2 or 3)
  /// The extensions were inconsistent (a length running past its container, a SAN list that is
  /// not a SEQUENCE): the walk of the extensions stopped there; names before it are kept.
  bool bad_extensions = false;

  void clear() { *this = X509Names{}; }
};

/// Facts from a server's first flight.
struct TlsServerInfo {
  // ServerHello
  bool has_server_hello = false;    ///< the fields below up to `ja4s` are set
  std::uint16_t legacy_version = 0; ///< ServerHello.legacy_version (server_version)
  std::uint16_t version = 0;        ///< selected: supported_versions if present, else legacy
  std::uint16_t cipher = 0;         ///< the chosen cipher suite
  std::uint8_t compression = 0;     ///< the chosen compression method
  bool has_supported_versions = false;
  bool hello_retry = false;          ///< the ServerHello is a TLS 1.3 HelloRetryRequest
  FixedString<64> alpn;              ///< the ALPN protocol the server chose (empty if none)
  std::uint16_t extension_count = 0; ///< ServerHello extensions (not capped)
  U16List<kTlsMaxServerExtensions> extensions; ///< extension types in wire order
  FixedString<25> ja4s;                        ///< JA4S, e.g. t120400_c030_4e8089b08790

  // Certificate message (TLS <= 1.2; TLS 1.3 encrypts it)
  bool has_certificate = false; ///< a Certificate message with a leaf certificate was walked
  std::uint16_t cert_count = 0; ///< certificates in the message (those whose header was seen)
  X509Names leaf;               ///< the server's own (first) certificate
  bool has_next_issuer = false; ///< the second certificate's issuer is in `next_issuer`
  DnText next_issuer;           ///< issuer of the second certificate (the chain's next link)
  bool next_malformed = false;  ///< the second certificate's DER is broken (ignored)

  std::uint8_t warning_alerts = 0; ///< warning alerts before the ServerHello (skipped)
  std::uint8_t records = 0;        ///< TLS records read (alerts included)
  std::uint32_t bytes_used = 0;    ///< stream bytes read to reach the result
  /// The kTlsMaxServerFlight bound ended the parse before the Certificate message was
  /// complete enough (the leaf or the next issuer is then missing).
  bool flight_cut = false;

  void clear() { *this = TlsServerInfo{}; }
};

/// Parses the server's first flight at the start of `stream` (the server-to-client TCP byte
/// stream of a TLS connection, reassembled in order: TLS records of type 22; a handshake
/// message may span records and a record may hold several messages). `out` is cleared first.
///
/// Returns Ok once every reported fact is final:
/// - TLS 1.3 (supported_versions 0x0304, HelloRetryRequest included): at the ServerHello;
/// - TLS 1.2 and older: when the message after the ServerHello is not a Certificate (a
///   resumed session, anonymous or PSK suites) or a non-handshake record follows; otherwise
///   once the leaf certificate has been walked and, if the message holds a second certificate,
///   that one's issuer name has been read (the rest of the chain is not needed);
/// - when kTlsMaxServerFlight bytes did not suffice but the ServerHello is known
///   (`flight_cut`).
/// NeedMore while the stream is a valid prefix shorter than that. Malformed for inconsistent
/// records, ServerHello or Certificate message lengths, and for a leaf certificate whose DER
/// is broken up to its subject name (lengths beyond their container, indefinite or over-long
/// lengths, high tag numbers, wrong types, bad OIDs); the ServerHello fields stay filled then.
/// A broken second certificate only sets `next_malformed`.
TlsServerStatus parseTlsServerFlight(std::span<const std::uint8_t> stream, TlsServerInfo& out);

/// Walks one DER-encoded X.509 certificate (tbsCertificate: version, issuer, subject and the
/// subjectAltName extension). `der` must hold the whole certificate; bytes after it are
/// ignored. Returns false (and leaves `out` partly filled) if the DER is broken before the end
/// of the subject name; a broken extension list sets `bad_extensions` only.
bool parseX509Names(std::span<const std::uint8_t> der, X509Names& out);

/// Human name of a TlsServerStatus ("ok", "need_more", "not_tls", "malformed").
const char* tlsServerStatusName(TlsServerStatus s);

} // namespace vw::classify
