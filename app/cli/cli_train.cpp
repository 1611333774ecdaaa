// lengthlab-cli train: one run, headless. Every flag is checked before anything is created, so
// bad usage (exit 2) leaves no folder behind; Ctrl-C stops at the next step and still writes the
// model and the evaluation of what was learned so far.
#include "cli_common.h"

#include "experiment_json.h"
#include "run_folder.h"
#include "task_lengths.h"
#include "training_options.h"
#include "verdict.h"

#include <QElapsedTimer>
#include <QJsonArray>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace lengthlab::cli {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void onInterrupt(int) { g_interrupted.store(true); }

QString duration(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  if (s < 60) return QString::number(s) + "s";
  if (s < 3600) return QString("%1m%2s").arg(s / 60).arg(s % 60, 2, 10, QChar('0'));
  return QString("%1h%2m").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QChar('0'));
}

QString percent(double fraction) { return QString::number(100.0 * fraction, 'f', 1) + "%"; }

QString binsLine(const EvaluationResult& result) {
  QStringList parts;
  for (const auto& b : result.bins) {
    parts << QString::fromStdString(formatRange(b.bin)) + " " + percent(b.tally.accuracy());
  }
  return parts.join("   ");
}

QString describe(const TrainingConfig& c, const QString& out) {
  return QString("training %1 with %2: %3 layer(s) x %4 head(s) x width %5, lr %6, batch %7, up to %8 "
                 "steps, seed %9\n  train lengths %10, test bins %11 (%12 examples each), run folder %13")
      .arg(QString::fromStdString(c.task), QString::fromUtf8(positionalEncodingId(c.positional).data()))
      .arg(c.layers).arg(c.heads).arg(c.dModel).arg(c.learningRate).arg(c.batchSize).arg(c.steps)
      .arg(c.seed)
      .arg(QString::fromStdString(formatRange(c.train)))
      .arg([&] {
        QStringList bins;
        for (const auto& b : c.testBins) bins << QString::fromStdString(formatRange(b));
        return bins.join(", ");
      }())
      .arg(c.evalCount)
      .arg(out);
}

// The accuracy table with the paper's numbers beside it, and the verdict.
void printSummary(const EvaluationResult& result, const TrainingConfig& c, const Task& task) {
  const PaperNumbers& paper = task.info().paper;
  const auto& reference = c.positional == PositionalEncoding::Nope     ? paper.nope
                          : c.positional == PositionalEncoding::ApeReg ? paper.reg
                                                                       : paper.ape;
  const bool paperBins = c.testBins == std::vector<LengthRange>{{1, 50}, {51, 100}, {101, 150}};
  printLine("");
  printLine(QString("%1 %2 %3").arg("bin", -10).arg("accuracy", 9).arg(
      reference && paperBins ? "paper (" + QString::fromUtf8(positionalEncodingId(c.positional).data()) + ")" : ""));
  for (std::size_t b = 0; b < result.bins.size(); ++b) {
    const auto& bin = result.bins[b];
    QString paperValue;
    if (reference && paperBins) paperValue = QString::number((*reference)[b], 'f', 1) + "%";
    printLine(QString("%1 %2 %3")
                  .arg(QString::fromStdString(formatRange(bin.bin)), -10)
                  .arg(percent(bin.tally.accuracy()), 9)
                  .arg(paperValue, 8));
  }
  const QJsonObject verdict = verdictToJson(result, c, task);
  if (verdict.isEmpty()) return;
  const bool observed = verdict["generalizes"].toBool();
  const bool predicted = verdict["theory_predicts_generalization"].toBool();
  const QJsonArray bin = verdict["bin"].toArray();
  if (!verdict["training_lengths_learned"].toBool()) {
    printLine(QString("\nverdict: none, the model gets only %1 of lengths %2-%3 right and a verdict "
                      "needs %4 there (a model that has not learned its training lengths says "
                      "nothing about longer ones); train longer or change the model")
                  .arg(percent(verdict["in_distribution_accuracy"].toDouble()))
                  .arg(c.train.lo).arg(c.train.hi)
                  .arg(percent(kLearnedThreshold)));
    return;
  }
  printLine(QString("\nverdict: %1 (normalized accuracy on %2-%3: %4, threshold %5); the theory "
                    "predicts it %6, so this run %7 with the theory")
                .arg(observed ? "generalizes" : "does not generalize")
                .arg(bin[0].toInt()).arg(bin[1].toInt())
                .arg(verdict["normalized_accuracy"].toDouble(), 0, 'f', 2)
                .arg(kGeneralizationThreshold)
                .arg(predicted ? "generalizes" : "does not")
                .arg(observed == predicted ? "agrees" : "disagrees"));
}

}  // namespace

