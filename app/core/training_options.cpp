#include "training_options.h"

#include "experiment_json.h"
#include "length_ranges.h"
#include "task_registry.h"

#include <cmath>
#include <limits>

namespace lengthlab {
namespace {

long integerValue(const QCommandLineParser& parser, const QString& name, long min, long max) {
  const QString text = parser.value(name).trimmed();
  bool ok = false;
  const qlonglong value = text.toLongLong(&ok);
  if (!ok || value < min || value > max) {
    throw OptionError(("--" + name + " must be a whole number from " + QString::number(min) + " to " +
                       QString::number(max) + ", got '" + text + "'").toStdString());
  }
  return static_cast<long>(value);
}

double positiveValue(const QCommandLineParser& parser, const QString& name, bool allowZero) {
  const QString text = parser.value(name).trimmed();
  bool ok = false;
  const double value = text.toDouble(&ok);
  if (!ok || !std::isfinite(value) || value < 0 || (!allowZero && value == 0)) {
    throw OptionError(("--" + name + " must be a number " + (allowZero ? ">= 0" : "> 0") + ", got '" +
                       text + "'").toStdString());
  }
  return value;
}

}  // namespace

void addTrainingOptions(QCommandLineParser& parser) {
  parser.addOptions({
      {"task", "The task (see `lengthlab-cli tasks`).", "id"},
      {"train-len", "Training lengths, LO-HI (default 1-50).", "range"},
      {"test-bins", "Test bins, LO-HI separated by commas (default 1-50,51-100,101-150).", "bins"},
      {"pe", "Positional variant: ape, nope or ape-reg (default ape).", "variant"},
      {"layers", "Layers (default: the task's preset).", "n"},
      {"heads", "Attention heads (default: the task's preset).", "n"},
      {"d-model", "Model width; divisible by heads (default: the task's preset).", "n"},
      {"lr", "Peak learning rate, decayed linearly to 0 (default: the task's preset).", "x"},
      {"batch", "Examples per step (default 64).", "n"},
      {"steps", "Maximum training steps (default 30000).", "n"},
      {"reg-coef", "Weight of the positional regulariser for ape-reg (default 1e-4).", "x"},
      {"seed", "Random seed: the same seed and thread count repeat a run exactly (default 0).", "n"},
      {"threads", "CPU threads, 0 for every core (default 0).", "n"},
      {"eval-every", "Steps between evaluations (default 3000).", "n"},
      {"eval-count", "Test examples per bin (default 2000).", "n"},
  });
}

const Task& taskFromOptions(const QCommandLineParser& parser) {
  const QString id = parser.value("task").trimmed();
  const QString known = QString::fromStdString(taskIdList());
  if (id.isEmpty()) throw OptionError(("--task is required; known tasks: " + known).toStdString());
  const Task* task = findTask(id.toStdString());
  if (!task) throw OptionError(("unknown task '" + id + "'; known tasks: " + known).toStdString());
  return *task;
}

PositionalEncoding positionalFromOptions(const QCommandLineParser& parser, PositionalEncoding fallback) {
  if (!parser.isSet("pe")) return fallback;
  const auto parsed = parsePositionalEncoding(parser.value("pe").trimmed().toStdString());
  if (!parsed) {
    throw OptionError(("--pe must be ape, nope or ape-reg, got '" + parser.value("pe") + "'").toStdString());
  }
  return *parsed;
}

TrainingConfig trainingConfigFromOptions(const QCommandLineParser& parser, const Task& task) {
  TrainingConfig c = defaultTrainingConfig(task, positionalFromOptions(parser, PositionalEncoding::Ape));
  applyTrainingOptions(parser, task, c);
  return c;
}

void applyTrainingOptions(const QCommandLineParser& parser, const Task& task, TrainingConfig& c) {
  c.task = task.id();
  c.positional = positionalFromOptions(parser, c.positional);
  try {
    if (parser.isSet("train-len")) c.train = parseLengthRange(parser.value("train-len"));
    if (parser.isSet("test-bins")) c.testBins = parseLengthBins(parser.value("test-bins"));
  } catch (const RangeSyntaxError& e) {
    const QString flag = parser.isSet("test-bins") ? "--test-bins" : "--train-len";
    throw OptionError((flag + ": " + e.what()).toStdString());
  }
  constexpr long kIntMax = std::numeric_limits<int>::max();
  if (parser.isSet("layers")) c.layers = static_cast<int>(integerValue(parser, "layers", 1, 48));
  if (parser.isSet("heads")) c.heads = static_cast<int>(integerValue(parser, "heads", 1, 64));
  if (parser.isSet("d-model")) c.dModel = static_cast<int>(integerValue(parser, "d-model", 1, 4096));
  if (parser.isSet("lr")) c.learningRate = positiveValue(parser, "lr", false);
  if (parser.isSet("batch")) c.batchSize = static_cast<int>(integerValue(parser, "batch", 1, 4096));
  if (parser.isSet("steps")) c.steps = integerValue(parser, "steps", 1, 10'000'000);
  if (parser.isSet("reg-coef")) c.regCoef = positiveValue(parser, "reg-coef", true);
  if (parser.isSet("seed")) c.seed = static_cast<std::uint64_t>(integerValue(parser, "seed", 0, kIntMax));
  if (parser.isSet("threads")) c.threads = static_cast<int>(integerValue(parser, "threads", 0, 256));
  if (parser.isSet("eval-every")) c.evalEvery = integerValue(parser, "eval-every", 1, 10'000'000);
  if (parser.isSet("eval-count")) c.evalCount = static_cast<int>(integerValue(parser, "eval-count", 1, 100000));
  const auto problems = validate(c, task);
  if (!problems.empty()) {
    QString text;
    for (const auto& p : problems) text += (text.isEmpty() ? "" : "; ") + QString::fromStdString(p);
    throw OptionError(text.toStdString());
  }
}

}  // namespace lengthlab
