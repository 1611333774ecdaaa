// Causal multi-head attention over packed sequences (see kernels.h for the contract).
// Each (sequence, head) pair is one task for one thread. The kernels read the head's rows where
// they lie in the qkv matrix and write results where they belong (going through zero-padded
// scratch only when the head width is not a multiple of 16); keys (forward) and
// values (backward) are transposed into scratch padded to 16 keys. Three product shapes run as
// register-blocked loops of 6 rows x 16 columns (12 vector accumulators: enough independent
// fused multiply-adds to keep both FMA units busy, and still within the 16 vector registers; with
// AVX-512 the two products over head columns take 6 x 32 blocks of 16-float vectors), and the
// causal mask is respected block by block: a query block only meets keys at or before its end.
//   scores:        S[i, j] = sum_d A[i, d] Bt[d, j]          (j <= i)          Q K^T, dO V^T
//   rows x matrix: O[i, :] = sum_j W[i, j] M[j, :]           (W zero for j > i) P V, dS K
//   transposed:    G[j, :] = sum_i W[i, j] M[i, :]           (i >= j)          P^T dO, dS^T Q
// A naive twin lives in tests/model/tst_kernels.cpp.
#include "kernels.h"

#include "check.h"
#include "vectors.h"

#include <Eigen/Core>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace lengthlab {
namespace {

constexpr int kRows = 6;    // query (or key) rows per register block
constexpr int kCols = 16;   // columns per register block: two 8-float vectors
constexpr int kVector = 8;  // floats per vector

inline int roundUp(int value, int multiple) { return (value + multiple - 1) / multiple * multiple; }

constexpr Lanes8 kLaneIndex = {0, 1, 2, 3, 4, 5, 6, 7};

// exp(x) on eight lanes, for x in [-80, 0]; outside, x is clamped first (NaN stays NaN, so a
// diverging run still shows up as NaN). exp(-80) divided by a softmax sum of up to ~1500 keys is
// still a normal float: no probability turns denormal, which would slow the backward pass.
// x = n ln2 + r with |r| <= ln2 / 2; exp(r) by its degree-6 Taylor polynomial (truncation error
// below 2e-7 relative); 2^n goes straight into the exponent bits.
inline Vec8 expOfNonPositive(Vec8 x) {
  x = x < splat8(-80.0f) ? splat8(-80.0f) : x;
  x = x > splat8(0.0f) ? splat8(0.0f) : x;
  const Vec8 n = (x * 1.44269504f + 12582912.0f) - 12582912.0f;  // rounded to the nearest integer
  const Vec8 r = (x - n * 0.693359375f) + n * 2.12194440e-4f;     // ln2 in two parts
  Vec8 p = splat8(1.0f / 720);
  for (const float c : {1.0f / 120, 1.0f / 24, 1.0f / 6, 0.5f, 1.0f, 1.0f}) p = p * r + c;
  const Lanes8 exponent = (__builtin_convertvector(n, Lanes8) + 127) << 23;
  Vec8 twoToN;
  std::memcpy(&twoToN, &exponent, sizeof twoToN);
  return p * twoToN;
}

inline float laneSum(Vec8 v) {
  return ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7]));
}

inline float laneMax(Vec8 v) {
  float m = v[0];
  for (int k = 1; k < kVector; ++k) m = std::max(m, v[k]);
  return m;
}

// row[0, n) = softmax(scale * row[0, n)), over whole vectors: the lanes from n to the next
// multiple of 8 (scores of later keys) are left out of the maximum and the sum and become 0.
// Three vector passes; with Eigen's per-row expressions the scalar tail of every row and the
// separate exp pass cost twice as much (attention forward, 16 x 100 tokens, 4 heads of 32:
// 1.09 -> 0.90 ms on one core).
void softmaxRow(float* row, int n, float scale) {
  const int full = n / kVector * kVector;
  const int width = roundUp(n, kVector);
  const Lanes8 inTail = kLaneIndex < (n - full);
  const Vec8 lowest = splat8(-3.0e38f);
  Vec8 highest = lowest;
  for (int j = 0; j < full; j += kVector) {
    const Vec8 v = load8(row + j);
    highest = highest > v ? highest : v;
  }
  if (full < n) {
    const Vec8 v = inTail ? load8(row + full) : lowest;
    highest = highest > v ? highest : v;
  }
  const Vec8 shift = splat8(scale * laneMax(highest));
  Vec8 sum{};
  for (int j = 0; j < width; j += kVector) {
    Vec8 e = expOfNonPositive(load8(row + j) * scale - shift);
    if (j == full) e = inTail ? e : Vec8{};
    sum += e;
    store8(row + j, e);
  }
  const Vec8 inverse = splat8(1.0f / laneSum(sum));
  for (int j = 0; j < width; j += kVector) store8(row + j, load8(row + j) * inverse);
}


