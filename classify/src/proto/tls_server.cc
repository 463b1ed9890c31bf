/// @file tls_server.cc
/// Server flight parsing (ServerHello, JA4S, Certificate) and the X.509 DER name walk.

#include <algorithm>
#include <array>

#include <vw/classify/proto/tls_server.h>
#include <vw/packet/byte_reader.h>

#include "digest.h"

namespace vw::classify {
namespace {

constexpr std::uint8_t kContentChangeCipherSpec = 20;
constexpr std::uint8_t kContentAlert = 21;
constexpr std::uint8_t kContentHandshake = 22;
constexpr std::uint8_t kContentApplicationData = 23;
constexpr std::uint8_t kHandshakeHelloRequest = 0;
constexpr std::uint8_t kHandshakeServerHello = 2;
constexpr std::uint8_t kHandshakeCertificate = 11;
constexpr std::uint16_t kExtAlpn = 0x0010;
constexpr std::uint16_t kExtSupportedVersions = 0x002b;
/// TLSPlaintext.length may not exceed 2^14; allow the TLSCiphertext slack (as for ClientHello).
constexpr std::size_t kMaxRecordLength = 16384 + 2048;

/// ServerHello.random of a HelloRetryRequest (RFC 8446 4.1.3): SHA-256("HelloRetryRequest").
constexpr std::array<std::uint8_t, 32> kHelloRetryRandom = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

constexpr char kHex[] = "0123456789abcdef";

// ---------------------------------------------------------------------------------------------
// DER

namespace der {
constexpr std::uint8_t kBoolean = 0x01;
constexpr std::uint8_t kInteger = 0x02;
constexpr std::uint8_t kOctetString = 0x04;
constexpr std::uint8_t kOid = 0x06;
constexpr std::uint8_t kUtf8String = 0x0c;
constexpr std::uint8_t kNumericString = 0x12;
constexpr std::uint8_t kPrintableString = 0x13;
constexpr std::uint8_t kTeletexString = 0x14;
constexpr std::uint8_t kVideotexString = 0x15;
constexpr std::uint8_t kIa5String = 0x16;
constexpr std::uint8_t kGraphicString = 0x19;
constexpr std::uint8_t kVisibleString = 0x1a;
constexpr std::uint8_t kGeneralString = 0x1b;
constexpr std::uint8_t kUniversalString = 0x1c;
constexpr std::uint8_t kBmpString = 0x1e;
constexpr std::uint8_t kSequence = 0x30;
constexpr std::uint8_t kSet = 0x31;
constexpr std::uint8_t kVersionTag = 0xa0;    ///< [0] EXPLICIT Version
constexpr std::uint8_t kIssuerUidTag = 0x81;  ///< [1] IMPLICIT BIT STRING
constexpr std::uint8_t kSubjectUidTag = 0x82; ///< [2] IMPLICIT BIT STRING
constexpr std::uint8_t kExtensionsTag = 0xa3; ///< [3] EXPLICIT Extensions
constexpr std::uint8_t kDnsNameTag = 0x82;    ///< GeneralName dNSName [2] IA5String
constexpr std::array<std::uint8_t, 3> kSanOid = {0x55, 0x1d, 0x11}; ///< 2.5.29.17
} // namespace der

/// Result of reading one element.
enum class DerRead : std::uint8_t {
  Ok,
  Short, ///< the header or content runs past the bytes given (may be a cut prefix)
  Bad    ///< indefinite length, more than 4 length bytes, high tag number
};

struct Tlv {
  std::uint8_t tag = 0;
  std::span<const std::uint8_t> whole;   ///< header and content
  std::span<const std::uint8_t> content; ///< content only
};

/// Reads a tag and a definite length. `len` is not checked against the rest.
DerRead readHeader(ByteReader& r, std::uint8_t& tag, std::size_t& len) {
  std::uint8_t l = 0;
  if (!r.u8(tag))
    return DerRead::Short;
  if ((tag & 0x1f) == 0x1f)
    return DerRead::Bad; // high tag number form: never used by certificates
  if (!r.u8(l))
    return DerRead::Short;
  if (l < 0x80) {
    len = l;
    return DerRead::Ok;
  }
  const std::size_t n = l & 0x7f;
  if (n == 0 || n > 4)
    return DerRead::Bad; // indefinite length (0x80) is BER only; > 4 GiB is never real
  len = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::uint8_t b = 0;
    if (!r.u8(b))
      return DerRead::Short;
    len = (len << 8) | b;
  }
  return DerRead::Ok;
}

/// Reads one whole element (header and content) from `r`.
DerRead readTlv(ByteReader& r, Tlv& out) {
  const std::span<const std::uint8_t> start = r.rest();
  const std::size_t begin = r.offset();
  std::size_t len = 0;
  const DerRead h = readHeader(r, out.tag, len);
  if (h != DerRead::Ok)
    return h;
  const std::size_t header = r.offset() - begin;
  if (!r.bytes(len, out.content))
    return DerRead::Short;
  out.whole = start.first(header + len);
  return DerRead::Ok;
}

/// Reads one whole element that must be complete within `r` and carry `tag`.
bool expect(ByteReader& r, std::uint8_t tag, Tlv& out) {
  return readTlv(r, out) == DerRead::Ok && out.tag == tag;
}

bool nextTagIs(const ByteReader& r, std::uint8_t tag) {
  std::uint8_t t = 0;
  return r.peekU8(0, t) && t == tag;
}

// ---------------------------------------------------------------------------------------------
// Distinguished names

template <std::size_t N> void appendEscaped(FixedString<N>& out, char c) {
  if (c == ',' || c == '\\')
    out.append('\\');
  out.append(c);
}

template <std::size_t N> void appendCodePoint(FixedString<N>& out, std::uint32_t cp) {
  appendEscaped(out, (cp >= 0x20 && cp < 0x7f) ? static_cast<char>(cp) : '?');
}

/// The short name of a well-known attribute type, or empty.
std::string_view attributeName(std::span<const std::uint8_t> oid) {
  static constexpr std::uint8_t kEmail[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01};
  if (oid.size() == 3 && oid[0] == 0x55 && oid[1] == 0x04) {
    switch (oid[2]) {
    case 0x03:
      return "CN";
    case 0x05:
      return "serialNumber";
    case 0x06:
      return "C";
    case 0x07:
      return "L";
    case 0x08:
      return "ST";
    case 0x0a:
      return "O";
    case 0x0b:
      return "OU";
    default:
      return {};
    }
  }
  if (std::equal(oid.begin(), oid.end(), std::begin(kEmail), std::end(kEmail)))
    return "emailAddress";
  return {};
}

template <std::size_t N> void appendDecimal(FixedString<N>& out, std::uint64_t v) {
  char buf[20];
  std::size_t n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0)
    out.append(buf[--n]);
}

