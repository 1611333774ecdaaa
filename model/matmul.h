// The one entry point for matrix products. Every dense product in LengthLab goes through here;
// the implementation (matmul.cpp) is the only file that knows about oneDNN.
#pragma once

namespace lengthlab {

enum class Transpose { No, Yes };

// C[M x N] = op(A)[M x K] * op(B)[K x N]            (accumulate == false)
// C[M x N] += op(A)[M x K] * op(B)[K x N]           (accumulate == true)
// All matrices row-major. op(X) = X, or X transposed when its flag is Yes, in which case X is
// stored as [K x M] (for A) or [N x K] (for B). lda/ldb/ldc are row strides in floats of the
// matrices as stored, which lets callers multiply column slices (one head of a fused weight).
void matmul(const float* A, Transpose transA, int lda, const float* B, Transpose transB, int ldb,
            float* C, int ldc, int M, int N, int K, bool accumulate);

// Shorthand for densely stored matrices.
inline void matmul(const float* A, Transpose transA, const float* B, Transpose transB, float* C,
                   int M, int N, int K, bool accumulate) {
  matmul(A, transA, transA == Transpose::No ? K : M, B, transB, transB == Transpose::No ? N : K,
         C, N, M, N, K, accumulate);
}

// How many distinct product shapes have been prepared on this thread (for tests of the cache).
int matmulCachedShapeCount();

// Time spent inside matmul() on this thread since the last reset, for the benchmark's breakdown.
// Off by default: reading the clock around every product costs a little.
void setMatmulTiming(bool enabled);
double matmulSeconds();
void resetMatmulSeconds();

}  // namespace lengthlab
