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

/// Where the signature directory used without --signatures comes from.
struct SignatureDirChoice {
  std::string dir;
  std::string origin; ///< "VENDORWATCH_SIGNATURES", "installed" or "source tree (developer build)"
};

/// The signature directory to use when --signatures is not given, in this order:
/// $VENDORWATCH_SIGNATURES; the source tree's signatures/vendors, only for a developer build
/// (built with VW_DEVELOPER_BUILD=ON, the default) run from the directory it was built in; then the
/// installed data directory: <executable dir>/../share/vendorwatch/signatures if it exists
/// (a relocated `cmake --install --prefix`), else DATADIR/vendorwatch/signatures of the
/// configured prefix. An installed binary never reads a source tree.
SignatureDirChoice chooseSignatureDir();

/// chooseSignatureDir().dir.
std::string defaultSignatureDir();

/// Loads and compiles the signature set; on failure prints every error (file:line) to stderr
/// and returns nullptr.
std::shared_ptr<const signatures::Matcher> loadMatcher(const std::string& dir);

/// Writes a diagnostic line to stderr, prefixed "vendorwatch: ".
void diag(const std::string& msg);

} // namespace vw::cli
