// The PACKET_FANOUT_CBPF steering program, run in a small classic-BPF interpreter that models
// what the kernel gives the program (skb->protocol through SKF_AD_PROTOCOL, loads relative to
// the network header through SKF_NET_OFF, an outer VLAN tag already moved to metadata), and
// checked against the offline shard rule (classify::shardAddress) on decoded frames.
#include <cstdint>
#include <linux/filter.h>
#include <optional>
#include <vector>

#include <catch2/catch.hpp>

#include <vw/capture/fanout.h>
#include <vw/classify/home_net.h>
#include <vw/classify/shard.h>
#include <vw/packet/decode.h>

#include "../packet/frame_builder.h"

using namespace vw;
using namespace vw::test;
using capture::BpfInsn;

namespace {

/// Runs `prog` the way the kernel runs a fanout program on a received packet. nullopt if the
/// program does something the kernel would reject or that the model does not cover.
std::optional<std::uint32_t> runBpf(const std::vector<BpfInsn>& prog, std::uint16_t protocol,
                                    const Bytes& net) {
  std::uint32_t a = 0, x = 0;
  std::uint32_t mem[BPF_MEMWORDS] = {};
  auto load = [&](std::int64_t off, int size, std::uint32_t& out) -> int {
    if (off == SKF_AD_OFF + SKF_AD_PROTOCOL) {
      out = protocol;
      return 1;
    }
    if (off < SKF_NET_OFF || off >= SKF_AD_OFF)
      return -1; // not modelled
    const std::int64_t o = off - SKF_NET_OFF;
    if (o < 0 || o + size > static_cast<std::int64_t>(net.size()))
      return 0; // out of the packet: the kernel ends the program with 0
    out = 0;
    for (int i = 0; i < size; ++i)
      out = (out << 8) | net[static_cast<std::size_t>(o + i)];
    return 1;
  };
  std::size_t pc = 0;
  for (int steps = 0; steps < 100000; ++steps) {
    if (pc >= prog.size())
      return std::nullopt;
    const BpfInsn& in = prog[pc++];
    const std::uint16_t cls = BPF_CLASS(in.code);
    const int size = BPF_SIZE(in.code) == BPF_W ? 4 : (BPF_SIZE(in.code) == BPF_H ? 2 : 1);
    switch (cls) {
    case BPF_LD: {
      const std::uint16_t mode = BPF_MODE(in.code);
      if (mode == BPF_IMM) {
        a = in.k;
      } else if (mode == BPF_MEM) {
        a = mem[in.k];
      } else if (mode == BPF_ABS || mode == BPF_IND) {
        const std::int64_t off =
            mode == BPF_ABS ? static_cast<std::int32_t>(in.k) : static_cast<std::int32_t>(x + in.k);
        const int r = load(off, size, a);
        if (r < 0)
          return std::nullopt;
        if (r == 0)
          return 0u;
      } else {
        return std::nullopt;
      }
      break;
    }
    case BPF_LDX:
      if (BPF_MODE(in.code) == BPF_IMM)
        x = in.k;
      else if (BPF_MODE(in.code) == BPF_MEM)
        x = mem[in.k];
      else
        return std::nullopt;
      break;
    case BPF_ST:
      mem[in.k] = a;
      break;
    case BPF_STX:
      mem[in.k] = x;
      break;
    case BPF_ALU: {
      const std::uint32_t v = BPF_SRC(in.code) == BPF_X ? x : in.k;
      switch (BPF_OP(in.code)) {
      case BPF_ADD:
        a += v;
        break;
      case BPF_SUB:
        a -= v;
        break;
      case BPF_MUL:
        a *= v;
        break;
      case BPF_AND:
        a &= v;
        break;
      case BPF_OR:
        a |= v;
        break;
      case BPF_XOR:
        a ^= v;
        break;
      case BPF_LSH:
        a = v < 32 ? a << v : 0;
        break;
      case BPF_RSH:
        a = v < 32 ? a >> v : 0;
        break;
      default:
        return std::nullopt;
      }
      break;
    }
    case BPF_JMP: {
      if (BPF_OP(in.code) == BPF_JA) {
        pc += in.k;
        break;
      }
      const std::uint32_t v = BPF_SRC(in.code) == BPF_X ? x : in.k;
      bool c = false;
      switch (BPF_OP(in.code)) {
      case BPF_JEQ:
        c = a == v;
        break;
      case BPF_JGT:
        c = a > v;
        break;
      case BPF_JGE:
        c = a >= v;
        break;
      case BPF_JSET:
        c = (a & v) != 0;
        break;
      default:
        return std::nullopt;
      }
      pc += c ? in.jt : in.jf;
      break;
    }
    case BPF_RET:
      return BPF_RVAL(in.code) == BPF_A ? a : in.k;
    case BPF_MISC:
      if (BPF_MISCOP(in.code) == BPF_TAX)
        x = a;
      else
        a = x;
      break;
    default:
      return std::nullopt;
    }
  }
  return std::nullopt;
}

/// A frame as captured (Ethernet, tags in the data) and as the kernel's fanout hook sees it:
/// the outer tag in metadata, skb->protocol the next type, the network header after it.
struct Frame {
  Bytes wire;
  std::uint16_t protocol = 0;
  Bytes net;
};

Frame frame(std::uint16_t type, const Bytes& l3, std::vector<std::uint16_t> tags = {}) {
  Frame f;
  if (tags.empty()) {
    f.wire = ethernet(type) + l3;
    f.protocol = type;
    f.net = l3;
    return f;
  }
  // tags: the TPIDs from the outside in; each tag names the next one, the last names `type`.
  f.wire = ethernet(tags[0]);
  for (std::size_t i = 0; i < tags.size(); ++i)
    f.wire = f.wire +
             vlanTag(static_cast<std::uint16_t>(100 + i), i + 1 < tags.size() ? tags[i + 1] : type);
  f.wire = f.wire + l3;
  f.protocol = tags.size() > 1 ? tags[1] : type;
  f.net.assign(f.wire.begin() + 18, f.wire.end()); // after the outer tag
  return f;
}

std::vector<capture::NetPrefix> prefixes(const classify::HomeNet& h) {
  std::vector<capture::NetPrefix> out;
  for (const auto& p : h.prefixes())
    out.push_back({p.net, p.len});
  return out;
}

/// The program's choice equals the shard rule's address on `f`.
void checkFrame(const std::vector<BpfInsn>& prog, const classify::HomeNet& home, const Frame& f,
                const char* what) {
  INFO(what);
  PacketView pv;
  pv.ts = 1;
  pv.link_type = linktype::kEthernet;
  pv.wire_len = static_cast<std::uint32_t>(f.wire.size());
  pv.data = f.wire;
  DecodedPacket dp;
  const DecodeStatus ds = decodePacket(pv, dp);
  REQUIRE(decodeUsable(ds));
  const auto got = runBpf(prog, f.protocol, f.net);
  REQUIRE(got.has_value());
  CHECK(*got == capture::hostFanoutHash(classify::shardAddress(dp, home)));
}

V4 v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  return {a, b, c, d};
}
V6 v6(std::uint16_t first, std::uint8_t last) {
  V6 r{};
  r[0] = static_cast<std::uint8_t>(first >> 8);
  r[1] = static_cast<std::uint8_t>(first & 0xff);
  r[15] = last;
  return r;
}

