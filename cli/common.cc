#include "common.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include <vw/signatures/loader.h>

namespace vw::cli {

void diag(const std::string& msg) {
  std::fprintf(stderr, "vendorwatch: %s\n", msg.c_str());
}

std::string defaultSignatureDir() {
  if (const char* env = std::getenv("VENDORWATCH_SIGNATURES"); env != nullptr && *env != '\0')
    return env;
  std::error_code ec;
  if (std::filesystem::is_directory(VW_SOURCE_SIGNATURES, ec))
    return VW_SOURCE_SIGNATURES;
  return VW_INSTALLED_SIGNATURES;
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
