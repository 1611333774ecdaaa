#include "heatmap.h"

#include "plot_style.h"

#include <QFontMetricsF>

#include <algorithm>
#include <cmath>
#include <limits>

namespace lengthlab::heatmap {

QString IndexTicker::getTickLabel(double tick, const QLocale&, QChar, int) {
  return labelAt(static_cast<int>(std::lround(tick)));
}

QString IndexTicker::labelAt(int index) const {
  if (index < 0) return {};
  if (m_labels.isEmpty()) return QString::number(index);
  if (index >= m_labels.size()) return {};
  return QStringLiteral("%1:%2").arg(index).arg(m_labels.at(index));
}

int labelStep(int count, double pixels, double labelPixels) {
  if (count <= 1 || pixels <= 0.0) return 1;
  const double needed = labelPixels * count / pixels;  // positions per label, unrounded
  for (int magnitude = 1;; magnitude *= 10) {
    for (int nice : {1, 2, 5}) {
      if (nice * magnitude >= needed) return nice * magnitude;
      // 25 reads better than 50 when 20 is just too dense.
      if (nice == 2 && magnitude >= 10 && 25 * magnitude / 10 >= needed) return 25 * magnitude / 10;
    }
    if (magnitude > count) return count;
  }
}

double tickLabelSpacing() { return QFontMetricsF(style::tickFont()).height() * 1.15; }

bool fitIndexTicks(const QCPAxis& axis, IndexTicker& ticker, int count) {
  const QCPAxisRect* rect = axis.axisRect();
  const bool horizontal = axis.orientation() == Qt::Horizontal;
  const QFontMetricsF metrics(axis.tickLabelFont());
  double labelPixels = std::max(tickLabelSpacing(), 1.6 * metrics.height());  // stacked: a line and a gap
  if (horizontal && std::abs(axis.tickLabelRotation()) < 45) {
    double widest = 0;
    for (int i = 0; i < count; ++i) widest = std::max(widest, metrics.horizontalAdvance(ticker.labelAt(i)));
    labelPixels = widest + 0.6 * metrics.height();  // side by side: the label and a gap
  }
  // At most about ten labels, however long the axis: a slide stays uncluttered.
  constexpr double kMaxLabels = 10;
  const double pixels = std::min<double>(horizontal ? rect->width() : rect->height(), kMaxLabels * labelPixels);
  const int step = labelStep(count, pixels, labelPixels);
  if (step == ticker.step()) return false;
  ticker.setStep(step);
  return true;
}

void useStandardLayers(QCPAxisRect& rect) {
  for (QCPAxis* axis : rect.axes()) {
    axis->setLayer(QStringLiteral("axes"));
    axis->grid()->setLayer(QStringLiteral("grid"));
  }
}

void styleHeatmapRect(QCPAxisRect& rect) {
  style::applyTo(rect);
  useStandardLayers(rect);  // else a colour map hides the frame's top edge
  for (QCPAxis* axis : rect.axes()) {
    axis->setVisible(true);
    axis->grid()->setVisible(false);
    axis->setSubTicks(false);
    // Ticks point outwards so they never hide a cell.
    axis->setTickLength(0, 5);
    const bool framing = axis->axisType() == QCPAxis::atTop || axis->axisType() == QCPAxis::atRight;
    if (framing) {
      axis->setTicks(false);
      axis->setTickLabels(false);
    }
  }
}

QCPColorMap* addColorMap(QCPAxisRect& rect, const QCPColorGradient& gradient) {
  auto* map = new QCPColorMap(rect.axis(QCPAxis::atBottom), rect.axis(QCPAxis::atLeft));
  map->setInterpolate(false);
  map->setTightBoundary(false);
  map->setGradient(gradient);
  rect.axis(QCPAxis::atLeft)->setRangeReversed(true);
  rect.axis(QCPAxis::atRight)->setRangeReversed(true);
  return map;
}

QCPColorScale* addColorScale(QCustomPlot& plot, const QCPColorGradient& gradient, const QString& label,
                             const QCPRange& range) {
  auto* scale = new QCPColorScale(&plot);
  scale->setType(QCPAxis::atRight);
  scale->setGradient(gradient);
  scale->setDataRange(range);
  scale->setBarWidth(16);
  scale->setLabel(label);
  scale->axis()->setLabelFont(style::labelFont());
  scale->axis()->setTickLabelFont(style::tickFont());
  scale->axis()->setTickLabelPadding(3);  // QCustomPlot's 7 and 12 leave a narrow plot too little
  scale->axis()->setLabelPadding(4);
  scale->axis()->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
  scale->axis()->ticker()->setTickCount(4);
  return scale;
}

namespace {

// Fits both axes to n cells centred on lower, lower + step, ...
void fitAxes(QCPColorMap& map, double lower, double step, int keys, int rows) {
  map.keyAxis()->setRange(lower - step / 2, lower + step * (keys - 0.5));
  map.valueAxis()->setRange(lower - step / 2, lower + step * (rows - 0.5));
  // The framing axes follow so that the box closes around the cells.
  QCPAxisRect* rect = map.keyAxis()->axisRect();
  rect->axis(QCPAxis::atTop)->setRange(map.keyAxis()->range());
  rect->axis(QCPAxis::atRight)->setRange(map.valueAxis()->range());
}

// Cell centres span lower .. lower + step * (n - 1); QCustomPlot needs a non-empty range.
QCPRange cellRange(double lower, double step, int n) {
  return n > 1 ? QCPRange(lower, lower + step * (n - 1)) : QCPRange(lower - 0.5, lower + 0.5);
}

}  // namespace

void setMatrix(QCPColorMap& map, const float* data, int rows, int cols) {
  auto* cells = new QCPColorMapData(cols, rows, cellRange(0, 1, cols), cellRange(0, 1, rows));
  for (int i = 0; i < rows; ++i) {
    const float* row = data + static_cast<std::size_t>(i) * cols;
    for (int j = 0; j < cols; ++j) cells->setCell(j, i, row[j]);
  }
  map.setData(cells, false);
  fitAxes(map, 0, 1, cols, rows);
}

Pooled setSquareMatrix(QCPColorMap& map, const float* data, int n, int maxCells, bool maskUpper) {
  Pooled pooled;
  pooled.block = n > maxCells ? (n + maxCells - 1) / maxCells : 1;
  const int b = pooled.block;
  const int cellCount = (n + b - 1) / b;
  const double centre = (b - 1) / 2.0;  // the first block's centre, in positions
  auto* cells = new QCPColorMapData(cellCount, cellCount, cellRange(centre, b, cellCount),
                                    cellRange(centre, b, cellCount));
  std::vector<float> best(static_cast<std::size_t>(cellCount));  // per key cell, for one query cell
  std::vector<char> seen(static_cast<std::size_t>(cellCount));
  for (int ci = 0; ci < cellCount; ++ci) {
    std::fill(best.begin(), best.end(), 0.0f);
    std::fill(seen.begin(), seen.end(), 0);
    for (int i = ci * b; i < std::min(n, (ci + 1) * b); ++i) {
      const float* row = data + static_cast<std::size_t>(i) * n;
      const int end = maskUpper ? i + 1 : n;
      for (int j = 0; j < end; ++j) {
        const auto cj = static_cast<std::size_t>(j / b);
        if (!seen[cj] || std::abs(row[j]) > std::abs(best[cj])) best[cj] = row[j];
        seen[cj] = 1;
      }
    }
    for (int cj = 0; cj < cellCount; ++cj) {
      const auto k = static_cast<std::size_t>(cj);
      pooled.maxAbs = std::max(pooled.maxAbs, seen[k] ? std::abs(static_cast<double>(best[k])) : 0.0);
      cells->setCell(cj, ci, seen[k] ? best[k] : std::numeric_limits<double>::quiet_NaN());
    }
  }
  map.setData(cells, false);
  fitAxes(map, centre, b, cellCount, cellCount);
  return pooled;
}

QColor boundaryColor() { return QColor(213, 94, 0); }

QCPItemStraightLine* addBoundaryLine(QCustomPlot& plot, QCPAxisRect& rect, Qt::Orientation orientation,
                                     double coord) {
  auto* line = new QCPItemStraightLine(&plot);
  line->setLayer(QStringLiteral("axes"));  // above the colour maps of the "main" layer
  line->setClipToAxisRect(true);
  line->setClipAxisRect(&rect);
  line->setSelectable(false);
  line->setPen(QPen(boundaryColor(), 1.5, Qt::DashLine));
  for (QCPItemPosition* p : {line->point1, line->point2}) {
    p->setAxisRect(&rect);
    p->setAxes(rect.axis(QCPAxis::atBottom), rect.axis(QCPAxis::atLeft));
  }
  if (orientation == Qt::Vertical) {
    line->point1->setCoords(coord, 0);
    line->point2->setCoords(coord, 1);
  } else {
    line->point1->setCoords(0, coord);
    line->point2->setCoords(1, coord);
  }
  return line;
}

void resetPlot(QCustomPlot& plot, std::vector<QCPMarginGroup*>& marginGroups) {
  plot.clearItems();
  plot.clearPlottables();
  plot.plotLayout()->clear();  // the elements leave their margin groups as they go
  for (QCPMarginGroup* group : marginGroups) delete group;
  marginGroups.clear();
}

namespace {

// A text that wraps its lines at the plot's width: QCPTextElement asks for the width of its
// longest line, and a long message in a narrow dock would lose both ends and its first line.
class WrappedText : public QCPTextElement {
 public:
  using QCPTextElement::QCPTextElement;

