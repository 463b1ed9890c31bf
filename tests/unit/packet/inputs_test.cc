// expandInputs: files, directories (recursive, byte-wise sorted), stdin, missing paths.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <vw/capture/packet_source.h>

using vw::capture::expandInputs;

namespace {
namespace fs = std::filesystem;

fs::path scratch(const std::string& name) {
  const fs::path dir = fs::path(VW_TEST_SCRATCH) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

/// Creates a file that starts with the pcap magic number (directories only yield such files).
void touch(const fs::path& p) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << "\xd4\xc3\xb2\xa1";
}
} // namespace

TEST_CASE("Directories expand recursively in byte-wise sorted order") {
  const fs::path d = scratch("inputs_sorted");
  for (const char* f : {"b.pcap", "a.pcap", "B.pcap", "sub/c.pcap", "sub/A.pcapng", "_x.pcap",
                        "Z/z.pcap", "sub/deeper/0.cap"})
    touch(d / f);
  fs::create_directories(d / "emptydir");
  std::vector<std::string> errors;
  const auto got = expandInputs({d.string()}, errors);
  CHECK(errors.empty());
  const std::string s = d.string() + "/";
  const std::vector<std::string> want{s + "B.pcap",     s + "Z/z.pcap",        s + "_x.pcap",
                                      s + "a.pcap",     s + "b.pcap",          s + "sub/A.pcapng",
                                      s + "sub/c.pcap", s + "sub/deeper/0.cap"};
  CHECK(got == want);
}

TEST_CASE("Inputs keep their command-line order and missing paths are reported") {
  const fs::path d = scratch("inputs_order");
  touch(d / "dir" / "2.pcap");
  touch(d / "dir" / "1.pcap");
  touch(d / "z.pcap");
  const std::string missing = (d / "missing.pcap").string();
  std::vector<std::string> errors;
  const auto got =
      expandInputs({(d / "z.pcap").string(), "-", missing, (d / "dir").string()}, errors);
  const std::vector<std::string> want{(d / "z.pcap").string(), "-", (d / "dir" / "1.pcap").string(),
                                      (d / "dir" / "2.pcap").string()};
  CHECK(got == want);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] == missing + ": No such file or directory");
}

TEST_CASE("An empty input list expands to nothing") {
  std::vector<std::string> errors;
  CHECK(expandInputs({}, errors).empty());
  CHECK(errors.empty());
}

TEST_CASE("Directories skip files that are not captures; named files are always kept") {
  const fs::path d = scratch("inputs_magic");
  touch(d / "a.pcap");
  std::ofstream(d / "README.md") << "# not a capture";
  std::ofstream(d / "x.truth.json") << "{}";
  std::ofstream(d / "ng.pcapng", std::ios::binary) << "\x0a\x0d\x0d\x0a";
  std::vector<std::string> errors;
  const auto got = expandInputs({d.string(), (d / "README.md").string()}, errors);
  const std::vector<std::string> want{(d / "a.pcap").string(), (d / "ng.pcapng").string(),
                                      (d / "README.md").string()};
  CHECK(got == want);
  CHECK(errors.empty());
}
