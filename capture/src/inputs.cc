// Expansion of command-line inputs into the list of capture files to read (control path).
#include <algorithm>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include <vw/capture/packet_source.h>

namespace vw::capture {
namespace {

namespace fs = std::filesystem;

/// Regular files below `dir`, recursively, sorted byte-wise. Unreadable subdirectories are
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
    if (it->is_regular_file(type_ec)) // follows symlinks
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
