#include "transport_bar.h"

#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QSpinBox>
#include <QStyle>

namespace lengthlab {

TransportBar::TransportBar(QWidget* parent) : QToolBar(tr("Training controls"), parent) {
  setObjectName("transport");
  setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  setMovable(false);
  m_start = addAction(style()->standardIcon(QStyle::SP_MediaPlay), tr("Start"));
  m_start->setShortcut(Qt::CTRL | Qt::Key_Return);
  m_start->setToolTip(tr("Train a new model with the settings on the left (Ctrl+Enter)"));
  m_pause = addAction(style()->standardIcon(QStyle::SP_MediaPause), tr("Pause"));
  m_pause->setShortcut(Qt::Key_Space);
  m_step = addAction(style()->standardIcon(QStyle::SP_MediaSeekForward), tr("Step"));
  m_step->setToolTip(tr("Train this many steps, then pause"));
  m_stepCount = new QSpinBox(this);
  m_stepCount->setRange(1, 100000);
  m_stepCount->setValue(1);
  m_stepCount->setToolTip(tr("Steps taken by Step"));
  addWidget(m_stepCount);
  m_stop = addAction(style()->standardIcon(QStyle::SP_MediaStop), tr("Stop"));
  m_stop->setToolTip(tr("End the run: evaluate once more and keep the results"));
  m_reset = addAction(style()->standardIcon(QStyle::SP_BrowserReload), tr("Reset"));
  m_reset->setToolTip(tr("Forget the run and clear the views"));
  addSeparator();
  addWidget(new QLabel(tr(" Speed: "), this));
  m_speed = new QComboBox(this);
  m_speed->setToolTip(tr("Slow training down to follow it step by step in class"));
  m_speed->addItem(tr("flat out"), 0.0);
  for (double rate : {100.0, 30.0, 10.0, 3.0, 1.0}) {
    m_speed->addItem(tr("%1 steps/s").arg(rate), rate);
  }
  addWidget(m_speed);

  connect(m_start, &QAction::triggered, this, &TransportBar::startRequested);
  connect(m_pause, &QAction::triggered, this, [this] {
    if (m_state == RunState::Paused) {
      emit resumeRequested();
    } else {
      emit pauseRequested();
    }
  });
  connect(m_step, &QAction::triggered, this, [this] { emit stepRequested(m_stepCount->value()); });
  connect(m_stop, &QAction::triggered, this, &TransportBar::stopRequested);
  connect(m_reset, &QAction::triggered, this, &TransportBar::resetRequested);
  connect(m_speed, &QComboBox::currentIndexChanged, this, [this] { emit speedLimitChanged(speedLimit()); });
  setRunState(RunState::Idle);
}

double TransportBar::speedLimit() const { return m_speed->currentData().toDouble(); }

void TransportBar::setRunState(RunState state) {
  m_state = state;
  const bool active = state == RunState::Running || state == RunState::Paused;
  m_start->setEnabled(!active);
  m_pause->setEnabled(active);
  m_pause->setText(state == RunState::Paused ? tr("Resume") : tr("Pause"));
  m_pause->setIcon(style()->standardIcon(state == RunState::Paused ? QStyle::SP_MediaPlay : QStyle::SP_MediaPause));
  m_step->setEnabled(state == RunState::Paused);
  m_stepCount->setEnabled(state == RunState::Paused);
  m_stop->setEnabled(active);
  m_reset->setEnabled(state != RunState::Idle);
}

}  // namespace lengthlab
