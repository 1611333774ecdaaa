#include "kernels.h"

#include "aligned_buffer.h"

#include "check.h"
#include "matmul.h"
#include "vectors.h"

#include <Eigen/Core>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace lengthlab {
namespace {

using ArrayMap = Eigen::Map<Eigen::ArrayXf>;
using ConstArrayMap = Eigen::Map<const Eigen::ArrayXf>;

constexpr float kLayerNormEps = 1e-5f;
constexpr float kGeluScale = 0.7978845608028654f;  // sqrt(2 / pi)
constexpr float kGeluCubic = 0.044715f;
// Column blocks for reductions over rows: each column's sum is formed by one thread in row
// order, so the result does not depend on the number of threads.
constexpr int kColumnBlock = 32;

inline std::size_t at(long row, long stride, long col) {
  return static_cast<std::size_t>(row * stride + col);
}

// Column sums over rows (bias and LayerNorm gradients) run with one contiguous block of rows per
// thread, each summed into its own partial row, and the partial rows are added in thread order:
// full-width vector loops, and the same bits for a given thread count. The partial rows live in
// a buffer of the calling thread that grows once and is then reused.
float* partialRows(int threads, int width) {
  thread_local FloatBuffer buffer;
  const auto size = static_cast<std::size_t>(threads) * static_cast<std::size_t>(width);
  if (buffer.size() < size) buffer.resize(size);
  std::fill(buffer.begin(), buffer.begin() + static_cast<long>(size), 0.0f);
  return buffer.data();
}

// Rows [begin, end) of N for thread t of nt.
inline std::pair<int, int> rowBlock(int N, int t, int nt) {
  return {static_cast<int>(static_cast<long>(N) * t / nt), static_cast<int>(static_cast<long>(N) * (t + 1) / nt)};
}

// out[c] += sum over threads of partial[t][c], in thread order.
void addPartialRows(float* out, const float* partial, int threads, int width) {
  for (int t = 0; t < threads; ++t) {
    const float* row = partial + static_cast<std::size_t>(t) * width;
    for (int c = 0; c < width; ++c) out[c] += row[c];
  }
}

// out [cols x rows] = in [rows x cols] transposed, or out += that when add. For the linear layers'
// backward pass: over 8 x 8 blocks transposed in registers so that every load and store is a
// whole vector (the scalar loops became gathers and took ~75 us per weight); the ragged edges go
// element by element.
void transposeBlocks(float* out, const float* in, int rows, int cols, bool add) {
  const int rowBlocks = (rows + 7) / 8;
#pragma omp parallel for schedule(static)
  for (int rb = 0; rb < rowBlocks; ++rb) {
    const int r0 = rb * 8, r1 = std::min(rows, r0 + 8);
    int c0 = 0;
    if (r1 - r0 == 8) {
      for (; c0 + 8 <= cols; c0 += 8) {
        Vec8 v[8];
        for (int k = 0; k < 8; ++k) v[k] = load8(in + at(r0 + k, cols, c0));
        transpose8x8(v);
        for (int k = 0; k < 8; ++k) {
          float* o = out + at(c0 + k, rows, r0);
          store8(o, add ? load8(o) + v[k] : v[k]);
        }
      }
    }
    for (int c = c0; c < cols; ++c) {
      for (int r = r0; r < r1; ++r) {
        float& o = out[at(c, rows, r)];
        o = add ? o + in[at(r, cols, c)] : in[at(r, cols, c)];
      }
    }
  }
}

}  // namespace

void embeddingForward(float* out, const int* tokens, const int* positions, const float* wte,
                      const float* wpe, int N, int C) {
#pragma omp parallel for schedule(static)
  for (int n = 0; n < N; ++n) {
    const float* te = wte + at(tokens[n], C, 0);
    float* o = out + at(n, C, 0);
    if (wpe) {
      const float* pe = wpe + at(positions[n], C, 0);
      for (int c = 0; c < C; ++c) o[c] = te[c] + pe[c];
    } else {
      std::memcpy(o, te, sizeof(float) * static_cast<std::size_t>(C));
    }
  }
}