/// Writes an OBJECT IDENTIFIER's content in dotted form. False if it is empty, ends inside a
/// sub-identifier or has a sub-identifier above 2^64.
template <std::size_t N>
bool appendDottedOid(FixedString<N>& out, std::span<const std::uint8_t> oid) {
  ByteReader r(oid);
  if (r.empty())
    return false;
  bool first = true;
  while (!r.empty()) {
    std::uint64_t v = 0;
    std::uint8_t b = 0;
    do {
      if (!r.u8(b) || v > (UINT64_MAX >> 7))
        return false;
      v = (v << 7) | (b & 0x7f);
    } while ((b & 0x80) != 0);
    if (first) {
      const std::uint64_t arc0 = v < 40 ? 0 : (v < 80 ? 1 : 2);
      appendDecimal(out, arc0);
      out.append('.');
      appendDecimal(out, v - 40 * arc0);
      first = false;
    } else {
      out.append('.');
      appendDecimal(out, v);
    }
  }
  return true;
}

/// Writes an attribute value (see tls_server.h for the conversions).
template <std::size_t N> void appendValue(FixedString<N>& out, const Tlv& v) {
  const std::span<const std::uint8_t> s = v.content;
  switch (v.tag) {
  case der::kUtf8String:
    for (std::uint8_t b : s)
      appendEscaped(out, (b < 0x20 || b == 0x7f) ? '?' : static_cast<char>(b));
    return;
  case der::kPrintableString:
  case der::kIa5String:
  case der::kTeletexString:
  case der::kVisibleString:
  case der::kNumericString:
  case der::kVideotexString:
  case der::kGraphicString:
  case der::kGeneralString:
    for (std::uint8_t b : s)
      appendCodePoint(out, b);
    return;
  case der::kBmpString: {
    ByteReader r(s);
    std::uint16_t u = 0;
    while (r.u16(u))
      appendCodePoint(out, u);
    if (!r.empty())
      appendCodePoint(out, 0xfffd); // an odd trailing byte
    return;
  }
  case der::kUniversalString: {
    ByteReader r(s);
    std::uint32_t u = 0;
    while (r.u32(u))
      appendCodePoint(out, u);
    if (!r.empty())
      appendCodePoint(out, 0xfffd);
    return;
  }
  default:
    out.append('#');
    for (std::uint8_t b : v.whole) {
      out.append(kHex[b >> 4]);
      out.append(kHex[b & 0x0f]);
    }
    return;
  }
}

