// `vendorwatch live -i IFACE...`: the sensor front end. The capture workers (vw/pipeline/
// live_workers.h) read the interfaces and classify on their own threads; this thread runs one
// Boost.Asio io_context for everything else: signals (SIGINT/SIGTERM: clean shutdown; SIGHUP:
// signature reload + sink reopen), writing the workers' events to the sinks, the timers
// (sink sync every second, stats events, summary rewrites) and the metrics endpoint. Nothing
// here ever makes a capture worker wait: statistics and metrics read published counters.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>

#include <vw/alerts/eve.h>
#include <vw/alerts/summary.h>
#include <vw/capture/live_source.h>
#include <vw/pipeline/live_workers.h>
#include <vw/pipeline/run_report.h>

#include "commands.h"
#include "common.h"
#include "config_file.h"
#include "ledger_cmd.h"
#include "metrics.h"
#include "pipeline.h"
#include "privileges.h"

namespace vw::cli {
namespace {

namespace asio = boost::asio;

struct LiveCmdOptions {
  std::vector<std::string> interfaces;
  std::string bpf;
  int snaplen = 262144;
  std::uint32_t buffer_mb = static_cast<std::uint32_t>(capture::kDefaultRingBytes >> 20);
  bool promisc = true;
  bool immediate = false;
  int block_timeout_ms = 50;
  double summary_interval = 0;
  double stats_interval = 0;
  std::string user;
  std::string metrics;
  int metrics_timeout_ms = 5000;
  int metrics_connections = 8;
  std::string config;
  PipelineOptions pipe;
  LedgerOptions ledger;
};

TimeUs wallNowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::chrono::milliseconds secondsToMs(double s) {
  return std::chrono::milliseconds(static_cast<long long>(s * 1000));
}

class LiveFrontEnd {
public:
  LiveFrontEnd(const LiveCmdOptions& o, Pipeline& p) : o_(o), p_(p), signals_(io_) {}

  int run() {
    std::string err;
    // Signals first, so that a SIGINT/SIGHUP during start-up is handled, not fatal.
    signals_.add(SIGINT);
    signals_.add(SIGTERM);
    signals_.add(SIGHUP);
    waitSignal();
    // 1. Open every capture handle (needs root or CAP_NET_RAW/CAP_NET_ADMIN).
    pipeline::LiveConfig lc;
    lc.interfaces = o_.interfaces;
    lc.capture.bpf = o_.bpf;
    lc.capture.snaplen = o_.snaplen;
    lc.capture.ring_bytes = std::uint64_t{o_.buffer_mb} << 20;
    lc.capture.promisc = o_.promisc;
    lc.capture.immediate = o_.immediate;
    lc.capture.block_timeout_ms = o_.block_timeout_ms;
    lc.workers = o_.pipe.workers;
    for (const auto& pr : p_.cfg.home_net.prefixes())
      lc.home_net.push_back({pr.net, pr.len});
    lc.classifier = p_.cfg;
    lc.log_flows = o_.pipe.log_flows;
    lc.matcher = p_.matcher;
    lc.engines = p_.engines;
    workers_ = std::make_unique<pipeline::LiveWorkers>(std::move(lc));
    bool usage = false;
    if (!workers_->open(err, usage)) {
      diag("cannot capture on " + err);
      return usage ? kExitUsage : kExitInputError;
    }
    // 2. The only listening socket, and only when asked for.
    if (!o_.metrics.empty()) {
      MetricsServer::Limits lim;
      lim.timeout = std::chrono::milliseconds(o_.metrics_timeout_ms);
      lim.max_connections = static_cast<std::size_t>(o_.metrics_connections);
      metrics_ = std::make_unique<MetricsServer>(
          io_, [this] { return metricsText(); }, lim);
      if (!metrics_->listen(o_.metrics, err)) {
        diag(err);
        return kExitUsage;
      }
      diag("metrics on http://" + metrics_->boundAddress() + "/metrics");
    }
    // 3. Drop root now that everything privileged is open.
    if (!o_.user.empty()) {
      if (!dropPrivileges(o_.user, err)) {
        diag(err);
        return kExitUsage;
      }
      diag(fmt::format("running as {} (uid {}, gid {})", o_.user, getuid(), getgid()));
    }
    // The summary is written as the user we run as.
    if (!o_.pipe.summary.empty() && !pipeline::summaryWritable(o_.pipe.summary, err)) {
      diag(err);
      return kExitUsage;
    }
    // The ledger store too (--ledger), and before the first packet: it resumes the history.
    if (const int lrc =
            store_.open(o_.ledger, store::RunInfo{"live", VW_VERSION,
                                                  p_.matcher->set().info().version, meta().inputs});
        lrc != kExitOk)
      return lrc;
    if (!workers_->start([this] { asio::post(io_, [this] { onWorkers(); }); }, err)) {
      diag(err);
      return kExitUsage;
    }
    if (!o_.pipe.quiet)
      diag("capturing on " + workers_->describe() +
           (o_.bpf.empty() ? "" : " filter '" + o_.bpf + "'") +
           (workers_->size() > 1 ? fmt::format("; {} workers", workers_->size()) : ""));
    start_us_ = wallNowUs();
    last_stats_us_ = start_us_;
    sync_timer_ = std::make_unique<asio::steady_timer>(io_);
    scheduleSync();
    if (o_.stats_interval > 0) {
      stats_timer_ = std::make_unique<asio::steady_timer>(io_);
      scheduleStats();
    }
    if (o_.summary_interval > 0 && !o_.pipe.summary.empty()) {
      summary_timer_ = std::make_unique<asio::steady_timer>(io_);
      scheduleSummary();
    }
    if (store_.enabled()) {
      ledger_timer_ = std::make_unique<asio::steady_timer>(io_);
      scheduleLedger();
    }
    io_.run();
    return shutdown();
  }

private:
  /// A worker has events waiting, or failed.
  void onWorkers() {
    writeEvents();
    std::string err;
    if (!stopping_ && workers_->failed(err)) {
      diag(err);
      exit_code_ = kExitInputError;
      stop();
    }
  }

