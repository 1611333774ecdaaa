// Training curves: how a run got where it is. Two axis rects stacked in one plot and sharing the
// step axis: on top the training loss on a logarithmic axis, below the exact-match accuracy of each
// test bin at every evaluation (one coloured line with markers per bin) over the dashed chance
// level. The step axis spans the run's step limit from the start, so curves grow to the right
// instead of the axis jumping. It does not show accuracy per length (AccuracyLengthView) or the
// regulariser.
//
// Conventions, relied on by tests and by the CSV export:
// - loss values that a log axis cannot show (<= 0, NaN, Inf) are left out of the graph;
// - saveData writes step,loss,acc_<lo>-<hi>,... with one row per step that has a loss point or an
//   evaluation (ascending); accuracy in percent; a cell is empty where the step has no such value
//   (and a non-finite loss is written as an empty cell).
#pragma once

#include "figure_view.h"

#include <QVector>

class QCPAxisRect;
class QCPGraph;
class QCPItemText;
class QCPTextElement;

namespace lengthlab {

class TrainingCurvesView : public PlotFigureView {
  Q_OBJECT

 public:
  explicit TrainingCurvesView(QWidget* parent = nullptr);

  QString figureName() const override { return QStringLiteral("training-curves"); }
  QString figureTitle() const override { return tr("Training curves"); }

  void showSnapshot(const TrainingSnapshot& snapshot) override;
  void clear() override;
  bool saveData(const QString& path) override;

  // The plot's parts, for tests.
  QCPAxisRect* lossRect() const { return m_lossRect; }
  QCPAxisRect* accuracyRect() const { return m_accuracyRect; }
  QCPGraph* lossGraph() const { return m_lossGraph; }
  int binGraphCount() const { return static_cast<int>(m_binGraphs.size()); }
  QCPGraph* binGraph(int bin) const { return m_binGraphs.at(bin); }
  QCPGraph* chanceGraph() const { return m_chance; }
  QCPItemText* hintItem() const { return m_hint; }
  QCPTextElement* titleElement() const { return m_title; }

 private:
  void buildPlot();
  void buildLegendRow();
  void showExperiment(const ExperimentSummary* experiment);
  void showLoss(const std::vector<LossPoint>& history);
  void showEvaluations(const std::vector<EvaluationPoint>& evaluations);
  void updateStepRange();
  void fitToSize();
  bool fitOnce();
  QString binName(int bin) const;

  QCPTextElement* m_title = nullptr;
  QStringList m_titles;  // most detailed first: the first that fits is shown
  QCPTextElement* m_legendCaption = nullptr;
  QCPAxisRect* m_lossRect = nullptr;
  QCPAxisRect* m_accuracyRect = nullptr;
  QCPGraph* m_lossGraph = nullptr;
  QVector<QCPGraph*> m_binGraphs;  // one per test bin of the current experiment
  QCPGraph* m_chance = nullptr;    // the random baseline across all steps
  QCPItemText* m_hint = nullptr;

  // What is on the plot, compared by pointer so that an unchanged part is not redrawn.
  std::shared_ptr<const ExperimentSummary> m_experiment;
  std::shared_ptr<const std::vector<LossPoint>> m_loss;
  std::shared_ptr<const std::vector<EvaluationPoint>> m_evaluations;
};

}  // namespace lengthlab
