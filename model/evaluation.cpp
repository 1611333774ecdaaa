#include "evaluation.h"

#include "check.h"
#include "parallel.h"
#include "task_lengths.h"

#include <algorithm>
#include <map>

namespace lengthlab {

std::string formatRange(const LengthRange& range) {
  return std::to_string(range.lo) + "-" + std::to_string(range.hi);
}

EvaluationSet::EvaluationSet(const Task& task, const SequenceCodec& codec,
                             std::vector<LengthRange> bins, int perBin, std::uint64_t seed)
    : m_bins(std::move(bins)), m_outputSize(codec.outputSize()),
      m_fillerToken(codec.pad() >= 0 ? codec.pad() : codec.bos()) {
  LL_CHECK(perBin >= 1);
  Rng rng(seed);
  for (std::size_t b = 0; b < m_bins.size(); ++b) {
    std::vector<int> lengths = lengthsWithExamples(task, m_bins[b].lo, m_bins[b].hi);
    if (lengths.empty()) {
      throw LengthError("test bin " + formatRange(m_bins[b]) + " has no example of " + task.id() +
                        "; allowed: " + task.lengthRule());
    }
    rng.shuffle(lengths);
    for (int k = 0; k < perBin; ++k) {
      const int n = lengths[static_cast<std::size_t>(k) % lengths.size()];
      Item item{codec.encode(task.sample(n, rng)), n, static_cast<int>(b)};
      m_longest = std::max(m_longest, static_cast<int>(item.sequence.tokens.size()));
      m_sequences.push_back(std::move(item));
    }
  }
}

std::size_t EvaluationSet::fillBatch(std::size_t next, int tokenBudget, Batch& batch,
                                     std::vector<const Item*>& members) const {
  batch.clear(m_outputSize);
  members.clear();
  while (next < m_sequences.size()) {
    const Item& item = m_sequences[next];
    const int T = static_cast<int>(item.sequence.tokens.size());
    if (!members.empty() && batch.rows() + T > tokenBudget) break;
    batch.add(item.sequence, 0);  // test examples always start at position 0
    members.push_back(&item);
    ++next;
  }
  batch.alignRows(m_fillerToken);
  return next;
}

EvaluationResult EvaluationSet::evaluate(const Transformer& model,
                                         std::vector<Workspace>& workspaces, int tokenBudget,
                                         const std::function<bool()>& keepGoing) const {
  EvaluationResult result;
  result.bins.resize(m_bins.size());
  for (std::size_t b = 0; b < m_bins.size(); ++b) result.bins[b].bin = m_bins[b];
  std::map<int, Tally> byLength;
  const auto lanes = static_cast<std::size_t>(std::max(1, currentThreads()));
  if (workspaces.size() < lanes) workspaces.resize(lanes);
  std::vector<Batch> batches(lanes);
  std::vector<std::vector<const Item*>> members(lanes);
  std::vector<std::vector<std::uint8_t>> correct(lanes);
  const auto score = [&](int k) {
    model.forward(batches[k], workspaces[k]);
    exactMatch(model, batches[k], workspaces[k], correct[k]);
  };
  std::size_t next = 0;
  while (next < m_sequences.size()) {
    if (keepGoing && !keepGoing()) throw EvaluationInterrupted{};
    std::size_t filled = 0;
    for (; filled < lanes && next < m_sequences.size(); ++filled) {
      next = fillBatch(next, tokenBudget, batches[filled], members[filled]);
    }
    if (filled == lanes && lanes > 1) {
      runOnePerThread(static_cast<int>(filled), score);
    } else {
      // A last round too short for every thread: its batches split their kernels instead.
      for (std::size_t k = 0; k < filled; ++k) score(static_cast<int>(k));
    }
    for (std::size_t k = 0; k < filled; ++k) {
      for (std::size_t s = 0; s < members[k].size(); ++s) {
        const int ok = correct[k][s] ? 1 : 0;
        Tally& bin = result.bins[static_cast<std::size_t>(members[k][s]->bin)].tally;
        bin.correct += ok;
        ++bin.total;
        Tally& len = byLength[members[k][s]->length];
        len.correct += ok;
        ++len.total;
      }
    }
  }
  for (const auto& [length, tally] : byLength) result.lengths.push_back({length, tally});
  return result;
}

void exactMatch(const Transformer& model, const Batch& batch, const Workspace& ws,
                std::vector<std::uint8_t>& correct) {
  const int R = batch.lossRowCount(), O = model.config().outputSize;
  LL_CHECK(ws.logitRows() == R);
  correct.assign(static_cast<std::size_t>(batch.exampleCount), 1);
  const float* logits = ws.logits();
  const bool multiLabel = model.config().loss == OutputLoss::SigmoidBinary;
  for (int r = 0; r < R; ++r) {
    const float* z = logits + static_cast<std::size_t>(r) * O;
    bool right = true;
    if (multiLabel) {
      const std::uint8_t* y = batch.labels.data() + static_cast<std::size_t>(r) * O;
      for (int k = 0; k < O && right; ++k) right = (z[k] > 0.0f) == (y[k] != 0);
    } else {
      right = static_cast<int>(std::max_element(z, z + O) - z) == batch.targets[r];
    }
    if (!right) correct[static_cast<std::size_t>(batch.lossSequence[r])] = 0;
  }
}

}  // namespace lengthlab
