// Unit tests for vw_quic: Initial key derivation, decryption and ClientHello reassembly.
#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <vw/classify/proto/quic.h>

#include "quic_fixtures.h"
#include "quic_test_util.h"

using namespace vw::classify;
using namespace vw::classify::test;

namespace {

std::string hex(std::span<const std::uint8_t> b) {
  return toHex(b);
}

QuicStatus feedHex(QuicInitialAssembler& a, const char* h) {
  const Bytes b = fromHex(h);
  return a.feed(b);
}

std::string sniOf(const QuicInitialAssembler& a) {
  const ClientHelloInfo* ch = a.clientHello();
  return ch ? ch->sni.str() : std::string("<none>");
}

/// The RFC 9001 A.2 payload: the CRYPTO frame plus PADDING to 1162 bytes.
Bytes rfcPayload() {
  Bytes p = fromHex(kRfc9001ClientCrypto);
  p.resize(1162, 0);
  return p;
}

} // namespace

TEST_CASE("Initial keys derived from the RFC 9001 sample DCID match Appendix A.1") {
  const Bytes dcid = fromHex("8394c8f03e515708");
  QuicInitialKeys client;
  QuicInitialKeys server;
  REQUIRE(deriveQuicInitialKeys(0x00000001, dcid, false, client));
  REQUIRE(deriveQuicInitialKeys(0x00000001, dcid, true, server));
  CHECK(hex(client.key) == "1f369613dd76d5467730efcbe3b1a22d");
  CHECK(hex(client.iv) == "fa044b2f42a3fd3b46fb255c");
  CHECK(hex(client.hp) == "9f50449e04a0e810283a1e9933adedd2");
  CHECK(hex(server.key) == "cf3a5331653c364c88f0f379b6067e37");
  CHECK(hex(server.iv) == "0ac1493ca1905853b0bba03e");
  CHECK(hex(server.hp) == "c206b8d9b9f0f37644430b490eeaa314");
}

TEST_CASE("QUIC v2 Initial keys derived from the sample DCID match RFC 9369 Appendix A.1") {
  const Bytes dcid = fromHex("8394c8f03e515708");
  QuicInitialKeys client;
  QuicInitialKeys server;
  REQUIRE(deriveQuicInitialKeys(0x6b3343cf, dcid, false, client));
  REQUIRE(deriveQuicInitialKeys(0x6b3343cf, dcid, true, server));
  CHECK(hex(client.key) == "8b1a0bc121284290a29e0971b5cd045d");
  CHECK(hex(client.iv) == "91f73e2351d8fa91660e909f");
  CHECK(hex(client.hp) == "45b95e15235d6f45a6b19cbcb0294ba9");
  CHECK(hex(server.key) == "82db637861d55e1d011f19ea71d5d2a7");
  CHECK(hex(server.iv) == "dd13c276499c0249d3310652");
  CHECK(hex(server.hp) == "edf6d05c83121201b436e16877593c3a");
}

TEST_CASE("Key derivation refuses unsupported versions and empty or over-long DCIDs") {
  QuicInitialKeys k;
  const Bytes dcid = fromHex("8394c8f03e515708");
  CHECK_FALSE(deriveQuicInitialKeys(0x51303530, dcid, false, k)); // Q050: QUIC crypto
  CHECK_FALSE(deriveQuicInitialKeys(0x00000000, dcid, false, k));
  CHECK_FALSE(deriveQuicInitialKeys(0xff000015, dcid, false, k)); // draft-21
  CHECK_FALSE(deriveQuicInitialKeys(1, {}, false, k));
  const Bytes long_dcid(21, 0x11);
  CHECK_FALSE(deriveQuicInitialKeys(1, long_dcid, false, k));
}