// Sequence length; rows padded to a whole register block; keys padded to 16 and at least the
// padded rows (a key block of the transposed product reads that many columns); head width
// padded to 16.
struct Padded {
  int T, Tr, Tp, D, Dp;
  explicit Padded(int length, int width)
      : T(length), Tr(roundUp(length, kRows)), Tp(roundUp(Tr, kCols)), D(width), Dp(roundUp(width, kCols)) {}
};

// Per-thread scratch layout for one (sequence, head) task.
struct Scratch {
  float* rowsA;    // [Tp x Dp] output gradients (backward), when the head width needs padding
  float* rowsB;    // [Tp x Dp] values (forward) or keys (backward), likewise
  float* rowsC;    // [Tp x Dp] queries (backward), likewise
  float* transposed;  // [Dp x Tp] keys (forward) or values (backward)
  float* gradient; // [Tr x Tp] score gradients (backward)
  float* out1;     // [Tp x Dp] results
  float* out2;     // [Tp x Dp]
  float* out3;     // [Tp x Dp]

  static std::size_t floats(const Padded& p) {
    const auto rows = static_cast<std::size_t>(p.Tp) * p.Dp;
    return 6 * rows + static_cast<std::size_t>(p.Dp) * p.Tp + static_cast<std::size_t>(p.Tr) * p.Tp + 64;
  }
  Scratch(float* base, const Padded& p) {
    const auto rows = static_cast<std::size_t>(p.Tp) * p.Dp;
    const auto square = static_cast<std::size_t>(p.Tr) * p.Tp;
    // Keep every part 64-byte aligned (the base is): results must not depend on addresses.
    float* next = base;
    const auto take = [&next](std::size_t n) {
      float* here = next;
      next += (n + 15) / 16 * 16;
      return here;
    };
    rowsA = take(rows);
    rowsB = take(rows);
    rowsC = take(rows);
    transposed = take(static_cast<std::size_t>(p.Dp) * p.Tp);
    gradient = take(square);
    out1 = take(rows);
    out2 = take(rows);
    out3 = take(rows);
  }
};

// Copies a head slice (T rows of D floats, stride ld) into [Tp x Dp]; only the padding is zeroed.
void gatherRows(float* dst, const float* src, long ld, const Padded& p) {
  for (int t = 0; t < p.T; ++t) {
    const float* s = src + t * ld;
    float* d = dst + static_cast<std::size_t>(t) * p.Dp;
    std::memcpy(d, s, sizeof(float) * static_cast<std::size_t>(p.D));
    std::fill(d + p.D, d + p.Dp, 0.0f);
  }
  std::fill(dst + static_cast<std::size_t>(p.T) * p.Dp, dst + static_cast<std::size_t>(p.Tp) * p.Dp, 0.0f);
}

// Copies a head slice transposed into [Dp x Tp]; only the padding is zeroed. Blocks of eight
// keys by eight columns are transposed in registers, so every load and store is a whole vector.
void gatherTransposed(float* dst, const float* src, long ld, const Padded& p) {
  int t0 = 0;
  for (; t0 + 8 <= p.T; t0 += 8) {
    int k0 = 0;
    for (; k0 + 8 <= p.D; k0 += 8) {
      Vec8 block[8];
      for (int r = 0; r < 8; ++r) block[r] = load8(src + (t0 + r) * ld + k0);
      transpose8x8(block);
      for (int k = 0; k < 8; ++k) store8(dst + static_cast<std::size_t>(k0 + k) * p.Tp + t0, block[k]);
    }
    for (int k = k0; k < p.D; ++k) {
      for (int r = 0; r < 8; ++r) dst[static_cast<std::size_t>(k) * p.Tp + t0 + r] = src[(t0 + r) * ld + k];
    }
  }
  for (int t = t0; t < p.T; ++t) {
    const float* s = src + t * ld;
    for (int k = 0; k < p.D; ++k) dst[static_cast<std::size_t>(k) * p.Tp + t] = s[k];
  }
  for (int k = 0; k < p.D; ++k) {
    std::fill(dst + static_cast<std::size_t>(k) * p.Tp + p.T, dst + static_cast<std::size_t>(k + 1) * p.Tp, 0.0f);
  }
  std::fill(dst + static_cast<std::size_t>(p.D) * p.Tp, dst + static_cast<std::size_t>(p.Dp) * p.Tp, 0.0f);
}

