#pragma once
// A scriptable DpiEngine for unit tests: says "done" after a set number of packets and
// reports a fixed protocol.

#include <vw/classify/dpi_engine.h>

namespace vw::test {

class FakeDpiEngine final : public classify::DpiEngine {
public:
  std::uint32_t done_after = 2; ///< packets until Done (0 = never)
  std::uint16_t proto = 91;     ///< protocol id reported (91 = TLS in nDPI)
  int live_flows = 0;           ///< DpiFlow objects alive right now
  int created = 0;
  classify::DpiCertificate cert; ///< returned by certificate() when non-empty
  bool dissected = true;         ///< labelFromDissector(): the label came from dissection

  struct Flow final : classify::DpiFlow {
    explicit Flow(FakeDpiEngine& e) : eng(e) { ++eng.live_flows; }
    ~Flow() override { --eng.live_flows; }
    FakeDpiEngine& eng;
    std::uint32_t packets = 0;
  };

  classify::DpiFlowPtr newFlow() override {
    ++created;
    return std::make_unique<Flow>(*this);
  }
  classify::DpiStatus process(classify::DpiFlow& f, std::span<const std::uint8_t>, TimeUs,
                              classify::DpiVerdict& v) override {
    auto& fl = static_cast<Flow&>(f);
    ++fl.packets;
    v.master_proto = proto;
    v.app_proto = proto;
    return (done_after != 0 && fl.packets >= done_after) ? classify::DpiStatus::Done
                                                         : classify::DpiStatus::Continue;
  }
  classify::DpiVerdict giveUp(classify::DpiFlow&) override { return {proto, proto, 0}; }
  bool certificate(classify::DpiFlow&, classify::DpiCertificate& out) override {
    if (cert.subject.empty() && cert.issuer.empty() && cert.san.empty())
      return false;
    out = cert;
    return true;
  }
  bool labelFromDissector(classify::DpiFlow&) const override { return dissected; }
  std::string protocolName(const classify::DpiVerdict& v) const override {
    return v.app_proto == 0 ? "Unknown" : "P" + std::to_string(v.app_proto);
  }
  std::string categoryName(const classify::DpiVerdict&) const override { return "Test"; }
  bool isDns(const classify::DpiVerdict& v) const override { return v.app_proto == 5; }
  bool isTls(const classify::DpiVerdict& v) const override { return v.app_proto == 91; }
  bool isQuic(const classify::DpiVerdict& v) const override { return v.app_proto == 188; }
  bool wantsMorePackets(const classify::DpiVerdict& v) const override {
    return v.app_proto == 91 || v.app_proto == 30; // TLS, DTLS
  }
  bool isHttp(const classify::DpiVerdict& v) const override { return v.app_proto == 7; }
  std::size_t flowStateBytes() const override { return sizeof(Flow); }
};

} // namespace vw::test
