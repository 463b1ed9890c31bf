#pragma once
/// @file quic_test_util.h
/// Test-only helpers for vw_quic: hex decoding, a ClientHello builder and an independent QUIC
/// Initial *protector* (the sender side, written directly against OpenSSL EVP) used to build
/// synthetic Initial packets. Shared by the unit tests and the fuzz harness.

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/evp.h>

#include <vw/classify/proto/quic.h>

namespace vw::classify::test {

using Bytes = std::vector<std::uint8_t>;

inline Bytes fromHex(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9')
      return c - '0';
    if (c >= 'a' && c <= 'f')
      return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
      return c - 'A' + 10;
    return -1;
  };
  Bytes out;
  int hi = -1;
  for (char c : hex) {
    const int v = nibble(c);
    if (v < 0)
      continue;
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(hi * 16 + v));
      hi = -1;
    }
  }
  return out;
}

inline std::string toHex(std::span<const std::uint8_t> b) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  for (std::uint8_t x : b) {
    s.push_back(kDigits[x >> 4]);
    s.push_back(kDigits[x & 15]);
  }
  return s;
}

inline void putVarint(Bytes& out, std::uint64_t v) {
  if (v < 0x40) {
    out.push_back(static_cast<std::uint8_t>(v));
  } else if (v < 0x4000) {
    out.push_back(static_cast<std::uint8_t>(0x40 | (v >> 8)));
    out.push_back(static_cast<std::uint8_t>(v));
  } else if (v < 0x40000000) {
    for (int i = 3; i >= 0; --i)
      out.push_back(static_cast<std::uint8_t>((i == 3 ? 0x80 : 0) | ((v >> (8 * i)) & 0xff)));
  } else {
    for (int i = 7; i >= 0; --i)
      out.push_back(static_cast<std::uint8_t>((i == 7 ? 0xc0 : 0) | ((v >> (8 * i)) & 0xff)));
  }
}

inline void append(Bytes& out, std::span<const std::uint8_t> b) {
  out.insert(out.end(), b.begin(), b.end());
}

/// A CRYPTO frame (type 0x06, or 0x08 for Google T05x framing).
inline Bytes cryptoFrame(std::uint64_t offset, std::span<const std::uint8_t> data,
                         bool gquic = false) {
  Bytes f;
  f.push_back(gquic ? 0x08 : 0x06);
  putVarint(f, offset);
  putVarint(f, data.size());
  append(f, data);
  return f;
}

/// A minimal TLS 1.3 ClientHello handshake message (type 1 + u24 length + body) with
/// server_name `sni`, ALPN "h3", supported_versions TLS 1.3 and a padding extension of
/// `padding` bytes to control the size.
inline Bytes clientHello(std::string_view sni, std::size_t padding = 0) {
  Bytes body;
  auto u16 = [&](std::size_t v) {
    body.push_back(static_cast<std::uint8_t>(v >> 8));
    body.push_back(static_cast<std::uint8_t>(v));
  };
  u16(0x0303);
  for (int i = 0; i < 32; ++i)
    body.push_back(static_cast<std::uint8_t>(i));
  body.push_back(0); // session id
  u16(2);
  u16(0x1301);
  body.push_back(1);
  body.push_back(0);
  Bytes ext;
  auto e16 = [&](std::size_t v) {
    ext.push_back(static_cast<std::uint8_t>(v >> 8));
    ext.push_back(static_cast<std::uint8_t>(v));
  };
  e16(0x0000); // server_name
  e16(sni.size() + 5);
  e16(sni.size() + 3);
  ext.push_back(0);
  e16(sni.size());
  ext.insert(ext.end(), sni.begin(), sni.end());
  e16(0x0010); // ALPN "h3"
  e16(5);
  e16(3);
  ext.push_back(2);
  ext.push_back('h');
  ext.push_back('3');
  e16(0x002b); // supported_versions: TLS 1.3
  e16(3);
  ext.push_back(2);
  e16(0x0304);
  if (padding > 0) {
    e16(0x0015);
    e16(padding);
    ext.insert(ext.end(), padding, 0);
  }
  u16(ext.size());
  append(body, ext);
  Bytes msg{0x01, static_cast<std::uint8_t>(body.size() >> 16),
            static_cast<std::uint8_t>(body.size() >> 8), static_cast<std::uint8_t>(body.size())};
  append(msg, body);
  return msg;
}

/// Options of one synthetic Initial packet.
struct InitialSpec {
  std::uint32_t version = 1;
  std::uint32_t key_version = 0; ///< derive the keys as for this version (0: `version`)
  Bytes dcid = fromHex("8394c8f03e515708");
  Bytes scid{};
  Bytes token{};
  std::uint64_t pn = 0;
  std::size_t pn_len = 4; ///< 1..4 bytes on the wire
  bool server = false;    ///< protect with the server's Initial keys
  std::size_t pad_to = 0; ///< append PADDING frames until the payload has this size
};

