// The baseline for benchmarks: a bare libpcap read loop, touching every packet's bytes (so the
// data is really read) and nothing else.
//   pcap_read_bench FILE          read a capture file; prints packets and seconds
//   pcap_read_bench -i IFACE      capture until SIGINT/SIGTERM with the ring vendorwatch live
//                                 uses by default (TPACKET_V3 blocks, 128 MiB, 50 ms block
//                                 timeout); prints packets and the kernel's counters
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include <pcap/pcap.h>

namespace {

std::atomic<pcap_t*> g_live{nullptr};

extern "C" void onSignal(int) {
  if (pcap_t* p = g_live.load())
    pcap_breakloop(p);
}

struct Count {
  std::uint64_t packets = 0, bytes = 0, sum = 0;
};

extern "C" void onPacket(u_char* user, const pcap_pkthdr* h, const u_char* data) {
  auto* c = reinterpret_cast<Count*>(user);
  ++c->packets;
  c->bytes += h->caplen;
  c->sum += data[0] + (h->caplen > 20 ? data[20] : 0u);
}

int live(const char* iface) {
  char err[PCAP_ERRBUF_SIZE];
  pcap_t* p = pcap_create(iface, err);
  if (p == nullptr) {
    std::fprintf(stderr, "pcap_read_bench: %s\n", err);
    return 1;
  }
  pcap_set_snaplen(p, 65535);
  pcap_set_promisc(p, 1);
  pcap_set_timeout(p, 50);
  pcap_set_buffer_size(p, 128 << 20);
  if (pcap_activate(p) < 0) {
    std::fprintf(stderr, "pcap_read_bench: %s: %s\n", iface, pcap_geterr(p));
    pcap_close(p);
    return 1;
  }
  g_live.store(p);
  struct sigaction sa {};
  sa.sa_handler = onSignal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  std::fprintf(stderr, "pcap_read_bench: listening on %s\n", iface);
  Count c;
  const int rc = pcap_loop(p, -1, onPacket, reinterpret_cast<u_char*>(&c));
  if (rc == PCAP_ERROR)
    std::fprintf(stderr, "pcap_read_bench: %s\n", pcap_geterr(p));
  pcap_stat st{};
  pcap_stats(p, &st);
  g_live.store(nullptr);
  pcap_close(p);
  std::printf("packets %llu bytes %llu checksum %llu kernel received %u dropped %u if-dropped %u\n",
              static_cast<unsigned long long>(c.packets), static_cast<unsigned long long>(c.bytes),
              static_cast<unsigned long long>(c.sum), st.ps_recv, st.ps_drop, st.ps_ifdrop);
  return rc == PCAP_ERROR ? 1 : 0;
}

} // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "-i") == 0)
    return live(argv[2]);
  if (argc != 2) {
    std::fprintf(stderr, "usage: pcap_read_bench FILE | pcap_read_bench -i IFACE\n");
    return 2;
  }
  char err[PCAP_ERRBUF_SIZE];
  pcap_t* p = pcap_open_offline(argv[1], err);
  if (p == nullptr) {
    std::fprintf(stderr, "pcap_read_bench: %s\n", err);
    return 1;
  }
  const auto t0 = std::chrono::steady_clock::now();
  Count c;
  pcap_pkthdr* h = nullptr;
  const u_char* data = nullptr;
  while (pcap_next_ex(p, &h, &data) == 1)
    onPacket(reinterpret_cast<u_char*>(&c), h, data);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  pcap_close(p);
  std::printf("packets %llu bytes %llu seconds %.3f checksum %llu\n",
              static_cast<unsigned long long>(c.packets), static_cast<unsigned long long>(c.bytes),
              secs, static_cast<unsigned long long>(c.sum));
  return 0;
}
