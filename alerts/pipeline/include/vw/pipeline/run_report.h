#pragma once
/// @file run_report.h
/// The one reporting path of `scan` and `live`: the `stats` event (one schema), the same
/// figures as text on stderr, the summary file (one writer, one failure policy), sink flushing
/// and the host table. The front ends only gather the numbers.

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <vw/alerts/event.h>
#include <vw/capture/live_source.h>
#include <vw/packet/decode.h>
#include <vw/pipeline/worker_pool.h>

namespace vw::pipeline {

/// What a front end read, before classification.
struct InputCounters {
  std::uint64_t packets = 0, bytes = 0;
  std::map<std::uint32_t, std::uint64_t> link_types; ///< LINKTYPE_* -> packets
  std::array<std::uint64_t, static_cast<std::size_t>(DecodeStatus::Count_)> decode{};
  TimeUs first_ts = 0, last_ts = 0;

  /// Packets whose decoding gave nothing to classify.
  std::uint64_t undecodable() const;
};

/// scan only: the inputs.
struct ScanInputs {
  std::uint64_t ok = 0, failed = 0, truncated = 0;
};

/// live only: the sensor's own figures.
struct LiveInfo {
  double uptime_s = 0;
  double pps = 0, bps = 0; ///< since the previous stats event
  capture::LiveStats capture;
  std::uint64_t reloads = 0, reload_failures = 0;
  std::uint64_t merge_forced = 0;
  std::vector<std::pair<std::string, std::uint64_t>> interfaces; ///< name, packets read
};

/// Everything a stats event or the final text says.
struct StatsView {
  InputCounters input;
  PoolSnapshot pool; ///< counters; the ledger is not used here
  std::vector<std::uint64_t> worker_packets;
  std::optional<ScanInputs> scan;
  std::optional<LiveInfo> live;
};

/// The `stats` event (docs/events.md): common keys for both front ends, plus `inputs` (scan)
/// or `uptime`, `pps`, `bps`, `capture`, `interfaces`, `signature_reloads`,
/// `signature_reload_failures` (live).
nlohmann::ordered_json statsJson(const StatsView& v, TimeUs timestamp);

/// The same as a few lines of text for stderr.
std::string statsText(const StatsView& v);

/// Checks before any work that `path` can be written (creates and removes PATH.tmp). False +
/// message otherwise (the front ends exit 2: a configuration error).
bool summaryWritable(const std::string& path, std::string& err);

/// Writes the summary document atomically: PATH.tmp, flushed and synced, then renamed over
/// PATH, so that readers never see a partial file. False + message on any failure (the
/// front ends exit 1 at the end of a run; a periodic live write only warns).
bool writeSummaryFile(const std::string& path, const nlohmann::ordered_json& doc, std::string& err);

/// The same for a document written in pieces: `produce` passes the text to the sink it is given
/// (which returns false once a write failed), and the file gets a final newline. Used with
/// alerts::writeSummaryJson so that a large summary is never held whole in memory.
using SummaryProducer = std::function<bool(const std::function<bool(std::string_view)>& sink)>;
bool writeSummaryFile(const std::string& path, const SummaryProducer& produce, std::string& err);

/// Flushes every sink, waiting at most `timeout_ms` each; returns one message per sink that
/// could not deliver everything.
std::vector<std::string> flushSinks(const std::vector<alerts::EventSinkPtr>& sinks, int timeout_ms);

/// One line per network/file sink with its delivery counters (stdout is left out).
std::vector<std::string> sinkReport(const std::vector<alerts::EventSinkPtr>& sinks);

/// Whether the per-host table goes to stderr: --table, or a terminal unless --no-table/-q.
bool wantHostTable(bool table, bool no_table, bool quiet);

} // namespace vw::pipeline
