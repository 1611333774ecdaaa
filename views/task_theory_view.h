// The "Task and theory" view: what the task is, a live example, where the task sits in C-RASP,
// what the theory predicts for the chosen positional variant and, once the run has been evaluated
// beyond its training lengths, whether it generalized and whether that agrees with the theory
// (PAPER.md sections 3 and 6). Text, not a plot: rich text in a QTextBrowser; the figure export
// lays the same HTML out again on the target device (PNG, SVG or PDF).
// Left out: anything that changes at every step (loss, accuracy curves): other views show those,
// and this one only re-lays its text when the experiment or the verdict changes.
#pragma once

#include "figure_view.h"

#include <memory>
#include <optional>

class QLabel;
class QPaintDevice;
class QStackedWidget;
class QTextBrowser;

namespace lengthlab {

class TaskTheoryView : public FigureView {
  Q_OBJECT

 public:
  explicit TaskTheoryView(QWidget* parent = nullptr);

  QString figureName() const override { return QStringLiteral("task-and-theory"); }
  QString figureTitle() const override { return tr("Task and theory"); }

  void showSnapshot(const TrainingSnapshot& snapshot) override;
  void clear() override;

  // The text laid out at the requested logical width; shrunk as a whole when it would not fit
  // the height, so that nothing is cut off.
  bool saveFigure(const QString& path, FigureFormat format, const FigureSize& size) override;
  // field,value rows: the task, the positional variant, the prediction and the verdict.
  bool saveData(const QString& path) override;

  // What the view shows, as plain text (for tests and screen readers); the empty-state message
  // when there is no experiment.
  QString text() const;
  // How many times the text was rebuilt: stays put while only the step advances.
  int rebuildCount() const { return m_rebuilds; }

 private:
  void rebuild();
  bool paintFigure(QPaintDevice& device, const QSize& logical) const;
  void showContextMenu(const QPoint& position);
  void exportInteractively(FigureFormat format);
  void exportDataInteractively();

  QStackedWidget* m_pages = nullptr;
  QLabel* m_emptyLabel = nullptr;
  QTextBrowser* m_browser = nullptr;
  std::shared_ptr<const ExperimentSummary> m_experiment;
  std::optional<Verdict> m_verdict;
  int m_rebuilds = 0;
};

}  // namespace lengthlab
