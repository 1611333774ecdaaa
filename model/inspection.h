// Looking inside a trained model, one sequence at a time: logits at every position, every head's
// attention map, greedy decoding, and the position table's structure (PAPER.md section 6).
// Used by `lengthlab-cli inspect` and by the GUI's training thread to build its snapshots.
#pragma once

#include "transformer.h"

#include <vector>

namespace lengthlab {

struct SequenceInspection {
  int length = 0;                // T
  int layers = 0, heads = 0;     // L, H
  int outputs = 0;               // O
  std::vector<int> tokens;       // [T]
  std::vector<float> logits;     // [T x O]
  std::vector<float> attention;  // [L x H x T x T]: query rows, key columns

  const float* attentionMap(int layer, int head) const {
    return attention.data() + (static_cast<std::size_t>(layer) * heads + head) * length * length;
  }
};

// Runs the model on tokens at positions 0..T-1 (as at test time).
SequenceInspection inspectSequence(const Transformer& model, const std::vector<int>& tokens,
                                   Workspace& ws);

// Appends argmax predictions to prompt until stopToken is produced (it is appended too) or
// maxNew tokens were added, or the position table is full. Returns the whole sequence.
std::vector<int> greedyDecode(const Transformer& model, std::vector<int> prompt, int stopToken,
                              int maxNew, Workspace& ws);

struct PositionTableStatistics {
  int positions = 0;                            // P
  std::vector<float> norms;                     // [P]: ||p_i||
  std::vector<float> cosine;                    // [P x P]: cos(p_i, p_j)
  std::vector<std::vector<float>> products;     // [L x H][P x P]: p_i^T Wq_h Wk_h^T p_j
};

// Empty (positions == 0) for NoPE, which has no position table.
PositionTableStatistics positionTableStatistics(const Transformer& model);

}  // namespace lengthlab
