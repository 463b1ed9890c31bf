// libFuzzer target for the stateful classifier: a sequence of frames with timestamps goes
// through decodePacket, the flow table, the real nDPI engine, the parsers, attribution against
// the shipped signature set, the ledger, the EVE encoder, the syslog/CEF encoders and the host
// table, as `scan` does. Besides "no crash, no sanitizer report", it checks that every output
// line stays one line and that the host table carries no control byte (escaping, issue 13.3).
//
// Input format (integers big-endian, as ByteReader reads them):
//   u8  config flags: 1 log_dns, 2 log_http, 4 keep_facts (flow records), 8 clock jumps end
//       flows, 16 VLAN not in the flow key, 32 a 64-flow table (evictions), 64 a 1-minute
//       dedup window, 128 external clock (tick() before packets, as the worker pool does)
//   u8  link type: index into kLinkTypes (modulo its size)
//   then records until the input ends:
//     u8  op: 1 time goes back by `delta` instead of forward, 2 reload the signatures (same
//         set, new Matcher) before this frame, 4 expire() at this frame's time
//     u16 delta in milliseconds from the previous frame
//     u16 frame length N (cut to what is left of the input)
//     N bytes: the frame
//
// Seeds: tests/fuzz/corpus/classifier (made from pcaps/ by tests/fuzz/make_classifier_seeds.py).
// VW_FUZZ_STATS=1 prints packets, events and vendor alerts per input (the replay test uses it).
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <vw/alerts/encode.h>
#include <vw/alerts/eve.h>
#include <vw/alerts/summary.h>
#include <vw/classify/classifier.h>
#include <vw/classify/ndpi_engine.h>
#include <vw/packet/byte_reader.h>
#include <vw/packet/decode.h>
#include <vw/signatures/loader.h>
#include <vw/signatures/matcher.h>

namespace {

void require(bool ok) {
  if (!ok)
    std::abort();
}

constexpr std::array<std::uint32_t, 6> kLinkTypes = {vw::linktype::kEthernet,  vw::linktype::kRaw,
                                                     vw::linktype::kLinuxSll,  vw::linktype::kNull,
                                                     vw::linktype::kLinuxSll2, vw::linktype::kIpv6};

// Encodes every event as the syslog sinks would and checks that each stays one line.
class CheckingSink final : public vw::alerts::EventSink {
public:
  void write(const vw::alerts::OutEvent& ev) override {
    require(ev.json.find('\n') == std::string::npos);
    vw::alerts::EncodeOptions opt;
    for (auto f : {vw::alerts::SyslogFormat::Rfc5424, vw::alerts::SyslogFormat::Cef}) {
      const std::string m = vw::alerts::encodeSyslogMessage(ev, f, opt);
      require(m.find('\n') == std::string::npos && m.find('\r') == std::string::npos);
    }
    ++written_;
    if (ev.kind == vw::alerts::EventKind::Vendor)
      ++alerts_;
  }
  bool flush(int) override { return true; }
  vw::alerts::SinkStats stats() const override { return {}; }
  std::string name() const override { return "fuzz"; }

  std::uint64_t written_ = 0;
  std::uint64_t alerts_ = 0;
};

struct Shared {
  std::shared_ptr<const vw::signatures::Matcher> matcher;
  vw::classify::DpiEnginePtr engine;
};

const Shared& shared() {
  static const Shared s = [] {
    Shared x;
    auto res = vw::signatures::loadSignatureDir(VW_FUZZ_SIGNATURES);
    require(res.ok());
    x.matcher = std::make_shared<const vw::signatures::Matcher>(res.set);
    std::string err;
    x.engine = vw::classify::ndpi::makeNdpiEngine(err);
    require(x.engine != nullptr);
    return x;
  }();
  return s;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Shared& sh = shared();
  vw::ByteReader in(std::span<const std::uint8_t>(data, size));
  std::uint8_t flags = 0, link = 0;
  if (!in.u8(flags) || !in.u8(link))
    return 0;

  vw::classify::ClassifierConfig cfg;
  cfg.log_dns = (flags & 1) != 0;
  cfg.log_http = (flags & 2) != 0;
  cfg.keep_facts = (flags & 4) != 0;
  cfg.clock_jump_ends_flows = (flags & 8) != 0;
  cfg.use_vlan = (flags & 16) == 0;
  if ((flags & 32) != 0)
    cfg.table.max_flows = 64;
  if ((flags & 64) != 0)
    cfg.dedup_window = 60'000'000;
  cfg.external_clock = (flags & 128) != 0;
  cfg.dns_cache_entries = 1024;

  CheckingSink out;
  vw::alerts::EveRecordSink eve(vw::alerts::EveOptions{cfg.keep_facts}, sh.matcher->sharedSet(),
                                {&out});
  vw::classify::Classifier c(cfg, *sh.engine, sh.matcher, eve);

  vw::TimeUs ts = 1'700'000'000'000'000; // 2023-11-14, packet time only
  vw::TimeUs clock = ts;
  vw::DecodedPacket d;
  while (!in.empty()) {
    std::uint8_t op = 0;
    std::uint16_t delta_ms = 0, len = 0;
    if (!in.u8(op) || !in.u16(delta_ms) || !in.u16(len))
      break;
    std::span<const std::uint8_t> frame;
    in.bytes(std::min<std::size_t>(len, in.remaining()), frame);
    const vw::TimeUs delta = static_cast<vw::TimeUs>(delta_ms) * 1000;
    ts = (op & 1) != 0 ? ts - delta : ts + delta;
    if ((op & 2) != 0) {
      auto again = vw::signatures::loadSignatureDir(VW_FUZZ_SIGNATURES);
      require(again.ok());
      auto m = std::make_shared<const vw::signatures::Matcher>(again.set);
      eve.setSignatures(m->sharedSet());
      c.setMatcher(std::move(m));
    }
    if (cfg.external_clock && (ts >= clock + 1'000'000 || ts < clock)) {
      c.tick(ts);
      clock = ts;
    }
    if ((op & 4) != 0)
      c.expire(ts);
    vw::PacketView pv;
    pv.ts = ts;
    pv.link_type = kLinkTypes[link % kLinkTypes.size()];
    pv.data = frame;
    pv.wire_len = static_cast<std::uint32_t>(frame.size());
    const vw::DecodeStatus ds = vw::decodePacket(pv, d);
    if (vw::decodeUsable(ds))
      c.onPacket(d);
  }
  c.endAll(vw::classify::EndReason::EndOfInput);

  const std::string table = vw::alerts::hostTable(c.ledger(), sh.matcher->set());
  for (char ch : table) {
    const auto u = static_cast<unsigned char>(ch);
    require(ch == '\n' || (u >= 0x20 && u != 0x7F));
  }
  vw::alerts::SummaryMeta meta;
  const std::string summary = vw::alerts::summaryJson(c.ledger(), sh.matcher->set(), meta)
                                  .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  require(!summary.empty());
  // VW_FUZZ_STATS=1: one line per input, so a ctest can check that the seeds reach attribution.
  if (std::getenv("VW_FUZZ_STATS") != nullptr)
    std::fprintf(stderr, "classifier_fuzz: packets=%llu events=%llu alerts=%llu\n",
                 static_cast<unsigned long long>(c.stats().packets),
                 static_cast<unsigned long long>(out.written_),
                 static_cast<unsigned long long>(out.alerts_));
  return 0;
}