/// The keys protectInitial() uses for `spec`; false if its version is unsupported.
inline bool initialKeysFor(const InitialSpec& spec, QuicInitialKeys& keys) {
  const std::uint32_t key_version = spec.key_version != 0 ? spec.key_version : spec.version;
  return deriveQuicInitialKeys(key_version, spec.dcid, spec.server, keys);
}

/// Protects `frames` as a QUIC Initial packet with the given keys (RFC 9001 §5.3-5.4), the
/// sender's way. Returns an empty vector if the version is unsupported.
inline Bytes protectInitial(const InitialSpec& spec, const QuicInitialKeys& keys,
                            std::span<const std::uint8_t> frames) {
  QuicVersionParams params;
  if (!quicVersionParams(spec.version, params))
    return {};
  // Fetched once (implicit fetches on every init are slow in OpenSSL 3); kept until exit.
  static EVP_CIPHER* const gcm = EVP_CIPHER_fetch(nullptr, "AES-128-GCM", nullptr);
  static EVP_CIPHER* const ecb = EVP_CIPHER_fetch(nullptr, "AES-128-ECB", nullptr);
  Bytes payload(frames.begin(), frames.end());
  // The header protection sample needs 4 + 16 bytes after the packet number offset.
  const std::size_t min_payload = spec.pn_len < 4 ? 4 - spec.pn_len : 0;
  std::size_t want = std::max(spec.pad_to, min_payload);
  if (payload.size() < want)
    payload.resize(want, 0);

  Bytes pkt;
  const std::uint8_t type = params.v2 ? 1 : 0;
  pkt.push_back(static_cast<std::uint8_t>(0xc0 | (type << 4) | (spec.pn_len - 1)));
  for (int i = 3; i >= 0; --i)
    pkt.push_back(static_cast<std::uint8_t>(spec.version >> (8 * i)));
  pkt.push_back(static_cast<std::uint8_t>(spec.dcid.size()));
  append(pkt, spec.dcid);
  pkt.push_back(static_cast<std::uint8_t>(spec.scid.size()));
  append(pkt, spec.scid);
  putVarint(pkt, spec.token.size());
  append(pkt, spec.token);
  const std::size_t length = spec.pn_len + payload.size() + 16;
  pkt.push_back(static_cast<std::uint8_t>(0x40 | (length >> 8))); // 2-byte varint, as RFC A.2
  pkt.push_back(static_cast<std::uint8_t>(length));
  const std::size_t pn_offset = pkt.size();
  for (std::size_t i = 0; i < spec.pn_len; ++i)
    pkt.push_back(static_cast<std::uint8_t>(spec.pn >> (8 * (spec.pn_len - 1 - i))));

  std::array<std::uint8_t, 12> nonce = keys.iv;
  for (std::size_t i = 0; i < 8; ++i)
    nonce[11 - i] ^= static_cast<std::uint8_t>(spec.pn >> (8 * i));
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  int outl = 0;
  Bytes ct(payload.size() + 16);
  EVP_EncryptInit_ex(ctx, gcm, nullptr, keys.key.data(), nonce.data());
  EVP_EncryptUpdate(ctx, nullptr, &outl, pkt.data(), static_cast<int>(pkt.size()));
  EVP_EncryptUpdate(ctx, ct.data(), &outl, payload.data(), static_cast<int>(payload.size()));
  EVP_EncryptFinal_ex(ctx, ct.data() + outl, &outl);
  EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, ct.data() + payload.size());
  EVP_CIPHER_CTX_free(ctx);
  append(pkt, ct);

  std::array<std::uint8_t, 16> mask{};
  ctx = EVP_CIPHER_CTX_new();
  EVP_EncryptInit_ex(ctx, ecb, nullptr, keys.hp.data(), nullptr);
  EVP_CIPHER_CTX_set_padding(ctx, 0);
  EVP_EncryptUpdate(ctx, mask.data(), &outl, pkt.data() + pn_offset + 4, 16);
  EVP_CIPHER_CTX_free(ctx);
  pkt[0] = static_cast<std::uint8_t>(pkt[0] ^ (mask[0] & 0x0f));
  for (std::size_t i = 0; i < spec.pn_len; ++i)
    pkt[pn_offset + i] = static_cast<std::uint8_t>(pkt[pn_offset + i] ^ mask[1 + i]);
  return pkt;
}

/// protectInitial() deriving the keys from `spec` (its DCID, version or key_version).
inline Bytes protectInitial(const InitialSpec& spec, std::span<const std::uint8_t> frames) {
  QuicInitialKeys keys;
  if (!initialKeysFor(spec, keys))
    return {};
  return protectInitial(spec, keys, frames);
}

} // namespace vw::classify::test
