// The PACKET_FANOUT_CBPF host-steering program (see fanout.h). Generated, not hand-written:
// a tiny assembler with labels where every conditional branch is "skip one instruction or
// not" followed by an unconditional `ja` (32-bit offset), so no branch distance can overflow
// the 8-bit jt/jf fields whatever the number of home-net prefixes.
#include <array>
#include <cstring>
#include <linux/filter.h>

#include <vw/capture/fanout.h>

namespace vw::capture {
namespace {

constexpr std::uint32_t kNet = static_cast<std::uint32_t>(SKF_NET_OFF);
constexpr std::uint32_t kProto = static_cast<std::uint32_t>(SKF_AD_OFF + SKF_AD_PROTOCOL);

// Scratch memory slots.
constexpr std::uint32_t kSrc = 0, kDst = 1, kSrcIn = 2, kDstIn = 3, kSport = 4, kNextHdr = 5,
                        kOffset = 6;

class Asm {
public:
  using Label = int;
  Label label() {
    at_.push_back(-1);
    return static_cast<Label>(at_.size() - 1);
  }
  void bind(Label l) { at_[static_cast<std::size_t>(l)] = static_cast<long>(code_.size()); }
  void op(std::uint16_t code, std::uint32_t k = 0) { code_.push_back({code, 0, 0, k}); }
  /// goto `l` if (A <op> K), or (A <op> X) with `x`.
  void jumpIf(std::uint16_t jmp, std::uint32_t k, Label l, bool x = false) {
    code_.push_back({static_cast<std::uint16_t>(BPF_JMP | jmp | (x ? BPF_X : BPF_K)), 0, 1, k});
    ja(l);
  }
  /// goto `l` unless (A <op> K).
  void jumpIfNot(std::uint16_t jmp, std::uint32_t k, Label l) {
    code_.push_back({static_cast<std::uint16_t>(BPF_JMP | jmp | BPF_K), 1, 0, k});
    ja(l);
  }
  void ja(Label l) {
    fix_.push_back({code_.size(), l});
    code_.push_back({BPF_JMP | BPF_JA, 0, 0, 0});
  }
  std::vector<BpfInsn> finish() {
    for (const auto& [pos, l] : fix_) {
      const long target = at_[static_cast<std::size_t>(l)];
      code_[pos].k = static_cast<std::uint32_t>(target - static_cast<long>(pos) - 1);
    }
    return std::move(code_);
  }

