#pragma once
// Catch2 2.x has no SKIP: a test whose input (../shared) is missing prints "SKIPPED: ..." and
// returns, and its ctest registration maps that text to "skipped" (SKIP_REGULAR_EXPRESSION).
// Under VW_NO_SKIP=1 (CI, .ci/run) the missing input fails the test instead.

#include <cstdlib>
#include <cstring>

#include <catch2/catch.hpp>

namespace vw::test {
// VW_NO_SKIP=1 (.ci/run), VW_CI=1 or CI=true: a missing input is a failure.
inline bool noSkip() {
  const auto set = [](const char* name) {
    const char* v = std::getenv(name);
    return v != nullptr && *v != '\0' && std::strcmp(v, "0") != 0;
  };
  const char* ci = std::getenv("CI");
  return set("VW_NO_SKIP") || set("VW_CI") || (ci != nullptr && std::strcmp(ci, "true") == 0);
}
} // namespace vw::test

/// Ends the current TEST_CASE: skipped normally, failed under VW_NO_SKIP=1.
#define VW_SKIP_OR_FAIL(msg)                                                                       \
  do {                                                                                             \
    if (vw::test::noSkip())                                                                        \
      FAIL(msg << " (VW_NO_SKIP=1: a missing input fails the test)");                              \
    WARN("SKIPPED: " << msg);                                                                      \
    return;                                                                                        \
  } while (false)
