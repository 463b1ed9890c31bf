#pragma once
// `--config FILE`: a TOML file whose keys mirror a command's long flag names
// (`interface = ["eth0"]`, `snaplen = 65535`, `log-flows = true`, `eve = ["/var/log/vw.json"]`).
// Values from the command line win: a key is applied only when its flag was not given.

#include <string>

#include <CLI/CLI.hpp>

namespace vw::cli {

/// Loads `path` and applies each key to the option `--KEY` of `cmd` that was not set on the
/// command line (CLI11 conversions and validators apply as for flags). Errors (syntax, unknown
/// key, wrong type or value) are returned as "FILE:LINE: message" lines in `err`; false then.
bool applyConfigFile(const std::string& path, CLI::App& cmd, std::string& err);

} // namespace vw::cli