/// Walks a Name (the content of its RDNSequence) into `out`.
bool walkName(std::span<const std::uint8_t> name, DnText& out) {
  ByteReader seq(name);
  bool first = true;
  while (!seq.empty()) {
    Tlv rdn;
    if (!expect(seq, der::kSet, rdn))
      return false;
    ByteReader set(rdn.content);
    if (set.empty())
      return false; // SET SIZE (1..MAX)
    while (!set.empty()) {
      Tlv atv, type, value;
      if (!expect(set, der::kSequence, atv))
        return false;
      ByteReader a(atv.content);
      if (!expect(a, der::kOid, type) || readTlv(a, value) != DerRead::Ok || !a.empty())
        return false;
      if (!first)
        out.append(", ");
      first = false;
      const std::string_view short_name = attributeName(type.content);
      if (!short_name.empty())
        out.append(short_name);
      else if (!appendDottedOid(out, type.content))
        return false;
      out.append('=');
      appendValue(out, value);
    }
  }
  return true;
}

/// Reads the subjectAltName extension value (GeneralNames) into `out`.
bool walkSubjectAltName(std::span<const std::uint8_t> ext_value, X509Names& out) {
  ByteReader r(ext_value);
  Tlv names;
  if (!expect(r, der::kSequence, names))
    return false;
  ByteReader list(names.content);
  while (!list.empty()) {
    Tlv gn;
    if (readTlv(list, gn) != DerRead::Ok)
      return false;
    if (gn.tag != der::kDnsNameTag)
      continue;
    if (out.san_count < UINT16_MAX)
      ++out.san_count;
    if (out.san_stored < kTlsMaxSans)
      out.sans[out.san_stored++].assign(asChars(gn.content));
  }
  return true;
}

/// Walks the [3] Extensions of a TBSCertificate; only subjectAltName is read.
bool walkExtensions(std::span<const std::uint8_t> explicit_content, X509Names& out) {
  ByteReader r(explicit_content);
  Tlv exts;
  if (!expect(r, der::kSequence, exts))
    return false;
  ByteReader list(exts.content);
  while (!list.empty()) {
    Tlv ext, oid, value;
    if (!expect(list, der::kSequence, ext))
      return false;
    ByteReader e(ext.content);
    if (!expect(e, der::kOid, oid))
      return false;
    if (nextTagIs(e, der::kBoolean) && !expect(e, der::kBoolean, value))
      return false;
    if (!expect(e, der::kOctetString, value))
      return false;
    if (std::equal(oid.content.begin(), oid.content.end(), der::kSanOid.begin(),
                   der::kSanOid.end()) &&
        !walkSubjectAltName(value.content, out))
      return false;
  }
  return true;
}

