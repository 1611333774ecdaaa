#include "trainer.h"

#include "check.h"
#include "parallel.h"
#include "task_lengths.h"

#include <cmath>

namespace lengthlab {
namespace {

std::string joined(const std::vector<std::string>& problems) {
  std::string text;
  for (const auto& p : problems) text += (text.empty() ? "" : "; ") + p;
  return text;
}

const TrainingConfig& validated(const TrainingConfig& config, const Task& task) {
  const auto problems = validate(config, task);
  if (!problems.empty()) throw ConfigError(problems);
  return config;
}

Transformer initializedModel(const TrainingConfig& config, const Task& task, Rng& rng) {
  Transformer model(modelConfigFor(config, task));
  model.initialize(rng);
  return model;
}

}  // namespace

ConfigError::ConfigError(const std::vector<std::string>& problems)
    : std::invalid_argument(joined(problems)), m_problems(problems) {}

const char* stopReasonText(StopReason reason) {
  switch (reason) {
    case StopReason::None: return "running";
    case StopReason::MaxSteps: return "reached the step limit";
    case StopReason::EarlyStop: return "in-distribution accuracy reached 100%";
    case StopReason::Diverged: return "the loss became NaN or infinite";
  }
  return "";
}

Trainer::Trainer(const Task& task, TrainingConfig config)
    : m_task(task),
      m_config(validated(config, task)),
      m_codec(task),
      m_model([&] {
        useThreads(m_config.threads);
        Rng initRng(m_config.seed * 2 + 1);
        return initializedModel(m_config, task, initRng);
      }()),
      m_optimizer(m_model.layout(), m_config.optimizer),
      m_evaluationSet(task, m_codec, m_config.testBins, m_config.evalCount, kEvaluationSeed),
      m_dataRng(m_config.seed * 2 + 2) {
  m_trainLengths = lengthsWithExamples(task, m_config.train.lo, m_config.train.hi);
  LL_CHECK(!m_trainLengths.empty());
}

void Trainer::sampleBatch() {
  const ModelConfig& mc = m_model.config();
  m_batch.clear(mc.outputSize);
  for (int b = 0; b < m_config.batchSize; ++b) {
    const auto pick = m_dataRng.uniformInt(0, static_cast<long>(m_trainLengths.size()) - 1);
    const EncodedSequence sequence =
        m_codec.encode(m_task.sample(m_trainLengths[static_cast<std::size_t>(pick)], m_dataRng));
    // Random offsets (PAPER.md section 2): every row of the position table gets gradient.
    int offset = 0;
    const int T = static_cast<int>(sequence.tokens.size());
    if (m_config.randomOffsets && mc.hasPositionTable()) {
      offset = static_cast<int>(m_dataRng.uniformInt(0, mc.positions - T));
    }
    m_batch.add(sequence, offset);
  }
  m_batch.alignRows(m_codec.pad() >= 0 ? m_codec.pad() : m_codec.bos());
}

bool Trainer::evaluationDue() const {
  return m_step % m_config.evalEvery == 0 || m_step >= m_config.steps;
}

StepReport Trainer::advance() {
  LL_CHECK(!finished());
  useThreads(m_config.threads);
  StepReport report;
  report.learningRate =
      m_config.learningRate * (1.0 - static_cast<double>(m_step) / static_cast<double>(m_config.steps));
  sampleBatch();
  report.loss = m_trainingStep.run(m_model, m_batch);
  if (m_config.positional == PositionalEncoding::ApeReg && m_config.regCoef > 0) {
    const ModelTensors gradients = m_model.weightGradients();
    report.regularizer = positionalRegularizer(m_model.config(), m_model.weights(), &gradients,
                                               static_cast<float>(m_config.regCoef),
                                               m_positionalScratch);
  }
  report.gradientNorm = m_optimizer.gradientNorm(m_model.gradients());
  report.finite = std::isfinite(report.loss) && std::isfinite(report.gradientNorm) &&
                  std::isfinite(report.regularizer);
  ++m_step;
  report.step = m_step;
  if (!report.finite) {
    m_stop = StopReason::Diverged;
    report.stop = m_stop;
    return report;
  }
  m_optimizer.step(m_model.parameters(), m_model.gradients(), report.learningRate,
                   report.gradientNorm);
  if (evaluationDue()) {
    report.evaluation = evaluate();
    bool inDistributionPerfect = false;
    for (const auto& bin : report.evaluation->bins) {
      const bool inside = bin.bin.lo >= m_config.train.lo && bin.bin.hi <= m_config.train.hi;
      if (!inside) continue;
      inDistributionPerfect = bin.tally.correct == bin.tally.total;
      if (!inDistributionPerfect) break;
    }
    if (m_config.earlyStop && inDistributionPerfect) m_stop = StopReason::EarlyStop;
  }
  if (m_stop == StopReason::None && m_step >= m_config.steps) m_stop = StopReason::MaxSteps;
  report.stop = m_stop;
  return report;
}

EvaluationResult Trainer::evaluate() {
  useThreads(m_config.threads);
  EvaluationResult result = m_evaluationSet.evaluate(m_model, m_evalWorkspaces, 4096, m_keepGoing);
  result.step = m_step;
  m_lastEvaluation = result;
  return result;
}

std::size_t Trainer::memoryBytes() const {
  const std::size_t arenas = m_model.parameters().size() * 4;  // parameters, gradients, m, v
  std::size_t bytes = arenas * sizeof(float) + m_trainingStep.bytes();
  for (const auto& ws : m_evalWorkspaces) bytes += ws.bytes();
  return bytes;
}

}  // namespace lengthlab
