#include "progress.h"

#include <cmath>
#include <filesystem>
#include <system_error>
#include <unistd.h>

#include <fmt/format.h>

namespace vw::cli {
namespace {

std::string bytesText(std::uint64_t n) {
  if (n < 1024)
    return fmt::format("{} B", n);
  const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(n) / 1024.0;
  int u = 0;
  while (v >= 1024.0 && u < 3) {
    v /= 1024.0;
    ++u;
  }
  return fmt::format("{:.1f} {}", v, units[u]);
}

std::string rateText(double r) {
  if (r >= 1e6)
    return fmt::format("{:.1f}M", r / 1e6);
  if (r >= 1e3)
    return fmt::format("{:.1f}k", r / 1e3);
  return fmt::format("{:.0f}", r);
}

} // namespace

std::uint64_t inputBytes(const std::vector<std::string>& paths) {
  std::uint64_t total = 0;
  for (const auto& p : paths) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(p, ec)) {
      const auto n = std::filesystem::file_size(p, ec);
      if (!ec)
        total += n;
    }
  }
  return total;
}

std::string formatProgress(const ProgressSnapshot& s) {
  std::string out;
  const bool total = s.bytes_total > 0;
  const std::uint64_t done = total && s.bytes_read > s.bytes_total ? s.bytes_total : s.bytes_read;
  if (total)
    out += fmt::format("{:5.1f}%  {} / {}",
                       100.0 * static_cast<double>(done) / static_cast<double>(s.bytes_total),
                       bytesText(done), bytesText(s.bytes_total));
  else
    out += bytesText(done);
  const bool timed = s.elapsed_s > 0.0;
  out += "  " + (timed ? rateText(static_cast<double>(s.packets) / s.elapsed_s) : "--") + " pkt/s";
  out += fmt::format("  flows {}  alerts {}", s.flows, s.alerts);
  if (total) {
    std::string eta = "--";
    if (timed && done > 0) {
      const double rate = static_cast<double>(done) / s.elapsed_s;
      const auto left = static_cast<std::uint64_t>(
          std::llround(static_cast<double>(s.bytes_total - done) / rate));
      eta = fmt::format("{}:{:02}:{:02}", left / 3600, left / 60 % 60, left % 60);
    }
    out += "  ETA " + eta;
  }
  return out;
}

ProgressReporter::ProgressReporter(std::uint64_t total_bytes, bool enabled, std::FILE* out)
    : total_(total_bytes), enabled_(enabled), out_(out) {
  if (enabled_) {
    start_ = Clock::now();
    last_ = start_;
  }
}

ProgressReporter::~ProgressReporter() {
  finish();
}

bool ProgressReporter::enabledFor(bool quiet) {
  return !quiet && isatty(STDERR_FILENO) != 0;
}

void ProgressReporter::tick(std::uint64_t bytes_read, std::uint64_t packets, std::uint64_t flows,
                            std::uint64_t alerts) {
  if (!enabled_)
    return;
  const auto now = Clock::now();
  if (now - last_ < std::chrono::milliseconds(250))
    return;
  last_ = now;
  ProgressSnapshot s;
  s.bytes_read = bytes_read;
  s.bytes_total = total_;
  s.packets = packets;
  s.flows = flows;
  s.alerts = alerts;
  s.elapsed_s = std::chrono::duration<double>(now - start_).count();
  // \x1b[K clears the rest of the line left over from a longer previous draw.
  std::fprintf(out_, "\rscanning %s\x1b[K", formatProgress(s).c_str());
  std::fflush(out_);
  drawn_ = true;
}

void ProgressReporter::finish() {
  if (!enabled_ || !drawn_)
    return;
  std::fputs("\r\x1b[K", out_);
  std::fflush(out_);
  drawn_ = false;
}

} // namespace vw::cli
