// Training curves (see the header for the drawing conventions). Both axis rects are built once;
// a snapshot refills only the graphs whose shared source changed, each in one linear pass. After
// every layout the title, axis labels, tick steps, the two rects' heights and the legend are
// fitted to the room the plot got (a tab of a laptop's window or a slide).
#include "training_curves_view.h"

#include "csv.h"

#include "plot_style.h"

#include <QTextStream>
#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace lengthlab {
namespace {

constexpr double kAccuracyMin = -4.0;  // a curve at 0 % stays visible above the axis
constexpr double kAccuracyMax = 104.0;
constexpr double kMarkerSize = 8.0;
// Room right of the rects for half of the last step label ("30000").
constexpr int kRightMargin = 26;

// As in AccuracyLengthView, so that the two exported figures of a run carry the same name.
QString variantLabel(const QString& positional) {
  if (positional == QLatin1String("ape")) return QStringLiteral("APE");
  if (positional == QLatin1String("nope")) return QStringLiteral("NoPE");
  if (positional == QLatin1String("ape-reg")) return QStringLiteral("APE + reg.");
  return positional.toUpper();
}

bool showableLoss(double loss) { return std::isfinite(loss) && loss > 0.0; }


// Aligns the left and right edges of several axis rects.
void alignHorizontally(QCustomPlot& plot, std::initializer_list<QCPAxisRect*> rects) {
  auto* group = new QCPMarginGroup(&plot);
  for (QCPAxisRect* rect : rects) rect->setMarginGroup(QCP::msLeft | QCP::msRight, group);
}

}  // namespace

TrainingCurvesView::TrainingCurvesView(QWidget* parent) : PlotFigureView(parent) {
  buildPlot();
  clear();
}

void TrainingCurvesView::buildPlot() {
  QCustomPlot& p = *plot();
  p.setAutoAddPlottableToLegend(false);
  QCPLayoutGrid* layout = p.plotLayout();

  m_title = new QCPTextElement(&p, figureTitle(), style::titleFont());
  layout->insertRow(0);
  layout->addElement(0, 0, m_title);

  // Top: loss. Its step axis carries no labels; the accuracy rect below has them.
  m_lossRect = p.axisRect();
  style::applyTo(*m_lossRect);
  m_lossRect->setAutoMargins(QCP::msLeft | QCP::msRight | QCP::msTop);
  m_lossRect->setMargins(QMargins(0, 0, 0, 8));
  m_lossRect->setMinimumMargins(QMargins(0, 10, kRightMargin, 0));
  m_lossRect->axis(QCPAxis::atBottom)->setTickLabels(false);
  QCPAxis* lossAxis = m_lossRect->axis(QCPAxis::atLeft);
  lossAxis->setLabel(tr("loss (log scale)"));
  lossAxis->setScaleType(QCPAxis::stLogarithmic);
  auto logTicker = QSharedPointer<QCPAxisTickerLog>::create();
  logTicker->setLogBase(10);
  logTicker->setSubTickCount(8);
  lossAxis->setTicker(logTicker);
  lossAxis->setNumberFormat(QStringLiteral("gb"));
  lossAxis->setNumberPrecision(6);

  m_lossGraph = p.addGraph(m_lossRect->axis(QCPAxis::atBottom), lossAxis);
  m_lossGraph->setName(tr("training loss"));
  m_lossGraph->setPen(QPen(QColor(40, 40, 40), 1.5));  // thin: a noisy loss stays readable

  // Bottom: accuracy per test bin, fixed at 0..100 % so it never jumps.
  m_accuracyRect = new QCPAxisRect(&p);
  layout->addElement(2, 0, m_accuracyRect);
  style::applyTo(*m_accuracyRect);
  m_accuracyRect->setAutoMargins(QCP::msLeft | QCP::msRight | QCP::msBottom);
  m_accuracyRect->setMargins(QMargins(0, 8, 0, 0));
  m_accuracyRect->setMinimumMargins(QMargins(0, 0, kRightMargin, 0));
  // One step ticker for both rects, so that their vertical grid lines agree.
  m_lossRect->axis(QCPAxis::atBottom)->setTicker(m_accuracyRect->axis(QCPAxis::atBottom)->ticker());
  m_accuracyRect->axis(QCPAxis::atBottom)->setLabel(tr("training step"));
  QCPAxis* accuracyAxis = m_accuracyRect->axis(QCPAxis::atLeft);
  accuracyAxis->setLabel(tr("exact match (%)"));
  accuracyAxis->setRange(kAccuracyMin, kAccuracyMax);
  auto fixedTicker = QSharedPointer<QCPAxisTickerFixed>::create();
  fixedTicker->setTickStep(25.0);  // or coarser when the rect is short (see fitOnce)
  fixedTicker->setScaleStrategy(QCPAxisTickerFixed::ssNone);
  accuracyAxis->setTicker(fixedTicker);
  alignHorizontally(p, {m_lossRect, m_accuracyRect});

  // Chance level: a bin whose curve stays on it has learned nothing.
  m_chance = p.addGraph(m_accuracyRect->axis(QCPAxis::atBottom), accuracyAxis);
  m_chance->setName(tr("chance"));
  m_chance->setPen(QPen(style::baselineColor(), 2.0, Qt::DashLine));

  m_hint = new QCPItemText(&p);
  m_hint->setClipToAxisRect(false);
  m_hint->position->setType(QCPItemPosition::ptAxisRectRatio);
  m_hint->position->setAxisRect(m_lossRect);
  m_hint->position->setCoords(0.5, 0.5);
  m_hint->setPositionAlignment(Qt::AlignCenter);
  m_hint->setFont(style::labelFont());
  m_hint->setColor(QColor(90, 90, 90));
  m_hint->setBrush(Qt::white);  // readable over the grid
  m_hint->setPadding(QMargins(8, 4, 8, 4));
  m_hint->setText(tr("Start training to see the loss and the accuracy per test bin"));

  buildLegendRow();
  m_title->setMinimumSize(1, 0);  // never wider than the plot: fitToSize shortens it instead
  connect(&p, &QCustomPlot::afterLayout, this, &TrainingCurvesView::fitToSize);
}

