#include "plot_style.h"

#include <QFontMetricsF>
#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace lengthlab::style {

QFont titleFont() {
  QFont f;
  f.setPointSize(14);
  f.setBold(true);
  return f;
}

QFont labelFont() {
  QFont f;
  f.setPointSize(12);
  return f;
}

QFont tickFont() {
  QFont f;
  f.setPointSize(11);
  return f;
}

QFont legendFont() {
  QFont f;
  f.setPointSize(11);
  return f;
}

QColor seriesColor(int index) {
  // Okabe-Ito, without yellow (too pale on a projector) and black (kept for emphasis).
  static const QColor colors[] = {QColor(0, 114, 178), QColor(213, 94, 0), QColor(0, 158, 115),
                                  QColor(204, 121, 167), QColor(86, 180, 233), QColor(230, 159, 0)};
  return colors[static_cast<std::size_t>(index) % std::size(colors)];
}

QColor trainRangeColor() { return QColor(0, 158, 115, 40); }
QColor baselineColor() { return QColor(120, 120, 120); }
QColor paperColor() { return QColor(213, 94, 0); }

void applyTo(QCPAxisRect& rect) {
  for (QCPAxis* axis : rect.axes()) {
    axis->setLabelFont(labelFont());
    axis->setTickLabelFont(tickFont());
    axis->setBasePen(QPen(Qt::black, 1.2));
    axis->setTickPen(QPen(Qt::black, 1.2));
    axis->setSubTickPen(QPen(Qt::black, 0.8));
    axis->grid()->setPen(QPen(QColor(220, 220, 220), 1, Qt::SolidLine));
  }
}

void applyTo(QCustomPlot& plot) {
  plot.setBackground(Qt::white);
  plot.setAntialiasedElements(QCP::aeAll & ~(QCP::aeGrid | QCP::aeSubGrid | QCP::aeAxes | QCP::aeFills | QCP::aeZeroLine));
  plot.setPlottingHint(QCP::phFastPolylines, true);
  plot.setNoAntialiasingOnDrag(true);
  plot.legend->setFont(legendFont());
  for (QCPAxisRect* rect : plot.axisRects()) applyTo(*rect);
}

QCPColorGradient sequentialGradient() {
  QCPColorGradient g;
  g.clearColorStops();
  g.setColorStopAt(0.0, QColor(255, 255, 255));
  g.setColorStopAt(0.35, QColor(158, 202, 225));
  g.setColorStopAt(0.7, QColor(49, 130, 189));
  g.setColorStopAt(1.0, QColor(8, 48, 107));
  g.setColorInterpolation(QCPColorGradient::ciRGB);
  return g;
}

QCPColorGradient divergingGradient() {
  QCPColorGradient g;
  g.clearColorStops();
  g.setColorStopAt(0.0, QColor(33, 102, 172));
  g.setColorStopAt(0.5, QColor(247, 247, 247));
  g.setColorStopAt(1.0, QColor(178, 24, 43));
  g.setColorInterpolation(QCPColorGradient::ciRGB);
  return g;
}

void relayout(QCustomPlot& plot) {
  for (auto phase : {QCPLayoutElement::upPreparation, QCPLayoutElement::upMargins, QCPLayoutElement::upLayout}) {
    plot.plotLayout()->update(phase);
  }
}

QString firstFitting(const QStringList& candidates, const QFont& font, double width) {
  const QFontMetricsF metrics(font);
  for (const QString& text : candidates) {
    const QStringList lines = text.split(QLatin1Char('\n'));
    if (std::all_of(lines.begin(), lines.end(),
                    [&](const QString& line) { return metrics.horizontalAdvance(line) <= width; })) {
      return text;
    }
  }
  return candidates.isEmpty() ? QString() : candidates.last();
}