std::vector<BpfInsn> program(const classify::HomeNet& home) {
  std::vector<BpfInsn> prog;
  std::string err;
  REQUIRE(capture::buildHostFanoutProgram(prefixes(home), prog, err));
  REQUIRE(prog.size() <= capture::kMaxBpfInsns);
  return prog;
}

} // namespace

TEST_CASE("fanout: IPv4 and IPv6 over the home net follow the shard rule", "[fanout]") {
  const classify::HomeNet home = classify::HomeNet::defaults();
  const auto prog = program(home);
  const V4 in1 = v4(10, 1, 2, 3), in2 = v4(192, 168, 7, 9), out1 = v4(198, 51, 100, 7),
           out2 = v4(203, 0, 113, 99);
  struct Pair {
    V4 a, b;
  };
  for (const auto& [a, b] : {Pair{in1, out1}, Pair{out1, in1}, Pair{in1, in2}, Pair{out1, out2},
                             Pair{out2, out1}, Pair{in2, in1}}) {
    for (const auto& [sp, dp] : {std::pair<std::uint16_t, std::uint16_t>{40000, 443},
                                 {443, 40000},
                                 {53, 53},
                                 {1000, 1001}}) {
      checkFrame(prog, home, frame(0x0800, ipv4(6, a, b, 20) + tcp(sp, dp, 1, 0, 0x02)), "tcp4");
      checkFrame(prog, home, frame(0x0800, ipv4(17, a, b, 8) + udp(sp, dp, 0)), "udp4");
      // IPv4 options move the ports.
      checkFrame(prog, home,
                 frame(0x0800, ipv4(17, a, b, 8, Bytes{1, 1, 1, 1, 1, 1, 1, 0}) + udp(sp, dp, 0)),
                 "udp4 with options");
      // First fragment has ports; a later one does not (lower address decides).
      checkFrame(prog, home, frame(0x0800, ipv4(17, a, b, 8, {}, 0x2000) + udp(sp, dp, 0)),
                 "first fragment");
      checkFrame(prog, home, frame(0x0800, ipv4(17, a, b, 8, {}, 0x0010) + payload(8)),
                 "later fragment");
    }
    checkFrame(prog, home, frame(0x0800, ipv4(1, a, b, 8) + icmp(8, 0)), "icmp4");
  }
  const V6 i6 = v6(0xfd00, 1), j6 = v6(0xfe80, 2), o6 = v6(0x2001, 3), p6 = v6(0x2001, 4);
  struct Pair6 {
    V6 a, b;
  };
  for (const auto& [a, b] :
       {Pair6{i6, o6}, Pair6{o6, i6}, Pair6{i6, j6}, Pair6{o6, p6}, Pair6{p6, o6}}) {
    for (const auto& [sp, dp] :
         {std::pair<std::uint16_t, std::uint16_t>{40000, 443}, {443, 40000}, {53, 53}}) {
      checkFrame(prog, home, frame(0x86dd, ipv6(6, a, b, 20) + tcp(sp, dp, 1, 0, 0x02)), "tcp6");
      checkFrame(prog, home,
                 frame(0x86dd, ipv6(0, a, b, 24) + ipv6Ext(60) + ipv6Ext(17) + udp(sp, dp, 0)),
                 "udp6 behind hop-by-hop and destination options");
      checkFrame(prog, home,
                 frame(0x86dd, ipv6(43, a, b, 48) + ipv6Ext(51, 1) + ipv6Ah(17) + udp(sp, dp, 0)),
                 "udp6 behind routing and AH");
      checkFrame(prog, home,
                 frame(0x86dd, ipv6(44, a, b, 16) + ipv6Frag(17, 0, true) + udp(sp, dp, 0)),
                 "first IPv6 fragment");
      checkFrame(prog, home,
                 frame(0x86dd, ipv6(44, a, b, 16) + ipv6Frag(17, 100, false) + payload(8)),
                 "later IPv6 fragment");
    }
    checkFrame(prog, home, frame(0x86dd, ipv6(58, a, b, 8) + icmp(128, 0)), "icmp6");
  }
}

