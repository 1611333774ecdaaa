#include "adamw.h"

#include "check.h"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>

namespace lengthlab {

AdamW::AdamW(const ParameterLayout& layout, AdamWSettings settings)
    : m_settings(settings),
      m_m(layout.totalSize(), 0.0f),
      m_v(layout.totalSize(), 0.0f),
      m_decay(layout.totalSize(), 0.0f) {
  for (const auto& slot : layout.tensors()) {
    if (!slot.weightDecay) continue;
    std::fill(m_decay.begin() + static_cast<long>(slot.offset),
              m_decay.begin() + static_cast<long>(slot.offset + slot.size),
              static_cast<float>(settings.weightDecay));
  }
}

double AdamW::gradientNorm(const FloatBuffer& gradients) {
  // Fixed-size partial sums in double: deterministic and accurate for millions of entries.
  const long n = static_cast<long>(gradients.size());
  constexpr long kBlock = 4096;
  const long blocks = (n + kBlock - 1) / kBlock;
  std::vector<double>& partial = m_partialSums;
  partial.resize(static_cast<std::size_t>(blocks));
#pragma omp parallel for schedule(static)
  for (long b = 0; b < blocks; ++b) {
    // Four running sums, so that the additions do not wait on each other (and vectorise).
    double sum[4] = {};
    const long end = std::min(n, (b + 1) * kBlock);
    long i = b * kBlock;
    for (; i + 4 <= end; i += 4) {
      for (int k = 0; k < 4; ++k) sum[k] += static_cast<double>(gradients[i + k]) * gradients[i + k];
    }
    for (; i < end; ++i) sum[0] += static_cast<double>(gradients[i]) * gradients[i];
    partial[static_cast<std::size_t>(b)] = (sum[0] + sum[1]) + (sum[2] + sum[3]);
  }
  double total = 0.0;
  for (double p : partial) total += p;
  return std::sqrt(total);
}

double AdamW::step(FloatBuffer& parameters, FloatBuffer& gradients, double learningRate) {
  return step(parameters, gradients, learningRate, gradientNorm(gradients));
}

double AdamW::step(FloatBuffer& parameters, FloatBuffer& gradients, double learningRate,
                   double norm) {
  LL_CHECK(parameters.size() == m_m.size() && gradients.size() == m_m.size());
  // torch.nn.utils.clip_grad_norm_: scale by max_norm / (norm + 1e-6) when that is below 1.
  const float clip = (m_settings.clipNorm > 0 && norm > m_settings.clipNorm)
                         ? static_cast<float>(m_settings.clipNorm / (norm + 1e-6))
                         : 1.0f;
  ++m_step;
  const auto lr = static_cast<float>(learningRate);
  const auto b1 = static_cast<float>(m_settings.beta1), b2 = static_cast<float>(m_settings.beta2);
  const auto eps = static_cast<float>(m_settings.epsilon);
  const auto correction1 = static_cast<float>(1.0 - std::pow(m_settings.beta1, m_step));
  const auto correction2 = static_cast<float>(1.0 - std::pow(m_settings.beta2, m_step));
  const float stepSize = lr / correction1;
  const float invSqrtCorrection2 = 1.0f / std::sqrt(correction2);
  const long n = static_cast<long>(parameters.size());
  float* p = parameters.data();
  float* g = gradients.data();
  float* m = m_m.data();
  float* v = m_v.data();
  const float* decay = m_decay.data();
  // In chunks that stay in L1, as Eigen array expressions: a plain loop stays scalar (GCC will
  // not vectorise std::sqrt while it may set errno).
  constexpr long kChunk = 2048;
  const long chunks = (n + kChunk - 1) / kChunk;
#pragma omp parallel for schedule(static)
  for (long c = 0; c < chunks; ++c) {
    const long begin = c * kChunk;
    const long len = std::min(kChunk, n - begin);
    using Map = Eigen::Map<Eigen::ArrayXf>;
    Map P(p + begin, len), G(g + begin, len), M(m + begin, len), V(v + begin, len);
    const Eigen::Map<const Eigen::ArrayXf> decayRate(decay + begin, len);
    // PyTorch AdamW: p *= 1 - lr wd; m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
    // p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
    G *= clip;
    P *= 1.0f - lr * decayRate;
    M = b1 * M + (1.0f - b1) * G;
    V = b2 * V + (1.0f - b2) * G.square();
    P -= stepSize * M / (V.sqrt() * invSqrtCorrection2 + eps);
  }
  return norm;
}

}  // namespace lengthlab
