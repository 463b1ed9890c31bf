// Expansion of command-line inputs into the list of capture files to read (control path).
#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

#include <vw/capture/packet_source.h>

namespace vw::capture {
namespace {

namespace fs = std::filesystem;

/// True if the file starts with a pcap (either byte order, micro or nanosecond) or pcapng
/// magic number. Used to skip README, truth and script files found in directories; files named
/// on the command line are always handed to libpcap, which then reports what is wrong.
bool hasCaptureMagic(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::array<unsigned char, 4> m{};
  if (!in.read(reinterpret_cast<char*>(m.data()), 4))
    return false;
  const std::uint32_t be =
      (std::uint32_t{m[0]} << 24) | (std::uint32_t{m[1]} << 16) | (std::uint32_t{m[2]} << 8) | m[3];
  return be == 0xa1b2c3d4 || be == 0xd4c3b2a1 || be == 0xa1b23c4d || be == 0x4d3cb2a1 ||
         be == 0x0a0d0d0a;
}

/// Capture files below `dir`, recursively, sorted byte-wise. Unreadable subdirectories are
/// reported in `errors` and skipped.
void walkDirectory(const std::string& dir, std::vector<std::string>& out,
                   std::vector<std::string>& errors) {
  std::vector<std::string> found;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  if (ec) {
    errors.push_back(dir + ": " + ec.message());
    return;
  }
  for (const fs::recursive_directory_iterator end; it != end; it.increment(ec)) {
    if (ec) {
      errors.push_back(dir + ": " + ec.message());
      break;
    }
    std::error_code type_ec;
    if (it->is_regular_file(type_ec) && hasCaptureMagic(it->path())) // follows symlinks
      found.push_back(it->path().string());
  }
  // std::string compares char_traits<char>, i.e. as unsigned bytes: locale-independent order.
  std::sort(found.begin(), found.end());
  out.insert(out.end(), found.begin(), found.end());
}

} // namespace

std::vector<std::string> expandInputs(const std::vector<std::string>& inputs,
                                      std::vector<std::string>& errors) {
  std::vector<std::string> out;
  for (const auto& in : inputs) {
    if (in == "-") {
      out.push_back(in);
      continue;
    }
    std::error_code ec;
    const fs::file_status st = fs::status(in, ec);
    if (st.type() == fs::file_type::not_found) {
      errors.push_back(in + ": " +
                       std::make_error_code(std::errc::no_such_file_or_directory).message());
      continue;
    }
    if (ec) {
      errors.push_back(in + ": " + ec.message());
      continue;
    }
    if (st.type() == fs::file_type::directory)
      walkDirectory(in, out, errors);
    else
      out.push_back(in); // regular file, FIFO, device: libpcap decides
  }
  return out;
}

} // namespace vw::capture
