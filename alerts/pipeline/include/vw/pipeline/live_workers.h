#pragma once
/// @file live_workers.h
/// Live capture with one or more capture workers (`vendorwatch live -i IF... --workers N`).
///
/// Each worker is one thread that owns one capture handle per interface, its classifier,
/// DPI engine and ledger. With N > 1 the handles of one interface form a kernel fanout group
/// (PACKET_FANOUT_CBPF) whose program sends everything one host does to one worker (see
/// capture/fanout.h), so no thread of ours copies every packet and per-host state (DNS cache,
/// de-duplication, ledger entries) stays whole. A worker with several interfaces merges them
/// into one time-ordered stream (time_merge.h), so a flow whose directions arrive on
/// different interfaces is one flow.
///
/// The worker loop: poll(handles + wake-up eventfd) -> read every block the kernel handed
/// over -> classify -> once a second expire flows and read the kernel's counters -> publish
/// counters (published.h) -> hand events to the front end. Capture never waits for anything
/// else: statistics and metrics read the published counters; a summary asks each worker for a
/// copy of its ledger, which the worker makes between two reads; a signature reload is picked
/// up between two reads.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <vw/alerts/event.h>
#include <vw/capture/live_source.h>
#include <vw/classify/classifier.h>
#include <vw/packet/decode.h>
#include <vw/pipeline/inspection_once.h>
#include <vw/pipeline/published.h>
#include <vw/pipeline/worker_pool.h>
#include <vw/signatures/matcher.h>

namespace vw::pipeline {

/// At most this many interfaces per sensor.
inline constexpr std::size_t kMaxInterfaces = 16;
/// At most this many capture workers.
inline constexpr std::uint32_t kMaxLiveWorkers = 64;

/// What one worker publishes (and the sum over workers). Plain counters, trivially copyable.
struct LiveCounters {
  std::uint64_t packets = 0, bytes = 0; ///< read from the handles
  std::array<std::uint64_t, kMaxInterfaces> interface_packets{};
  std::array<std::uint64_t, static_cast<std::size_t>(DecodeStatus::Count_)> decode{};
  capture::LiveStats capture; ///< kernel counters of the worker's handles
  classify::ClassifierStats stats;
  classify::FlowTableStats table;
  std::uint64_t active_flows = 0;
  std::uint64_t vendor_written = 0;
  std::uint64_t merge_forced = 0; ///< packets handed on before their turn (merge buffer full)
  TimeUs first_ts = 0, last_ts = 0;

  /// Adds another worker's counters.
  LiveCounters& operator+=(const LiveCounters& o);
};

struct LiveConfig {
  std::vector<std::string> interfaces;
  /// Options of every handle. `ring_bytes` is the ring of one interface in total: split
  /// evenly between the workers' handles of that interface.
  capture::LiveOptions capture;
  std::uint32_t workers = 1;
  std::vector<capture::NetPrefix> home_net; ///< steers the fanout (the classifier's home net)
  classify::ClassifierConfig classifier;    ///< totals (flow table, DNS cache): split
  bool log_flows = false;
  std::shared_ptr<const signatures::Matcher> matcher;
  DpiEngineFactory engines;
  std::size_t merge_bytes = 16u << 20; ///< per interface, only with several interfaces
};

class LiveWorkers {
public:
  explicit LiveWorkers(LiveConfig cfg);
  ~LiveWorkers();
  LiveWorkers(const LiveWorkers&) = delete;
  LiveWorkers& operator=(const LiveWorkers&) = delete;

  /// Opens every handle (needs CAP_NET_RAW and CAP_NET_ADMIN) and, with several workers,
  /// forms one fanout group per interface. False + message on failure; `usage` says whether
  /// the user's configuration is at fault (a filter that does not compile, a ring too large).
  bool open(std::string& err, bool& usage);

  /// Builds the classifiers and starts the threads. `notify` is called from a worker thread
  /// when events are waiting (takeEvents) or a worker failed; it must be thread-safe and
  /// return at once (the CLI posts to its event loop). It is not called again until
  /// takeEvents() ran.
  bool start(std::function<void()> notify, std::string& err);

  /// Stops every worker: each reads what its handles still hold (for at most `drain_limit`),
  /// ends every flow with `why`, hands over its last events and exits. Joins the threads.
  void stop(classify::EndReason why,
            std::chrono::milliseconds drain_limit = std::chrono::milliseconds(2000));

  /// Events written by the workers since the last call, in the order each worker wrote them.
  std::vector<alerts::OutEvent> takeEvents();

  /// True (with the message) if a worker's capture failed (e.g. the interface went away).
  bool failed(std::string& err) const;

  /// The published counters summed over workers. Never waits for a worker.
  LiveCounters counters() const;
  /// Packets read by each worker (published).
  std::vector<std::uint64_t> workerPackets() const;

  /// Every worker's ledger, merged. Running: each worker copies its ledger between two reads;
  /// this waits (at most `timeout`) for all copies and returns false if one did not come.
  /// Stopped: reads the classifiers.
  bool ledger(classify::Ledger& out,
              std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

  /// The ledger journal rows (ClassifierConfig::ledger_journal) of every worker since the last
  /// call: each worker moves them out of its classifier when it copies its ledger for ledger();
  /// stopped, the classifiers' remaining rows too. Each row is returned once (the ledgers given
  /// by ledger() have none, except stopped: ignore theirs).
  std::vector<classify::JournalRow> takeJournal();

  /// Hands a reloaded signature set to every worker (each switches between two reads).
  void setMatcher(std::shared_ptr<const signatures::Matcher> matcher);

  /// "vethB (EN10MB, TPACKET_V3, ring 2 x 64 MiB, fanout group 3)" per interface, joined.
  std::string describe() const;
  std::uint32_t size() const { return static_cast<std::uint32_t>(workers_.size()); }
  /// LINKTYPE_* of each interface (after open()).
  const std::vector<std::uint32_t>& linkTypes() const { return link_types_; }

private:
  struct Worker;
  void run(Worker& w);
  void handOver(Worker& w);
  void fail(const std::string& msg);

  LiveConfig cfg_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::uint32_t> link_types_;
  std::vector<std::uint16_t> groups_;
  std::function<void()> notify_;
  std::atomic<bool> stop_{false};
  classify::EndReason end_reason_ = classify::EndReason::Shutdown;
  std::chrono::milliseconds drain_limit_{2000};
  bool started_ = false, stopped_ = false;

  std::mutex events_mu_;
  std::vector<alerts::OutEvent> events_; ///< under events_mu_
  InspectionOnce inspection_once_;       ///< under events_mu_: one inspection event per finding
  std::atomic<bool> notified_{false};

  mutable std::mutex fail_mu_;
  std::string fail_msg_; ///< under fail_mu_
  std::atomic<bool> failed_{false};

  std::atomic<std::uint64_t> ledger_req_{0};
  std::mutex reload_mu_;
  std::shared_ptr<const signatures::Matcher> pending_matcher_; ///< under reload_mu_
  std::atomic<std::uint64_t> reload_seq_{0};
};

} // namespace vw::pipeline