TEST_CASE("fanout: VLAN tags, QinQ and non-IP", "[fanout]") {
  const classify::HomeNet home = classify::HomeNet::defaults();
  const auto prog = program(home);
  const Bytes l4 = ipv4(6, v4(10, 0, 0, 5), v4(198, 51, 100, 7), 20) + tcp(40000, 443, 1, 0, 2);
  checkFrame(prog, home, frame(0x0800, l4, {0x8100}), "one tag");
  checkFrame(prog, home, frame(0x0800, l4, {0x88a8, 0x8100}), "QinQ");
  const Bytes l6 = ipv6(17, v6(0x2001, 9), v6(0xfd00, 7), 8) + udp(5353, 40000, 0);
  checkFrame(prog, home, frame(0x86dd, l6, {0x8100}), "one tag, IPv6");
  checkFrame(prog, home, frame(0x86dd, l6, {0x88a8, 0x8100}), "QinQ, IPv6");
  // ARP: worker 0.
  const Bytes arp = hex("0001 0800 06 04 0001 001122334455 0a000001 000000000000 0a000002");
  CHECK(runBpf(prog, 0x0806, arp) == std::optional<std::uint32_t>(0));
  // A packet cut inside the header: the kernel ends the program (0), never reads past the end.
  CHECK(runBpf(prog, 0x0800, Bytes(l4.begin(), l4.begin() + 14)) ==
        std::optional<std::uint32_t>(0));
}

