#pragma once
/// @file worker_pool.h
/// The multi-worker pipeline for files (`scan --workers N`): the calling thread reads and
/// decodes packets and routes each one through a bounded SPSC ring (packet_ring.h) to one of
/// N worker threads, chosen by host (classify/shard.h). Each worker owns its classifier, flow
/// table, DPI engine and ledger; nothing is shared between workers.
///
/// Determinism. The reader cuts the packet stream into epochs (a fixed number of routed
/// packets) and broadcasts the packet clock (once per second of packet time), so every worker
/// expires flows at the same stream positions whatever the worker count. Each worker hands the
/// events of an epoch over as one batch; the reader writes an epoch once every worker finished
/// it, sorted by (event time, kind, text). The output is therefore the same for the same input
/// and worker count, and equal as a multiset across worker counts (below the table and cache
/// caps, which are split between workers).
///
/// Live capture does not use this pool: there the kernel splits the traffic between capture
/// workers (live_workers.h).

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <vw/alerts/eve.h>
#include <vw/alerts/event.h>
#include <vw/classify/classifier.h>
#include <vw/classify/dpi_engine.h>
#include <vw/packet/decode.h>
#include <vw/packet/packet_ring.h>
#include <vw/pipeline/inspection_once.h>
#include <vw/signatures/matcher.h>

namespace vw::pipeline {

/// Makes one DPI engine per worker (the composition root passes nDPI's factory). False /
/// nullptr + message on failure.
using DpiEngineFactory = std::function<classify::DpiEnginePtr(std::string& err)>;

/// The classifiers' state as one view (statistics, summaries), merged over workers.
struct PoolSnapshot {
  classify::ClassifierStats stats;
  classify::FlowTableStats table;
  std::uint64_t active_flows = 0;
  std::uint64_t vendor_written = 0;
  classify::Ledger ledger; ///< merged; only when asked for

  /// Adds another worker's view.
  PoolSnapshot& operator+=(const PoolSnapshot& o);
};

/// The view of one classifier and the record sink it writes to.
PoolSnapshot snapshotOf(const classify::Classifier& c, const alerts::EveRecordSink& eve,
                        bool with_ledger);

/// Splits the configured totals (flow table, DNS cache) between `workers` classifiers.
classify::ClassifierConfig perWorkerConfig(const classify::ClassifierConfig& total,
                                           std::uint32_t workers);

/// One classifier with its DPI engine and EVE encoder: what every worker of both pipelines
/// owns. Built on one thread, then used by its worker thread only.
struct ClassifierUnit {
  classify::DpiEnginePtr engine;
  std::unique_ptr<alerts::EveRecordSink> eve;
  std::unique_ptr<classify::Classifier> classifier;

  /// False + message when the engine cannot be made.
  bool build(const DpiEngineFactory& factory, const classify::ClassifierConfig& cfg, bool log_flows,
             std::shared_ptr<const signatures::Matcher> matcher, alerts::EventSink& out,
             std::string& err);
};

class WorkerPool {
public:
  /// `outs` are the real event sinks; they are written from the calling thread only.
  WorkerPool(const classify::ClassifierConfig& total, bool log_flows,
             std::shared_ptr<const signatures::Matcher> matcher,
             std::vector<alerts::EventSink*> outs, std::uint32_t workers, DpiEngineFactory engines);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  /// Creates the DPI engines and starts the threads. False + message on failure.
  bool start(std::string& err);

  /// Routes one packet that decoded to a usable status (`dp` is its decoding).
  void route(const PacketView& pv, const DecodedPacket& dp);

  /// Ends every flow (with `why`), stops the workers and writes all remaining events.
  void finish(classify::EndReason why = classify::EndReason::EndOfInput);

  /// The merged state of every worker. Only after finish() (before, it would race with the
  /// workers; the progress line uses the counters below instead).
  PoolSnapshot snapshot(bool with_ledger) const;

  std::uint32_t size() const { return static_cast<std::uint32_t>(workers_.size()); }

  /// For the progress line (any time): flows created and vendor alerts so far, as of the last
  /// finished epoch.
  std::uint64_t flowsCreated() const;
  std::uint64_t vendorAlerts() const;

  /// Packets routed to each worker.
  std::vector<std::uint64_t> routed() const;

private:
  struct Worker;
  void runWorker(Worker& w);
  void pushControlAll(RingKind kind, std::int64_t value);
  void tick(TimeUs now);
  void flushEpoch();
  void drain(); ///< writes every epoch all workers have finished

  classify::ClassifierConfig cfg_;
  bool log_flows_;
  std::shared_ptr<const signatures::Matcher> matcher_;
  std::vector<alerts::EventSink*> outs_;
  DpiEngineFactory engines_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::uint64_t routed_since_epoch_ = 0;
  std::int64_t epochs_pushed_ = 0; ///< epochs closed by the reader
  std::int64_t epochs_written_ = 0;
  InspectionOnce inspection_once_; ///< one inspection event per finding over all workers
  TimeUs last_tick_ = 0;
  bool started_ = false, finished_ = false;
  classify::EndReason end_reason_ = classify::EndReason::EndOfInput;
};

} // namespace vw::pipeline