// Under the accuracy rect, "test lengths:" followed by one legend entry per bin and one for chance,
// centred between two empty stretching cells: outside the data, so it never hides a curve.
void TrainingCurvesView::buildLegendRow() {
  QCustomPlot& p = *plot();
  auto* row = new QCPLayoutGrid;
  p.plotLayout()->addElement(3, 0, row);
  p.plotLayout()->setRowStretchFactor(0, 0.001);
  p.plotLayout()->setRowStretchFactor(3, 0.001);
  row->setMargins(QMargins(0, 0, 0, 4));
  row->setColumnSpacing(0);
  auto* caption = m_legendCaption = new QCPTextElement(&p, tr("test lengths:"), style::legendFont());
  p.axisRect()->insetLayout()->take(p.legend);
  row->addElement(0, 0, new QCPLayoutElement(&p));
  row->addElement(0, 1, caption);
  row->addElement(0, 2, p.legend);
  row->addElement(0, 3, new QCPLayoutElement(&p));
  row->setColumnStretchFactors({1.0, 0.001, 0.001, 1.0});
  p.legend->setFillOrder(QCPLegend::foColumnsFirst);
  p.legend->setBorderPen(Qt::NoPen);
  p.legend->setIconTextPadding(5);
  p.legend->setVisible(true);
}

void TrainingCurvesView::showSnapshot(const TrainingSnapshot& snapshot) {
  bool changed = false;
  if (snapshot.experiment != m_experiment) {
    m_experiment = snapshot.experiment;
    showExperiment(m_experiment.get());
    m_evaluations.reset();  // the bins may differ: refill them below
    changed = true;
  }
  if (snapshot.lossHistory != m_loss) {
    m_loss = snapshot.lossHistory;
    static const std::vector<LossPoint> kNoLoss;
    showLoss(m_loss ? *m_loss : kNoLoss);  // a reference either way: no copy
    changed = true;
  }
  if (snapshot.evaluations != m_evaluations || changed) {
    m_evaluations = snapshot.evaluations;
    static const std::vector<EvaluationPoint> kNoEvaluations;
    showEvaluations(m_evaluations ? *m_evaluations : kNoEvaluations);
    changed = true;
  }
  if (changed) {
    updateStepRange();
    m_hint->setVisible(m_lossGraph->data()->isEmpty() && (!m_evaluations || m_evaluations->empty()));
    requestReplot();
  }
}

void TrainingCurvesView::clear() {
  m_experiment.reset();
  m_loss.reset();
  m_evaluations.reset();
  showExperiment(nullptr);
  showLoss({});
  showEvaluations({});
  updateStepRange();
  m_hint->setVisible(true);
  requestReplot();
}

QString TrainingCurvesView::binName(int bin) const {
  if (m_experiment && bin < static_cast<int>(m_experiment->testBins.size())) {
    const LengthBin& b = m_experiment->testBins[static_cast<std::size_t>(bin)];
    return QStringLiteral("%1-%2").arg(b.lo).arg(b.hi);
  }
  return QStringLiteral("bin %1").arg(bin + 1);
}