bool fitAxisLabel(QCPAxis& axis, const QStringList& candidates, double slack) {
  const QCPAxisRect* rect = axis.axisRect();
  const double length = axis.orientation() == Qt::Horizontal ? rect->width() : rect->height();
  const QString label = firstFitting(candidates, axis.labelFont(), length + slack);
  if (label == axis.label()) return false;
  axis.setLabel(label);
  return true;
}

bool wrapLegend(QCPLegend& legend, int width) {
  QVector<int> widths;  // of the entries, in order (a wrapped grid also has empty cells)
  for (int i = 0; i < legend.itemCount(); ++i) {
    if (QCPAbstractLegendItem* item = legend.item(i)) widths.push_back(item->minimumOuterSizeHint().width());
  }
  const int count = static_cast<int>(widths.size());
  if (count < 2) return false;
  // Width of the legend with `columns` columns, filled row by row.
  auto widthWith = [&](int columns) {
    int total = legend.margins().left() + legend.margins().right() + (columns - 1) * legend.columnSpacing();
    for (int c = 0; c < columns; ++c) {
      int column = 0;
      for (int i = c; i < count; i += columns) column = std::max(column, widths[i]);
      total += column;
    }
    return total;
  };
  int columns = count;
  while (columns > 1 && widthWith(columns) > width) --columns;
  // As many rows as needed, but balanced.
  const int rows = (count + columns - 1) / columns;
  columns = (count + rows - 1) / rows;
  if (columns == legend.columnCount()) return false;
  legend.setWrap(columns);
  legend.setFillOrder(QCPLegend::foColumnsFirst, true);
  return true;
}

bool fitTickCount(QCPAxis& axis, int maxCount) {
  QCPAxisRect* rect = axis.axisRect();
  const QSharedPointer<QCPAxisTicker> ticker = axis.ticker();
  const bool horizontal = axis.orientation() == Qt::Horizontal;
  const double pixels = horizontal ? rect->width() : rect->height();
  if (!ticker || pixels < 1) return false;
  const QFontMetricsF metrics(axis.tickLabelFont());
  const QString format = axis.numberFormat();
  const QChar formatChar = format.isEmpty() ? QLatin1Char('g') : format.at(0);
  const QLocale locale = axis.parentPlot()->locale();
  const int old = ticker->tickCount();
  // Labels the ticker makes for count, or nothing when they would touch. A count leaving fewer
  // than two ticks in the range is a last resort: one label does not make a scale.
  auto labelsFor = [&](int count) {
    ticker->setTickCount(count);
    QVector<double> ticks;
    QVector<QString> labels;
    ticker->generate(axis.range(), locale, formatChar, axis.numberPrecision(), ticks, nullptr, &labels);
    for (int k = 1; k < ticks.size(); ++k) {
      const double distance = std::abs(axis.coordToPixel(ticks[k]) - axis.coordToPixel(ticks[k - 1]));
      const double needed =
          horizontal ? (metrics.horizontalAdvance(labels[k - 1]) + metrics.horizontalAdvance(labels[k])) / 2 +
                           metrics.height()
                     : metrics.height() * 1.2;
      if (distance < needed) return -1;
    }
    return static_cast<int>(ticks.size());
  };
  int chosen = 1;
  for (int count = maxCount; count >= 1; --count) {
    if (labelsFor(count) >= 2) {
      chosen = count;
      break;
    }
  }
  ticker->setTickCount(chosen);
  return chosen != old;
}

bool fitTickStep(QCPAxis& axis, std::initializer_list<double> steps) {
  const double pixelsPerUnit = axis.axisRect()->height() / axis.range().size();
  const double needed = QFontMetricsF(axis.tickLabelFont()).height() * 1.3;
  const auto fitting =
      std::find_if(steps.begin(), steps.end(), [&](double step) { return step * pixelsPerUnit >= needed; });
  const double step = fitting != steps.end() ? *fitting : *(steps.end() - 1);
  auto ticker = axis.ticker().staticCast<QCPAxisTickerFixed>();
  if (ticker->tickStep() == step) return false;
  ticker->setTickStep(step);
  return true;
}

}  // namespace lengthlab::style
