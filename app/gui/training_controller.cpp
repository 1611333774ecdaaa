#include "training_controller.h"

#include "background_priority.h"

namespace lengthlab {

TrainingController::TrainingController(QObject* parent)
    : QObject(parent), m_latest(std::make_shared<const TrainingSnapshot>()) {
  qRegisterMetaType<TrainingConfig>();
  qRegisterMetaType<std::shared_ptr<const TrainingSnapshot>>();
  m_thread.setObjectName("lengthlab-training");
  m_worker = new TrainingWorker;
  m_worker->moveToThread(&m_thread);
  connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
  connect(m_worker, &TrainingWorker::snapshotReady, this, &TrainingController::receive);
  connect(m_worker, &TrainingWorker::runFailed, this, &TrainingController::runFailed);
  m_deliveryTimer.setSingleShot(true);
  m_deliveryTimer.setInterval(40);
  connect(&m_deliveryTimer, &QTimer::timeout, this, &TrainingController::deliver);
  // Runs on the training thread itself, before it starts any OpenMP helper.
  connect(&m_thread, &QThread::started, &m_thread, [] { lowerCurrentThreadPriority(); },
          Qt::DirectConnection);
  m_thread.start();
}

TrainingController::~TrainingController() {
  m_worker->requestAbort();
  m_thread.quit();
  m_thread.wait();
}

template <typename Command>
void TrainingController::send(Command command) {
  QMetaObject::invokeMethod(m_worker, std::move(command), Qt::QueuedConnection);
}

void TrainingController::start(const TrainingConfig& config) {
  m_worker->requestAbort();  // cut short whatever the previous run is doing
  send([worker = m_worker, config] { worker->start(config); });
}

void TrainingController::pause() {
  send([worker = m_worker] { worker->pause(); });
}

void TrainingController::resume() {
  send([worker = m_worker] { worker->resume(); });
}

void TrainingController::step(int count) {
  send([worker = m_worker, count] { worker->stepBy(count); });
}

void TrainingController::stop() {
  m_worker->requestAbort();
  send([worker = m_worker] { worker->stop(); });
}

void TrainingController::reset() {
  m_worker->requestAbort();
  send([worker = m_worker] { worker->reset(); });
}

void TrainingController::setSpeedLimit(double stepsPerSecond) {
  send([worker = m_worker, stepsPerSecond] { worker->setSpeedLimit(stepsPerSecond); });
}

void TrainingController::setProbeLength(int length) {
  send([worker = m_worker, length] { worker->setProbeLength(length); });
}

void TrainingController::newProbeExample() {
  send([worker = m_worker] { worker->newProbeExample(); });
}

void TrainingController::receive(std::shared_ptr<const TrainingSnapshot> snapshot) {
  // State changes go out at once; progress snapshots are coalesced.
  const bool stateChanged = snapshot->state != m_latest->state ||
                            (m_pending && snapshot->state != m_pending->state);
  m_pending = std::move(snapshot);
  if (stateChanged) {
    m_deliveryTimer.stop();
    deliver();
  } else if (!m_deliveryTimer.isActive()) {
    m_deliveryTimer.start();
  }
}

void TrainingController::deliver() {
  if (!m_pending) return;
  m_latest = std::move(m_pending);
  m_pending.reset();
  emit snapshotChanged(m_latest);
}

}  // namespace lengthlab