TEST_CASE("The version table maps each supported version to its Initial salt") {
  struct Row {
    std::uint32_t version;
    std::uint8_t salt0;
    bool v2;
    bool gquic;
    const char* name;
  };
  const Row rows[] = {
      {0x00000001, 0x38, false, false, "v1"},       {0xff000022, 0x38, false, false, "draft-34"},
      {0xff000021, 0x38, false, false, "draft-33"}, {0x6b3343cf, 0x0d, true, false, "v2"},
      {0xff00001d, 0xaf, false, false, "draft-29"}, {0xff000020, 0xaf, false, false, "draft-32"},
      {0xff000017, 0xc3, false, false, "draft-23"}, {0xff00001c, 0xc3, false, false, "draft-28"},
      {0xff000016, 0x7f, false, false, "draft-22"}, {0xfaceb001, 0x7f, false, false, "mvfst-22"},
      {0xfaceb002, 0xc3, false, false, "mvfst-27"}, {0xfaceb00e, 0xc3, false, false, "mvfst-exp"},
      {0x54303530, 0x7f, false, true, "T050"},      {0x54303531, 0x7a, false, true, "T051"},
  };
  for (const Row& row : rows) {
    INFO(row.name);
    QuicVersionParams p;
    REQUIRE(quicVersionParams(row.version, p));
    CHECK(p.salt[0] == row.salt0);
    CHECK(p.v2 == row.v2);
    CHECK(p.gquic_frames == row.gquic);
    CHECK(p.name == row.name);
  }
  QuicVersionParams p;
  CHECK_FALSE(quicVersionParams(0x51303530, p)); // Q050
  CHECK_FALSE(quicVersionParams(0x51303436, p)); // Q046
  CHECK_FALSE(quicVersionParams(0xff000015, p)); // draft-21
  CHECK_FALSE(quicVersionParams(0x00000000, p)); // Version Negotiation
  REQUIRE(quicVersionParams(0x1a2a3a4a, p));     // greased: v1 keys, then draft-29
  CHECK(p.salt[0] == 0x38);
  REQUIRE(p.alt_salt != nullptr);
  CHECK(p.alt_salt[0] == 0xaf);
  CHECK(p.name == "greased");
}

TEST_CASE("The test protector reproduces the RFC 9001 and RFC 9369 client Initials byte for byte") {
  // This validates the helper used to build the synthetic packets of the tests below.
  InitialSpec spec;
  spec.pn = 2;
  spec.pn_len = 4;
  CHECK(hex(protectInitial(spec, rfcPayload())) == hex(fromHex(kRfc9001ClientInitial)));
  spec.version = 0x6b3343cf;
  CHECK(hex(protectInitial(spec, rfcPayload())) == hex(fromHex(kRfc9369ClientInitial)));
}

TEST_CASE("The RFC 9001 A.2 client Initial yields a ClientHello for example.com") {
  QuicInitialAssembler a;
  CHECK(a.status() == QuicStatus::NotQuic);
  CHECK(a.clientHello() == nullptr);
  REQUIRE(feedHex(a, kRfc9001ClientInitial) == QuicStatus::Done);
  const ClientHelloInfo* ch = a.clientHello();
  REQUIRE(ch != nullptr);
  CHECK(ch->sni.view() == "example.com");
  CHECK(ch->alpn.view() == "alpn");
  REQUIRE_FALSE(ch->ja4.empty());
  CHECK(ch->ja4.view()[0] == 'q');
  CHECK(a.version() == 0x00000001);
  CHECK(a.failure() == QuicFailure::None);
  CHECK(a.contiguousCryptoBytes() == 241); // CRYPTO frame length 0x40f1
  CHECK(a.stats().decrypted == 1);
  CHECK(a.stats().crypto_frames == 1);
  CHECK(a.stats().auth_failures == 0);
  CHECK(a.stats().key_derivations == 1);
}

TEST_CASE("The RFC 9369 A.2 QUIC v2 client Initial yields the same ClientHello") {
  QuicInitialAssembler a;
  REQUIRE(feedHex(a, kRfc9369ClientInitial) == QuicStatus::Done);
  CHECK(sniOf(a) == "example.com");
  CHECK(a.version() == 0x6b3343cf);
}

TEST_CASE("A server Initial fed by mistake is skipped without harm") {
  QuicInitialAssembler a;
  // A.3's DCID is empty (the client used no SCID), so no keys can be derived from it.
  CHECK(feedHex(a, kRfc9001ServerInitial) == QuicStatus::NeedMore);
  CHECK(a.stats().decrypted == 0);
  CHECK(a.stats().auth_failures == 1);
  CHECK(feedHex(a, kRfc9001ClientInitial) == QuicStatus::Done);
  CHECK(sniOf(a) == "example.com");
}

