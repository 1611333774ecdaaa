// The GUI thread's handle on training: owns the worker thread, forwards commands to it as queued
// calls, and hands the newest snapshot to the window at most every 40 ms (older ones that piled
// up while the GUI was busy are dropped, never queued). The destructor stops and joins the
// thread, so closing the window mid-step ends cleanly.
#pragma once

#include "training_worker.h"

#include <QObject>
#include <QThread>
#include <QTimer>

#include <memory>

namespace lengthlab {

class TrainingController : public QObject {
  Q_OBJECT

 public:
  explicit TrainingController(QObject* parent = nullptr);
  ~TrainingController() override;

  void start(const TrainingConfig& config);
  void pause();
  void resume();
  void step(int count);
  void stop();
  void reset();
  void setSpeedLimit(double stepsPerSecond);
  void setProbeLength(int length);
  void newProbeExample();

  // The newest snapshot delivered so far (never null: an idle one before any run).
  std::shared_ptr<const TrainingSnapshot> latest() const { return m_latest; }
  bool workerThreadRunning() const { return m_thread.isRunning(); }

 signals:
  void snapshotChanged(std::shared_ptr<const lengthlab::TrainingSnapshot> snapshot);
  void runFailed(const QString& message);

 private:
  void receive(std::shared_ptr<const TrainingSnapshot> snapshot);
  void deliver();
  template <typename Command>
  void send(Command command);

  QThread m_thread;
  TrainingWorker* m_worker = nullptr;  // lives in m_thread; deleted there when it finishes
  std::shared_ptr<const TrainingSnapshot> m_latest;
  std::shared_ptr<const TrainingSnapshot> m_pending;
  QTimer m_deliveryTimer;
};

}  // namespace lengthlab
