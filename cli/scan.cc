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
#include "pipeline.h"
#include "progress.h"
#include "workers.h"

namespace vw::cli {
namespace {

struct ScanOptions {
  std::vector<std::string> inputs;
  PipelineOptions pipe;
};

/// Per-run input and decode counters.
struct ReadStats {
  std::uint64_t packets = 0, bytes = 0, inputs_ok = 0, inputs_failed = 0, truncated_inputs = 0;
  std::map<std::uint32_t, std::uint64_t> link_types;
  std::array<std::uint64_t, static_cast<int>(DecodeStatus::Count_)> outcomes{};
  TimeUs first_ts = 0, last_ts = 0;
};

std::string statsText(const ReadStats& rs, const PoolSnapshot& snap, const WorkerPool& pool) {
  const classify::ClassifierStats& cs = snap.stats;
  const classify::FlowTableStats& ts = snap.table;
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
  s += fmt::format("  flows: {} (peak {} live, {} bytes per flow slot); ended:{}\n", ts.created,
                   ts.peak, classify::FlowTable::bytesPerFlow(), ended);
  if (pool.size() > 1) {
    std::string per;
    for (const auto n : pool.routed())
      per += fmt::format(" {}", n);
    s += fmt::format("  workers: {}; packets per worker:{}\n", pool.size(), per);
  }
  s += fmt::format("  dpi: {} packets inspected in {} flows; state freed early {}, budget "
                   "exhausted {}, flow went quiet {}; unknown flows {}\n",
                   cs.dpi_packets, cs.dpi_flows, cs.dpi_freed_early, cs.dpi_budget_exhausted,
                   cs.inspect_idle_ended, cs.unknown_flows);
  s += fmt::format("  facts: {} TLS ClientHellos, {} QUIC ClientHellos, {} DNS messages ({} "
                   "malformed), {} HTTP requests\n",
                   cs.tls_client_hellos, cs.quic_client_hellos, cs.dns_messages, cs.dns_malformed,
                   cs.http_requests);
  s += fmt::format("  vendors: {} attributed flows, {} alerts written, {} deduplicated, {} DNS "
                   "cache hits\n",
                   cs.attributed_flows, snap.vendor_written, cs.alerts_deduplicated,
                   cs.dns_cache_hits);
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
  fl["bytes_per_slot"] = classify::FlowTable::bytesPerFlow();
  for (int i = 0; i < static_cast<int>(classify::EndReason::Count_); ++i)
    fl[classify::endReasonName(static_cast<classify::EndReason>(i))] = ts.ended[i];
  st["flows"] = fl;
  st["dpi_packets"] = cs.dpi_packets;
  st["dpi_flows"] = cs.dpi_flows;
  st["dpi_freed_early"] = cs.dpi_freed_early;
  st["dpi_budget_exhausted"] = cs.dpi_budget_exhausted;
  st["inspect_idle_ended"] = cs.inspect_idle_ended;
  st["unknown_flows"] = cs.unknown_flows;
  st["vendor_alerts"] = cs.vendor_alerts;
  st["alerts_deduplicated"] = cs.alerts_deduplicated;
  j["stats"] = st;
  return j;
}

int runScan(const ScanOptions& so) {
  const PipelineOptions& o = so.pipe;
  // Configuration first: any error here is a usage error (exit 2) before any input is read.
  Pipeline pipe;
  if (!buildPipeline(o, pipe, /*with_classifier=*/false))
    return kExitUsage;
  auto& matcher = pipe.matcher;
  auto& sinks = pipe.sinks;
  auto& eve = *pipe.eve;
  std::string err;
  WorkerPool pool(pipe.cfg, o.log_flows, matcher, pipe.outs, o.workers);
  if (!pool.start(err)) {
    diag(err);
    return kExitUsage;
  }

  std::vector<std::string> expand_errors;
  const auto files = capture::expandInputs(so.inputs, expand_errors);
  ReadStats rs;
  int rc = kExitOk;
  for (const auto& e : expand_errors) {
    diag(e);
    ++rs.inputs_failed;
    rc = kExitInputError;
  }
  DecodedPacket dp;
  ProgressReporter progress(inputBytes(files), ProgressReporter::enabledFor(o.quiet));
  std::uint64_t bytes_done = 0; // input bytes of the files already finished (progress only)
  for (const auto& path : files) {
    auto src = capture::openPcapFile(path, err);
    if (!src) {
      progress.finish(); // clear the progress line before a diagnostic
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
        pool.route(pv, dp);
      if ((rs.packets & 1023) == 0)
        progress.tick(bytes_done + src->bytesRead(), rs.packets, pool.flowsCreated(),
                      pool.vendorAlerts());
    }
    bytes_done += src->bytesRead();
    if (st != capture::SourceStatus::Eof)
      progress.finish(); // clear the progress line before the diagnostic below
    if (st == capture::SourceStatus::Truncated) {
      ++rs.truncated_inputs;
      diag("warning: " + src->error() + " (packets before the cut were used)");
    } else if (st == capture::SourceStatus::Error) {
      diag("error reading " + src->error());
      rc = kExitInputError;
    }
  }
  pool.finish(); // ends every flow and writes the remaining events
  progress.finish();
  const PoolSnapshot done = pool.snapshot(/*with_ledger=*/true);
  const classify::Ledger& ledger = done.ledger;

  if (o.log_stats) {
    alerts::OutEvent ev;
    ev.kind = alerts::EventKind::Stats;
    ev.ts_us = rs.last_ts;
    ev.json = alerts::dumpLine(statsJson(rs, done.stats, done.table));
    eve.write(ev);
  }
  for (auto& s : sinks) {
    if (!s->flush(o.flush_timeout_ms)) {
      const auto st = s->stats();
      diag(fmt::format("{}: {} event(s) could not be delivered before the flush timeout", s->name(),
                       st.queued + st.failed));
    }
  }

  if (!o.summary.empty()) {
    alerts::SummaryMeta meta;
    meta.tool_version = VW_VERSION;
    meta.signature_version = matcher->set().info().version;
    meta.inputs = so.inputs;
    meta.first_packet_us = rs.first_ts;
    meta.last_packet_us = rs.last_ts;
    meta.packets = rs.packets;
    const auto doc = alerts::summaryJson(ledger, matcher->set(), meta);
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
    std::fputs(alerts::hostTable(ledger, matcher->set()).c_str(), stderr);
  if (!o.quiet)
    std::fputs(statsText(rs, done, pool).c_str(), stderr);
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
  addPipelineOptions(*c, o->pipe);
  c->footer(
      "Examples:\n"
      "  vendorwatch scan --table pcaps/demo.pcap\n"
      "  vendorwatch scan --log-flows --log-dns captures/ | jq 'select(.event_type==\"vendor\")'\n"
      "  tcpdump -i eth0 -w - | vendorwatch scan -\n"
      "  vendorwatch scan --summary ledger.json --syslog tcp://siem:514 --syslog-format cef "
      "day1.pcapng");
  c->callback([o, &run] { run = [o] { return runScan(*o); }; });
}

} // namespace vw::cli
