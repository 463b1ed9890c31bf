#pragma once
// Alerting (classify-private): the last step between a verdict and a `vendor` event. Applies
// the policy (allowed vendors and, by default, web presence make no event), then the
// de-duplication per (host, vendor, host role) that never hides a stronger verdict.

#include <cstdint>

#include <vw/classify/alert_dedup.h>
#include <vw/classify/records.h>

namespace vw::classify {

struct AlertingConfig {
  TimeUs dedup_window = 3'600'000'000; ///< 0 = every verdict alerts
  std::size_t dedup_max_keys = 65536;
  bool alert_web = false; ///< web-presence verdicts become `vendor` events ("usage": "web")
  HashKey hash_key = processHashKey();
};

/// What became of one verdict offered for alerting.
enum class AlertOutcome : std::uint8_t {
  Written,      ///< a `vendor` event was written
  Allowed,      ///< the vendor's status is `allowed`: counted in the ledger only
  Web,          ///< web presence without --alert-web: counted in the ledger's `web` only
  Deduplicated, ///< not stronger than the event already written for its key in the window
};

class Alerting {
public:
  Alerting(const AlertingConfig& cfg, RecordSink& sink)
      : cfg_(cfg), dedup_(cfg.dedup_window, cfg.dedup_max_keys, cfg.hash_key), sink_(sink) {}

  /// True if a verdict of this usage may produce an event at all (before the caller builds it).
  bool wants(const signatures::Vendor& vendor, Usage usage) const;
  /// Offers a verdict; writes the event when the policy and de-duplication let it through.
  AlertOutcome offer(const VendorAlert& a);

  std::uint64_t written() const { return written_; }
  std::uint64_t deduplicated() const { return deduplicated_; }
  std::uint64_t webSuppressed() const { return web_suppressed_; }
  std::uint64_t dedupEvictions() const { return dedup_.evictions(); }

private:
  AlertingConfig cfg_;
  AlertDedup dedup_;
  RecordSink& sink_;
  std::uint64_t written_ = 0, deduplicated_ = 0, web_suppressed_ = 0;
};

} // namespace vw::classify
