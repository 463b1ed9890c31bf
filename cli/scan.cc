// `vendorwatch scan PATH...`: offline classification of pcap/pcapng files, directories or stdin.
#include <algorithm>

#include <vw/capture/packet_source.h>
#include <vw/packet/decode.h>
#include <vw/pipeline/run_report.h>
#include <vw/pipeline/worker_pool.h>

#include "commands.h"
#include "common.h"
#include "ledger_cmd.h"
#include "pipeline.h"
#include "progress.h"

namespace vw::cli {
namespace {

struct ScanOptions {
  std::vector<std::string> inputs;
  PipelineOptions pipe;
  LedgerOptions ledger;
};

int runScan(const ScanOptions& so) {
  const PipelineOptions& o = so.pipe;
  // Configuration first: any error here is a usage error (exit 2) before any input is read.
  Pipeline pipe;
  if (!buildPipeline(o, pipe))
    return kExitUsage;
  std::string err;
  if (!o.summary.empty() && !pipeline::summaryWritable(o.summary, err)) {
    diag(err);
    return kExitUsage;
  }
  // --ledger: the store opens before any input is read; the classifiers record the journal.
  pipe.cfg.ledger_journal = !so.ledger.path.empty();
  LedgerWriter store;
  if (const int lrc =
          store.open(so.ledger, store::RunInfo{"scan", VW_VERSION,
                                               pipe.matcher->set().info().version, so.inputs});
      lrc != kExitOk)
    return lrc;
  pipeline::WorkerPool pool(pipe.cfg, o.log_flows, pipe.matcher, pipe.outs, o.workers,
                            pipe.engines);
  if (!pool.start(err)) {
    diag(err);
    return kExitUsage;
  }

  std::vector<std::string> expand_errors;
  const auto files = capture::expandInputs(so.inputs, expand_errors);
  pipeline::InputCounters in;
  pipeline::ScanInputs inputs;
  int rc = kExitOk;
  for (const auto& e : expand_errors) {
    diag(e);
    ++inputs.failed;
    rc = kExitInputError;
  }
  DecodedPacket dp;
  ProgressReporter progress(inputBytes(files), ProgressReporter::enabledFor(o.quiet));
  std::uint64_t bytes_done = 0; // input bytes of the files already finished (progress only)
  for (const auto& path : files) {
    if (store.alreadyScanned(path))
      continue; // counted once: the store has this capture already
    auto src = capture::openPcapFile(path, err);
    if (!src) {
      progress.finish(); // clear the progress line before a diagnostic
      diag("cannot read " + err);
      ++inputs.failed;
      rc = kExitInputError;
      continue;
    }
    ++inputs.ok;
    PacketView pv;
    capture::SourceStatus st;
    TimeUs file_first = 0, file_last = 0;
    std::uint64_t file_packets = 0;
    while ((st = src->next(pv)) == capture::SourceStatus::Packet) {
      if (file_packets++ == 0)
        file_first = pv.ts;
      file_last = std::max(file_last, pv.ts);
      ++in.packets;
      in.bytes += pv.wire_len;
      ++in.link_types[pv.link_type];
      if (in.first_ts == 0)
        in.first_ts = pv.ts;
      if (pv.ts > in.last_ts)
        in.last_ts = pv.ts;
      const DecodeStatus ds = decodePacket(pv, dp);
      ++in.decode[static_cast<std::size_t>(ds)];
      if (decodeUsable(ds))
        pool.route(pv, dp);
      if ((in.packets & 1023) == 0)
        progress.tick(bytes_done + src->bytesRead(), in.packets, pool.flowsCreated(),
                      pool.vendorAlerts());
    }
    bytes_done += src->bytesRead();
    if (st != capture::SourceStatus::Eof)
      progress.finish(); // clear the progress line before the diagnostic below
    if (st == capture::SourceStatus::Truncated) {
      ++inputs.truncated;
      diag("warning: " + src->error() + " (packets before the cut were used)");
    } else if (st == capture::SourceStatus::Error) {
      diag("error reading " + src->error());
      rc = kExitInputError;
    }
    if (st == capture::SourceStatus::Eof || file_packets != 0)
      store.inputDone(path, file_first, file_last, file_packets);
  }
  pool.finish(); // ends every flow and writes the remaining events
  progress.finish();

  pipeline::StatsView view;
  view.input = std::move(in);
  view.pool = pool.takeSnapshot();
  view.worker_packets = pool.routed();
  view.scan = inputs;
  alerts::SummaryMeta meta;
  meta.inputs = so.inputs;
  meta.first_packet_us = view.input.first_ts;
  meta.last_packet_us = view.input.last_ts;
  meta.packets = view.input.packets;
  meta.tool_version = VW_VERSION;
  meta.signature_version = pipe.matcher->set().info().version;
  classify::Ledger ledger = std::move(view.pool.ledger);
  if (store.enabled() &&
      (!store.commitLedger(ledger, pipe.matcher->set(), meta) || !store.finish()) && rc == kExitOk)
    rc = kExitUsage; // the store could not take this scan (the message is above)
  return finishRun(pipe, o, view, view.input.last_ts, /*stats_event=*/false, ledger,
                   std::move(meta), rc);
}

} // namespace

void addScanCommand(CLI::App& app, std::function<int()>& run) {
  auto o = std::make_shared<ScanOptions>();
  CLI::App* c = app.add_subcommand("scan", "Classify pcap/pcapng files, directories or - (stdin)");
  c->add_option("inputs", o->inputs, "Capture files, directories (recursive) or - for stdin")
      ->required();
  addPipelineOptions(*c, o->pipe);
  addLedgerOptions(*c, o->ledger, /*live=*/false);
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
