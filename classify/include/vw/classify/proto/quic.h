#pragma once
/// @file quic.h
/// QUIC Initial packet decryption: recovers the TLS ClientHello that a QUIC client sends in
/// its first flight (RFC 9000 §17.2, RFC 9001 §5, RFC 9369), so that SNI, ALPN and JA4 can be
/// read from QUIC flows like from TLS over TCP.
///
/// Supported versions (Initial salt and labels checked against Wireshark's packet-quic.c):
///   - QUIC v1 (0x00000001) and draft-33/34 (0xff000021/22), salt 38762cf7...
///   - QUIC v2 (0x6b3343cf, RFC 9369): own salt, "quicv2 *" labels, Initial type bits 0b01
///   - draft-29..32 (0xff00001d..0xff000020), salt afbfec28...
///   - draft-23..28 (0xff000017..0xff00001c) and Facebook mvfst 0xfaceb002 / 0xfaceb00e
///     (draft-27 based), salt c3eef712...
///   - draft-22 (0xff000016) and Facebook mvfst 0xfaceb001 (draft-22 based), salt 7fbcdb0e...
///   - Google T050 (0x54303530) and T051 (0x54303531): TLS in gQUIC frames, own salts.
///   - reserved versions 0x?a?a?a?a that force Version Negotiation: tried with v1 and with
///     draft-29 keys (some clients send their real ClientHello in them; Wireshark tries one).
/// Google Q050 (QUIC crypto, no TLS), older gQUIC (Q043/Q046...) and drafts before 22 are
/// recognised but not decrypted: the assembler reports Failed/UnsupportedVersion.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include <vw/classify/proto/tls_client_hello.h>

namespace vw::classify {

/// Initial packet protection parameters of one QUIC version.
struct QuicVersionParams {
  const std::uint8_t* salt = nullptr;     ///< 20-byte Initial salt (static storage)
  const std::uint8_t* alt_salt = nullptr; ///< a second salt to try, or nullptr (greased)
  bool v2 = false;           ///< RFC 9369: "quicv2 key/iv/hp" labels and v2 long packet types
  bool gquic_frames = false; ///< Google T05x: CRYPTO is gQUIC frame 0x08, not IETF 0x06
  std::string_view name;     ///< "v1", "v2", "draft-29", "mvfst-27", "T051", ...
};

/// Looks up the Initial parameters of `version`. Returns false for versions whose Initial
/// packets we cannot decrypt (unknown, Version Negotiation, gQUIC Q0xx, drafts before 22).
bool quicVersionParams(std::uint32_t version, QuicVersionParams& out);

/// AEAD_AES_128_GCM packet protection keys of one direction (RFC 9001 §5.1).
struct QuicInitialKeys {
  std::array<std::uint8_t, 16> key{}; ///< AEAD key ("quic key")
  std::array<std::uint8_t, 12> iv{};  ///< AEAD IV ("quic iv")
  std::array<std::uint8_t, 16> hp{};  ///< header protection key ("quic hp")
};

/// Derives the Initial keys of `version` (with its primary salt) from the Destination Connection ID
/// of the client's first Initial packet (RFC 9001 §5.2, RFC 9369 §3.3): HKDF-Extract(salt, dcid),
/// then HKDF-Expand-Label "client in" (or "server in" when `server`), then key/iv/hp. Uses
/// OpenSSL's HKDF, which allocates internally: call it once per flow, not per packet. Returns false
/// for an unsupported version, an empty or over-long (>20 bytes) DCID, or an OpenSSL failure.
bool deriveQuicInitialKeys(std::uint32_t version, std::span<const std::uint8_t> dcid, bool server,
                           QuicInitialKeys& out);

/// Result of QuicInitialAssembler::feed().
enum class QuicStatus : std::uint8_t {
  NotQuic,  ///< nothing fed so far was a QUIC long-header packet we know: give up on this flow
  NeedMore, ///< QUIC, ClientHello not complete yet: feed the next client datagram
  Done,     ///< the ClientHello is complete and parsed: see clientHello()
  Failed    ///< QUIC, but no ClientHello can be had: see failure()
};

/// Why the assembler gave up (status Failed).
enum class QuicFailure : std::uint8_t {
  None,
  UnsupportedVersion, ///< recognised QUIC/gQUIC version whose Initials we cannot decrypt
  NotTls,             ///< the CRYPTO stream does not start with a TLS ClientHello
  MalformedHello,     ///< the ClientHello parser rejected the complete message
  HelloTooLarge,      ///< the ClientHello does not fit kMaxCryptoBytes
  OutOfMemory,        ///< the per-flow buffer could not be allocated
};

/// snake_case names for stats output: "none", "unsupported_version", ...
std::string_view quicStatusName(QuicStatus s);
std::string_view quicFailureName(QuicFailure f);

/// Counters of one assembler (for stats and tests).
struct QuicAssemblerStats {
  std::uint32_t datagrams = 0;            ///< feed() calls that did work
  std::uint32_t long_packets = 0;         ///< long-header packets with a supported version
  std::uint32_t initial_packets = 0;      ///< of which Initial packets
  std::uint32_t skipped_packets = 0;      ///< 0-RTT/Handshake/Retry packets skipped
  std::uint32_t decrypted = 0;            ///< Initial packets that authenticated and decrypted
  std::uint32_t auth_failures = 0;        ///< Initial packets whose AEAD tag did not verify
  std::uint32_t header_errors = 0;        ///< truncated or inconsistent long headers
  std::uint32_t key_derivations = 0;      ///< Initial key derivations (one per DCID tried)
  std::uint32_t crypto_frames = 0;        ///< CRYPTO frames seen in decrypted packets
  std::uint32_t unknown_frames = 0;       ///< packets whose frame parsing stopped at an unknown or
                                          ///< malformed frame
  std::uint32_t crypto_bytes_dropped = 0; ///< CRYPTO bytes beyond kMaxCryptoBytes
};

/// Reassembles the client's TLS ClientHello from the QUIC Initial packets of one UDP flow.
///
/// Feed it the UDP payloads of the client-to-server direction, one call per datagram, until it
/// returns Done, Failed or (for the first datagrams) NotQuic. It parses long headers (several
/// coalesced packets per datagram), skips non-Initial packets, derives the Initial keys from
/// the DCID, removes header protection (AES-128-ECB), decrypts and authenticates the payload
/// (AES-128-GCM; a packet whose tag fails is skipped), reads PADDING/PING/ACK/CRYPTO/
/// CONNECTION_CLOSE frames and reassembles CRYPTO data by offset, in any order, into a
/// bounded buffer. When the bytes from offset 0 hold the whole ClientHello it is parsed with
/// parseClientHello(stream, quic=true).
///
/// Keys: derived from the DCID of the first Initial; a later Initial that fails with those
/// keys but carries another DCID (after a Retry, or a server packet fed by mistake) gets
/// keys from its own DCID, and these replace the old ones only if the packet authenticates.
/// At most kMaxKeyDerivations derivations per assembler, and none twice in a row for a DCID
/// whose keys already failed.
///
/// Memory: the object itself is small (~200 bytes) and allocates nothing until an Initial
/// packet authenticates and carries CRYPTO data; then it allocates one State block (the
/// CRYPTO buffer, its coverage bitmap and the ClientHelloInfo, ~11 KiB) once for the flow.
/// Key derivation allocates inside OpenSSL (once per DCID tried). Per packet nothing is
/// allocated: the AES-ECB and AES-GCM EVP_CIPHER_CTXs and a 64 KiB plaintext scratch buffer
/// are per thread, created on the thread's first packet and re-keyed per packet (checked by
/// the vw_quic_alloc_test unit test).
///
/// Not thread-safe: one assembler per flow, used by one thread at a time. Movable.
class QuicInitialAssembler {
public:
  /// CRYPTO stream bytes kept (from offset 0). Chrome's ClientHello with a post-quantum key
  /// share is ~1.8 KB; 8 KiB leaves room for large session tickets.
  static constexpr std::size_t kMaxCryptoBytes = 8192;
  /// Key derivations allowed per flow (first DCID, a Retry, a few strays).
  static constexpr std::uint32_t kMaxKeyDerivations = 4;

