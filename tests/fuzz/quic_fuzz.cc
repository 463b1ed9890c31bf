// libFuzzer target for vw_quic's QuicInitialAssembler.
//
// Input: byte 0 selects the mode, the rest is a list of records [u16 big-endian length][bytes]
// (a short last record takes what is left).
//   mode bit 0 = 0: each record is a raw client UDP datagram, fed as is.
//   mode bit 0 = 1: each record is the *plaintext* frame payload of an Initial packet, which
//     the harness protects (header protection + AES-GCM) before feeding, so that mutations
//     reach the frame parser and CRYPTO reassembly behind the AEAD. Bits 1-3 pick the version,
//     bits 4-5 the packet number length, bit 6 swaps the DCID on every other packet.
// At most kMaxDatagrams records are used. Invariants are checked after every datagram; a
// violation aborts.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <span>

#include <vw/classify/proto/quic.h>

#include "quic_test_util.h"

namespace {

using namespace vw::classify;
using namespace vw::classify::test;

constexpr std::uint32_t kVersions[8] = {0x00000001, 0x6b3343cf, 0xff00001d, 0xff000017,
                                        0xfaceb002, 0x54303531, 0xff000022, 0xfaceb001};

constexpr const char* kDcidA = "8394c8f03e515708";
constexpr const char* kDcidB = "0102030405060708090a0b0c0d0e0f1011121314";
/// A flow's client first flight is a few datagrams; more only slows the fuzzer down.
constexpr std::size_t kMaxDatagrams = 16;

void checkInvariants(const QuicInitialAssembler& a, QuicStatus st) {
  const bool done = st == QuicStatus::Done;
  if (st != a.status() || done != (a.clientHello() != nullptr) ||
      (st == QuicStatus::Failed) != (a.failure() != QuicFailure::None) ||
      a.contiguousCryptoBytes() > QuicInitialAssembler::kMaxCryptoBytes ||
      a.stats().key_derivations > QuicInitialAssembler::kMaxKeyDerivations ||
      a.stats().decrypted > a.stats().initial_packets)
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1)
    return 0;
  const std::uint8_t mode = data[0];
  std::span<const std::uint8_t> rest(data + 1, size - 1);
  QuicInitialAssembler a;
  InitialSpec spec;
  spec.version = kVersions[(mode >> 1) & 7];
  spec.pn_len = static_cast<std::size_t>((mode >> 4) & 3) + 1;
  // Keys for the two DCIDs of every version, derived once (the harness's own cost).
  static const auto keys = [] {
    std::array<std::array<QuicInitialKeys, 2>, 8> k{};
    for (std::size_t v = 0; v < 8; ++v)
      for (std::size_t d = 0; d < 2; ++d) {
        InitialSpec s;
        s.version = kVersions[v];
        s.dcid = fromHex(d == 0 ? kDcidA : kDcidB);
        initialKeysFor(s, k[v][d]);
      }
    return k;
  }();
  const Bytes dcid_a = fromHex(kDcidA);
  const Bytes dcid_b = fromHex(kDcidB);
  std::size_t index = 0;
  while (!rest.empty() && index < kMaxDatagrams) {
    std::size_t len = rest.size(); // a 1-byte tail is a record of its own
    if (rest.size() >= 2) {
      len = std::min<std::size_t>((std::size_t{rest[0]} << 8) | rest[1], rest.size() - 2);
      rest = rest.subspan(2);
    }
    const std::span<const std::uint8_t> record = rest.first(len);
    rest = rest.subspan(len);
    QuicStatus st;
    if ((mode & 1) == 0) {
      st = a.feed(record);
    } else {
      spec.pn = index;
      const std::size_t d = ((mode & 0x40) != 0 && (index & 1) != 0) ? 1 : 0;
      spec.dcid = d == 0 ? dcid_a : dcid_b;
      st = a.feed(protectInitial(spec, keys[(mode >> 1) & 7][d], record));
    }
    checkInvariants(a, st);
    ++index;
  }
  return 0;
}
