#include "common.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include <vw/signatures/loader.h>

namespace vw::cli {

void diag(const std::string& msg) {
  std::fprintf(stderr, "vendorwatch: %s\n", msg.c_str());
}

namespace {

// The running executable's directory ("" if /proc is not there).
std::filesystem::path exeDir() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path() : exe.parent_path();
}

#ifdef VW_BUILD_TREE
// True if `a` and `b` name the same directory.
bool sameDir(const std::filesystem::path& a, const std::filesystem::path& b) {
  std::error_code ec;
  const bool same = std::filesystem::equivalent(a, b, ec);
  return !ec && same;
}
#endif

} // namespace

SignatureDirChoice chooseSignatureDir() {
  if (const char* env = std::getenv("VENDORWATCH_SIGNATURES"); env != nullptr && *env != '\0')
    return {env, "VENDORWATCH_SIGNATURES"};
  const auto here = exeDir();
  std::error_code ec;
#ifdef VW_BUILD_TREE
  // A developer build run from the directory it was built in reads the source tree it was
  // built from; the same binary copied or installed elsewhere does not.
  if (!here.empty() && sameDir(here, VW_BUILD_TREE) &&
      std::filesystem::is_directory(VW_SOURCE_SIGNATURES, ec))
    return {VW_SOURCE_SIGNATURES, "source tree (developer build)"};
#endif
  if (!here.empty()) {
    const auto rel = here.parent_path() / "share" / "vendorwatch" / "signatures";
    if (std::filesystem::is_directory(rel, ec))
      return {rel.lexically_normal().string(), "installed"};
  }
  return {VW_INSTALLED_SIGNATURES, "installed"};
}

std::string defaultSignatureDir() {
  return chooseSignatureDir().dir;
}

} // namespace vw::cli

namespace vw::cli {

std::shared_ptr<const signatures::Matcher> loadMatcher(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    diag("signature directory '" + dir + "' does not exist or is not a directory");
    return nullptr;
  }
  auto res = signatures::loadSignatureDir(dir);
  if (!res.ok()) {
    for (const auto& e : res.errors)
      std::fprintf(stderr, "%s\n", e.toString().c_str());
    diag("signature set in '" + dir + "' is invalid: " + std::to_string(res.errors.size()) +
         " error(s), nothing loaded");
    return nullptr;
  }
  return std::make_shared<const signatures::Matcher>(res.set);
}

} // namespace vw::cli
