// One training run: samples batches, takes AdamW steps with a linearly decaying learning rate,
// evaluates on the fixed test sets every evalEvery steps and stops early once the
// in-distribution bins are perfect (PAPER.md section 2). The trainer is single-threaded from the
// caller's point of view (inside, a step splits its batch across OpenMP threads, and evaluation
// runs one batch per thread); the CLI drives it in a loop and the GUI's worker thread drives it in
// short slices between commands.
#pragma once

#include "adamw.h"
#include "data_parallel_step.h"
#include "evaluation.h"
#include "positional_regularizer.h"
#include "sequence_codec.h"
#include "training_config.h"
#include "transformer.h"

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace lengthlab {

// A configuration that cannot be trained; what() lists every problem, separated by "; ".
class ConfigError : public std::invalid_argument {
 public:
  explicit ConfigError(const std::vector<std::string>& problems);
  const std::vector<std::string>& problems() const { return m_problems; }

 private:
  std::vector<std::string> m_problems;
};

enum class StopReason { None, MaxSteps, EarlyStop, Diverged };
const char* stopReasonText(StopReason reason);

struct StepReport {
  long step = 0;               // steps completed, this one included
  double loss = 0.0;           // the task loss (mean over scored positions)
  double regularizer = 0.0;    // R, when the run uses ape-reg
  double gradientNorm = 0.0;   // before clipping
  double learningRate = 0.0;   // used for this step
  bool finite = true;          // false: the loss or gradients were NaN/Inf and no update was made
  std::optional<EvaluationResult> evaluation;  // when an evaluation was due after this step
  StopReason stop = StopReason::None;
};

class Trainer {
 public:
  // Validates the configuration (ConfigError), builds the model, initialises it from the seed
  // and prepares the evaluation sets.
  Trainer(const Task& task, TrainingConfig config);

  // One optimisation step, then an evaluation when due. Calling it after the run finished is a
  // programmer error.
  StepReport advance();

  // Scores the current model on the test sets (does not change the training state).
  EvaluationResult evaluate();

  // Asked between rounds of evaluation batches; answering false makes advance() or evaluate()
  // throw EvaluationInterrupted, leaving the trainer consistent (the step itself is complete).
  void setInterruptCheck(std::function<bool()> keepGoing) { m_keepGoing = std::move(keepGoing); }

  bool finished() const { return m_stop != StopReason::None; }
  StopReason stopReason() const { return m_stop; }
  long step() const { return m_step; }
  const TrainingConfig& config() const { return m_config; }
  const Task& task() const { return m_task; }
  const SequenceCodec& codec() const { return m_codec; }
  const Transformer& model() const { return m_model; }
  Transformer& model() { return m_model; }
  const std::optional<EvaluationResult>& lastEvaluation() const { return m_lastEvaluation; }
  // Bytes held by the model, optimiser and workspaces.
  std::size_t memoryBytes() const;

  // The seed the evaluation sets are drawn from: fixed, so that runs with different seeds,
  // models or positional variants are scored on the same examples.
  static constexpr std::uint64_t kEvaluationSeed = 20250101;

 private:
  void sampleBatch();
  bool evaluationDue() const;

  const Task& m_task;
  TrainingConfig m_config;
  SequenceCodec m_codec;
  Transformer m_model;
  AdamW m_optimizer;
  EvaluationSet m_evaluationSet;
  DataParallelStep m_trainingStep;
  std::vector<Workspace> m_evalWorkspaces;  // one per thread
  PositionalScratch m_positionalScratch;
  Batch m_batch;
  Rng m_dataRng;
  std::vector<int> m_trainLengths;
  std::optional<EvaluationResult> m_lastEvaluation;
  long m_step = 0;
  StopReason m_stop = StopReason::None;
  std::function<bool()> m_keepGoing;
};

}  // namespace lengthlab
