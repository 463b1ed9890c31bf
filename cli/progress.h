#pragma once
// One-line progress display for long offline scans (stderr, terminal only). The steady clock is
// used only to throttle and to compute rates/ETA for display; it never affects classification.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace vw::cli {

/// Sum of the sizes of the regular files among `paths` (others, e.g. "-", count 0).
std::uint64_t inputBytes(const std::vector<std::string>& paths);

/// What the progress line shows.
struct ProgressSnapshot {
  std::uint64_t bytes_read = 0;  ///< bytes of the input files consumed so far
  std::uint64_t bytes_total = 0; ///< sum of the input file sizes (0 = unknown, e.g. stdin)
  std::uint64_t packets = 0, flows = 0, alerts = 0;
  double elapsed_s = 0; ///< wall time since the scan started
};

/// "  37.5%  1.2 GiB / 3.2 GiB  45.1k pkt/s  flows 1234  alerts 5  ETA 0:01:02". Without a total
/// the percentage and ETA are left out; before any time has passed the rate and ETA are "--".
std::string formatProgress(const ProgressSnapshot& s);

/// Draws the progress line with '\r' at most ~4 times per second and clears it at the end.
/// Inert when constructed disabled (see enabledFor()).
class ProgressReporter {
public:
  /// `out` is not owned and must outlive the reporter.
  ProgressReporter(std::uint64_t total_bytes, bool enabled, std::FILE* out = stderr);
  ~ProgressReporter();
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;

  /// True when stderr is a terminal and the user did not ask for --quiet.
  static bool enabledFor(bool quiet);

  /// Reports the counters; redraws only if 250 ms passed since the last draw. Cheap to call.
  void tick(std::uint64_t bytes_read, std::uint64_t packets, std::uint64_t flows,
            std::uint64_t alerts);
  /// Clears the line (idempotent).
  void finish();

private:
  using Clock = std::chrono::steady_clock;
  std::uint64_t total_;
  bool enabled_;
  std::FILE* out_;
  Clock::time_point start_, last_;
  bool drawn_ = false;
};

} // namespace vw::cli
