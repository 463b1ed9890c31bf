#pragma once
/// @file eve.h
/// EVE-style JSON encoding of classifier records (flow, vendor, inspection, dns, http, stats),
/// fanned out to the configured EventSinks. See docs/events.md for the format. Vendor, product
/// and indicator values come from the records themselves (which point into the signature set
/// their verdict was decided with), never from the set this sink was given last.

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <vw/alerts/event.h>
#include <vw/classify/records.h>
#include <vw/signatures/signature_set.h>

namespace vw::alerts {

/// ISO 8601 UTC with microseconds, e.g. "2026-01-05T10:00:00.123456Z".
std::string isoTime(std::int64_t ts_us);

/// Serialises JSON to one line; invalid UTF-8 (hostile names) becomes U+FFFD.
std::string dumpLine(const nlohmann::ordered_json& j);

struct EveOptions {
  bool log_flows = false; ///< write a "flow" event per ended flow
};

/// RecordSink that encodes records as EVE events and writes them to every sink in `outs`.
/// Vendor, DNS and HTTP records are always written (the classifier only reports DNS/HTTP
/// transactions when asked to); flow records only with `log_flows`.
class EveRecordSink final : public classify::RecordSink {
public:
  EveRecordSink(EveOptions opt, std::shared_ptr<const signatures::SignatureSet> sigs,
                std::vector<EventSink*> outs);
  /// Records the current signature set (after a reload). Records carry their own set, so this
  /// only affects nothing but `signatures()`.
  void setSignatures(std::shared_ptr<const signatures::SignatureSet> sigs);
  const std::shared_ptr<const signatures::SignatureSet>& signatures() const { return sigs_; }

  void flowEnded(const classify::FlowRecord& rec) override;
  void vendorAlert(const classify::VendorAlert& alert) override;
  void dnsTransaction(const classify::FlowRecord& rec, const classify::DnsTxnFact& txn) override;
  void httpRequest(const classify::FlowRecord& rec, const classify::HttpFacts& req) override;
  void inspectionFound(const classify::InspectionRecord& rec) override;

  /// Writes an arbitrary event (e.g. stats) to every sink.
  void write(const OutEvent& ev);

  std::uint64_t written(EventKind k) const { return counts_[static_cast<int>(k)]; }

private:
  nlohmann::ordered_json common(const classify::FlowRecord& rec, const char* type) const;
  void addVerdict(nlohmann::ordered_json& j, const classify::FlowRecord& rec) const;
  static nlohmann::ordered_json evidenceJson(std::span<const classify::EvidenceItem> ev);

  EveOptions opt_;
  std::shared_ptr<const signatures::SignatureSet> sigs_;
  std::vector<EventSink*> outs_;
  std::uint64_t counts_[6] = {0, 0, 0, 0, 0, 0};
};

/// The DNS object of an event: {query, type, rcode, answers: [{type, data, ttl}]}.
nlohmann::ordered_json dnsJson(const classify::DnsTxnFact& t);

} // namespace vw::alerts
