// What the training thread publishes for the views: an immutable picture of a run at one moment.
// Views only read it; the heavy parts (evaluation history, attention maps, position-table
// pictures) are shared between consecutive snapshots when they have not changed, so publishing
// ten snapshots a second copies almost nothing. Plain data: no pointers into model tensors.
#pragma once

#include <QString>
#include <QStringList>

#include <array>
#include <memory>
#include <optional>
#include <vector>

namespace lengthlab {

struct LengthBin {
  int lo = 0;
  int hi = 0;
};

// Fixed for the whole run.
struct ExperimentSummary {
  QString taskId;          // "unique_copy"
  QString taskName;        // "Unique copy"
  QString family;          // "algorithmic" or "formal"
  QString description;     // for students
  QString craspProgram;    // empty when the task has none
  bool craspApe = false;   // in C-RASP[periodic, local]
  bool craspNope = false;  // in C-RASP[]
  QString positional;      // "ape", "nope" or "ape-reg"
  bool predictedToGeneralize = false;  // the theory's prediction for this positional variant
  LengthBin train;
  std::vector<LengthBin> testBins;
  int maxTestLength = 0;
  double randomBaseline = 0.0;  // fraction
  // The paper's exact-match percentages for this task and variant, one per test bin; only when
  // the test bins are the paper's [1,50], [51,100], [101,150].
  std::optional<std::array<double, 3>> paperBins;
  int layers = 0, heads = 0, dModel = 0;
  int positionTableSize = 0;  // P; 0 for NoPE
  int longestTrainingSequence = 0;  // tokens of the longest training example
  long maxSteps = 0;
  QString exampleText;  // one sampled example, rendered for reading ("0 1 1 -> 1")
};

struct LossPoint {
  long step = 0;
  double loss = 0.0;
};

struct EvaluationPoint {
  long step = 0;
  std::vector<double> binAccuracy;     // per test bin, fraction
  std::vector<int> lengths;            // evaluated lengths, ascending
  std::vector<double> lengthAccuracy;  // exact match per length, fraction
};

// Every head's attention on one probe input, at test positions (offset 0).
struct AttentionProbe {
  long step = 0;
  int inputLength = 0;     // the task length n of the probe
  QStringList tokens;      // T token labels, in order
  int layers = 0, heads = 0;
  std::vector<float> weights;  // [L x H x T x T]: query rows, key columns
  int trainBoundary = 0;   // token index where the longest training sequence ends

  int length() const { return static_cast<int>(tokens.size()); }
  const float* map(int layer, int head) const {
    const auto T = static_cast<std::size_t>(length());
    return weights.data() + (static_cast<std::size_t>(layer) * heads + head) * T * T;
  }
};

// The learned position table seen through the theory (PAPER.md section 6).
struct PositionalPicture {
  long step = 0;
  int positions = 0;                           // P (0 for NoPE: no table)
  std::vector<float> norms;                    // [P] ||p_i||
  std::vector<float> cosine;                   // [P x P] cos(p_i, p_j)
  int layers = 0, heads = 0;
  std::vector<std::vector<float>> products;    // [L x H][P x P] p_i^T Wq_h Wk_h^T p_j
  int longestTrainingSequence = 0;             // positions used by training at offset 0
  int offsetReach = 0;                         // positions reached thanks to random offsets (P)
};

struct Verdict {
  LengthBin bin;             // the first bin beyond the train range
  double accuracy = 0.0;
  double normalized = 0.0;   // (accuracy - random) / (1 - random)
  bool generalizes = false;  // normalized >= 0.75
  bool agreesWithTheory = false;
  // The verdict counts only once the model has learned its training lengths (kLearnedThreshold
  // in verdict.h); before that the view shows it as pending.
  std::optional<double> inDistribution;  // accuracy inside the train range, if a bin lies there
  bool trainingLengthsLearned = true;
  double learnedThreshold = 0.95;  // filled in from verdict.h by the worker
};

enum class RunState { Idle, Running, Paused, Finished, Failed };

struct TrainingSnapshot {
  std::shared_ptr<const ExperimentSummary> experiment;
  RunState state = RunState::Idle;
  QString stateText;       // "reached the step limit", "paused", ...
  long step = 0;
  double loss = 0.0;
  double regularizer = 0.0;
  double learningRate = 0.0;
  double stepsPerSecond = 0.0;
  double etaSeconds = 0.0;
  std::shared_ptr<const std::vector<LossPoint>> lossHistory;         // thinned to at most ~4000 points
  std::shared_ptr<const std::vector<EvaluationPoint>> evaluations;   // oldest first
  std::shared_ptr<const AttentionProbe> attention;
  std::shared_ptr<const PositionalPicture> positional;
  std::optional<Verdict> verdict;  // from the newest evaluation
};

}  // namespace lengthlab
