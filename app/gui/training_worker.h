// The training thread's side of the app. The worker owns the Trainer (and so the model); it
// trains in short slices driven by a zero-delay timer, so that commands (pause, step, stop,
// probe changes) queued from the GUI are handled between slices, and it publishes immutable
// TrainingSnapshots at most every 100 ms. Nothing here is ever touched by another thread, except
// the abort flag, an atomic the GUI may raise to cut a slice or an evaluation short.
#pragma once

#include "snapshot_builder.h"
#include "trainer.h"
#include "training_snapshot.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <atomic>
#include <memory>

namespace lengthlab {

class TrainingWorker : public QObject {
  Q_OBJECT

 public:
  explicit TrainingWorker(QObject* parent = nullptr);
  ~TrainingWorker() override;

  // Thread-safe: makes the running slice or evaluation return as soon as possible.
  void requestAbort() { m_abort.store(true); }

 public slots:
  void start(const lengthlab::TrainingConfig& config);
  void pause();
  void resume();
  void stepBy(int count);                 // count steps, then pause
  void stop();                            // final evaluation, then Finished
  void reset();                           // forget the run
  void setSpeedLimit(double stepsPerSecond);  // 0: flat out
  void setProbeLength(int length);
  void newProbeExample();

 signals:
  void snapshotReady(std::shared_ptr<const lengthlab::TrainingSnapshot> snapshot);
  void runFailed(const QString& message);

 private:
  void runSlice();
  void scheduleSlice(int delayMs);
  void recordStep(const StepReport& report);
  void recordEvaluation(const EvaluationResult& result);
  void refreshProbe();
  void refreshPositions();
  void finish(const QString& why);
  void fail(const QString& message);
  void publish(bool force);
  int clampProbeLength(int length) const;

  std::unique_ptr<Trainer> m_trainer;
  Workspace m_probeWorkspace;
  Rng m_probeRng{0};
  int m_probeLength = 0;
  Example m_probeExample;

  RunState m_state = RunState::Idle;
  QString m_stateText;
  int m_stepsLeftToPause = 0;  // > 0 while executing a Step command
  double m_speedLimit = 0.0;
  std::atomic<bool> m_abort{false};
  QTimer m_sliceTimer;

  // The parts of the snapshot, replaced (never modified) when they change.
  std::shared_ptr<const ExperimentSummary> m_experiment;
  std::vector<LossPoint> m_losses;  // thinned: pairs merge when it passes kMaxLossPoints
  long m_lossStride = 1;            // steps per stored point
  double m_lossAccumulator = 0.0;
  long m_lossCount = 0;
  std::shared_ptr<const std::vector<EvaluationPoint>> m_evaluations;
  std::shared_ptr<const AttentionProbe> m_attention;
  std::shared_ptr<const PositionalPicture> m_positions;
  std::optional<Verdict> m_verdict;
  StepReport m_lastStep;

  QElapsedTimer m_sincePublish, m_sinceProbe, m_sincePositions, m_rateClock;
  long m_rateStartStep = 0;
  double m_stepsPerSecond = 0.0;
  bool m_dirty = false;
};

}  // namespace lengthlab

Q_DECLARE_METATYPE(lengthlab::TrainingConfig)
Q_DECLARE_METATYPE(std::shared_ptr<const lengthlab::TrainingSnapshot>)
