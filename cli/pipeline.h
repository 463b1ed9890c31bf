#pragma once
// The classification pipeline shared by `scan` and `live`: options, their CLI flags, and the
// objects built from them (signatures, DPI engine, classifier, event sinks).

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <vw/alerts/eve.h>
#include <vw/alerts/event.h>
#include <vw/alerts/summary.h>
#include <vw/classify/classifier.h>
#include <vw/classify/dpi_engine.h>
#include <vw/pipeline/run_report.h>
#include <vw/pipeline/worker_pool.h>
#include <vw/signatures/matcher.h>

namespace vw::cli {

struct PipelineOptions {
  std::string signatures;
  bool log_flows = false, log_dns = false, log_http = false, log_stats = false;
  std::string summary;
  bool table = false, no_table = false, quiet = false;
  std::string home_net;
  std::uint32_t max_flows = 262144;
  /// Ledger host x vendor entries (--max-hosts) and alert de-duplication keys
  /// (--max-dedup-keys): totals for the process, split between the workers like --max-flows.
  std::uint32_t max_hosts = static_cast<std::uint32_t>(classify::LedgerCaps{}.hosts);
  std::uint32_t max_dedup_keys =
      static_cast<std::uint32_t>(classify::ClassifierConfig{}.dedup_max_keys);
  double idle_timeout = 120, active_timeout = 3600;
  bool ignore_vlan = false;
  std::uint32_t dpi_packets = 32;
  double dpi_idle_timeout = 5;
  std::uint32_t dpi_udp_unknown = 12;
  double dedup_window = 3600;
  bool alert_web = false; ///< web presence makes no vendor event by default (issue 12.1)
  double dns_pair_window = 5;
  std::uint32_t dns_min_ttl = 60;
  std::vector<std::string> own_domains; ///< --own-domains (repeatable, comma-separated)
  std::vector<std::string> eve_files;
  std::vector<std::string> syslog_urls;
  std::string syslog_format = "5424";
  std::size_t syslog_queue = 10000;
  int flush_timeout_ms = 5000;
  std::string syslog_ca;
  std::string syslog_cert, syslog_key, syslog_tls_name, syslog_facility = "local0";
  bool syslog_no_verify = false;
  bool force_stdout = false;
  std::uint32_t workers = 1;
};

/// Registers the shared flags on a command.
void addPipelineOptions(CLI::App& cmd, PipelineOptions& o);

/// Longest timeout, window or interval accepted (one year): keeps every conversion to
/// microseconds far from overflow.
inline constexpr double kMaxSeconds = 365.0 * 24 * 3600;

/// A validator for a number of seconds: finite, within [lo, hi], or 0 when `zero_means_off`.
CLI::Validator secondsRange(double lo, double hi, bool zero_means_off);

/// A validator for an integer within [lo, hi] (clear message, no float formatting).
CLI::Validator integerRange(long long lo, long long hi);

/// Everything one run needs. Members are declared in dependency order (destroyed in reverse).
/// The classifiers themselves belong to the pipeline's workers (one per worker).
struct Pipeline {
  std::shared_ptr<const signatures::Matcher> matcher;
  std::vector<alerts::EventSinkPtr> sinks;
  std::unique_ptr<alerts::EveRecordSink> eve; ///< the front end's own events (stats)
  classify::ClassifierConfig cfg;             ///< the classifier settings of the options
  std::vector<alerts::EventSink*> outs;       ///< the sinks, unowned
  pipeline::DpiEngineFactory engines;         ///< nDPI, one engine per worker
};

/// Validates the options and builds the pipeline. On any error prints it to stderr and returns
/// false (the caller exits with kExitUsage).
bool buildPipeline(const PipelineOptions& o, Pipeline& out);

/// The end of a run, the same for scan and live: the final stats event (with --log-stats, or
/// `stats_event`), sink flushing, the summary file, the host table and the figures on stderr.
/// Returns `rc`, or kExitInputError if it was kExitOk and the summary could not be written.
int finishRun(Pipeline& p, const PipelineOptions& o, const pipeline::StatsView& view,
              TimeUs stats_time, bool stats_event, const classify::Ledger& ledger,
              alerts::SummaryMeta meta, int rc);

/// Builds the classifier configuration from the options; false + message on a bad value.
bool classifierConfig(const PipelineOptions& o, classify::ClassifierConfig& cfg, std::string& err);

} // namespace vw::cli
