/// @file tls_client_hello.cc
/// ClientHello parsing, record reassembly, JA3 and JA4.

#include <algorithm>

#include <vw/classify/proto/tls_client_hello.h>
#include <vw/packet/byte_reader.h>

#include "digest.h"

namespace vw::classify {
namespace {

constexpr std::uint16_t kExtServerName = 0x0000;
constexpr std::uint16_t kExtSupportedGroups = 0x000a;
constexpr std::uint16_t kExtEcPointFormats = 0x000b;
constexpr std::uint16_t kExtSignatureAlgorithms = 0x000d;
constexpr std::uint16_t kExtAlpn = 0x0010;
constexpr std::uint16_t kExtSupportedVersions = 0x002b;
constexpr std::uint16_t kExtEncryptedClientHello = 0xfe0d;

constexpr std::uint8_t kContentHandshake = 22;
constexpr std::uint8_t kHandshakeClientHello = 1;
/// TLSPlaintext.length may not exceed 2^14; allow the TLSCiphertext slack before calling it
/// "not TLS".
constexpr std::size_t kMaxRecordLength = 16384 + 2048;

constexpr char kHex[] = "0123456789abcdef";

bool isAlnum(std::uint8_t c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/// Reads a u16 list with a u16 byte-length prefix (or u8 prefix if `u8_len`), GREASE removed.
template <std::size_t N> bool readU16List(ByteReader r, bool u8_len, U16List<N>& list) {
  std::size_t len = 0;
  if (u8_len) {
    std::uint8_t l = 0;
    if (!r.u8(l))
      return false;
    len = l;
  } else {
    std::uint16_t l = 0;
    if (!r.u16(l))
      return false;
    len = l;
  }
  ByteReader items;
  if (len % 2 != 0 || !r.sub(len, items))
    return false;
  std::uint16_t v = 0;
  while (items.u16(v))
    if (!isTlsGrease(v))
      list.push(v);
  return true;
}

bool readPointFormats(ByteReader r, U16List<kTlsMaxSmallList>& list) {
  std::uint8_t len = 0;
  ByteReader items;
  if (!r.u8(len) || !r.sub(len, items))
    return false;
  std::uint8_t v = 0;
  while (items.u8(v))
    list.push(v);
  return true;
}

bool readServerName(ByteReader r, ClientHelloInfo& out) {
  std::uint16_t list_len = 0;
  ByteReader list;
  if (!r.u16(list_len) || !r.sub(list_len, list))
    return false;
  while (!list.empty()) {
    std::uint8_t type = 0;
    std::uint16_t len = 0;
    std::span<const std::uint8_t> name;
    if (!list.u8(type) || !list.u16(len) || !list.bytes(len, name))
      return false;
    if (type == 0 && out.sni.empty())
      normaliseHostName(asChars(name), out.sni);
  }
  return true;
}

/// JA4 ALPN characters of the first ALPN value (spec: first and last alphanumeric character,
/// else the first and last hex digit of the value's hex encoding).
std::array<char, 2> ja4AlpnChars(std::span<const std::uint8_t> v) {
  if (v.empty())
    return {'0', '0'};
  const std::uint8_t first = v.front();
  const std::uint8_t last = v.back();
  if (isAlnum(first) && isAlnum(last))
    return {static_cast<char>(first), static_cast<char>(last)};
  return {kHex[first >> 4], kHex[last & 0x0F]};
}

bool readAlpn(ByteReader r, ClientHelloInfo& out) {
  std::uint16_t list_len = 0;
  ByteReader list;
  if (!r.u16(list_len) || !r.sub(list_len, list))
    return false;
  bool first = true;
  while (!list.empty()) {
    std::uint8_t len = 0;
    std::span<const std::uint8_t> proto;
    if (!list.u8(len) || !list.bytes(len, proto))
      return false;
    if (first) {
      out.alpn_first.assign(asChars(proto));
      out.ja4_alpn = ja4AlpnChars(proto);
    } else {
      out.alpn.append(',');
    }
    out.alpn.append(asChars(proto));
    first = false;
  }
  return true;
}

void parseExtension(std::uint16_t type, ByteReader data, ClientHelloInfo& out) {
  bool ok = true;
  switch (type) {
  case kExtServerName:
    out.has_sni_ext = true;
    ok = readServerName(data, out);
    break;
  case kExtAlpn:
    out.has_alpn_ext = true;
    ok = readAlpn(data, out);
    break;
  case kExtSupportedGroups:
    ok = readU16List(data, false, out.groups);
    break;
  case kExtEcPointFormats:
    ok = readPointFormats(data, out.point_formats);
    break;
  case kExtSignatureAlgorithms:
    ok = readU16List(data, false, out.sig_algs);
    break;
  case kExtSupportedVersions:
    out.has_supported_versions = true;
    ok = readU16List(data, true, out.supported_versions);
    break;
  case kExtEncryptedClientHello:
    out.ech = true;
    break;
  default:
    break;
  }
  if (!ok)
    out.bad_extension = true;
}

void computeFingerprints(ClientHelloInfo& out) {
  out.max_version = out.legacy_version;
  if (out.has_supported_versions && out.supported_versions.size > 0)
    out.max_version =
        *std::max_element(out.supported_versions.v.begin(),
                          out.supported_versions.v.begin() + out.supported_versions.size);
  out.lists_truncated = out.ciphers.overflow() || out.extensions.overflow() ||
                        out.groups.overflow() || out.point_formats.overflow() ||
                        out.sig_algs.overflow() || out.supported_versions.overflow();

  if (out.extensions_cut)
    return; // no fingerprint of a partial extension list
  TlsFingerprintText s;
  ja3String(out, s);
  char md5[32];
  detail::md5Hex(s.view(), md5);
  out.ja3.assign(std::string_view(md5, sizeof md5));
  ja4Hash(out, false, out.ja4);
}

/// Parses a ClientHello body (after the 4-byte handshake header).
TlsParseStatus parseBody(std::span<const std::uint8_t> body, ClientHelloInfo& out) {
  ByteReader r(body);
  std::uint8_t sid_len = 0;
  if (!r.u16(out.legacy_version) || !r.skip(32) || !r.u8(sid_len) || sid_len > 32 ||
      !r.skip(sid_len))
    return TlsParseStatus::Malformed;

  std::uint16_t cs_len = 0;
  ByteReader cs;
  if (!r.u16(cs_len) || cs_len % 2 != 0 || !r.sub(cs_len, cs))
    return TlsParseStatus::Malformed;
  std::uint16_t v = 0;
  while (cs.u16(v)) {
    if (isTlsGrease(v))
      continue;
    out.ciphers.push(v);
    ++out.cipher_count;
  }

  std::uint8_t comp_len = 0;
  if (!r.u8(comp_len) || comp_len == 0 || !r.skip(comp_len))
    return TlsParseStatus::Malformed;

  // Extensions are optional (pre-TLS 1.2 clients may send none at all). A broken extension
  // list (a length running past the message) does not fail the parse: what came before the
  // break is kept, like tshark does, but no fingerprint is computed from a partial list.
  if (!r.empty()) {
    std::uint16_t ext_len = 0;
    ByteReader exts;
    if (!r.u16(ext_len)) {
      out.extensions_cut = true;
    } else if (!r.sub(ext_len, exts)) {
      out.extensions_cut = true;
      exts = ByteReader(r.rest());
    }
    while (!exts.empty()) {
      std::uint16_t type = 0, len = 0;
      ByteReader data;
      if (!exts.u16(type) || !exts.u16(len) || !exts.sub(len, data)) {
        out.extensions_cut = true;
        break;
      }
      if (isTlsGrease(type))
        continue;
      out.extensions.push(type);
      ++out.extension_count;
      parseExtension(type, data, out);
    }
  }
  computeFingerprints(out);
  return TlsParseStatus::Ok;
}

void appendDec(TlsFingerprintText& out, std::uint32_t v) {
  char buf[10];
  std::size_t n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0)
    out.append(buf[--n]);
}

void appendDecList(TlsFingerprintText& out, std::span<const std::uint16_t> list) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i > 0)
      out.append('-');
    appendDec(out, list[i]);
  }
}

