#include <algorithm>
#include <tuple>

#include <vw/classify/shard.h>
#include <vw/pipeline/worker_pool.h>

namespace vw::pipeline {
namespace {

/// Routed packets per output epoch. Small enough that events leave promptly and batches stay
/// small, large enough that the hand-over costs nothing per packet.
constexpr std::uint64_t kEpochPackets = 16384;

/// Collects one worker's events of the current epoch.
class BatchSink final : public alerts::EventSink {
public:
  void write(const alerts::OutEvent& ev) override { batch.push_back(ev); }
  bool flush(int) override { return true; }
  alerts::SinkStats stats() const override { return {}; }
  std::string name() const override { return "batch"; }
  std::vector<alerts::OutEvent> batch;
};

} // namespace

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
  classify::ClassifierConfig cfg = total;
  cfg.table.max_flows = std::max<std::uint32_t>(1, (total.table.max_flows + n - 1) / n);
  cfg.dns_cache_entries = std::max<std::size_t>(1, (total.dns_cache_entries + n - 1) / n);
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

  // Hand-over of finished epochs (worker -> reader). The lock is taken once per epoch.
  std::mutex mu;
  std::deque<std::vector<alerts::OutEvent>> done;
  std::atomic<std::int64_t> epochs_done{0};
  std::atomic<std::uint64_t> flows_created{0}, vendor_alerts{0};
};

WorkerPool::WorkerPool(const classify::ClassifierConfig& total, bool log_flows,
                       std::shared_ptr<const signatures::Matcher> matcher,
                       std::vector<alerts::EventSink*> outs, std::uint32_t workers,
                       DpiEngineFactory engines)
    : cfg_(perWorkerConfig(total, workers)), log_flows_(log_flows), matcher_(std::move(matcher)),
      outs_(std::move(outs)), engines_(std::move(engines)) {
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
    wp->thread = std::thread([this, wp] { runWorker(*wp); });
  }
  started_ = true;
  return true;
}

void WorkerPool::runWorker(Worker& w) {
  classify::Classifier& c = *w.unit.classifier;
  auto handOver = [&w, &c](std::int64_t epoch) {
    std::vector<alerts::OutEvent> batch;
    batch.swap(w.collect.batch);
    {
      std::lock_guard<std::mutex> lk(w.mu);
      w.done.push_back(std::move(batch));
    }
    w.flows_created.store(c.table().stats().created, std::memory_order_relaxed);
    w.vendor_alerts.store(c.stats().vendor_alerts, std::memory_order_relaxed);
    w.epochs_done.store(epoch + 1, std::memory_order_release);
  };
  for (;;) {
    const RingRecord r = w.ring.pop();
    switch (r.kind) {
    case RingKind::Packet:
      if (r.decoded != nullptr)
        c.onPacket(*r.decoded);
      else if (decodeUsable(decodePacket(r.packet, w.dp)))
        c.onPacket(w.dp);
      break;
    case RingKind::Tick:
      c.tick(r.packet.ts);
      break;
    case RingKind::Epoch:
      handOver(r.packet.ts);
      break;
    case RingKind::End:
      c.endAll(end_reason_);
      handOver(r.packet.ts);
      return;
    case RingKind::Wrap_:
      break;
    }
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
  Worker& w = *workers_[classify::shardOf(dp, cfg_.home_net, size())];
  w.ring.pushPacket(pv, &dp);
  ++w.routed;
  if (++routed_since_epoch_ == kEpochPackets)
    flushEpoch();
}

void WorkerPool::drain() {
  while (epochs_written_ < epochs_pushed_) {
    for (auto& w : workers_)
      if (w->epochs_done.load(std::memory_order_acquire) <= epochs_written_)
        return; // a worker is still busy with this epoch: try again later
    std::vector<alerts::OutEvent> merged;
    for (auto& w : workers_) {
      std::vector<alerts::OutEvent> b;
      {
        std::lock_guard<std::mutex> lk(w->mu);
        b = std::move(w->done.front());
        w->done.pop_front();
      }
      if (merged.empty())
        merged = std::move(b);
      else
        std::move(b.begin(), b.end(), std::back_inserter(merged));
    }
    std::stable_sort(merged.begin(), merged.end(),
                     [](const alerts::OutEvent& a, const alerts::OutEvent& b) {
                       return std::tie(a.ts_us, a.kind, a.json) < std::tie(b.ts_us, b.kind, b.json);
                     });
    for (const auto& ev : merged) {
      if (!inspection_once_.pass(ev))
        continue; // another worker already wrote this finding's event (earlier in time)
      for (auto* s : outs_)
        s->write(ev);
    }
    ++epochs_written_;
  }
}

void WorkerPool::tick(TimeUs now) {
  pushControlAll(RingKind::Tick, now);
  last_tick_ = now;
}

void WorkerPool::flushEpoch() {
  if (routed_since_epoch_ != 0) {
    routed_since_epoch_ = 0;
    pushControlAll(RingKind::Epoch, epochs_pushed_++);
  }
  drain();
}

PoolSnapshot WorkerPool::snapshot(bool with_ledger) const {
  PoolSnapshot out;
  if (started_ && !finished_)
    return out; // the workers own their classifiers until finish()
  for (const auto& w : workers_)
    if (w->unit.classifier)
      out += snapshotOf(*w->unit.classifier, *w->unit.eve, with_ledger);
  return out;
}

void WorkerPool::finish(classify::EndReason why) {
  if (!started_ || finished_)
    return;
  end_reason_ = why; // read by the workers after they pop End (published by the ring)
  pushControlAll(RingKind::End, epochs_pushed_++);
  for (auto& w : workers_)
    w->thread.join();
  finished_ = true;
  drain();
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
