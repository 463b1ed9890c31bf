// Strict loader for the vendor signature database (control path). Reads one TOML file per vendor
// plus the manifest `_set.toml`, validates everything (schema, values, cross-file duplicates) and
// returns either a complete immutable SignatureSet or the list of all errors found. Nothing is
// loaded if there is any error. toml++ exceptions never escape.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <vw/signatures/signature_set.h>

namespace vw::signatures {

/// File name of the manifest inside a signature directory.
inline constexpr std::string_view kManifestFile = "_set.toml";

/// One validation error, located at `file:line` (line 0 = the file as a whole).
struct LoadError {
  std::string file;
  std::uint32_t line = 0;
  std::string message;
  /// "file:line: message" (or "file: message" when line is 0).
  std::string toString() const;
};

struct LoadOptions {
  /// Require a file for every vendor the manifest lists in `required_vendors` (the shipped set
  /// lists its 16 seed vendors). Tests that load a small directory turn this off. Vendors not
  /// listed there load as well: a new `<id>.toml` is enough to add a vendor.
  bool requireAllVendors = true;
};

/// Result of a load: exactly one of `set` / `errors` is non-empty.
struct LoadResult {
  std::shared_ptr<const SignatureSet> set;
  std::vector<LoadError> errors;
  bool ok() const noexcept { return set != nullptr; }
};

/// An in-memory file for loadSignatureTexts(): `name` is the file name (e.g. "wiz.toml" or
/// "_set.toml"), `path` what error messages show (defaults to `name`).
struct SourceText {
  std::string name;
  std::string text;
  std::string path;
};

/// Loads every `*.toml` file of `dir` (other files and dot-files are ignored). Vendors come out
/// in the manifest's `required_vendors` order, then the others sorted by id.
LoadResult loadSignatureDir(const std::filesystem::path& dir, const LoadOptions& options = {});

/// Same validation on in-memory texts (used by the fuzz target and tests).
LoadResult loadSignatureTexts(std::vector<SourceText> files, const LoadOptions& options = {});

} // namespace vw::signatures
