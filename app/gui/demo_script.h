// The scripted demo: command-line flags that drive the window the way a teacher preparing slides
// (or a test) would: start at once, stop after N steps, export every figure, take a screenshot,
// quit. It only watches the window's snapshots and presses the same buttons a user would.
#pragma once

#include "training_snapshot.h"

#include <QObject>
#include <QSize>
#include <QString>

#include <memory>

namespace lengthlab {

class MainWindow;

struct DemoPlan {
  bool autostart = false;
  long stopAfterSteps = 0;   // 0: let the run end by itself
  QString exportFolder;      // empty: no export
  QString screenshotPath;    // empty: none; taken at the stop step (during training) or at the end
  bool quit = false;         // quit once the run ended and the exports are written
};

class DemoScript : public QObject {
  Q_OBJECT

 public:
  DemoScript(MainWindow& window, DemoPlan plan, QObject* parent = nullptr);

  // Starts the run when the plan says so; call once the window is shown.
  void begin();

 signals:
  // The demo is over; exitCode 0 when every export worked.
  void finished(int exitCode);

 private:
  void follow(std::shared_ptr<const TrainingSnapshot> snapshot);
  void wrapUp(bool runFailed);
  bool takeScreenshot();

  MainWindow& m_window;
  DemoPlan m_plan;
  bool m_stopSent = false;
  bool m_done = false;
  bool m_screenshotTaken = false;
};

}  // namespace lengthlab