  void writeEvents() {
    for (const auto& ev : workers_->takeEvents())
      for (auto* s : p_.outs)
        s->write(ev);
  }

  void waitSignal() {
    signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
      if (ec)
        return;
      if (sig == SIGHUP) {
        reload();
        waitSignal();
        return;
      }
      if (!o_.pipe.quiet)
        diag(
            fmt::format("signal {} received, shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM"));
      stop();
    });
  }

  void stop() {
    stopping_ = true;
    boost::system::error_code ig;
    signals_.cancel(ig);
    for (auto* t :
         {sync_timer_.get(), stats_timer_.get(), summary_timer_.get(), ledger_timer_.get()})
      if (t != nullptr)
        t->cancel();
    if (metrics_)
      metrics_->close();
    io_.stop();
  }

  void scheduleSync() {
    sync_timer_->expires_after(std::chrono::seconds(1));
    sync_timer_->async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopping_)
        return;
      writeEvents();
      for (auto& s : p_.sinks)
        s->sync(); // files and stdout: fflush; network sinks deliver on their own thread
      scheduleSync();
    });
  }

  void scheduleStats() {
    stats_timer_->expires_after(secondsToMs(o_.stats_interval));
    stats_timer_->async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopping_)
        return;
      writeEvents();
      writeStats();
      scheduleStats();
    });
  }

  /// One ledger store commit: the journal rows the workers handed over and the verdicts.
  void commitLedger() {
    classify::Ledger ledger(p_.cfg.ledger_caps); // the process's totals
    if (!workers_->ledger(ledger)) {
      diag("warning: a capture worker did not hand over its ledger in time; ledger commit "
           "postponed");
      return;
    }
    store_.commitJournal(workers_->takeJournal(), ledger, p_.matcher->set(), meta());
  }

  void scheduleLedger() {
    ledger_timer_->expires_after(secondsToMs(o_.ledger.interval));
    ledger_timer_->async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopping_)
        return;
      commitLedger();
      scheduleLedger();
    });
  }

  void scheduleSummary() {
    summary_timer_->expires_after(secondsToMs(o_.summary_interval));
    summary_timer_->async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopping_)
        return;
      classify::Ledger ledger(p_.cfg.ledger_caps); // the process's totals
      std::string err;
      if (!workers_->ledger(ledger))
        diag("warning: a capture worker did not hand over its ledger in time; summary not "
             "rewritten");
      else if (!pipeline::writeSummaryFile(
                   o_.pipe.summary,
                   [&](const std::function<bool(std::string_view)>& sink) {
                     return alerts::writeSummaryJson(ledger, p_.matcher->set(), meta(), sink);
                   },
                   err))
        diag("warning: " + err);
      scheduleSummary();
    });
  }

  /// The figures as of the workers' last publication (never waits for them).
  pipeline::StatsView view(TimeUs now) {
    const pipeline::LiveCounters c = workers_->counters();
    pipeline::StatsView v;
    v.input.packets = c.packets;
    v.input.bytes = c.bytes;
    const auto& lts = workers_->linkTypes();
    for (std::size_t i = 0; i < lts.size() && i < c.interface_packets.size(); ++i)
      v.input.link_types[lts[i]] += c.interface_packets[i];
    v.input.decode = c.decode;
    v.input.first_ts = c.first_ts;
    v.input.last_ts = c.last_ts;
    v.pool.stats = c.stats;
    v.pool.table = c.table;
    v.pool.active_flows = c.active_flows;
    v.pool.vendor_written = c.vendor_written;
    v.worker_packets = workers_->workerPackets();
    pipeline::LiveInfo li;
    li.uptime_s = static_cast<double>(now - start_us_) / 1e6;
    const double dt = static_cast<double>(now - last_stats_us_) / 1e6;
    li.pps = dt > 0 ? static_cast<double>(c.packets - last_stats_packets_) / dt : 0.0;
    li.bps = dt > 0 ? static_cast<double>(c.bytes - last_stats_bytes_) * 8 / dt : 0.0;
    li.capture = c.capture;
    li.reloads = reloads_;
    li.reload_failures = reload_failures_;
    li.merge_forced = c.merge_forced;
    for (std::size_t i = 0; i < o_.interfaces.size() && i < c.interface_packets.size(); ++i)
      li.interfaces.emplace_back(o_.interfaces[i], c.interface_packets[i]);
    v.live = std::move(li);
    return v;
  }

  void writeStats() {
    const TimeUs now = wallNowUs();
    const pipeline::StatsView v = view(now);
    alerts::OutEvent ev;
    ev.kind = alerts::EventKind::Stats;
    ev.ts_us = now;
    ev.json = alerts::dumpLine(pipeline::statsJson(v, now));
    p_.eve->write(ev);
    last_stats_us_ = now;
    last_stats_packets_ = v.input.packets;
    last_stats_bytes_ = v.input.bytes;
  }

  alerts::SummaryMeta meta() {
    const pipeline::LiveCounters c = workers_->counters();
    alerts::SummaryMeta m;
    m.tool_version = VW_VERSION;
    m.signature_version = p_.matcher->set().info().version;
    for (const auto& i : o_.interfaces)
      m.inputs.push_back("live:" + i);
    m.first_packet_us = c.first_ts;
    m.last_packet_us = c.last_ts;
    m.packets = c.packets;
    return m;
  }

  void reload() {
    const std::string dir = o_.pipe.signatures.empty() ? defaultSignatureDir() : o_.pipe.signatures;
    diag("SIGHUP: reloading signatures from '" + dir + "'");
    auto m = loadMatcher(dir); // prints file:line errors itself
    if (!m) {
      ++reload_failures_;
      diag("SIGHUP: reload failed, keeping signature set version " +
           p_.matcher->set().info().version);
    } else {
      ++reloads_;
      workers_->setMatcher(m);
      p_.eve->setSignatures(m->sharedSet());
      p_.matcher = std::move(m);
      diag("SIGHUP: signature set version " + p_.matcher->set().info().version + " loaded");
    }
    for (auto& s : p_.sinks)
      s->reopen();
  }

  std::string metricsText() {
    const pipeline::StatsView v = view(wallNowUs());
    const auto& cs = v.pool.stats;
    std::string s;
    auto metric = [&s](const char* name, const char* type, const char* help, double val) {
      s += fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", name, help, name, type, name, val);
    };
    metric("vendorwatch_packets_total", "counter", "Packets read from the capture handles.",
           static_cast<double>(v.input.packets));
    metric("vendorwatch_bytes_total", "counter", "Bytes on the wire of the packets read.",
           static_cast<double>(v.input.bytes));
    metric("vendorwatch_undecodable_total", "counter", "Packets that gave nothing to classify.",
           static_cast<double>(v.input.undecodable()));
    metric("vendorwatch_capture_received_total", "counter", "Kernel: packets received.",
           static_cast<double>(v.live->capture.received));
    metric("vendorwatch_capture_dropped_total", "counter",
           "Kernel: packets dropped for lack of ring space (ps_drop).",
           static_cast<double>(v.live->capture.dropped));
    metric("vendorwatch_capture_if_dropped_total", "counter",
           "Kernel: packets dropped by the interface (ps_ifdrop).",
           static_cast<double>(v.live->capture.if_dropped));
    metric("vendorwatch_flows_active", "gauge", "Flows in the flow tables.",
           static_cast<double>(v.pool.active_flows));
    metric("vendorwatch_flows_created_total", "counter", "Flows created.",
           static_cast<double>(v.pool.table.created));
    metric("vendorwatch_vendor_alerts_total", "counter", "Vendor alerts raised.",
           static_cast<double>(cs.vendor_alerts));
    metric("vendorwatch_alerts_deduplicated_total", "counter", "Vendor alerts suppressed by dedup.",
           static_cast<double>(cs.alerts_deduplicated));
    metric("vendorwatch_dns_unsolicited_total", "counter",
           "DNS responses that answered no open query of the flow (ignored).",
           static_cast<double>(cs.dns_unsolicited));
    metric("vendorwatch_dns_pending_evicted_total", "counter",
           "Open DNS queries pushed out by newer ones (bound).",
           static_cast<double>(cs.dns_pending_evicted));
    metric("vendorwatch_web_verdicts_total", "counter",
           "Web-presence verdicts that made no vendor event (no --alert-web).",
           static_cast<double>(cs.web_verdicts));
    metric("vendorwatch_signature_reloads_total", "counter", "Successful signature reloads.",
           static_cast<double>(reloads_));
    metric("vendorwatch_signature_reload_failures_total", "counter", "Rejected signature reloads.",
           static_cast<double>(reload_failures_));
    s += "# HELP vendorwatch_worker_packets_total Packets read by each capture worker.\n"
         "# TYPE vendorwatch_worker_packets_total counter\n";
    for (std::size_t i = 0; i < v.worker_packets.size(); ++i)
      s += fmt::format("vendorwatch_worker_packets_total{{worker=\"{}\"}} {}\n", i,
                       v.worker_packets[i]);
    return s;
  }

  int shutdown() {
    // The workers read what the kernel already holds, end every flow and stop.
    workers_->stop(classify::EndReason::Shutdown);
    writeEvents();
    std::string err;
    int rc = exit_code_;
    if (workers_->failed(err) && rc == kExitOk) {
      diag(err);
      rc = kExitInputError;
    }
    const TimeUs now = wallNowUs();
    const pipeline::StatsView v = view(now);
    classify::Ledger ledger(p_.cfg.ledger_caps); // the process's totals
    workers_->ledger(ledger);
    if (store_.enabled()) {
      // Stopped: every flow has ended; the last rows and the run's end go to the store.
      if ((!store_.commitJournal(workers_->takeJournal(), ledger, p_.matcher->set(), meta()) ||
           !store_.finish()) &&
          rc == kExitOk)
        rc = kExitUsage;
    }
    return finishRun(p_, o_.pipe, v, now, o_.stats_interval > 0, ledger, meta(), rc);
  }

  const LiveCmdOptions& o_;
  Pipeline& p_;
  asio::io_context io_;
  asio::signal_set signals_;
  std::unique_ptr<pipeline::LiveWorkers> workers_; ///< destroyed (joined) before io_
  std::unique_ptr<asio::steady_timer> sync_timer_, stats_timer_, summary_timer_, ledger_timer_;
  LedgerWriter store_;
  std::unique_ptr<MetricsServer> metrics_;
  std::uint64_t last_stats_packets_ = 0, last_stats_bytes_ = 0;
  std::uint64_t reloads_ = 0, reload_failures_ = 0;
  TimeUs start_us_ = 0, last_stats_us_ = 0;
  bool stopping_ = false;
  int exit_code_ = kExitOk;
};

