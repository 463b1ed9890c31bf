#include "pipeline.h"

#include <vw/alerts/sinks.h>
#include <vw/classify/ndpi_engine.h>

#include "common.h"

namespace vw::cli {

void addPipelineOptions(CLI::App& c, PipelineOptions& o) {
  c.add_option("--signatures", o.signatures, "Signature directory (default: bundled set)");
  c.add_flag("--log-flows", o.log_flows, "Write a 'flow' event per flow when it ends");
  c.add_flag("--log-dns", o.log_dns, "Write a 'dns' event per DNS transaction");
  c.add_flag("--log-http", o.log_http, "Write an 'http' event per HTTP request");
  c.add_flag("--log-stats", o.log_stats, "Write a 'stats' event at the end");
  c.add_option("--summary", o.summary, "Write the host ledger summary (JSON) to FILE");
  c.add_flag("--table", o.table, "Print the per-host table to stderr (default on a terminal)");
  c.add_flag("--no-table", o.no_table, "Never print the per-host table");
  c.add_flag("-q,--quiet", o.quiet, "No statistics or table on stderr");
  c.add_option("--home-net", o.home_net,
               "Internal networks, CIDR,CIDR,... (default RFC 1918, 100.64/10, fc00::/7, "
               "fe80::/10)");
  c.add_option("--max-flows", o.max_flows,
               "Flow table capacity; the oldest idle flow is evicted at the cap")
      ->check(CLI::Range(1u, 100'000'000u))
      ->capture_default_str();
  c.add_option("--idle-timeout", o.idle_timeout, "Seconds without packets before a flow ends")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  c.add_option("--active-timeout", o.active_timeout,
               "Seconds after which a long flow is split (0 = never)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  c.add_flag("--ignore-vlan", o.ignore_vlan, "Do not use VLAN ids in flow keys");
  c.add_option("--dpi-packets", o.dpi_packets, "Packets per flow given to nDPI at most")
      ->check(CLI::Range(1u, 1000u))
      ->capture_default_str();
  c.add_option("--dpi-udp-unknown-packets", o.dpi_udp_unknown,
               "Packets given to nDPI at most for a UDP flow it has not named yet")
      ->check(CLI::Range(1u, 1000u))
      ->capture_default_str();
  c.add_option("--dpi-idle-timeout", o.dpi_idle_timeout,
               "Seconds without packets after which a flow's inspection ends and its DPI state "
               "is freed (0 = keep until the flow ends)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  c.add_option("--dedup-window", o.dedup_window,
               "Seconds within which a host x vendor alert is written once (0 = off)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  c.add_option("--eve", o.eve_files, "Append events to FILE (JSON lines); repeatable")
      ->allow_extra_args(false);
  c.add_option("--syslog", o.syslog_urls,
               "Send events to udp://, tcp:// or tls://HOST:PORT; repeatable")
      ->allow_extra_args(false);
  c.add_option("--syslog-format", o.syslog_format, "5424 or cef")->capture_default_str();
  c.add_option("--syslog-queue", o.syslog_queue, "Events queued per TCP/TLS syslog sink")
      ->check(CLI::Range(std::size_t{1}, std::size_t{10'000'000}))
      ->capture_default_str();
  c.add_option("--syslog-ca", o.syslog_ca, "TLS: PEM CA bundle of the collector (default: system)");
  c.add_option("--syslog-cert", o.syslog_cert, "TLS: client certificate (PEM)");
  c.add_option("--syslog-key", o.syslog_key, "TLS: client key (PEM; default: the cert file)");
  c.add_option("--syslog-tls-name", o.syslog_tls_name, "TLS: name to verify instead of the host");
  c.add_flag("--syslog-no-verify", o.syslog_no_verify, "TLS: do not verify the collector (tests)");
  c.add_option("--syslog-facility", o.syslog_facility, "Syslog facility name or 0..23")
      ->capture_default_str();
  c.add_option("--flush-timeout", o.flush_timeout_ms, "Milliseconds to wait for sinks at exit")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  c.add_option("--workers", o.workers,
               "Classification threads besides the reader; each owns a share of the hosts")
      ->check(CLI::Range(1u, 64u))
      ->capture_default_str();
  c.add_flag("--stdout", o.force_stdout,
             "Also write events to stdout when --eve/--syslog are given");
}

bool classifierConfig(const PipelineOptions& o, classify::ClassifierConfig& cfg, std::string& err) {
  if (!o.home_net.empty()) {
    if (!classify::HomeNet::parse(o.home_net, cfg.home_net, err)) {
      err = "--home-net: " + err;
      return false;
    }
  }
  cfg.table.max_flows = o.max_flows;
  cfg.table.idle_timeout = static_cast<TimeUs>(o.idle_timeout * 1e6);
  cfg.table.active_timeout = static_cast<TimeUs>(o.active_timeout * 1e6);
  cfg.use_vlan = !o.ignore_vlan;
  cfg.dpi_packet_budget = o.dpi_packets;
  cfg.dpi_udp_unknown_budget = o.dpi_udp_unknown;
  cfg.inspect_idle_timeout = static_cast<TimeUs>(o.dpi_idle_timeout * 1e6);
  cfg.dedup_window = static_cast<TimeUs>(o.dedup_window * 1e6);
  cfg.log_dns = o.log_dns;
  cfg.log_http = o.log_http;
  cfg.keep_facts = o.log_flows;
  return true;
}

bool buildPipeline(const PipelineOptions& o, Pipeline& p, bool with_classifier) {
  classify::ClassifierConfig& cfg = p.cfg;
  std::string err;
  if (!classifierConfig(o, cfg, err)) {
    diag(err);
    return false;
  }
  const std::string sigdir = o.signatures.empty() ? defaultSignatureDir() : o.signatures;
  p.matcher = loadMatcher(sigdir);
  if (!p.matcher)
    return false;

  for (const auto& path : o.eve_files) {
    auto s = alerts::makeFileSink(path, err);
    if (!s) {
      diag("--eve: " + err);
      return false;
    }
    p.sinks.push_back(std::move(s));
  }
  for (const auto& url : o.syslog_urls) {
    alerts::SyslogOptions so;
    auto target = alerts::parseSyslogUrl(url, &err);
    if (!target) {
      diag("--syslog: " + err);
      return false;
    }
    so.target = *target;
    auto fmt = alerts::parseSyslogFormat(o.syslog_format);
    if (!fmt) {
      diag("--syslog-format: expected 5424 or cef, got '" + o.syslog_format + "'");
      return false;
    }
    so.format = *fmt;
    so.queue_size = o.syslog_queue;
    so.ca_file = o.syslog_ca;
    so.cert_file = o.syslog_cert;
    so.key_file = o.syslog_key;
    so.tls_name = o.syslog_tls_name;
    so.verify_peer = !o.syslog_no_verify;
    const auto facility = alerts::parseSyslogFacility(o.syslog_facility);
    if (!facility) {
      diag("--syslog-facility: unknown facility '" + o.syslog_facility + "'");
      return false;
    }
    so.encode.facility = *facility;
    auto s = alerts::makeSyslogSink(so, err);
    if (!s) {
      diag("--syslog: " + err);
      return false;
    }
    p.sinks.push_back(std::move(s));
  }
  if (p.sinks.empty() || o.force_stdout)
    p.sinks.push_back(alerts::makeStdoutSink());
  std::vector<alerts::EventSink*>& outs = p.outs;
  for (auto& s : p.sinks)
    outs.push_back(s.get());
  p.eve = std::make_unique<alerts::EveRecordSink>(alerts::EveOptions{o.log_flows},
                                                  p.matcher->sharedSet(), outs);
  if (!with_classifier)
    return true;

  p.engine = classify::ndpi::makeNdpiEngine(err);
  if (!p.engine) {
    diag(err);
    return false;
  }
  p.classifier = std::make_unique<classify::Classifier>(cfg, *p.engine, p.matcher, *p.eve);
  return true;
}

} // namespace vw::cli
