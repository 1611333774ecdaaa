#include "kernels.h"

#include "check.h"
#include "matmul.h"

#include <Eigen/Core>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace lengthlab {
namespace {

using ArrayMap = Eigen::Map<Eigen::ArrayXf>;
using ConstArrayMap = Eigen::Map<const Eigen::ArrayXf>;
using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowMatrixMap = Eigen::Map<RowMatrix>;
using StridedMap = Eigen::Map<RowMatrix, 0, Eigen::OuterStride<>>;
using ConstStridedMap = Eigen::Map<const RowMatrix, 0, Eigen::OuterStride<>>;

constexpr float kLayerNormEps = 1e-5f;
constexpr float kGeluScale = 0.7978845608028654f;  // sqrt(2 / pi)
constexpr float kGeluCubic = 0.044715f;
// Column blocks for reductions over rows: each column's sum is formed by one thread in row
// order, so the result does not depend on the number of threads.
constexpr int kColumnBlock = 32;
// Query rows per block in attention: small enough that the skipped upper triangle pays, large
// enough for efficient products.
constexpr int kAttentionBlock = 32;

inline std::size_t at(long row, long stride, long col) {
  return static_cast<std::size_t>(row * stride + col);
}

// Before a parallel region: an exception must never be thrown inside one.
void checkLongest(const AttentionLayout& layout) {
  for (int s = 0; s < layout.sequences; ++s) {
    LL_CHECK(layout.sequenceStart[s + 1] - layout.sequenceStart[s] <= layout.longest);
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

void embeddingBackward(float* dwte, float* dwpe, const float* dout, const int* tokens,
                       const int* positions, int N, int C) {
  // Scatter-add: rows collide (a token repeats), so split the work by columns, not rows.
  const int blocks = (C + kColumnBlock - 1) / kColumnBlock;
#pragma omp parallel for schedule(static)
  for (int b = 0; b < blocks; ++b) {
    const int c0 = b * kColumnBlock, c1 = std::min(C, c0 + kColumnBlock);
    for (int n = 0; n < N; ++n) {
      const float* d = dout + at(n, C, 0);
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
#pragma omp parallel for schedule(static)
  for (int n = 0; n < N; ++n) {
    const float* x = in + at(n, C, 0);
    float sum = 0.0f;
    for (int c = 0; c < C; ++c) sum += x[c];
    const float m = sum / static_cast<float>(C);
    float var = 0.0f;
    for (int c = 0; c < C; ++c) var += (x[c] - m) * (x[c] - m);
    const float r = 1.0f / std::sqrt(var / static_cast<float>(C) + kLayerNormEps);
    float* o = out + at(n, C, 0);
    for (int c = 0; c < C; ++c) o[c] = (x[c] - m) * r * weight[c] + bias[c];
    mean[n] = m;
    rstd[n] = r;
  }
}

void layerNormBackward(float* din, float* dweight, float* dbias, const float* dout, const float* in,
                       const float* mean, const float* rstd, const float* weight, int N, int C) {
  // Forward: xhat = (x - mean) * rstd, y = xhat * w + b. With g = dy * w:
  // dx = rstd * (g - mean_c(g) - xhat * mean_c(g * xhat)).
#pragma omp parallel for schedule(static)
  for (int n = 0; n < N; ++n) {
    const float* x = in + at(n, C, 0);
    const float* dy = dout + at(n, C, 0);
    const float m = mean[n], r = rstd[n];
    float sumG = 0.0f, sumGx = 0.0f;
    for (int c = 0; c < C; ++c) {
      const float g = dy[c] * weight[c];
      sumG += g;
      sumGx += g * (x[c] - m) * r;
    }
    const float meanG = sumG / static_cast<float>(C), meanGx = sumGx / static_cast<float>(C);
    float* dx = din + at(n, C, 0);
    for (int c = 0; c < C; ++c) {
      const float xhat = (x[c] - m) * r;
      dx[c] += r * (dy[c] * weight[c] - meanG - xhat * meanGx);
    }
  }
  const int blocks = (C + kColumnBlock - 1) / kColumnBlock;
#pragma omp parallel for schedule(static)
  for (int b = 0; b < blocks; ++b) {
    const int c0 = b * kColumnBlock, c1 = std::min(C, c0 + kColumnBlock);
    for (int n = 0; n < N; ++n) {
      const float* x = in + at(n, C, 0);
      const float* dy = dout + at(n, C, 0);
      const float m = mean[n], r = rstd[n];
      for (int c = c0; c < c1; ++c) {
        dweight[c] += dy[c] * (x[c] - m) * r;
        dbias[c] += dy[c];
      }
    }
  }
}

void linearForward(float* out, const float* in, const float* weight, const float* bias, int N,
                   int In, int Out, const float* residual) {
  matmul(in, Transpose::No, weight, Transpose::No, out, N, Out, In, false);
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

void linearBackward(float* din, float* dweight, float* dbias, const float* dout, const float* in,
                    const float* weight, int N, int In, int Out) {
  // Forward: out = in @ W + b.  din = dout @ W^T;  dW += in^T @ dout;  db += colsum(dout).
  if (din) matmul(dout, Transpose::No, weight, Transpose::Yes, din, N, In, Out, false);
  matmul(in, Transpose::Yes, dout, Transpose::No, dweight, In, Out, N, true);
  if (dbias) addColumnSums(dbias, dout, N, Out);
}

void geluForward(float* out, const float* in, std::size_t count) {
  constexpr std::size_t kChunk = 4096;
  const long chunks = static_cast<long>((count + kChunk - 1) / kChunk);
#pragma omp parallel for schedule(static)
  for (long k = 0; k < chunks; ++k) {
    const std::size_t begin = static_cast<std::size_t>(k) * kChunk;
    const auto len = static_cast<Eigen::Index>(std::min(kChunk, count - begin));
    const ConstArrayMap x(in + begin, len);
    ArrayMap y(out + begin, len);
    y = 0.5f * x * (1.0f + (kGeluScale * (x + kGeluCubic * x.cube())).tanh());
  }
}

void geluBackward(float* din, const float* in, const float* dout, std::size_t count) {
  // y = 0.5 x (1 + t), t = tanh(u), u = s (x + k x^3):
  // dy/dx = 0.5 (1 + t) + 0.5 x (1 - t^2) s (1 + 3 k x^2)
  constexpr std::size_t kChunk = 4096;
  const long chunks = static_cast<long>((count + kChunk - 1) / kChunk);
#pragma omp parallel for schedule(static)
  for (long k = 0; k < chunks; ++k) {
    const std::size_t begin = static_cast<std::size_t>(k) * kChunk;
    const auto len = static_cast<Eigen::Index>(std::min(kChunk, count - begin));
    const ConstArrayMap x(in + begin, len);
    const ConstArrayMap dy(dout + begin, len);
    ArrayMap dx(din + begin, len);
    alignas(64) float tanhBuffer[kChunk];  // on the stack: no allocation inside a step
    ArrayMap t(tanhBuffer, len);
    t = (kGeluScale * (x + kGeluCubic * x.cube())).tanh();
    dx = dy * (0.5f * (1.0f + t) +
               0.5f * x * (1.0f - t.square()) * kGeluScale * (1.0f + 3.0f * kGeluCubic * x.square()));
  }
}

std::size_t attentionScratchPerThread(int longest, int D) {
  // One block of score gradients [kAttentionBlock x T], key and value gradients [T x D] each.
  const auto T = static_cast<std::size_t>(longest), d = static_cast<std::size_t>(D);
  return kAttentionBlock * T + 2 * T * d + 16;
}

// Attention works on one sequence and head at a time with Eigen's small-matrix products. Query
// rows are taken in blocks of kAttentionBlock, and each block only multiplies the keys up to its
// last row, so the masked upper triangle costs little beyond the diagonal blocks.
void attentionForward(float* out, float* probs, const float* qkv, const AttentionLayout& layout,
                      int C, int H, float* /*scratch*/) {
  LL_CHECK(C % H == 0);
  const int D = C / H;
  const int C3 = 3 * C;
  const float scale = 1.0f / std::sqrt(static_cast<float>(D));
  checkLongest(layout);
  const int tasks = layout.sequences * H;
#pragma omp parallel for schedule(dynamic, 1)
  for (int task = 0; task < tasks; ++task) {
    const int s = task / H, h = task % H;
    const int base = layout.sequenceStart[s];
    const int T = layout.sequenceStart[s + 1] - base;
    const ConstStridedMap Q(qkv + at(base, C3, h * D), T, D, Eigen::OuterStride<>(C3));
    const ConstStridedMap K(qkv + at(base, C3, C + h * D), T, D, Eigen::OuterStride<>(C3));
    const ConstStridedMap V(qkv + at(base, C3, 2 * C + h * D), T, D, Eigen::OuterStride<>(C3));
    StridedMap P(probs + layout.probOffset[s] + at(h, static_cast<long>(T) * T, 0), T, T,
                 Eigen::OuterStride<>(T));
    StridedMap O(out + at(base, C, h * D), T, D, Eigen::OuterStride<>(C));
    for (int r0 = 0; r0 < T; r0 += kAttentionBlock) {
      const int rows = std::min(kAttentionBlock, T - r0), r1 = r0 + rows;
      // scores s_ij = scale q_i . k_j for the keys j < r1 (the causal mask is applied below)
      P.block(r0, 0, rows, r1).noalias() = (scale * Q.middleRows(r0, rows)) * K.topRows(r1).transpose();
      for (int i = r0; i < r1; ++i) {
        auto row = P.row(i);
        auto visible = row.head(i + 1).array();
        visible = (visible - visible.maxCoeff()).exp();
        visible /= visible.sum();
        row.tail(T - i - 1).setZero();
      }
      O.middleRows(r0, rows).noalias() = P.block(r0, 0, rows, r1) * V.topRows(r1);
    }
  }
}

void attentionBackward(float* dqkv, const float* dout, const float* qkv, const float* probs,
                       const AttentionLayout& layout, int C, int H, float* scratch) {
  // Forward, per sequence and head: s_ij = scale q_i.k_j (j <= i), p_i = softmax(s_i),
  // o_i = sum_j p_ij v_j. Backward: dp_ij = do_i.v_j; ds_ij = p_ij (dp_ij - sum_k p_ik dp_ik);
  // dq_i = scale sum_j ds_ij k_j; dk_j = scale sum_i ds_ij q_i; dv_j = sum_i p_ij do_i.
  LL_CHECK(C % H == 0);
  const int D = C / H;
  const int C3 = 3 * C;
  const float scale = 1.0f / std::sqrt(static_cast<float>(D));
  const std::size_t perThread = attentionScratchPerThread(layout.longest, D);
  checkLongest(layout);
  const int tasks = layout.sequences * H;
#pragma omp parallel for schedule(dynamic, 1)
  for (int task = 0; task < tasks; ++task) {
    const int s = task / H, h = task % H;
    const int base = layout.sequenceStart[s];
    const int T = layout.sequenceStart[s + 1] - base;
    float* mine = scratch + perThread * static_cast<std::size_t>(omp_get_thread_num());
    const ConstStridedMap Q(qkv + at(base, C3, h * D), T, D, Eigen::OuterStride<>(C3));
    const ConstStridedMap K(qkv + at(base, C3, C + h * D), T, D, Eigen::OuterStride<>(C3));
    const ConstStridedMap V(qkv + at(base, C3, 2 * C + h * D), T, D, Eigen::OuterStride<>(C3));
    const ConstStridedMap P(probs + layout.probOffset[s] + at(h, static_cast<long>(T) * T, 0), T, T,
                            Eigen::OuterStride<>(T));
    const ConstStridedMap dO(dout + at(base, C, h * D), T, D, Eigen::OuterStride<>(C));
    StridedMap dQ(dqkv + at(base, C3, h * D), T, D, Eigen::OuterStride<>(C3));
    StridedMap dK(dqkv + at(base, C3, C + h * D), T, D, Eigen::OuterStride<>(C3));
    StridedMap dV(dqkv + at(base, C3, 2 * C + h * D), T, D, Eigen::OuterStride<>(C3));
    // Key and value gradients gather contributions from every query block: accumulate them in
    // dense scratch, then copy into the strided rows of dqkv once.
    RowMatrixMap dKSum(mine, T, D), dVSum(mine + static_cast<std::size_t>(T) * D, T, D);
    float* dScores = mine + 2 * static_cast<std::size_t>(T) * D;
    dKSum.setZero();
    dVSum.setZero();
    for (int r0 = 0; r0 < T; r0 += kAttentionBlock) {
      const int rows = std::min(kAttentionBlock, T - r0), r1 = r0 + rows;
      const auto Pb = P.block(r0, 0, rows, r1);
      const auto dOb = dO.middleRows(r0, rows);
      RowMatrixMap dS(dScores, rows, r1);
      dS.noalias() = dOb * V.topRows(r1).transpose();  // dp
      for (int i = 0; i < rows; ++i) {
        const float weighted = Pb.row(i).dot(dS.row(i));
        dS.row(i) = scale * Pb.row(i).cwiseProduct((dS.row(i).array() - weighted).matrix());
      }
      dQ.middleRows(r0, rows).noalias() = dS * K.topRows(r1);
      dKSum.topRows(r1).noalias() += dS.transpose() * Q.middleRows(r0, rows);
      dVSum.topRows(r1).noalias() += Pb.transpose() * dOb;
    }
    dK = dKSum;
    dV = dVSum;
  }
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

void addColumnSums(float* out, const float* in, int N, int C) {
  const int blocks = (C + kColumnBlock - 1) / kColumnBlock;
#pragma omp parallel for schedule(static)
  for (int b = 0; b < blocks; ++b) {
    const int c0 = b * kColumnBlock, c1 = std::min(C, c0 + kColumnBlock);
    for (int n = 0; n < N; ++n) {
      const float* x = in + at(n, C, 0);
      for (int c = c0; c < c1; ++c) out[c] += x[c];
    }
  }
}

}  // namespace lengthlab
