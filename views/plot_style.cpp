#include "plot_style.h"

#include <qcustomplot.h>

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
  plot.setAntialiasedElements(QCP::aeAll);
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

}  // namespace lengthlab::style
