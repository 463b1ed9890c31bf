// nDPI 4.2 behind the DpiEngine seam. The only file that includes nDPI headers.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include <vw/classify/ndpi_engine.h>

extern "C" {
#include <ndpi_api.h>
}

namespace vw::classify::ndpi {
namespace {

struct ModuleDeleter {
  void operator()(ndpi_detection_module_struct* m) const { ndpi_exit_detection_module(m); }
};
using ModulePtr = std::unique_ptr<ndpi_detection_module_struct, ModuleDeleter>;

/// Freed flow structs kept for the engine's next flows (one engine per worker, so no locking):
/// a flow that starts after another ended reuses its memory instead of a fresh zeroed
/// allocation. At most kFlowPoolCap structs are kept; the rest go back to the heap.
class FlowPool {
public:
  static constexpr std::size_t kFlowPoolCap = 64;

  explicit FlowPool(std::size_t size) : size_(size) { free_.reserve(kFlowPoolCap); }
  ~FlowPool() {
    for (void* p : free_)
      std::free(p);
  }
  FlowPool(const FlowPool&) = delete;
  FlowPool& operator=(const FlowPool&) = delete;

  ndpi_flow_struct* take() {
    if (free_.empty())
      return static_cast<ndpi_flow_struct*>(std::calloc(1, size_));
    void* p = free_.back();
    free_.pop_back();
    std::memset(p, 0, size_); // the state nDPI expects of a new flow, as calloc gave it
    return static_cast<ndpi_flow_struct*>(p);
  }
  void give(ndpi_flow_struct* f) {
    ndpi_free_flow_data(f); // the members nDPI allocated; the struct itself stays ours
    if (free_.size() < kFlowPoolCap)
      free_.push_back(f);
    else
      std::free(f);
  }

private:
  std::size_t size_;
  std::vector<void*> free_; ///< capacity reserved up front: give() never allocates
};

class NdpiFlow final : public DpiFlow {
public:
  explicit NdpiFlow(std::shared_ptr<FlowPool> pool)
      : pool_(std::move(pool)), flow_(pool_->take()) {}
  ~NdpiFlow() override {
    if (flow_ != nullptr)
      pool_->give(flow_);
  }
  NdpiFlow(const NdpiFlow&) = delete;
  NdpiFlow& operator=(const NdpiFlow&) = delete;
  ndpi_flow_struct* get() const { return flow_; }
  bool valid() const { return flow_ != nullptr; }

private:
  std::shared_ptr<FlowPool> pool_; ///< outlives the engine if a flow does
  ndpi_flow_struct* flow_;
};

bool isProto(const DpiVerdict& v, std::uint16_t id) {
  return v.master_proto == id || v.app_proto == id;
}

void splitSan(const char* list, std::vector<std::string>& out) {
  // nDPI keeps subjectAltName DNS names as one comma-separated string.
  std::string cur;
  for (const char* p = list; *p != '\0'; ++p) {
    if (*p == ',') {
      if (!cur.empty())
        out.push_back(cur);
      cur.clear();
    } else if (*p != ' ') {
      cur.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(*p))));
    }
  }
  if (!cur.empty())
    out.push_back(cur);
}

class NdpiEngine final : public DpiEngine {
public:
  explicit NdpiEngine(ModulePtr m) : mod_(std::move(m)) {
    flow_size_ = ndpi_detection_get_sizeof_ndpi_flow_struct();
    // Field access into ndpi_flow_struct is only safe if our header matches the library.
    layout_ok_ = flow_size_ == sizeof(ndpi_flow_struct);
    pool_ = std::make_shared<FlowPool>(flow_size_);
  }

  DpiFlowPtr newFlow() override {
    auto f = std::make_unique<NdpiFlow>(pool_);
    if (!f->valid())
      return nullptr;
    return f;
  }

  DpiStatus process(DpiFlow& flow, std::span<const std::uint8_t> l3, TimeUs ts,
                    DpiVerdict& verdict) override {
    auto& f = static_cast<NdpiFlow&>(flow);
    const auto len = static_cast<unsigned short>(std::min<std::size_t>(l3.size(), 65535));
    const auto ms = static_cast<std::uint64_t>(ts / 1000);
    ndpi_protocol p = ndpi_detection_process_packet(mod_.get(), f.get(), l3.data(), len, ms);
    verdict.master_proto = p.master_protocol;
    verdict.app_proto = p.app_protocol;
    verdict.category = static_cast<std::uint16_t>(p.category);
    const bool detected =
        p.app_protocol != NDPI_PROTOCOL_UNKNOWN || p.master_protocol != NDPI_PROTOCOL_UNKNOWN;
    if (detected && ndpi_extra_dissection_possible(mod_.get(), f.get()) == 0)
      return DpiStatus::Done;
    return DpiStatus::Continue;
  }