int runLive(LiveCmdOptions& o, CLI::App& cmd) {
  if (!o.config.empty()) {
    std::string err;
    if (!applyConfigFile(o.config, cmd, err)) {
      std::fprintf(stderr, "%s\n", err.c_str());
      diag("configuration file '" + o.config + "' rejected");
      return kExitUsage;
    }
  }
  if (o.interfaces.empty()) {
    diag("live: at least one -i/--interface is required (on the command line or in --config)");
    return kExitUsage;
  }
  if (o.interfaces.size() > pipeline::kMaxInterfaces) {
    diag(fmt::format("live: at most {} interfaces (-i), got {}", pipeline::kMaxInterfaces,
                     o.interfaces.size()));
    return kExitUsage;
  }
  for (std::size_t i = 0; i < o.interfaces.size(); ++i)
    for (std::size_t j = i + 1; j < o.interfaces.size(); ++j)
      if (o.interfaces[i] == o.interfaces[j]) {
        diag("live: interface '" + o.interfaces[i] + "' given twice");
        return kExitUsage;
      }
  const std::uint64_t per_handle = (std::uint64_t{o.buffer_mb} << 20) / o.pipe.workers;
  if (per_handle > capture::kMaxRingBytesPerHandle) {
    diag(fmt::format("--buffer-size {} MiB over {} capture handle(s) per interface is {} MiB per "
                     "handle; libpcap takes at most {} MiB per handle (add --workers or lower "
                     "--buffer-size)",
                     o.buffer_mb, o.pipe.workers, per_handle >> 20,
                     capture::kMaxRingBytesPerHandle >> 20));
    return kExitUsage;
  }
  if (o.summary_interval > 0 && o.pipe.summary.empty())
    diag("warning: --summary-interval has no effect without --summary FILE");
  if (!o.metrics.empty()) {
    std::string host, err;
    unsigned short port = 0;
    if (!parseListenAddress(o.metrics, host, port, err)) {
      diag(err);
      return kExitUsage;
    }
  }
  Pipeline pipe;
  if (!buildPipeline(o.pipe, pipe))
    return kExitUsage;
  pipe.cfg.ledger_journal = !o.ledger.path.empty();
  LiveFrontEnd rt(o, pipe);
  return rt.run();
}

} // namespace

