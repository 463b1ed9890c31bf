#pragma once
/// @file dns.h
/// DNS message parsing (RFC 1035) for the packet path: the first question and the address /
/// name answers, into a fixed-capacity struct. No heap allocation, no exceptions, bounded work.
///
/// Names are decoded with compression (at most kDnsMaxPointerHops pointer jumps per name), ASCII
/// is lowercased (0x20 mixed case is folded) and the trailing root dot is not written, so
/// "WWW.Example.COM." becomes "www.example.com" and the root name is the empty string (tshark
/// prints "<Root>"). Label bytes that are not printable ASCII are kept RAW (unescaped); a '.'
/// inside a label is also kept raw, so such a name is ambiguous as text. Whoever prints names
/// (JSON, logs) escapes them. tshark shows the same bytes C-escaped (\n, \t, \ooo octal) or as
/// UTF-8, so names agree with `tshark -e dns.qry.name` exactly when they are printable ASCII
/// (after lowercasing).

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include <vw/classify/proto/fixed_string.h>
#include <vw/packet/ip_address.h>

namespace vw::classify {

enum class DnsParseStatus : std::uint8_t {
  Ok,        ///< header, questions and the answer section parsed completely
  Truncated, ///< the message ends early; whatever was parsed before the cut is in the output
  Malformed, ///< inconsistent content (bad label type, pointer loop/too many hops, name > 255)
  NotDns     ///< the header has a reserved opcode (3, 7-15): not DNS (nothing else is parsed)
};

/// Resource record types we name or decode.
namespace dnstype {
inline constexpr std::uint16_t kA = 1;
inline constexpr std::uint16_t kNs = 2;
inline constexpr std::uint16_t kCname = 5;
inline constexpr std::uint16_t kSoa = 6;
inline constexpr std::uint16_t kPtr = 12;
inline constexpr std::uint16_t kMx = 15;
inline constexpr std::uint16_t kTxt = 16;
inline constexpr std::uint16_t kAaaa = 28;
inline constexpr std::uint16_t kSrv = 33;
inline constexpr std::uint16_t kDname = 39;
inline constexpr std::uint16_t kOpt = 41;
inline constexpr std::uint16_t kSvcb = 64;
inline constexpr std::uint16_t kHttps = 65;
inline constexpr std::uint16_t kAny = 255;
} // namespace dnstype

/// Maximum number of compression pointers followed while decoding one name.
inline constexpr int kDnsMaxPointerHops = 32;
/// Capacity of DnsMessage::answers.
inline constexpr std::size_t kDnsMaxAnswers = 32;

/// One decoded answer record. Only A, AAAA, CNAME, DNAME, PTR, NS and MX records are stored.
struct DnsAnswer {
  std::uint16_t type = 0;
  std::uint16_t rclass = 0;
  std::uint32_t ttl = 0;
  /// A/AAAA: the address as text (dotted quad / RFC 5952). CNAME, DNAME, PTR, NS, MX: the target
  /// name, normalised like qname (for MX the preference is dropped).
  FixedString<255> data;
  /// A/AAAA: the address in binary (family 0 for the name types).
  vw::IpAddr addr{};
};

/// The parts of one DNS message we use. Plain data, no pointers into the input.
struct DnsMessage {
  std::uint16_t id = 0;
  std::uint16_t flags = 0; ///< the raw 16-bit flags word
  bool is_response = false;
  bool tc = false; ///< the TC (truncated) flag of the header, not our parse status
  std::uint8_t opcode = 0;
  std::uint8_t rcode = 0; ///< header RCODE (4 bits; the EDNS extension is not applied)
  std::uint16_t qdcount = 0;
  std::uint16_t ancount = 0;
  std::uint16_t nscount = 0;
  std::uint16_t arcount = 0;

  bool has_question = false; ///< the first question was decoded
  FixedString<255> qname;    ///< first question name: lowercased, no trailing dot, root = ""
  std::uint16_t qtype = 0;
  std::uint16_t qclass = 0; ///< raw class (mDNS puts the QU bit in bit 15)

  /// Decoded answers; only the first `answer_count` entries are meaningful (entries beyond it
  /// may hold data of an earlier message: clear() does not wipe them, to stay cheap).
  std::array<DnsAnswer, kDnsMaxAnswers> answers{};
  std::uint8_t answer_count = 0;     ///< entries used in `answers`
  std::uint16_t answers_skipped = 0; ///< answer records decoded but not stored (type or capacity)

  /// Resets every field except the unused tail of `answers` (see there). O(1), no memset of
  /// the ~10 KiB answer array, so that it can be reused for every DNS packet.
  void clear() {
    id = 0;
    flags = 0;
    is_response = false;
    tc = false;
    opcode = 0;
    rcode = 0;
    qdcount = ancount = nscount = arcount = 0;
    has_question = false;
    qname.clear();
    qtype = 0;
    qclass = 0;
    answer_count = 0;
    answers_skipped = 0;
  }
};

/// Parses one DNS message (a UDP payload, or one TCP message without its 2-byte length).
///
/// `out` is cleared first and filled as far as parsing got, also when the status is not Ok.
/// Only the header, the question section and the answer section are read; the authority and
/// additional sections are ignored. A message shorter than the 12-byte header is Truncated.
DnsParseStatus parseDnsMessage(std::span<const std::uint8_t> msg, DnsMessage& out);

/// Splits DNS-over-TCP framing. If `stream` starts with a complete length-prefixed message,
/// sets `msg` to the message (without the prefix; a sub-span of `stream`) and returns the
/// number of bytes consumed (2 + length). Returns 0 and leaves `msg` empty when more bytes
/// are needed.
std::size_t dnsTcpFrame(std::span<const std::uint8_t> stream, std::span<const std::uint8_t>& msg);

/// Mnemonic of a record type ("A", "AAAA", "CNAME", ...); "" for types without one.
/// The returned string is static.
const char* dnsTypeName(std::uint16_t type);

/// Mnemonic of an RCODE ("NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", ...); "" if unassigned.
/// Accepts the 12-bit extended range (e.g. 16 = "BADVERS"). The returned string is static.
const char* dnsRcodeName(std::uint16_t rcode);

/// Human name of a DnsParseStatus ("ok", "truncated", "malformed", "not_dns").
const char* dnsParseStatusName(DnsParseStatus s);

} // namespace vw::classify
