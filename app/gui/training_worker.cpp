#include "training_worker.h"

#include "task_lengths.h"
#include "task_registry.h"

#include <algorithm>
#include <cmath>

namespace lengthlab {
namespace {

constexpr int kSliceMs = 30;          // train this long between looks at the command queue
constexpr int kPublishMs = 100;       // at most ten snapshots a second
constexpr int kProbeMs = 1000;        // attention maps refresh once a second while training
constexpr int kPositionsMs = 2500;    // position-table pictures change slowly
constexpr std::size_t kMaxLossPoints = 4000;

}  // namespace

TrainingWorker::TrainingWorker(QObject* parent) : QObject(parent) {
  // Parented so that moveToThread() takes the timer along to the training thread.
  m_sliceTimer.setParent(this);
  m_sliceTimer.setSingleShot(true);
  connect(&m_sliceTimer, &QTimer::timeout, this, &TrainingWorker::runSlice);
}

TrainingWorker::~TrainingWorker() = default;

void TrainingWorker::start(const TrainingConfig& config) {
  reset();
  const Task* task = findTask(config.task);
  if (!task) return fail(tr("unknown task '%1'").arg(QString::fromStdString(config.task)));
  try {
    m_trainer = std::make_unique<Trainer>(*task, config);
  } catch (const std::exception& e) {
    return fail(QString::fromUtf8(e.what()));
  }
  m_trainer->setInterruptCheck([this] { return !m_abort.load(); });
  m_probeRng.reseed(config.seed + 0x5eed);
  m_experiment = summarizeExperiment(*m_trainer, m_probeRng);
  m_evaluations = std::make_shared<const std::vector<EvaluationPoint>>();
  // The first probe reads a little beyond the training lengths: where the interesting things are.
  m_probeLength = clampProbeLength(config.train.hi + 10);
  newProbeExample();
  refreshPositions();
  m_state = RunState::Running;
  m_stateText = tr("training");
  m_rateClock.start();
  m_rateStartStep = 0;
  publish(true);
  scheduleSlice(0);
}

void TrainingWorker::pause() {
  if (m_state != RunState::Running) return;
  m_state = RunState::Paused;
  m_stepsLeftToPause = 0;
  m_stateText = tr("paused");
  publish(true);
}

void TrainingWorker::resume() {
  if (m_state != RunState::Paused || !m_trainer) return;
  m_state = RunState::Running;
  m_stateText = tr("training");
  m_rateClock.restart();
  m_rateStartStep = m_trainer->step();
  publish(true);
  scheduleSlice(0);
}

void TrainingWorker::stepBy(int count) {
  if (!m_trainer || m_trainer->finished() || count < 1) return;
  m_stepsLeftToPause = count;
  m_state = RunState::Running;
  m_stateText = tr("stepping");
  m_rateClock.restart();
  m_rateStartStep = m_trainer->step();
  scheduleSlice(0);
}

void TrainingWorker::stop() {
  m_abort.store(false);
  if (!m_trainer || m_state == RunState::Finished || m_state == RunState::Failed) return;
  m_sliceTimer.stop();
  try {
    const auto& last = m_trainer->lastEvaluation();
    if (!last || last->step != m_trainer->step()) recordEvaluation(m_trainer->evaluate());
  } catch (const EvaluationInterrupted&) {
    return;  // the window is closing: nobody waits for this evaluation
  } catch (const std::exception& e) {
    return fail(QString::fromUtf8(e.what()));
  }
  finish(tr("stopped by the user"));
}

void TrainingWorker::reset() {
  m_abort.store(false);
  m_sliceTimer.stop();
  m_trainer.reset();
  m_state = RunState::Idle;
  m_stateText.clear();
  m_stepsLeftToPause = 0;
  m_experiment.reset();
  m_losses.clear();
  m_lossStride = 1;
  m_lossAccumulator = 0;
  m_lossCount = 0;
  m_evaluations.reset();
  m_attention.reset();
  m_positions.reset();
  m_verdict.reset();
  m_lastStep = StepReport{};
  m_stepsPerSecond = 0;
  publish(true);
}

void TrainingWorker::setSpeedLimit(double stepsPerSecond) {
  m_speedLimit = std::max(0.0, stepsPerSecond);
  m_rateClock.restart();
  m_rateStartStep = m_trainer ? m_trainer->step() : 0;
}

void TrainingWorker::setProbeLength(int length) {
  if (!m_trainer) return;
  const int clamped = clampProbeLength(length);
  if (clamped == m_probeLength && m_attention) return;
  m_probeLength = clamped;
  newProbeExample();
}

void TrainingWorker::newProbeExample() {
  if (!m_trainer) return;
  m_probeExample = m_trainer->task().sample(m_probeLength, m_probeRng);
  refreshProbe();
  publish(true);
}

int TrainingWorker::clampProbeLength(int length) const {
  const TrainingConfig& c = m_trainer->config();
  const int longest = c.testBins.empty() ? c.train.hi : c.testBins.back().hi;
  const auto lengths = lengthsWithExamples(m_trainer->task(), 1, longest);
  if (lengths.empty()) return c.train.lo;
  // The nearest length that has an example (e.g. an even one for (aa)*).
  return *std::min_element(lengths.begin(), lengths.end(), [length](int a, int b) {
    return std::abs(a - length) < std::abs(b - length);
  });
}

void TrainingWorker::scheduleSlice(int delayMs) { m_sliceTimer.start(std::max(0, delayMs)); }

void TrainingWorker::runSlice() {
  if (!m_trainer || m_state != RunState::Running) return;
  QElapsedTimer slice;
  slice.start();
  int delay = 0;
  try {
    while (!m_abort.load()) {
      if (m_speedLimit > 0 && m_stepsLeftToPause == 0) {
        // The class-speed cap: the next step may start when the budget since resume allows it.
        const double due = (m_trainer->step() - m_rateStartStep + 1) / m_speedLimit * 1000.0;
        const double now = static_cast<double>(m_rateClock.elapsed());
        if (now < due) {
          delay = static_cast<int>(std::ceil(due - now));
          break;
        }
      }
      const StepReport report = m_trainer->advance();
      recordStep(report);
      if (report.evaluation) recordEvaluation(*report.evaluation);
      if (m_trainer->finished()) {
        if (!report.evaluation) recordEvaluation(m_trainer->evaluate());
        return finish(QString::fromUtf8(stopReasonText(m_trainer->stopReason())));
      }
      if (m_stepsLeftToPause > 0 && --m_stepsLeftToPause == 0) {
        m_state = RunState::Paused;
        m_stateText = tr("paused");
        refreshProbe();
        publish(true);
        return;
      }
      if (slice.elapsed() >= kSliceMs) break;
    }
  } catch (const EvaluationInterrupted&) {
    return;  // Stop, Reset or closing raised the abort flag; their command follows in the queue
  } catch (const std::exception& e) {
    return fail(QString::fromUtf8(e.what()));
  }
  if (m_abort.load()) return;
  if (m_sinceProbe.elapsed() >= kProbeMs) refreshProbe();
  if (m_sincePositions.elapsed() >= kPositionsMs) refreshPositions();
  publish(false);
  scheduleSlice(delay);
}

void TrainingWorker::recordStep(const StepReport& report) {
  m_lastStep = report;
  if (!report.finite) return;  // the run stops; a NaN cannot be drawn on a log axis
  m_lossAccumulator += report.loss;
  if (++m_lossCount < m_lossStride) return;
  m_losses.push_back({report.step, m_lossAccumulator / static_cast<double>(m_lossCount)});
  m_lossAccumulator = 0;
  m_lossCount = 0;
  if (m_losses.size() <= kMaxLossPoints) return;
  // Too many points to draw smoothly: halve the resolution by merging neighbours.
  std::vector<LossPoint> merged;
  merged.reserve(m_losses.size() / 2 + 1);
  for (std::size_t i = 0; i + 1 < m_losses.size(); i += 2) {
    merged.push_back({m_losses[i + 1].step, 0.5 * (m_losses[i].loss + m_losses[i + 1].loss)});
  }
  if (m_losses.size() % 2) merged.push_back(m_losses.back());
  m_losses.swap(merged);
  m_lossStride *= 2;
}

void TrainingWorker::recordEvaluation(const EvaluationResult& result) {
  auto evaluations = std::make_shared<std::vector<EvaluationPoint>>(*m_evaluations);
  evaluations->push_back(toEvaluationPoint(result));
  m_evaluations = std::move(evaluations);
  m_verdict = verdictFor(result, *m_trainer);
  refreshProbe();
  refreshPositions();
}

void TrainingWorker::refreshProbe() {
  m_attention = probeAttention(*m_trainer, m_probeExample, m_probeWorkspace);
  m_sinceProbe.start();
}

void TrainingWorker::refreshPositions() {
  m_positions = picturePositions(*m_trainer);
  m_sincePositions.start();
}

void TrainingWorker::finish(const QString& why) {
  m_sliceTimer.stop();
  m_state = RunState::Finished;
  m_stateText = why;
  refreshProbe();
  refreshPositions();
  publish(true);
}

void TrainingWorker::fail(const QString& message) {
  m_sliceTimer.stop();
  m_state = RunState::Failed;
  m_stateText = message;
  publish(true);
  emit runFailed(message);
}

void TrainingWorker::publish(bool force) {
  if (!force && m_sincePublish.isValid() && m_sincePublish.elapsed() < kPublishMs) return;
  auto snapshot = std::make_shared<TrainingSnapshot>();
  snapshot->experiment = m_experiment;
  snapshot->state = m_state;
  snapshot->stateText = m_stateText;
  if (m_trainer) {
    const long step = m_trainer->step();
    const double seconds = m_rateClock.elapsed() / 1000.0;
    if (m_state == RunState::Running && seconds >= 0.5) {
      m_stepsPerSecond = (step - m_rateStartStep) / seconds;
      m_rateStartStep = step;
      m_rateClock.restart();
      if (m_speedLimit > 0) m_rateStartStep = step;  // the cap counts from here too
    }
    snapshot->step = step;
    snapshot->loss = m_lastStep.loss;
    snapshot->regularizer = m_lastStep.regularizer;
    snapshot->learningRate = m_lastStep.learningRate;
    snapshot->stepsPerSecond = m_state == RunState::Running ? m_stepsPerSecond : 0.0;
    snapshot->etaSeconds = m_stepsPerSecond > 0 ? (m_trainer->config().steps - step) / m_stepsPerSecond : 0.0;
  }
  snapshot->lossHistory = std::make_shared<const std::vector<LossPoint>>(m_losses);
  snapshot->evaluations = m_evaluations;
  snapshot->attention = m_attention;
  snapshot->positional = m_positions;
  snapshot->verdict = m_verdict;
  m_sincePublish.start();
  emit snapshotReady(std::move(snapshot));
}

}  // namespace lengthlab
