#pragma once
/// @file fixed_string.h
/// A bounded, inline string for parser output on the packet path (no heap allocation).

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace vw::classify {

/// Holds up to N bytes inline; longer input is truncated and `truncated()` is set.
template <std::size_t N> class FixedString {
public:
  void clear() {
    len_ = 0;
    truncated_ = false;
  }
  void append(char c) {
    if (len_ < N)
      buf_[len_++] = c;
    else
      truncated_ = true;
  }
  void append(std::string_view s) {
    for (char c : s)
      append(c);
  }
  void assign(std::string_view s) {
    clear();
    append(s);
  }
  std::string_view view() const { return {buf_.data(), len_}; }
  std::string str() const { return std::string(view()); }
  std::size_t size() const { return len_; }
  bool empty() const { return len_ == 0; }
  bool truncated() const { return truncated_; }
  static constexpr std::size_t capacity() { return N; }

private:
  std::array<char, N> buf_{};
  std::size_t len_ = 0;
  bool truncated_ = false;
};

} // namespace vw::classify