// Writes the first D columns of T rows of a [.. x Dp] block into a strided head slice.
void scatterRows(float* dst, long ld, const float* src, const Padded& p) {
  for (int t = 0; t < p.T; ++t) {
    std::memcpy(dst + t * ld, src + static_cast<std::size_t>(t) * p.Dp, sizeof(float) * static_cast<std::size_t>(p.D));
  }
}

// Rows of a matrix: row t starts at data + t * ld.
struct Rows {
  const float* data;
  long ld;
  const float* row(int t) const { return data + t * ld; }
};

// Where a kernel writes its T result rows of Dp floats: row t starts at data + t * ld.
struct Target {
  float* data;
  long ld;
  float* row(int t) const { return data + t * ld; }
};

// S[i, j] = sum_d A[i, d] Bt[d, j] for every key block that starts at or before the row block's
// end. A has T rows (the rows of the last block past T repeat row T-1: their scores are junk
// that the caller overwrites), Bt [Dp x Tp] zero-padded, S [Tr x Tp].
void causalScores(float* S, Rows A, const float* Bt, const Padded& p) {
  for (int i0 = 0; i0 < p.Tr; i0 += kRows) {
    const int keyEnd = std::min(p.Tp, roundUp(i0 + kRows, kCols));
    const float* a[kRows];
    for (int r = 0; r < kRows; ++r) a[r] = A.row(std::min(i0 + r, p.T - 1));
    for (int j0 = 0; j0 < keyEnd; j0 += kCols) {
      Vec8 acc[kRows][2] = {};
      for (int d = 0; d < p.D; ++d) {
        const float* b = Bt + static_cast<std::size_t>(d) * p.Tp + j0;
        const Vec8 b0 = load8(b), b1 = load8(b + 8);
        for (int r = 0; r < kRows; ++r) {
          acc[r][0] += a[r][d] * b0;
          acc[r][1] += a[r][d] * b1;
        }
      }
      for (int r = 0; r < kRows; ++r) {
        float* out = S + static_cast<std::size_t>(i0 + r) * p.Tp + j0;
        store8(out, acc[r][0]);
        store8(out + 8, acc[r][1]);
      }
    }
  }
}

// O[i, :] = sum_{j <= i} W[i, j] M[j, :] for i < T. W [Tr x Tp] is zero above the diagonal; M
// has T rows of Dp readable floats. A register block is kRows rows by two vectors V of columns.
template <typename V>
void rowsTimesMatrixBy(Target O, const float* W, Rows M, const Padded& p) {
  constexpr int kLanes = sizeof(V) / sizeof(float);
  for (int i0 = 0; i0 < p.Tr; i0 += kRows) {
    const int jEnd = std::min(p.T, i0 + kRows);
    const float* w = W + static_cast<std::size_t>(i0) * p.Tp;
    for (int c0 = 0; c0 < p.Dp; c0 += 2 * kLanes) {
      V acc[kRows][2] = {};
      for (int j = 0; j < jEnd; ++j) {
        const float* m = M.row(j) + c0;
        const V m0 = loadAs<V>(m), m1 = loadAs<V>(m + kLanes);
        for (int r = 0; r < kRows; ++r) {
          const float x = w[static_cast<std::size_t>(r) * p.Tp + j];
          acc[r][0] += x * m0;
          acc[r][1] += x * m1;
        }
      }
      for (int r = 0; r < kRows && i0 + r < p.T; ++r) {
        float* out = O.row(i0 + r) + c0;
        storeAs(out, acc[r][0]);
        storeAs(out + kLanes, acc[r][1]);
      }
    }
  }
}

// G[j, :] = sum_{i >= j} W[i, j] M[i, :] for j < T. W [Tr x Tp] zero above the diagonal; M has
// T rows of Dp readable floats. Blocks as above.
template <typename V>
void transposedTimesMatrixBy(Target G, const float* W, Rows M, const Padded& p) {
  constexpr int kLanes = sizeof(V) / sizeof(float);
  for (int j0 = 0; j0 < p.Tr; j0 += kRows) {
    for (int c0 = 0; c0 < p.Dp; c0 += 2 * kLanes) {
      V acc[kRows][2] = {};
      for (int i = j0; i < p.T; ++i) {
        const float* w = W + static_cast<std::size_t>(i) * p.Tp + j0;
        const float* m = M.row(i) + c0;
        const V m0 = loadAs<V>(m), m1 = loadAs<V>(m + kLanes);
        for (int r = 0; r < kRows; ++r) {
          acc[r][0] += w[r] * m0;
          acc[r][1] += w[r] * m1;
        }
      }
      for (int r = 0; r < kRows && j0 + r < p.T; ++r) {
        float* out = G.row(j0 + r) + c0;
        storeAs(out, acc[r][0]);
        storeAs(out + kLanes, acc[r][1]);
      }
    }
  }
}

