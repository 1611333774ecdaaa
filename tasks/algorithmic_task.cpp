// Sampling pieces shared by the algorithmic tasks. Each consumes the Rng in a fixed, documented
// order, so an example depends only on the seed and the length.
#include "algorithmic_task.h"

#include <algorithm>
#include <numeric>

namespace lengthlab {

std::vector<std::string> numberedSymbols(int count) {
  std::vector<std::string> symbols;
  symbols.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) symbols.push_back(std::to_string(i));
  return symbols;
}

std::vector<int> sampleDistinct(int n, int vocabulary, Rng& rng) {
  // A partial Fisher-Yates shuffle: position i receives a uniform pick among the unused ids.
  std::vector<int> pool(static_cast<std::size_t>(vocabulary));
  std::iota(pool.begin(), pool.end(), 0);
  for (int i = 0; i < n; ++i) {
    const auto j = static_cast<std::size_t>(rng.uniformInt(i, vocabulary - 1));
    std::swap(pool[static_cast<std::size_t>(i)], pool[j]);
  }
  pool.resize(static_cast<std::size_t>(n));
  return pool;
}

std::vector<int> shuffledBits(int n, std::int64_t zeros, Rng& rng) {
  std::vector<int> bits(static_cast<std::size_t>(n), 1);
  std::fill(bits.begin(), bits.begin() + zeros, 0);
  rng.shuffle(bits);
  return bits;
}

std::vector<int> sampleUntiedBits(int n, Rng& rng) {
  std::int64_t zeros = 0;
  do {
    zeros = rng.uniformInt(0, n);
  } while (2 * zeros == n);
  return shuffledBits(n, zeros, rng);
}

std::optional<int> majorityBit(const std::vector<int>& bits) {
  const auto ones = std::count(bits.begin(), bits.end(), 1);
  const auto zeros = static_cast<std::ptrdiff_t>(bits.size()) - ones;
  if (ones == zeros) return std::nullopt;
  return ones > zeros ? 1 : 0;
}

}  // namespace lengthlab
