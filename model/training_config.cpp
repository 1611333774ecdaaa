#include "training_config.h"

#include "task_lengths.h"


#include <algorithm>

namespace lengthlab {
namespace {

bool anyLength(const Task& task, const LengthRange& range) {
  return !lengthsWithExamples(task, range.lo, range.hi).empty();
}

}  // namespace

std::vector<std::string> validate(const TrainingConfig& c, const Task& task) {
  std::vector<std::string> problems;
  const auto need = [&](bool ok, std::string message) {
    if (!ok) problems.push_back(std::move(message));
  };
  const std::string lengths = " (" + task.id() + ": " + task.lengthRule() + ")";
  need(c.train.lo <= c.train.hi, "the train range " + formatRange(c.train) + " is empty");
  const auto withinLimit = [&](const LengthRange& range, const std::string& what) {
    need(range.lo >= 0 && range.hi <= kMaxTaskLength,
         what + " " + formatRange(range) + " goes beyond the lengths LengthLab supports (0 to " +
             std::to_string(kMaxTaskLength) + ")");
  };
  withinLimit(c.train, "the train range");
  for (const auto& bin : c.testBins) withinLimit(bin, "the test bin");
  if (c.train.lo <= c.train.hi) {
    need(anyLength(task, c.train),
         "the train range " + formatRange(c.train) + " holds no possible length" + lengths);
  }
  need(!c.testBins.empty(), "at least one test bin is needed");
  for (std::size_t b = 0; b < c.testBins.size(); ++b) {
    const LengthRange& bin = c.testBins[b];
    if (bin.lo > bin.hi) {
      problems.push_back("the test bin " + formatRange(bin) + " is empty");
      continue;
    }
    need(anyLength(task, bin), "the test bin " + formatRange(bin) + " holds no possible length" +
                                   lengths);
    if (b > 0) {
      need(bin.lo > c.testBins[b - 1].hi, "the test bins must be in increasing order without "
                                          "overlap, but " + formatRange(c.testBins[b - 1]) +
                                              " is followed by " + formatRange(bin));
    }
  }
  if (!c.testBins.empty() && c.train.lo <= c.train.hi) {
    const int longestTest = c.testBins.back().hi;
    need(longestTest > c.train.hi,
         "the test bins must reach beyond the train range to measure length generalization: "
         "the train range ends at " + std::to_string(c.train.hi) +
             " and the longest test length is " + std::to_string(longestTest));
  }
  need(c.batchSize >= 1 && c.batchSize <= 4096,
       "batch must be from 1 to 4096, got " + std::to_string(c.batchSize));
  need(c.steps >= 1 && c.steps <= 10'000'000,
       "steps must be from 1 to 10000000, got " + std::to_string(c.steps));
  need(c.learningRate > 0 && c.learningRate <= 1,
       "the learning rate must be in (0, 1], got " + std::to_string(c.learningRate));
  need(c.regCoef >= 0, "the regulariser coefficient must be >= 0");
  need(c.threads >= 0 && c.threads <= 256, "threads must be from 0 (all cores) to 256");
  need(c.evalEvery >= 1, "eval-every must be at least 1 step");
  need(c.evalCount >= 1 && c.evalCount <= 100000,
       "eval-count must be from 1 to 100000 examples per bin, got " + std::to_string(c.evalCount));
  ModelConfig model;
  model.layers = c.layers;
  model.heads = c.heads;
  model.dModel = c.dModel;
  model.vocabSize = model.outputSize = 1;
  model.positions = 1;
  for (auto& p : validate(model)) problems.push_back(std::move(p));
  return problems;
}

int positionTableSize(const TrainingConfig& config, const SequenceCodec& codec) {
  int longest = codec.maxSequenceLength(config.train.hi);
  for (const auto& bin : config.testBins) longest = std::max(longest, codec.maxSequenceLength(bin.hi));
  return longest;
}

ModelConfig modelConfigFor(const TrainingConfig& config, const Task& task) {
  const SequenceCodec codec(task);
  ModelConfig m;
  m.vocabSize = codec.vocabSize();
  m.outputSize = codec.outputSize();
  m.tiedHead = !codec.multiLabel();  // formal languages predict bits, not tokens
  m.layers = config.layers;
  m.heads = config.heads;
  m.dModel = config.dModel;
  m.positional = config.positional;
  m.positions = positionTableSize(config, codec);
  m.loss = codec.multiLabel() ? OutputLoss::SigmoidBinary : OutputLoss::SoftmaxCrossEntropy;
  return m;
}

}  // namespace lengthlab