/// Reads the TBSCertificate fields before the issuer: optional [0] version, serialNumber and
/// signature. Returns Short if `tbs` ends inside them.
DerRead skipToIssuer(ByteReader& tbs, std::uint8_t& version) {
  Tlv t;
  DerRead d = DerRead::Ok;
  if (nextTagIs(tbs, der::kVersionTag)) {
    if ((d = readTlv(tbs, t)) != DerRead::Ok)
      return d;
    ByteReader v(t.content);
    Tlv num;
    std::uint8_t n = 0;
    if (!expect(v, der::kInteger, num) || num.content.size() != 1 || !v.empty())
      return DerRead::Bad;
    ByteReader(num.content).u8(n);
    if (n > 2)
      return DerRead::Bad;
    version = static_cast<std::uint8_t>(n + 1);
  }
  if ((d = readTlv(tbs, t)) != DerRead::Ok)
    return d;
  if (t.tag != der::kInteger)
    return DerRead::Bad;
  if ((d = readTlv(tbs, t)) != DerRead::Ok)
    return d;
  if (t.tag != der::kSequence)
    return DerRead::Bad;
  return DerRead::Ok;
}

/// Opens the Certificate and TBSCertificate SEQUENCE headers of `der`; `tbs` gets the part of
/// the TBSCertificate content that is present (all of it unless `der` is cut short).
DerRead openTbs(std::span<const std::uint8_t> der, ByteReader& tbs, bool& cut) {
  ByteReader r(der);
  std::uint8_t tag = 0;
  std::size_t cert_len = 0, tbs_len = 0;
  DerRead d = readHeader(r, tag, cert_len);
  if (d != DerRead::Ok)
    return d;
  if (tag != der::kSequence)
    return DerRead::Bad;
  const std::size_t cert_avail = std::min(cert_len, r.remaining());
  ByteReader cert(r.rest().first(cert_avail));
  if ((d = readHeader(cert, tag, tbs_len)) != DerRead::Ok)
    return d;
  if (tag != der::kSequence)
    return DerRead::Bad;
  if (tbs_len > cert_len)
    return DerRead::Bad; // longer than the certificate that holds it
  cut = tbs_len > cert.remaining();
  tbs = ByteReader(cert.rest().first(std::min(tbs_len, cert.remaining())));
  return DerRead::Ok;
}

/// Reads only the issuer name of a certificate of which `der` may be just a prefix (the
/// second certificate of a chain, which may continue beyond the flight bound).
DerRead issuerOfPrefix(std::span<const std::uint8_t> der, DnText& out) {
  ByteReader tbs;
  bool cut = false;
  DerRead d = openTbs(der, tbs, cut);
  if (d != DerRead::Ok)
    return d;
  std::uint8_t version = 1;
  Tlv issuer;
  if ((d = skipToIssuer(tbs, version)) == DerRead::Ok)
    d = readTlv(tbs, issuer);
  if (d == DerRead::Short)
    return cut ? DerRead::Short : DerRead::Bad;
  if (d != DerRead::Ok || issuer.tag != der::kSequence || !walkName(issuer.content, out))
    return DerRead::Bad;
  return DerRead::Ok;
}

// ---------------------------------------------------------------------------------------------
// ServerHello and JA4S

/// JA4 ALPN characters of the chosen ALPN value (same rules as for the ClientHello).
std::array<char, 2> ja4AlpnChars(std::string_view v) {
  auto alnum = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  };
  if (v.empty())
    return {'0', '0'};
  const char first = v.front();
  const char last = v.back();
  if (alnum(first) && alnum(last))
    return {first, last};
  const auto f = static_cast<std::uint8_t>(first);
  const auto l = static_cast<std::uint8_t>(last);
  return {kHex[f >> 4], kHex[l & 0x0f]};
}

const char* ja4Version(std::uint16_t v) {
  switch (v) {
  case 0x0304:
    return "13";
  case 0x0303:
    return "12";
  case 0x0302:
    return "11";
  case 0x0301:
    return "10";
  case 0x0300:
    return "s3";
  case 0x0002:
    return "s2";
  default:
    return "00";
  }
}

void appendHex4(TlsFingerprintText& out, std::uint16_t v) {
  out.append(kHex[(v >> 12) & 0xF]);
  out.append(kHex[(v >> 8) & 0xF]);
  out.append(kHex[(v >> 4) & 0xF]);
  out.append(kHex[v & 0xF]);
}

