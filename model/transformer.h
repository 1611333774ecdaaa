// The decoder-only pre-LN transformer of PAPER.md section 2, with hand-written forward and
// backward passes over packed batches:
//   x0 = wte[token] + wpe[position]                      (no wpe for NoPE)
//   per layer: x += proj(attention(qkv(LN1(x))));  x += fcProj(gelu(fc(LN2(x))))
//   logits = LNf(x) @ head^T                               (head = wte when tied)
// The model owns its parameters and gradients; everything that depends on a batch lives in a
// Workspace, so one model can serve training and evaluation with differently sized buffers.
#pragma once

#include "aligned_buffer.h"
#include "batch.h"
#include "kernels.h"
#include "model_config.h"
#include "parameters.h"
#include "rng.h"

#include <cstddef>
#include <vector>

namespace lengthlab {

class Transformer;

// Activations kept by a forward pass for the backward pass, and scratch; grows on demand and
// never shrinks, so repeated batches of similar size allocate nothing.
class Workspace {
 public:
  // Logits of the last forward pass: [R x O] for the scored rows (or [N x O] for all rows).
  const float* logits() const { return m_logits.data(); }
  int logitRows() const { return m_logitRows; }
  // Gradient of the loss with respect to the logits, written by Transformer::loss.
  const float* logitGradients() const { return m_dLogits.data(); }
  // Per-row loss of the last loss computation, [R].
  const float* rowLoss() const { return m_rowLoss.data(); }

  // Attention probabilities of layer l, sequence s, head h: the weight query i gives key j
  // (both below T_s) is data[i * stride + j].
  struct AttentionMap {
    const float* data;
    int stride;
  };
  AttentionMap attention(int layer, int sequence, int head) const;

  // Bytes currently held, for the memory report.
  std::size_t bytes() const;

 private:
  friend class Transformer;
  struct Layer {
    FloatBuffer ln1, ln1Mean, ln1Rstd, qkv, probs, attOut, residualMid, ln2, ln2Mean, ln2Rstd;
    FloatBuffer gelu, geluSlope;  // rows m_mlpStride apart
  };
  void prepare(const ModelConfig& config, const Batch& batch, int logitRows);

  // Row stride of the matrices that weight gradients read as an operand of A^T * B (dResidual,
  // dQKV, the GELU activations, dMLP): one cache line more than the width. oneDNN 2.6's AVX2
  // sgemm runs those products up to a tenth faster when the rows are not a multiple of 512 bytes
  // apart (per-shape medians in the 1-thread step: [128 x 3200] * [3200 x 512] 77-79 -> 85-88,
  // [128 x 3200] * [3200 x 128] 77 -> 84 GFLOP/s); the other products that read or write these
  // matrices do not care.
  static int paddedStride(int width) { return width + 16; }

  std::vector<Layer> m_layers;
  std::vector<FloatBuffer> m_residual;  // [L + 1][N x C]
  FloatBuffer m_lnf, m_lnfMean, m_lnfRstd, m_headIn, m_logits;
  FloatBuffer m_dLogits, m_rowLoss, m_dHeadIn;
  FloatBuffer m_dLn, m_dAttOut;
  FloatBuffer m_dResidual;              // rows m_residualStride apart
  FloatBuffer m_dQkv;                   // rows m_qkvStride apart
  FloatBuffer m_dMlp;                   // rows m_mlpStride apart
  int m_residualStride = 0, m_qkvStride = 0, m_mlpStride = 0;
  FloatBuffer m_attentionScratch;
  std::vector<std::size_t> m_probOffset;  // [S + 1]
  AttentionLayout m_attentionLayout;
  int m_heads = 0;
  int m_logitRows = 0;
  bool m_allRows = false;
  // Every row is scored, in order (a task supervising every position): the head then reads the
  // final LayerNorm in place instead of through a gathered copy.
  bool m_scoredRowsAreAllRows = false;
};

class Transformer {
 public:
  // Throws std::invalid_argument listing every problem when the configuration is invalid.
  explicit Transformer(const ModelConfig& config);

  // GPT-2 initialisation: weights and embeddings N(0, 0.02), the residual projections
  // N(0, 0.02 / sqrt(2 L)) as in Hugging Face's GPT-2, biases 0, LayerNorm weights 1.
  void initialize(Rng& rng);

  const ModelConfig& config() const { return m_config; }
  const ParameterLayout& layout() const { return m_layout; }
  FloatBuffer& parameters() { return m_parameters; }
  const FloatBuffer& parameters() const { return m_parameters; }
  FloatBuffer& gradients() { return m_gradients; }
  const FloatBuffer& gradients() const { return m_gradients; }
  ModelTensors weights() { return m_layout.bind(m_parameters.data()); }
  ModelTensors weights() const { return m_layout.bind(const_cast<float*>(m_parameters.data())); }
  ModelTensors weightGradients() { return m_layout.bind(m_gradients.data()); }

  enum class Rows { Scored, All };
  // Runs the model on a packed batch. Logits are computed for the batch's scored rows, or for
  // every row (inspection, greedy decoding).
  void forward(const Batch& batch, Workspace& ws, Rows rows = Rows::Scored) const;

  // Mean loss of the last forward pass (scored rows) and d(loss)/d(logits) into the workspace.
  double loss(const Batch& batch, Workspace& ws) const;

  // Zeroes the gradients and back-propagates the last loss through the whole model.
  void backward(const Batch& batch, Workspace& ws) { backward(batch, ws, m_gradients.data()); }

  // The same into a gradient arena laid out like parameters() (data-parallel shards each keep
  // their own); the model itself is not changed, so threads may run this concurrently. With
  // transposedWeights (from transposeWeights, for the current parameters), the input gradients
  // read those instead of each call transposing its weight.
  void backward(const Batch& batch, Workspace& ws, float* gradients,
                const float* transposedWeights = nullptr) const;

  // W^T of each layer's four weight matrices, into out laid out like parameters() (other slots
  // unspecified): one copy per step that data-parallel shards share. Stale once the parameters
  // change.
  void transposeWeights(FloatBuffer& out) const;

 private:
  ModelConfig m_config;
  ParameterLayout m_layout;
  FloatBuffer m_parameters;
  FloatBuffer m_gradients;
};

}  // namespace lengthlab
