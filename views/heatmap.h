// Pieces shared by the views that draw matrices as heatmaps (attention, positional products,
// cosine similarity): the panel look, filling a QCPColorMap from a row-major matrix (rows =
// queries on a reversed value axis, so row 0 is on top), position/token tick labels that thin
// themselves out, dashed boundary lines, a one-message plot for empty states, and CSV writing.
// What each view plots, and how it lays its panels out, stays in the view.
#pragma once

#include <QColor>
#include <QStringList>

#include <qcustomplot.h>

#include <algorithm>
#include <vector>

namespace lengthlab::heatmap {

// Tick labels at integer positions 0, step, 2*step, ...: "3:<sep>" when labels are set, else "3".
// One ticker may be shared by every axis that shows the same positions.
class IndexTicker : public QCPAxisTicker {
 public:
  void setLabels(const QStringList& labels) { m_labels = labels; }
  const QStringList& labels() const { return m_labels; }
  // The label at an integer position: "3:<sep>", or "3" without labels.
  QString labelAt(int index) const;
  void setStep(int step) { m_step = std::max(1, step); }
  int step() const { return m_step; }

 protected:
  double getTickStep(const QCPRange&) override { return m_step; }
  int getSubTickCount(double) override { return 0; }
  QString getTickLabel(double tick, const QLocale& locale, QChar formatChar, int precision) override;

 private:
  QStringList m_labels;
  int m_step = 1;
};

// The smallest readable step (1, 2, 5, 10, 20, 25, 50, 100, ...) such that count positions
// spread over `pixels` leave at least `labelPixels` between neighbouring labels.
int labelStep(int count, double pixels, double labelPixels);

// Vertical distance tick labels need so that they never touch (a line of the tick font).
double tickLabelSpacing();

// Thins the labels of count positions on axis (which uses ticker) to a readable step: side by
// side, labels need their width and a gap; one above the other, a line and a gap; and there are
// at most about ten. True when the step changed. Uses the axis rect's current size: call after
// a layout step.
bool fitIndexTicks(const QCPAxis& axis, IndexTicker& ticker, int count);

// Axes of a new QCPAxisRect land on the plot's current layer ("main"), where plottables added
// later paint over them; this puts axes on "axes" and grids on "grid", as for QCustomPlot's own.
void useStandardLayers(QCPAxisRect& rect);
// A framed panel: box on all four sides, no grid, projector fonts, standard layers.
void styleHeatmapRect(QCPAxisRect& rect);
// A colour map on rect's bottom (keys, x) and left (rows, y, reversed: row 0 on top) axes.
QCPColorMap* addColorMap(QCPAxisRect& rect, const QCPColorGradient& gradient);
// A colour scale on the right of a map, with its label in the label font.
QCPColorScale* addColorScale(QCustomPlot& plot, const QCPColorGradient& gradient, const QString& label,
                             const QCPRange& range);

// Fills map with a rows x cols row-major matrix (cell (j, i) = data[i * cols + j]) and fits the
// axes to the cells, so that integer coordinates are cell centres.
void setMatrix(QCPColorMap& map, const float* data, int rows, int cols);

// Fills map with an n x n matrix, pooled into blocks when n > maxCells so that a 2000 x 2000
// table draws as fast as a 500 x 500 one. A block shows its entry of largest magnitude (sign
// kept): a one-cell band or stripe survives pooling, where an average would wash it out.
// With maskUpper, entries above the diagonal (key after query) become NaN (drawn as masked).
// Axes stay in position units. Returns the largest magnitude drawn (0 for an empty matrix).
struct Pooled {
  int block = 1;       // positions per cell along each axis
  double maxAbs = 0.0;
};
Pooled setSquareMatrix(QCPColorMap& map, const float* data, int n, int maxCells, bool maskUpper);

// Colour of train-length boundaries, shared so that captions can match the lines.
QColor boundaryColor();
// A thin dashed line across rect at `coord` of the key axis (Qt::Vertical line) or of the value
// axis (Qt::Horizontal line), clipped to rect.
QCPItemStraightLine* addBoundaryLine(QCustomPlot& plot, QCPAxisRect& rect, Qt::Orientation orientation,
                                     double coord);

// Empties the plot (items, plottables, layout, the given margin groups) for a rebuild.
void resetPlot(QCustomPlot& plot, std::vector<QCPMarginGroup*>& marginGroups);
// Replaces the whole plot by one centred, wrapped message (empty states, NoPE).
void showMessage(QCustomPlot& plot, std::vector<QCPMarginGroup*>& marginGroups, const QString& message);

}  // namespace lengthlab::heatmap
