#pragma once
// Command registration (CLI11) and execution. Each command fills its options struct during
// parsing and runs after parsing succeeded.

#include <functional>

#include <CLI/CLI.hpp>

namespace vw::cli {

/// Adds `scan` to the app; `run` is set to the command's entry point when it is selected.
void addScanCommand(CLI::App& app, std::function<int()>& run);
/// Adds `signatures check|list|explain`.
void addSignaturesCommand(CLI::App& app, std::function<int()>& run);
/// Adds `export` under the `signatures` subcommand (export_cmd.cc).
void addSignaturesExportCommand(CLI::App& signatures, std::function<int()>& run);
/// Adds `report` (merge of scan summaries into HTML/CSV/JSON; report_cmd.cc).
void addReportCommand(CLI::App& app, std::function<int()>& run);
/// Adds `live` (capture on interfaces; see docs/live.md).
void addLiveCommand(CLI::App& app, std::function<int()>& run);

} // namespace vw::cli
