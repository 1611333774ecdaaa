#include "parameters.h"

#include "check.h"

namespace lengthlab {

ParameterLayout::ParameterLayout(const ModelConfig& config) : m_config(config) {
  const int V = config.vocabSize, C = config.dModel, P = config.positions, O = config.outputSize;
  const auto add = [this](std::string name, std::vector<int> shape, bool decay) {
    std::size_t size = 1;
    for (int d : shape) size *= static_cast<std::size_t>(d);
    m_slots.push_back(TensorSlot{std::move(name), std::move(shape), m_total, size, decay});
    // Keep every tensor 64-byte aligned so vector loads never split a cache line.
    m_total += (size + 15) / 16 * 16;
  };
  add("transformer.wte.weight", {V, C}, true);
  if (config.hasPositionTable()) add("transformer.wpe.weight", {P, C}, true);
  for (int l = 0; l < config.layers; ++l) {
    const std::string p = "transformer.h." + std::to_string(l) + ".";
    add(p + "ln_1.weight", {C}, false);
    add(p + "ln_1.bias", {C}, false);
    add(p + "attn.c_attn.weight", {C, 3 * C}, true);
    add(p + "attn.c_attn.bias", {3 * C}, false);
    add(p + "attn.c_proj.weight", {C, C}, true);
    add(p + "attn.c_proj.bias", {C}, false);
    add(p + "ln_2.weight", {C}, false);
    add(p + "ln_2.bias", {C}, false);
    add(p + "mlp.c_fc.weight", {C, 4 * C}, true);
    add(p + "mlp.c_fc.bias", {4 * C}, false);
    add(p + "mlp.c_proj.weight", {4 * C, C}, true);
    add(p + "mlp.c_proj.bias", {C}, false);
  }
  add("transformer.ln_f.weight", {C}, false);
  add("transformer.ln_f.bias", {C}, false);
  if (!config.tiedHead) add("lm_head.weight", {O, C}, true);
}

const TensorSlot* ParameterLayout::find(const std::string& name) const {
  for (const auto& slot : m_slots) {
    if (slot.name == name) return &slot;
  }
  return nullptr;
}

ModelTensors ParameterLayout::bind(float* arena) const {
  std::size_t next = 0;
  const auto take = [&](const char* expectedSuffix) {
    LL_CHECK(next < m_slots.size());
    const TensorSlot& slot = m_slots[next++];
    LL_CHECK(slot.name.ends_with(expectedSuffix));
    return arena + slot.offset;
  };
  ModelTensors t;
  t.tokenEmbedding = take("wte.weight");
  if (m_config.hasPositionTable()) t.positionEmbedding = take("wpe.weight");
  for (int l = 0; l < m_config.layers; ++l) {
    LayerTensors layer{};
    layer.ln1Weight = take("ln_1.weight");
    layer.ln1Bias = take("ln_1.bias");
    layer.qkvWeight = take("c_attn.weight");
    layer.qkvBias = take("c_attn.bias");
    layer.attnProjWeight = take("attn.c_proj.weight");
    layer.attnProjBias = take("attn.c_proj.bias");
    layer.ln2Weight = take("ln_2.weight");
    layer.ln2Bias = take("ln_2.bias");
    layer.fcWeight = take("c_fc.weight");
    layer.fcBias = take("c_fc.bias");
    layer.fcProjWeight = take("mlp.c_proj.weight");
    layer.fcProjBias = take("mlp.c_proj.bias");
    t.layers.push_back(layer);
  }
  t.lnfWeight = take("ln_f.weight");
  t.lnfBias = take("ln_f.bias");
  t.outputHead = m_config.tiedHead ? t.tokenEmbedding : take("lm_head.weight");
  return t;
}

}  // namespace lengthlab
