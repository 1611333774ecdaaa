// Length-resolved evaluation (PAPER.md section 3): a fixed, seeded set of examples per test bin,
// spread evenly over the bin's lengths, scored by teacher-forced exact match: a sequence counts
// only when the prediction is right at every supervised position (argmax for next-token tasks,
// every bit for formal languages). Results carry accuracy per bin and per exact length.
#pragma once

#include "batch.h"
#include "sequence_codec.h"
#include "transformer.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace lengthlab {

struct LengthRange {
  int lo = 1;
  int hi = 50;
  bool contains(int n) const { return n >= lo && n <= hi; }
  bool operator==(const LengthRange&) const = default;
};

std::string formatRange(const LengthRange& range);  // "51-100"

struct EvaluationInterrupted {};

struct Tally {
  int correct = 0;
  int total = 0;
  double accuracy() const { return total > 0 ? static_cast<double>(correct) / total : 0.0; }
};

struct BinResult {
  LengthRange bin;
  Tally tally;
};

struct LengthResult {
  int length = 0;
  Tally tally;
};

struct EvaluationResult {
  long step = 0;
  std::vector<BinResult> bins;       // in the order of the test bins
  std::vector<LengthResult> lengths; // every evaluated length, ascending
};

class EvaluationSet {
 public:
  // perBin examples for every bin, lengths assigned round-robin over the bin's possible lengths
  // (in a seeded random order) so each length gets the same share. Throws LengthError when a bin
  // has no possible length.
  EvaluationSet(const Task& task, const SequenceCodec& codec, std::vector<LengthRange> bins,
                int perBin, std::uint64_t seed);

  const std::vector<LengthRange>& bins() const { return m_bins; }
  int size() const { return static_cast<int>(m_sequences.size()); }
  int longestSequence() const { return m_longest; }

  // Scores the model on every example; batches hold about tokenBudget tokens. With n threads,
  // n batches run at once, one per thread with its own workspace (grown to n as needed): like
  // the training step's shards, whole batches per core beat splitting every kernel (a last round
  // of fewer batches splits its kernels instead). keepGoing, when given, is asked between
  // rounds of batches; when it answers false the evaluation stops by throwing
  // EvaluationInterrupted (a GUI's Stop must not wait for thousands of examples).
  EvaluationResult evaluate(const Transformer& model, std::vector<Workspace>& workspaces,
                            int tokenBudget = 4096,
                            const std::function<bool()>& keepGoing = {}) const;

 private:
  struct Item {
    EncodedSequence sequence;
    int length;
    int bin;
  };
  // Packs the examples from `next` on into batch, up to tokenBudget tokens (at least one
  // example); returns the index after the last one taken.
  std::size_t fillBatch(std::size_t next, int tokenBudget, Batch& batch,
                        std::vector<const Item*>& members) const;
  std::vector<LengthRange> m_bins;
  std::vector<Item> m_sequences;
  int m_longest = 0;
  int m_outputSize = 0;
  int m_fillerToken = 0;
};

// Which sequences of the last forward pass (scored rows) are right at every scored position:
// correct[s] for s < batch.exampleCount.
void exactMatch(const Transformer& model, const Batch& batch, const Workspace& ws,
                std::vector<std::uint8_t>& correct);

}  // namespace lengthlab
