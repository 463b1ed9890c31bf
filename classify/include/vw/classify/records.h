#pragma once
/// @file records.h
/// What the classifier reports: flow records, vendor alerts, inspection findings, DNS
/// transactions and HTTP requests, handed to a RecordSink (implemented by the output layer).
///
/// Records are self-contained for the duration of the call: vendor, product and indicator
/// pointers point into the signature set the verdict was decided with (`set`), which the
/// classifier keeps alive at least until the call returns. A sink must not keep the pointers
/// nor look the values up in whatever set it was last given (a reload may have replaced it).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <vw/classify/facts.h>
#include <vw/classify/flow_table.h>
#include <vw/packet/ip_address.h>

namespace vw::classify {

/// A flow as reported: oriented so that src is the initiator.
struct FlowRecord {
  const FlowEntry* flow = nullptr;
  IpAddr src_ip, dest_ip;
  std::uint16_t src_port = 0, dest_port = 0;
  IpAddr host;                ///< the internal host of the flow
  std::string_view app_proto; ///< engine protocol name, e.g. "TLS.Google"
  std::string_view category;
  EndReason reason = EndReason::EndOfInput; ///< valid in flowEnded()
  TimeUs ts = 0;                            ///< event time
  bool ended = false;
  const FlowFacts* facts = nullptr; ///< may be null
  /// The flow's verdict about its host (nullptr = none) and the set it points into.
  const Verdict* verdict = nullptr;
  const signatures::SignatureSet* set = nullptr;
};

/// A vendor attribution to alert on.
struct VendorAlert {
  FlowRecord flow; ///< flow.host is the address the verdict is about (== host)
  IpAddr host;     ///< the address the verdict is about (the instance for role Server)
  HostRole role = HostRole::Client;
  Usage usage = Usage::Product;
  const signatures::SignatureSet* set = nullptr; ///< the set the pointers below point into
  const signatures::Vendor* vendor = nullptr;
  const signatures::Product* product = nullptr;
  Confidence confidence = Confidence::None;
  /// The evidence of this vendor and side (indicators in `set`).
  std::span<const EvidenceItem> evidence;
};

/// A TLS-interception CA seen for the first time (one per vendor x product x CA).
struct InspectionRecord {
  FlowRecord flow;
  IpAddr host; ///< the first host whose traffic carried it
  const signatures::SignatureSet* set = nullptr;
  const signatures::Vendor* vendor = nullptr;
  const signatures::Product* product = nullptr;
  std::string_view ca; ///< the issuer DN
  const signatures::Indicator* indicator = nullptr;
};

/// Receives the classifier's output. Called on the classifier's thread.
class RecordSink {
public:
  virtual ~RecordSink() = default;
  virtual void flowEnded(const FlowRecord& rec) = 0;
  virtual void vendorAlert(const VendorAlert& alert) = 0;
  virtual void dnsTransaction(const FlowRecord& rec, const DnsTxnFact& txn) = 0;
  virtual void httpRequest(const FlowRecord& rec, const HttpFacts& req) = 0;
  virtual void inspectionFound(const InspectionRecord&) {}
};

} // namespace vw::classify
