// The transport controls under the views: Start, Pause/Resume, Step (by N), Stop, Reset and the
// class-speed cap. It only reports clicks and shows which controls make sense in each run state.
#pragma once

#include "training_snapshot.h"

#include <QToolBar>

class QAction;
class QComboBox;
class QSpinBox;

namespace lengthlab {

class TransportBar : public QToolBar {
  Q_OBJECT

 public:
  explicit TransportBar(QWidget* parent = nullptr);

  void setRunState(RunState state);
  // Steps per second of the cap chosen in the speed box, 0 for "flat out".
  double speedLimit() const;

  QAction* startAction() const { return m_start; }
  QAction* pauseAction() const { return m_pause; }
  QAction* stepAction() const { return m_step; }
  QAction* stopAction() const { return m_stop; }
  QAction* resetAction() const { return m_reset; }

 signals:
  void startRequested();
  void pauseRequested();
  void resumeRequested();
  void stepRequested(int count);
  void stopRequested();
  void resetRequested();
  void speedLimitChanged(double stepsPerSecond);

 private:
  QAction* m_start = nullptr;
  QAction* m_pause = nullptr;
  QAction* m_step = nullptr;
  QAction* m_stop = nullptr;
  QAction* m_reset = nullptr;
  QSpinBox* m_stepCount = nullptr;
  QComboBox* m_speed = nullptr;
  RunState m_state = RunState::Idle;
};

}  // namespace lengthlab
