// A synthetic TrainingSnapshot with every part filled, for view tests: the views are fed data
// of a known shape and the tests check what they plot (data, ranges, orientation), not pixels.
#pragma once

#include "training_snapshot.h"

#include <cmath>

namespace lengthlab::test {

inline std::shared_ptr<ExperimentSummary> syntheticExperiment() {
  auto e = std::make_shared<ExperimentSummary>();
  e->taskId = "unique_copy";
  e->taskName = "Unique copy";
  e->family = "algorithmic";
  e->description = "Copy a string of distinct tokens.";
  e->craspProgram = "PREV_a(i) := #[j <= i, j = i - 1] Q_a(j) >= 1";
  e->craspApe = true;
  e->craspNope = false;
  e->positional = "ape";
  e->predictedToGeneralize = true;
  e->train = {1, 50};
  e->testBins = {{1, 50}, {51, 100}, {101, 150}};
  e->maxTestLength = 150;
  e->randomBaseline = 0.0;
  e->paperBins = std::array<double, 3>{100, 99.9, 98.7};
  e->layers = 2;
  e->heads = 2;
  e->dModel = 64;
  e->positionTableSize = 40;
  e->longestTrainingSequence = 24;
  e->maxSteps = 3000;
  e->exampleText = "7 3 12 -> 7 3 12";
  return e;
}

// Three evaluations at steps 1000, 2000, 3000 whose accuracy falls with length and rises with step.
inline std::shared_ptr<std::vector<EvaluationPoint>> syntheticEvaluations() {
  auto evaluations = std::make_shared<std::vector<EvaluationPoint>>();
  for (int k = 1; k <= 3; ++k) {
    EvaluationPoint p;
    p.step = 1000L * k;
    for (int n = 1; n <= 150; ++n) {
      p.lengths.push_back(n);
      p.lengthAccuracy.push_back(std::max(0.0, std::min(1.0, 1.0 - (n - 50 * k) / 100.0)));
    }
    for (int b = 0; b < 3; ++b) p.binAccuracy.push_back(std::min(1.0, 0.3 * k + 0.1 * (2 - b)));
    evaluations->push_back(p);
  }
  return evaluations;
}

inline TrainingSnapshot syntheticSnapshot() {
  TrainingSnapshot s;
  s.experiment = syntheticExperiment();
  s.state = RunState::Running;
  s.stateText = "training";
  s.step = 3000;
  s.loss = 0.05;
  s.learningRate = 1e-4;
  s.stepsPerSecond = 25;
  s.etaSeconds = 0;
  auto loss = std::make_shared<std::vector<LossPoint>>();
  for (long step = 1; step <= 3000; step += 10) loss->push_back({step, 5.0 * std::exp(-step / 500.0) + 0.01});
  s.lossHistory = loss;
  s.evaluations = syntheticEvaluations();

  auto attention = std::make_shared<AttentionProbe>();
  attention->step = 3000;
  attention->inputLength = 5;
  attention->tokens = {"<bos>", "7", "3", "12", "9", "4", "<sep>", "7", "3", "12", "9", "4"};
  attention->layers = 2;
  attention->heads = 2;
  const int T = attention->length();
  // Head (l, h) attends from query i to key max(0, i - 1 - h - l): a clear, checkable diagonal.
  for (int l = 0; l < 2; ++l) {
    for (int h = 0; h < 2; ++h) {
      for (int i = 0; i < T; ++i) {
        for (int j = 0; j < T; ++j) attention->weights.push_back(j == std::max(0, i - 1 - h - l) ? 1.0f : 0.0f);
      }
    }
  }
  attention->trainBoundary = 8;
  s.attention = attention;

  auto positional = std::make_shared<PositionalPicture>();
  positional->step = 3000;
  positional->positions = 40;
  positional->layers = 2;
  positional->heads = 2;
  positional->longestTrainingSequence = 24;
  positional->offsetReach = 40;
  for (int i = 0; i < 40; ++i) positional->norms.push_back(1.0f + 0.01f * i);
  for (int i = 0; i < 40; ++i) {
    for (int j = 0; j < 40; ++j) positional->cosine.push_back(i == j ? 1.0f : 1.0f / (1.0f + std::abs(i - j)));
  }
  for (int k = 0; k < 4; ++k) {
    std::vector<float> product;
    for (int i = 0; i < 40; ++i) {
      for (int j = 0; j < 40; ++j) product.push_back(i - j == k ? 2.0f : (i - j) % 4 == 0 ? -1.0f : 0.0f);
    }
    positional->products.push_back(product);
  }
  s.positional = positional;

  Verdict v;
  v.bin = {51, 100};
  v.accuracy = 0.9;
  v.normalized = 0.9;
  v.generalizes = true;
  v.agreesWithTheory = true;
  v.inDistribution = 1.0;
  s.verdict = v;
  return s;
}

}  // namespace lengthlab::test