void TrainingCurvesView::showExperiment(const ExperimentSummary* experiment) {
  m_titles = experiment ? QStringList{tr("%1 (%2): training curves")
                                         .arg(experiment->taskName, variantLabel(experiment->positional)),
                                     tr("%1 (%2)").arg(experiment->taskName, variantLabel(experiment->positional))}
                        : QStringList{figureTitle()};
  m_title->setText(m_titles.first());  // fitToSize shortens it when the plot is narrow
  // One graph per bin; the pool only changes size when a new experiment has other bins.
  const int bins = experiment ? static_cast<int>(experiment->testBins.size()) : 0;
  while (m_binGraphs.size() > bins) plot()->removeGraph(m_binGraphs.takeLast());
  QCPAxis* step = m_accuracyRect->axis(QCPAxis::atBottom);
  QCPAxis* accuracy = m_accuracyRect->axis(QCPAxis::atLeft);
  while (m_binGraphs.size() < bins) {
    const int index = static_cast<int>(m_binGraphs.size());
    QCPGraph* graph = plot()->addGraph(step, accuracy);
    graph->setPen(QPen(style::seriesColor(index), style::kLineWidth));
    graph->setScatterStyle(
        QCPScatterStyle(QCPScatterStyle::ssCircle, style::seriesColor(index), Qt::white, kMarkerSize));
    m_binGraphs.push_back(graph);
  }
  plot()->legend->clearItems();
  for (int b = 0; b < bins; ++b) {
    m_binGraphs[b]->setName(binName(b));
    m_binGraphs[b]->addToLegend();
  }
  if (experiment) m_chance->addToLegend();
}

void TrainingCurvesView::showLoss(const std::vector<LossPoint>& history) {
  QVector<double> steps, losses;
  steps.reserve(static_cast<int>(history.size()));
  losses.reserve(static_cast<int>(history.size()));
  double lo = HUGE_VAL, hi = 0.0;
  for (const LossPoint& point : history) {
    if (!showableLoss(point.loss)) continue;
    steps.push_back(static_cast<double>(point.step));
    losses.push_back(point.loss);
    lo = std::min(lo, point.loss);
    hi = std::max(hi, point.loss);
  }
  m_lossGraph->setData(steps, losses, true);  // the history is in step order
  // Whole decades: the axis only moves when the loss crosses a power of ten.
  QCPAxis* axis = m_lossRect->axis(QCPAxis::atLeft);
  if (losses.isEmpty()) {
    axis->setRange(0.01, 10.0);
  } else {
    const double bottom = std::pow(10.0, std::floor(std::log10(lo)));
    double top = std::pow(10.0, std::ceil(std::log10(hi)));
    if (top <= bottom) top = bottom * 10.0;
    axis->setRange(bottom, top);
  }
}

void TrainingCurvesView::showEvaluations(const std::vector<EvaluationPoint>& evaluations) {
  for (int b = 0; b < m_binGraphs.size(); ++b) {
    QVector<double> steps, accuracies;
    steps.reserve(static_cast<int>(evaluations.size()));
    accuracies.reserve(static_cast<int>(evaluations.size()));
    for (const EvaluationPoint& evaluation : evaluations) {
      if (b >= static_cast<int>(evaluation.binAccuracy.size())) continue;
      steps.push_back(static_cast<double>(evaluation.step));
      accuracies.push_back(100.0 * evaluation.binAccuracy[static_cast<std::size_t>(b)]);
    }
    m_binGraphs[b]->setData(steps, accuracies, true);  // evaluations are oldest first
  }
}

// Both rects show the same steps: from 0 to a little past the newest step, never past the step
// limit. Following the run rather than its limit matters because most runs stop early (at 100% in
// distribution, long before 30,000 steps) and would otherwise be a sliver at the left; the end
// grows in 1-2-5 steps, so the axis jumps only now and then instead of creeping.
void TrainingCurvesView::updateStepRange() {
  double last = 0.0;
  if (m_loss && !m_loss->empty()) last = std::max(last, static_cast<double>(m_loss->back().step));
  if (m_evaluations && !m_evaluations->empty())
    last = std::max(last, static_cast<double>(m_evaluations->back().step));
  double end = 100.0;
  for (double decade = 100.0; end < last * 1.05; decade *= 10.0) {
    for (double factor : {1.0, 2.0, 5.0}) {
      end = factor * decade;
      if (end >= last * 1.05) break;
    }
  }
  const double limit = m_experiment ? static_cast<double>(m_experiment->maxSteps) : 0.0;
  if (limit > 0.0) end = std::max(std::min(end, limit), last);
  const QCPRange range(0.0, end * 1.02);  // room for the last marker
  m_lossRect->axis(QCPAxis::atBottom)->setRange(range);
  m_accuracyRect->axis(QCPAxis::atBottom)->setRange(range);
  m_chance->data()->clear();
  if (m_experiment) {
    const double chance = 100.0 * m_experiment->randomBaseline;
    m_chance->addData({range.lower, range.upper}, {chance, chance}, true);
  }
}

