#include "main_window.h"

#include "accuracy_length_view.h"
#include "attention_view.h"
#include "experiment_panel.h"
#include "positional_view.h"
#include "task_theory_view.h"
#include "training_curves_view.h"
#include "transport_bar.h"

#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>

#include <algorithm>

namespace lengthlab {
namespace {

QString duration(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  if (s < 60) return QString("%1 s").arg(s);
  if (s < 3600) return QString("%1 min %2 s").arg(s / 60).arg(s % 60);
  return QString("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
}

QDockWidget* dockFor(QMainWindow* window, QWidget* content, const QString& title, const QString& name) {
  auto* dock = new QDockWidget(title, window);
  dock->setObjectName(name);  // lets QMainWindow::saveState remember the layout
  dock->setWidget(content);
  dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable |
                    QDockWidget::DockWidgetClosable);
  return dock;
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent), m_controller(new TrainingController(this)) {
  setWindowTitle(tr("LengthLab"));
  setDockNestingEnabled(true);
  m_panel = new ExperimentPanel(this);
  m_transport = new TransportBar(this);
  addToolBar(Qt::BottomToolBarArea, m_transport);
  buildDocks();
  buildMenus();
  buildStatusBar();
  connectControls();
  showSnapshot(m_controller->latest());
}

MainWindow::~MainWindow() = default;

void MainWindow::buildDocks() {
  m_accuracy = new AccuracyLengthView(this);
  m_curves = new TrainingCurvesView(this);
  m_attention = new AttentionView(this);
  m_positional = new PositionalView(this);
  m_theory = new TaskTheoryView(this);
  m_views = {m_accuracy, m_curves, m_attention, m_positional, m_theory};

  auto* panelDock = dockFor(this, m_panel, tr("Experiment"), "experiment");
  panelDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
  panelDock->setMinimumWidth(300);
  addDockWidget(Qt::LeftDockWidgetArea, panelDock);
  // Top row: accuracy against length (the headline) beside the theory's prediction and verdict,
  // with the training curves a tab behind them; bottom row: attention and positional encodings.
  // Five plots side by side are not legible on a projector; every panel can be moved, floated
  // or brought to the front from the View menu.
  auto* accuracy = dockFor(this, m_accuracy, m_accuracy->figureTitle(), "accuracy");
  auto* theory = dockFor(this, m_theory, m_theory->figureTitle(), "theory");
  auto* curves = dockFor(this, m_curves, m_curves->figureTitle(), "curves");
  auto* attention = dockFor(this, m_attention, m_attention->figureTitle(), "attention");
  auto* positional = dockFor(this, m_positional, m_positional->figureTitle(), "positional");
  addDockWidget(Qt::RightDockWidgetArea, accuracy);
  splitDockWidget(accuracy, attention, Qt::Vertical);
  splitDockWidget(accuracy, theory, Qt::Horizontal);
  tabifyDockWidget(theory, curves);
  theory->raise();
  splitDockWidget(attention, positional, Qt::Horizontal);
  setCentralWidget(nullptr);
}

bool MainWindow::bringToFront(const QString& figureName) {
  for (FigureView* view : m_views) {
    auto* dock = qobject_cast<QDockWidget*>(view->parentWidget());
    if (view->figureName() != figureName || !dock) continue;
    dock->show();
    dock->raise();
    return true;
  }
  return false;
}

void MainWindow::showEvent(QShowEvent* event) {
  QMainWindow::showEvent(event);
  if (m_docksArranged) return;
  m_docksArranged = true;
  arrangeDocks();
}

void MainWindow::arrangeDocks() {
  // Proportions, applied once the window has its real size: the panel keeps a readable width,
  // accuracy against length and attention get the larger share of their rows.
  const auto dock = [this](const char* name) { return findChild<QDockWidget*>(name); };
  const int panel = std::clamp(width() / 4, 300, 380);
  const int views = std::max(600, width() - panel);
  resizeDocks({dock("experiment")}, {panel}, Qt::Horizontal);
  resizeDocks({dock("accuracy"), dock("theory")}, {views * 57 / 100, views * 43 / 100}, Qt::Horizontal);
  resizeDocks({dock("attention"), dock("positional")}, {views * 52 / 100, views * 48 / 100}, Qt::Horizontal);
  resizeDocks({dock("accuracy"), dock("attention")}, {height() * 45 / 100, height() * 55 / 100}, Qt::Vertical);
}

void MainWindow::buildMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  file->addAction(tr("&Export figures…"), QKeySequence(Qt::CTRL | Qt::Key_E), this,
                  &MainWindow::exportFiguresInteractively);
  file->addSeparator();
  file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
  QMenu* view = menuBar()->addMenu(tr("&View"));
  for (QDockWidget* dock : findChildren<QDockWidget*>()) view->addAction(dock->toggleViewAction());
  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&About LengthLab"), this, &MainWindow::showAbout);
}

void MainWindow::buildStatusBar() {
  m_stateLabel = new QLabel(this);
  m_progressLabel = new QLabel(this);
  m_lossLabel = new QLabel(this);
  m_rateLabel = new QLabel(this);
  statusBar()->addWidget(m_stateLabel, 1);
  for (QLabel* label : {m_progressLabel, m_lossLabel, m_rateLabel}) statusBar()->addPermanentWidget(label);
}

void MainWindow::connectControls() {
  connect(m_controller, &TrainingController::snapshotChanged, this, &MainWindow::showSnapshot);
  connect(m_controller, &TrainingController::runFailed, this, [this](const QString& message) {
    QMessageBox::warning(this, tr("Training failed"), message);
  });
  connect(m_transport, &TransportBar::startRequested, this, &MainWindow::startTraining);
  connect(m_transport, &TransportBar::pauseRequested, m_controller, &TrainingController::pause);
  connect(m_transport, &TransportBar::resumeRequested, m_controller, &TrainingController::resume);
  connect(m_transport, &TransportBar::stepRequested, m_controller, &TrainingController::step);
  connect(m_transport, &TransportBar::stopRequested, m_controller, &TrainingController::stop);
  connect(m_transport, &TransportBar::resetRequested, this, [this] {
    m_controller->reset();
    for (FigureView* view : m_views) view->clear();
  });
  connect(m_transport, &TransportBar::speedLimitChanged, m_controller, &TrainingController::setSpeedLimit);
  connect(m_attention, &AttentionView::probeLengthChanged, m_controller, &TrainingController::setProbeLength);
  connect(m_attention, &AttentionView::newExampleRequested, m_controller, &TrainingController::newProbeExample);
}

bool MainWindow::startTraining() {
  const auto config = m_panel->config();
  if (const auto* problems = std::get_if<QStringList>(&config)) {
    QMessageBox::warning(this, tr("Cannot start"),
                         tr("Please fix these settings first:\n• %1").arg(problems->join("\n• ")));
    return false;
  }
  for (FigureView* view : m_views) view->clear();
  m_controller->setSpeedLimit(m_transport->speedLimit());
  m_controller->start(std::get<TrainingConfig>(config));
  return true;
}

void MainWindow::showSnapshot(std::shared_ptr<const TrainingSnapshot> snapshot) {
  for (FigureView* view : m_views) view->showSnapshot(*snapshot);
  m_transport->setRunState(snapshot->state);
  m_panel->setLocked(snapshot->state == RunState::Running || snapshot->state == RunState::Paused);
  updateStatus(*snapshot);
  emit snapshotShown(snapshot);
}

void MainWindow::updateStatus(const TrainingSnapshot& s) {
  if (!s.experiment) {
    m_stateLabel->setText(tr("Choose a task and press Start."));
    for (QLabel* label : {m_progressLabel, m_lossLabel, m_rateLabel}) label->clear();
    return;
  }
  m_stateLabel->setText(tr("%1 (%2): %3").arg(s.experiment->taskName, s.experiment->positional.toUpper(), s.stateText));
  m_progressLabel->setText(tr("step %1 / %2").arg(s.step).arg(s.experiment->maxSteps));
  m_lossLabel->setText(tr("loss %1").arg(s.loss, 0, 'f', 4));
  if (s.state == RunState::Running && s.stepsPerSecond > 0) {
    m_rateLabel->setText(tr("%1 steps/s, at most %2 left").arg(s.stepsPerSecond, 0, 'f', 1).arg(duration(s.etaSeconds)));
  } else {
    m_rateLabel->clear();
  }
}

QStringList MainWindow::exportFigures(const QString& folder) {
  QStringList problems;
  if (!QDir().mkpath(folder)) return {tr("cannot create the folder %1").arg(folder)};
  const QDir dir(folder);
  FigureSize size;
  size.dpi = 192;  // sharp on slides
  for (FigureView* view : m_views) {
    for (FigureFormat format : {FigureFormat::Png, FigureFormat::Svg, FigureFormat::Pdf}) {
      const QString path = dir.filePath(view->figureName() + "." + figureExtension(format));
      if (!view->saveFigure(path, format, size)) problems << view->lastError();
    }
    if (!view->saveData(dir.filePath(view->figureName() + ".csv"))) problems << view->lastError();
  }
  return problems;
}

void MainWindow::exportFiguresInteractively() {
  const QString folder = QFileDialog::getExistingDirectory(this, tr("Export every figure to"));
  if (folder.isEmpty()) return;
  const QStringList problems = exportFigures(folder);
  if (problems.isEmpty()) {
    statusBar()->showMessage(tr("Figures written to %1").arg(folder), 5000);
  } else {
    QMessageBox::warning(this, tr("Export incomplete"), problems.join('\n'));
  }
}

void MainWindow::showAbout() {
  QMessageBox::about(this, tr("About LengthLab"),
                     tr("<h3>LengthLab %1</h3><p>A laboratory for length generalization in transformers: "
                        "train a small transformer live and compare its accuracy beyond the training "
                        "lengths with the theory of Huang et al., <i>A Formal Framework for Understanding "
                        "Length Generalization in Transformers</i> (ICLR 2025).</p>"
                        "<p>Free software under the GNU GPL, version 3 or later. Plots by QCustomPlot.</p>")
                         .arg(QApplication::applicationVersion()));
}

}  // namespace lengthlab