void embeddingBackward(float* dwte, float* dwpe, const float* dout, int ldOut, const int* tokens,
                       const int* positions, int N, int C) {
  // Scatter-add: rows collide (a token repeats), so split the work by columns, not rows.
  const int blocks = (C + kColumnBlock - 1) / kColumnBlock;
#pragma omp parallel for schedule(static)
  for (int b = 0; b < blocks; ++b) {
    const int c0 = b * kColumnBlock, c1 = std::min(C, c0 + kColumnBlock);
    for (int n = 0; n < N; ++n) {
      const float* d = dout + at(n, ldOut, 0);
      float* te = dwte + at(tokens[n], C, 0);
      for (int c = c0; c < c1; ++c) te[c] += d[c];
      if (dwpe) {
        float* pe = dwpe + at(positions[n], C, 0);
        for (int c = c0; c < c1; ++c) pe[c] += d[c];
      }
    }
  }
}

void layerNormForward(float* out, float* mean, float* rstd, const float* in, const float* weight,
                      const float* bias, int N, int C) {
  const ConstArrayMap w(weight, C), b(bias, C);
  const float invC = 1.0f / static_cast<float>(C);
#pragma omp parallel for schedule(static)
  for (int n = 0; n < N; ++n) {
    // Eigen's vectorised sums: a plain float loop would stay scalar (no reassociation allowed).
    const ConstArrayMap x(in + at(n, C, 0), C);
    const float m = x.sum() * invC;
    const float r = 1.0f / std::sqrt((x - m).square().sum() * invC + kLayerNormEps);
    ArrayMap(out + at(n, C, 0), C) = (x - m) * r * w + b;
    mean[n] = m;
    rstd[n] = r;
  }
}

void layerNormBackward(float* din, int ldDin, float* dweight, float* dbias, const float* dout,
                       const float* in, const float* mean, const float* rstd, const float* weight,
                       int N, int C) {
  // Forward: xhat = (x - mean) * rstd, y = xhat * w + b. With g = dy * w:
  // dx = rstd * (g - mean_c(g) - xhat * mean_c(g * xhat));  dw = sum_n dy * xhat;  db = sum_n dy.
  const int threads = omp_get_max_threads();
  float* partial = partialRows(threads, 2 * C);  // per thread: dweight row, then dbias row
  int used = 1;
#pragma omp parallel num_threads(threads)
  {
    const int t = omp_get_thread_num(), nt = omp_get_num_threads();
#pragma omp single
    used = nt;
    float* myWeight = partial + static_cast<std::size_t>(t) * 2 * C;
    float* myBias = myWeight + C;
    const float invC = 1.0f / static_cast<float>(C);
    const auto [begin, end] = rowBlock(N, t, nt);
    // Two passes over a row where Eigen's expressions made five: the first forms both row sums
    // and the parameter gradients, the second the input gradient.
    const int whole = C / kVector16 * kVector16;
    for (int n = begin; n < end; ++n) {
      const float* x = in + at(n, C, 0);
      const float* dy = dout + at(n, C, 0);
      float* dx = din + at(n, ldDin, 0);
      const float m = mean[n], r = rstd[n];
      Vec16 sumG{}, sumGx{};
      for (int c = 0; c < whole; c += kVector16) {
        const Vec16 xhat = (load16(x + c) - m) * r;
        const Vec16 d = load16(dy + c);
        const Vec16 g = d * load16(weight + c);
        sumG += g;
        sumGx += g * xhat;
        store16(myWeight + c, load16(myWeight + c) + d * xhat);
        store16(myBias + c, load16(myBias + c) + d);
      }
      float tailG = 0.0f, tailGx = 0.0f;
      for (int c = whole; c < C; ++c) {
        const float xhat = (x[c] - m) * r, g = dy[c] * weight[c];
        tailG += g;
        tailGx += g * xhat;
        myWeight[c] += dy[c] * xhat;
        myBias[c] += dy[c];
      }
      const float meanG = (laneSum(sumG) + tailG) * invC;
      const float meanGx = (laneSum(sumGx) + tailGx) * invC;
      for (int c = 0; c < whole; c += kVector16) {
        const Vec16 xhat = (load16(x + c) - m) * r;
        const Vec16 g = load16(dy + c) * load16(weight + c);
        store16(dx + c, load16(dx + c) + r * (g - meanG - xhat * meanGx));
      }
      for (int c = whole; c < C; ++c) {
        const float xhat = (x[c] - m) * r, g = dy[c] * weight[c];
        dx[c] += r * (g - meanG - xhat * meanGx);
      }
    }
  }
  for (int t = 0; t < used; ++t) {
    const float* row = partial + static_cast<std::size_t>(t) * 2 * C;
    for (int c = 0; c < C; ++c) {
      dweight[c] += row[c];
      dbias[c] += row[C + c];
    }
  }
}

