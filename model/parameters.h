// Where each weight lives. All parameters sit in one flat arena; gradients and optimiser moments
// use arenas of the identical layout, so the optimiser is one loop over floats and a checkpoint
// is the list of named slices. Names and shapes follow Hugging Face GPT-2 (Conv1D weights are
// stored [in, out]), which makes model.safetensors loadable in Python as is.
#pragma once

#include "model_config.h"

#include <cstddef>
#include <string>
#include <vector>

namespace lengthlab {

struct TensorSlot {
  std::string name;            // e.g. "transformer.h.0.attn.c_attn.weight"
  std::vector<int> shape;      // e.g. {C, 3C}
  std::size_t offset = 0;      // first float in the arena
  std::size_t size = 0;        // number of floats
  bool weightDecay = false;    // AdamW decays matrices and embeddings, never biases or LayerNorm
};

// Pointers into one arena (parameters or gradients), per layer.
struct LayerTensors {
  float* ln1Weight;      // [C]
  float* ln1Bias;        // [C]
  float* qkvWeight;      // [C, 3C]   columns: q | k | v, each split into H heads of D
  float* qkvBias;        // [3C]
  float* attnProjWeight; // [C, C]
  float* attnProjBias;   // [C]
  float* ln2Weight;      // [C]
  float* ln2Bias;        // [C]
  float* fcWeight;       // [C, 4C]
  float* fcBias;         // [4C]
  float* fcProjWeight;   // [4C, C]
  float* fcProjBias;     // [C]
};

struct ModelTensors {
  float* tokenEmbedding = nullptr;     // [V, C]
  float* positionEmbedding = nullptr;  // [P, C], nullptr for NoPE
  std::vector<LayerTensors> layers;    // [L]
  float* lnfWeight = nullptr;          // [C]
  float* lnfBias = nullptr;            // [C]
  float* outputHead = nullptr;         // [O, C]: the token embedding when tied
};

class ParameterLayout {
 public:
  explicit ParameterLayout(const ModelConfig& config);

  const std::vector<TensorSlot>& tensors() const { return m_slots; }
  std::size_t totalSize() const { return m_total; }
  const TensorSlot* find(const std::string& name) const;

  // Views of an arena laid out by this layout.
  ModelTensors bind(float* arena) const;

 private:
  ModelConfig m_config;
  std::vector<TensorSlot> m_slots;
  std::size_t m_total = 0;
};

}  // namespace lengthlab
