/// @file quic_crypto.cc
/// QUIC Initial key derivation (HKDF-SHA256), header protection (AES-128-ECB) and packet
/// protection (AES-128-GCM) with OpenSSL 3.

#include "quic_crypto.h"

#include <cstring>
#include <memory>
#include <string_view>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

namespace vw::classify {
namespace {

// Initial salts (RFC 9001 §5.2, RFC 9369 §3.3.1, and the drafts / Google versions as listed
// in Wireshark's epan/dissectors/packet-quic.c, quic_derive_initial_secrets()).
constexpr std::uint8_t kSaltV1[20] = {0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
                                      0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a};
constexpr std::uint8_t kSaltV2[20] = {0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93,
                                      0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9};
constexpr std::uint8_t kSaltDraft29[20] = {0xaf, 0xbf, 0xec, 0x28, 0x99, 0x93, 0xd2,
                                           0x4c, 0x9e, 0x97, 0x86, 0xf1, 0x9c, 0x61,
                                           0x11, 0xe0, 0x43, 0x90, 0xa8, 0x99};
constexpr std::uint8_t kSaltDraft23[20] = {0xc3, 0xee, 0xf7, 0x12, 0xc7, 0x2e, 0xbb,
                                           0x5a, 0x11, 0xa7, 0xd2, 0x43, 0x2b, 0xb4,
                                           0x63, 0x65, 0xbe, 0xf9, 0xf5, 0x02};
constexpr std::uint8_t kSaltDraft22[20] = {0x7f, 0xbc, 0xdb, 0x0e, 0x7c, 0x66, 0xbb,
                                           0xe9, 0x19, 0x3a, 0x96, 0xcd, 0x21, 0x51,
                                           0x9e, 0xbd, 0x7a, 0x02, 0x64, 0x4a};
constexpr std::uint8_t kSaltT050[20] = {0x7f, 0xf5, 0x79, 0xe5, 0xac, 0xd0, 0x72, 0x91, 0x55, 0x80,
                                        0x30, 0x4c, 0x43, 0xa2, 0x36, 0x7c, 0x60, 0x48, 0x83, 0x10};
constexpr std::uint8_t kSaltT051[20] = {0x7a, 0x4e, 0xde, 0xf4, 0xe7, 0xcc, 0xee, 0x5f, 0xa4, 0x50,
                                        0x6c, 0x19, 0x12, 0x4f, 0xc8, 0xcc, 0xda, 0x6e, 0x03, 0x3d};

constexpr std::string_view kDraftNames[] = {
    "draft-22", "draft-23", "draft-24", "draft-25", "draft-26", "draft-27", "draft-28",
    "draft-29", "draft-30", "draft-31", "draft-32", "draft-33", "draft-34"};

// ---- HKDF-SHA256 through EVP_KDF ------------------------------------------------------------

struct KdfFree {
  void operator()(EVP_KDF* k) const { EVP_KDF_free(k); }
};
struct KdfCtxFree {
  void operator()(EVP_KDF_CTX* c) const { EVP_KDF_CTX_free(c); }
};

/// The HKDF implementation, fetched once per thread.
EVP_KDF* hkdf() {
  thread_local std::unique_ptr<EVP_KDF, KdfFree> kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr));
  return kdf.get();
}

bool hkdfRun(int mode, std::span<const std::uint8_t> key, std::span<const std::uint8_t> salt,
             std::span<const std::uint8_t> info, std::span<std::uint8_t> out) {
  EVP_KDF* kdf = hkdf();
  if (kdf == nullptr)
    return false;
  std::unique_ptr<EVP_KDF_CTX, KdfCtxFree> ctx(EVP_KDF_CTX_new(kdf));
  if (!ctx)
    return false;
  char digest[] = "SHA256";
  OSSL_PARAM params[6];
  std::size_t n = 0;
  params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0);
  params[n++] = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
  params[n++] = OSSL_PARAM_construct_octet_string(
      OSSL_KDF_PARAM_KEY, const_cast<std::uint8_t*>(key.data()), key.size());
  if (!salt.empty())
    params[n++] = OSSL_PARAM_construct_octet_string(
        OSSL_KDF_PARAM_SALT, const_cast<std::uint8_t*>(salt.data()), salt.size());
  if (!info.empty())
    params[n++] = OSSL_PARAM_construct_octet_string(
        OSSL_KDF_PARAM_INFO, const_cast<std::uint8_t*>(info.data()), info.size());
  params[n] = OSSL_PARAM_construct_end();
  return EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) == 1;
}

bool hkdfExpandLabel(std::span<const std::uint8_t> secret, std::string_view label,
                     std::span<std::uint8_t> out) {
  std::array<std::uint8_t, 64> info{};
  const std::size_t n =
      quic_detail::hkdfLabelInfo(label, static_cast<std::uint16_t>(out.size()), info);
  if (n == 0)
    return false;
  return hkdfRun(EVP_KDF_HKDF_MODE_EXPAND_ONLY, secret, {}, std::span(info.data(), n), out);
}

// ---- Per-thread cipher contexts and scratch -------------------------------------------------

