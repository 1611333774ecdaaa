// Eight or sixteen floats as one value, through the GCC/Clang vector extension: one register
// where the CPU has vectors that wide (AVX, AVX-512), else two or four narrower ones. For the few
// loops that Eigen and oneDNN do not cover: attention's register-blocked products and softmax,
// transposes, GELU.
#pragma once

#include <cstring>

namespace lengthlab {

constexpr int kVector8 = 8;  // floats per Vec8
using Vec8 = float __attribute__((vector_size(32)));
using Lanes8 = int __attribute__((vector_size(32)));

constexpr int kVector16 = 16;  // floats per Vec16
using Vec16 = float __attribute__((vector_size(64)));

// Unaligned loads and stores of either width (memcpy compiles to a single vector move).
template <typename V>
inline V loadAs(const float* p) {
  V v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <typename V>
inline void storeAs(float* p, V v) { std::memcpy(p, &v, sizeof v); }

inline Vec8 load8(const float* p) { return loadAs<Vec8>(p); }
inline void store8(float* p, Vec8 v) { storeAs(p, v); }
inline Vec8 splat8(float x) { return Vec8{} + x; }
inline Vec16 load16(const float* p) { return loadAs<Vec16>(p); }
inline void store16(float* p, Vec16 v) { storeAs(p, v); }
inline Vec16 splat16(float x) { return Vec16{} + x; }

// The sum of the sixteen lanes, pairwise (the additions do not wait on each other one by one).
inline float laneSum(Vec16 v) {
  float half[8];
  for (int k = 0; k < 8; ++k) half[k] = v[k] + v[k + 8];
  return ((half[0] + half[4]) + (half[1] + half[5])) + ((half[2] + half[6]) + (half[3] + half[7]));
}

// Transposes eight vectors in registers: afterwards v[k][j] holds what v[j][k] held.
inline void transpose8x8(Vec8 v[8]) {
  Vec8 pairs[8], quads[8];
  for (int k = 0; k < 8; k += 2) {  // interleave neighbouring rows
    pairs[k] = __builtin_shuffle(v[k], v[k + 1], Lanes8{0, 8, 1, 9, 4, 12, 5, 13});
    pairs[k + 1] = __builtin_shuffle(v[k], v[k + 1], Lanes8{2, 10, 3, 11, 6, 14, 7, 15});
  }
  for (int k = 0; k < 8; k += 4) {  // then pairs of rows: columns c and c + 4 of four rows
    quads[k] = __builtin_shuffle(pairs[k], pairs[k + 2], Lanes8{0, 1, 8, 9, 4, 5, 12, 13});
    quads[k + 1] = __builtin_shuffle(pairs[k], pairs[k + 2], Lanes8{2, 3, 10, 11, 6, 7, 14, 15});
    quads[k + 2] = __builtin_shuffle(pairs[k + 1], pairs[k + 3], Lanes8{0, 1, 8, 9, 4, 5, 12, 13});
    quads[k + 3] = __builtin_shuffle(pairs[k + 1], pairs[k + 3], Lanes8{2, 3, 10, 11, 6, 7, 14, 15});
  }
  for (int c = 0; c < 4; ++c) {  // then the two halves of eight rows
    v[c] = __builtin_shuffle(quads[c], quads[c + 4], Lanes8{0, 1, 2, 3, 8, 9, 10, 11});
    v[c + 4] = __builtin_shuffle(quads[c], quads[c + 4], Lanes8{4, 5, 6, 7, 12, 13, 14, 15});
  }
}

}  // namespace lengthlab
