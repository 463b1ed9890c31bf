// Helpers shared by the vw_signatures unit tests.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

#include <vw/signatures/loader.h>

namespace vw::signatures::test {

inline const std::string kManifest = "[set]\nversion = \"t.1\"\ndate = 2026-11-22\n";

/// Lines 1..12 of a valid vendor file with one product "p" (role api); text appended after this
/// starts at line 13.
inline std::string vendorHead(const std::string& id) {
  return "[vendor]\n" // 1
         "id = \"" +
         id +
         "\"\n"                  // 2
         "name = \"Name\"\n"     // 3
         "country = \"US\"\n"    // 4
         "parent = \"Parent\"\n" // 5
         "status = \"banned\"\n" // 6
         "\n"                    // 7
         "[[product]]\n"         // 8
         "id = \"p\"\n"          // 9
         "name = \"P\"\n"        // 10
         "role = \"api\"\n"      // 11
         "\n";                   // 12
}

/// A valid domain indicator block of 8 lines (value on its 5th line).
inline std::string domainIndicator(const std::string& value, const std::string& match = "suffix") {
  return "[[indicator]]\n"
         "product = \"p\"\n"
         "kind = \"domain\"\n"
         "match = \"" +
         match +
         "\"\n"
         "value = \"" +
         value +
         "\"\n"
         "confidence = \"high\"\n"
         "source = \"https://example.com/doc\"\n"
         "source_date = 2026-11-01\n";
}

/// A directory under the system temp dir, removed on destruction. The name is fixed per test plus
/// the process id (no randomness), so parallel ctest runs do not collide.
class TempDir {
public:
  explicit TempDir(const std::string& name)
      : path_(std::filesystem::temp_directory_path() /
              ("vw_sig_" + name + "_" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ / name, std::ios::binary) << text;
  }
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
  std::filesystem::path path_;
};

/// Loads `files` (plus the manifest unless `withManifest` is false) from a temp dir.
inline LoadResult loadFiles(const std::string& testName,
                            const std::vector<std::pair<std::string, std::string>>& files,
                            bool withManifest = true, bool requireAll = false) {
  TempDir dir(testName);
  if (withManifest)
    dir.write("_set.toml", kManifest);
  for (const auto& [name, text] : files)
    dir.write(name, text);
  LoadOptions opt;
  opt.requireAllVendors = requireAll;
  return loadSignatureDir(dir.path(), opt);
}

/// All error strings joined by newlines (for failure messages and substring checks).
inline std::string joinErrors(const LoadResult& r) {
  std::string s;
  for (const auto& e : r.errors)
    s += e.toString() + "\n";
  return s;
}

} // namespace vw::signatures::test
