/// @file quic_initial.cc
/// QuicInitialAssembler: long-header parsing, Initial decryption, frame parsing and CRYPTO
/// reassembly of the client's first flight.

#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <new>

#include <vw/classify/proto/quic.h>
#include <vw/packet/byte_reader.h>

#include "quic_crypto.h"

namespace vw::classify {

/// The per-flow heap block, allocated when the first Initial packet authenticates.
struct QuicInitialAssembler::State {
  std::array<std::uint8_t, kMaxCryptoBytes> crypto{};   ///< CRYPTO stream from offset 0
  std::array<std::uint8_t, kMaxCryptoBytes / 8> have{}; ///< which crypto bytes arrived
  ClientHelloInfo info{};                               ///< result, valid when Done
};

/// One long-header packet located in a datagram (spans point into the datagram).
struct QuicInitialAssembler::PacketView {
  std::span<const std::uint8_t> bytes{}; ///< first byte .. end of the Length-covered payload
  std::size_t pn_offset = 0;             ///< offset of the (protected) packet number
  std::span<const std::uint8_t> dcid{};
  std::uint32_t version = 0;
  QuicVersionParams params{};
};

namespace {

/// RFC 9000 §16 variable-length integer.
bool readVarint(ByteReader& r, std::uint64_t& out) {
  std::uint8_t b0 = 0;
  if (!r.peekU8(0, b0)) {
    r.skip(1); // records the failure
    return false;
  }
  const std::size_t len = std::size_t{1} << (b0 >> 6);
  ByteReader v;
  if (!r.sub(len, v))
    return false;
  std::uint8_t b = 0;
  v.u8(b);
  std::uint64_t value = b & 0x3f;
  while (v.u8(b))
    value = (value << 8) | b;
  out = value;
  return true;
}

/// RFC 9000 §A.3: the full packet number closest to largest + 1.
std::uint64_t decodePacketNumber(std::int64_t largest, std::uint64_t truncated, std::size_t bits) {
  const std::uint64_t expected = static_cast<std::uint64_t>(largest + 1);
  const std::uint64_t win = std::uint64_t{1} << bits;
  const std::uint64_t hwin = win / 2;
  const std::uint64_t mask = win - 1;
  const std::uint64_t candidate = (expected & ~mask) | truncated;
  if (candidate + hwin <= expected && candidate < (std::uint64_t{1} << 62) - win)
    return candidate + win;
  if (candidate > expected + hwin && candidate >= win)
    return candidate - win;
  return candidate;
}

/// Versions that are QUIC (or Google QUIC) but whose Initials we do not decrypt.
bool isKnownUndecryptableVersion(std::uint32_t v) {
  if (v >= 0xff000001 && v <= 0xff000015)
    return true; // IETF drafts 1..21
  if ((v >> 8) == 0xfaceb0 || v == 0x709a50c4 || v == 0xff020000)
    return true; // other mvfst versions, QUIC v2 drafts
  // Google QUIC with the IETF-style long header: Q046 and later (Qnnn/Tnnn, nnn >= 046).
  const auto c0 = static_cast<char>(v >> 24);
  const auto c1 = static_cast<char>((v >> 16) & 0xff);
  const auto c2 = static_cast<char>((v >> 8) & 0xff);
  const auto c3 = static_cast<char>(v & 0xff);
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if ((c0 != 'Q' && c0 != 'T') || c1 != '0' || !digit(c2) || !digit(c3))
    return false;
  return (c2 - '0') * 10 + (c3 - '0') >= 46;
}

void markRange(std::span<std::uint8_t> bits, std::size_t from, std::size_t to) {
  for (std::size_t i = from; i < to; ++i)
    bits[i >> 3] = static_cast<std::uint8_t>(bits[i >> 3] | (1u << (i & 7)));
}

bool hasByte(std::span<const std::uint8_t> bits, std::size_t i) {
  return ((bits[i >> 3] >> (i & 7)) & 1u) != 0;
}

} // namespace

std::string_view quicStatusName(QuicStatus s) {
  switch (s) {
  case QuicStatus::NotQuic:
    return "not_quic";
  case QuicStatus::NeedMore:
    return "need_more";
  case QuicStatus::Done:
    return "done";
  case QuicStatus::Failed:
    return "failed";
  }
  return "unknown";
}

std::string_view quicFailureName(QuicFailure f) {
  switch (f) {
  case QuicFailure::None:
    return "none";
  case QuicFailure::UnsupportedVersion:
    return "unsupported_version";
  case QuicFailure::NotTls:
    return "not_tls";
  case QuicFailure::MalformedHello:
    return "malformed_hello";
  case QuicFailure::HelloTooLarge:
    return "hello_too_large";
  case QuicFailure::OutOfMemory:
    return "out_of_memory";
  }
  return "unknown";
}

QuicInitialAssembler::QuicInitialAssembler() noexcept = default;
QuicInitialAssembler::~QuicInitialAssembler() = default;
QuicInitialAssembler::QuicInitialAssembler(QuicInitialAssembler&&) noexcept = default;
QuicInitialAssembler& QuicInitialAssembler::operator=(QuicInitialAssembler&&) noexcept = default;

const ClientHelloInfo* QuicInitialAssembler::clientHello() const {
  return status_ == QuicStatus::Done && state_ ? &state_->info : nullptr;
}

void QuicInitialAssembler::fail(QuicFailure f) {
  status_ = QuicStatus::Failed;
  failure_ = f;
}

QuicStatus QuicInitialAssembler::feed(std::span<const std::uint8_t> datagram) {
  if (status_ == QuicStatus::Done || status_ == QuicStatus::Failed)
    return status_;
  ++stats_.datagrams;

  ByteReader r(datagram);
  while (!r.empty() && status_ != QuicStatus::Done && status_ != QuicStatus::Failed) {
    const std::size_t start = r.offset();
    std::uint8_t first = 0;
    r.peekU8(0, first);
    if ((first & 0x80) == 0)
      break; // a short-header packet or trailing padding: it runs to the end of the datagram
    std::uint32_t version = 0;
    r.skip(1);
    if (!r.u32(version))
      break;
    if (version == 0)
      break; // Version Negotiation (sent by servers only)
    QuicVersionParams params;
    if (!quicVersionParams(version, params)) {
      if (!seen_quic_ && isKnownUndecryptableVersion(version)) {
        version_ = version;
        fail(QuicFailure::UnsupportedVersion);
      }
      break; // without the version we do not know the packet's layout
    }
    std::uint8_t dcid_len = 0;
    std::uint8_t scid_len = 0;
    std::span<const std::uint8_t> dcid;
    if (!r.u8(dcid_len) || dcid_len > 20 || !r.bytes(dcid_len, dcid) || !r.u8(scid_len) ||
        scid_len > 20 || !r.skip(scid_len)) {
      ++stats_.header_errors;
      break;
    }
    const unsigned type = (first >> 4) & 0x3u;
    const bool initial = params.v2 ? type == 1 : type == 0;
    const bool retry = params.v2 ? type == 0 : type == 3;
    if (retry) {
      ++stats_.skipped_packets; // a Retry has no Length and fills the datagram
      break;
    }
    std::uint64_t token_len = 0;
    std::uint64_t length = 0;
    if ((initial && (!readVarint(r, token_len) || !r.skip(token_len))) || !readVarint(r, length)) {
      ++stats_.header_errors;
      break;
    }
    seen_quic_ = true;
    if (version_ == 0)
      version_ = version;
    ++stats_.long_packets;
    const std::size_t pn_offset = r.offset() - start;
    PacketView pkt;
    if (!r.canRead(length) || !r.seek(start) || !r.bytes(pn_offset + length, pkt.bytes)) {
      ++stats_.header_errors; // Length runs past the datagram
      break;
    }
    if (!initial) {
      ++stats_.skipped_packets;
      continue;
    }
    ++stats_.initial_packets;
    // Header protection samples 16 bytes starting 4 bytes after the packet number offset.
    if (length < 4 + 16) {
      ++stats_.header_errors;
      continue;
    }
    pkt.pn_offset = pn_offset;
    pkt.dcid = dcid;
    pkt.version = version;
    pkt.params = params;
    processPacket(pkt);
  }

  if (status_ == QuicStatus::Done || status_ == QuicStatus::Failed)
    return status_;
  status_ = seen_quic_ ? QuicStatus::NeedMore : QuicStatus::NotQuic;
  return status_;
}

void QuicInitialAssembler::processPacket(const PacketView& pkt) {
  const bool same_version = have_keys_ && keys_version_ == pkt.version;
  const bool same_dcid = have_keys_ && keys_dcid_len_ == pkt.dcid.size() &&
                         std::equal(pkt.dcid.begin(), pkt.dcid.end(), keys_dcid_.begin());
  std::span<const std::uint8_t> plain;
  std::uint64_t pn = 0;
  const bool failed_before = failed_dcid_len_ == pkt.dcid.size() &&
                             std::equal(pkt.dcid.begin(), pkt.dcid.end(), failed_dcid_.begin());
  bool ok = same_version && tryDecrypt(keys_, pkt, plain, pn);
  if (!ok && !(same_version && same_dcid) && !failed_before && !pkt.dcid.empty()) {
    // First Initial of the flow, a Retry (new DCID and new keys) or a stray packet (for
    // example a server Initial): try keys derived from this packet's own DCID.
    const std::int64_t saved_pn = largest_pn_;
    for (const std::uint8_t* salt : {pkt.params.salt, pkt.params.alt_salt}) {
      if (ok || salt == nullptr || stats_.key_derivations >= kMaxKeyDerivations)
        break;
      ++stats_.key_derivations;
      QuicInitialKeys candidate;
      if (!quic_detail::deriveInitialKeys(salt, pkt.params.v2, pkt.dcid, false, candidate))
        continue;
      largest_pn_ = keys_verified_ ? -1 : saved_pn; // new keys: new packet number space
      ok = tryDecrypt(candidate, pkt, plain, pn);
      if (ok || !keys_verified_) {
        if (ok && keys_verified_) {
          // Keys changed after a Retry: the client sends its ClientHello again from
          // offset 0, so drop what came under the old keys.
          contiguous_ = 0;
          hello_len_ = 0;
          if (state_)
            state_->have.fill(0);
        }
        keys_ = candidate;
        keys_version_ = pkt.version;
        keys_dcid_len_ = static_cast<std::uint8_t>(pkt.dcid.size());
        std::copy(pkt.dcid.begin(), pkt.dcid.end(), keys_dcid_.begin());
        have_keys_ = true;
        keys_verified_ = ok;
      }
    }
    if (!ok) {
      largest_pn_ = saved_pn;
      if (keys_verified_) {
        failed_dcid_len_ = static_cast<std::uint8_t>(pkt.dcid.size());
        std::copy(pkt.dcid.begin(), pkt.dcid.end(), failed_dcid_.begin());
      }
    }
  }
  if (!ok) {
    ++stats_.auth_failures;
    return;
  }
  ++stats_.decrypted;
  if (!version_confirmed_) {
    version_ = pkt.version;
    version_confirmed_ = true;
  }
  if (static_cast<std::int64_t>(pn) > largest_pn_)
    largest_pn_ = static_cast<std::int64_t>(pn);
  parseFrames(plain, pkt.params.gquic_frames);
  checkComplete();
}

bool QuicInitialAssembler::tryDecrypt(const QuicInitialKeys& keys, const PacketView& pkt,
                                      std::span<const std::uint8_t>& plain, std::uint64_t& pn) {
  ByteReader r(pkt.bytes);
  std::uint8_t protected_first = 0;
  std::span<const std::uint8_t> sample;
  if (!r.u8(protected_first) || !r.seek(pkt.pn_offset + 4) || !r.bytes(16, sample))
    return false;
  std::array<std::uint8_t, 16> mask{};
  if (!quic_detail::headerProtectionMask(keys.hp, sample, mask))
    return false;

  quic_detail::AeadHeader header;
  header.first = static_cast<std::uint8_t>(protected_first ^ (mask[0] & 0x0f)); // long header
  header.pn_len = static_cast<std::size_t>(header.first & 0x03) + 1;
  std::span<const std::uint8_t> pn_protected;
  if (!r.seek(1) || !r.bytes(pkt.pn_offset - 1, header.middle) ||
      !r.bytes(header.pn_len, pn_protected))
    return false;
  ByteReader pr(pn_protected);
  std::uint64_t truncated = 0;
  for (std::size_t i = 0; i < header.pn_len; ++i) {
    std::uint8_t b = 0;
    pr.u8(b);
    header.pn_bytes[i] = static_cast<std::uint8_t>(b ^ mask[1 + i]);
    truncated = (truncated << 8) | header.pn_bytes[i];
  }
  if (r.remaining() < 16)
    return false;
  std::span<const std::uint8_t> ciphertext;
  std::span<const std::uint8_t> tag;
  r.bytes(r.remaining() - 16, ciphertext);
  r.bytes(16, tag);
  pn = decodePacketNumber(largest_pn_, truncated, header.pn_len * 8);
  return quic_detail::aeadOpen(keys, pn, header, ciphertext, tag, plain);
}

void QuicInitialAssembler::parseFrames(std::span<const std::uint8_t> plain, bool gquic) {
  ByteReader r(plain);
  while (!r.empty()) {
    std::uint64_t type = 0;
    if (!readVarint(r, type))
      break;
    bool ok = true;
    if (type == 0x00) { // PADDING (in both IETF and gQUIC framing)
      continue;
    } else if (gquic) {
      // Google T05x frames: only CRYPTO (0x08: varint offset, varint length) matters; its
      // ACK/PING encodings differ from IETF QUIC, so anything else ends the packet.
      std::uint64_t offset = 0;
      std::uint64_t length = 0;
      std::span<const std::uint8_t> data;
      ok = type == 0x08 && readVarint(r, offset) && readVarint(r, length) && r.bytes(length, data);
      if (ok) {
        ++stats_.crypto_frames;
        addCrypto(offset, data);
      }
    } else if (type == 0x01) { // PING
      continue;
    } else if (type == 0x02 || type == 0x03) { // ACK, ACK with ECN counts
      std::uint64_t v = 0;
      std::uint64_t ranges = 0;
      ok = readVarint(r, v) && readVarint(r, v) && readVarint(r, ranges) && readVarint(r, v);
      // Each range is two varints (>= 2 bytes): a bogus count ends at the payload's end.
      for (std::uint64_t i = 0; ok && i < ranges; ++i)
        ok = readVarint(r, v) && readVarint(r, v);
      if (ok && type == 0x03)
        ok = readVarint(r, v) && readVarint(r, v) && readVarint(r, v);
    } else if (type == 0x06) { // CRYPTO
      std::uint64_t offset = 0;
      std::uint64_t length = 0;
      std::span<const std::uint8_t> data;
      ok = readVarint(r, offset) && readVarint(r, length) && r.bytes(length, data);
      if (ok) {
        ++stats_.crypto_frames;
        addCrypto(offset, data);
      }
    } else if (type == 0x1c || type == 0x1d) { // CONNECTION_CLOSE (transport / application)
      std::uint64_t v = 0;
      std::uint64_t reason_len = 0;
      ok = readVarint(r, v) && (type == 0x1d || readVarint(r, v)) && readVarint(r, reason_len) &&
           r.skip(reason_len);
    } else {
      ok = false; // a frame type not allowed in Initial packets, or one we do not parse
    }
    if (!ok) {
      ++stats_.unknown_frames;
      break;
    }
    if (status_ == QuicStatus::Failed)
      break;
  }
}

void QuicInitialAssembler::addCrypto(std::uint64_t offset, std::span<const std::uint8_t> data) {
  if (data.empty())
    return;
  if (!state_) {
    state_.reset(new (std::nothrow) State);
    if (!state_) {
      fail(QuicFailure::OutOfMemory);
      return;
    }
  }
  if (offset >= kMaxCryptoBytes) {
    stats_.crypto_bytes_dropped += static_cast<std::uint32_t>(
        std::min<std::size_t>(data.size(), std::numeric_limits<std::uint32_t>::max()));
    return;
  }
  const auto from = static_cast<std::size_t>(offset);
  const std::size_t n = std::min(data.size(), kMaxCryptoBytes - from);
  stats_.crypto_bytes_dropped += static_cast<std::uint32_t>(data.size() - n);
  std::memcpy(state_->crypto.data() + from, data.data(), n);
  markRange(state_->have, from, from + n);
  while (contiguous_ < kMaxCryptoBytes && hasByte(state_->have, contiguous_))
    ++contiguous_;
}

void QuicInitialAssembler::checkComplete() {
  if (!state_ || contiguous_ == 0 || status_ == QuicStatus::Failed)
    return;
  ByteReader r(std::span<const std::uint8_t>(state_->crypto.data(), contiguous_));
  std::uint8_t msg_type = 0;
  r.u8(msg_type);
  if (msg_type != 0x01) { // TLS HandshakeType client_hello
    fail(QuicFailure::NotTls);
    return;
  }
  std::uint32_t body_len = 0;
  if (hello_len_ == 0 && r.u24(body_len)) {
    hello_len_ = 4 + static_cast<std::size_t>(body_len);
    if (hello_len_ > kMaxCryptoBytes) {
      fail(QuicFailure::HelloTooLarge);
      return;
    }
  }
  if (hello_len_ == 0 || contiguous_ < hello_len_)
    return;
  const TlsParseStatus st =
      parseClientHello(std::span<const std::uint8_t>(state_->crypto.data(), hello_len_),
                       /*quic=*/true, state_->info);
  if (st == TlsParseStatus::Ok)
    status_ = QuicStatus::Done;
  else
    fail(st == TlsParseStatus::NotTls ? QuicFailure::NotTls : QuicFailure::MalformedHello);
}

} // namespace vw::classify
