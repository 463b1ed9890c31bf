/// @file banner.cc
/// Server-first banners and SSH identification lines.

#include <algorithm>

#include <vw/classify/proto/banner.h>
#include <vw/packet/byte_reader.h>

namespace vw::classify {
namespace {

bool isPrintable(char c) {
  return c >= 0x20 && c < 0x7f;
}

bool isText(char c) {
  return isPrintable(c) || c == '\t' || c == '\r' || c == '\n';
}

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

/// Parses the SSH identification line at the start of `s` (which starts with "SSH-" and runs
/// to the end of the input).
BannerStatus parseSshLine(std::string_view s, BannerInfo& out) {
  const std::size_t lf = s.substr(0, kSshMaxIdLine).find('\n');
  if (lf == std::string_view::npos) // more bytes may still end the line in time
    return s.size() < kSshMaxIdLine ? BannerStatus::NeedMore : BannerStatus::Malformed;
  std::string_view line = s.substr(0, lf);
  if (!line.empty() && line.back() == '\r')
    line.remove_suffix(1);
  if (!std::all_of(line.begin(), line.end(), isPrintable))
    return BannerStatus::Malformed;
  // "SSH-" protoversion "-" softwareversion [SP comments]
  std::string_view rest = line.substr(4);
  const std::size_t dash = rest.find('-');
  if (dash == std::string_view::npos)
    return BannerStatus::Malformed;
  const std::string_view proto = rest.substr(0, dash);
  const std::size_t dot = proto.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == proto.size() ||
      !std::all_of(proto.begin(), proto.begin() + static_cast<std::ptrdiff_t>(dot), isDigit) ||
      !std::all_of(proto.begin() + static_cast<std::ptrdiff_t>(dot) + 1, proto.end(), isDigit))
    return BannerStatus::Malformed;
  rest.remove_prefix(dash + 1);
  const std::size_t sp = rest.find(' ');
  const std::string_view software = rest.substr(0, sp);
  if (software.empty())
    return BannerStatus::Malformed;
  out.ssh = true;
  out.ssh_line = line;
  out.ssh_proto = proto;
  out.ssh_software = software;
  out.ssh_comments = sp == std::string_view::npos ? std::string_view{} : rest.substr(sp + 1);
  return BannerStatus::Ok;
}

} // namespace

BannerStatus classifyBanner(std::span<const std::uint8_t> bytes, BannerInfo& out) {
  out.clear();
  ByteReader r(bytes);
  if (r.empty())
    return BannerStatus::NeedMore;
  r.bytes(std::min(r.remaining(), kBannerMaxPrefix), out.prefix);

  const std::string_view pre = asChars(out.prefix);
  const std::size_t text_end = std::find_if_not(pre.begin(), pre.end(), isText) - pre.begin();
  out.printable = pre.substr(0, text_end);
  const std::size_t eol = out.printable.find_first_of("\r\n");
  out.first_line = out.printable.substr(0, eol);
  out.line_complete = out.printable.find('\n') != std::string_view::npos;
  if (out.printable.empty())
    return BannerStatus::NotBanner;

  // SSH: at the start, or after complete text lines (RFC 4253 lets a server send lines first).
  const std::string_view all = asChars(bytes);
  const std::string_view scan = all.substr(0, kSshMaxPreamble);
  std::size_t pos = 0;
  for (std::size_t lines = 0; lines <= kSshMaxPreambleLines; ++lines) {
    const std::string_view rest = scan.substr(pos);
    constexpr std::string_view kSsh = "SSH-";
    if (!rest.empty() && rest.size() < kSsh.size() && kSsh.substr(0, rest.size()) == rest)
      return pos + rest.size() == all.size() ? BannerStatus::NeedMore : BannerStatus::Ok;
    if (rest.substr(0, kSsh.size()) == kSsh) {
      out.ssh_preamble = static_cast<std::uint8_t>(lines);
      return parseSshLine(all.substr(pos), out);
    }
    const std::size_t lf = rest.find('\n');
    if (lf == std::string_view::npos ||
        !std::all_of(rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(lf), isText))
      break; // no further complete text line
    pos += lf + 1;
  }
  return BannerStatus::Ok;
}

const char* bannerStatusName(BannerStatus s) {
  switch (s) {
  case BannerStatus::Ok:
    return "ok";
  case BannerStatus::NeedMore:
    return "need_more";
  case BannerStatus::NotBanner:
    return "not_banner";
  case BannerStatus::Malformed:
    return "malformed";
  }
  return "";
}

} // namespace vw::classify
