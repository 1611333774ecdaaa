#include "big_uint.h"

#include <algorithm>
#include <bit>
#include <stdexcept>

namespace lengthlab {

BigUint::BigUint(std::uint64_t value) {
  while (value != 0) {
    m_limbs.push_back(static_cast<std::uint32_t>(value));
    value >>= 32;
  }
}

int BigUint::bitLength() const {
  if (m_limbs.empty()) return 0;
  return 32 * static_cast<int>(m_limbs.size() - 1) + std::bit_width(m_limbs.back());
}

BigUint& BigUint::operator+=(const BigUint& other) {
  if (other.m_limbs.size() > m_limbs.size()) m_limbs.resize(other.m_limbs.size(), 0);
  std::uint64_t carry = 0;
  for (std::size_t i = 0; i < m_limbs.size(); ++i) {
    const std::uint64_t addend = i < other.m_limbs.size() ? other.m_limbs[i] : 0;
    if (addend == 0 && carry == 0 && i >= other.m_limbs.size()) break;
    const std::uint64_t sum = std::uint64_t{m_limbs[i]} + addend + carry;
    m_limbs[i] = static_cast<std::uint32_t>(sum);
    carry = sum >> 32;
  }
  if (carry != 0) m_limbs.push_back(static_cast<std::uint32_t>(carry));
  return *this;
}

BigUint& BigUint::operator-=(const BigUint& other) {
  if (*this < other) throw std::logic_error("BigUint subtraction would be negative");
  std::int64_t borrow = 0;
  for (std::size_t i = 0; i < m_limbs.size(); ++i) {
    const std::int64_t subtrahend = i < other.m_limbs.size() ? other.m_limbs[i] : 0;
    if (subtrahend == 0 && borrow == 0 && i >= other.m_limbs.size()) break;
    std::int64_t difference = std::int64_t{m_limbs[i]} - subtrahend - borrow;
    borrow = difference < 0 ? 1 : 0;
    if (difference < 0) difference += std::int64_t{1} << 32;
    m_limbs[i] = static_cast<std::uint32_t>(difference);
  }
  trim();
  return *this;
}

std::strong_ordering operator<=>(const BigUint& a, const BigUint& b) {
  // Without leading zero limbs, more limbs means larger.
  if (a.m_limbs.size() != b.m_limbs.size()) return a.m_limbs.size() <=> b.m_limbs.size();
  for (std::size_t i = a.m_limbs.size(); i-- > 0;) {
    if (a.m_limbs[i] != b.m_limbs[i]) return a.m_limbs[i] <=> b.m_limbs[i];
  }
  return std::strong_ordering::equal;
}

std::string BigUint::toString() const {
  if (isZero()) return "0";
  // Peel off nine decimal digits at a time (10^9 fits a limb).
  constexpr std::uint32_t kChunk = 1000000000;
  BigUint rest = *this;
  std::string digits;
  while (!rest.isZero()) {
    std::uint32_t chunk = rest.divideSmall(kChunk);
    for (int k = 0; k < 9; ++k) {
      digits.push_back(static_cast<char>('0' + chunk % 10));
      chunk /= 10;
      if (rest.isZero() && chunk == 0) break;
    }
  }
  std::reverse(digits.begin(), digits.end());
  return digits;
}

std::uint64_t BigUint::toU64() const {
  if (!fitsU64()) throw std::logic_error("BigUint does not fit in 64 bits");
  std::uint64_t value = 0;
  for (std::size_t i = m_limbs.size(); i-- > 0;) value = (value << 32) | m_limbs[i];
  return value;
}

BigUint BigUint::uniformBelow(const BigUint& bound, Rng& rng) {
  if (bound.isZero()) throw std::logic_error("BigUint::uniformBelow needs a positive bound");
  const int bits = bound.bitLength();
  const std::size_t limbCount = bound.m_limbs.size();
  const int topBits = bits - 32 * static_cast<int>(limbCount - 1);  // 1..32
  const std::uint32_t topMask =
      topBits == 32 ? 0xFFFFFFFFu : static_cast<std::uint32_t>((std::uint64_t{1} << topBits) - 1);
  BigUint draw;
  do {
    // Every candidate has at most `bits` bits, so it is below 2 * bound: a draw succeeds with
    // probability > 1/2.
    draw.m_limbs.assign(limbCount, 0);
    for (auto& limb : draw.m_limbs) limb = static_cast<std::uint32_t>(rng.nextU64() >> 32);
    draw.m_limbs.back() &= topMask;
    draw.trim();
  } while (draw >= bound);
  return draw;
}

void BigUint::trim() {
  while (!m_limbs.empty() && m_limbs.back() == 0) m_limbs.pop_back();
}

std::uint32_t BigUint::divideSmall(std::uint32_t divisor) {
  std::uint64_t remainder = 0;
  for (std::size_t i = m_limbs.size(); i-- > 0;) {
    const std::uint64_t current = (remainder << 32) | m_limbs[i];
    m_limbs[i] = static_cast<std::uint32_t>(current / divisor);
    remainder = current % divisor;
  }
  trim();
  return static_cast<std::uint32_t>(remainder);
}

}  // namespace lengthlab
