// The JSON forms of an experiment: config.json (everything needed to repeat a run, plus the
// Hugging Face GPT-2 keys so that an APE run opens with transformers' GPT2LMHeadModel), the
// evaluation results of eval.json and metrics.jsonl, and the task's preset as a starting config.
#pragma once

#include "run_errors.h"
#include "task.h"
#include "trainer.h"

#include <QJsonObject>

#include <optional>

namespace lengthlab {

// The paper's protocol with the task's preset model for this positional variant.
TrainingConfig defaultTrainingConfig(const Task& task, PositionalEncoding positional);

QJsonObject configToJson(const TrainingConfig& config, const Task& task);
// Reads what configToJson wrote; throws RunFormatError naming the first missing or bad field.
TrainingConfig configFromJson(const QJsonObject& json);

// {"step":..,"bins":[{"lo":1,"hi":50,"accuracy":0.99,"correct":..,"total":..},..],
//  "by_length":{"1":1.0,..}} with accuracies as fractions.
QJsonObject evaluationToJson(const EvaluationResult& result);

// Accuracy over the test bins inside the train range; none when no bin lies inside it.
std::optional<double> inDistributionAccuracy(const EvaluationResult& result, const TrainingConfig& config);

// The verdict of PAPER.md section 3 for a finished evaluation: whether the first bin beyond
// the train range generalizes, with the numbers that decided it, and whether the model had
// learned its training lengths (without which the verdict does not count); empty when no bin
// lies beyond.
QJsonObject verdictToJson(const EvaluationResult& result, const TrainingConfig& config, const Task& task);

}  // namespace lengthlab
