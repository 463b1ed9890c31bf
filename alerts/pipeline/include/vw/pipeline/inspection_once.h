#pragma once
/// @file inspection_once.h
/// One `inspection` event per finding for the whole run, whatever the number of workers.
///
/// Each classifier writes an inspection event the first time it sees a certificate of an
/// interception CA (classify/src/instances.cc). With several workers each worker has its own
/// ledger, so each writes its own first event for the same CA. The pool's merge passes every
/// event through here: the first event of a finding (vendor, product, CA) goes on, later ones
/// of the same finding are dropped and counted. The summary's inspection section is merged from
/// the workers' ledgers and is not affected.
///
/// Bounded: at most `cap` findings are remembered (CA strings come from certificates, that is
/// from the network) in a set under the process's keyed hash (classify/keyed_hash.h); past the
/// cap, events pass unfiltered and are counted as `unfiltered`.

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_set>

#include <vw/alerts/event.h>
#include <vw/classify/keyed_hash.h>

namespace vw::pipeline {

/// std::hash replacement for strings that come from the network: the process's keyed hash.
struct KeyedStringHash {
  classify::HashKey key = classify::processHashKey();
  std::size_t operator()(const std::string& s) const noexcept;
};

class InspectionOnce {
public:
  explicit InspectionOnce(std::size_t cap = 4096) : cap_(cap) {}

  /// Whether `ev` should be written: true for every event that is not an inspection event,
  /// and for the first event of each finding.
  bool pass(const alerts::OutEvent& ev);

  std::uint64_t dropped() const { return dropped_; }
  std::uint64_t unfiltered() const { return unfiltered_; }

  /// The finding key of an inspection event's JSON line ("" when it has none).
  static std::string keyOf(const std::string& json);

private:
  std::size_t cap_;
  std::unordered_set<std::string, KeyedStringHash> seen_;
  std::uint64_t dropped_ = 0;
  std::uint64_t unfiltered_ = 0;
};

} // namespace vw::pipeline
