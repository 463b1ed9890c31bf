#pragma once
// Helpers shared by the CLI commands (composition root only).

#include <memory>
#include <string>
#include <vector>

#include <vw/signatures/matcher.h>

namespace vw::cli {

/// Exit codes of every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitInputError = 1; ///< an input could not be read (others were)
inline constexpr int kExitUsage = 2;      ///< bad usage or configuration

/// The signature directory to use when none is given: $VENDORWATCH_SIGNATURES, the source
/// tree's signatures/vendors (for a build tree), then the installed share directory.
std::string defaultSignatureDir();

/// Loads and compiles the signature set; on failure prints every error (file:line) to stderr
/// and returns nullptr.
std::shared_ptr<const signatures::Matcher> loadMatcher(const std::string& dir);

/// Writes a diagnostic line to stderr, prefixed "vendorwatch: ".
void diag(const std::string& msg);

} // namespace vw::cli
