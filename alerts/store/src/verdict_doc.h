#pragma once
// The non-additive part of a ledger entry as kept in the `verdicts` table: the strongest
// verdict, evidence, products and (instances) the clients seen using it. Stored as a small
// JSON object per key; merged field by field so that any order of commits gives the same
// result. Private to alerts/store.
#include <string>

#include <nlohmann/json.hpp>

namespace vw::store {

inline constexpr std::size_t kMaxEvidence = 32; ///< evidence items kept per key
inline constexpr std::size_t kMaxClients = 64;  ///< instance clients listed per key

int confidenceRank(const std::string& s); ///< "low" 1, "medium" 2, "high" 3, else 0
const char* confidenceName(int r);        ///< 1..3 -> name, else "unknown"

/// Unites `from` into `into` ({confidence, best, evidence, products, clients, client_count,
/// hosts}); keys not in that list are taken from `from` when `into` lacks them.
void mergeVerdict(nlohmann::json& into, const nlohmann::json& from);

} // namespace vw::store
