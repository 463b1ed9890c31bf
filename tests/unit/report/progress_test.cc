#include <cstdio>
#include <string>

#include <catch2/catch.hpp>

#include "progress.h"

using vw::cli::formatProgress;
using vw::cli::ProgressReporter;
using vw::cli::ProgressSnapshot;

TEST_CASE("The progress line shows share, bytes, rate, flows, alerts and ETA") {
  ProgressSnapshot s;
  s.bytes_read = 256ull << 20;
  s.bytes_total = 1024ull << 20;
  s.packets = 90000;
  s.flows = 1234;
  s.alerts = 5;
  s.elapsed_s = 2.0;
  CHECK(formatProgress(s) ==
        " 25.0%  256.0 MiB / 1.0 GiB  45.0k pkt/s  flows 1234  alerts 5  ETA 0:00:06");
}

TEST_CASE(
    "Without a known total or elapsed time the progress line leaves out what it cannot know") {
  ProgressSnapshot s;
  s.bytes_read = 2048;
  s.packets = 3;
  CHECK(formatProgress(s) == "2.0 KiB  -- pkt/s  flows 0  alerts 0");
  s.bytes_total = 4096;
  CHECK(formatProgress(s) == " 50.0%  2.0 KiB / 4.0 KiB  -- pkt/s  flows 0  alerts 0  ETA --");
  // Reads past the stated total (a growing file) are clamped.
  s.bytes_read = 9000;
  s.elapsed_s = 3600;
  CHECK(formatProgress(s).rfind("100.0%  4.0 KiB / 4.0 KiB", 0) == 0);
  CHECK(formatProgress(s).find("ETA 0:00:00") != std::string::npos);
}

TEST_CASE("A disabled progress reporter writes nothing") {
  std::FILE* f = std::tmpfile();
  REQUIRE(f != nullptr);
  {
    ProgressReporter p(100, false, f);
    p.tick(50, 1, 1, 1);
    p.finish();
  }
  CHECK(std::ftell(f) == 0);
  std::fclose(f);
}
