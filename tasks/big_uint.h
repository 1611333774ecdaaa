// An exact unsigned integer of any size, just large enough for one job: counting the members of a
// regular language at a given length. Those counts grow like |alphabet|^n (3^500 has 239 digits,
// far past 64 bits, and a long double would round them), and uniform sampling needs them exact.
// Only the operations that job needs: +, -, comparison, decimal text, and a uniform draw below a
// bound. No multiplication or division beyond what decimal printing needs.
#pragma once

#include "rng.h"

#include <compare>
#include <cstdint>
#include <string>
#include <vector>

namespace lengthlab {

class BigUint {
 public:
  BigUint() = default;  // zero
  explicit BigUint(std::uint64_t value);

  bool isZero() const { return m_limbs.empty(); }
  // Number of significant bits (0 for zero).
  int bitLength() const;

  BigUint& operator+=(const BigUint& other);
  // Requires *this >= other; throws std::logic_error otherwise (the result would be negative).
  BigUint& operator-=(const BigUint& other);

  friend bool operator==(const BigUint& a, const BigUint& b) = default;
  friend std::strong_ordering operator<=>(const BigUint& a, const BigUint& b);

  // Decimal digits, e.g. "1267650600228229401496703205376" for 2^100.
  std::string toString() const;
  // The value when it fits in 64 bits; used by tests and small counts.
  bool fitsU64() const { return m_limbs.size() <= 2; }
  std::uint64_t toU64() const;  // requires fitsU64()

  // A uniform draw from [0, bound), bound > 0: random bits of bound's length, redrawn when too
  // large (fewer than two draws on average). Throws std::logic_error for bound == 0.
  static BigUint uniformBelow(const BigUint& bound, Rng& rng);

 private:
  void trim();  // drop leading zero limbs, so that zero has no limbs
  std::uint32_t divideSmall(std::uint32_t divisor);  // *this /= divisor; returns the remainder

  std::vector<std::uint32_t> m_limbs;  // least significant first, no leading zero limbs
};

}  // namespace lengthlab
