// A packed batch: sequences of different lengths laid end to end with no padding between them.
// Linear layers, LayerNorm and the MLP see one [N x C] matrix of tokens; only attention looks at
// sequence boundaries. Compared with padding every sequence to the longest, packing wastes no
// work on pad tokens at all (a batch of lengths 1..50 would otherwise be about half padding).
// The only padding is a short dummy sequence at the end that rounds N up to a multiple of
// kRowAlignment, so that the number of distinct matrix shapes (each a oneDNN primitive) stays small.
#pragma once

#include "sequence_codec.h"

#include <cstdint>
#include <vector>

namespace lengthlab {

struct Batch {
  static constexpr int kRowAlignment = 64;

  std::vector<int> tokens;          // [N]  model token ids
  std::vector<int> positions;       // [N]  position ids (training adds a random offset)
  std::vector<int> sequenceStart;   // [S + 1] first row of each sequence, then N
  std::vector<int> lossRows;        // [R]  rows whose prediction is scored
  std::vector<int> lossSequence;    // [R]  the sequence each scored row belongs to
  std::vector<int> targets;         // [R]  softmax loss: the target class of each scored row
  std::vector<std::uint8_t> labels; // [R x O] sigmoid loss: the target bits of each scored row
  int outputSize = 0;               // O
  int exampleCount = 0;             // sequences that are examples (not the alignment filler)
  int fillerToken = -1;             // the token alignRows pads with; -1 until it is called

  int rows() const { return static_cast<int>(tokens.size()); }
  int sequences() const { return static_cast<int>(sequenceStart.size()) - 1; }
  int lossRowCount() const { return static_cast<int>(lossRows.size()); }
  int sequenceLength(int s) const { return sequenceStart[s + 1] - sequenceStart[s]; }
  int longestSequence() const;

  // Empties the batch, keeping its memory.
  void clear(int outputSize);
  // Appends one sequence whose first token sits at position id positionOffset.
  void add(const EncodedSequence& sequence, int positionOffset);
  // Appends an unscored filler sequence so that rows() is a multiple of kRowAlignment.
  void alignRows(int filler);
};

// Splits the batch's examples into shards.size() shards of consecutive sequences with about
// equal rows (a sequence is never cut), for data-parallel training. Each shard's scored rows keep
// their order, targets and labels; shards are aligned with the batch's filler token when the
// batch was. Needs 1 <= shards.size() <= exampleCount; reuses the shards' memory.
void splitBatch(const Batch& batch, std::vector<Batch>& shards);

}  // namespace lengthlab
