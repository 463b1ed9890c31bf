/// @file dns.cc
/// DNS message parsing. See dns.h for the name rendering rules.

#include <arpa/inet.h>

#include <vw/classify/proto/dns.h>
#include <vw/packet/byte_reader.h>

namespace vw::classify {
namespace {

enum class NameResult : std::uint8_t { Ok, Truncated, Malformed };

/// Maximum wire length of a name (RFC 1035 3.1), including the terminating zero byte.
constexpr std::size_t kMaxNameWire = 255;

char lowerAscii(std::uint8_t c) {
  return static_cast<char>((c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c);
}

/// Decodes the name at absolute offset `start` of `msg`, following compression pointers.
/// `out` may be null (skip only). On Ok, `end` is the offset just past the name's bytes at
/// `start` (past the first pointer, or past the terminating zero).
///
/// Work is bounded: at most kDnsMaxPointerHops pointers and kMaxNameWire label bytes.
/// Running out of bytes before any pointer was followed is Truncated (the message was cut);
/// running out after a jump, a pointer past the end, a 0x40/0x80 label type, too many hops
/// or an over-long name are Malformed.
NameResult decodeName(std::span<const std::uint8_t> msg, std::size_t start, FixedString<255>* out,
                      std::size_t& end) {
  ByteReader r(msg);
  if (!r.seek(start))
    return NameResult::Truncated;
  int hops = 0;
  bool jumped = false;
  std::size_t wire = 1; // the terminating zero byte
  const NameResult cut = NameResult::Truncated;
  for (;;) {
    std::uint8_t len = 0;
    if (!r.u8(len))
      return jumped ? NameResult::Malformed : cut;
    if ((len & 0xC0) == 0xC0) {
      std::uint8_t lo = 0;
      if (!r.u8(lo))
        return jumped ? NameResult::Malformed : cut;
      if (!jumped)
        end = r.offset();
      jumped = true;
      if (++hops > kDnsMaxPointerHops)
        return NameResult::Malformed;
      const std::size_t target = (static_cast<std::size_t>(len & 0x3F) << 8) | lo;
      if (target >= msg.size() || !r.seek(target))
        return NameResult::Malformed;
      continue;
    }
    if ((len & 0xC0) != 0)
      return NameResult::Malformed; // extended (0x40) or reserved (0x80) label type
    if (len == 0) {
      if (!jumped)
        end = r.offset();
      return NameResult::Ok;
    }
    wire += std::size_t{len} + 1;
    if (wire > kMaxNameWire)
      return NameResult::Malformed;
    std::span<const std::uint8_t> label;
    if (!r.bytes(len, label))
      return jumped ? NameResult::Malformed : cut;
    if (out != nullptr) {
      if (!out->empty())
        out->append('.');
      for (std::uint8_t c : label)
        out->append(lowerAscii(c));
    }
  }
}

DnsParseStatus fromName(NameResult n) {
  return n == NameResult::Truncated ? DnsParseStatus::Truncated : DnsParseStatus::Malformed;
}

/// Formats an address into `out` with inet_ntop (no allocation).
void formatAddress(int family, std::span<const std::uint8_t> bytes, FixedString<255>& out) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (inet_ntop(family, bytes.data(), buf, sizeof buf) != nullptr)
    out.assign(buf);
}

bool isNameType(std::uint16_t t) {
  return t == dnstype::kCname || t == dnstype::kDname || t == dnstype::kPtr || t == dnstype::kNs;
}

/// Decodes the RDATA of one answer into `a`. Returns false if the record is not stored (type
/// we do not keep, or RDATA inconsistent with the type).
bool decodeAnswerData(std::span<const std::uint8_t> msg, std::size_t rdata_off,
                      std::span<const std::uint8_t> rdata, DnsAnswer& a) {
  if (a.type == dnstype::kA) {
    if (rdata.size() != 4)
      return false;
    a.addr = vw::IpAddr::v4(rdata);
    formatAddress(AF_INET, rdata, a.data);
    return true;
  }
  if (a.type == dnstype::kAaaa) {
    if (rdata.size() != 16)
      return false;
    a.addr = vw::IpAddr::v6(rdata);
    formatAddress(AF_INET6, rdata, a.data);
    return true;
  }
  std::size_t name_off = rdata_off;
  if (a.type == dnstype::kMx) {
    if (rdata.size() < 3)
      return false;
    name_off += 2; // preference
  } else if (!isNameType(a.type)) {
    return false;
  }
  std::size_t end = 0;
  // The name may point anywhere earlier in the message, but its in-place part must lie
  // inside RDATA.
  if (decodeName(msg, name_off, &a.data, end) != NameResult::Ok || end > rdata_off + rdata.size())
    return false;
  return true;
}

} // namespace

DnsParseStatus parseDnsMessage(std::span<const std::uint8_t> msg, DnsMessage& out) {
  out.clear();
  ByteReader r(msg);
  if (!r.canRead(12))
    return DnsParseStatus::Truncated;
  r.u16(out.id);
  r.u16(out.flags);
  r.u16(out.qdcount);
  r.u16(out.ancount);
  r.u16(out.nscount);
  r.u16(out.arcount);
  out.is_response = (out.flags & 0x8000) != 0;
  out.opcode = static_cast<std::uint8_t>((out.flags >> 11) & 0x0F);
  out.tc = (out.flags & 0x0200) != 0;
  out.rcode = static_cast<std::uint8_t>(out.flags & 0x0F);

  // Opcodes 0 QUERY, 1 IQUERY, 2 STATUS, 4 NOTIFY, 5 UPDATE, 6 DSO; 3 and 7-15 are unassigned.
  if (out.opcode == 3 || out.opcode > 6)
    return DnsParseStatus::NotDns;
  // The counts are not checked against each other or the size: a message whose counts are
  // too big simply runs out of bytes (Truncated), after the question was decoded (tshark shows
  // such questions too). Work stays bounded: every question or record consumes at least 5
  // bytes of the message or ends the parse.

  std::size_t pos = 12;
  for (std::uint16_t i = 0; i < out.qdcount; ++i) {
    std::size_t end = 0;
    const NameResult n = decodeName(msg, pos, i == 0 ? &out.qname : nullptr, end);
    if (n != NameResult::Ok)
      return fromName(n);
    ByteReader q(msg);
    q.seek(end);
    std::uint16_t qtype = 0, qclass = 0;
    if (!q.u16(qtype) || !q.u16(qclass))
      return DnsParseStatus::Truncated;
    if (i == 0) {
      out.qtype = qtype;
      out.qclass = qclass;
      out.has_question = true;
    }
    pos = q.offset();
  }

  for (std::uint16_t i = 0; i < out.ancount; ++i) {
    std::size_t end = 0;
    const NameResult n = decodeName(msg, pos, nullptr, end);
    if (n != NameResult::Ok)
      return fromName(n);
    ByteReader rr(msg);
    rr.seek(end);
    std::uint16_t type = 0, rclass = 0, rdlen = 0;
    std::uint32_t ttl = 0;
    std::span<const std::uint8_t> rdata;
    if (!rr.u16(type) || !rr.u16(rclass) || !rr.u32(ttl) || !rr.u16(rdlen))
      return DnsParseStatus::Truncated;
    const std::size_t rdata_off = rr.offset();
    if (!rr.bytes(rdlen, rdata))
      return DnsParseStatus::Truncated;
    pos = rr.offset();
    if (out.answer_count < kDnsMaxAnswers) {
      DnsAnswer& slot = out.answers[out.answer_count]; // may hold an older message's data
      slot.type = type;
      slot.rclass = rclass;
      slot.ttl = ttl;
      slot.data.clear();
      slot.addr = vw::IpAddr{};
      if (decodeAnswerData(msg, rdata_off, rdata, slot)) {
        ++out.answer_count;
        continue;
      }
    }
    ++out.answers_skipped;
  }
  return DnsParseStatus::Ok;
}

std::size_t dnsTcpFrame(std::span<const std::uint8_t> stream, std::span<const std::uint8_t>& msg) {
  msg = {};
  ByteReader r(stream);
  std::uint16_t len = 0;
  std::span<const std::uint8_t> body;
  if (!r.u16(len) || !r.bytes(len, body))
    return 0;
  msg = body;
  return r.offset();
}

const char* dnsTypeName(std::uint16_t type) {
  switch (type) {
  case 1:
    return "A";
  case 2:
    return "NS";
  case 5:
    return "CNAME";
  case 6:
    return "SOA";
  case 12:
    return "PTR";
  case 13:
    return "HINFO";
  case 15:
    return "MX";
  case 16:
    return "TXT";
  case 17:
    return "RP";
  case 18:
    return "AFSDB";
  case 24:
    return "SIG";
  case 25:
    return "KEY";
  case 28:
    return "AAAA";
  case 29:
    return "LOC";
  case 33:
    return "SRV";
  case 35:
    return "NAPTR";
  case 36:
    return "KX";
  case 37:
    return "CERT";
  case 39:
    return "DNAME";
  case 41:
    return "OPT";
  case 42:
    return "APL";
  case 43:
    return "DS";
  case 44:
    return "SSHFP";
  case 45:
    return "IPSECKEY";
  case 46:
    return "RRSIG";
  case 47:
    return "NSEC";
  case 48:
    return "DNSKEY";
  case 49:
    return "DHCID";
  case 50:
    return "NSEC3";
  case 51:
    return "NSEC3PARAM";
  case 52:
    return "TLSA";
  case 53:
    return "SMIMEA";
  case 55:
    return "HIP";
  case 59:
    return "CDS";
  case 60:
    return "CDNSKEY";
  case 61:
    return "OPENPGPKEY";
  case 62:
    return "CSYNC";
  case 63:
    return "ZONEMD";
  case 64:
    return "SVCB";
  case 65:
    return "HTTPS";
  case 99:
    return "SPF";
  case 108:
    return "EUI48";
  case 109:
    return "EUI64";
  case 249:
    return "TKEY";
  case 250:
    return "TSIG";
  case 251:
    return "IXFR";
  case 252:
    return "AXFR";
  case 255:
    return "ANY";
  case 256:
    return "URI";
  case 257:
    return "CAA";
  default:
    return "";
  }
}

const char* dnsRcodeName(std::uint16_t rcode) {
  switch (rcode) {
  case 0:
    return "NOERROR";
  case 1:
    return "FORMERR";
  case 2:
    return "SERVFAIL";
  case 3:
    return "NXDOMAIN";
  case 4:
    return "NOTIMP";
  case 5:
    return "REFUSED";
  case 6:
    return "YXDOMAIN";
  case 7:
    return "YXRRSET";
  case 8:
    return "NXRRSET";
  case 9:
    return "NOTAUTH";
  case 10:
    return "NOTZONE";
  case 11:
    return "DSOTYPENI";
  case 16:
    return "BADVERS";
  case 17:
    return "BADKEY";
  case 18:
    return "BADTIME";
  case 19:
    return "BADMODE";
  case 20:
    return "BADNAME";
  case 21:
    return "BADALG";
  case 22:
    return "BADTRUNC";
  case 23:
    return "BADCOOKIE";
  default:
    return "";
  }
}

const char* dnsParseStatusName(DnsParseStatus s) {
  switch (s) {
  case DnsParseStatus::Ok:
    return "ok";
  case DnsParseStatus::Truncated:
    return "truncated";
  case DnsParseStatus::Malformed:
    return "malformed";
  case DnsParseStatus::NotDns:
    return "not_dns";
  }
  return "";
}

} // namespace vw::classify
