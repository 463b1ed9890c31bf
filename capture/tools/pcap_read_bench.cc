// The baseline for benchmarks: a bare libpcap read loop over a capture file, touching every
// packet's bytes (so the data is really read) and nothing else. Prints packets and seconds.
//   pcap_read_bench FILE
#include <chrono>
#include <cstdint>
#include <cstdio>

#include <pcap/pcap.h>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: pcap_read_bench FILE\n");
    return 2;
  }
  char err[PCAP_ERRBUF_SIZE];
  pcap_t* p = pcap_open_offline(argv[1], err);
  if (p == nullptr) {
    std::fprintf(stderr, "pcap_read_bench: %s\n", err);
    return 1;
  }
  const auto t0 = std::chrono::steady_clock::now();
  std::uint64_t packets = 0, bytes = 0, sum = 0;
  pcap_pkthdr* h = nullptr;
  const u_char* data = nullptr;
  while (pcap_next_ex(p, &h, &data) == 1) {
    ++packets;
    bytes += h->caplen;
    sum += data[0] + (h->caplen > 20 ? data[20] : 0u);
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  pcap_close(p);
  std::printf("packets %llu bytes %llu seconds %.3f checksum %llu\n",
              static_cast<unsigned long long>(packets), static_cast<unsigned long long>(bytes),
              secs, static_cast<unsigned long long>(sum));
  return 0;
}
