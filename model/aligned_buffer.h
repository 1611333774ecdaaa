// Float storage aligned to 64 bytes. Why it matters beyond speed: Eigen's vectorised loops (exp,
// tanh, sums) treat the unaligned head of an array with scalar code, whose results differ from
// the vector code in the last bits. With the start of every buffer at the same alignment in
// every run, the same seed gives the same numbers bit for bit, whatever addresses malloc returns.
#pragma once

#include <cstddef>
#include <new>
#include <vector>

namespace lengthlab {

// Offset moves the start that many bytes past the aligned boundary (see SkewedFloatBuffer).
template <typename T, std::size_t Alignment = 64, std::size_t Offset = 0>
struct AlignedAllocator {
  static_assert(Offset < Alignment && Offset % alignof(T) == 0);
  using value_type = T;
  template <typename U>
  struct rebind {
    using other = AlignedAllocator<U, Alignment, Offset>;
  };

  AlignedAllocator() noexcept = default;
  template <typename U>
  AlignedAllocator(const AlignedAllocator<U, Alignment, Offset>&) noexcept {}

  T* allocate(std::size_t n) {
    auto* block = static_cast<std::byte*>(
        ::operator new(n * sizeof(T) + Offset, std::align_val_t{Alignment}));
    return reinterpret_cast<T*>(block + Offset);
  }
  void deallocate(T* p, std::size_t) noexcept {
    ::operator delete(reinterpret_cast<std::byte*>(p) - Offset, std::align_val_t{Alignment});
  }

  template <typename U>
  bool operator==(const AlignedAllocator<U, Alignment, Offset>&) const noexcept { return true; }
};

using FloatBuffer = std::vector<float, AlignedAllocator<float>>;

// For a dense matrix that a weight gradient reads as the right-hand operand B of A^T * B:
// oneDNN 2.6's AVX2 sgemm runs that product slower when B starts on a 32-byte boundary and its
// rows are a multiple of 512 bytes apart (measured for [128 x 3200] * [3200 x 128]: 79 against
// 86 GFLOP/s on one core), so such a matrix starts 16 bytes past one. The wide matrices in that
// role have padded rows instead, which is faster still (see Workspace::paddedStride).
using SkewedFloatBuffer = std::vector<float, AlignedAllocator<float, 64, 16>>;

}  // namespace lengthlab
