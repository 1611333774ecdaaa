// A small, fully specified random number generator (xoshiro256** seeded by splitmix64).
// Why not <random>: the standard distributions differ between library implementations, and a
// LengthLab run must be repeatable from its seed on any machine. Everything random in LengthLab
// (task sampling, weight init, position offsets, batch order) draws from an Rng it was handed.
#pragma once

#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

namespace lengthlab {

class Rng {
 public:
  explicit Rng(std::uint64_t seed = 0) { reseed(seed); }

  void reseed(std::uint64_t seed) {
    std::uint64_t x = seed;
    for (auto& word : m_state) word = splitMix64(x);
    m_hasSpareNormal = false;
  }

  std::uint64_t nextU64() {
    const std::uint64_t result = rotl(m_state[1] * 5, 7) * 9;
    const std::uint64_t t = m_state[1] << 17;
    m_state[2] ^= m_state[0];
    m_state[3] ^= m_state[1];
    m_state[1] ^= m_state[2];
    m_state[0] ^= m_state[3];
    m_state[2] ^= t;
    m_state[3] = rotl(m_state[3], 45);
    return result;
  }

  // Uniform integer in [lo, hi] (both inclusive), without modulo bias (Lemire's method).
  std::int64_t uniformInt(std::int64_t lo, std::int64_t hi) {
    const std::uint64_t range = static_cast<std::uint64_t>(hi - lo) + 1;
    if (range == 0) return static_cast<std::int64_t>(nextU64());  // the full 64-bit range
    __uint128_t m = static_cast<__uint128_t>(nextU64()) * range;
    auto low = static_cast<std::uint64_t>(m);
    if (low < range) {
      const std::uint64_t threshold = (0 - range) % range;
      while (low < threshold) {
        m = static_cast<__uint128_t>(nextU64()) * range;
        low = static_cast<std::uint64_t>(m);
      }
    }
    return lo + static_cast<std::int64_t>(m >> 64);
  }

  // Uniform double in [0, 1) with 53 random bits.
  double uniform01() { return static_cast<double>(nextU64() >> 11) * 0x1.0p-53; }

  // Standard normal (Marsaglia's polar method; deterministic given the stream).
  double normal() {
    if (m_hasSpareNormal) {
      m_hasSpareNormal = false;
      return m_spareNormal;
    }
    double u, v, s;
    do {
      u = 2.0 * uniform01() - 1.0;
      v = 2.0 * uniform01() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double factor = std::sqrt(-2.0 * std::log(s) / s);
    m_spareNormal = v * factor;
    m_hasSpareNormal = true;
    return u * factor;
  }

  // Fisher-Yates shuffle.
  template <typename T>
  void shuffle(std::vector<T>& items) {
    for (std::size_t i = items.size(); i > 1; --i) {
      const auto j = static_cast<std::size_t>(uniformInt(0, static_cast<std::int64_t>(i) - 1));
      std::swap(items[i - 1], items[j]);
    }
  }

  // A child generator whose stream does not overlap this one in practice: used to give each
  // consumer (sampling, init, offsets) its own stream derived from one user seed.
  Rng split() { return Rng(nextU64() ^ 0x9E3779B97F4A7C15ULL); }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static std::uint64_t splitMix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  std::uint64_t m_state[4] = {};
  double m_spareNormal = 0.0;
  bool m_hasSpareNormal = false;
};

}  // namespace lengthlab