// With AVX-512 and a padded head width that is a multiple of 32, blocks of two 16-float vectors:
// each load of W then feeds twice the multiply-adds (attention, 16 x 100 tokens, 4 heads of 32,
// one core: backward 1.07 -> 1.02 ms, forward 0.765 -> 0.745 ms; the same results to the bit:
// every element sums in the same order). Without AVX-512 such a block needs 24 of the 16 vector
// registers and spills, so the 8-float blocks stay.
#ifdef __AVX512F__
constexpr bool kSixteenFloatBlocks = true;
#else
constexpr bool kSixteenFloatBlocks = false;
#endif

bool sixteenFloatBlocks(const Padded& p) { return kSixteenFloatBlocks && p.Dp % (2 * kVector16) == 0; }

void rowsTimesMatrix(Target O, const float* W, Rows M, const Padded& p) {
  if (sixteenFloatBlocks(p)) {
    rowsTimesMatrixBy<Vec16>(O, W, M, p);
  } else {
    rowsTimesMatrixBy<Vec8>(O, W, M, p);
  }
}

void transposedTimesMatrix(Target G, const float* W, Rows M, const Padded& p) {
  if (sixteenFloatBlocks(p)) {
    transposedTimesMatrixBy<Vec16>(G, W, M, p);
  } else {
    transposedTimesMatrixBy<Vec8>(G, W, M, p);
  }
}

// A head slice as rows the kernels can read: in place when the head width is a whole number of
// vectors (16, 32, 64: the usual case), else copied into zero-padded scratch.
Rows headRows(const float* src, long ld, const Padded& p, float* scratch) {
  if (p.D == p.Dp) return Rows{src, ld};
  gatherRows(scratch, src, ld, p);
  return Rows{scratch, p.Dp};
}



void checkLayout(const AttentionLayout& layout) {
  for (int s = 0; s < layout.sequences; ++s) {
    LL_CHECK(layout.sequenceStart[s + 1] - layout.sequenceStart[s] <= layout.longest);
  }
}

// One (sequence, head) pair of the packed batch: the unit of work of one thread.
struct HeadTask {
  Padded p;
  Scratch w;                // the running thread's scratch, laid out for this pair
  const float* head;        // the head's query columns in the sequence's first row of qkv; its
                            // keys start C further, its values 2C further, rows 3C apart
  float scale;              // of the scores: 1 / sqrt(D)
  long firstRow;            // the sequence's first row in the packed batch
  int column;               // the head's first column within q, k, v or the output (h D)
  std::size_t probOffset;   // the pair's probabilities in the layer's probability buffer

  // The head's first element (its query columns, for a qkv matrix) in a matrix of row stride ld.
  template <typename T>
  T* at(T* matrix, long ld) const { return matrix + firstRow * ld + column; }
};

// Runs body(task) for every (sequence, head) pair of qkv [N x 3C], one pair at a time per OpenMP
// thread.
template <typename Body>
void forEachSequenceHead(const AttentionLayout& layout, const float* qkv, int C, int H,
                         float* scratch, Body body) {
  LL_CHECK(C % H == 0);
  checkLayout(layout);
  const int D = C / H;
  const float scale = 1.0f / std::sqrt(static_cast<float>(D));
  const std::size_t perThread = attentionScratchPerThread(layout.longest, D);
  const int tasks = layout.sequences * H;
#pragma omp parallel for schedule(dynamic, 1)
  for (int task = 0; task < tasks; ++task) {
    const int s = task / H, h = task % H;
    const long firstRow = layout.sequenceStart[s];
    const Padded p(layout.sequenceStart[s + 1] - layout.sequenceStart[s], D);
    body(HeadTask{p, Scratch(scratch + perThread * static_cast<std::size_t>(omp_get_thread_num()), p),
                  qkv + firstRow * 3 * C + h * D, scale, firstRow, h * D,
                  layout.probOffset[s] + static_cast<std::size_t>(h) * attentionProbFloats(p.T)});
  }
}

}  // namespace

int attentionProbRows(int T) { return Padded(T, kCols).Tr; }
int attentionProbStride(int T) { return Padded(T, kCols).Tp; }
std::size_t attentionProbFloats(int T) {
  return static_cast<std::size_t>(attentionProbRows(T)) * static_cast<std::size_t>(attentionProbStride(T));
}

std::size_t attentionScratchPerThread(int longest, int D) {
  return Scratch::floats(Padded(std::max(longest, 1), D));
}

