// LengthLab's window. It wires the parts together and does nothing else: the experiment panel
// (left), the five views as dock panels, the transport bar and the status line, menus for export
// and layout. Training runs in TrainingController's thread; the window only shows snapshots.
#pragma once

#include "figure_view.h"
#include "training_controller.h"

#include <QList>
#include <QMainWindow>

class QLabel;

namespace lengthlab {

class AccuracyLengthView;
class AttentionView;
class ExperimentPanel;
class PositionalView;
class TaskTheoryView;
class TrainingCurvesView;
class TransportBar;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  ExperimentPanel* experimentPanel() const { return m_panel; }
  TrainingController* controller() const { return m_controller; }
  TransportBar* transportBar() const { return m_transport; }
  const QList<FigureView*>& views() const { return m_views; }

  // Starts a run with the panel's settings; false (after showing why) when they are invalid.
  bool startTraining();
  // Writes every view as PNG, SVG and PDF, and its data as CSV, into folder; returns the
  // problems (empty on success).
  QStringList exportFigures(const QString& folder);
  // Brings the panel of the view with this figure name (as in the export folder, e.g.
  // "training-curves") to the front of its tab group; false when no view has that name.
  bool bringToFront(const QString& figureName);

 signals:
  // After the window drew a snapshot (the scripted demo and tests follow the run through it).
  void snapshotShown(std::shared_ptr<const lengthlab::TrainingSnapshot> snapshot);

 private:
  void buildDocks();
  void buildMenus();
  void buildStatusBar();
  void connectControls();
  void showSnapshot(std::shared_ptr<const TrainingSnapshot> snapshot);
  void updateStatus(const TrainingSnapshot& snapshot);
  void exportFiguresInteractively();
  void showAbout();
  void showEvent(QShowEvent* event) override;
  void arrangeDocks();

  TrainingController* m_controller = nullptr;
  ExperimentPanel* m_panel = nullptr;
  TransportBar* m_transport = nullptr;
  AccuracyLengthView* m_accuracy = nullptr;
  TrainingCurvesView* m_curves = nullptr;
  AttentionView* m_attention = nullptr;
  PositionalView* m_positional = nullptr;
  TaskTheoryView* m_theory = nullptr;
  QList<FigureView*> m_views;
  QLabel* m_stateLabel = nullptr;
  QLabel* m_progressLabel = nullptr;
  QLabel* m_lossLabel = nullptr;
  QLabel* m_rateLabel = nullptr;
  bool m_docksArranged = false;
};

}  // namespace lengthlab
