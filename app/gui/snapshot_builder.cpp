#include "snapshot_builder.h"

#include "experiment_json.h"
#include "sequence_codec.h"
#include "task_lengths.h"
#include "verdict.h"

#include <QStringList>

#include <algorithm>

namespace lengthlab {
namespace {

QString symbols(const Task& task, const std::vector<int>& ids) {
  QStringList parts;
  for (int id : ids) parts << QString::fromStdString(task.info().alphabet[static_cast<std::size_t>(id)]);
  return parts.join(' ');
}

const std::optional<BinPercents>& paperNumbersFor(const TaskInfo& info, PositionalEncoding pe) {
  switch (pe) {
    case PositionalEncoding::Nope: return info.paper.nope;
    case PositionalEncoding::ApeReg: return info.paper.reg;
    case PositionalEncoding::Ape: break;
  }
  return info.paper.ape;
}

}  // namespace

QString renderExample(const Task& task, const Example& example) {
  if (task.family() == TaskFamily::Algorithmic) {
    return symbols(task, example.input) + "  ->  " + symbols(task, example.output);
  }
  const int O = task.alphabetSize() + 1;
  const bool member = !example.continuations.empty() && example.continuations.back() != 0 &&
                      example.continuations.size() == static_cast<std::size_t>(example.length() + 1) * O;
  return symbols(task, example.input) + (member ? "   (a member)" : "");
}

std::shared_ptr<const ExperimentSummary> summarizeExperiment(const Trainer& trainer, Rng& rng) {
  const TrainingConfig& c = trainer.config();
  const Task& task = trainer.task();
  const TaskInfo& info = task.info();
  auto s = std::make_shared<ExperimentSummary>();
  s->taskId = QString::fromStdString(info.id);
  s->taskName = QString::fromStdString(info.name);
  s->family = QString::fromUtf8(familyId(info.family).data());
  s->description = QString::fromStdString(info.description);
  s->craspProgram = QString::fromStdString(info.craspProgram);
  s->craspApe = info.craspApe;
  s->craspNope = info.craspNope;
  s->positional = QString::fromUtf8(positionalEncodingId(c.positional).data());
  s->predictedToGeneralize = c.positional == PositionalEncoding::Nope ? info.craspNope : info.craspApe;
  s->train = {c.train.lo, c.train.hi};
  for (const auto& bin : c.testBins) s->testBins.push_back({bin.lo, bin.hi});
  s->maxTestLength = c.testBins.empty() ? c.train.hi : c.testBins.back().hi;
  s->randomBaseline = info.randomBaseline;
  const bool paperProtocol = c.testBins == std::vector<LengthRange>{{1, 50}, {51, 100}, {101, 150}};
  if (const auto& paper = paperNumbersFor(info, c.positional); paper && paperProtocol) s->paperBins = *paper;
  s->layers = c.layers;
  s->heads = c.heads;
  s->dModel = c.dModel;
  const ModelConfig& model = trainer.model().config();
  s->positionTableSize = model.hasPositionTable() ? model.positions : 0;
  s->longestTrainingSequence = trainer.codec().maxSequenceLength(c.train.hi);
  s->maxSteps = c.steps;
  const auto lengths = lengthsWithExamples(task, c.train.lo, std::min(c.train.hi, c.train.lo + 9));
  if (!lengths.empty()) s->exampleText = renderExample(task, task.sample(lengths.back(), rng));
  return s;
}

EvaluationPoint toEvaluationPoint(const EvaluationResult& result) {
  EvaluationPoint p;
  p.step = result.step;
  for (const auto& bin : result.bins) p.binAccuracy.push_back(bin.tally.accuracy());
  for (const auto& length : result.lengths) {
    p.lengths.push_back(length.length);
    p.lengthAccuracy.push_back(length.tally.accuracy());
  }
  return p;
}

std::optional<Verdict> verdictFor(const EvaluationResult& result, const Trainer& trainer) {
  const TrainingConfig& c = trainer.config();
  const TaskInfo& info = trainer.task().info();
  for (const auto& bin : result.bins) {
    if (bin.bin.lo <= c.train.hi) continue;
    Verdict v;
    v.bin = {bin.bin.lo, bin.bin.hi};
    v.accuracy = bin.tally.accuracy();
    v.normalized = normalizedAccuracy(v.accuracy, info.randomBaseline);
    v.generalizes = v.normalized >= kGeneralizationThreshold;
    const bool predicted = c.positional == PositionalEncoding::Nope ? info.craspNope : info.craspApe;
    v.agreesWithTheory = v.generalizes == predicted;
    v.inDistribution = inDistributionAccuracy(result, c);
    v.trainingLengthsLearned = !v.inDistribution || learnedTrainingLengths(*v.inDistribution);
    v.learnedThreshold = kLearnedThreshold;
    return v;
  }
  return std::nullopt;
}

std::shared_ptr<const AttentionProbe> probeAttention(const Trainer& trainer, const Example& example,
                                                     Workspace& ws) {
  const SequenceCodec& codec = trainer.codec();
  const EncodedSequence sequence = codec.encode(example);
  const SequenceInspection inspection = inspectSequence(trainer.model(), sequence.tokens, ws);
  auto probe = std::make_shared<AttentionProbe>();
  probe->step = trainer.step();
  probe->inputLength = example.length();
  for (int token : sequence.tokens) {
    probe->tokens << QString::fromStdString(codec.tokenNames()[static_cast<std::size_t>(token)]);
  }
  probe->layers = inspection.layers;
  probe->heads = inspection.heads;
  probe->weights = inspection.attention;
  probe->trainBoundary = codec.maxSequenceLength(trainer.config().train.hi);
  return probe;
}

std::shared_ptr<const PositionalPicture> picturePositions(const Trainer& trainer) {
  PositionTableStatistics stats = positionTableStatistics(trainer.model());
  auto picture = std::make_shared<PositionalPicture>();
  picture->step = trainer.step();
  picture->positions = stats.positions;
  picture->norms = std::move(stats.norms);
  picture->cosine = std::move(stats.cosine);
  picture->layers = trainer.model().config().layers;
  picture->heads = trainer.model().config().heads;
  picture->products = std::move(stats.products);
  picture->longestTrainingSequence = trainer.codec().maxSequenceLength(trainer.config().train.hi);
  picture->offsetReach = trainer.config().randomOffsets ? stats.positions : picture->longestTrainingSequence;
  return picture;
}

}  // namespace lengthlab
