// The transformer's shape (PAPER.md section 2) and its positional variant.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lengthlab {

enum class PositionalEncoding {
  Ape,     // learned absolute position table
  Nope,    // no position table: the causal mask is the only source of position
  ApeReg,  // learned table plus the positional-attention regulariser R
};

// "ape", "nope", "ape-reg": the spelling of the command line, config files and the GUI.
std::string_view positionalEncodingId(PositionalEncoding pe);
std::optional<PositionalEncoding> parsePositionalEncoding(std::string_view id);

enum class OutputLoss {
  SoftmaxCrossEntropy,  // next-token prediction (algorithmic tasks)
  SigmoidBinary,        // one independent bit per output unit (formal languages)
};

struct ModelConfig {
  int vocabSize = 0;       // V: input token ids
  int outputSize = 0;      // O: width of the output head
  bool tiedHead = true;    // output head = token embedding (needs O == V)
  int layers = 2;          // L
  int heads = 2;           // H
  int dModel = 64;         // C
  int positions = 0;       // P: rows of the position table (ignored for NoPE)
  PositionalEncoding positional = PositionalEncoding::Ape;
  OutputLoss loss = OutputLoss::SoftmaxCrossEntropy;

  int dHead() const { return dModel / heads; }
  int mlpWidth() const { return 4 * dModel; }
  bool hasPositionTable() const { return positional != PositionalEncoding::Nope; }
};

// Every problem with the configuration, in words a user can act on; empty when it is valid.
std::vector<std::string> validate(const ModelConfig& config);

}  // namespace lengthlab