TEST_CASE("A server Initial with a DCID does not spoil the client's keys") {
  QuicInitialAssembler a;
  const Bytes ch = clientHello("two.example", 900);
  const std::size_t half = ch.size() / 2;
  InitialSpec client;
  client.pn = 0;
  REQUIRE(a.feed(protectInitial(client, cryptoFrame(0, std::span(ch).first(half)))) ==
          QuicStatus::NeedMore);
  // A server packet: DCID = the client's SCID, protected with the server keys of another DCID.
  InitialSpec server;
  server.server = true;
  server.dcid = fromHex("0102030405060708");
  server.pn = 0;
  CHECK(a.feed(protectInitial(server, cryptoFrame(0, fromHex("0200000000")))) ==
        QuicStatus::NeedMore);
  CHECK(a.stats().auth_failures == 1);
  client.pn = 1;
  CHECK(a.feed(protectInitial(client, cryptoFrame(half, std::span(ch).subspan(half)))) ==
        QuicStatus::Done);
  CHECK(sniOf(a) == "two.example");
}

TEST_CASE("Chrome's two-packet ClientHello with a changed DCID is reassembled") {
  QuicInitialAssembler a;
  CHECK(feedHex(a, kChromeInitial1) == QuicStatus::NeedMore);
  CHECK(a.contiguousCryptoBytes() == 1211);
  CHECK(feedHex(a, kChromeServer2) == QuicStatus::NeedMore); // server datagram: ignored
  CHECK(a.stats().decrypted == 1);
  REQUIRE(feedHex(a, kChromeInitial3) == QuicStatus::Done);
  const ClientHelloInfo* ch = a.clientHello();
  REQUIRE(ch != nullptr);
  CHECK(ch->sni.view() == "cdnjs.cloudflare.com");
  CHECK(ch->alpn_first.view() == "h3");
  CHECK(ch->ja4.view().substr(0, 4) == "q13d");
  CHECK(a.contiguousCryptoBytes() == 1767);
  CHECK(a.stats().decrypted == 2);
  // The second client packet carries the server's CID but is protected with the first DCID's
  // keys, which were kept: one derivation for the whole flow.
  CHECK(a.stats().key_derivations == 1);
  CHECK(a.stats().crypto_frames == 10);
}

TEST_CASE("Without its first packet, Chrome's second Initial cannot be decrypted") {
  QuicInitialAssembler a;
  CHECK(feedHex(a, kChromeInitial3) == QuicStatus::NeedMore);
  CHECK(a.stats().decrypted == 0);
  CHECK(a.stats().auth_failures == 1);
  // Once the first arrives the keys are right, and a retransmission of the second completes.
  CHECK(feedHex(a, kChromeInitial1) == QuicStatus::NeedMore);
  CHECK(feedHex(a, kChromeInitial3) == QuicStatus::Done);
  CHECK(sniOf(a) == "cdnjs.cloudflare.com");
}