void linearForward(float* out, const float* in, int ldIn, const float* weight, const float* bias,
                   int N, int In, int Out, const float* residual) {
  matmul(in, Transpose::No, ldIn, weight, Transpose::No, Out, out, Out, N, Out, In, false);
  if (!bias && !residual) return;
#pragma omp parallel for schedule(static)
  for (int n = 0; n < N; ++n) {
    float* o = out + at(n, Out, 0);
    if (bias) {
      for (int j = 0; j < Out; ++j) o[j] += bias[j];
    }
    if (residual) {
      const float* r = residual + at(n, Out, 0);
      for (int j = 0; j < Out; ++j) o[j] += r[j];
    }
  }
}

void transposeMatrix(float* out, const float* in, int rows, int cols) {
  transposeBlocks(out, in, rows, cols, false);
}

void linearBackward(float* din, float* dweight, float* dbias, const float* dout, int ldOut,
                    const float* in, int ldIn, const float* weight, int N, int In, int Out,
                    const float* weightTransposed) {
  // Forward: out = in @ W + b.  din = dout @ W^T;  dW += in^T @ dout;  db += colsum(dout).
  if (din) {
    // oneDNN's gemm reads a dense [Out x In] copy of W markedly faster than W^T in place
    // (3200 rows: MLP up 92 -> 111, MLP down 103 -> 109, attention projection 95 -> 103
    // GFLOP/s); the copy touches In x Out floats, the product N times more.
    if (!weightTransposed) {
      thread_local FloatBuffer copy;
      const auto size = static_cast<std::size_t>(In) * static_cast<std::size_t>(Out);
      if (copy.size() < size) copy.resize(size);
      transposeBlocks(copy.data(), weight, In, Out, false);
      weightTransposed = copy.data();
    }
    matmul(dout, Transpose::No, ldOut, weightTransposed, Transpose::No, In, din, ldIn, N, In, Out,
           false);
  }
  if (In <= Out) {
    matmul(in, Transpose::Yes, ldIn, dout, Transpose::No, ldOut, dweight, Out, In, Out, N, true);
  } else {
    // oneDNN's gemm runs the long reduction over N about a fifth faster when its output has
    // fewer rows than columns (measured for the MLP's [4C x C] projection), so form dW^T and
    // add it back transposed; the transpose touches In x Out floats, the product N times more.
    thread_local FloatBuffer transposed;
    const auto size = static_cast<std::size_t>(In) * static_cast<std::size_t>(Out);
    if (transposed.size() < size) transposed.resize(size);
    matmul(dout, Transpose::Yes, ldOut, in, Transpose::No, ldIn, transposed.data(), In, Out, In, N,
           false);
    transposeBlocks(dweight, transposed.data(), Out, In, true);
  }
  if (dbias) addColumnSums(dbias, dout, ldOut, N, Out);
}

