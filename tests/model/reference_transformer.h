// An independent, deliberately plain implementation of the model of PAPER.md section 2, in
// double precision with naive loops and no oneDNN, reading parameters through the checkpoint
// names (the layout's slot table), not through the model's own views. Used as the oracle for
// the real forward pass and, via finite differences in double, for the backward pass.
#pragma once

#include "model_config.h"
#include "parameters.h"

#include <cmath>
#include <stdexcept>
#include <cstdint>
#include <string>
#include <vector>

namespace lengthlab::test {

class ReferenceTransformer {
 public:
  ReferenceTransformer(const ModelConfig& config, const ParameterLayout& layout,
                       const std::vector<double>& parameters)
      : m_c(config), m_layout(layout), m_p(parameters) {}

  // Logits [T x O] for one sequence.
  std::vector<double> logits(const std::vector<int>& tokens, const std::vector<int>& positions) const {
    const int T = static_cast<int>(tokens.size()), C = m_c.dModel, H = m_c.heads, D = C / H;
    Matrix x(T, C);
    for (int t = 0; t < T; ++t) {
      for (int c = 0; c < C; ++c) {
        x(t, c) = at("transformer.wte.weight", tokens[t] * C + c);
        if (m_c.hasPositionTable()) x(t, c) += at("transformer.wpe.weight", positions[t] * C + c);
      }
    }
    for (int l = 0; l < m_c.layers; ++l) {
      const std::string p = "transformer.h." + std::to_string(l) + ".";
      const Matrix qkv = linear(layerNorm(x, p + "ln_1"), p + "attn.c_attn", C, 3 * C);
      Matrix heads(T, C);
      for (int h = 0; h < H; ++h) {
        for (int i = 0; i < T; ++i) {
          std::vector<double> w(i + 1);
          double maxScore = -1e300;
          for (int j = 0; j <= i; ++j) {
            double s = 0;
            for (int d = 0; d < D; ++d) s += qkv(i, h * D + d) * qkv(j, C + h * D + d);
            w[j] = s / std::sqrt(double(D));
            maxScore = std::max(maxScore, w[j]);
          }
          double total = 0;
          for (auto& v : w) total += (v = std::exp(v - maxScore));
          for (int j = 0; j <= i; ++j) {
            for (int d = 0; d < D; ++d) heads(i, h * D + d) += w[j] / total * qkv(j, 2 * C + h * D + d);
          }
        }
      }
      x = add(x, linear(heads, p + "attn.c_proj", C, C));
      Matrix hidden = linear(layerNorm(x, p + "ln_2"), p + "mlp.c_fc", C, 4 * C);
      for (auto& v : hidden.data) v = 0.5 * v * (1 + std::tanh(std::sqrt(2 / M_PI) * (v + 0.044715 * v * v * v)));
      x = add(x, linear(hidden, p + "mlp.c_proj", 4 * C, C));
    }
    const Matrix final = layerNorm(x, "transformer.ln_f");
    const std::string head = m_c.tiedHead ? "transformer.wte.weight" : "lm_head.weight";
    std::vector<double> out(static_cast<std::size_t>(T) * m_c.outputSize, 0.0);
    const double* headWeight = tensor(head);
    for (int t = 0; t < T; ++t) {
      for (int o = 0; o < m_c.outputSize; ++o) {
        for (int c = 0; c < C; ++c) out[t * m_c.outputSize + o] += final(t, c) * headWeight[o * C + c];
      }
    }
    return out;
  }

 private:
  struct Matrix {
    int rows, cols;
    std::vector<double> data;
    Matrix(int r, int c) : rows(r), cols(c), data(static_cast<std::size_t>(r) * c, 0.0) {}
    double& operator()(int r, int c) { return data[static_cast<std::size_t>(r) * cols + c]; }
    double operator()(int r, int c) const { return data[static_cast<std::size_t>(r) * cols + c]; }
  };

  const double* tensor(const std::string& name) const {
    const TensorSlot* slot = m_layout.find(name);
    if (!slot) throw std::logic_error("reference: no tensor " + name);
    return m_p.data() + slot->offset;
  }
  double at(const std::string& name, int index) const { return tensor(name)[index]; }

  Matrix layerNorm(const Matrix& x, const std::string& name) const {
    Matrix y(x.rows, x.cols);
    const double* weight = tensor(name + ".weight");
    const double* bias = tensor(name + ".bias");
    for (int r = 0; r < x.rows; ++r) {
      double mean = 0, var = 0;
      for (int c = 0; c < x.cols; ++c) mean += x(r, c) / x.cols;
      for (int c = 0; c < x.cols; ++c) var += (x(r, c) - mean) * (x(r, c) - mean) / x.cols;
      for (int c = 0; c < x.cols; ++c) {
        y(r, c) = (x(r, c) - mean) / std::sqrt(var + 1e-5) * weight[c] + bias[c];
      }
    }
    return y;
  }

  // GPT-2 Conv1D: y = x W + b with W stored [in, out].
  Matrix linear(const Matrix& x, const std::string& name, int in, int out) const {
    Matrix y(x.rows, out);
    const double* weight = tensor(name + ".weight");
    const double* bias = tensor(name + ".bias");
    for (int r = 0; r < x.rows; ++r) {
      for (int o = 0; o < out; ++o) {
        double s = bias[o];
        for (int i = 0; i < in; ++i) s += x(r, i) * weight[i * out + o];
        y(r, o) = s;
      }
    }
    return y;
  }

  static Matrix add(Matrix a, const Matrix& b) {
    for (std::size_t i = 0; i < a.data.size(); ++i) a.data[i] += b.data[i];
    return a;
  }

  ModelConfig m_c;
  const ParameterLayout& m_layout;
  const std::vector<double>& m_p;
};

// Mean loss over the scored rows of one sequence set, as the real model defines it.
struct ReferenceSequence {
  std::vector<int> tokens, positions, targets;  // targets: -1 where unscored (softmax tasks)
  std::vector<std::uint8_t> labels;             // [T x O] (sigmoid tasks)
};

inline double referenceLoss(const ReferenceTransformer& model, const ModelConfig& config,
                            const std::vector<ReferenceSequence>& sequences) {
  double total = 0;
  long count = 0;
  const int O = config.outputSize;
  for (const auto& s : sequences) {
    const auto z = model.logits(s.tokens, s.positions);
    for (std::size_t t = 0; t < s.tokens.size(); ++t) {
      if (config.loss == OutputLoss::SoftmaxCrossEntropy) {
        if (s.targets[t] < 0) continue;
        double maxZ = -1e300, sum = 0;
        for (int o = 0; o < O; ++o) maxZ = std::max(maxZ, z[t * O + o]);
        for (int o = 0; o < O; ++o) sum += std::exp(z[t * O + o] - maxZ);
        total += std::log(sum) + maxZ - z[t * O + s.targets[t]];
        ++count;
      } else {
        for (int o = 0; o < O; ++o) {
          const double v = z[t * O + o];
          const double p = 1 / (1 + std::exp(-v));
          total += s.labels[t * O + o] ? -std::log(p) : -std::log(1 - p);
          ++count;
        }
      }
    }
  }
  return total / count;
}

}  // namespace lengthlab::test