TEST_CASE("CRYPTO frames out of order within and across packets are reassembled") {
  const Bytes ch = clientHello("reorder.example", 1500);
  REQUIRE(ch.size() > 1500);
  const std::span<const std::uint8_t> s(ch);
  const std::size_t a1 = 400;
  const std::size_t a2 = 1100;
  // Packet 1 (pn 0, 1-byte pn): ACK, PING, then the third chunk before the first.
  Bytes f1 = fromHex("0200000000"); // ACK largest 0, delay 0, 0 ranges, first range 0
  f1.push_back(0x01);
  append(f1, cryptoFrame(a2, s.subspan(a2)));
  append(f1, cryptoFrame(0, s.first(a1)));
  // Packet 2 (pn 1, 2-byte pn): the middle chunk, sent twice (a retransmission overlap).
  Bytes f2 = cryptoFrame(a1, s.subspan(a1, a2 - a1));
  append(f2, cryptoFrame(a1 + 10, s.subspan(a1 + 10, 50)));
  InitialSpec p1;
  p1.pn = 0;
  p1.pn_len = 1;
  InitialSpec p2;
  p2.pn = 1;
  p2.pn_len = 2;
  p2.pad_to = 1200;

  SECTION("in order") {
    QuicInitialAssembler a;
    CHECK(a.feed(protectInitial(p1, f1)) == QuicStatus::NeedMore);
    CHECK(a.contiguousCryptoBytes() == a1);
    CHECK(a.feed(protectInitial(p2, f2)) == QuicStatus::Done);
    CHECK(sniOf(a) == "reorder.example");
  }
  SECTION("second packet first") {
    QuicInitialAssembler a;
    CHECK(a.feed(protectInitial(p2, f2)) == QuicStatus::NeedMore);
    CHECK(a.contiguousCryptoBytes() == 0);
    CHECK(a.feed(protectInitial(p1, f1)) == QuicStatus::Done);
    CHECK(sniOf(a) == "reorder.example");
    CHECK(a.stats().crypto_frames == 4);
  }
  SECTION("both packets coalesced in one datagram") {
    QuicInitialAssembler a;
    Bytes d = protectInitial(p2, f2);
    append(d, protectInitial(p1, f1));
    CHECK(a.feed(d) == QuicStatus::Done);
    CHECK(a.stats().initial_packets == 2);
  }
}

TEST_CASE("Non-Initial packets coalesced with the Initial are skipped") {
  // A Handshake-type long header packet (v1 type 2) with 24 bytes of payload, then the Initial.
  Bytes d = fromHex("e00000000108aabbccddeeff00110018");
  d.insert(d.end(), 24, 0x5a);
  append(d, fromHex(kRfc9001ClientInitial));
  // Trailing zero padding after the last packet (as some clients send) is ignored.
  d.insert(d.end(), 30, 0x00);
  QuicInitialAssembler a;
  CHECK(a.feed(d) == QuicStatus::Done);
  CHECK(a.stats().skipped_packets == 1);
  CHECK(a.stats().initial_packets == 1);
  CHECK(sniOf(a) == "example.com");
}

TEST_CASE("Truncating the RFC client Initial at any length never completes and never poisons") {
  const Bytes full = fromHex(kRfc9001ClientInitial);
  for (std::size_t n = 0; n < full.size(); ++n) {
    INFO("truncated to " << n << " bytes");
    QuicInitialAssembler a;
    const QuicStatus st = a.feed(std::span(full).first(n));
    // The long header through the Length field ends at byte 18.
    CHECK(st == (n < 18 ? QuicStatus::NotQuic : QuicStatus::NeedMore));
    CHECK(a.stats().decrypted == 0);
    CHECK(a.clientHello() == nullptr);
    REQUIRE(a.feed(full) == QuicStatus::Done);
  }
}

TEST_CASE("A packet with a corrupted tag or ciphertext is skipped, its intact copy completes") {
  const Bytes good = fromHex(kRfc9001ClientInitial);
  SECTION("last byte of the tag") {
    Bytes bad = good;
    bad.back() ^= 0x01;
    QuicInitialAssembler a;
    CHECK(a.feed(bad) == QuicStatus::NeedMore);
    CHECK(a.stats().auth_failures == 1);
    CHECK(a.stats().decrypted == 0);
    CHECK(a.feed(good) == QuicStatus::Done);
    CHECK(a.stats().key_derivations == 1); // same DCID: the keys were reused
  }
  SECTION("a ciphertext byte") {
    Bytes bad = good;
    bad[600] ^= 0x80;
    QuicInitialAssembler a;
    CHECK(a.feed(bad) == QuicStatus::NeedMore);
    CHECK(a.stats().auth_failures == 1);
    CHECK(a.feed(good) == QuicStatus::Done);
  }
  SECTION("a DCID byte (the header is authenticated, and the keys change)") {
    Bytes bad = good;
    bad[9] ^= 0x01;
    QuicInitialAssembler a;
    CHECK(a.feed(bad) == QuicStatus::NeedMore);
    CHECK(a.stats().auth_failures == 1);
    CHECK(a.feed(good) == QuicStatus::Done);
    CHECK(a.stats().key_derivations == 2);
  }
}

