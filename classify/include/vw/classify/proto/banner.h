#pragma once
/// @file banner.h
/// Server-first banners and SSH identification lines: the first bytes an endpoint sent before
/// the other spoke (e.g. ESXi's `220 VMware Authentication Daemon Version 1.10: SSL Required`),
/// and the `SSH-protoversion-softwareversion [comments]` line of RFC 4253 section 4.2 from
/// either side (e.g. `SSH-2.0-FortiSSH_6.4`). Views into the caller's buffer only: no copy, no
/// heap allocation, no exceptions, bounded work.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace vw::classify {

enum class BannerStatus : std::uint8_t {
  Ok,        ///< `prefix` is set; text and SSH fields as far as the bytes show
  NeedMore,  ///< no byte yet, a proper prefix of "SSH-", or an SSH line without its LF yet
  NotBanner, ///< binary data: the first byte is not printable ASCII (`prefix` is still set)
  Malformed  ///< starts as an SSH identification line but breaks RFC 4253's form
};

/// Bytes a banner indicator can look at (signature `banner` values are at most this long).
inline constexpr std::size_t kBannerMaxPrefix = 128;
/// Longest SSH identification line, CR LF included (RFC 4253 section 4.2).
inline constexpr std::size_t kSshMaxIdLine = 255;
/// Bytes searched for an SSH identification line after other text lines (a server may send
/// lines before it), and the number of such lines.
inline constexpr std::size_t kSshMaxPreamble = 1024;
inline constexpr std::size_t kSshMaxPreambleLines = 16;

struct BannerInfo {
  std::span<const std::uint8_t> prefix; ///< the first min(size, kBannerMaxPrefix) bytes, raw
  /// The leading run of `prefix` made of printable ASCII, TAB, CR and LF.
  std::string_view printable;
  std::string_view first_line; ///< `printable` up to its first CR or LF
  bool line_complete = false;  ///< a LF ends `first_line` within `prefix`

  bool ssh = false;              ///< an SSH identification line was found
  std::string_view ssh_line;     ///< the identification line without CR LF
  std::string_view ssh_proto;    ///< protoversion, e.g. "2.0", "1.99"
  std::string_view ssh_software; ///< softwareversion, e.g. "FortiSSH_6.4", "OpenSSH_9.2p1"
  std::string_view ssh_comments; ///< after the first space (may be empty)
  std::uint8_t ssh_preamble = 0; ///< text lines before the identification line

  void clear() { *this = BannerInfo{}; }
};

/// Looks at the first bytes one endpoint sent (`bytes`: the start of its TCP stream, before
/// the other endpoint sent anything, or any side's first bytes for SSH). `out` is cleared
/// first; all views point into `bytes`.
///
/// SSH: a line starting with "SSH-" at the start, or after up to kSshMaxPreambleLines complete
/// text lines within kSshMaxPreamble bytes, must be `SSH-<digits>.<digits>-<software>[
/// <comments>]` of printable ASCII ending in LF (CR LF or bare LF) within kSshMaxIdLine bytes;
/// otherwise Malformed (NeedMore while it may still end in time). Software versions containing
/// '-' are accepted (e.g. `SSH-2.0-Cisco-1.25`).
BannerStatus classifyBanner(std::span<const std::uint8_t> bytes, BannerInfo& out);

/// Human name of a BannerStatus ("ok", "need_more", "not_banner", "malformed").
const char* bannerStatusName(BannerStatus s);

} // namespace vw::classify
