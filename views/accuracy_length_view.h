// Accuracy against length: the central picture of LengthLab. For every input length n of the test
// bins, the exact-match accuracy of the newest evaluation (bold) over a few earlier ones (thin,
// fading), with the trained lengths shaded, the chance level dashed and the paper's bin averages
// for this task and positional variant as reference segments. The y axis is fixed at 0..100 % so
// the picture never jumps while training. It does not show loss or steps (TrainingCurvesView does).
//
// Conventions, relied on by tests and by the CSV export:
// - lengths are integers, so the trained band is drawn from train.lo - 0.5 to train.hi + 0.5: it
//   covers exactly the points of the trained lengths, and the x range is [0.5, maxTestLength + 0.5];
// - a paper segment of bin [lo, hi] runs from lo to hi at the paper's percentage (one-unit gaps
//   between bins keep them apart);
// - saveData writes one row per length 1..maxTestLength:
//   length,trained,chance,paper,step_<s1>,step_<s2>,... (trained 1/0; the rest in percent; a cell
//   is empty where there is no value), the step columns oldest first, the newest last.
#pragma once

#include "figure_view.h"

#include <QVector>

#include <array>

class QCPGraph;
class QCPItemText;
class QCPTextElement;

namespace lengthlab {

class AccuracyLengthView : public PlotFigureView {
  Q_OBJECT

 public:
  // The newest evaluation and at most this many earlier ones are drawn.
  static constexpr int kEarlierShown = 5;

  explicit AccuracyLengthView(QWidget* parent = nullptr);

  QString figureName() const override { return QStringLiteral("accuracy-vs-length"); }
  QString figureTitle() const override { return tr("Accuracy against length"); }

  void showSnapshot(const TrainingSnapshot& snapshot) override;
  void clear() override;
  bool saveData(const QString& path) override;

  // The plot's parts, for tests and for the app's status texts.
  QCPGraph* newestGraph() const { return m_newest; }
  // age 1 is the evaluation just before the newest, up to kEarlierShown.
  QCPGraph* earlierGraph(int age) const { return m_earlier.at(static_cast<std::size_t>(age - 1)); }
  QCPGraph* trainRangeGraph() const { return m_trainBand; }
  QCPGraph* chanceGraph() const { return m_chance; }
  QCPGraph* paperGraph() const { return m_paper; }
  QCPItemText* hintItem() const { return m_hint; }
  QCPTextElement* titleElement() const { return m_title; }
  // The steps of the evaluations on the plot, oldest first (the last one is the bold graph).
  QVector<long> plottedSteps() const;

 private:
  void buildPlot();
  void showExperiment(const ExperimentSummary* experiment);  // null: no experiment yet
  void showEvaluations(const std::vector<EvaluationPoint>& evaluations);
  void showBinMeans(const EvaluationPoint& newest);
  void rebuildLegend();
  void fitToSize();
  bool fitOnce();

  QCPTextElement* m_title = nullptr;
  QStringList m_titles;  // most detailed first: the first that fits is shown
  QCPGraph* m_trainBand = nullptr;
  QCPGraph* m_chance = nullptr;
  QCPGraph* m_paper = nullptr;
  std::array<QCPGraph*, kEarlierShown> m_earlier{};
  QCPGraph* m_newest = nullptr;
  QCPItemText* m_hint = nullptr;
  QVector<QCPItemText*> m_binMeans;  // one per test bin, reused

  // What is on the plot, compared by pointer so that an unchanged part is not redrawn.
  std::shared_ptr<const ExperimentSummary> m_experiment;
  std::shared_ptr<const std::vector<EvaluationPoint>> m_evaluations;
  // The evaluations on the plot, oldest first; shared with the snapshot, never copied.
  std::vector<const EvaluationPoint*> m_plotted;
};

}  // namespace lengthlab
