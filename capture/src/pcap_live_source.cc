// Live libpcap capture (see live_source.h). Only capture/ includes <pcap.h>.
#include <cerrno>
#include <cstring>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <string>
#include <sys/socket.h>

#include <pcap/pcap.h>

#include <vw/capture/live_source.h>

namespace vw::capture {

struct LiveSource::Impl {
  pcap_t* pcap = nullptr;
  std::uint32_t link_type = 0;
  // Last raw 32-bit kernel counters and their 64-bit accumulations.
  unsigned int last_recv = 0, last_drop = 0, last_ifdrop = 0;
  LiveStats acc, base;
  ~Impl() {
    if (pcap != nullptr)
      pcap_close(pcap);
  }
};

struct LiveSourceAccess {
  static void onPacket(u_char* user, const pcap_pkthdr* h, const u_char* bytes) {
    auto* self = reinterpret_cast<LiveSource*>(user);
    const TimeUs ts =
        static_cast<TimeUs>(h->ts.tv_sec) * 1000000 + static_cast<TimeUs>(h->ts.tv_usec);
    if (self->skip_before_ != 0) {
      if (ts < self->skip_before_)
        return;
      self->skip_before_ = 0;
    }
    PacketView pv;
    pv.ts = ts;
    pv.link_type = self->link_type_;
    pv.wire_len = h->len;
    pv.data = std::span<const std::uint8_t>(bytes, h->caplen);
    self->fn_(self->ctx_, pv);
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

LiveSource::LiveSource(std::unique_ptr<Impl> impl, std::string name, std::uint32_t link_type,
                       std::uint64_t ring_bytes)
    : impl_(std::move(impl)), name_(std::move(name)), link_type_(link_type),
      ring_bytes_(ring_bytes) {}

LiveSource::~LiveSource() = default;

std::unique_ptr<LiveSource> LiveSource::open(const LiveOptions& opt, std::string& error) {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  auto impl = std::make_unique<Impl>();
  const std::string& ifc = opt.interface;
  auto fail = [&](const std::string& what) {
    error = ifc + ": " + what;
    return nullptr;
  };
  if (opt.ring_bytes > kMaxRingBytesPerHandle)
    return fail("ring of " + std::to_string(opt.ring_bytes >> 20) + " MiB is more than " +
                std::to_string(kMaxRingBytesPerHandle >> 20) + " MiB per handle");
  impl->pcap = pcap_create(ifc.c_str(), errbuf);
  if (impl->pcap == nullptr) {
    error = ifc + ": " + errbuf;
    return nullptr;
  }
  pcap_t* p = impl->pcap;
  if (pcap_set_snaplen(p, opt.snaplen) != 0)
    return fail("cannot set snaplen " + std::to_string(opt.snaplen));
  if (pcap_set_promisc(p, opt.promisc ? 1 : 0) != 0)
    return fail("cannot set promiscuous mode");
  if (opt.ring_bytes > 0 && pcap_set_buffer_size(p, static_cast<int>(opt.ring_bytes)) != 0)
    return fail("cannot set buffer size " + std::to_string(opt.ring_bytes >> 20) + " MiB");
  if (opt.immediate && pcap_set_immediate_mode(p, 1) != 0)
    return fail("cannot set immediate mode");
  // Without immediate mode libpcap uses TPACKET_V3, whose block retire timeout this is.
  pcap_set_timeout(p, opt.block_timeout_ms > 0 ? opt.block_timeout_ms : 50);
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
  return std::unique_ptr<LiveSource>(new LiveSource(std::move(impl), ifc, lt, opt.ring_bytes));
}

int LiveSource::fd() const noexcept {
  return pcap_get_selectable_fd(impl_->pcap);
}

bool LiveSource::setFanout(std::uint32_t arg, const char* what) {
  const int fd = pcap_fileno(impl_->pcap);
  if (setsockopt(fd, SOL_PACKET, PACKET_FANOUT, &arg, sizeof arg) != 0) {
    error_ = name_ + ": cannot " + what + " fanout group: " + std::strerror(errno);
    return false;
  }
  return true;
}

bool LiveSource::createFanoutGroup(std::span<const BpfInsn> program, std::uint16_t& group) {
  // Group id 0 with UNIQUEID: the kernel picks an id no other socket of this network
  // namespace uses, so two sensors on one interface never share a group by accident.
  const std::uint32_t arg =
      static_cast<std::uint32_t>(PACKET_FANOUT_CBPF | PACKET_FANOUT_FLAG_UNIQUEID) << 16;
  if (!setFanout(arg, "create"))
    return false;
  const int fd = pcap_fileno(impl_->pcap);
  std::uint32_t got = 0;
  socklen_t len = sizeof got;
  if (getsockopt(fd, SOL_PACKET, PACKET_FANOUT, &got, &len) != 0) {
    error_ = name_ + ": cannot read the fanout group id: " + std::strerror(errno);
    return false;
  }
  group = static_cast<std::uint16_t>(got & 0xffff);
  sock_fprog fprog{};
  fprog.len = static_cast<unsigned short>(program.size());
  // The kernel copies the program; sock_fprog wants a non-const pointer.
  fprog.filter = reinterpret_cast<sock_filter*>(const_cast<BpfInsn*>(program.data()));
  if (setsockopt(fd, SOL_PACKET, PACKET_FANOUT_DATA, &fprog, sizeof fprog) != 0) {
    error_ = name_ + ": the kernel refused the fanout program: " + std::strerror(errno);
    return false;
  }
  return true;
}

bool LiveSource::joinFanoutGroup(std::uint16_t group) {
  return setFanout(group | (static_cast<std::uint32_t>(PACKET_FANOUT_CBPF) << 16), "join");
}

int LiveSource::dispatch(int max, LivePacketFn fn, void* ctx) {
  fn_ = fn;
  ctx_ = ctx;
  const int n = pcap_dispatch(impl_->pcap, max <= 0 ? -1 : max, &LiveSourceAccess::onPacket,
                              reinterpret_cast<u_char*>(this));
  if (n == PCAP_ERROR_BREAK)
    return 0;
  if (n < 0) {
    error_ = name_ + ": " + pcap_geterr(impl_->pcap);
    return -1;
  }
  return n;
}

void LiveSource::breakLoop() noexcept {
  pcap_breakloop(impl_->pcap);
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
  out.received = impl_->acc.received - impl_->base.received;
  out.dropped = impl_->acc.dropped - impl_->base.dropped;
  out.if_dropped = impl_->acc.if_dropped - impl_->base.if_dropped;
  return true;
}

bool LiveSource::resetStats() {
  LiveStats ignored;
  if (!stats(ignored))
    return false;
  impl_->base = impl_->acc;
  return true;
}

std::string LiveSource::ringVersion() const {
  int v = -1;
  socklen_t len = sizeof v;
  if (getsockopt(pcap_fileno(impl_->pcap), SOL_PACKET, PACKET_VERSION, &v, &len) != 0)
    return "?";
  switch (v) {
  case TPACKET_V1:
    return "TPACKET_V1";
  case TPACKET_V2:
    return "TPACKET_V2";
  case TPACKET_V3:
    return "TPACKET_V3";
  default:
    return "?";
  }
}

} // namespace vw::capture
