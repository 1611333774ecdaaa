#include "batch.h"

#include "check.h"

#include <algorithm>
#include <cstdlib>

namespace lengthlab {

int Batch::longestSequence() const {
  int longest = 0;
  for (int s = 0; s < sequences(); ++s) longest = std::max(longest, sequenceLength(s));
  return longest;
}

void Batch::clear(int outputs) {
  tokens.clear();
  positions.clear();
  sequenceStart.assign(1, 0);
  lossRows.clear();
  lossSequence.clear();
  targets.clear();
  labels.clear();
  outputSize = outputs;
  exampleCount = 0;
  fillerToken = -1;
}

void Batch::add(const EncodedSequence& sequence, int positionOffset) {
  LL_CHECK(!sequenceStart.empty());
  LL_CHECK(exampleCount == sequences());  // no example may follow the alignment filler
  const int first = rows();
  const int T = static_cast<int>(sequence.tokens.size());
  const int s = sequences();
  LL_CHECK(T >= 1);
  for (int t = 0; t < T; ++t) {
    tokens.push_back(sequence.tokens[t]);
    positions.push_back(positionOffset + t);
  }
  if (!sequence.labels.empty()) {
    LL_CHECK(sequence.labels.size() == static_cast<std::size_t>(T) * outputSize);
    for (int t = 0; t < T; ++t) {
      lossRows.push_back(first + t);
      lossSequence.push_back(s);
    }
    labels.insert(labels.end(), sequence.labels.begin(), sequence.labels.end());
  } else {
    LL_CHECK(sequence.targets.size() == static_cast<std::size_t>(T));
    for (int t = 0; t < T; ++t) {
      if (sequence.targets[t] < 0) continue;
      LL_CHECK(sequence.targets[t] < outputSize);
      lossRows.push_back(first + t);
      lossSequence.push_back(s);
      targets.push_back(sequence.targets[t]);
    }
  }
  sequenceStart.push_back(rows());
  ++exampleCount;
}

void Batch::alignRows(int filler) {
  fillerToken = filler;
  const int missing = (kRowAlignment - rows() % kRowAlignment) % kRowAlignment;
  if (missing == 0) return;
  for (int t = 0; t < missing; ++t) {
    tokens.push_back(filler);
    positions.push_back(0);  // any valid position: nothing flows back from an unscored row
  }
  sequenceStart.push_back(rows());
}

namespace {

// The end (exclusive) of shard k's sequences when it starts at sequence first: the sequence
// boundary closest to the shard's share of the rows, leaving one sequence for each later shard.
int shardEnd(const Batch& batch, int first, int k, int count) {
  const int examples = batch.exampleCount;
  if (k == count - 1) return examples;
  const long target = static_cast<long>(batch.sequenceStart[examples]) * (k + 1) / count;
  const auto distance = [&](int s) { return std::abs(batch.sequenceStart[s] - target); };
  int end = first + 1;
  while (end < examples - (count - 1 - k) && distance(end + 1) <= distance(end)) ++end;
  return end;
}

void copySequences(const Batch& batch, int first, int end, Batch& shard) {
  shard.clear(batch.outputSize);
  const int rowBegin = batch.sequenceStart[first], rowEnd = batch.sequenceStart[end];
  shard.tokens.assign(batch.tokens.begin() + rowBegin, batch.tokens.begin() + rowEnd);
  shard.positions.assign(batch.positions.begin() + rowBegin, batch.positions.begin() + rowEnd);
  for (int s = first; s < end; ++s) {
    shard.sequenceStart.push_back(batch.sequenceStart[s + 1] - rowBegin);
  }
  // Scored rows are stored in row order, so the shard's are one contiguous run.
  const auto& owner = batch.lossSequence;
  const auto lossBegin = std::lower_bound(owner.begin(), owner.end(), first) - owner.begin();
  const auto lossEnd = std::lower_bound(owner.begin(), owner.end(), end) - owner.begin();
  for (auto r = lossBegin; r < lossEnd; ++r) {
    shard.lossRows.push_back(batch.lossRows[r] - rowBegin);
    shard.lossSequence.push_back(batch.lossSequence[r] - first);
  }
  if (!batch.targets.empty()) {
    shard.targets.assign(batch.targets.begin() + lossBegin, batch.targets.begin() + lossEnd);
  }
  if (!batch.labels.empty()) {
    const auto O = static_cast<std::size_t>(batch.outputSize);
    shard.labels.assign(batch.labels.begin() + static_cast<long>(lossBegin * O),
                        batch.labels.begin() + static_cast<long>(lossEnd * O));
  }
  shard.exampleCount = end - first;
  if (batch.fillerToken >= 0) shard.alignRows(batch.fillerToken);
}

}  // namespace

void splitBatch(const Batch& batch, std::vector<Batch>& shards) {
  const int count = static_cast<int>(shards.size());
  LL_CHECK(count >= 1 && count <= batch.exampleCount);
  int first = 0;
  for (int k = 0; k < count; ++k) {
    const int end = shardEnd(batch, first, k, count);
    copySequences(batch, first, end, shards[static_cast<std::size_t>(k)]);
    first = end;
  }
}

}  // namespace lengthlab
