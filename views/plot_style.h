// One look for every plot, chosen for a projector at the back of a classroom: large fonts,
// thick lines, colours that stay distinct for colour-blind viewers (Okabe-Ito palette); and the
// means to keep it legible in whatever room a plot gets: texts, tick steps and legends that fit.
#pragma once

#include <QColor>
#include <QFont>
#include <QStringList>

#include <initializer_list>

class QCustomPlot;
class QCPAxis;
class QCPAxisRect;
class QCPColorGradient;
class QCPLegend;

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

// Fitting text to the room a layout step gave: sizes are only known once QCustomPlot has laid
// the plot out, so views call these from QCustomPlot::afterLayout (on screen and for every
// export size) and lay the plot out again with relayout() when one of them changed something.

// Runs the layout phases once more, inside afterLayout, after a fit changed sizes.
void relayout(QCustomPlot& plot);
// The first of candidates (most detailed first) whose every line fits in width pixels in font;
// the last one when none does.
QString firstFitting(const QStringList& candidates, const QFont& font, double width);
// Gives axis the first of candidates (longest first) that fits along its axis rect plus slack
// pixels (how far a label may reach past the rect's ends); true when its label changed.
bool fitAxisLabel(QCPAxis& axis, const QStringList& candidates, double slack);
// Wraps legend into as few rows as width pixels allow, balanced (five entries in two rows are
// 3 + 2, not 4 + 1); true when its number of columns changed.
bool wrapLegend(QCPLegend& legend, int width);
// The most ticks (at most maxCount) whose labels, at axis's current pixel length, never touch:
// side by side, a letter's height between them; one above the other, a fifth of a line. True
// when the ticker's tick count changed. For axes whose ticker picks its step from its count.
bool fitTickCount(QCPAxis& axis, int maxCount = 6);
// For a vertical axis with a QCPAxisTickerFixed: the first of steps (finest first) whose labels
// are 1.3 lines apart at the axis's current height, else the last; true when the step changed.
bool fitTickStep(QCPAxis& axis, std::initializer_list<double> steps);

}  // namespace lengthlab::style
