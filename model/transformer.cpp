#include "transformer.h"

#include "check.h"
#include "matmul.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <ranges>
#include <stdexcept>

namespace lengthlab {
namespace {

template <typename Buffer>
void grow(Buffer& buffer, std::size_t size) {
  if (buffer.size() < size) buffer.resize(size);
}

std::string joinProblems(const std::vector<std::string>& problems) {
  std::string text;
  for (const auto& p : problems) text += (text.empty() ? "" : "; ") + p;
  return text;
}

}  // namespace

Workspace::AttentionMap Workspace::attention(int layer, int sequence, int head) const {
  LL_CHECK(layer >= 0 && layer < static_cast<int>(m_layers.size()));
  LL_CHECK(sequence >= 0 && sequence < m_attentionLayout.sequences);
  LL_CHECK(head >= 0 && head < m_heads);
  const int T = m_attentionLayout.sequenceStart[sequence + 1] -
                m_attentionLayout.sequenceStart[sequence];
  return {m_layers[layer].probs.data() + m_probOffset[sequence] +
              static_cast<std::size_t>(head) * attentionProbFloats(T),
          attentionProbStride(T)};
}

std::size_t Workspace::bytes() const {
  std::size_t floats = 0;
  for (const auto& l : m_layers) {
    for (const auto* v : {&l.ln1, &l.ln1Mean, &l.ln1Rstd, &l.qkv, &l.probs, &l.attOut,
                          &l.residualMid, &l.ln2, &l.ln2Mean, &l.ln2Rstd, &l.gelu, &l.geluSlope}) {
      floats += v->capacity();
    }
  }
  for (const auto& r : m_residual) floats += r.capacity();
  for (const auto* v : {&m_lnf, &m_lnfMean, &m_lnfRstd, &m_headIn, &m_logits, &m_dLogits,
                        &m_rowLoss, &m_dHeadIn, &m_dLn, &m_dAttOut, &m_attentionScratch}) {
    floats += v->capacity();
  }
  floats += m_dResidual.capacity() + m_dQkv.capacity() + m_dMlp.capacity();
  return floats * sizeof(float) + m_probOffset.capacity() * sizeof(std::size_t);
}

void Workspace::prepare(const ModelConfig& config, const Batch& batch, int logitRows) {
  const auto N = static_cast<std::size_t>(batch.rows());
  const auto C = static_cast<std::size_t>(config.dModel);
  const int S = batch.sequences();
  const int H = config.heads;
  m_heads = H;
  m_residualStride = paddedStride(config.dModel);
  m_qkvStride = paddedStride(3 * config.dModel);
  m_mlpStride = paddedStride(4 * config.dModel);
  m_probOffset.resize(static_cast<std::size_t>(S) + 1);
  m_probOffset[0] = 0;
  for (int s = 0; s < S; ++s) {
    m_probOffset[s + 1] =
        m_probOffset[s] + static_cast<std::size_t>(H) * attentionProbFloats(batch.sequenceLength(s));
  }
  m_attentionLayout.sequenceStart = batch.sequenceStart.data();
  m_attentionLayout.probOffset = m_probOffset.data();
  m_attentionLayout.sequences = S;
  m_attentionLayout.longest = batch.longestSequence();

  m_layers.resize(static_cast<std::size_t>(config.layers));
  for (auto& l : m_layers) {
    for (auto* v : {&l.ln1, &l.attOut, &l.residualMid, &l.ln2}) grow(*v, N * C);
    for (auto* v : {&l.ln1Mean, &l.ln1Rstd, &l.ln2Mean, &l.ln2Rstd}) grow(*v, N);
    grow(l.qkv, N * 3 * C);
    grow(l.geluSlope, N * static_cast<std::size_t>(m_mlpStride));
    grow(l.gelu, N * static_cast<std::size_t>(m_mlpStride));
    grow(l.probs, m_probOffset[S]);
  }
  m_residual.resize(static_cast<std::size_t>(config.layers) + 1);
  for (auto& r : m_residual) grow(r, N * C);
  grow(m_lnf, N * C);
  grow(m_lnfMean, N);
  grow(m_lnfRstd, N);
  const auto R = static_cast<std::size_t>(logitRows);
  const auto O = static_cast<std::size_t>(config.outputSize);
  grow(m_headIn, R * C);
  grow(m_logits, R * O);
  grow(m_dLogits, R * O);
  grow(m_rowLoss, R);
  grow(m_dHeadIn, R * C);
  for (auto* v : {&m_dLn, &m_dAttOut}) grow(*v, N * C);
  grow(m_dResidual, N * static_cast<std::size_t>(m_residualStride));
  grow(m_dQkv, N * static_cast<std::size_t>(m_qkvStride));
  grow(m_dMlp, N * static_cast<std::size_t>(m_mlpStride));
  grow(m_attentionScratch,
       attentionScratchPerThread(m_attentionLayout.longest, config.dHead()) *
           static_cast<std::size_t>(omp_get_max_threads()));
  m_logitRows = logitRows;
}

Transformer::Transformer(const ModelConfig& config) : m_config(config), m_layout([&] {
  const auto problems = validate(config);
  if (!problems.empty()) throw std::invalid_argument(joinProblems(problems));
  return config;
}()) {
  m_parameters.assign(m_layout.totalSize(), 0.0f);
  m_gradients.assign(m_layout.totalSize(), 0.0f);
}

void Transformer::initialize(Rng& rng) {
  const double residualStd = 0.02 / std::sqrt(2.0 * m_config.layers);
  std::fill(m_parameters.begin(), m_parameters.end(), 0.0f);
  for (const auto& slot : m_layout.tensors()) {
    float* p = m_parameters.data() + slot.offset;
    if (slot.name.ends_with("ln_1.weight") || slot.name.ends_with("ln_2.weight") ||
        slot.name.ends_with("ln_f.weight")) {
      std::fill(p, p + slot.size, 1.0f);
    } else if (slot.weightDecay) {
      const bool residualProjection = slot.name.ends_with("c_proj.weight");
      const double std = residualProjection ? residualStd : 0.02;
      for (std::size_t i = 0; i < slot.size; ++i) p[i] = static_cast<float>(std * rng.normal());
    }
  }
}

void Transformer::forward(const Batch& batch, Workspace& ws, Rows rows) const {
  const int N = batch.rows(), C = m_config.dModel, H = m_config.heads, O = m_config.outputSize;
  for (int n = 0; n < N; ++n) {
    LL_CHECK(batch.tokens[n] >= 0 && batch.tokens[n] < m_config.vocabSize);
    LL_CHECK(!m_config.hasPositionTable() ||
             (batch.positions[n] >= 0 && batch.positions[n] < m_config.positions));
  }
  const bool all = rows == Rows::All;
  const int R = all ? N : batch.lossRowCount();
  ws.prepare(m_config, batch, R);
  ws.m_allRows = all;
  const ModelTensors w = weights();

  embeddingForward(ws.m_residual[0].data(), batch.tokens.data(), batch.positions.data(),
                   w.tokenEmbedding, w.positionEmbedding, N, C);
  for (int l = 0; l < m_config.layers; ++l) {
    const LayerTensors& p = w.layers[l];
    Workspace::Layer& a = ws.m_layers[l];
    const float* x = ws.m_residual[l].data();
    layerNormForward(a.ln1.data(), a.ln1Mean.data(), a.ln1Rstd.data(), x, p.ln1Weight, p.ln1Bias,
                     N, C);
    linearForward(a.qkv.data(), a.ln1.data(), C, p.qkvWeight, p.qkvBias, N, C, 3 * C);
    attentionForward(a.attOut.data(), a.probs.data(), a.qkv.data(), ws.m_attentionLayout, C, H,
                     ws.m_attentionScratch.data());
    linearForward(a.residualMid.data(), a.attOut.data(), C, p.attnProjWeight, p.attnProjBias, N, C,
                  C, x);
    layerNormForward(a.ln2.data(), a.ln2Mean.data(), a.ln2Rstd.data(), a.residualMid.data(),
                     p.ln2Weight, p.ln2Bias, N, C);
    linearGeluForward(a.gelu.data(), a.geluSlope.data(), ws.m_mlpStride, a.ln2.data(), p.fcWeight,
                      p.fcBias, N, C, 4 * C);
    linearForward(ws.m_residual[l + 1].data(), a.gelu.data(), ws.m_mlpStride, p.fcProjWeight,
                  p.fcProjBias, N, 4 * C, C, a.residualMid.data());
  }
  const float* last = ws.m_residual[m_config.layers].data();
  layerNormForward(ws.m_lnf.data(), ws.m_lnfMean.data(), ws.m_lnfRstd.data(), last, w.lnfWeight,
                   w.lnfBias, N, C);
  const float* headIn = ws.m_lnf.data();
  ws.m_scoredRowsAreAllRows = !all && R == N && std::equal(batch.lossRows.begin(), batch.lossRows.end(), std::views::iota(0).begin());
  if (!all && !ws.m_scoredRowsAreAllRows) {
    // Only scored rows need logits: for the copy tasks that skips the whole input half.
    for (int r = 0; r < R; ++r) {
      std::copy_n(ws.m_lnf.data() + static_cast<std::size_t>(batch.lossRows[r]) * C, C,
                  ws.m_headIn.data() + static_cast<std::size_t>(r) * C);
    }
    headIn = ws.m_headIn.data();
  }
  matmul(headIn, Transpose::No, w.outputHead, Transpose::Yes, ws.m_logits.data(), R, O, C, false);
}

double Transformer::loss(const Batch& batch, Workspace& ws) const {
  LL_CHECK(!ws.m_allRows && ws.m_logitRows == batch.lossRowCount());
  const int R = batch.lossRowCount(), O = m_config.outputSize;
  if (m_config.loss == OutputLoss::SoftmaxCrossEntropy) {
    LL_CHECK(batch.targets.size() == static_cast<std::size_t>(R));
    return softmaxCrossEntropy(ws.m_dLogits.data(), ws.m_rowLoss.data(), ws.m_logits.data(),
                               batch.targets.data(), R, O);
  }
  LL_CHECK(batch.labels.size() == static_cast<std::size_t>(R) * O);
  return sigmoidBinaryCrossEntropy(ws.m_dLogits.data(), ws.m_rowLoss.data(), ws.m_logits.data(),
                                   batch.labels.data(), R, O);
}

void Transformer::transposeWeights(FloatBuffer& out) const {
  if (out.size() < m_parameters.size()) out.resize(m_parameters.size());
  const int C = m_config.dModel;
  const ModelTensors w = weights();
  const ModelTensors t = m_layout.bind(out.data());
  for (int l = 0; l < m_config.layers; ++l) {
    const LayerTensors& p = w.layers[l];
    const LayerTensors& pt = t.layers[l];
    transposeMatrix(pt.qkvWeight, p.qkvWeight, C, 3 * C);
    transposeMatrix(pt.attnProjWeight, p.attnProjWeight, C, C);
    transposeMatrix(pt.fcWeight, p.fcWeight, C, 4 * C);
    transposeMatrix(pt.fcProjWeight, p.fcProjWeight, 4 * C, C);
  }
}

void Transformer::backward(const Batch& batch, Workspace& ws, float* gradients,
                           const float* transposedWeights) const {
  LL_CHECK(!ws.m_allRows && ws.m_logitRows == batch.lossRowCount());
  const int N = batch.rows(), C = m_config.dModel, H = m_config.heads, O = m_config.outputSize;
  const int R = batch.lossRowCount();
  std::fill_n(gradients, m_layout.totalSize(), 0.0f);
  const ModelTensors w = weights();
  const ModelTensors g = m_layout.bind(gradients);
  const ModelTensors wt =
      transposedWeights ? m_layout.bind(const_cast<float*>(transposedWeights)) : ModelTensors{};
  // W^T of layer l's weight, or null: then linearBackward transposes its own copy.
  const auto transposed = [&](int l, float* LayerTensors::*weight) -> const float* {
    return transposedWeights ? wt.layers[l].*weight : nullptr;
  };

  // logits = headIn @ head^T:  dhead += dlogits^T @ headIn;  dheadIn = dlogits @ head
  const bool inPlace = ws.m_scoredRowsAreAllRows;
  const float* headIn = inPlace ? ws.m_lnf.data() : ws.m_headIn.data();
  float* dLn = ws.m_dLn.data();
  matmul(ws.m_dLogits.data(), Transpose::Yes, headIn, Transpose::No, g.outputHead, O, C, R, true);
  matmul(ws.m_dLogits.data(), Transpose::No, w.outputHead, Transpose::No,
         inPlace ? dLn : ws.m_dHeadIn.data(), R, C, O, false);
  if (!inPlace) {
    std::fill(dLn, dLn + static_cast<std::size_t>(N) * C, 0.0f);
    for (int r = 0; r < R; ++r) {
      std::copy_n(ws.m_dHeadIn.data() + static_cast<std::size_t>(r) * C, C,
                  dLn + static_cast<std::size_t>(batch.lossRows[r]) * C);
    }
  }
  float* dRes = ws.m_dResidual.data();
  const int ldRes = ws.m_residualStride;
  std::fill(dRes, dRes + static_cast<std::size_t>(N) * ldRes, 0.0f);
  layerNormBackward(dRes, ldRes, g.lnfWeight, g.lnfBias, dLn, ws.m_residual[m_config.layers].data(),
                    ws.m_lnfMean.data(), ws.m_lnfRstd.data(), w.lnfWeight, N, C);

  for (int l = m_config.layers - 1; l >= 0; --l) {
    const LayerTensors& p = w.layers[l];
    const LayerTensors& d = g.layers[l];
    const Workspace::Layer& a = ws.m_layers[l];
    // x_out = mid + fcProj(gelu(fc(LN2(mid)))): dRes is d/dx_out and flows straight to mid.
    const int mlp = ws.m_mlpStride;
    linearBackward(ws.m_dMlp.data(), d.fcProjWeight, d.fcProjBias, dRes, ldRes, a.gelu.data(), mlp,
                   p.fcProjWeight, N, 4 * C, C, transposed(l, &LayerTensors::fcProjWeight));
    geluBackward(ws.m_dMlp.data(), d.fcBias, a.geluSlope.data(), ws.m_dMlp.data(), mlp, N, 4 * C);
    linearBackward(dLn, d.fcWeight, nullptr, ws.m_dMlp.data(), mlp, a.ln2.data(), C, p.fcWeight,
                   N, C, 4 * C, transposed(l, &LayerTensors::fcWeight));
    layerNormBackward(dRes, ldRes, d.ln2Weight, d.ln2Bias, dLn, a.residualMid.data(),
                      a.ln2Mean.data(), a.ln2Rstd.data(), p.ln2Weight, N, C);
    // mid = x_in + proj(attention(qkv(LN1(x_in)))): dRes is now d/dmid and flows to x_in.
    linearBackward(ws.m_dAttOut.data(), d.attnProjWeight, d.attnProjBias, dRes, ldRes,
                   a.attOut.data(), C, p.attnProjWeight, N, C, C,
                   transposed(l, &LayerTensors::attnProjWeight));
    attentionBackward(ws.m_dQkv.data(), ws.m_qkvStride, ws.m_dAttOut.data(), a.qkv.data(),
                      a.probs.data(), ws.m_attentionLayout, C, H, ws.m_attentionScratch.data());
    linearBackward(dLn, d.qkvWeight, d.qkvBias, ws.m_dQkv.data(), ws.m_qkvStride, a.ln1.data(), C,
                   p.qkvWeight, N, C, 3 * C, transposed(l, &LayerTensors::qkvWeight));
    layerNormBackward(dRes, ldRes, d.ln1Weight, d.ln1Bias, dLn, ws.m_residual[l].data(),
                      a.ln1Mean.data(), a.ln1Rstd.data(), p.ln1Weight, N, C);
  }
  embeddingBackward(g.tokenEmbedding, g.positionEmbedding, dRes, ldRes, batch.tokens.data(),
                    batch.positions.data(), N, C);
}

}  // namespace lengthlab
