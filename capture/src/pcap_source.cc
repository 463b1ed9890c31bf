// Offline packet sources over libpcap (pcap and pcapng files, stdin). <pcap.h> is included only
// here, in pcap_live_source.cc (live interfaces) and in the read benchmark tool.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <system_error>

#include <pcap/pcap.h>

#include <vw/capture/packet_source.h>

namespace vw::capture {
namespace {

struct PcapCloser {
  void operator()(pcap_t* p) const {
    if (p != nullptr)
      pcap_close(p);
  }
};
using PcapPtr = std::unique_ptr<pcap_t, PcapCloser>;

/// libpcap reports DLT_* values; they equal the LINKTYPE_* numbers stored in files except for
/// a few historical ones. Of those we only meet DLT_RAW (12, or 14 on OpenBSD), which files
/// store as LINKTYPE_RAW (101).
std::uint32_t dltToLinkType(int dlt) {
#ifdef DLT_RAW
  if (dlt == DLT_RAW)
    return linktype::kRaw;
#endif
  return static_cast<std::uint32_t>(dlt);
}

/// libpcap's wording for input that ends inside a record (pcap: "truncated dump file; tried
/// to read N captured bytes, only got M"; pcapng: "truncated pcapng dump file; ...").
bool isTruncationMessage(std::string_view msg) {
  return msg.find("truncated") != std::string_view::npos;
}

class PcapFileSource final : public PacketSource {
public:
  PcapFileSource(PcapPtr pcap, std::string name, std::uint64_t total)
      : pcap_(std::move(pcap)), name_(std::move(name)), total_(total),
        link_type_(dltToLinkType(pcap_datalink(pcap_.get()))) {}

  SourceStatus next(PacketView& out) override {
    if (done_)
      return final_;
    pcap_pkthdr* hdr = nullptr;
    const u_char* data = nullptr;
    const int rc = pcap_next_ex(pcap_.get(), &hdr, &data);
    if (rc == 1) {
      ++packets_;
      out.ts = static_cast<TimeUs>(hdr->ts.tv_sec) * 1000000 + static_cast<TimeUs>(hdr->ts.tv_usec);
      out.link_type = link_type_;
      out.wire_len = hdr->len;
      out.data = std::span<const std::uint8_t>(data, hdr->caplen);
      return SourceStatus::Packet;
    }
    done_ = true;
    if (rc == PCAP_ERROR_BREAK) {
      final_ = SourceStatus::Eof;
    } else {
      const std::string msg = pcap_geterr(pcap_.get());
      final_ = isTruncationMessage(msg) ? SourceStatus::Truncated : SourceStatus::Error;
      error_ = name_ + ": " + msg + " (after " + std::to_string(packets_) + " packets)";
    }
    return final_;
  }

  const std::string& error() const override { return error_; }
  const std::string& name() const override { return name_; }
  std::uint32_t linkType() const override { return link_type_; }

  std::uint64_t bytesRead() const override {
    if (done_ && final_ == SourceStatus::Eof && total_ != 0)
      return total_;
    FILE* f = pcap_file(pcap_.get());
    if (f == nullptr)
      return 0;
    const long pos = std::ftell(f); // -1 on pipes
    return pos > 0 ? static_cast<std::uint64_t>(pos) : 0;
  }
  std::uint64_t bytesTotal() const override { return total_; }

private:
  PcapPtr pcap_;
  std::string name_;
  std::string error_;
  std::uint64_t total_ = 0;
  std::uint64_t packets_ = 0;
  std::uint32_t link_type_ = 0;
  bool done_ = false;
  SourceStatus final_ = SourceStatus::Eof;
};

} // namespace

PacketSourcePtr openPcapFile(const std::string& path, std::string& error) {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  PcapPtr pcap;
  std::uint64_t total = 0;
  if (path == "-") {
    pcap.reset(
        pcap_fopen_offline_with_tstamp_precision(stdin, PCAP_TSTAMP_PRECISION_MICRO, errbuf));
  } else {
    pcap.reset(
        pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_MICRO, errbuf));
    struct stat st {};
    if (pcap && ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode))
      total = static_cast<std::uint64_t>(st.st_size);
  }
  if (!pcap) {
    // libpcap often names the file itself ("PATH: No such file or directory").
    const std::string_view msg(errbuf);
    error = msg.starts_with(path + ":") ? std::string(msg) : path + ": " + std::string(msg);
    return nullptr;
  }
  return std::make_unique<PcapFileSource>(std::move(pcap), path, total);
}

std::string linkTypeName(std::uint32_t link_type) {
  int dlt = static_cast<int>(link_type);
#ifdef DLT_RAW
  if (link_type == linktype::kRaw)
    dlt = DLT_RAW;
#endif
  if (const char* n = pcap_datalink_val_to_name(dlt); n != nullptr)
    return n;
  return "LINKTYPE_" + std::to_string(link_type);
}

} // namespace vw::capture
