// The theory's picture of positional attention (PAPER.md sections 2 and 6): for layer l and
// head h, M = (P Wq_h)(P Wk_h)^T over the whole position table P, and the regulariser
//   R = sum over l, h of  (1/P) sum_j sum_{i >= j} M[i, j]^2
// (biases, LayerNorm and the 1/sqrt(D) scale left out, as in the paper).
#pragma once

#include "aligned_buffer.h"
#include "model_config.h"
#include "parameters.h"

#include <vector>

namespace lengthlab {

// Buffers reused between calls so a training step allocates nothing.
struct PositionalScratch {
  FloatBuffer queries, keys, product, dQueries, dKeys;  // [P, D], [P, D], [P, P], ...
};

// M for one layer and head: [P x P], row i = query position, column j = key position.
void positionalProduct(const ModelConfig& config, const ModelTensors& weights, int layer, int head,
                       std::vector<float>& product, PositionalScratch& scratch);

// R, and when gradients is not null, coef * dR/dtheta added to the gradients.
// Requires a position table (APE or APE + reg).
double positionalRegularizer(const ModelConfig& config, const ModelTensors& weights,
                             const ModelTensors* gradients, float coef, PositionalScratch& scratch);

}  // namespace lengthlab
