#pragma once
/// @file records.h
/// What the classifier reports: flow records, vendor alerts, DNS transactions and HTTP
/// requests, handed to a RecordSink (implemented by the output layer).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <vw/classify/facts.h>
#include <vw/classify/flow_table.h>
#include <vw/packet/ip_address.h>

namespace vw::signatures {
class SignatureSet;
}

namespace vw::classify {

/// Attribution confidence (ordered).
enum class Confidence : std::uint8_t { None = 0, Low = 1, Medium = 2, High = 3 };
/// "low", "medium", "high" ("none" for None).
const char* confidenceName(Confidence c);

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
};

/// A vendor attribution to alert on.
struct VendorAlert {
  FlowRecord flow;
  std::uint32_t vendor = 0;  ///< index into SignatureSet::vendors()
  std::uint32_t product = 0; ///< index into SignatureSet::products()
  Confidence confidence = Confidence::None;
  std::span<const EvidenceItem> evidence;
};

/// Receives the classifier's output. Called on the classifier's thread.
class RecordSink {
public:
  virtual ~RecordSink() = default;
  virtual void flowEnded(const FlowRecord& rec) = 0;
  virtual void vendorAlert(const VendorAlert& alert) = 0;
  virtual void dnsTransaction(const FlowRecord& rec, const DnsTxnFact& txn) = 0;
  virtual void httpRequest(const FlowRecord& rec, const HttpFacts& req) = 0;
};

} // namespace vw::classify