int runTrainCommand(const QStringList& arguments) {
  QCommandLineParser parser;
  parser.setApplicationDescription("Train one model and write a run folder (config.json, "
                                   "metrics.jsonl, eval.json, model.safetensors).");
  addTrainingOptions(parser);
  parser.addOption({"out", "The run folder to create (must not exist or be empty).", "dir"});
  if (!parseOrThrow(parser, arguments)) return kExitOk;

  TrainingConfig config;
  const Task* task = nullptr;
  try {
    task = &taskFromOptions(parser);
    config = trainingConfigFromOptions(parser, *task);
  } catch (const OptionError& e) {
    throw UsageError(QString::fromUtf8(e.what()));
  }
  const QString out = parser.value("out");
  if (!parser.isSet("out") || out.trimmed().isEmpty()) throw UsageError("--out DIR is required");
  try {
    RunFolder::checkCanCreate(out);
  } catch (const RunIoError& e) {
    throw UsageError("--out: " + QString::fromUtf8(e.what()));
  }

  RunFolder run(out, config, *task);
  printLine(describe(config, run.path()));
  // Lengths without an example, e.g. the odd lengths of (aa)*, are skipped: say so once.
  std::vector<LengthRange> ranges{config.train};
  ranges.insert(ranges.end(), config.testBins.begin(), config.testBins.end());
  for (const auto& range : ranges) {
    const std::string skipped = skippedLengthsReport(*task, range.lo, range.hi);
    if (!skipped.empty()) printLine("  note: " + QString::fromStdString(skipped));
  }
  Trainer trainer(*task, config);

  g_interrupted.store(false);
  const auto previousHandler = std::signal(SIGINT, onInterrupt);
  const bool interactive = isatty(fileno(stdout));
  QElapsedTimer clock, sinceProgress;
  clock.start();
  sinceProgress.start();
  double lossSum = 0.0;
  long lossCount = 0, lastProgressStep = 0;
  StepReport report;
  while (!trainer.finished() && !g_interrupted.load()) {
    report = trainer.advance();
    if (report.finite) {
      lossSum += report.loss;
      ++lossCount;
    }
    const double elapsed = clock.elapsed() / 1000.0;
    if (report.evaluation) {
      QJsonObject line = evaluationToJson(*report.evaluation);
      line.insert("loss", lossCount ? lossSum / lossCount : report.loss);
      line.insert("regularizer", report.regularizer);
      line.insert("elapsed_s", elapsed);
      run.appendMetrics(line);
      lossSum = 0;
      lossCount = 0;
      if (interactive) std::fputs("\r\033[K", stdout);
      printLine(QString("eval  step %1:  %2").arg(report.step).arg(binsLine(*report.evaluation)));
    }
    if (sinceProgress.elapsed() >= (interactive ? 250 : 10000) || trainer.finished()) {
      const double rate = (report.step - lastProgressStep) / std::max(1e-3, sinceProgress.elapsed() / 1000.0);
      const double eta = rate > 0 ? (config.steps - report.step) / rate : 0;
      const QString progress = QString("step %1/%2  loss %3  lr %4  %5 steps/s  elapsed %6  at most %7 left")
                                   .arg(report.step).arg(config.steps)
                                   .arg(report.loss, 0, 'f', 4).arg(report.learningRate, 0, 'e', 1)
                                   .arg(rate, 0, 'f', 1).arg(duration(elapsed)).arg(duration(eta));
      if (interactive) {
        std::fputs(("\r\033[K" + progress).toLocal8Bit().constData(), stdout);
        std::fflush(stdout);
      } else {
        printLine(progress);
      }
      sinceProgress.restart();
      lastProgressStep = report.step;
    }
  }
  std::signal(SIGINT, previousHandler);
  if (interactive) std::fputs("\n", stdout);

  const bool interrupted = g_interrupted.load() && !trainer.finished();
  const EvaluationResult final = report.evaluation && !interrupted ? *report.evaluation : trainer.evaluate();
  const double wallTime = clock.elapsed() / 1000.0;
  QJsonObject evaluation = evaluationToJson(final);
  evaluation.insert("stop_reason", interrupted ? "interrupted by the user" : stopReasonText(trainer.stopReason()));
  evaluation.insert("steps", static_cast<qint64>(trainer.step()));
  evaluation.insert("wall_time_s", wallTime);
  const QJsonObject verdict = verdictToJson(final, config, *task);
  if (!verdict.isEmpty()) evaluation.insert("verdict", verdict);
  run.writeEvaluation(evaluation);
  run.writeModel(trainer.model());

  printLine(QString("finished after %1 steps in %2 (%3)")
                .arg(trainer.step()).arg(duration(wallTime))
                .arg(interrupted ? "interrupted" : stopReasonText(trainer.stopReason())));
  printSummary(final, config, *task);
  printLine("\nrun written to " + run.path());
  if (trainer.stopReason() == StopReason::Diverged) {
    printError("lengthlab-cli train: the loss became NaN or infinite at step " +
               QString::number(trainer.step()) + "; try a lower --lr");
    return kExitFailure;
  }
  return interrupted ? 130 : kExitOk;
}

}  // namespace lengthlab::cli