void attentionForward(float* out, float* probs, const float* qkv, const AttentionLayout& layout,
                      int C, int H, float* scratch) {
  const long C3 = 3L * C;
  forEachSequenceHead(layout, qkv, C, H, scratch, [&](const HeadTask& task) {
    const Padded& p = task.p;
    const Scratch& w = task.w;
    gatherTransposed(w.transposed, task.head + C, C3, p);  // keys, as columns
    float* P = probs + task.probOffset;
    causalScores(P, Rows{task.head, C3}, w.transposed, p);
    for (int i = 0; i < p.Tr; ++i) {
      float* row = P + static_cast<std::size_t>(i) * p.Tp;
      if (i >= p.T) {
        std::fill(row, row + p.Tp, 0.0f);
        continue;
      }
      // softmax of scale * (q_i . k_j) over j <= i; the scale is applied here, once per score.
      softmaxRow(row, i + 1, task.scale);
      std::fill(row + roundUp(i + 1, kVector), row + p.Tp, 0.0f);
    }
    const Rows V = headRows(task.head + 2 * C, C3, p, w.rowsB);
    if (p.D == p.Dp) {
      rowsTimesMatrix(Target{task.at(out, C), C}, P, V, p);
    } else {  // the kernel writes whole vectors: through scratch, else it spills into the next head
      rowsTimesMatrix(Target{w.out1, p.Dp}, P, V, p);
      scatterRows(task.at(out, C), C, w.out1, p);
    }
   });
}

void attentionBackward(float* dqkv, int ldDqkv, const float* dout, const float* qkv,
                       const float* probs, const AttentionLayout& layout, int C, int H,
                       float* scratch) {
  // Forward, per sequence and head: s_ij = scale q_i.k_j (j <= i), p_i = softmax(s_i),
  // o_i = sum_j p_ij v_j. Backward: dp_ij = do_i.v_j; ds_ij = scale p_ij (dp_ij - sum_k p_ik dp_ik);
  // dq_i = sum_j ds_ij k_j; dk_j = sum_i ds_ij q_i; dv_j = sum_i p_ij do_i.
  const long C3 = 3L * C;
  forEachSequenceHead(layout, qkv, C, H, scratch, [&](const HeadTask& task) {
    const Padded& p = task.p;
    const Scratch& w = task.w;
    const Rows dO = headRows(task.at(dout, C), C, p, w.rowsA);
    const Rows K = headRows(task.head + C, C3, p, w.rowsB);
    const Rows Q = headRows(task.head, C3, p, w.rowsC);
    gatherTransposed(w.transposed, task.head + 2 * C, C3, p);  // values, as columns
    const float* P = probs + task.probOffset;
    causalScores(w.gradient, dO, w.transposed, p);  // dp
    for (int i = 0; i < p.Tr; ++i) {
      float* g = w.gradient + static_cast<std::size_t>(i) * p.Tp;
      const float* pr = P + static_cast<std::size_t>(i) * p.Tp;
      if (i >= p.T) {
        std::fill(g, g + p.Tp, 0.0f);
        continue;
      }
      // Over whole vectors, as in the forward pass: p is zero past i, which zeroes ds there.
      const int width = roundUp(i + 1, kVector);
      Eigen::Map<Eigen::ArrayXf> dp(g, width);
      const Eigen::Map<const Eigen::ArrayXf> pi(pr, width);
      const float weighted = (pi * dp).sum();
      dp = task.scale * pi * (dp - weighted);
      std::fill(g + width, g + p.Tp, 0.0f);
    }
    // Straight into dqkv when the head width is whole vectors, else through scratch (as above).
    float* dhead = task.at(dqkv, ldDqkv);
    const bool direct = p.D == p.Dp;
    const Target dQ = direct ? Target{dhead, ldDqkv} : Target{w.out1, p.Dp};
    const Target dK = direct ? Target{dhead + C, ldDqkv} : Target{w.out2, p.Dp};
    const Target dV = direct ? Target{dhead + 2 * C, ldDqkv} : Target{w.out3, p.Dp};
    rowsTimesMatrix(dQ, w.gradient, K, p);        // dQ = dS K
    transposedTimesMatrix(dK, w.gradient, Q, p);  // dK = dS^T Q
    transposedTimesMatrix(dV, P, dO, p);          // dV = P^T dO
    if (!direct) {
      scatterRows(dhead, ldDqkv, w.out1, p);
      scatterRows(dhead + C, ldDqkv, w.out2, p);
      scatterRows(dhead + 2 * C, ldDqkv, w.out3, p);
    }
   });
}

}  // namespace lengthlab
