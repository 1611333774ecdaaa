#include "heatmap_grid.h"

#include "plot_style.h"

#include <algorithm>
#include <cmath>

namespace lengthlab::heatmap {
namespace {

// Stretch factors giving every section the same inner size although their margins differ;
// true when they changed noticeably.
bool equalizeSections(const std::vector<int>& margins, const std::vector<int>& outer, QList<double>& factors,
                      int firstSection) {
  double total = 0, marginSum = 0;
  for (std::size_t k = 0; k < margins.size(); ++k) {
    total += outer[k];
    marginSum += margins[k];
  }
  const double inner = (total - marginSum) / static_cast<double>(margins.size());
  if (inner <= 0) return false;
  bool changed = false;
  for (std::size_t k = 0; k < margins.size(); ++k) {
    const double wanted = (inner + margins[k]) / total;
    double& factor = factors[firstSection + static_cast<int>(k)];
    if (std::abs(wanted - factor) > 0.002) changed = true;
    factor = wanted;
  }
  return changed;
}

bool balanceCells(const GridShape& shape) {
  std::vector<int> marginsX, outerX, marginsY, outerY;
  for (int c = 0; c < shape.columns; ++c) {
    const QCPAxisRect* rect = shape.rects[static_cast<std::size_t>(c)];
    marginsX.push_back(rect->margins().left() + rect->margins().right());
    outerX.push_back(rect->outerRect().width());
  }
  for (int r = 0; r < shape.rows; ++r) {
    const QCPAxisRect* rect = shape.rects[static_cast<std::size_t>(r * shape.columns)];
    marginsY.push_back(rect->margins().top() + rect->margins().bottom());
    outerY.push_back(rect->outerRect().height());
  }
  QList<double> columnFactors = shape.grid->columnStretchFactors();
  QList<double> rowFactors = shape.grid->rowStretchFactors();
  bool changed = equalizeSections(marginsX, outerX, columnFactors, 0);
  changed = equalizeSections(marginsY, outerY, rowFactors, shape.firstRow) || changed;
  if (changed) {
    shape.grid->setColumnStretchFactors(columnFactors);
    shape.grid->setRowStretchFactors(rowFactors);
  }
  return changed;
}

bool updateTicks(const GridShape& shape) {
  const QRect cells = shape.rects.front()->rect();
  const int keyStep = labelStep(shape.cells, cells.width(), tickLabelSpacing());
  const int valueStep = labelStep(shape.cells, cells.height(), tickLabelSpacing());
  const bool changed = keyStep != shape.keyTicker->step() || valueStep != shape.valueTicker->step();
  shape.keyTicker->setStep(keyStep);
  shape.valueTicker->setStep(valueStep);
  // Crisp cells while each has a pixel or more; smaller, nearest-pixel sampling would drop
  // whole rows (a one-cell diagonal turns dotted), so the map is smoothed instead.
  const bool smooth = cells.width() < shape.cells || cells.height() < shape.cells;
  for (QCPAxisRect* rect : shape.rects) {
    for (QCPAbstractPlottable* plottable : rect->plottables()) {
      auto* map = qobject_cast<QCPColorMap*>(plottable);
      if (map && map->interpolate() != smooth) map->setInterpolate(smooth);
    }
  }
  return changed;
}

// Near-square maps: a diagonal runs at about 45 degrees, and "attend to the previous token"
// looks alike in every layout. Spare width becomes margins beside the maps and their colour
// bar; spare height margins above the title and below the caption, so that they stay close.
bool squareCells(QCustomPlot& plot, const GridShape& shape) {
  constexpr double kMaxAspect = 1.5;  // tiny maps in a wide window may stretch this much
  const QRect cell = shape.rects.front()->rect();
  QCPLayoutGrid* layout = plot.plotLayout();
  const QMargins oldBody = shape.body->margins(), oldLayout = layout->margins();
  // The size each map would have without these margins, then the widest allowed shape in it.
  const int freeWidth = cell.width() + (oldBody.left() + oldBody.right()) / shape.columns;
  const int freeHeight = cell.height() + (oldLayout.top() + oldLayout.bottom()) / shape.rows;
  const int width = std::min(freeWidth, static_cast<int>(freeHeight * kMaxAspect));
  const int height = std::min(freeHeight, static_cast<int>(freeWidth * kMaxAspect));
  const int horizontal = (freeWidth - width) * shape.columns, vertical = (freeHeight - height) * shape.rows;
  const auto close = [](int a, int b) { return std::abs(a - b) <= 2; };
  if (close(horizontal, oldBody.left() + oldBody.right()) && close(vertical, oldLayout.top() + oldLayout.bottom())) {
    return false;
  }
  shape.body->setMargins(QMargins(horizontal / 2, 0, horizontal - horizontal / 2, 0));
  layout->setMargins(QMargins(0, vertical / 2, 0, vertical - vertical / 2));
  return true;
}

// The colour bar spans exactly the maps' height, from the top of the first row to the bottom
// of the last, rather than the header rows as well.
bool alignScale(const GridShape& shape) {
  if (!shape.scale) return false;
  const QRect bar = shape.scale->axis()->axisRect()->rect();
  const QMargins old = shape.scale->margins();
  const int top = std::max(0, old.top() + shape.rects.front()->rect().top() - bar.top());
  const int bottom = std::max(0, old.bottom() + bar.bottom() - shape.rects.back()->rect().bottom());
  const QMargins wanted(old.left(), top, old.right(), bottom);
  if (wanted == old) return false;
  shape.scale->setMargins(wanted);
  return true;
}

}  // namespace

void refineGrid(QCustomPlot& plot, const GridShape& shape) {
  if (shape.empty()) return;
  // Margins hardly depend on the stretch, so a few passes settle. The other steps measure the
  // first map for all of them: only once the maps are equal.
  for (int pass = 0; pass < 8; ++pass) {
    bool changed = balanceCells(shape);
    if (!changed) {
      changed = updateTicks(shape);
      changed = squareCells(plot, shape) || changed;
      changed = alignScale(shape) || changed;
    }
    if (!changed) return;
    style::relayout(plot);
  }
}

}  // namespace lengthlab::heatmap
