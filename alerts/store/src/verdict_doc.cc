#include "verdict_doc.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace vw::store {
namespace {

using Json = nlohmann::json;

std::string str(const Json& o, const char* k) {
  auto it = o.find(k);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::uint64_t count(const Json& o, const char* k) {
  auto it = o.find(k);
  if (it == o.end())
    return 0;
  if (it->is_number_unsigned())
    return it->get<std::uint64_t>();
  if (it->is_number_integer() && it->get<std::int64_t>() >= 0)
    return static_cast<std::uint64_t>(it->get<std::int64_t>());
  return 0;
}

std::tuple<std::string, std::string, std::string> evKey(const Json& e) {
  return {str(e, "field"), str(e, "value"), str(e, "indicator")};
}

/// Union of two evidence arrays, deduplicated by (field, value, indicator), sorted by that key
/// and bounded: the result does not depend on the order of the merges.
Json unionEvidence(const Json& a, const Json& b) {
  std::map<std::tuple<std::string, std::string, std::string>, Json> items;
  for (const Json* arr : {&a, &b})
    if (arr->is_array())
      for (const auto& e : *arr)
        if (e.is_object())
          items.emplace(evKey(e), e);
  Json out = Json::array();
  for (auto& [k, e] : items) {
    if (out.size() >= kMaxEvidence)
      break;
    out.push_back(e);
  }
  return out;
}

Json unionStrings(const Json& a, const Json& b, std::size_t cap) {
  std::set<std::string> s;
  for (const Json* arr : {&a, &b})
    if (arr->is_array())
      for (const auto& x : *arr)
        if (x.is_string())
          s.insert(x.get<std::string>());
  Json out = Json::array();
  for (const auto& x : s) {
    if (out.size() >= cap)
      break;
    out.push_back(x);
  }
  return out;
}

} // namespace

int confidenceRank(const std::string& s) {
  if (s == "high")
    return 3;
  if (s == "medium")
    return 2;
  if (s == "low")
    return 1;
  return 0;
}

const char* confidenceName(int r) {
  switch (r) {
  case 3:
    return "high";
  case 2:
    return "medium";
  case 1:
    return "low";
  default:
    return "unknown";
  }
}

void mergeVerdict(Json& into, const Json& from) {
  if (!from.is_object())
    return;
  if (!into.is_object()) {
    into = Json::object();
  }
  const int ci = confidenceRank(str(into, "confidence")),
            cf = confidenceRank(str(from, "confidence"));
  if (cf > ci)
    into["confidence"] = from["confidence"];
  // The strongest verdict: higher confidence wins; on a tie the one kept first stays.
  if (auto b = from.find("best"); b != from.end() && b->is_object()) {
    auto a = into.find("best");
    if (a == into.end() || !a->is_object() ||
        confidenceRank(str(*b, "confidence")) > confidenceRank(str(*a, "confidence")))
      into["best"] = *b;
  }
  if (from.contains("evidence") || into.contains("evidence"))
    into["evidence"] =
        unionEvidence(into.value("evidence", Json::array()), from.value("evidence", Json::array()));
  if (from.contains("products") || into.contains("products"))
    into["products"] = unionStrings(into.value("products", Json::array()),
                                    from.value("products", Json::array()), 256);
  if (from.contains("clients") || into.contains("clients") || from.contains("client_count")) {
    Json listed = Json::array();
    std::set<std::string> all;
    for (const Json* d : {static_cast<const Json*>(&into), &from})
      if (auto c = d->find("clients"); c != d->end() && c->is_array())
        for (const auto& x : *c)
          if (x.is_string())
            all.insert(x.get<std::string>());
    for (const auto& x : all) {
      if (listed.size() >= kMaxClients)
        break;
      listed.push_back(x);
    }
    // Counts: the listed clients of two documents may be truncated, so the united count is a
    // lower bound: the larger of the distinct union and either document's own count.
    const std::uint64_t n = std::max<std::uint64_t>(
        all.size(), std::max(count(into, "client_count"), count(from, "client_count")));
    into["clients"] = std::move(listed);
    into["client_count"] = n;
  }
  if (from.contains("hosts"))
    into["hosts"] = std::max(count(into, "hosts"), count(from, "hosts"));
  for (const auto& [k, v] : from.items())
    if (!into.contains(k))
      into[k] = v;
}

} // namespace vw::store
