#pragma once
/// @file byte_reader.h
/// The one bounds-checked reader through which all packet and payload bytes are read.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace vw {

/// A forward cursor over a byte span. Every read checks the remaining length first; a read
/// past the end fails (returns false / an empty span), sets the sticky `failed()` flag and
/// leaves the cursor where it was. No exceptions, no allocation.
///
/// Network byte order (big endian) unless the method name says `Le`.
class ByteReader {
public:
  ByteReader() = default;
  explicit ByteReader(std::span<const std::uint8_t> data) : data_(data) {}

  /// Bytes not yet consumed.
  std::size_t remaining() const { return data_.size() - pos_; }
  /// Offset of the cursor from the start of the span.
  std::size_t offset() const { return pos_; }
  /// True once any read or skip went past the end.
  bool failed() const { return failed_; }
  bool empty() const { return remaining() == 0; }
  /// True if `n` more bytes can be read.
  bool canRead(std::size_t n) const { return n <= remaining(); }

  bool u8(std::uint8_t& out) {
    if (!need(1))
      return false;
    out = data_[pos_++];
    return true;
  }
  bool u16(std::uint16_t& out) {
    if (!need(2))
      return false;
    out = static_cast<std::uint16_t>((data_[pos_] << 8) | data_[pos_ + 1]);
    pos_ += 2;
    return true;
  }
  bool u24(std::uint32_t& out) {
    if (!need(3))
      return false;
    out = (std::uint32_t{data_[pos_]} << 16) | (std::uint32_t{data_[pos_ + 1]} << 8) |
          data_[pos_ + 2];
    pos_ += 3;
    return true;
  }
  bool u32(std::uint32_t& out) {
    if (!need(4))
      return false;
    out = (std::uint32_t{data_[pos_]} << 24) | (std::uint32_t{data_[pos_ + 1]} << 16) |
          (std::uint32_t{data_[pos_ + 2]} << 8) | data_[pos_ + 3];
    pos_ += 4;
    return true;
  }
  bool u32Le(std::uint32_t& out) {
    if (!need(4))
      return false;
    out = (std::uint32_t{data_[pos_ + 3]} << 24) | (std::uint32_t{data_[pos_ + 2]} << 16) |
          (std::uint32_t{data_[pos_ + 1]} << 8) | data_[pos_];
    pos_ += 4;
    return true;
  }
  bool u64(std::uint64_t& out) {
    std::uint32_t hi = 0, lo = 0;
    if (!need(8))
      return false;
    u32(hi);
    u32(lo);
    out = (std::uint64_t{hi} << 32) | lo;
    return true;
  }
  /// Reads `n` bytes as a sub-span; on failure returns an empty span and reads nothing.
  bool bytes(std::size_t n, std::span<const std::uint8_t>& out) {
    if (!need(n))
      return false;
    out = data_.subspan(pos_, n);
    pos_ += n;
    return true;
  }
  /// A sub-reader over the next `n` bytes (consumed from this reader).
  bool sub(std::size_t n, ByteReader& out) {
    std::span<const std::uint8_t> s;
    if (!bytes(n, s))
      return false;
    out = ByteReader(s);
    return true;
  }
  bool skip(std::size_t n) {
    if (!need(n))
      return false;
    pos_ += n;
    return true;
  }
  /// Peeks a byte at `pos + ahead` without consuming.
  bool peekU8(std::size_t ahead, std::uint8_t& out) const {
    if (ahead >= remaining())
      return false;
    out = data_[pos_ + ahead];
    return true;
  }
  bool peekU16(std::size_t ahead, std::uint16_t& out) const {
    if (ahead + 2 > remaining())
      return false;
    out = static_cast<std::uint16_t>((data_[pos_ + ahead] << 8) | data_[pos_ + ahead + 1]);
    return true;
  }
  /// The unread rest, without consuming it.
  std::span<const std::uint8_t> rest() const { return data_.subspan(pos_); }
  /// The whole underlying span (for absolute-offset protocols such as DNS compression).
  std::span<const std::uint8_t> whole() const { return data_; }
  /// Moves the cursor to an absolute offset; fails if beyond the end.
  bool seek(std::size_t abs) {
    if (abs > data_.size()) {
      failed_ = true;
      return false;
    }
    pos_ = abs;
    return true;
  }

private:
  bool need(std::size_t n) {
    if (n > remaining()) {
      failed_ = true;
      return false;
    }
    return true;
  }

  std::span<const std::uint8_t> data_{};
  std::size_t pos_ = 0;
  bool failed_ = false;
};

/// Views bytes as characters (no copy).
inline std::string_view asChars(std::span<const std::uint8_t> s) {
  return {reinterpret_cast<const char*>(s.data()), s.size()};
}

} // namespace vw