  // Shorthands.
  void ldAbs(std::uint16_t size, std::uint32_t off) { op(BPF_LD | size | BPF_ABS, kNet + off); }
  void ldInd(std::uint16_t size, std::uint32_t off) { op(BPF_LD | size | BPF_IND, kNet + off); }
  void ldMem(std::uint32_t slot) { op(BPF_LD | BPF_MEM, slot); }
  void ldImm(std::uint32_t v) { op(BPF_LD | BPF_IMM, v); }
  void st(std::uint32_t slot) { op(BPF_ST, slot); }
  void alu(std::uint16_t o, std::uint32_t k) { op(BPF_ALU | o | BPF_K, k); }
  void aluX(std::uint16_t o) { op(BPF_ALU | o | BPF_X); }
  void tax() { op(BPF_MISC | BPF_TAX); }
  void txa() { op(BPF_MISC | BPF_TXA); }
  void ret(std::uint32_t k) { op(BPF_RET | BPF_K, k); }
  void retA() { op(BPF_RET | BPF_A); }

private:
  std::vector<BpfInsn> code_;
  std::vector<long> at_;
  std::vector<std::pair<std::size_t, Label>> fix_;
};

std::uint32_t word(const IpAddr& a, std::size_t i) {
  return (std::uint32_t{a.bytes[4 * i]} << 24) | (std::uint32_t{a.bytes[4 * i + 1]} << 16) |
         (std::uint32_t{a.bytes[4 * i + 2]} << 8) | std::uint32_t{a.bytes[4 * i + 3]};
}

std::uint32_t maskWord(unsigned len, std::size_t i) {
  const unsigned bits_before = static_cast<unsigned>(32 * i);
  if (len <= bits_before)
    return 0;
  const unsigned n = len - bits_before;
  return n >= 32 ? 0xffffffffu : ~(0xffffffffu >> n);
}

/// The integer mixing step shared by program and reference (32-bit, as cBPF's ALU).
std::uint32_t mix32(std::uint32_t a) {
  a *= 0x9e3779b1u;
  a ^= a >> 15;
  a *= 0x85ebca6bu;
  a ^= a >> 13;
  return a;
}

void emitMix(Asm& as) {
  as.alu(BPF_MUL, 0x9e3779b1u);
  as.tax();
  as.alu(BPF_RSH, 15);
  as.aluX(BPF_XOR);
  as.alu(BPF_MUL, 0x85ebca6bu);
  as.tax();
  as.alu(BPF_RSH, 13);
  as.aluX(BPF_XOR);
  as.retA();
}

/// M[flag] = 1 if the address whose words start at `addr` (IPv6) or sit in M[slot] (IPv4) is
/// inside one of `home` of the family, else 0.
void emitHomeTest(Asm& as, std::span<const NetPrefix> home, int family, std::uint32_t v4_slot,
                  std::uint32_t v6_off, std::uint32_t flag) {
  const auto in = as.label(), done = as.label();
  as.ldImm(0);
  as.st(flag);
  for (const auto& p : home) {
    if (p.net.family != family)
      continue;
    if (family == 4) {
      as.ldMem(v4_slot);
      as.alu(BPF_AND, maskWord(p.len, 0));
      as.jumpIf(BPF_JEQ, word(p.net, 0) & maskWord(p.len, 0), in);
      continue;
    }
    const auto next = as.label();
    for (std::size_t i = 0; i < 4; ++i) {
      const std::uint32_t m = maskWord(p.len, i);
      if (m == 0)
        break;
      as.ldAbs(BPF_W, v6_off + static_cast<std::uint32_t>(4 * i));
      as.alu(BPF_AND, m);
      as.jumpIfNot(BPF_JEQ, word(p.net, i) & m, next);
    }
    as.ja(in);
    as.bind(next);
  }
  as.ja(done);
  as.bind(in);
  as.ldImm(1);
  as.st(flag);
  as.bind(done);
}

/// Exactly one endpoint internal -> that one; else falls through to `both`.
void emitHomeDecision(Asm& as, Asm::Label key_src, Asm::Label key_dst, Asm::Label both) {
  as.ldMem(kDstIn);
  as.tax();
  as.ldMem(kSrcIn);
  as.jumpIf(BPF_JEQ, 0, both, /*x=*/true);
  as.jumpIf(BPF_JEQ, 0, key_dst); // src is not internal, so dst is
  as.ja(key_src);
}

/// With the source port in M[kSport] and the destination port in X: the higher port's
/// endpoint, or `lower` when they are equal.
void emitPortDecision(Asm& as, Asm::Label key_src, Asm::Label key_dst, Asm::Label lower) {
  as.ldMem(kSport);
  as.jumpIf(BPF_JEQ, 0, lower, true);
  as.jumpIf(BPF_JGT, 0, key_src, true);
  as.ja(key_dst);
}

void emitIpv4(Asm& as, std::span<const NetPrefix> home, std::uint32_t b, Asm::Label mix) {
  const auto key_src = as.label(), key_dst = as.label(), both = as.label(), ports = as.label(),
             lower = as.label();
  as.ldAbs(BPF_W, b + 12);
  as.st(kSrc);
  as.ldAbs(BPF_W, b + 16);
  as.st(kDst);
  emitHomeTest(as, home, 4, kSrc, 0, kSrcIn);
  emitHomeTest(as, home, 4, kDst, 0, kDstIn);
  emitHomeDecision(as, key_src, key_dst, both);

  as.bind(both);
  as.ldAbs(BPF_B, b + 9);
  as.jumpIf(BPF_JEQ, 6, ports);
  as.jumpIf(BPF_JEQ, 17, ports);
  as.ja(lower);
  as.bind(ports);
  as.ldAbs(BPF_H, b + 6);
  as.jumpIf(BPF_JSET, 0x1fff, lower); // a non-first fragment carries no ports
  as.ldAbs(BPF_B, b);
  as.alu(BPF_AND, 0x0f);
  as.alu(BPF_LSH, 2);
  as.tax();
  as.ldInd(BPF_H, b);
  as.st(kSport);
  as.ldInd(BPF_H, b + 2);
  as.tax();
  emitPortDecision(as, key_src, key_dst, lower);

  as.bind(lower);
  as.ldMem(kDst);
  as.tax();
  as.ldMem(kSrc);
  as.jumpIf(BPF_JGT, 0, key_dst, true);
  as.ja(key_src);

  as.bind(key_src);
  as.ldMem(kSrc);
  as.ja(mix);
  as.bind(key_dst);
  as.ldMem(kDst);
  as.ja(mix);
}

void emitIpv6(Asm& as, std::span<const NetPrefix> home, std::uint32_t b, Asm::Label mix) {
  const auto key_src = as.label(), key_dst = as.label(), both = as.label(), ports = as.label(),
             lower = as.label();
  const std::uint32_t src = b + 8, dst = b + 24;
  emitHomeTest(as, home, 6, 0, src, kSrcIn);
  emitHomeTest(as, home, 6, 0, dst, kDstIn);
  emitHomeDecision(as, key_src, key_dst, both);

  // Both or neither internal: walk the extension headers to the ports.
  as.bind(both);
  as.ldAbs(BPF_B, b + 6);
  as.st(kNextHdr);
  as.ldImm(b + 40);
  as.st(kOffset);
  constexpr int kMaxExt = 5;
  for (int i = 0; i < kMaxExt; ++i) {
    const auto ext8 = as.label(), ah = as.label(), frag = as.label(), next = as.label();
    as.ldMem(kNextHdr);
    as.jumpIf(BPF_JEQ, 6, ports);
    as.jumpIf(BPF_JEQ, 17, ports);
    as.jumpIf(BPF_JEQ, 0, ext8);  // hop-by-hop options
    as.jumpIf(BPF_JEQ, 43, ext8); // routing
    as.jumpIf(BPF_JEQ, 60, ext8); // destination options
    as.jumpIf(BPF_JEQ, 44, frag);
    as.jumpIf(BPF_JEQ, 51, ah);
    as.ja(lower);
    // Length in 8-octet units, not counting the first 8.
    as.bind(ext8);
    as.ldMem(kOffset);
    as.tax();
    as.ldInd(BPF_B, 0);
    as.st(kNextHdr);
    as.ldInd(BPF_B, 1);
    as.alu(BPF_ADD, 1);
    as.alu(BPF_LSH, 3);
    as.aluX(BPF_ADD);
    as.st(kOffset);
    as.ja(next);
    // AH: length in 4-octet units, minus 2.
    as.bind(ah);
    as.ldMem(kOffset);
    as.tax();
    as.ldInd(BPF_B, 0);
    as.st(kNextHdr);
    as.ldInd(BPF_B, 1);
    as.alu(BPF_ADD, 2);
    as.alu(BPF_LSH, 2);
    as.aluX(BPF_ADD);
    as.st(kOffset);
    as.ja(next);
    // Fragment: ports only in the fragment at offset 0.
    as.bind(frag);
    as.ldMem(kOffset);
    as.tax();
    as.ldInd(BPF_H, 2);
    as.jumpIf(BPF_JSET, 0xfff8, lower);
    as.ldInd(BPF_B, 0);
    as.st(kNextHdr);
    as.txa();
    as.alu(BPF_ADD, 8);
    as.st(kOffset);
    as.bind(next);
  }
  as.ja(lower); // more extension headers than we follow

  as.bind(ports);
  as.ldMem(kOffset);
  as.tax();
  as.ldInd(BPF_H, 0);
  as.st(kSport);
  as.ldInd(BPF_H, 2);
  as.tax();
  emitPortDecision(as, key_src, key_dst, lower);

  // The lower address: big-endian words compared in order.
  as.bind(lower);
  for (std::uint32_t i = 0; i < 4; ++i) {
    const auto next = as.label();
    as.ldAbs(BPF_W, dst + 4 * i);
    as.tax();
    as.ldAbs(BPF_W, src + 4 * i);
    as.jumpIf(BPF_JGT, 0, key_dst, true);
    as.jumpIf(BPF_JEQ, 0, next, true);
    as.ja(key_src);
    as.bind(next);
  }
  as.ja(key_src);

  // Hash input: the four words xor-folded.
  for (const auto& [l, off] : {std::pair{key_src, src}, std::pair{key_dst, dst}}) {
    as.bind(l);
    as.ldAbs(BPF_W, off);
    as.tax();
    for (std::uint32_t i = 1; i < 4; ++i) {
      as.ldAbs(BPF_W, off + 4 * i);
      as.aluX(BPF_XOR);
      if (i < 3)
        as.tax();
    }
    as.ja(mix);
  }
}

} // namespace

bool buildHostFanoutProgram(std::span<const NetPrefix> home, std::vector<BpfInsn>& out,
                            std::string& err) {
  static_assert(sizeof(BpfInsn) == sizeof(sock_filter));
  Asm as;
  const auto v4 = as.label(), v6 = as.label(), vlan = as.label(), v4_tag = as.label(),
             v6_tag = as.label(), mix = as.label();
  as.op(BPF_LD | BPF_H | BPF_ABS, kProto);
  as.jumpIf(BPF_JEQ, 0x0800, v4);
  as.jumpIf(BPF_JEQ, 0x86dd, v6);
  for (const std::uint32_t tpid : {0x8100u, 0x88a8u, 0x9100u, 0x9200u})
    as.jumpIf(BPF_JEQ, tpid, vlan);
  as.ret(0);
  // A second tag still in the packet (the kernel took the outer one): 4 bytes, then the type.
  as.bind(vlan);
  as.ldAbs(BPF_H, 2);
  as.jumpIf(BPF_JEQ, 0x0800, v4_tag);
  as.jumpIf(BPF_JEQ, 0x86dd, v6_tag);
  as.ret(0);
  as.bind(v4);
  emitIpv4(as, home, 0, mix);
  as.bind(v4_tag);
  emitIpv4(as, home, 4, mix);
  as.bind(v6);
  emitIpv6(as, home, 0, mix);
  as.bind(v6_tag);
  emitIpv6(as, home, 4, mix);
  as.bind(mix);
  emitMix(as);
  out = as.finish();
  if (out.size() > kMaxBpfInsns) {
    err = "the fanout program for " + std::to_string(home.size()) + " home-net prefixes has " +
          std::to_string(out.size()) + " instructions, more than the kernel's " +
          std::to_string(kMaxBpfInsns) + "; use fewer, wider --home-net prefixes";
    return false;
  }
  return true;
}

std::uint32_t hostFanoutHash(const IpAddr& host) {
  if (host.isV4())
    return mix32(word(host, 0));
  return mix32(word(host, 0) ^ word(host, 1) ^ word(host, 2) ^ word(host, 3));
}

} // namespace vw::capture
