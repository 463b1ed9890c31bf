#include "config_file.h"

#include <vector>

#include <toml++/toml.h>

namespace vw::cli {
namespace {

std::string where(const std::string& path, const toml::source_region& src) {
  return path + ":" + std::to_string(src.begin.line);
}

/// Converts a TOML scalar to the string CLI11 would have received on the command line.
bool scalarText(const toml::node& n, std::string& out) {
  if (auto s = n.as_string()) {
    out = s->get();
    return true;
  }
  if (auto i = n.as_integer()) {
    out = std::to_string(i->get());
    return true;
  }
  if (auto f = n.as_floating_point()) {
    out = std::to_string(f->get());
    return true;
  }
  if (auto b = n.as_boolean()) {
    out = b->get() ? "true" : "false";
    return true;
  }
  return false;
}

} // namespace

bool applyConfigFile(const std::string& path, CLI::App& cmd, std::string& err) {
  toml::table tbl;
  try {
    tbl = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    if (e.source().begin.line == 0)
      err = path + ": " + std::string(e.description());
    else
      err = where(path, e.source()) + ": " + std::string(e.description());
    return false;
  }
  bool ok = true;
  auto fail = [&](const std::string& msg) {
    if (!err.empty())
      err += "\n";
    err += msg;
    ok = false;
  };
  for (const auto& [k, node] : tbl) {
    const std::string key(k.str());
    const std::string at = where(path, node.source());
    if (key == "config" || key == "help") {
      fail(at + ": key '" + key + "' is not allowed in a configuration file");
      continue;
    }
    CLI::Option* opt = cmd.get_option_no_throw("--" + key);
    if (opt == nullptr) {
      fail(at + ": unknown key '" + key + "'");
      continue;
    }
    std::vector<std::string> values;
    if (const auto* arr = node.as_array()) {
      bool bad = false;
      for (const auto& el : *arr) {
        std::string v;
        if (!scalarText(el, v)) {
          fail(where(path, el.source()) + ": '" + key + "': array elements must be scalars");
          bad = true;
          break;
        }
        values.push_back(std::move(v));
      }
      if (bad)
        continue;
      if (opt->get_items_expected_max() <= 1 && values.size() != 1) {
        fail(at + ": '" + key + "' takes a single value, not an array");
        continue;
      }
    } else {
      std::string v;
      if (!scalarText(node, v)) {
        fail(at + ": '" + key + "' must be a string, number, boolean or array");
        continue;
      }
      values.push_back(std::move(v));
    }
    if (opt->count() > 0)
      continue; // the command line wins
    try {
      for (auto& v : values)
        opt->add_result(v);
      opt->run_callback();
    } catch (const CLI::Error& e) {
      fail(at + ": '" + key + "': " + e.what());
    }
  }
  return ok;
}

} // namespace vw::cli