  QuicInitialAssembler() noexcept;
  ~QuicInitialAssembler();
  QuicInitialAssembler(QuicInitialAssembler&&) noexcept;
  QuicInitialAssembler& operator=(QuicInitialAssembler&&) noexcept;
  QuicInitialAssembler(const QuicInitialAssembler&) = delete;
  QuicInitialAssembler& operator=(const QuicInitialAssembler&) = delete;

  /// Processes one client UDP payload. Once Done or Failed, further calls do nothing and
  /// return the same status. `datagram` is only read during the call.
  QuicStatus feed(std::span<const std::uint8_t> datagram);

  /// The last status returned by feed() (NotQuic before the first call).
  QuicStatus status() const { return status_; }
  /// Why the status is Failed (None otherwise).
  QuicFailure failure() const { return failure_; }
  /// The parsed ClientHello when status() is Done, else nullptr. Valid as long as the
  /// assembler lives.
  const ClientHelloInfo* clientHello() const;
  /// QUIC version of the first Initial that authenticated, else of the first supported
  /// long-header packet (0 if none yet).
  std::uint32_t version() const { return version_; }
  /// CRYPTO bytes contiguous from offset 0 so far.
  std::size_t contiguousCryptoBytes() const { return contiguous_; }
  const QuicAssemblerStats& stats() const { return stats_; }

private:
  struct State;
  struct PacketView;

  void processPacket(const PacketView& pkt);
  bool tryDecrypt(const QuicInitialKeys& keys, const PacketView& pkt,
                  std::span<const std::uint8_t>& plain, std::uint64_t& pn);
  void parseFrames(std::span<const std::uint8_t> plain, bool gquic);
  void addCrypto(std::uint64_t offset, std::span<const std::uint8_t> data);
  void checkComplete();
  void fail(QuicFailure f);

  std::unique_ptr<State> state_;
  QuicInitialKeys keys_{};
  std::array<std::uint8_t, 20> keys_dcid_{};
  std::uint8_t keys_dcid_len_ = 0;
  std::array<std::uint8_t, 20> failed_dcid_{}; ///< last DCID whose own keys failed too
  std::uint8_t failed_dcid_len_ = 0;
  bool have_keys_ = false;
  bool keys_verified_ = false;
  std::uint32_t keys_version_ = 0;
  std::uint32_t version_ = 0;
  bool version_confirmed_ = false; ///< version_ comes from an authenticated packet
  std::int64_t largest_pn_ = -1;
  std::size_t contiguous_ = 0;
  std::size_t hello_len_ = 0; ///< 4 + handshake length once known, else 0
  bool seen_quic_ = false;
  QuicStatus status_ = QuicStatus::NotQuic;
  QuicFailure failure_ = QuicFailure::None;
  QuicAssemblerStats stats_{};
};

} // namespace vw::classify
