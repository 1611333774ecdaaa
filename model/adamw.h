// AdamW (decoupled weight decay, PyTorch's formulation) with global-norm gradient clipping.
// Moments live in arenas with the parameters' layout, so a step is one pass over floats; the
// decay mask comes from ParameterLayout (matrices and embeddings decay, biases and LayerNorm not).
#pragma once

#include "aligned_buffer.h"
#include "parameters.h"

#include <vector>

namespace lengthlab {

struct AdamWSettings {
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-8;
  double weightDecay = 0.01;
  double clipNorm = 1.0;  // 0 turns clipping off
};

class AdamW {
 public:
  AdamW(const ParameterLayout& layout, AdamWSettings settings);

  // Global L2 norm of the gradients.
  double gradientNorm(const FloatBuffer& gradients);

  // One update with this learning rate; clips the gradients in place first. Returns the norm
  // before clipping. Non-finite gradients are the caller's to catch (see Trainer).
  double step(FloatBuffer& parameters, FloatBuffer& gradients, double learningRate);
  // The same with gradientNorm(gradients) already known (the trainer reports it anyway): saves a
  // pass over every gradient.
  double step(FloatBuffer& parameters, FloatBuffer& gradients, double learningRate,
              double gradientNorm);

  long stepCount() const { return m_step; }
  FloatBuffer& firstMoment() { return m_m; }
  FloatBuffer& secondMoment() { return m_v; }
  const AdamWSettings& settings() const { return m_settings; }

 private:
  AdamWSettings m_settings;
  FloatBuffer m_m, m_v;
  FloatBuffer m_decay;  // per float: the weight decay applied to it (0 or weightDecay)
  std::vector<double> m_partialSums;  // per block of the norm, kept to avoid allocating per step
  long m_step = 0;
};

}  // namespace lengthlab