 protected:
  QSize minimumOuterSizeHint() const override { return wrappedSize(); }
  QSize maximumOuterSizeHint() const override { return QSize(QWIDGETSIZE_MAX, wrappedSize().height()); }

 private:
  QSize wrappedSize() const {
    const QMargins m = margins();
    const int width = std::max(1, mParentPlot->viewport().width() - m.left() - m.right());
    const QRect text = QFontMetrics(mFont).boundingRect(0, 0, width, 0, mTextFlags | Qt::TextWordWrap, mText);
    return QSize(std::min(text.width(), width) + m.left() + m.right(), text.height() + m.top() + m.bottom());
  }
};

}  // namespace

void showMessage(QCustomPlot& plot, std::vector<QCPMarginGroup*>& marginGroups, const QString& message) {
  resetPlot(plot, marginGroups);
  QFont font = style::labelFont();
  font.setPointSizeF(font.pointSizeF() * 1.2);
  auto* text = new WrappedText(&plot, message, font);
  text->setMargins(QMargins(12, 6, 12, 6));
  text->setTextFlags(Qt::AlignCenter | Qt::TextWordWrap);
  text->setTextColor(QColor(60, 60, 60));
  // The text keeps its own height; empty elements above and below share the rest, centring it.
  plot.plotLayout()->addElement(0, 0, new QCPLayoutElement(&plot));
  plot.plotLayout()->addElement(1, 0, text);
  plot.plotLayout()->addElement(2, 0, new QCPLayoutElement(&plot));
}

}  // namespace lengthlab::heatmap