TEST_CASE("Datagrams that are not QUIC long headers are NotQuic") {
  QuicInitialAssembler a;
  CHECK(a.feed({}) == QuicStatus::NotQuic);
  // A DNS query.
  CHECK(a.feed(fromHex("123401000001000000000000076578616d706c6503636f6d0000010001")) ==
        QuicStatus::NotQuic);
  // A short-header packet.
  CHECK(a.feed(fromHex("4cfe4189655e5cd55c41f69080575d7999c25a5bfb")) == QuicStatus::NotQuic);
  // A long header with an unknown version, and a Version Negotiation packet.
  CHECK(a.feed(fromHex("c012345678088394c8f03e51570800")) == QuicStatus::NotQuic);
  CHECK(a.feed(fromHex("80000000000008f067a5502a4262b500000001")) == QuicStatus::NotQuic);
  // Look-alikes of known versions that are not real ones (seen in nDPI captures of non-QUIC
  // UDP): "draft-160" and gQUIC "Q024", which never had a long header.
  CHECK(a.feed(fromHex("c0ff0000a008aabbccddeeff001100")) == QuicStatus::NotQuic);
  CHECK(a.feed(fromHex("c05130323408aabbccddeeff001100")) == QuicStatus::NotQuic);
  CHECK(a.stats().long_packets == 0);
  // Still usable for a real Initial afterwards.
  CHECK(feedHex(a, kRfc9001ClientInitial) == QuicStatus::Done);
}

TEST_CASE("Known QUIC versions we cannot decrypt fail as unsupported") {
  const char* samples[] = {
      "c3513034365008aabbccddeeff0011",   // gQUIC Q046
      "c3513035300808aabbccddeeff001100", // gQUIC Q050 (QUIC crypto, no TLS)
      "c3ff00001508aabbccddeeff001100",   // draft-21
      "c3709a50c408aabbccddeeff001100",   // QUIC v2 draft-01
  };
  for (const char* s : samples) {
    INFO(s);
    QuicInitialAssembler a;
    CHECK(feedHex(a, s) == QuicStatus::Failed);
    CHECK(a.failure() == QuicFailure::UnsupportedVersion);
    CHECK(quicFailureName(a.failure()) == "unsupported_version");
    CHECK(feedHex(a, kRfc9001ClientInitial) == QuicStatus::Failed); // final
  }
}

TEST_CASE("A CRYPTO stream that does not start with a ClientHello fails with NotTls") {
  InitialSpec spec;
  spec.pad_to = 1162;
  QuicInitialAssembler a;
  // A ServerHello (type 2) where the client's ClientHello should be.
  CHECK(a.feed(protectInitial(spec, cryptoFrame(0, fromHex("020000260303")))) ==
        QuicStatus::Failed);
  CHECK(a.failure() == QuicFailure::NotTls);
}

TEST_CASE("A ClientHello larger than the reassembly buffer fails with HelloTooLarge") {
  InitialSpec spec;
  spec.pad_to = 1162;
  QuicInitialAssembler a;
  // Handshake header announcing a 12288-byte ClientHello.
  CHECK(a.feed(protectInitial(spec, cryptoFrame(0, fromHex("0100300003030000")))) ==
        QuicStatus::Failed);
  CHECK(a.failure() == QuicFailure::HelloTooLarge);
}

TEST_CASE("CRYPTO data beyond the buffer is dropped and counted") {
  InitialSpec spec;
  const Bytes junk(100, 0x42);
  Bytes frames = cryptoFrame(QuicInitialAssembler::kMaxCryptoBytes - 40, junk);
  append(frames, cryptoFrame(std::uint64_t{1} << 40, junk));
  QuicInitialAssembler a;
  CHECK(a.feed(protectInitial(spec, frames)) == QuicStatus::NeedMore);
  CHECK(a.stats().crypto_bytes_dropped == 60 + 100);
  CHECK(a.contiguousCryptoBytes() == 0);
}

