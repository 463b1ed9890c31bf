// `vendorwatch scan PATH...`: offline classification of pcap/pcapng files, directories or stdin.
#include <array>
#include <cstdio>
#include <fstream>
#include <map>
#include <unistd.h>

#include <fmt/format.h>

#include <vw/alerts/eve.h>
#include <vw/alerts/sinks.h>
#include <vw/alerts/summary.h>
#include <vw/capture/packet_source.h>
#include <vw/classify/classifier.h>
#include <vw/classify/ndpi_engine.h>
#include <vw/packet/decode.h>

#include "commands.h"
#include "common.h"

namespace vw::cli {
namespace {

struct ScanOptions {
  std::vector<std::string> inputs;
  std::string signatures;
  bool log_flows = false, log_dns = false, log_http = false, log_stats = false;
  std::string summary;
  bool table = false, no_table = false, quiet = false;
  std::string home_net;
  std::uint32_t max_flows = 262144;
  double idle_timeout = 120, active_timeout = 3600;
  bool ignore_vlan = false;
  std::uint32_t dpi_packets = 32;
  double dedup_window = 3600;
  std::vector<std::string> eve_files;
  std::vector<std::string> syslog_urls;
  std::string syslog_format = "5424";
  std::size_t syslog_queue = 10000;
  int flush_timeout_ms = 5000;
  std::string syslog_ca;
  bool force_stdout = false;
};

/// Per-run input and decode counters.
struct ReadStats {
  std::uint64_t packets = 0, bytes = 0, inputs_ok = 0, inputs_failed = 0, truncated_inputs = 0;
  std::map<std::uint32_t, std::uint64_t> link_types;
  std::array<std::uint64_t, static_cast<int>(DecodeStatus::Count_)> outcomes{};
  TimeUs first_ts = 0, last_ts = 0;
};

std::string statsText(const ReadStats& rs, const classify::ClassifierStats& cs,
                      const classify::FlowTableStats& ts, const alerts::EveRecordSink& eve) {
  std::string s;
  s += fmt::format("vendorwatch: read {} input(s) ({} failed, {} truncated): {} packets, {}\n",
                   rs.inputs_ok + rs.inputs_failed, rs.inputs_failed, rs.truncated_inputs,
                   rs.packets, alerts::humanBytes(rs.bytes));
  std::string lt;
  for (const auto& [t, n] : rs.link_types)
    lt += fmt::format(" {}={}", capture::linkTypeName(t), n);
  s += "  link types:" + lt + "\n";
  std::string dec;
  for (int i = 0; i < static_cast<int>(DecodeStatus::Count_); ++i)
    if (rs.outcomes[static_cast<std::size_t>(i)] != 0)
      dec += fmt::format(" {}={}", decodeStatusName(static_cast<DecodeStatus>(i)),
                         rs.outcomes[static_cast<std::size_t>(i)]);
  s += "  decode:" + dec + "\n";
  std::string ended;
  for (int i = 0; i < static_cast<int>(classify::EndReason::Count_); ++i)
    if (ts.ended[i] != 0)
      ended += fmt::format(" {}={}", classify::endReasonName(static_cast<classify::EndReason>(i)),
                           ts.ended[i]);
  s += fmt::format("  flows: {} (peak {} live); ended:{}\n", ts.created, ts.peak, ended);
  s += fmt::format("  dpi: {} packets inspected in {} flows; state freed early {}, budget "
                   "exhausted {}; unknown flows {}\n",
                   cs.dpi_packets, cs.dpi_flows, cs.dpi_freed_early, cs.dpi_budget_exhausted,
                   cs.unknown_flows);
  s += fmt::format("  facts: {} TLS ClientHellos, {} QUIC ClientHellos, {} DNS messages ({} "
                   "malformed), {} HTTP requests\n",
                   cs.tls_client_hellos, cs.quic_client_hellos, cs.dns_messages, cs.dns_malformed,
                   cs.http_requests);
  s += fmt::format("  vendors: {} attributed flows, {} alerts written, {} deduplicated, {} DNS "
                   "cache hits\n",
                   cs.attributed_flows, eve.written(alerts::EventKind::Vendor),
                   cs.alerts_deduplicated, cs.dns_cache_hits);
  return s;
}

nlohmann::ordered_json statsJson(const ReadStats& rs, const classify::ClassifierStats& cs,
                                 const classify::FlowTableStats& ts) {
  nlohmann::ordered_json j;
  j["timestamp"] = alerts::isoTime(rs.last_ts);
  j["event_type"] = "stats";
  nlohmann::ordered_json st;
  st["packets"] = rs.packets;
  st["bytes"] = rs.bytes;
  nlohmann::ordered_json lt;
  for (const auto& [t, n] : rs.link_types)
    lt[capture::linkTypeName(t)] = n;
  st["link_types"] = lt;
  nlohmann::ordered_json dec;
  for (int i = 0; i < static_cast<int>(DecodeStatus::Count_); ++i)
    if (rs.outcomes[static_cast<std::size_t>(i)] != 0)
      dec[std::string(decodeStatusName(static_cast<DecodeStatus>(i)))] =
          rs.outcomes[static_cast<std::size_t>(i)];
  st["decode"] = dec;
  nlohmann::ordered_json fl;
  fl["created"] = ts.created;
  fl["peak"] = ts.peak;
  for (int i = 0; i < static_cast<int>(classify::EndReason::Count_); ++i)
    fl[classify::endReasonName(static_cast<classify::EndReason>(i))] = ts.ended[i];
  st["flows"] = fl;
  st["dpi_packets"] = cs.dpi_packets;
  st["dpi_flows"] = cs.dpi_flows;
  st["dpi_freed_early"] = cs.dpi_freed_early;
  st["unknown_flows"] = cs.unknown_flows;
  st["vendor_alerts"] = cs.vendor_alerts;
  st["alerts_deduplicated"] = cs.alerts_deduplicated;
  j["stats"] = st;
  return j;
}

int runScan(const ScanOptions& o) {
  // Configuration first: any error here is a usage error (exit 2) before any input is read.
  classify::ClassifierConfig cfg;
  if (!o.home_net.empty()) {
    std::string err;
    if (!classify::HomeNet::parse(o.home_net, cfg.home_net, err)) {
      diag("--home-net: " + err);
      return kExitUsage;
    }
  }
  cfg.table.max_flows = o.max_flows;
  cfg.table.idle_timeout = static_cast<TimeUs>(o.idle_timeout * 1e6);
  cfg.table.active_timeout = static_cast<TimeUs>(o.active_timeout * 1e6);
  cfg.use_vlan = !o.ignore_vlan;
  cfg.dpi_packet_budget = o.dpi_packets;
  cfg.dedup_window = static_cast<TimeUs>(o.dedup_window * 1e6);
  cfg.log_dns = o.log_dns;
  cfg.log_http = o.log_http;

  const std::string sigdir = o.signatures.empty() ? defaultSignatureDir() : o.signatures;
  auto matcher = loadMatcher(sigdir);
  if (!matcher)
    return kExitUsage;

  std::vector<alerts::EventSinkPtr> sinks;
  for (const auto& path : o.eve_files) {
    std::string err;
    auto s = alerts::makeFileSink(path, err);
    if (!s) {
      diag("--eve: " + err);
      return kExitUsage;
    }
    sinks.push_back(std::move(s));
  }
  for (const auto& url : o.syslog_urls) {
    alerts::SyslogOptions so;
    std::string err;
    auto target = alerts::parseSyslogUrl(url, &err);
    if (!target) {
      diag("--syslog: " + err);
      return kExitUsage;
    }
    so.target = *target;
    auto fmt = alerts::parseSyslogFormat(o.syslog_format);
    if (!fmt) {
      diag("--syslog-format: expected 5424 or cef, got '" + o.syslog_format + "'");
      return kExitUsage;
    }
    so.format = *fmt;
    so.queue_size = o.syslog_queue;
    so.ca_file = o.syslog_ca;
    auto s = alerts::makeSyslogSink(so, err);
    if (!s) {
      diag("--syslog: " + err);
      return kExitUsage;
    }
    sinks.push_back(std::move(s));
  }
  if (sinks.empty() || o.force_stdout)
    sinks.push_back(alerts::makeStdoutSink());
  std::vector<alerts::EventSink*> outs;
  for (auto& s : sinks)
    outs.push_back(s.get());

  std::string err;
  auto engine = classify::ndpi::makeNdpiEngine(err);
  if (!engine) {
    diag(err);
    return kExitUsage;
  }
  alerts::EveRecordSink eve(alerts::EveOptions{o.log_flows}, matcher->sharedSet(), outs);
  classify::Classifier classifier(cfg, *engine, matcher, eve);

  std::vector<std::string> expand_errors;
  const auto files = capture::expandInputs(o.inputs, expand_errors);
  ReadStats rs;
  int rc = kExitOk;
  for (const auto& e : expand_errors) {
    diag(e);
    ++rs.inputs_failed;
    rc = kExitInputError;
  }
  DecodedPacket dp;
  for (const auto& path : files) {
    auto src = capture::openPcapFile(path, err);
    if (!src) {
      diag("cannot read " + err);
      ++rs.inputs_failed;
      rc = kExitInputError;
      continue;
    }
    ++rs.inputs_ok;
    PacketView pv;
    capture::SourceStatus st;
    while ((st = src->next(pv)) == capture::SourceStatus::Packet) {
      ++rs.packets;
      rs.bytes += pv.wire_len;
      ++rs.link_types[pv.link_type];
      if (rs.first_ts == 0)
        rs.first_ts = pv.ts;
      if (pv.ts > rs.last_ts)
        rs.last_ts = pv.ts;
      const DecodeStatus ds = decodePacket(pv, dp);
      ++rs.outcomes[static_cast<std::size_t>(ds)];
      if (decodeUsable(ds))
        classifier.onPacket(dp);
    }
    if (st == capture::SourceStatus::Truncated) {
      ++rs.truncated_inputs;
      diag("warning: " + src->error() + " (packets before the cut were used)");
    } else if (st == capture::SourceStatus::Error) {
      diag("error reading " + src->error());
      rc = kExitInputError;
    }
  }
  classifier.endAll(classify::EndReason::EndOfInput);

  if (o.log_stats) {
    alerts::OutEvent ev;
    ev.kind = alerts::EventKind::Stats;
    ev.ts_us = rs.last_ts;
    ev.json = alerts::dumpLine(statsJson(rs, classifier.stats(), classifier.table().stats()));
    eve.write(ev);
  }
  for (auto& s : sinks) {
    if (!s->flush(o.flush_timeout_ms)) {
      const auto st = s->stats();
      diag(fmt::format("{}: {} event(s) could not be delivered before the flush timeout",
                       s->name(), st.queued + st.failed));
    }
  }

  if (!o.summary.empty()) {
    alerts::SummaryMeta meta;
    meta.tool_version = VW_VERSION;
    meta.signature_version = matcher->set().info().version;
    meta.inputs = o.inputs;
    meta.first_packet_us = rs.first_ts;
    meta.last_packet_us = rs.last_ts;
    meta.packets = rs.packets;
    const auto doc = alerts::summaryJson(classifier.ledger(), matcher->set(), meta);
    const std::string tmp = o.summary + ".tmp";
    {
      std::ofstream out(tmp, std::ios::trunc);
      out << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
      if (!out) {
        diag("cannot write summary '" + o.summary + "'");
        return kExitUsage;
      }
    }
    std::rename(tmp.c_str(), o.summary.c_str());
  }
  const bool tty = isatty(STDERR_FILENO) != 0;
  if (o.table || (tty && !o.no_table && !o.quiet))
    std::fputs(alerts::hostTable(classifier.ledger(), matcher->set()).c_str(), stderr);
  if (!o.quiet)
    std::fputs(statsText(rs, classifier.stats(), classifier.table().stats(), eve).c_str(), stderr);
  for (auto& s : sinks) {
    const auto st = s->stats();
    if (s->name() != "stdout" && !o.quiet)
      diag(fmt::format("sink {}: sent {}, re-sent {}, dropped {}, failed {}, reconnects {}",
                       s->name(), st.sent, st.resent, st.dropped, st.failed, st.reconnects));
  }
  return rc;
}

} // namespace

void addScanCommand(CLI::App& app, std::function<int()>& run) {
  auto o = std::make_shared<ScanOptions>();
  CLI::App* c = app.add_subcommand("scan", "Classify pcap/pcapng files, directories or - (stdin)");
  c->add_option("inputs", o->inputs, "Capture files, directories (recursive) or - for stdin")
      ->required();
  c->add_option("--signatures", o->signatures, "Signature directory (default: bundled set)");
  c->add_flag("--log-flows", o->log_flows, "Write a 'flow' event per flow when it ends");
  c->add_flag("--log-dns", o->log_dns, "Write a 'dns' event per DNS transaction");
  c->add_flag("--log-http", o->log_http, "Write an 'http' event per HTTP request");
  c->add_flag("--log-stats", o->log_stats, "Write a 'stats' event at the end");
  c->add_option("--summary", o->summary, "Write the host ledger summary (JSON) to FILE");
  c->add_flag("--table", o->table, "Print the per-host table to stderr (default on a terminal)");
  c->add_flag("--no-table", o->no_table, "Never print the per-host table");
  c->add_flag("-q,--quiet", o->quiet, "No statistics or table on stderr");
  c->add_option("--home-net", o->home_net,
                "Internal networks, CIDR,CIDR,... (default RFC 1918, 100.64/10, fc00::/7, "
                "fe80::/10)");
  c->add_option("--max-flows", o->max_flows, "Flow table capacity; the oldest idle flow is "
                                             "evicted at the cap")
      ->check(CLI::Range(1u, 100'000'000u))
      ->capture_default_str();
  c->add_option("--idle-timeout", o->idle_timeout, "Seconds without packets before a flow ends")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  c->add_option("--active-timeout", o->active_timeout,
                "Seconds after which a long flow is split (0 = never)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  c->add_flag("--ignore-vlan", o->ignore_vlan, "Do not use VLAN ids in flow keys");
  c->add_option("--dpi-packets", o->dpi_packets, "Packets per flow given to nDPI at most")
      ->check(CLI::Range(1u, 1000u))
      ->capture_default_str();
  c->add_option("--dedup-window", o->dedup_window,
                "Seconds within which a host x vendor alert is written once (0 = off)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  c->add_option("--eve", o->eve_files, "Append events to FILE (JSON lines)");
  c->add_option("--syslog", o->syslog_urls, "Send events to udp://, tcp:// or tls://HOST:PORT");
  c->add_option("--syslog-format", o->syslog_format, "5424 or cef")->capture_default_str();
  c->add_option("--syslog-queue", o->syslog_queue, "Events queued per TCP/TLS syslog sink")
      ->check(CLI::Range(std::size_t{1}, std::size_t{10'000'000}))
      ->capture_default_str();
  c->add_option("--syslog-ca", o->syslog_ca, "CA file for tls:// syslog");
  c->add_option("--flush-timeout", o->flush_timeout_ms, "Milliseconds to wait for sinks at exit")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  c->add_flag("--stdout", o->force_stdout, "Also write events to stdout when --eve/--syslog "
                                           "are given");
  c->footer("Examples:\n"
            "  vendorwatch scan --table pcaps/demo.pcap\n"
            "  vendorwatch scan --log-flows --log-dns captures/ | jq 'select(.event_type==\"vendor\")'\n"
            "  tcpdump -i eth0 -w - | vendorwatch scan -\n"
            "  vendorwatch scan --summary ledger.json --syslog tcp://siem:514 --syslog-format cef "
            "day1.pcapng");
  c->callback([o, &run] { run = [o] { return runScan(*o); }; });
}

} // namespace vw::cli