/// Cipher contexts and the plaintext scratch of one thread. Created on the thread's first
/// packet and reused (re-keyed) for every later packet of every flow on that thread.
class ThreadCiphers {
public:
  ThreadCiphers() = default;
  ThreadCiphers(const ThreadCiphers&) = delete;
  ThreadCiphers& operator=(const ThreadCiphers&) = delete;
  ~ThreadCiphers() {
    EVP_CIPHER_CTX_free(ecb_ctx_);
    EVP_CIPHER_CTX_free(gcm_ctx_);
    EVP_CIPHER_free(ecb_);
    EVP_CIPHER_free(gcm_);
  }

  /// Sets up everything once; false if OpenSSL or the allocation failed.
  bool ready() {
    if (ok_)
      return true;
    if (tried_)
      return false;
    tried_ = true;
    ecb_ = EVP_CIPHER_fetch(nullptr, "AES-128-ECB", nullptr);
    gcm_ = EVP_CIPHER_fetch(nullptr, "AES-128-GCM", nullptr);
    ecb_ctx_ = EVP_CIPHER_CTX_new();
    gcm_ctx_ = EVP_CIPHER_CTX_new();
    plain_.reset(new (std::nothrow) std::uint8_t[quic_detail::kMaxPlaintext]);
    if (ecb_ == nullptr || gcm_ == nullptr || ecb_ctx_ == nullptr || gcm_ctx_ == nullptr || !plain_)
      return false;
    // Initialise both with the cipher once (this is where OpenSSL allocates its provider
    // context); later packets only change the key and IV.
    static constexpr std::uint8_t kZero[16] = {};
    if (EVP_EncryptInit_ex2(ecb_ctx_, ecb_, kZero, nullptr, nullptr) != 1 ||
        EVP_CIPHER_CTX_set_padding(ecb_ctx_, 0) != 1 ||
        EVP_DecryptInit_ex2(gcm_ctx_, gcm_, kZero, kZero, nullptr) != 1)
      return false;
    ok_ = true;
    return true;
  }

  EVP_CIPHER_CTX* ecb() { return ecb_ctx_; }
  EVP_CIPHER_CTX* gcm() { return gcm_ctx_; }
  std::uint8_t* plain() { return plain_.get(); }

private:
  EVP_CIPHER* ecb_ = nullptr;
  EVP_CIPHER* gcm_ = nullptr;
  EVP_CIPHER_CTX* ecb_ctx_ = nullptr;
  EVP_CIPHER_CTX* gcm_ctx_ = nullptr;
  std::unique_ptr<std::uint8_t[]> plain_;
  bool tried_ = false;
  bool ok_ = false;
};

ThreadCiphers& threadCiphers() {
  thread_local ThreadCiphers tc;
  return tc;
}

} // namespace

bool quicVersionParams(std::uint32_t version, QuicVersionParams& out) {
  out = QuicVersionParams{};
  if (version == 0x00000001) {
    out.salt = kSaltV1;
    out.name = "v1";
    return true;
  }
  if (version == 0x6b3343cf) {
    out.salt = kSaltV2;
    out.v2 = true;
    out.name = "v2";
    return true;
  }
  if ((version & 0x0f0f0f0f) == 0x0a0a0a0a) {
    // Reserved "greased" versions force Version Negotiation (RFC 9000 §15). Some clients still
    // put their real ClientHello in that first Initial, protected like the version they would
    // otherwise use: v1 (current Wireshark's guess) or draft-29 (Wireshark 4.0's guess, and
    // what the 2020 interop clients in nDPI's quic_interop_V.pcapng did). Both are tried; if a
    // client sent random bytes instead, the tags simply fail.
    out.salt = kSaltV1;
    out.alt_salt = kSaltDraft29;
    out.name = "greased";
    return true;
  }
  if ((version >> 8) == 0xff0000) {
    const std::uint32_t draft = version & 0xff;
    if (draft < 22 || draft > 34)
      return false;
    out.salt = draft <= 22   ? kSaltDraft22
               : draft <= 28 ? kSaltDraft23
               : draft <= 32 ? kSaltDraft29
                             : kSaltV1;
    out.name = kDraftNames[draft - 22];
    return true;
  }
  switch (version) {
  case 0xfaceb001: // Facebook mvfst, draft-22 based
    out.salt = kSaltDraft22;
    out.name = "mvfst-22";
    return true;
  case 0xfaceb002: // Facebook mvfst, draft-27 based
    out.salt = kSaltDraft23;
    out.name = "mvfst-27";
    return true;
  case 0xfaceb00e: // Facebook mvfst experimental (Wireshark treats it as draft-27)
    out.salt = kSaltDraft23;
    out.name = "mvfst-exp";
    return true;
  case 0x54303530: // Google T050
    out.salt = kSaltT050;
    out.gquic_frames = true;
    out.name = "T050";
    return true;
  case 0x54303531: // Google T051
    out.salt = kSaltT051;
    out.gquic_frames = true;
    out.name = "T051";
    return true;
  default:
    return false;
  }
}