void appendHex4(TlsFingerprintText& out, std::uint16_t v) {
  out.append(kHex[(v >> 12) & 0xF]);
  out.append(kHex[(v >> 8) & 0xF]);
  out.append(kHex[(v >> 4) & 0xF]);
  out.append(kHex[v & 0xF]);
}

void appendHexList(TlsFingerprintText& out, std::span<const std::uint16_t> list) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i > 0)
      out.append(',');
    appendHex4(out, list[i]);
  }
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
  case 0xfeff:
    return "d1";
  case 0xfefd:
    return "d2";
  case 0xfefc:
    return "d3";
  default:
    return "00";
  }
}

void append2Digits(FixedString<36>& out, std::uint32_t n) {
  n = std::min<std::uint32_t>(n, 99);
  out.append(static_cast<char>('0' + n / 10));
  out.append(static_cast<char>('0' + n % 10));
}

/// The JA4_a part, e.g. "t13d1516h2".
void ja4Prefix(const ClientHelloInfo& info, FixedString<36>& out) {
  out.clear();
  out.append(info.quic ? 'q' : 't');
  out.append(ja4Version(info.max_version));
  out.append(info.has_sni_ext ? 'd' : 'i');
  append2Digits(out, info.cipher_count);
  append2Digits(out, info.extension_count);
  out.append(info.ja4_alpn[0]);
  out.append(info.ja4_alpn[1]);
}