  DpiVerdict giveUp(DpiFlow& flow) override {
    auto& f = static_cast<NdpiFlow&>(flow);
    std::uint8_t guessed = 0;
    ndpi_protocol p = ndpi_detection_giveup(mod_.get(), f.get(), 1, &guessed);
    return DpiVerdict{p.master_protocol, p.app_protocol, static_cast<std::uint16_t>(p.category)};
  }

  bool labelFromDissector(DpiFlow& flow) const override {
    if (!layout_ok_)
      return false;
    return static_cast<NdpiFlow&>(flow).get()->confidence == NDPI_CONFIDENCE_DPI;
  }

  bool certificate(DpiFlow& flow, DpiCertificate& out) override {
    if (!layout_ok_)
      return false;
    auto* f = static_cast<NdpiFlow&>(flow).get();
    // `protos` is a union written by whichever dissector claimed the flow: only read the
    // TLS/QUIC member when the flow really is TLS, DTLS or QUIC.
    const auto tlsish = [](std::uint16_t p) {
      return p == NDPI_PROTOCOL_TLS || p == NDPI_PROTOCOL_DTLS || p == NDPI_PROTOCOL_QUIC;
    };
    if (!tlsish(f->detected_protocol_stack[0]) && !tlsish(f->detected_protocol_stack[1]))
      return false;
    const auto& t = f->protos.tls_quic;
    bool any = false;
    if (t.subjectDN != nullptr && t.subjectDN[0] != '\0') {
      out.subject = t.subjectDN;
      any = true;
    }
    if (t.issuerDN != nullptr && t.issuerDN[0] != '\0') {
      out.issuer = t.issuerDN;
      any = true;
    }
    if (t.server_names != nullptr && t.server_names[0] != '\0') {
      splitSan(t.server_names, out.san);
      any = true;
    }
    return any;
  }

  std::string protocolName(const DpiVerdict& v) const override {
    char buf[64];
    ndpi_protocol p{v.master_proto, v.app_proto, static_cast<ndpi_protocol_category_t>(v.category)};
    return ndpi_protocol2name(mod_.get(), p, buf, sizeof(buf));
  }

  std::string categoryName(const DpiVerdict& v) const override {
    const char* c =
        ndpi_category_get_name(mod_.get(), static_cast<ndpi_protocol_category_t>(v.category));
    return c != nullptr ? c : "";
  }

  bool isDns(const DpiVerdict& v) const override { return isProto(v, NDPI_PROTOCOL_DNS); }
  bool isTls(const DpiVerdict& v) const override { return isProto(v, NDPI_PROTOCOL_TLS); }
  bool isQuic(const DpiVerdict& v) const override { return isProto(v, NDPI_PROTOCOL_QUIC); }
  bool wantsMorePackets(const DpiVerdict& v) const override {
    // TLS over TCP whose application nDPI has already named (from the SNI or the server's
    // address): nothing nDPI reads later changes that label, and the server's certificate is
    // read by our own X.509 walk (classify/src/inspect_tls_server.cc), so nDPI's reassembly of
    // the server flight (its largest per-flow buffers) is skipped. Plain TLS: nDPI may still
    // name the application from the certificate (e.g. TLS.FortiClient). DTLS: the certificate
    // comes later. QUIC: a ClientHello spread over several Initials names the application
    // (the SNI) only at its last packet.
    if (v.master_proto == NDPI_PROTOCOL_TLS && v.app_proto != NDPI_PROTOCOL_UNKNOWN &&
        v.app_proto != NDPI_PROTOCOL_TLS)
      return false;
    return isProto(v, NDPI_PROTOCOL_TLS) || isProto(v, NDPI_PROTOCOL_DTLS) ||
           isProto(v, NDPI_PROTOCOL_QUIC);
  }
  bool isHttp(const DpiVerdict& v) const override {
    return isProto(v, NDPI_PROTOCOL_HTTP) || isProto(v, NDPI_PROTOCOL_HTTP_CONNECT) ||
           isProto(v, NDPI_PROTOCOL_HTTP_PROXY);
  }
  std::size_t flowStateBytes() const override { return flow_size_; }

private:
  ModulePtr mod_;
  std::size_t flow_size_ = 0;
  bool layout_ok_ = false;
  std::shared_ptr<FlowPool> pool_;
};

} // namespace

DpiEnginePtr makeNdpiEngine(std::string& error) {
  ModulePtr m(ndpi_init_detection_module(ndpi_no_prefs));
  if (!m) {
    error = "nDPI: ndpi_init_detection_module failed";
    return nullptr;
  }
  NDPI_PROTOCOL_BITMASK all;
  NDPI_BITMASK_SET_ALL(all);
  ndpi_set_protocol_detection_bitmask2(m.get(), &all);
  ndpi_finalize_initialization(m.get());
  return std::make_unique<NdpiEngine>(std::move(m));
}

} // namespace vw::classify::ndpi
