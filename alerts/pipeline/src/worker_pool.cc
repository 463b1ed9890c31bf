#include <algorithm>
#include <iterator>
#include <tuple>

#include <vw/classify/shard.h>
#include <vw/pipeline/worker_pool.h>

namespace vw::pipeline {
namespace {

/// Routed packets per output epoch. Small enough that events leave promptly and an epoch's
/// events stay few (a packet makes at most a handful of events), large enough that the
/// hand-over costs nothing per packet. Every tick also closes an epoch.
constexpr std::uint64_t kEpochPackets = 4096;

/// Events per chunk: a worker hands its events over in chunks of at most this many, so no
/// worker ever holds an unbounded batch (expiring or ending 100k flows makes 100k events).
constexpr std::size_t kChunkEvents = 512;

/// Chunks a worker may have queued while it expires or ends flows (inside a Tick, Epoch or End
/// record, whose epoch is closed): beyond this it waits for the writer.
constexpr std::size_t kWorkerQueue = 2;

/// Chunks queued over all workers above which the reader stops routing until the writer has
/// caught up (while the writer can make progress, i.e. a closed epoch is not yet written).
constexpr std::size_t kQueuedTotal = 16;

} // namespace

/// Collects one worker's events; calls `full` when a chunk's worth is collected.
class WorkerPool::BatchSink final : public alerts::EventSink {
public:
  void write(const alerts::OutEvent& ev) override {
    batch.push_back(ev);
    if (batch.size() >= kChunkEvents)
      full();
  }
  bool flush(int) override { return true; }
  alerts::SinkStats stats() const override { return {}; }
  std::string name() const override { return "batch"; }
  std::vector<alerts::OutEvent> batch;
  std::function<void()> full;
};

PoolSnapshot& PoolSnapshot::operator+=(const PoolSnapshot& o) {
  stats += o.stats;
  table += o.table;
  active_flows += o.active_flows;
  vendor_written += o.vendor_written;
  ledger.merge(o.ledger);
  return *this;
}

PoolSnapshot snapshotOf(const classify::Classifier& c, const alerts::EveRecordSink& eve,
                        bool with_ledger) {
  PoolSnapshot v;
  v.stats = c.stats();
  v.table = c.table().stats();
  v.active_flows = c.table().size();
  v.vendor_written = eve.written(alerts::EventKind::Vendor);
  if (with_ledger)
    v.ledger = c.ledger();
  return v;
}

classify::ClassifierConfig perWorkerConfig(const classify::ClassifierConfig& total,
                                           std::uint32_t workers) {
  const std::uint32_t n = std::max<std::uint32_t>(1, workers);
  // ceil(total / n), at least 1: n shares hold at least the total, and each worker's table stays
  // bounded by its share, so the process's memory does not grow with the worker count.
  const auto share = [n](std::size_t v) { return std::max<std::size_t>(1, (v + n - 1) / n); };
  classify::ClassifierConfig cfg = total;
  cfg.table.max_flows = static_cast<std::uint32_t>(share(total.table.max_flows));
  cfg.dns_cache_entries = share(total.dns_cache_entries);
  cfg.dedup_max_keys = share(total.dedup_max_keys);
  cfg.ledger_caps.hosts = share(total.ledger_caps.hosts);
  cfg.ledger_caps.instances = share(total.ledger_caps.instances);
  cfg.ledger_caps.web = share(total.ledger_caps.web);
  cfg.ledger_caps.inspection = share(total.ledger_caps.inspection);
  cfg.ledger_caps.journal = share(total.ledger_caps.journal);
  return cfg;
}

bool ClassifierUnit::build(const DpiEngineFactory& factory, const classify::ClassifierConfig& cfg,
                           bool log_flows, std::shared_ptr<const signatures::Matcher> matcher,
                           alerts::EventSink& out, std::string& err) {
  engine = factory(err);
  if (!engine)
    return false;
  eve = std::make_unique<alerts::EveRecordSink>(alerts::EveOptions{log_flows}, matcher->sharedSet(),
                                                std::vector<alerts::EventSink*>{&out});
  classifier = std::make_unique<classify::Classifier>(cfg, *engine, std::move(matcher), *eve);
  return true;
}

struct WorkerPool::Worker {
  PacketRing ring{4u << 20};
  BatchSink collect;
  ClassifierUnit unit;
  std::thread thread;
  DecodedPacket dp;         ///< worker-side decoding scratch
  std::uint64_t routed = 0; ///< reader-side counter
  bool may_wait = false;    ///< worker-side: inside a record that closes the current epoch