/// The JA4_b and JA4_c input strings. Returns false in `*_empty` when the list part is empty
/// (the hash is then "000000000000").
struct Ja4Parts {
  TlsFingerprintText ciphers;
  TlsFingerprintText exts_sigs;
  bool ciphers_empty = true;
  bool exts_empty = true;
};

void ja4Parts(const ClientHelloInfo& info, bool original_order, Ja4Parts& p) {
  std::array<std::uint16_t, kTlsMaxCiphers> ciphers{};
  std::size_t nc = info.ciphers.size;
  std::copy_n(info.ciphers.v.begin(), nc, ciphers.begin());
  std::array<std::uint16_t, kTlsMaxExtensions> exts{};
  std::size_t ne = 0;
  for (std::uint16_t e : info.extensions.view()) {
    if (!original_order && (e == kExtServerName || e == kExtAlpn))
      continue;
    exts[ne++] = e;
  }
  if (!original_order) {
    std::sort(ciphers.begin(), ciphers.begin() + static_cast<std::ptrdiff_t>(nc));
    std::sort(exts.begin(), exts.begin() + static_cast<std::ptrdiff_t>(ne));
  }
  appendHexList(p.ciphers, {ciphers.data(), nc});
  appendHexList(p.exts_sigs, {exts.data(), ne});
  if (info.sig_algs.size > 0) {
    p.exts_sigs.append('_');
    appendHexList(p.exts_sigs, info.sig_algs.view());
  }
  p.ciphers_empty = nc == 0;
  p.exts_empty = ne == 0;
}

void appendHash12(FixedString<36>& out, std::string_view input, bool empty) {
  if (empty) {
    out.append("000000000000");
    return;
  }
  char sha[64];
  detail::sha256Hex(input, sha);
  out.append(std::string_view(sha, 12));
}

} // namespace