/// JA4S (FoxIO): t<version><extension count><ALPN>_<cipher>_<sha256 of the extension list in
/// wire order, first 12 hex digits; zeros when there are no extensions>.
void computeJa4s(TlsServerInfo& out) {
  TlsFingerprintText s;
  s.append('t');
  s.append(ja4Version(out.version));
  const std::uint32_t n = std::min<std::uint32_t>(out.extension_count, 99);
  s.append(static_cast<char>('0' + n / 10));
  s.append(static_cast<char>('0' + n % 10));
  const std::array<char, 2> alpn = ja4AlpnChars(out.alpn.view());
  s.append(alpn[0]);
  s.append(alpn[1]);
  s.append('_');
  appendHex4(s, out.cipher);
  s.append('_');
  out.ja4s.assign(s.view());
  if (out.extensions.size == 0) {
    out.ja4s.append("000000000000");
    return;
  }
  TlsFingerprintText list;
  for (std::size_t i = 0; i < out.extensions.size; ++i) {
    if (i > 0)
      list.append(',');
    appendHex4(list, out.extensions.v[i]);
  }
  char sha[64];
  detail::sha256Hex(list.view(), sha);
  out.ja4s.append(std::string_view(sha, 12));
}

bool readAlpn(ByteReader r, FixedString<64>& out) {
  std::uint16_t list_len = 0;
  std::uint8_t len = 0;
  ByteReader list;
  std::span<const std::uint8_t> proto;
  if (!r.u16(list_len) || !r.sub(list_len, list) || !list.u8(len) || !list.bytes(len, proto))
    return false;
  out.assign(asChars(proto));
  return true;
}

