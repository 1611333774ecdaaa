// Float storage aligned to 64 bytes. Why it matters beyond speed: Eigen's vectorised loops (exp,
// tanh, sums) treat the unaligned head of an array with scalar code, whose results differ from
// the vector code in the last bits. With the start of every buffer at the same alignment in
// every run, the same seed gives the same numbers bit for bit, whatever addresses malloc returns.
#pragma once

#include <cstddef>
#include <new>
#include <vector>

namespace lengthlab {

template <typename T, std::size_t Alignment = 64>
struct AlignedAllocator {
  using value_type = T;
  template <typename U>
  struct rebind {
    using other = AlignedAllocator<U, Alignment>;
  };

  AlignedAllocator() noexcept = default;
  template <typename U>
  AlignedAllocator(const AlignedAllocator<U, Alignment>&) noexcept {}

  T* allocate(std::size_t n) {
    return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t{Alignment}));
  }
  void deallocate(T* p, std::size_t) noexcept {
    ::operator delete(p, std::align_val_t{Alignment});
  }

  template <typename U>
  bool operator==(const AlignedAllocator<U, Alignment>&) const noexcept { return true; }
};

using FloatBuffer = std::vector<float, AlignedAllocator<float>>;

}  // namespace lengthlab
