#include "demo_script.h"

#include "main_window.h"

#include <QDir>
#include <QFileInfo>
#include <QTextStream>
#include <QTimer>

namespace lengthlab {

DemoScript::DemoScript(MainWindow& window, DemoPlan plan, QObject* parent)
    : QObject(parent), m_window(window), m_plan(std::move(plan)) {
  connect(&m_window, &MainWindow::snapshotShown, this, &DemoScript::follow);
}

void DemoScript::begin() {
  if (!m_plan.autostart) return;
  if (!m_window.startTraining() && m_plan.quit) emit finished(2);
}

void DemoScript::follow(std::shared_ptr<const TrainingSnapshot> snapshot) {
  if (m_done || !snapshot->experiment) return;
  const bool active = snapshot->state == RunState::Running || snapshot->state == RunState::Paused;
  if (active && m_plan.stopAfterSteps > 0 && snapshot->step >= m_plan.stopAfterSteps && !m_stopSent) {
    m_stopSent = true;
    // The picture is of the window during training, as a class sees it; exports come at the end.
    takeScreenshot();
    m_window.controller()->stop();
    return;
  }
  if (snapshot->state == RunState::Finished || snapshot->state == RunState::Failed) {
    m_done = true;
    // Let the views lay out and replot the final snapshot before anything is grabbed.
    const bool failed = snapshot->state == RunState::Failed;
    QTimer::singleShot(300, this, [this, failed] { wrapUp(failed); });
  }
}

void DemoScript::wrapUp(bool runFailed) {
  int exitCode = runFailed ? 1 : 0;
  QTextStream err(stderr);
  if (!m_plan.exportFolder.isEmpty()) {
    const QStringList problems = m_window.exportFigures(m_plan.exportFolder);
    for (const QString& problem : problems) err << "lengthlab: export: " << problem << '\n';
    if (!problems.isEmpty()) exitCode = 1;
  }
  if (!m_screenshotTaken && !takeScreenshot()) exitCode = 1;
  if (m_plan.quit) emit finished(exitCode);
}

bool DemoScript::takeScreenshot() {
  if (m_plan.screenshotPath.isEmpty()) return true;
  m_screenshotTaken = true;
  QDir().mkpath(QFileInfo(m_plan.screenshotPath).absolutePath());
  if (m_window.grab().save(m_plan.screenshotPath)) return true;
  QTextStream(stderr) << "lengthlab: cannot write the screenshot " << m_plan.screenshotPath << '\n';
  return false;
}

}  // namespace lengthlab
