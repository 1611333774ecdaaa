// Everything needed to repeat a training run (PAPER.md sections 2 and 3). The app fills the
// fields a user left out from the task's preset before handing the config to the Trainer.
#pragma once

#include "adamw.h"
#include "evaluation.h"
#include "model_config.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lengthlab {

struct TrainingConfig {
  std::string task;
  LengthRange train{1, 50};
  std::vector<LengthRange> testBins{{1, 50}, {51, 100}, {101, 150}};
  int layers = 2;
  int heads = 2;
  int dModel = 64;
  double learningRate = 1e-3;
  int batchSize = 64;
  long steps = 30000;  // the maximum; early stopping may end sooner
  PositionalEncoding positional = PositionalEncoding::Ape;
  double regCoef = 1e-4;  // weight of R for ape-reg
  std::uint64_t seed = 0;
  int threads = 0;         // 0 = every core
  long evalEvery = 3000;
  int evalCount = 2000;    // examples per test bin
  bool earlyStop = true;   // stop once every in-distribution bin is at 100%
  bool randomOffsets = true;
  AdamWSettings optimizer;
};

// Every problem with the configuration for this task, in words a user can act on; empty when
// the configuration is valid.
std::vector<std::string> validate(const TrainingConfig& config, const Task& task);

// Rows of the position table: long enough for the longest test sequence (and training sequence).
int positionTableSize(const TrainingConfig& config, const SequenceCodec& codec);

// The model shape the config describes for this task.
ModelConfig modelConfigFor(const TrainingConfig& config, const Task& task);

}  // namespace lengthlab