namespace {

// tanh(u) on sixteen lanes as the ratio of an odd degree-13 and an even degree-6 polynomial (the
// approximation Eigen and XLA use, a few ulp on [-8, 8]); beyond +-8 it is +-1 to float precision.
// NaN stays NaN.
inline Vec16 tanh16(Vec16 u) {
  constexpr float kLimit = 7.99881172180175781f;
  u = u > kLimit ? splat16(kLimit) : u;
  u = u < -kLimit ? splat16(-kLimit) : u;
  const Vec16 u2 = u * u;
  Vec16 p = u2 * -2.76076847742355e-16f + 2.00018790482477e-13f;
  for (const float c : {-8.60467152213735e-11f, 5.12229709037114e-08f, 1.48572235717979e-05f,
                        6.37261928875436e-04f, 4.89352455891786e-03f}) {
    p = p * u2 + c;
  }
  Vec16 q = u2 * 1.19825839466702e-06f + 1.18534705686654e-04f;
  q = q * u2 + 2.26843463243900e-03f;
  q = q * u2 + 4.89352518554385e-03f;
  return u * p / q;
}

// y = 0.5 x (1 + t), t = tanh(u), u = s (x + k x^3);  y' = 0.5 (1 + t) + 0.5 x (1 - t^2) s (1 + 3 k x^2).
// One pass over whole vectors of sixteen with x^2 and (1 + t) / 2 shared: 0.64 -> 0.52 ns per
// element on one core, data in L2 (Eigen's three array passes: tanh into scratch, slope,
// activation). Eight-lane vectors ran no faster than Eigen: the division is what limits.
template <bool kSlope>
inline Vec16 gelu16(Vec16 x, Vec16* slope) {
  const Vec16 x2 = x * x;
  const Vec16 half = tanh16(x * (kGeluScale + kGeluScale * kGeluCubic * x2)) * 0.5f + 0.5f;
  if constexpr (kSlope) {
    // 0.5 (1 - t^2) = 2 half (1 - half)
    *slope = half + x * (2.0f * half * (1.0f - half)) *
                        (kGeluScale + 3.0f * kGeluScale * kGeluCubic * x2);
  }
  return x * half;
}

// y[0, n) = gelu(x + bias) (bias may be null), slope[0, n) = its derivative unless null. y may
// be x. The last partial vector goes through a padded copy, so every element takes the same path.
void geluRow(float* y, float* slope, const float* x, const float* bias, long n) {
  const auto one = [&](long j, int count) {
    float in[kVector16] = {}, b[kVector16] = {}, out[kVector16], d[kVector16];
    std::copy_n(x + j, count, in);
    if (bias) std::copy_n(bias + j, count, b);
    Vec16 derivative;
    const Vec16 v = load16(in) + load16(b);
    store16(out, slope ? gelu16<true>(v, &derivative) : gelu16<false>(v, nullptr));
    std::copy_n(out, count, y + j);
    if (slope) {
      store16(d, derivative);
      std::copy_n(d, count, slope + j);
    }
  };
  long j = 0;
  for (; j + kVector16 <= n; j += kVector16) {
    const Vec16 v = bias ? load16(x + j) + load16(bias + j) : load16(x + j);
    if (slope) {
      Vec16 derivative;
      store16(y + j, gelu16<true>(v, &derivative));
      store16(slope + j, derivative);
    } else {
      store16(y + j, gelu16<false>(v, nullptr));
    }
  }
  if (j < n) one(j, static_cast<int>(n - j));
}

}  // namespace

void geluForward(float* out, float* derivative, const float* in, std::size_t count) {
  constexpr std::size_t kChunk = 4096;
  const long chunks = static_cast<long>((count + kChunk - 1) / kChunk);
#pragma omp parallel for schedule(static)
  for (long k = 0; k < chunks; ++k) {
    const std::size_t begin = static_cast<std::size_t>(k) * kChunk;
    const auto len = static_cast<long>(std::min(kChunk, count - begin));
    geluRow(out + begin, derivative ? derivative + begin : nullptr, in + begin, nullptr, len);
  }
}

void linearGeluForward(float* activation, float* derivative, int ld, const float* in,
                       const float* weight, const float* bias, int N, int In, int Out) {
  matmul(in, Transpose::No, In, weight, Transpose::No, Out, activation, ld, N, Out, In, false);
  // One pass over the [N x Out] result for the bias, the slope and the activation, in place.
#pragma omp parallel for schedule(static)
  for (int n = 0; n < N; ++n) {
    float* x = activation + at(n, ld, 0);
    geluRow(x, derivative + at(n, ld, 0), x, bias, Out);
  }
}