  std::deque<Chunk> done; ///< hand-over to the writer (guarded by the pool's mu_)
  std::atomic<std::uint64_t> flows_created{0}, vendor_alerts{0};
};

WorkerPool::WorkerPool(const classify::ClassifierConfig& total, bool log_flows,
                       std::shared_ptr<const signatures::Matcher> matcher,
                       std::vector<alerts::EventSink*> outs, std::uint32_t workers,
                       DpiEngineFactory engines)
    : cfg_(perWorkerConfig(total, workers)), ledger_caps_(total.ledger_caps), log_flows_(log_flows),
      matcher_(std::move(matcher)), outs_(std::move(outs)), engines_(std::move(engines)) {
  cfg_.external_clock = true;
  cfg_.clock_jump_ends_flows = true;
  const std::uint32_t n = std::max<std::uint32_t>(1, workers);
  for (std::uint32_t i = 0; i < n; ++i)
    workers_.push_back(std::make_unique<Worker>());
}

WorkerPool::~WorkerPool() {
  if (started_ && !finished_)
    finish();
}

bool WorkerPool::start(std::string& err) {
  // Engines and classifiers are built here, on one thread; each is then used by its worker only.
  for (auto& w : workers_)
    if (!w->unit.build(engines_, cfg_, log_flows_, matcher_, w->collect, err))
      return false;
  for (auto& w : workers_) {
    Worker* wp = w.get();
    wp->collect.full = [this, wp] { handOver(*wp, false, false); };
    wp->thread = std::thread([this, wp] { runWorker(*wp); });
  }
  writer_ = std::thread([this] { runWriter(); });
  started_ = true;
  return true;
}

void WorkerPool::handOver(Worker& w, bool last, bool end) {
  Chunk c;
  c.events.swap(w.collect.batch);
  c.last = last;
  c.end = end;
  {
    std::unique_lock<std::mutex> lk(mu_);
    // Only inside a record that closes the epoch may a worker wait: then every worker has the
    // record that closes it, so the writer can always finish the epoch without new input.
    if (w.may_wait)
      space_.wait(lk, [&w] { return w.done.size() < kWorkerQueue; });
    w.done.push_back(std::move(c));
    queued_.fetch_add(1, std::memory_order_relaxed);
  }
  ready_.notify_one();
  if (w.collect.batch.capacity() == 0)
    w.collect.batch.reserve(kChunkEvents);
  const classify::Classifier& cl = *w.unit.classifier;
  w.flows_created.store(cl.table().stats().created, std::memory_order_relaxed);
  w.vendor_alerts.store(cl.stats().vendor_alerts, std::memory_order_relaxed);
}

void WorkerPool::runWorker(Worker& w) {
  classify::Classifier& c = *w.unit.classifier;
  for (;;) {
    const RingRecord r = w.ring.pop();
    switch (r.kind) {
    case RingKind::Packet:
      if (r.decoded != nullptr)
        c.onPacket(*r.decoded);
      else if (decodeUsable(decodePacket(r.packet, w.dp)))
        c.onPacket(w.dp);
      break;
    case RingKind::Tick: // expires flows, then closes the epoch
      w.may_wait = true;
      c.tick(r.packet.ts);
      handOver(w, true, false);
      w.may_wait = false;
      break;
    case RingKind::Epoch:
      w.may_wait = true;
      handOver(w, true, false);
      w.may_wait = false;
      break;
    case RingKind::End:
      w.may_wait = true;
      c.endAll(end_reason_);
      handOver(w, true, true);
      return;
    case RingKind::Wrap_:
      break;
    }
  }
}

void WorkerPool::runWriter() {
  // Epoch by epoch, round by round: round k takes the k-th chunk of every worker that has not
  // yet handed over its last chunk of the epoch, and writes them sorted by (time, kind, text).
  // The rounds depend only on each worker's own event sequence, so the output is the same run
  // after run; memory holds at most one chunk per worker here plus the bounded queues.
  const std::size_t n = workers_.size();
  std::vector<std::uint8_t> open(n);
  std::vector<alerts::OutEvent> merged;
  bool end = false;
  while (!end) {
    std::fill(open.begin(), open.end(), 1);
    std::size_t left = n;
    while (left != 0) {
      merged.clear();
      for (std::size_t i = 0; i < n; ++i) {
        if (open[i] == 0)
          continue;
        Worker& w = *workers_[i];
        Chunk c;
        {
          std::unique_lock<std::mutex> lk(mu_);
          ready_.wait(lk, [&w] { return !w.done.empty(); });
          c = std::move(w.done.front());
          w.done.pop_front();
          queued_.fetch_sub(1, std::memory_order_relaxed);
        }
        space_.notify_all();
        if (c.last) {
          open[i] = 0;
          --left;
          end = end || c.end;
        }
        std::move(c.events.begin(), c.events.end(), std::back_inserter(merged));
      }
      std::stable_sort(
          merged.begin(), merged.end(), [](const alerts::OutEvent& a, const alerts::OutEvent& b) {
            return std::tie(a.ts_us, a.kind, a.json) < std::tie(b.ts_us, b.kind, b.json);
          });
      for (const auto& ev : merged) {
        if (!inspection_once_.pass(ev))
          continue; // another worker already wrote this finding's event (earlier in time)
        for (auto* s : outs_)
          s->write(ev);
      }
    }
    {
      std::lock_guard<std::mutex> lk(mu_);
      ++epochs_written_;
    }
    space_.notify_all();
  }
}

void WorkerPool::pushControlAll(RingKind kind, std::int64_t value) {
  for (auto& w : workers_)
    w->ring.pushControl(kind, value);
}

void WorkerPool::route(const PacketView& pv, const DecodedPacket& dp) {
  // The clock first, exactly where a single in-line classifier would expire flows.
  if (dp.ts - last_tick_ >= 1'000'000 || dp.ts < last_tick_)
    tick(dp.ts);
  if (queued_.load(std::memory_order_relaxed) > kQueuedTotal)
    waitForWriter();
  Worker& w = *workers_[classify::shardOf(dp, cfg_.home_net, size())];
  w.ring.pushPacket(pv, &dp);
  ++w.routed;
  if (++routed_since_epoch_ == kEpochPackets)
    flushEpoch();
}

void WorkerPool::waitForWriter() {
  // Waits only while the writer can progress: a closed epoch is not written yet. (An open
  // epoch's events are bounded by kEpochPackets.)
  std::unique_lock<std::mutex> lk(mu_);
  space_.wait(lk, [this] {
    return queued_.load(std::memory_order_relaxed) <= kQueuedTotal ||
           epochs_written_ >= epochs_pushed_;
  });
}

void WorkerPool::tick(TimeUs now) {
  pushControlAll(RingKind::Tick, now);
  last_tick_ = now;
  routed_since_epoch_ = 0;
  std::lock_guard<std::mutex> lk(mu_);
  ++epochs_pushed_;
}

void WorkerPool::flushEpoch() {
  if (routed_since_epoch_ == 0)
    return;
  routed_since_epoch_ = 0;
  pushControlAll(RingKind::Epoch, 0);
  std::lock_guard<std::mutex> lk(mu_);
  ++epochs_pushed_;
}

PoolSnapshot WorkerPool::snapshot(bool with_ledger) const {
  PoolSnapshot out;
  out.ledger.setCaps(ledger_caps_); // the merged ledger keeps the process's totals
  if (started_ && !finished_)
    return out; // the workers own their classifiers until finish()
  for (const auto& w : workers_)
    if (w->unit.classifier)
      out += snapshotOf(*w->unit.classifier, *w->unit.eve, with_ledger);
  return out;
}

PoolSnapshot WorkerPool::takeSnapshot() {
  PoolSnapshot out;
  out.ledger.setCaps(ledger_caps_);
  if (started_ && !finished_)
    return out;
  for (auto& w : workers_)
    if (w->unit.classifier) {
      out += snapshotOf(*w->unit.classifier, *w->unit.eve, /*with_ledger=*/false);
      out.ledger.merge(std::move(w->unit.classifier->ledger()));
    }
  return out;
}

void WorkerPool::finish(classify::EndReason why) {
  if (!started_ || finished_)
    return;
  end_reason_ = why; // read by the workers after they pop End (published by the ring)
  pushControlAll(RingKind::End, 0);
  {
    std::lock_guard<std::mutex> lk(mu_);
    ++epochs_pushed_;
  }
  for (auto& w : workers_)
    w->thread.join();
  writer_.join();
  finished_ = true;
}

std::uint64_t WorkerPool::flowsCreated() const {
  std::uint64_t n = 0;
  for (const auto& w : workers_)
    n += w->flows_created.load(std::memory_order_relaxed);
  return n;
}

std::uint64_t WorkerPool::vendorAlerts() const {
  std::uint64_t n = 0;
  for (const auto& w : workers_)
    n += w->vendor_alerts.load(std::memory_order_relaxed);
  return n;
}

std::vector<std::uint64_t> WorkerPool::routed() const {
  std::vector<std::uint64_t> r;
  for (const auto& w : workers_)
    r.push_back(w->routed);
  return r;
}

} // namespace vw::pipeline