bool deriveQuicInitialKeys(std::uint32_t version, std::span<const std::uint8_t> dcid, bool server,
                           QuicInitialKeys& out) {
  QuicVersionParams params;
  return quicVersionParams(version, params) &&
         quic_detail::deriveInitialKeys(params.salt, params.v2, dcid, server, out);
}

namespace quic_detail {

bool deriveInitialKeys(const std::uint8_t* salt, bool v2, std::span<const std::uint8_t> dcid,
                       bool server, QuicInitialKeys& out) {
  if (salt == nullptr || dcid.empty() || dcid.size() > 20)
    return false;
  std::array<std::uint8_t, 32> initial_secret{};
  std::array<std::uint8_t, 32> secret{};
  if (!hkdfRun(EVP_KDF_HKDF_MODE_EXTRACT_ONLY, dcid, std::span(salt, 20), {}, initial_secret))
    return false;
  if (!hkdfExpandLabel(initial_secret, server ? "server in" : "client in", secret))
    return false;
  return hkdfExpandLabel(secret, v2 ? "quicv2 key" : "quic key", out.key) &&
         hkdfExpandLabel(secret, v2 ? "quicv2 iv" : "quic iv", out.iv) &&
         hkdfExpandLabel(secret, v2 ? "quicv2 hp" : "quic hp", out.hp);
}

std::size_t hkdfLabelInfo(std::string_view label, std::uint16_t length,
                          std::span<std::uint8_t> out) {
  constexpr std::string_view kPrefix = "tls13 ";
  const std::size_t full = kPrefix.size() + label.size();
  const std::size_t n = 2 + 1 + full + 1;
  if (full > 255 || n > out.size())
    return 0;
  out[0] = static_cast<std::uint8_t>(length >> 8);
  out[1] = static_cast<std::uint8_t>(length & 0xff);
  out[2] = static_cast<std::uint8_t>(full);
  std::memcpy(out.data() + 3, kPrefix.data(), kPrefix.size());
  std::memcpy(out.data() + 3 + kPrefix.size(), label.data(), label.size());
  out[3 + full] = 0; // empty context
  return n;
}

bool headerProtectionMask(const std::array<std::uint8_t, 16>& hp,
                          std::span<const std::uint8_t> sample,
                          std::array<std::uint8_t, 16>& mask) {
  ThreadCiphers& tc = threadCiphers();
  if (sample.size() != 16 || !tc.ready())
    return false;
  int outl = 0;
  return EVP_EncryptInit_ex2(tc.ecb(), nullptr, hp.data(), nullptr, nullptr) == 1 &&
         EVP_CIPHER_CTX_set_padding(tc.ecb(), 0) == 1 &&
         EVP_EncryptUpdate(tc.ecb(), mask.data(), &outl, sample.data(), 16) == 1 && outl == 16;
}

bool aeadOpen(const QuicInitialKeys& keys, std::uint64_t pn, const AeadHeader& header,
              std::span<const std::uint8_t> ciphertext, std::span<const std::uint8_t> tag,
              std::span<const std::uint8_t>& plain) {
  ThreadCiphers& tc = threadCiphers();
  if (tag.size() != 16 || ciphertext.size() > kMaxPlaintext || header.pn_len > 4 || !tc.ready())
    return false;
  // Nonce: the IV with the 62-bit packet number, left-padded to 12 bytes, XORed in.
  std::array<std::uint8_t, 12> nonce = keys.iv;
  for (std::size_t i = 0; i < 8; ++i)
    nonce[11 - i] ^= static_cast<std::uint8_t>(pn >> (8 * i));
  EVP_CIPHER_CTX* ctx = tc.gcm();
  int outl = 0;
  if (EVP_DecryptInit_ex2(ctx, nullptr, keys.key.data(), nonce.data(), nullptr) != 1)
    return false;
  // Associated data: the header as sent but with header protection removed, in three pieces
  // (GCM accepts AAD in several updates before the ciphertext).
  if (EVP_DecryptUpdate(ctx, nullptr, &outl, &header.first, 1) != 1)
    return false;
  if (!header.middle.empty() && EVP_DecryptUpdate(ctx, nullptr, &outl, header.middle.data(),
                                                  static_cast<int>(header.middle.size())) != 1)
    return false;
  if (EVP_DecryptUpdate(ctx, nullptr, &outl, header.pn_bytes.data(),
                        static_cast<int>(header.pn_len)) != 1)
    return false;
  std::uint8_t* out = tc.plain();
  int total = 0;
  if (!ciphertext.empty()) {
    if (EVP_DecryptUpdate(ctx, out, &outl, ciphertext.data(),
                          static_cast<int>(ciphertext.size())) != 1)
      return false;
    total = outl;
  }
  if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, const_cast<std::uint8_t*>(tag.data())) !=
      1)
    return false;
  if (EVP_DecryptFinal_ex(ctx, out + total, &outl) != 1)
    return false; // tag mismatch
  total += outl;
  plain = std::span<const std::uint8_t>(out, static_cast<std::size_t>(total));
  return true;
}

} // namespace quic_detail
} // namespace vw::classify
