// The training flags shared by `lengthlab-cli train` and the desktop app's scripted demo:
// --task, --train-len, --test-bins, --layers, --heads, --d-model, --lr, --batch, --steps, --pe,
// --reg-coef, --seed, --threads, --eval-every, --eval-count. Flags not given come from the task's
// preset for the chosen positional variant (the paper's architecture where it reports one).
#pragma once

#include "task.h"
#include "training_config.h"

#include <QCommandLineParser>

#include <stdexcept>

namespace lengthlab {

// A flag with a value that is malformed or out of range; the message names the flag and what is
// allowed.
class OptionError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

void addTrainingOptions(QCommandLineParser& parser);

// The task named by --task; throws OptionError listing the known ids when it is missing or unknown.
const Task& taskFromOptions(const QCommandLineParser& parser);

// The configuration the flags describe, validated (OptionError lists every problem): the task's
// preset for the chosen --pe, then every flag that was given.
TrainingConfig trainingConfigFromOptions(const QCommandLineParser& parser, const Task& task);

// Overrides the fields of config whose flags were given (all but --task and --pe) and validates
// the result for task. Throws OptionError.
void applyTrainingOptions(const QCommandLineParser& parser, const Task& task, TrainingConfig& config);

// The positional variant named by --pe, or fallback when the flag is absent. Throws OptionError.
PositionalEncoding positionalFromOptions(const QCommandLineParser& parser, PositionalEncoding fallback);

}  // namespace lengthlab
