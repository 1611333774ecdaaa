#include "inspection.h"

#include "check.h"
#include "matmul.h"
#include "positional_regularizer.h"

#include <algorithm>
#include <cmath>

namespace lengthlab {
namespace {

Batch singleSequence(const std::vector<int>& tokens, int outputs) {
  Batch batch;
  batch.clear(outputs);
  EncodedSequence sequence;
  sequence.tokens = tokens;
  sequence.targets.assign(tokens.size(), -1);
  batch.add(sequence, 0);
  return batch;
}

}  // namespace

SequenceInspection inspectSequence(const Transformer& model, const std::vector<int>& tokens,
                                   Workspace& ws) {
  const ModelConfig& c = model.config();
  LL_CHECK(!tokens.empty());
  LL_CHECK(!c.hasPositionTable() || static_cast<int>(tokens.size()) <= c.positions);
  const Batch batch = singleSequence(tokens, c.outputSize);
  model.forward(batch, ws, Transformer::Rows::All);
  SequenceInspection out;
  out.length = static_cast<int>(tokens.size());
  out.layers = c.layers;
  out.heads = c.heads;
  out.outputs = c.outputSize;
  out.tokens = tokens;
  const auto T = static_cast<std::size_t>(out.length);
  out.logits.assign(ws.logits(), ws.logits() + T * static_cast<std::size_t>(c.outputSize));
  out.attention.reserve(static_cast<std::size_t>(c.layers) * c.heads * T * T);
  for (int l = 0; l < c.layers; ++l) {
    for (int h = 0; h < c.heads; ++h) {
      const Workspace::AttentionMap map = ws.attention(l, 0, h);
      for (std::size_t i = 0; i < T; ++i) {
        const float* row = map.data + i * static_cast<std::size_t>(map.stride);
        out.attention.insert(out.attention.end(), row, row + T);
      }
    }
  }
  return out;
}

std::vector<int> greedyDecode(const Transformer& model, std::vector<int> sequence, int stopToken,
                              int maxNew, Workspace& ws) {
  const ModelConfig& c = model.config();
  LL_CHECK(!c.tiedHead || c.outputSize == c.vocabSize);
  for (int added = 0; added < maxNew; ++added) {
    if (c.hasPositionTable() && static_cast<int>(sequence.size()) >= c.positions) break;
    const Batch batch = singleSequence(sequence, c.outputSize);
    model.forward(batch, ws, Transformer::Rows::All);
    const float* last = ws.logits() + (sequence.size() - 1) * static_cast<std::size_t>(c.outputSize);
    const int next = static_cast<int>(std::max_element(last, last + c.outputSize) - last);
    sequence.push_back(next);
    if (next == stopToken) break;
  }
  return sequence;
}

PositionTableStatistics positionTableStatistics(const Transformer& model) {
  const ModelConfig& c = model.config();
  PositionTableStatistics stats;
  if (!c.hasPositionTable()) return stats;
  const int P = c.positions, C = c.dModel;
  const ModelTensors w = model.weights();
  stats.positions = P;
  stats.norms.resize(static_cast<std::size_t>(P));
  for (int i = 0; i < P; ++i) {
    double sum = 0;
    for (int k = 0; k < C; ++k) sum += double(w.positionEmbedding[i * C + k]) * w.positionEmbedding[i * C + k];
    stats.norms[static_cast<std::size_t>(i)] = static_cast<float>(std::sqrt(sum));
  }
  // cos(p_i, p_j) = (p_i / |p_i|) . (p_j / |p_j|): one product of the normalised table.
  std::vector<float> unit(static_cast<std::size_t>(P) * C);
  for (int i = 0; i < P; ++i) {
    const float inverse = stats.norms[static_cast<std::size_t>(i)] > 0 ? 1.0f / stats.norms[static_cast<std::size_t>(i)] : 0.0f;
    for (int k = 0; k < C; ++k) unit[static_cast<std::size_t>(i) * C + k] = w.positionEmbedding[i * C + k] * inverse;
  }
  stats.cosine.resize(static_cast<std::size_t>(P) * P);
  matmul(unit.data(), Transpose::No, unit.data(), Transpose::Yes, stats.cosine.data(), P, P, C, false);
  PositionalScratch scratch;
  for (int l = 0; l < c.layers; ++l) {
    for (int h = 0; h < c.heads; ++h) {
      stats.products.emplace_back();
      positionalProduct(c, w, l, h, stats.products.back(), scratch);
    }
  }
  return stats;
}

}  // namespace lengthlab
