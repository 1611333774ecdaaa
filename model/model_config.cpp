#include "model_config.h"

namespace lengthlab {

std::string_view positionalEncodingId(PositionalEncoding pe) {
  switch (pe) {
    case PositionalEncoding::Ape: return "ape";
    case PositionalEncoding::Nope: return "nope";
    case PositionalEncoding::ApeReg: return "ape-reg";
  }
  return "ape";
}

std::optional<PositionalEncoding> parsePositionalEncoding(std::string_view id) {
  for (auto pe : {PositionalEncoding::Ape, PositionalEncoding::Nope, PositionalEncoding::ApeReg}) {
    if (positionalEncodingId(pe) == id) return pe;
  }
  return std::nullopt;
}

std::vector<std::string> validate(const ModelConfig& c) {
  std::vector<std::string> problems;
  const auto need = [&](bool ok, std::string message) {
    if (!ok) problems.push_back(std::move(message));
  };
  need(c.layers >= 1 && c.layers <= 48, "layers must be from 1 to 48, got " + std::to_string(c.layers));
  need(c.heads >= 1 && c.heads <= 64, "heads must be from 1 to 64, got " + std::to_string(c.heads));
  need(c.dModel >= 1 && c.dModel <= 4096,
       "d-model must be from 1 to 4096, got " + std::to_string(c.dModel));
  if (c.heads >= 1 && c.dModel >= 1) {
    need(c.dModel % c.heads == 0, "d-model (" + std::to_string(c.dModel) +
                                      ") must be divisible by the number of heads (" +
                                      std::to_string(c.heads) + ")");
  }
  need(c.vocabSize >= 1, "the vocabulary is empty");
  need(c.outputSize >= 1, "the output head has no units");
  need(!c.tiedHead || c.outputSize == c.vocabSize,
       "a tied output head needs as many outputs as tokens");
  if (c.hasPositionTable()) {
    need(c.positions >= 1 && c.positions <= 100000,
         "the position table must have 1 to 100000 rows, got " + std::to_string(c.positions));
  }
  return problems;
}

}  // namespace lengthlab
