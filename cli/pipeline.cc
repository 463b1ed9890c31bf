#include "pipeline.h"

#include <cmath>

#include <fmt/format.h>

#include <vw/alerts/sinks.h>
#include <vw/classify/ndpi_engine.h>

#include "common.h"

namespace vw::cli {

CLI::Validator secondsRange(double lo, double hi, bool zero_means_off) {
  const std::string desc = zero_means_off ? fmt::format("SECONDS: 0 (off) or {} to {}", lo, hi)
                                          : fmt::format("SECONDS: {} to {}", lo, hi);
  return CLI::Validator(
      [lo, hi, zero_means_off](std::string& in) -> std::string {
        double v = 0;
        if (!CLI::detail::lexical_cast(in, v) || !std::isfinite(v))
          return "'" + in + "' is not a number of seconds";
        if (zero_means_off && v == 0)
          return {};
        if (v < lo || v > hi)
          return fmt::format("{} s is out of range: {}{} to {} s", in,
                             zero_means_off ? "0 (off) or " : "", lo, hi);
        return {};
      },
      desc);
}

CLI::Validator integerRange(long long lo, long long hi) {
  return CLI::Validator(
      [lo, hi](std::string& in) -> std::string {
        long long v = 0;
        if (!CLI::detail::lexical_cast(in, v))
          return "'" + in + "' is not an integer";
        if (v < lo || v > hi)
          return fmt::format("{} is out of range: {} to {}", in, lo, hi);
        return {};
      },
      fmt::format("INT: {} to {}", lo, hi));
}

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
               "Flow table capacity of the process (each of N workers gets 1/N); the oldest "
               "idle flow is evicted at the cap")
      ->check(integerRange(1, 100'000'000))
      ->capture_default_str();
  c.add_option("--max-hosts", o.max_hosts,
               "Host x vendor entries the ledger (summary) keeps, for the process (each of N "
               "workers gets 1/N); the least recently seen is evicted and counted at the cap")
      ->check(integerRange(1, 100'000'000))
      ->capture_default_str();
  c.add_option("--max-dedup-keys", o.max_dedup_keys,
               "Host x vendor x role keys of the alert de-duplication, for the process (each of "
               "N workers gets 1/N); at the cap the oldest key is forgotten and counted")
      ->check(integerRange(1, 100'000'000))
      ->capture_default_str();
  c.add_option("--idle-timeout", o.idle_timeout, "Seconds without packets before a flow ends")
      ->check(secondsRange(0.001, kMaxSeconds, false))
      ->capture_default_str();
  c.add_option("--active-timeout", o.active_timeout,
               "Seconds after which a long flow is split (0 = never)")
      ->check(secondsRange(0.001, kMaxSeconds, true))
      ->capture_default_str();
  c.add_flag("--ignore-vlan", o.ignore_vlan, "Do not use VLAN ids in flow keys");
  c.add_option("--dpi-packets", o.dpi_packets, "Packets per flow given to nDPI at most")
      ->check(integerRange(1, 1000))
      ->capture_default_str();
  c.add_option("--dpi-udp-unknown-packets", o.dpi_udp_unknown,
               "Packets given to nDPI at most for a UDP flow it has not named yet")
      ->check(integerRange(1, 1000))
      ->capture_default_str();
  c.add_option("--dpi-idle-timeout", o.dpi_idle_timeout,
               "Seconds without packets after which a flow's inspection ends and its DPI state "
               "is freed (0 = keep until the flow ends)")
      ->check(secondsRange(0.001, kMaxSeconds, true))
      ->capture_default_str();
  c.add_option("--dedup-window", o.dedup_window,
               "Seconds within which a host x vendor alert is written once (0 = off)")
      ->check(secondsRange(0.001, kMaxSeconds, true))
      ->capture_default_str();
  c.add_flag("--alert-web,!--no-alert-web", o.alert_web,
             "Write a 'vendor' event (\"usage\": \"web\") for web presence: visits of a "
             "vendor's web sites or of sites behind its CDN; --no-alert-web: count them in the "
             "summary's 'web' section only")
      ->capture_default_str();
  c.add_option("--dns-pair-window", o.dns_pair_window,
               "Seconds after a DNS query within which its response counts; responses that "
               "answer no query of the host are ignored and counted")
      ->check(CLI::Range(0.001, 3600.0))
      ->capture_default_str();
  c.add_option("--dns-min-ttl", o.dns_min_ttl,
               "Seconds a DNS answer stays in the per-client cache at least, whatever its TTL")
      ->check(CLI::Range(0u, 86400u))
      ->capture_default_str();
  c.add_option("--own-domains", o.own_domains,
               "The organisation's domains (comma-separated and/or repeatable; subdomains "
               "included): a DNS answer that puts an own name into a vendor's edge network "
               "makes the site a product instance (host_role server)")
      ->allow_extra_args(false);
  c.add_option("--eve", o.eve_files, "Append events to FILE (JSON lines); repeatable")
      ->allow_extra_args(false);
  c.add_option("--syslog", o.syslog_urls,
               "Send events to udp://, tcp:// or tls://HOST:PORT; repeatable")
      ->allow_extra_args(false);
  c.add_option("--syslog-format", o.syslog_format, "5424 or cef")->capture_default_str();
  c.add_option("--syslog-queue", o.syslog_queue, "Events queued per TCP/TLS syslog sink")
      ->check(integerRange(1, 10'000'000))
      ->capture_default_str();
  c.add_option("--syslog-ca", o.syslog_ca, "TLS: PEM CA bundle of the collector (default: system)");
  c.add_option("--syslog-cert", o.syslog_cert, "TLS: client certificate (PEM)");
  c.add_option("--syslog-key", o.syslog_key, "TLS: client key (PEM; default: the cert file)");
  c.add_option("--syslog-tls-name", o.syslog_tls_name, "TLS: name to verify instead of the host");
  c.add_flag("--syslog-no-verify", o.syslog_no_verify, "TLS: do not verify the collector (tests)");
  c.add_option("--syslog-facility", o.syslog_facility, "Syslog facility name or 0..23")
      ->capture_default_str();
  c.add_option("--flush-timeout", o.flush_timeout_ms, "Milliseconds to wait for sinks at exit")
      ->check(integerRange(0, 600'000))
      ->capture_default_str();
  c.add_option("--workers", o.workers,
               "Classification workers, each owning a share of the hosts (scan: threads "
               "besides the reader; live: capture threads in a kernel fanout group)")
      ->check(integerRange(1, 64))
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
  if (!classify::OwnDomains::parse(o.own_domains, cfg.own_domains, err)) {
    err = "--own-domains: " + err;
    return false;
  }
  cfg.table.max_flows = o.max_flows;
  cfg.ledger_caps.hosts = o.max_hosts;
  cfg.dedup_max_keys = o.max_dedup_keys;
  cfg.table.idle_timeout = static_cast<TimeUs>(o.idle_timeout * 1e6);
  cfg.table.active_timeout = static_cast<TimeUs>(o.active_timeout * 1e6);
  cfg.use_vlan = !o.ignore_vlan;
  cfg.dpi_packet_budget = o.dpi_packets;
  cfg.dpi_udp_unknown_budget = o.dpi_udp_unknown;
  cfg.inspect_idle_timeout = static_cast<TimeUs>(o.dpi_idle_timeout * 1e6);
  cfg.dedup_window = static_cast<TimeUs>(o.dedup_window * 1e6);
  cfg.alert_web = o.alert_web;
  cfg.dns_pair_window = static_cast<TimeUs>(o.dns_pair_window * 1e6);
  cfg.dns_min_ttl = o.dns_min_ttl;
  cfg.log_dns = o.log_dns;
  cfg.log_http = o.log_http;
  cfg.keep_facts = o.log_flows;
  return true;
}

int finishRun(Pipeline& p, const PipelineOptions& o, const pipeline::StatsView& view,
              TimeUs stats_time, bool stats_event, const classify::Ledger& ledger,
              alerts::SummaryMeta meta, int rc) {
  if (o.log_stats || stats_event) {
    alerts::OutEvent ev;
    ev.kind = alerts::EventKind::Stats;
    ev.ts_us = stats_time;
    ev.json = alerts::dumpLine(pipeline::statsJson(view, stats_time));
    p.eve->write(ev);
  }
  for (const auto& m : pipeline::flushSinks(p.sinks, o.flush_timeout_ms))
    diag(m);
  if (!o.summary.empty()) {
    meta.tool_version = VW_VERSION;
    meta.signature_version = p.matcher->set().info().version;
    std::string err;
    const auto produce = [&](const std::function<bool(std::string_view)>& sink) {
      return alerts::writeSummaryJson(ledger, p.matcher->set(), meta, sink);
    };
    if (!pipeline::writeSummaryFile(o.summary, produce, err)) {
      diag(err);
      if (rc == kExitOk)
        rc = kExitInputError;
    }
  }
  if (pipeline::wantHostTable(o.table, o.no_table, o.quiet))
    std::fputs(alerts::hostTable(ledger, p.matcher->set()).c_str(), stderr);
  if (!o.quiet) {
    std::fputs(pipeline::statsText(view).c_str(), stderr);
    for (const auto& m : pipeline::sinkReport(p.sinks))
      diag(m);
  }
  return rc;
}

bool buildPipeline(const PipelineOptions& o, Pipeline& p) {
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
  p.engines = [](std::string& e) { return classify::ndpi::makeNdpiEngine(e); };
  return true;
}

} // namespace vw::cli