TEST_CASE("A frame not allowed in Initial packets ends that packet's frames") {
  const Bytes ch = clientHello("stop.example", 300);
  const std::span<const std::uint8_t> s(ch);
  Bytes frames = cryptoFrame(0, s.first(100));
  append(frames, fromHex("0800")); // STREAM frame: not allowed in Initial, parsing stops here
  append(frames, cryptoFrame(100, s.subspan(100)));
  InitialSpec spec;
  QuicInitialAssembler a;
  CHECK(a.feed(protectInitial(spec, frames)) == QuicStatus::NeedMore);
  CHECK(a.stats().unknown_frames == 1);
  CHECK(a.contiguousCryptoBytes() == 100);
  spec.pn = 1;
  CHECK(a.feed(protectInitial(spec, cryptoFrame(100, s.subspan(100)))) == QuicStatus::Done);
  CHECK(sniOf(a) == "stop.example");
}

TEST_CASE("CONNECTION_CLOSE and ACK-with-ECN frames are parsed and skipped") {
  const Bytes ch = clientHello("close.example");
  Bytes frames = fromHex("03050001010202030405"); // ACK_ECN: one extra range, 3 ECN counts
  append(frames, fromHex("1c0a0003626164"));      // CONNECTION_CLOSE, reason "bad"
  append(frames, fromHex("1d0b0000"));            // CONNECTION_CLOSE (application)
  append(frames, cryptoFrame(0, ch));
  InitialSpec spec;
  QuicInitialAssembler a;
  CHECK(a.feed(protectInitial(spec, frames)) == QuicStatus::Done);
  CHECK(a.stats().unknown_frames == 0);
  CHECK(sniOf(a) == "close.example");
}

TEST_CASE("After a Retry, the Initial under the new DCID's keys restarts the ClientHello") {
  const Bytes first = clientHello("before.retry", 600);
  const Bytes second = clientHello("after.retry", 600);
  InitialSpec p1;
  p1.dcid = fromHex("1111111111111111");
  InitialSpec p2;
  p2.dcid = fromHex("2222222222222222");
  p2.token = fromHex("746f6b656e");
  QuicInitialAssembler a;
  CHECK(a.feed(protectInitial(p1, cryptoFrame(0, std::span(first).first(300)))) ==
        QuicStatus::NeedMore);
  CHECK(a.contiguousCryptoBytes() == 300);
  CHECK(a.feed(protectInitial(p2, cryptoFrame(300, std::span(second).subspan(300)))) ==
        QuicStatus::NeedMore);
  CHECK(a.contiguousCryptoBytes() == 0); // old data dropped with the old keys
  p2.pn = 1;
  CHECK(a.feed(protectInitial(p2, cryptoFrame(0, std::span(second).first(300)))) ==
        QuicStatus::Done);
  CHECK(sniOf(a) == "after.retry");
  CHECK(a.stats().key_derivations == 2);
}

TEST_CASE("Draft, mvfst and Google T05x Initials decrypt with their own salts") {
  const Bytes ch = clientHello("versions.example");
  struct Row {
    std::uint32_t version;
    bool gquic;
  };
  const Row rows[] = {{0xff00001d, false}, {0xff000017, false}, {0xff000016, false},
                      {0xff000022, false}, {0xfaceb001, false}, {0xfaceb002, false},
                      {0xfaceb00e, false}, {0x54303530, true},  {0x54303531, true}};
  for (const Row& row : rows) {
    INFO(std::hex << row.version);
    InitialSpec spec;
    spec.version = row.version;
    spec.pad_to = 1000;
    QuicInitialAssembler a;
    CHECK(a.feed(protectInitial(spec, cryptoFrame(0, ch, row.gquic))) == QuicStatus::Done);
    CHECK(sniOf(a) == "versions.example");
    CHECK(a.version() == row.version);
  }
}

TEST_CASE("A greased-version Initial carrying a v1-protected ClientHello is decrypted") {
  // As in nDPI's quic_interop_V.pcapng: version 0x?a?a?a?a forces Version Negotiation, yet
  // the client protects its real ClientHello with v1 Initial keys.
  InitialSpec spec;
  spec.version = 0x0a0a0a0a;
  spec.pad_to = 1162;
  QuicInitialAssembler a;
  CHECK(a.feed(protectInitial(spec, cryptoFrame(0, clientHello("grease.example")))) ==
        QuicStatus::Done);
  CHECK(sniOf(a) == "grease.example");
  CHECK(a.version() == 0x0a0a0a0a);
}

