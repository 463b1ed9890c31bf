// Replays fuzz inputs (files or directories of files) through LLVMFuzzerTestOneInput without
// libFuzzer, so the corpus and past crashers run as ordinary ctest tests under ASan/UBSan.
// Fails (exit 1) when no argument is given, an argument does not exist or cannot be read, or
// nothing at all was replayed: a corpus that went missing must not pass as "0 inputs, fine".
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {
bool runFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "replay: cannot read %s\n", p.string().c_str());
    return false;
  }
  std::vector<char> buf((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) {
    std::fprintf(stderr, "replay: read error on %s\n", p.string().c_str());
    return false;
  }
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(buf.data()), buf.size());
  return true;
}
} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...\n", argv[0]);
    return 1;
  }
  int n = 0;
  int bad = 0;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path p(argv[i]);
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec)) {
      int here = 0;
      for (const auto& e : std::filesystem::recursive_directory_iterator(p, ec)) {
        if (!e.is_regular_file())
          continue;
        if (runFile(e.path()))
          ++here;
        else
          ++bad;
      }
      if (ec) {
        std::fprintf(stderr, "replay: cannot list %s: %s\n", p.string().c_str(),
                     ec.message().c_str());
        ++bad;
      }
      if (here == 0) {
        std::fprintf(stderr, "replay: %s holds no input\n", p.string().c_str());
        ++bad;
      }
      n += here;
    } else if (std::filesystem::is_regular_file(p, ec)) {
      if (runFile(p))
        ++n;
      else
        ++bad;
    } else {
      std::fprintf(stderr, "replay: %s does not exist\n", p.string().c_str());
      ++bad;
    }
  }
  std::fprintf(stderr, "replayed %d inputs, %d problem(s)\n", n, bad);
  return bad == 0 && n > 0 ? 0 : 1;
}