void geluBackward(float* din, float* dbias, const float* derivative, const float* dout, int ld,
                  int N, int C) {
  // dbias += sum_n din: the bias is added to x before the activation.
  const int threads = omp_get_max_threads();
  float* partial = dbias ? partialRows(threads, C) : nullptr;
  int used = 1;
#pragma omp parallel num_threads(threads)
  {
    const int t = omp_get_thread_num(), nt = omp_get_num_threads();
#pragma omp single
    used = nt;
    const auto [begin, end] = rowBlock(N, t, nt);
    for (int n = begin; n < end; ++n) {
      ArrayMap dx(din + at(n, ld, 0), C);
      dx = ConstArrayMap(dout + at(n, ld, 0), C) * ConstArrayMap(derivative + at(n, ld, 0), C);
      if (partial) ArrayMap(partial + static_cast<std::size_t>(t) * C, C) += dx;
    }
  }
  if (partial) addPartialRows(dbias, partial, used, C);
}

double softmaxCrossEntropy(float* dlogits, float* rowLoss, const float* logits, const int* targets,
                           int R, int O) {
  // loss_r = log sum_k exp(z_rk) - z_r,t;  d(mean)/dz_rk = (softmax(z_r)_k - [k == t]) / R
  const float invR = 1.0f / static_cast<float>(std::max(R, 1));
#pragma omp parallel for schedule(static)
  for (int r = 0; r < R; ++r) {
    const ConstArrayMap z(logits + at(r, O, 0), O);
    ArrayMap g(dlogits + at(r, O, 0), O);
    const float maxZ = z.maxCoeff();
    g = (z - maxZ).exp();
    const float sum = g.sum();
    const int t = targets[r];
    rowLoss[r] = std::log(sum) + maxZ - z[t];
    g *= invR / sum;
    g[t] -= invR;
  }
  double total = 0.0;
  for (int r = 0; r < R; ++r) total += rowLoss[r];
  return R > 0 ? total / R : 0.0;
}

double sigmoidBinaryCrossEntropy(float* dlogits, float* rowLoss, const float* logits,
                                 const std::uint8_t* labels, int R, int O) {
  // loss = max(z, 0) - z y + log(1 + exp(-|z|));  d(mean)/dz = (sigmoid(z) - y) / (R O)
  const float invCount = 1.0f / static_cast<float>(std::max(R * O, 1));
#pragma omp parallel for schedule(static)
  for (int r = 0; r < R; ++r) {
    float loss = 0.0f;
    for (int k = 0; k < O; ++k) {
      const float z = logits[at(r, O, k)];
      const float y = labels[at(r, O, k)] ? 1.0f : 0.0f;
      loss += std::max(z, 0.0f) - z * y + std::log1p(std::exp(-std::fabs(z)));
      const float sigmoid = z >= 0 ? 1.0f / (1.0f + std::exp(-z)) : std::exp(z) / (1.0f + std::exp(z));
      dlogits[at(r, O, k)] = (sigmoid - y) * invCount;
    }
    rowLoss[r] = loss;
  }
  double total = 0.0;
  for (int r = 0; r < R; ++r) total += rowLoss[r];
  return R > 0 ? total / (static_cast<double>(R) * O) : 0.0;
}

void addColumnSums(float* out, const float* in, int ld, int N, int C) {
  const int threads = omp_get_max_threads();
  float* partial = partialRows(threads, C);
  int used = 1;
#pragma omp parallel num_threads(threads)
  {
    const int t = omp_get_thread_num(), nt = omp_get_num_threads();
#pragma omp single
    used = nt;
    float* mine = partial + static_cast<std::size_t>(t) * C;
    const auto [begin, end] = rowBlock(N, t, nt);
    for (int n = begin; n < end; ++n) {
      const float* x = in + at(n, ld, 0);
      for (int c = 0; c < C; ++c) mine[c] += x[c];
    }
  }
  addPartialRows(out, partial, used, C);
}

}  // namespace lengthlab