TEST_CASE("A greased-version Initial protected like draft-29 is decrypted with the second salt") {
  // quic_interop_V.pcapng (2020 interop runner): the greased Initials use draft-29 keys.
  InitialSpec spec;
  spec.version = 0x5a6a7a8a;
  spec.key_version = 0xff00001d;
  spec.pad_to = 1162;
  QuicInitialAssembler a;
  CHECK(a.feed(protectInitial(spec, cryptoFrame(0, clientHello("grease29.example")))) ==
        QuicStatus::Done);
  CHECK(sniOf(a) == "grease29.example");
  CHECK(a.stats().key_derivations == 2); // v1 keys failed, draft-29 keys worked
}

TEST_CASE("A greased-version Initial with random contents is skipped, the v1 retry decrypts") {
  // As in quic-forcing-vn-with-data.pcapng: the first Initial does not authenticate.
  Bytes bogus = fromHex(kRfc9001ClientInitial);
  bogus[1] = 0xba; // version 0xbabababa: the AEAD (v1 keys, AAD with this version) fails
  bogus[2] = 0xba;
  bogus[3] = 0xba;
  bogus[4] = 0xba;
  QuicInitialAssembler a;
  CHECK(a.feed(bogus) == QuicStatus::NeedMore);
  CHECK(a.stats().auth_failures == 1);
  CHECK(a.version() == 0xbabababa);
  CHECK(feedHex(a, kRfc9001ClientInitial) == QuicStatus::Done);
  CHECK(a.version() == 0x00000001); // the version of the packet that authenticated
  CHECK(sniOf(a) == "example.com");
}

TEST_CASE("Packet numbers are decoded against the largest one seen") {
  // pn 260 sent with a 1-byte encoding (0x04) after pn 250: the nonce must use 260, not 4.
  const Bytes ch = clientHello("pn.example", 500);
  const std::span<const std::uint8_t> s(ch);
  InitialSpec spec;
  spec.pn = 250;
  spec.pn_len = 2;
  QuicInitialAssembler a;
  CHECK(a.feed(protectInitial(spec, cryptoFrame(0, s.first(200)))) == QuicStatus::NeedMore);
  spec.pn = 260;
  spec.pn_len = 1;
  CHECK(a.feed(protectInitial(spec, cryptoFrame(200, s.subspan(200)))) == QuicStatus::Done);
  CHECK(a.stats().auth_failures == 0);
}

TEST_CASE("After Done further datagrams are ignored") {
  QuicInitialAssembler a;
  REQUIRE(feedHex(a, kRfc9001ClientInitial) == QuicStatus::Done);
  const std::uint32_t datagrams = a.stats().datagrams;
  CHECK(feedHex(a, kChromeInitial1) == QuicStatus::Done);
  CHECK(a.stats().datagrams == datagrams);
  CHECK(sniOf(a) == "example.com");
}

TEST_CASE("An assembler can be moved mid-flow") {
  QuicInitialAssembler a;
  CHECK(feedHex(a, kChromeInitial1) == QuicStatus::NeedMore);
  QuicInitialAssembler b(std::move(a));
  CHECK(feedHex(b, kChromeInitial3) == QuicStatus::Done);
  CHECK(sniOf(b) == "cdnjs.cloudflare.com");
}

TEST_CASE("Status and failure names are stable snake_case") {
  CHECK(quicStatusName(QuicStatus::NotQuic) == "not_quic");
  CHECK(quicStatusName(QuicStatus::NeedMore) == "need_more");
  CHECK(quicStatusName(QuicStatus::Done) == "done");
  CHECK(quicStatusName(QuicStatus::Failed) == "failed");
  CHECK(quicFailureName(QuicFailure::None) == "none");
  CHECK(quicFailureName(QuicFailure::NotTls) == "not_tls");
  CHECK(quicFailureName(QuicFailure::MalformedHello) == "malformed_hello");
  CHECK(quicFailureName(QuicFailure::HelloTooLarge) == "hello_too_large");
  CHECK(quicFailureName(QuicFailure::OutOfMemory) == "out_of_memory");
}
