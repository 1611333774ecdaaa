#include "batch.h"

#include "check.h"

#include <algorithm>

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

void Batch::alignRows(int fillerToken) {
  const int filler = (kRowAlignment - rows() % kRowAlignment) % kRowAlignment;
  if (filler == 0) return;
  for (int t = 0; t < filler; ++t) {
    tokens.push_back(fillerToken);
    positions.push_back(0);  // any valid position: nothing flows back from an unscored row
  }
  sequenceStart.push_back(rows());
}

}  // namespace lengthlab
