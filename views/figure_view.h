// The common shape of LengthLab's views: a widget that draws a TrainingSnapshot and can write
// itself out as a figure (PNG at a chosen size and resolution, SVG, PDF) and its data as CSV.
// PlotFigureView does all of that for a view built on one QCustomPlot, including the plot's
// context menu; a view only says how to draw a snapshot and which data to write.
#pragma once

#include "training_snapshot.h"

#include <QSize>
#include <QString>
#include <QWidget>

class QCustomPlot;
class QMenu;

namespace lengthlab {

enum class FigureFormat { Png, Svg, Pdf };

// File extension without the dot: "png", "svg", "pdf".
QString figureExtension(FigureFormat format);

struct FigureSize {
  QSize logical{1600, 1000};  // layout size in pixels: fonts keep their size, more room for data
  int dpi = 96;               // PNG only: 192 doubles every pixel for crisp slides
};

class FigureView : public QWidget {
  Q_OBJECT

 public:
  using QWidget::QWidget;

  // "accuracy-vs-length": the file stem used by File > Export figures.
  virtual QString figureName() const = 0;
  // "Accuracy against length": the title shown on the view and in the figure.
  virtual QString figureTitle() const = 0;

  virtual void showSnapshot(const TrainingSnapshot& snapshot) = 0;
  // Back to the empty state of a new experiment.
  virtual void clear() = 0;

  // Writes the figure; false (and a reason in lastError()) when the file cannot be written.
  virtual bool saveFigure(const QString& path, FigureFormat format, const FigureSize& size) = 0;
  // Writes the plotted data as CSV with a header row; false when it cannot be written.
  virtual bool saveData(const QString& path) = 0;

  QString lastError() const { return m_lastError; }

 protected:
  void setLastError(const QString& error) { m_lastError = error; }
  // Writes a data export atomically (QSaveFile: no half-written file is left behind); false, with
  // the reason in lastError(), when it cannot.
  bool writeData(const QString& path, const QByteArray& content);

 private:
  QString m_lastError;
};

// A view drawn on one QCustomPlot (with as many axis rects as it needs).
class PlotFigureView : public FigureView {
  Q_OBJECT

 public:
  explicit PlotFigureView(QWidget* parent = nullptr);

  QCustomPlot* plot() const { return m_plot; }
  bool saveFigure(const QString& path, FigureFormat format, const FigureSize& size) override;

 protected:
  // Replots on the next event-loop pass, merging several requests into one repaint.
  void requestReplot();
  // Views may add entries to the plot's context menu (after the export entries).
  virtual void extendContextMenu(QMenu& menu, const QPoint& position);
  // Puts a row of controls (probe length, layer picker, ...) above the plot.
  void addControls(QWidget* controls);

 private:
  void showContextMenu(const QPoint& position);
  void exportInteractively(FigureFormat format);
  void exportDataInteractively();

  QCustomPlot* m_plot = nullptr;
};

// Writes any QCustomPlot as a figure; shared by PlotFigureView and tests.
bool savePlot(QCustomPlot& plot, const QString& path, FigureFormat format, const FigureSize& size,
              QString* error);

}  // namespace lengthlab