void normaliseHostName(std::string_view in, FixedString<255>& out) {
  out.clear();
  if (!in.empty() && in.back() == '.')
    in.remove_suffix(1);
  for (char c : in)
    out.append((c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c);
}

void ja3String(const ClientHelloInfo& info, TlsFingerprintText& out) {
  out.clear();
  appendDec(out, info.legacy_version);
  out.append(',');
  appendDecList(out, info.ciphers.view());
  out.append(',');
  appendDecList(out, info.extensions.view());
  out.append(',');
  appendDecList(out, info.groups.view());
  out.append(',');
  appendDecList(out, info.point_formats.view());
}

void ja4Raw(const ClientHelloInfo& info, bool original_order, TlsFingerprintText& out) {
  FixedString<36> prefix;
  ja4Prefix(info, prefix);
  Ja4Parts p;
  ja4Parts(info, original_order, p);
  out.assign(prefix.view());
  out.append('_');
  out.append(p.ciphers.view());
  out.append('_');
  out.append(p.exts_sigs.view());
}

void ja4Hash(const ClientHelloInfo& info, bool original_order, FixedString<36>& out) {
  ja4Prefix(info, out);
  Ja4Parts p;
  ja4Parts(info, original_order, p);
  out.append('_');
  appendHash12(out, p.ciphers.view(), p.ciphers_empty);
  out.append('_');
  appendHash12(out, p.exts_sigs.view(), p.exts_empty);
}

TlsParseStatus parseClientHello(std::span<const std::uint8_t> stream, bool quic,
                                ClientHelloInfo& out) {
  out.clear();
  out.quic = quic;
  ByteReader r(stream);

  if (quic) {
    std::uint8_t type = 0;
    std::uint32_t len = 0;
    std::span<const std::uint8_t> body;
    if (!r.u8(type))
      return TlsParseStatus::NeedMore;
    if (type != kHandshakeClientHello)
      return TlsParseStatus::NotTls;
    if (!r.u24(len))
      return TlsParseStatus::NeedMore;
    if (len > kTlsMaxClientHello)
      return TlsParseStatus::Malformed;
    if (!r.bytes(len, body))
      return TlsParseStatus::NeedMore;
    out.handshake_length = len;
    return parseBody(body, out);
  }

  // TCP: gather the handshake message from consecutive handshake records. The common case, a
  // ClientHello inside the first record, is parsed in place; otherwise it is copied into `buf`.
  std::array<std::uint8_t, kTlsMaxClientHello + 4> buf; // not initialised: only `have` used
  std::size_t have = 0;
  std::size_t need = 4; // the handshake header until its length is known
  bool header_known = false;
  std::uint8_t records = 0;
  for (;;) {
    // Record header. Anything off in the first one means "not TLS"; in a later one the
    // stream claimed to be TLS and is broken.
    const TlsParseStatus bad = records == 0 ? TlsParseStatus::NotTls : TlsParseStatus::Malformed;
    std::uint8_t content_type = 0, major = 0, minor = 0;
    std::uint16_t rec_len = 0;
    if (!r.u8(content_type))
      return TlsParseStatus::NeedMore;
    if (content_type != kContentHandshake)
      return bad;
    if (!r.u8(major))
      return TlsParseStatus::NeedMore;
    if (major != 3)
      return bad;
    if (!r.u8(minor))
      return TlsParseStatus::NeedMore;
    if (minor > 4)
      return bad;
    if (!r.u16(rec_len))
      return TlsParseStatus::NeedMore;
    if (rec_len == 0 || rec_len > kMaxRecordLength)
      return bad;
    if (records < 255)
      ++records;

    const std::size_t avail = std::min<std::size_t>(rec_len, r.remaining());
    if (records == 1) {
      std::uint8_t hs_type = 0;
      if (r.peekU8(0, hs_type) && hs_type != kHandshakeClientHello)
        return TlsParseStatus::NotTls;
      std::uint8_t l0 = 0, l1 = 0, l2 = 0;
      if (avail >= 4 && r.peekU8(1, l0) && r.peekU8(2, l1) && r.peekU8(3, l2)) {
        const std::size_t len = (std::size_t{l0} << 16) | (std::size_t{l1} << 8) | l2;
        if (len > kTlsMaxClientHello)
          return TlsParseStatus::Malformed;
        std::span<const std::uint8_t> msg;
        if (4 + len <= avail && r.bytes(4 + len, msg)) {
          out.records = 1;
          out.handshake_length = static_cast<std::uint32_t>(len);
          return parseBody(msg.subspan(4), out);
        }
      }
    }

    std::span<const std::uint8_t> frag;
    r.bytes(avail, frag);
    std::size_t pos = 0;
    while (pos < frag.size() && have < need) {
      const std::size_t n = std::min(frag.size() - pos, need - have);
      std::copy_n(frag.begin() + static_cast<std::ptrdiff_t>(pos), n, buf.begin() + have);
      have += n;
      pos += n;
      if (!header_known && have >= 4) {
        if (buf[0] != kHandshakeClientHello)
          return TlsParseStatus::NotTls;
        const std::size_t len =
            (std::size_t{buf[1]} << 16) | (std::size_t{buf[2]} << 8) | std::size_t{buf[3]};
        if (len > kTlsMaxClientHello)
          return TlsParseStatus::Malformed;
        need = 4 + len;
        header_known = true;
      }
    }
    if (header_known && have >= need) {
      out.records = records;
      out.handshake_length = static_cast<std::uint32_t>(need - 4);
      return parseBody(std::span<const std::uint8_t>(buf.data() + 4, need - 4), out);
    }
    if (avail < rec_len)
      return TlsParseStatus::NeedMore; // the record itself is cut
  }
}

std::uint16_t serverHelloVersion(std::span<const std::uint8_t> stream) {
  ByteReader r(stream);
  std::uint8_t type = 0, hs_type = 0;
  std::uint16_t rec_version = 0, rec_len = 0, legacy = 0;
  std::uint32_t hs_len = 0;
  if (!r.u8(type) || type != 22 || !r.u16(rec_version) || (rec_version >> 8) != 3 ||
      !r.u16(rec_len))
    return 0;
  ByteReader rec;
  if (!r.sub(rec_len, rec) || !rec.u8(hs_type) || hs_type != 2 || !rec.u24(hs_len))
    return 0;
  ByteReader body;
  std::uint8_t sid_len = 0;
  if (!rec.sub(hs_len, body) || !body.u16(legacy) || !body.skip(32) || !body.u8(sid_len) ||
      !body.skip(sid_len) || !body.skip(3)) // cipher suite, compression method
    return 0;
  std::uint16_t ext_len = 0;
  ByteReader exts;
  if (!body.u16(ext_len) || !body.sub(ext_len, exts))
    return legacy; // no extensions: TLS 1.2 or older
  while (!exts.empty()) {
    std::uint16_t et = 0, el = 0, v = 0;
    ByteReader data;
    if (!exts.u16(et) || !exts.u16(el) || !exts.sub(el, data))
      return 0;
    if (et == 0x002b && data.u16(v))
      return v;
  }
  return legacy;
}

const char* tlsParseStatusName(TlsParseStatus s) {
  switch (s) {
  case TlsParseStatus::Ok:
    return "ok";
  case TlsParseStatus::NeedMore:
    return "need_more";
  case TlsParseStatus::NotTls:
    return "not_tls";
  case TlsParseStatus::Malformed:
    return "malformed";
  }
  return "";
}

} // namespace vw::classify