bool parseServerHello(std::span<const std::uint8_t> body, TlsServerInfo& out) {
  ByteReader r(body);
  std::span<const std::uint8_t> random;
  std::uint8_t sid_len = 0;
  if (!r.u16(out.legacy_version) || !r.bytes(32, random) || !r.u8(sid_len) || sid_len > 32 ||
      !r.skip(sid_len) || !r.u16(out.cipher) || !r.u8(out.compression))
    return false;
  out.version = out.legacy_version;
  out.hello_retry = std::equal(random.begin(), random.end(), kHelloRetryRandom.begin());
  if (!r.empty()) {
    std::uint16_t ext_len = 0;
    ByteReader exts;
    if (!r.u16(ext_len) || !r.sub(ext_len, exts))
      return false;
    while (!exts.empty()) {
      std::uint16_t type = 0, len = 0;
      ByteReader data;
      if (!exts.u16(type) || !exts.u16(len) || !exts.sub(len, data))
        return false;
      out.extensions.push(type);
      if (out.extension_count < UINT16_MAX)
        ++out.extension_count;
      std::uint16_t v = 0;
      if (type == kExtSupportedVersions && data.u16(v)) {
        out.has_supported_versions = true;
        out.version = v;
      } else if (type == kExtAlpn) {
        readAlpn(data, out.alpn);
      }
    }
  }
  computeJa4s(out);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Certificate message

/// Progress through the handshake stream.
enum class Step : std::uint8_t { Done, Incomplete, Bad };

/// Parses the Certificate message body of which `body` is the part present (`msg_len` bytes
/// declared). Done once the leaf and the next certificate's issuer (if any) are known.
Step parseCertificateMessage(std::span<const std::uint8_t> body, std::uint32_t msg_len,
                             TlsServerInfo& out, TlsServerStatus& st) {
  ByteReader r(body);
  std::uint32_t list_len = 0;
  if (!r.u24(list_len))
    return Step::Incomplete;
  if (list_len + 3 != msg_len)
    return Step::Bad;
  // Count the certificate headers present (bounded by the flight size).
  {
    ByteReader c(r.rest());
    std::uint32_t len = 0;
    while (c.u24(len)) {
      if (out.cert_count < UINT16_MAX)
        ++out.cert_count;
      if (!c.skip(len))
        break;
    }
  }
  std::uint32_t leaf_len = 0;
  std::span<const std::uint8_t> leaf;
  if (!r.u24(leaf_len))
    return Step::Incomplete;
  if (leaf_len == 0 || 3 + std::size_t{leaf_len} > list_len)
    return Step::Bad;
  if (!r.bytes(leaf_len, leaf))
    return Step::Incomplete;
  if (!parseX509Names(leaf, out.leaf)) {
    st = TlsServerStatus::Malformed;
    return Step::Done;
  }
  out.has_certificate = true;
  if (list_len == 3 + leaf_len)
    return Step::Done; // a chain of one
  std::uint32_t next_len = 0;
  if (!r.u24(next_len))
    return Step::Incomplete;
  if (6 + std::size_t{leaf_len} + next_len > list_len || next_len == 0) {
    out.next_malformed = true;
    return Step::Done;
  }
  const std::span<const std::uint8_t> next =
      r.rest().first(std::min<std::size_t>(next_len, r.remaining()));
  switch (issuerOfPrefix(next, out.next_issuer)) {
  case DerRead::Ok:
    out.has_next_issuer = true;
    return Step::Done;
  case DerRead::Short:
    out.next_issuer.clear();
    return next.size() < next_len ? Step::Incomplete : (out.next_malformed = true, Step::Done);
  case DerRead::Bad:
    break;
  }
  out.next_issuer.clear();
  out.next_malformed = true;
  return Step::Done;
}

/// Parses the handshake messages gathered so far. `ended`: no further handshake bytes will
/// come (a record of another type followed).
Step parseMessages(std::span<const std::uint8_t> hs, bool ended, TlsServerInfo& out,
                   TlsServerStatus& st) {
  ByteReader r(hs);
  bool have_hello = false;
  for (;;) {
    std::uint8_t type = 0;
    std::uint32_t len = 0;
    if (!r.u8(type) || !r.u24(len))
      return ended ? (have_hello ? Step::Done : Step::Bad) : Step::Incomplete;
    if (!have_hello) {
      if (type == kHandshakeHelloRequest && len == 0)
        continue;
      if (type != kHandshakeServerHello)
        return Step::Bad;
      std::span<const std::uint8_t> body;
      if (len > kTlsMaxServerFlight)
        return Step::Bad;
      if (!r.bytes(len, body))
        return ended ? Step::Bad : Step::Incomplete;
      if (!parseServerHello(body, out))
        return Step::Bad;
      have_hello = true;
      out.has_server_hello = true;
      if (out.version == 0x0304 || out.hello_retry)
        return Step::Done; // everything after it is encrypted
      continue;
    }
    if (type != kHandshakeCertificate)
      return Step::Done; // no certificate in this flight (resumption, anonymous, PSK)
    const std::span<const std::uint8_t> body =
        r.rest().first(std::min<std::size_t>(len, r.remaining()));
    const Step s = parseCertificateMessage(body, len, out, st);
    if (s == Step::Incomplete && ended)
      return Step::Bad; // the handshake stream stopped inside the Certificate message
    return s;
  }
}

} // namespace

bool parseX509Names(std::span<const std::uint8_t> der, X509Names& out) {
  out.clear();
  ByteReader tbs;
  bool cut = false;
  if (openTbs(der, tbs, cut) != DerRead::Ok || cut)
    return false;
  Tlv issuer, validity, subject, spki;
  if (skipToIssuer(tbs, out.version) != DerRead::Ok || !expect(tbs, der::kSequence, issuer) ||
      !walkName(issuer.content, out.issuer) || !expect(tbs, der::kSequence, validity) ||
      !expect(tbs, der::kSequence, subject) || !walkName(subject.content, out.subject))
    return false;
  // After the subject: subjectPublicKeyInfo, the optional unique ids, [3] extensions.
  if (!expect(tbs, der::kSequence, spki)) {
    out.bad_extensions = true;
    return true;
  }
  while (!tbs.empty()) {
    Tlv t;
    if (readTlv(tbs, t) != DerRead::Ok) {
      out.bad_extensions = true;
      break;
    }
    if (t.tag == der::kExtensionsTag) {
      if (!walkExtensions(t.content, out))
        out.bad_extensions = true;
      break;
    }
    if (t.tag != der::kIssuerUidTag && t.tag != der::kSubjectUidTag && t.tag != 0xa1 &&
        t.tag != 0xa2) {
      out.bad_extensions = true;
      break;
    }
  }
  return true;
}

