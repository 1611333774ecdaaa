#include "positional_regularizer.h"

#include "check.h"
#include "matmul.h"

#include <algorithm>

namespace lengthlab {
namespace {

template <typename Buffer>
void grow(Buffer& buffer, std::size_t size) {
  if (buffer.size() < size) buffer.resize(size);
}

// queries = P Wq_h, keys = P Wk_h, product = queries keys^T.
void computeProduct(const ModelConfig& config, const ModelTensors& w, int layer, int head,
                    float* product, PositionalScratch& s) {
  const int P = config.positions, C = config.dModel, D = config.dHead();
  grow(s.queries, static_cast<std::size_t>(P) * D);
  grow(s.keys, static_cast<std::size_t>(P) * D);
  const float* qkvWeight = w.layers[layer].qkvWeight;  // [C, 3C]: q | k | v columns
  matmul(w.positionEmbedding, Transpose::No, C, qkvWeight + head * D, Transpose::No, 3 * C,
         s.queries.data(), D, P, D, C, false);
  matmul(w.positionEmbedding, Transpose::No, C, qkvWeight + C + head * D, Transpose::No, 3 * C,
         s.keys.data(), D, P, D, C, false);
  matmul(s.queries.data(), Transpose::No, s.keys.data(), Transpose::Yes, product, P, P, D, false);
}

}  // namespace

void positionalProduct(const ModelConfig& config, const ModelTensors& weights, int layer, int head,
                       std::vector<float>& product, PositionalScratch& scratch) {
  LL_CHECK(config.hasPositionTable() && weights.positionEmbedding);
  LL_CHECK(layer >= 0 && layer < config.layers && head >= 0 && head < config.heads);
  const auto P = static_cast<std::size_t>(config.positions);
  product.resize(P * P);
  computeProduct(config, weights, layer, head, product.data(), scratch);
}

double positionalRegularizer(const ModelConfig& config, const ModelTensors& w,
                             const ModelTensors* g, float coef, PositionalScratch& s) {
  LL_CHECK(config.hasPositionTable() && w.positionEmbedding);
  const int P = config.positions, C = config.dModel, D = config.dHead();
  grow(s.product, static_cast<std::size_t>(P) * P);
  grow(s.dQueries, static_cast<std::size_t>(P) * D);
  grow(s.dKeys, static_cast<std::size_t>(P) * D);
  double total = 0.0;
  for (int l = 0; l < config.layers; ++l) {
    for (int h = 0; h < config.heads; ++h) {
      float* M = s.product.data();
      computeProduct(config, w, l, h, M, s);
      // R_lh = (1/P) sum_{i >= j} M_ij^2;  dR_lh/dM_ij = 2 M_ij / P on and below the diagonal.
      double value = 0.0;
      const float gradScale = 2.0f * coef / static_cast<float>(P);
      for (int i = 0; i < P; ++i) {
        float* row = M + static_cast<std::size_t>(i) * P;
        for (int j = 0; j <= i; ++j) {
          value += static_cast<double>(row[j]) * row[j];
          row[j] *= gradScale;  // M now holds coef * dR/dM
        }
        std::fill(row + i + 1, row + P, 0.0f);
      }
      total += value / P;
      if (!g) continue;
      // M = Q K^T with Q = P Wq, K = P Wk:  dQ = dM K;  dK = dM^T Q;
      // dWq += P^T dQ;  dWk += P^T dK;  dP += dQ Wq^T + dK Wk^T.
      matmul(M, Transpose::No, s.keys.data(), Transpose::No, s.dQueries.data(), P, D, P, false);
      matmul(M, Transpose::Yes, s.queries.data(), Transpose::No, s.dKeys.data(), P, D, P, false);
      const float* qkvWeight = w.layers[l].qkvWeight;
      float* dQkvWeight = g->layers[l].qkvWeight;
      matmul(w.positionEmbedding, Transpose::Yes, C, s.dQueries.data(), Transpose::No, D,
             dQkvWeight + h * D, 3 * C, C, D, P, true);
      matmul(w.positionEmbedding, Transpose::Yes, C, s.dKeys.data(), Transpose::No, D,
             dQkvWeight + C + h * D, 3 * C, C, D, P, true);
      matmul(s.dQueries.data(), Transpose::No, D, qkvWeight + h * D, Transpose::Yes, 3 * C,
             g->positionEmbedding, C, P, C, D, true);
      matmul(s.dKeys.data(), Transpose::No, D, qkvWeight + C + h * D, Transpose::Yes, 3 * C,
             g->positionEmbedding, C, P, C, D, true);
    }
  }
  return total;
}

}  // namespace lengthlab