void TrainingCurvesView::fitToSize() {
  for (int pass = 0; pass < 3 && fitOnce(); ++pass) style::relayout(*plot());
}

// One pass of fitting to the last layout; true when something changed, so that the plot needs
// laying out again. Changes an element only when it must: a steady plot is not re-laid out.
bool TrainingCurvesView::fitOnce() {
  QCustomPlot& p = *plot();
  bool changed = false;
  const QString title = style::firstFitting(m_titles, m_title->font(), m_title->rect().width());
  if (title != m_title->text()) {
    m_title->setText(title);
    changed = true;
  }
  // Both rects get the same height for their data, although only the lower one has step labels:
  // the rows' stretch factors are their margins plus an equal share of the rest.
  QCPLayoutGrid* layout = p.plotLayout();
  const int lossMargins = m_lossRect->outerRect().height() - m_lossRect->rect().height();
  const int accuracyMargins = m_accuracyRect->outerRect().height() - m_accuracyRect->rect().height();
  const double inner = (m_lossRect->rect().height() + m_accuracyRect->rect().height()) / 2.0;
  const double lossFactor = lossMargins + inner, accuracyFactor = accuracyMargins + inner;
  if (std::abs(m_lossRect->rect().height() - m_accuracyRect->rect().height()) > 2 && inner > 0) {
    layout->setRowStretchFactor(1, lossFactor);
    layout->setRowStretchFactor(2, accuracyFactor);
    changed = true;
  }
  // The stacked rects' turned labels may reach only into the gap between them (8 px each).
  const double gap = 8;
  changed = style::fitAxisLabel(*m_lossRect->axis(QCPAxis::atLeft), {tr("loss (log scale)"), tr("loss")}, gap) ||
            changed;
  changed = style::fitAxisLabel(*m_accuracyRect->axis(QCPAxis::atLeft),
                                {tr("exact match (%)"), tr("match (%)"), tr("match %"), tr("%")}, gap) ||
            changed;
  changed = style::fitTickStep(*m_accuracyRect->axis(QCPAxis::atLeft), {25.0, 50.0, 100.0}) || changed;
  changed = style::fitTickCount(*m_lossRect->axis(QCPAxis::atLeft), 5) || changed;
  changed = style::fitTickCount(*m_accuracyRect->axis(QCPAxis::atBottom), 6) || changed;
  const int legendRoom = p.viewport().width() - 8 - m_legendCaption->outerRect().width();
  return style::wrapLegend(*p.legend, legendRoom) || changed;
}

bool TrainingCurvesView::saveData(const QString& path) {
  QString content;
  QTextStream out(&content);
  out << "step,loss";
  for (int b = 0; b < m_binGraphs.size(); ++b) out << ",acc_" << binName(b);
  out << '\n';

  // Merge the two step-ordered histories in one pass.
  static const std::vector<LossPoint> kNoLoss;
  static const std::vector<EvaluationPoint> kNoEvaluations;
  const auto& losses = m_loss ? *m_loss : kNoLoss;
  const auto& evaluations = m_evaluations ? *m_evaluations : kNoEvaluations;
  std::size_t i = 0, j = 0;
  while (i < losses.size() || j < evaluations.size()) {
    const long step = j == evaluations.size() ? losses[i].step
                      : i == losses.size()    ? evaluations[j].step
                                              : std::min(losses[i].step, evaluations[j].step);
    out << step << ',';
    if (i < losses.size() && losses[i].step == step) {
      if (std::isfinite(losses[i].loss)) out << csv::number(losses[i].loss);
      ++i;
    }
    const EvaluationPoint* evaluation = nullptr;
    if (j < evaluations.size() && evaluations[j].step == step) evaluation = &evaluations[j++];
    for (int b = 0; b < m_binGraphs.size(); ++b) {
      out << ',';
      if (evaluation && b < static_cast<int>(evaluation->binAccuracy.size())) {
        out << csv::number(100.0 * evaluation->binAccuracy[static_cast<std::size_t>(b)]);
      }
    }
    out << '\n';
  }
  out.flush();
  return writeData(path, content.toUtf8());
}

}  // namespace lengthlab
