/// @file digest.cc
/// See digest.h for why the low-level (deprecated in 3.0) OpenSSL digest API is used.

// The low-level MD5_* / SHA256_* functions are deprecated in OpenSSL 3.0 but still provided;
// they are the allocation-free ones.
#define OPENSSL_SUPPRESS_DEPRECATED

#include "digest.h"

#include <openssl/md5.h>
#include <openssl/sha.h>

namespace vw::classify::detail {
namespace {

template <std::size_t N, std::size_t M>
void toHex(const unsigned char (&bytes)[N], char (&out)[M]) {
  static_assert(M == 2 * N);
  constexpr char kHex[] = "0123456789abcdef";
  for (std::size_t i = 0; i < N; ++i) {
    out[2 * i] = kHex[bytes[i] >> 4];
    out[2 * i + 1] = kHex[bytes[i] & 0x0F];
  }
}

} // namespace

void md5Hex(std::string_view data, char (&out)[32]) {
  unsigned char md[MD5_DIGEST_LENGTH];
  MD5_CTX ctx;
  MD5_Init(&ctx);
  MD5_Update(&ctx, data.data(), data.size());
  MD5_Final(md, &ctx);
  toHex(md, out);
}

void sha256Hex(std::string_view data, char (&out)[64]) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, data.data(), data.size());
  SHA256_Final(md, &ctx);
  toHex(md, out);
}

} // namespace vw::classify::detail
