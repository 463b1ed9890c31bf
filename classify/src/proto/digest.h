#pragma once
/// @file digest.h
/// MD5 / SHA-256 to lowercase hex for the fingerprints (internal to vw_proto).
///
/// Uses OpenSSL's low-level digest functions on stack contexts: they never allocate. The EVP
/// interface of OpenSSL 3.0 allocates a provider context on every EVP_DigestInit (measured:
/// one allocation per digest even with a reused EVP_MD_CTX and a pre-fetched EVP_MD), which
/// the packet path must not do.

#include <cstddef>
#include <string_view>

namespace vw::classify::detail {

/// Writes the 32 lowercase hex digits of MD5(`data`) to `out` (no terminator).
void md5Hex(std::string_view data, char (&out)[32]);

/// Writes the 64 lowercase hex digits of SHA-256(`data`) to `out` (no terminator).
void sha256Hex(std::string_view data, char (&out)[64]);

} // namespace vw::classify::detail
