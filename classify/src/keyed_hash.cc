#include <cstring>
#include <mutex>
#include <sodium.h>

#include <vw/classify/keyed_hash.h>

namespace vw::classify {

static_assert(crypto_shorthash_KEYBYTES == 16 && crypto_shorthash_BYTES == 8,
              "crypto_shorthash is SipHash-2-4 with a 128-bit key and 64-bit output");

HashKey HashKey::random() {
  HashKey k;
  if (sodium_init() < 0) {
    // libsodium could not initialise its random source: fall back to the kernel's getrandom
    // through randombytes_buf anyway (it aborts rather than return weak bytes).
  }
  randombytes_buf(k.bytes.data(), k.bytes.size());
  return k;
}

HashKey HashKey::fixed(std::uint64_t a, std::uint64_t b) {
  HashKey k;
  std::memcpy(k.bytes.data(), &a, 8);
  std::memcpy(k.bytes.data() + 8, &b, 8);
  return k;
}

const HashKey& processHashKey() {
  static const HashKey key = HashKey::random();
  return key;
}

std::uint64_t keyedHash(const HashKey& key, std::span<const std::uint8_t> data) noexcept {
  std::uint8_t out[crypto_shorthash_BYTES];
  crypto_shorthash(out, data.data(), data.size(), key.bytes.data());
  std::uint64_t h;
  std::memcpy(&h, out, sizeof h);
  return h;
}

std::uint64_t keyedHash(const HashKey& key, const IpAddr& a, const IpAddr& b,
                        std::uint64_t extra) noexcept {
  std::uint8_t buf[16 + 16 + 8 + 2];
  std::memcpy(buf, a.bytes.data(), 16);
  std::memcpy(buf + 16, b.bytes.data(), 16);
  std::memcpy(buf + 32, &extra, 8);
  buf[40] = a.family;
  buf[41] = b.family;
  return keyedHash(key, buf);
}

std::uint64_t keyedHash(const HashKey& key, const IpAddr& a, std::span<const std::uint8_t> s,
                        std::uint64_t extra) noexcept {
  std::uint8_t buf[16 + 1 + 8 + 64];
  const std::size_t n = s.size() < 64 ? s.size() : 64;
  std::memcpy(buf, a.bytes.data(), 16);
  buf[16] = a.family;
  std::memcpy(buf + 17, &extra, 8);
  if (n > 0)
    std::memcpy(buf + 25, s.data(), n);
  // Strings longer than 64 bytes hash their first 64 bytes and their length (ids are <= 32).
  buf[24] = static_cast<std::uint8_t>(buf[24] ^ static_cast<std::uint8_t>(s.size()));
  return keyedHash(key, std::span<const std::uint8_t>(buf, 25 + n));
}

} // namespace vw::classify
