// Live libpcap capture (see live_source.h). Only capture/ includes <pcap.h>.
#include <string>

#include <pcap/pcap.h>

#include <vw/capture/live_source.h>

namespace vw::capture {

struct LiveSource::Impl {
  pcap_t* pcap = nullptr;
  std::uint32_t link_type = 0;
  LivePacketFn fn = nullptr;
  void* ctx = nullptr;
  // Last raw 32-bit kernel counters and their 64-bit accumulations.
  unsigned int last_recv = 0, last_drop = 0, last_ifdrop = 0;
  LiveStats acc;
  ~Impl() {
    if (pcap != nullptr)
      pcap_close(pcap);
  }

  static void onPacket(u_char* user, const pcap_pkthdr* h, const u_char* bytes) {
    auto* self = reinterpret_cast<Impl*>(user);
    PacketView pv;
    pv.ts = static_cast<TimeUs>(h->ts.tv_sec) * 1000000 + static_cast<TimeUs>(h->ts.tv_usec);
    pv.link_type = self->link_type;
    pv.wire_len = h->len;
    pv.data = std::span<const std::uint8_t>(bytes, h->caplen);
    self->fn(self->ctx, pv);
  }
};

namespace {
std::uint32_t dltToLinkType(int dlt) {
#ifdef DLT_RAW
  if (dlt == DLT_RAW)
    return linktype::kRaw;
#endif
  return static_cast<std::uint32_t>(dlt);
}
} // namespace

LiveSource::LiveSource(std::unique_ptr<Impl> impl, std::string name, std::uint32_t link_type)
    : impl_(std::move(impl)), name_(std::move(name)), link_type_(link_type) {}

LiveSource::~LiveSource() = default;

std::unique_ptr<LiveSource> LiveSource::open(const LiveOptions& opt, std::string& error) {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  auto impl = std::make_unique<Impl>();
  const std::string& ifc = opt.interface;
  impl->pcap = pcap_create(ifc.c_str(), errbuf);
  if (impl->pcap == nullptr) {
    error = ifc + ": " + errbuf;
    return nullptr;
  }
  pcap_t* p = impl->pcap;
  auto fail = [&](const std::string& what) {
    error = ifc + ": " + what;
    return nullptr;
  };
  if (pcap_set_snaplen(p, opt.snaplen) != 0)
    return fail("cannot set snaplen " + std::to_string(opt.snaplen));
  if (pcap_set_promisc(p, opt.promisc ? 1 : 0) != 0)
    return fail("cannot set promiscuous mode");
  if (opt.buffer_mb > 0 && pcap_set_buffer_size(p, opt.buffer_mb * 1024 * 1024) != 0)
    return fail("cannot set buffer size " + std::to_string(opt.buffer_mb) + " MiB");
  if (opt.immediate && pcap_set_immediate_mode(p, 1) != 0)
    return fail("cannot set immediate mode");
  pcap_set_timeout(p, 100);
  pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_MICRO);
  const int rc = pcap_activate(p);
  if (rc < 0) {
    // PCAP_ERROR_PERM_DENIED etc.: pcap_geterr holds the detail, pcap_statustostr the class.
    const std::string detail = pcap_geterr(p);
    std::string msg = pcap_statustostr(rc);
    if (!detail.empty() && detail != msg)
      msg += " (" + detail + ")";
    if (rc == PCAP_ERROR_PERM_DENIED)
      msg += "; run as root or grant CAP_NET_RAW,CAP_NET_ADMIN";
    return fail(msg);
  }
  if (!opt.bpf.empty()) {
    bpf_program prog{};
    if (pcap_compile(p, &prog, opt.bpf.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0)
      return fail("filter '" + opt.bpf + "': " + pcap_geterr(p));
    const int src = pcap_setfilter(p, &prog);
    pcap_freecode(&prog);
    if (src != 0)
      return fail("filter '" + opt.bpf + "': " + pcap_geterr(p));
  }
  if (pcap_setnonblock(p, 1, errbuf) != 0)
    return fail(std::string("cannot set non-blocking mode: ") + errbuf);
  if (pcap_get_selectable_fd(p) < 0)
    return fail("no selectable file descriptor");
  impl->link_type = dltToLinkType(pcap_datalink(p));
  const std::uint32_t lt = impl->link_type;
  return std::unique_ptr<LiveSource>(new LiveSource(std::move(impl), ifc, lt));
}

int LiveSource::selectableFd() const noexcept {
  return pcap_get_selectable_fd(impl_->pcap);
}

int LiveSource::dispatch(int max, LivePacketFn fn, void* ctx) {
  impl_->fn = fn;
  impl_->ctx = ctx;
  const int n = pcap_dispatch(impl_->pcap, max <= 0 ? -1 : max, &Impl::onPacket,
                              reinterpret_cast<u_char*>(impl_.get()));
  if (n == PCAP_ERROR_BREAK)
    return 0;
  if (n < 0) {
    error_ = name_ + ": " + pcap_geterr(impl_->pcap);
    return -1;
  }
  return n;
}

bool LiveSource::stats(LiveStats& out) {
  pcap_stat st{};
  if (pcap_stats(impl_->pcap, &st) != 0) {
    error_ = name_ + ": " + pcap_geterr(impl_->pcap);
    return false;
  }
  // Unsigned 32-bit subtraction handles a single wrap between calls.
  impl_->acc.received += static_cast<unsigned int>(st.ps_recv - impl_->last_recv);
  impl_->acc.dropped += static_cast<unsigned int>(st.ps_drop - impl_->last_drop);
  impl_->acc.if_dropped += static_cast<unsigned int>(st.ps_ifdrop - impl_->last_ifdrop);
  impl_->last_recv = st.ps_recv;
  impl_->last_drop = st.ps_drop;
  impl_->last_ifdrop = st.ps_ifdrop;
  out = impl_->acc;
  return true;
}

} // namespace vw::capture
