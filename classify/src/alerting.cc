#include "alerting.h"

#include <vw/signatures/signature_set.h>

namespace vw::classify {

bool Alerting::wants(const signatures::Vendor& vendor, Usage usage) const {
  if (vendor.status == signatures::VendorStatus::kAllowed)
    return false;
  return usage == Usage::Product || cfg_.alert_web;
}

AlertOutcome Alerting::offer(const VendorAlert& a) {
  if (a.vendor->status == signatures::VendorStatus::kAllowed)
    return AlertOutcome::Allowed;
  if (a.usage == Usage::Web && !cfg_.alert_web) {
    ++web_suppressed_;
    return AlertOutcome::Web;
  }
  if (!dedup_.allow(a.host, a.vendor->id, a.role, a.product->id, a.confidence, a.flow.ts,
                    a.usage)) {
    ++deduplicated_;
    return AlertOutcome::Deduplicated;
  }
  ++written_;
  sink_.vendorAlert(a);
  return AlertOutcome::Written;
}

} // namespace vw::classify