void addLiveCommand(CLI::App& app, std::function<int()>& run) {
  auto o = std::make_shared<LiveCmdOptions>();
  CLI::App* c = app.add_subcommand("live", "Capture on interfaces (span/mirror port) and classify");
  c->add_option("-i,--interface", o->interfaces, "Interface to capture on (repeatable)");
  c->add_option("-f,--filter", o->bpf, "BPF filter expression (libpcap syntax)");
  c->add_option("--snaplen", o->snaplen, "Bytes captured per packet")
      ->check(integerRange(64, 262144))
      ->capture_default_str();
  c->add_option("--buffer-size", o->buffer_mb,
                "Kernel capture ring per interface in MiB (split between the workers)")
      ->check(integerRange(1, 4096))
      ->capture_default_str();
  c->add_flag("--promisc,!--no-promisc", o->promisc, "Promiscuous mode (default on)");
  c->add_flag("--immediate", o->immediate,
              "Deliver every packet at once (TPACKET_V2) instead of in blocks (TPACKET_V3)");
  c->add_option("--block-timeout", o->block_timeout_ms,
                "Milliseconds after which the kernel hands over a block that is not full")
      ->check(integerRange(1, 1000))
      ->capture_default_str();
  c->add_option("--summary-interval", o->summary_interval,
                "Rewrite --summary FILE every S seconds (atomically; 0 = only at exit)")
      ->check(secondsRange(1, kMaxSeconds, true));
  c->add_option("--stats-interval", o->stats_interval,
                "Write a 'stats' event every S seconds (0 = only at exit with --log-stats)")
      ->check(secondsRange(1, kMaxSeconds, true));
  c->add_option("-Z,--user", o->user, "Drop root to USER once the capture handles are open");
  c->add_option("--metrics", o->metrics,
                "Serve Prometheus metrics on ADDR:PORT (default address 127.0.0.1)");
  c->add_option("--metrics-timeout", o->metrics_timeout_ms,
                "Milliseconds a metrics client has to send its request and read the answer")
      ->check(integerRange(100, 60'000))
      ->capture_default_str();
  c->add_option("--metrics-connections", o->metrics_connections,
                "Metrics connections served at once; more are closed at once")
      ->check(integerRange(1, 1024))
      ->capture_default_str();
  c->add_option("--config", o->config, "TOML file with the same keys as the long flags");
  addPipelineOptions(*c, o->pipe);
  addLedgerOptions(*c, o->ledger, /*live=*/true);
  c->footer(
      "Examples:\n"
      "  vendorwatch live -i eth1 --eve /var/log/vendorwatch/eve.json -Z vendorwatch\n"
      "  vendorwatch live -i eth1 -i eth2 -f 'not port 22' --summary /var/lib/vw/ledger.json "
      "--summary-interval 300\n"
      "  vendorwatch live -i eth1 --workers 2 --metrics :9917\n"
      "  vendorwatch live -i eth1 --ledger /var/lib/vendorwatch/ledger.db --ledger-retain 365\n"
      "  vendorwatch live --config /etc/vendorwatch/vendorwatch.toml\n"
      "Signals: SIGINT/SIGTERM stop cleanly; SIGHUP reloads signatures and reopens files.");
  c->callback([o, c, &run] { run = [o, c] { return runLive(*o, *c); }; });
}

} // namespace vw::cli
