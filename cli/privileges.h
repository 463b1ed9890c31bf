#pragma once
// `-Z USER`: drop root after the capture handles are open (as tcpdump does).

#include <string>

namespace vw::cli {

/// Switches the process to USER: supplementary groups (initgroups), then the primary group
/// (setgid), then the user (setuid). Verifies the result with getuid/geteuid/getgid and that
/// root cannot be regained. Returns false with a message in `err` on any failure; the caller
/// must then exit (never continue as root when a drop was asked for).
bool dropPrivileges(const std::string& user, std::string& err);

} // namespace vw::cli
