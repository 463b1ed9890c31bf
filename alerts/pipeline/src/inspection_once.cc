#include <nlohmann/json.hpp>

#include <vw/pipeline/inspection_once.h>

namespace vw::pipeline {

std::size_t KeyedStringHash::operator()(const std::string& s) const noexcept {
  return static_cast<std::size_t>(
      classify::keyedHash(key, {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}));
}

std::string InspectionOnce::keyOf(const std::string& json) {
  const auto j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object())
    return {};
  const auto it = j.find("inspection");
  if (it == j.end() || !it->is_object())
    return {};
  const auto part = [&](const char* name) {
    const auto p = it->find(name);
    return p == it->end() ? std::string() : p->dump();
  };
  return part("vendor") + '\x1f' + part("product") + '\x1f' + part("ca");
}

bool InspectionOnce::pass(const alerts::OutEvent& ev) {
  if (ev.kind != alerts::EventKind::Inspection)
    return true;
  std::string key = keyOf(ev.json);
  if (key.empty())
    return true;
  if (seen_.count(key) != 0) {
    ++dropped_;
    return false;
  }
  if (seen_.size() >= cap_) {
    ++unfiltered_;
    return true;
  }
  seen_.insert(std::move(key));
  return true;
}

} // namespace vw::pipeline
