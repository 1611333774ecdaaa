// One look for every plot, chosen for a projector at the back of a classroom: large fonts,
// thick lines, colours that stay distinct for colour-blind viewers (Okabe-Ito palette).
#pragma once

#include <QColor>
#include <QFont>

class QCustomPlot;
class QCPAxisRect;
class QCPColorGradient;

namespace lengthlab::style {

QFont titleFont();
QFont labelFont();
QFont tickFont();
QFont legendFont();

// Okabe-Ito colours, in the order used for series (bins, heads, ...).
QColor seriesColor(int index);
QColor trainRangeColor();    // the shaded training lengths
QColor baselineColor();      // chance level
QColor paperColor();         // the paper's reference marks

constexpr double kLineWidth = 2.5;
constexpr double kThinLineWidth = 1.2;

// Fonts, margins and white background for a plot and each of its axis rects.
void applyTo(QCustomPlot& plot);
void applyTo(QCPAxisRect& rect);

// Attention weights and similarities: a perceptually ordered white-to-dark gradient, and a
// diverging blue-white-red one for signed quantities.
QCPColorGradient sequentialGradient();
QCPColorGradient divergingGradient();

}  // namespace lengthlab::style