TEST_CASE("fanout: any home net; a host keeps its worker in both directions", "[fanout]") {
  classify::HomeNet home;
  std::string err;
  REQUIRE(classify::HomeNet::parse("203.0.113.0/25,198.51.100.77/32,2001:db8:80::/41,::1/128", home,
                                   err));
  const auto prog = program(home);
  for (int i = 0; i < 256; i += 7) {
    const V4 host = v4(203, 0, 113, static_cast<std::uint8_t>(i));
    const V4 peer = v4(8, 8, static_cast<std::uint8_t>(i), 8);
    const Frame f1 = frame(0x0800, ipv4(6, host, peer, 20) + tcp(443, 50000, 1, 0, 0x12));
    const Frame f2 = frame(0x0800, ipv4(6, peer, host, 20) + tcp(50000, 443, 1, 0, 0x02));
    checkFrame(prog, home, f1, "odd prefix, out");
    checkFrame(prog, home, f2, "odd prefix, in");
    CHECK(runBpf(prog, f1.protocol, f1.net) == runBpf(prog, f2.protocol, f2.net));
  }
  V6 in6{0x20, 0x01, 0x0d, 0xb8, 0x00, 0x80};
  V6 out6{0x20, 0x01, 0x0d, 0xb8, 0x01, 0x00};
  for (int i = 0; i < 40; ++i) {
    in6[15] = static_cast<std::uint8_t>(i);
    out6[15] = static_cast<std::uint8_t>(i);
    checkFrame(prog, home, frame(0x86dd, ipv6(6, in6, out6, 20) + tcp(443, 40000, 1, 0, 0x12)),
               "IPv6 /41, internal side serves");
    checkFrame(prog, home, frame(0x86dd, ipv6(6, out6, in6, 20) + tcp(40000, 443, 1, 0, 0x02)),
               "IPv6 /41, external client");
  }
}

TEST_CASE("fanout: hosts spread over the workers; the program stays within the kernel limit",
          "[fanout]") {
  const classify::HomeNet home = classify::HomeNet::defaults();
  const auto prog = program(home);
  std::vector<int> count(3, 0);
  for (int i = 0; i < 3000; ++i) {
    const Frame f = frame(
        0x0800,
        ipv4(6, v4(10, 9, static_cast<std::uint8_t>(i / 250), static_cast<std::uint8_t>(i % 250)),
             v4(198, 51, 100, 9), 20) +
            tcp(40000, 443, 1, 0, 2));
    ++count[*runBpf(prog, f.protocol, f.net) % 3];
  }
  for (int c : count) {
    CHECK(c > 850);
    CHECK(c < 1150);
  }
  // Many prefixes: fine up to the kernel's 4096 instructions, then a clear error.
  std::vector<capture::NetPrefix> many;
  for (int i = 0; i < 100; ++i) {
    capture::NetPrefix p;
    p.net = IpAddr::v4(std::array<std::uint8_t, 4>{10, static_cast<std::uint8_t>(i), 0, 0});
    p.len = 16;
    many.push_back(p);
  }
  std::vector<BpfInsn> out;
  std::string err;
  CHECK(capture::buildHostFanoutProgram(many, out, err));
  for (int i = 0; i < 1000; ++i) {
    capture::NetPrefix p;
    p.net = IpAddr::v6(std::array<std::uint8_t, 16>{0x20, 0x01, static_cast<std::uint8_t>(i >> 8),
                                                    static_cast<std::uint8_t>(i)});
    p.len = 128;
    many.push_back(p);
  }
  CHECK_FALSE(capture::buildHostFanoutProgram(many, out, err));
  CHECK(err.find("more than the kernel's 4096") != std::string::npos);
}
