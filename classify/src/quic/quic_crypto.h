#pragma once
/// @file quic_crypto.h
/// Private to vw_quic: OpenSSL primitives for QUIC Initial protection.

#include <array>
#include <cstdint>
#include <span>

#include <vw/classify/proto/quic.h>

namespace vw::classify::quic_detail {

/// Size of the per-thread plaintext scratch buffer: the largest possible UDP payload.
inline constexpr std::size_t kMaxPlaintext = 65536;

/// AES-128-ECB of the 16-byte `sample` under `hp` (RFC 9001 §5.4.3). Uses the calling
/// thread's cipher context; no allocation after the thread's first call.
bool headerProtectionMask(const std::array<std::uint8_t, 16>& hp,
                          std::span<const std::uint8_t> sample, std::array<std::uint8_t, 16>& mask);

/// The parts of an unprotected long header, fed to AES-GCM as associated data in order:
/// the unmasked first byte, the header bytes between it and the packet number, the unmasked
/// packet number bytes.
struct AeadHeader {
  std::uint8_t first = 0;
  std::span<const std::uint8_t> middle{};
  std::array<std::uint8_t, 4> pn_bytes{};
  std::size_t pn_len = 0;
};

/// AEAD_AES_128_GCM open (RFC 9001 §5.3) of `ciphertext` (without the tag) with packet number
/// `pn`. On success `plain` views the calling thread's scratch buffer (valid until this thread
/// opens another packet) and true is returned; false if the tag does not verify or the
/// ciphertext is larger than kMaxPlaintext. No allocation after the thread's first call.
bool aeadOpen(const QuicInitialKeys& keys, std::uint64_t pn, const AeadHeader& header,
              std::span<const std::uint8_t> ciphertext, std::span<const std::uint8_t> tag,
              std::span<const std::uint8_t>& plain);

/// deriveQuicInitialKeys() with an explicit 20-byte `salt` and label set (`v2`).
bool deriveInitialKeys(const std::uint8_t* salt, bool v2, std::span<const std::uint8_t> dcid,
                       bool server, QuicInitialKeys& out);

/// Builds the HKDF-Expand-Label info of TLS 1.3 (RFC 8446 §7.1) with an empty context:
/// uint16 length, opaque label<7..255> = "tls13 " + label, opaque context<0..255> = "".
/// Returns the info size, 0 if `out` is too small.
std::size_t hkdfLabelInfo(std::string_view label, std::uint16_t length,
                          std::span<std::uint8_t> out);

} // namespace vw::classify::quic_detail