TlsServerStatus parseTlsServerFlight(std::span<const std::uint8_t> stream, TlsServerInfo& out) {
  out.clear();
  const bool bounded = stream.size() >= kTlsMaxServerFlight;
  ByteReader r(stream.first(std::min(stream.size(), kTlsMaxServerFlight)));

  // Gather the handshake bytes of consecutive handshake records.
  std::array<std::uint8_t, kTlsMaxServerFlight> hs; // not initialised: only `have` used
  std::size_t have = 0;
  bool ended = false; // a record of another type followed the handshake records
  std::size_t records = 0;
  for (;;) {
    // Anything off in the first record header means "not TLS"; later, a broken stream.
    const TlsServerStatus bad = records == 0 ? TlsServerStatus::NotTls : TlsServerStatus::Malformed;
    std::uint8_t content_type = 0, major = 0, minor = 0;
    std::uint16_t rec_len = 0;
    if (!r.u8(content_type))
      break;
    // A warning alert may precede the ServerHello (e.g. unrecognized_name); after handshake
    // records, a ChangeCipherSpec, alert or application data record ends the flight.
    const bool leading_alert = have == 0 && content_type == kContentAlert;
    if (content_type != kContentHandshake && !leading_alert) {
      if (have > 0 && (content_type == kContentChangeCipherSpec || content_type == kContentAlert ||
                       content_type == kContentApplicationData)) {
        ended = true;
        break;
      }
      return bad;
    }
    if (!r.u8(major))
      break;
    if (major != 3)
      return bad;
    if (!r.u8(minor))
      break;
    if (minor > 4)
      return bad;
    if (!r.u16(rec_len))
      break;
    if (rec_len == 0 || rec_len > kMaxRecordLength)
      return bad;
    ++records;
    if (leading_alert) {
      std::uint8_t level = 0;
      if (rec_len != 2)
        return bad;
      if (!r.u8(level))
        break;
      if (level != 1)
        return TlsServerStatus::NotTls; // a fatal alert instead of a ServerHello
      if (!r.skip(1))
        break;
      if (out.warning_alerts < 255)
        ++out.warning_alerts;
      continue;
    }
    std::uint8_t first = 0;
    if (have == 0 && r.peekU8(0, first) && first != kHandshakeServerHello &&
        first != kHandshakeHelloRequest)
      return TlsServerStatus::NotTls;
    const std::size_t avail = std::min<std::size_t>(rec_len, r.remaining());
    std::span<const std::uint8_t> frag;
    r.bytes(avail, frag);
    std::copy(frag.begin(), frag.end(), hs.begin() + static_cast<std::ptrdiff_t>(have));
    have += frag.size(); // the whole stream is at most hs.size() bytes, so this fits
    if (avail < rec_len)
      break; // the record is cut: its first part counts
  }
  out.records = static_cast<std::uint8_t>(std::min<std::size_t>(records, 255));
  out.bytes_used = static_cast<std::uint32_t>(r.offset());
  if (have == 0) // at most warning alerts and a cut record header so far
    return bounded ? TlsServerStatus::NotTls : TlsServerStatus::NeedMore;

  TlsServerStatus st = TlsServerStatus::Ok;
  const Step s = parseMessages({hs.data(), have}, ended, out, st);
  switch (s) {
  case Step::Done:
    return st;
  case Step::Bad:
    return TlsServerStatus::Malformed;
  case Step::Incomplete:
    break;
  }
  if (!bounded)
    return TlsServerStatus::NeedMore;
  if (!out.has_server_hello) // no ServerHello within the bound
    return TlsServerStatus::Malformed;
  out.flight_cut = true;
  return TlsServerStatus::Ok;
}

const char* tlsServerStatusName(TlsServerStatus s) {
  switch (s) {
  case TlsServerStatus::Ok:
    return "ok";
  case TlsServerStatus::NeedMore:
    return "need_more";
  case TlsServerStatus::NotTls:
    return "not_tls";
  case TlsServerStatus::Malformed:
    return "malformed";
  }
  return "";
}

} // namespace vw::classify
