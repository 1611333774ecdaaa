// Accuracy against length (see the header for the drawing conventions). The plot is built once
// with a fixed pool of graphs; a snapshot only refills the graphs whose source changed. After
// every layout (on screen and for each export size) the title, the tick steps and the legend
// are fitted to the room the plot got.
#include "accuracy_length_view.h"

#include "csv.h"

#include "plot_style.h"

#include <QTextStream>
#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace lengthlab {
namespace {

// y range: a little room below 0 so a curve at 0 % is not hidden by the axis, and a band above
// 100 % for the per-bin means of the newest evaluation; ticks stop at 100 %.
constexpr double kYMin = -3.0;
constexpr double kYMax = 113.0;
constexpr double kBinMeanY = 106.5;
constexpr int kDefaultMaxLength = 100;

QString variantLabel(const QString& positional) {
  if (positional == QLatin1String("ape")) return QStringLiteral("APE");
  if (positional == QLatin1String("nope")) return QStringLiteral("NoPE");
  if (positional == QLatin1String("ape-reg")) return QStringLiteral("APE + reg.");
  return positional.toUpper();
}

QColor withAlpha(QColor color, int alpha) {
  color.setAlpha(alpha);
  return color;
}

QColor evaluationColor() { return style::seriesColor(0); }

// Earlier evaluations fade with age: the one just before the newest is still clearly visible,
// the fifth one back is a faint trace.
int earlierAlpha(int age) { return static_cast<int>(180.0 * std::pow(0.7, age - 1)); }  // 180 .. 43

void fillFromEvaluation(QCPGraph* graph, const EvaluationPoint* evaluation) {
  if (!evaluation) {
    graph->data()->clear();
    return;
  }
  const std::size_t n = std::min(evaluation->lengths.size(), evaluation->lengthAccuracy.size());
  QVector<double> keys(static_cast<int>(n)), values(static_cast<int>(n));
  for (std::size_t i = 0; i < n; ++i) {
    keys[static_cast<int>(i)] = evaluation->lengths[i];
    values[static_cast<int>(i)] = 100.0 * evaluation->lengthAccuracy[i];
  }
  graph->setData(keys, values, true);  // lengths are ascending
}

// Mean accuracy of one bin in percent: the evaluation's own bin value (measured on the whole
// bin) when it has one, otherwise the mean over the evaluated lengths inside the bin.
std::optional<double> binMean(const EvaluationPoint& evaluation, std::size_t bin, const LengthBin& range) {
  if (bin < evaluation.binAccuracy.size()) return 100.0 * evaluation.binAccuracy[bin];
  double sum = 0.0;
  int count = 0;
  const std::size_t n = std::min(evaluation.lengths.size(), evaluation.lengthAccuracy.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (evaluation.lengths[i] >= range.lo && evaluation.lengths[i] <= range.hi) {
      sum += evaluation.lengthAccuracy[i];
      ++count;
    }
  }
  if (count == 0) return std::nullopt;
  return 100.0 * sum / count;
}


}  // namespace

AccuracyLengthView::AccuracyLengthView(QWidget* parent) : PlotFigureView(parent) {
  buildPlot();
  clear();
}

void AccuracyLengthView::buildPlot() {
  QCustomPlot& p = *plot();
  p.setAutoAddPlottableToLegend(false);

  m_title = new QCPTextElement(&p, figureTitle(), style::titleFont());
  p.plotLayout()->insertRow(0);
  p.plotLayout()->addElement(0, 0, m_title);

  QCPAxisRect* rect = p.axisRect();
  style::applyTo(*rect);
  p.xAxis->setLabel(tr("input length n"));
  p.yAxis->setLabel(tr("exact match (%)"));
  p.yAxis->setRange(kYMin, kYMax);
  auto ticker = QSharedPointer<QCPAxisTickerFixed>::create();
  ticker->setTickStep(20.0);  // or coarser when the plot is short (see fitOnce)
  ticker->setScaleStrategy(QCPAxisTickerFixed::ssNone);
  p.yAxis->setTicker(ticker);

  // Creation order is drawing order: references first, the newest evaluation on top.
  m_trainBand = p.addGraph();
  m_trainBand->setLayer(QStringLiteral("background"));  // under the grid lines
  m_trainBand->setName(tr("trained lengths"));
  m_trainBand->setPen(Qt::NoPen);
  m_trainBand->setBrush(style::trainRangeColor());

  m_chance = p.addGraph();
  m_chance->setName(tr("chance"));
  m_chance->setPen(QPen(style::baselineColor(), 2.0, Qt::DashLine));

  m_paper = p.addGraph();
  m_paper->setPen(QPen(style::paperColor(), 4.0, Qt::SolidLine, Qt::FlatCap));

  for (int age = kEarlierShown; age >= 1; --age) {
    QCPGraph* graph = p.addGraph();
    graph->setPen(QPen(withAlpha(evaluationColor(), earlierAlpha(age)), style::kThinLineWidth));
    m_earlier[static_cast<std::size_t>(age - 1)] = graph;
  }
  m_earlier[0]->setName(tr("earlier steps"));

  m_newest = p.addGraph();
  m_newest->setPen(QPen(evaluationColor(), style::kLineWidth + 0.5));

  m_hint = new QCPItemText(&p);
  m_hint->setClipToAxisRect(false);
  m_hint->position->setType(QCPItemPosition::ptAxisRectRatio);
  m_hint->position->setCoords(0.5, 0.5);
  m_hint->setPositionAlignment(Qt::AlignCenter);
  m_hint->setFont(style::labelFont());
  m_hint->setColor(QColor(90, 90, 90));
  m_hint->setBrush(Qt::white);  // readable over the grid and the trained band
  m_hint->setPadding(QMargins(8, 4, 8, 4));
  m_hint->setText(tr("Start training to see accuracy against length"));

  // The legend sits in its own row under the axis rect, where it can never hide data, centred
  // between two empty stretching cells.
  auto* legendRow = new QCPLayoutGrid;
  p.axisRect()->insetLayout()->take(p.legend);
  p.plotLayout()->addElement(2, 0, legendRow);
  p.plotLayout()->setRowStretchFactor(0, 0.001);
  p.plotLayout()->setRowStretchFactor(2, 0.001);
  legendRow->setMargins(QMargins(0, 0, 0, 4));
  legendRow->addElement(0, 0, new QCPLayoutElement(&p));
  legendRow->addElement(0, 1, p.legend);
  legendRow->addElement(0, 2, new QCPLayoutElement(&p));
  legendRow->setColumnStretchFactors({1.0, 0.001, 1.0});
  p.legend->setFillOrder(QCPLegend::foColumnsFirst);
  p.legend->setBorderPen(Qt::NoPen);
  p.legend->setIconTextPadding(5);
  p.legend->setVisible(true);
  m_title->setMinimumSize(1, 0);  // never wider than the plot: fitToSize shortens it instead
  connect(&p, &QCustomPlot::afterLayout, this, &AccuracyLengthView::fitToSize);
}

void AccuracyLengthView::showSnapshot(const TrainingSnapshot& snapshot) {
  bool changed = false;
  if (snapshot.experiment != m_experiment) {
    m_experiment = snapshot.experiment;
    showExperiment(m_experiment.get());
    m_evaluations.reset();  // bins or lengths may differ: redraw the evaluations too
    m_plotted.clear();
    changed = true;
  }
  if (snapshot.evaluations != m_evaluations || changed) {
    m_evaluations = snapshot.evaluations;
    static const std::vector<EvaluationPoint> kNone;
    showEvaluations(m_evaluations ? *m_evaluations : kNone);
    changed = true;
  }
  if (changed) {
    rebuildLegend();
    requestReplot();
  }
}

void AccuracyLengthView::clear() {
  m_experiment.reset();
  m_evaluations.reset();
  m_plotted.clear();
  showExperiment(nullptr);
  showEvaluations({});
  rebuildLegend();
  requestReplot();
}

// The parts fixed for a run: title, x range, trained band, chance, paper segments, bin labels.
void AccuracyLengthView::showExperiment(const ExperimentSummary* experiment) {
  static const ExperimentSummary kNone;
  const ExperimentSummary& e = experiment ? *experiment : kNone;
  const bool known = experiment != nullptr;
  m_titles = known ? QStringList{tr("%1 (%2): accuracy against length").arg(e.taskName, variantLabel(e.positional)),
                                 tr("%1 (%2)").arg(e.taskName, variantLabel(e.positional))}
                   : QStringList{figureTitle()};
  m_title->setText(m_titles.first());  // fitToSize shortens it when the plot is narrow
  const int maxLength = e.maxTestLength > 0 ? e.maxTestLength : kDefaultMaxLength;
  plot()->xAxis->setRange(0.5, maxLength + 0.5);

  m_trainBand->data()->clear();
  if (known && e.train.hi >= e.train.lo) {
    m_trainBand->addData({e.train.lo - 0.5, e.train.hi + 0.5}, {100.0, 100.0}, true);
  }

  m_chance->data()->clear();
  if (known)
    m_chance->addData({0.5, maxLength + 0.5}, {100.0 * e.randomBaseline, 100.0 * e.randomBaseline}, true);

  // One segment per bin; a NaN between bins breaks the line.
  m_paper->data()->clear();
  m_paper->setName(tr("paper (%1)").arg(variantLabel(e.positional)));
  if (known && e.paperBins && e.testBins.size() == e.paperBins->size()) {
    for (std::size_t b = 0; b < e.testBins.size(); ++b) {
      const LengthBin& bin = e.testBins[b];
      const double value = (*e.paperBins)[b];
      if (b > 0) m_paper->addData(bin.lo - 0.5, std::nan(""));
      m_paper->addData(bin.lo, value);
      m_paper->addData(bin.hi, value);
    }
  }

  // Bin-mean labels: one per test bin, created on demand and reused.
  while (m_binMeans.size() < static_cast<int>(e.testBins.size())) {
    auto* text = new QCPItemText(plot());
    text->setPositionAlignment(Qt::AlignCenter);
    text->setFont(style::tickFont());
    text->setColor(evaluationColor().darker(120));
    m_binMeans.push_back(text);
  }
  for (int b = 0; b < m_binMeans.size(); ++b) {
    m_binMeans[b]->setVisible(false);
    if (b < static_cast<int>(e.testBins.size())) {
      const LengthBin& bin = e.testBins[static_cast<std::size_t>(b)];
      m_binMeans[b]->position->setCoords((bin.lo + bin.hi) / 2.0, kBinMeanY);
    }
  }
}

void AccuracyLengthView::showEvaluations(const std::vector<EvaluationPoint>& evaluations) {
  m_plotted.clear();
  const std::size_t shown = std::min<std::size_t>(evaluations.size(), kEarlierShown + 1);
  for (std::size_t i = evaluations.size() - shown; i < evaluations.size(); ++i)
    m_plotted.push_back(&evaluations[i]);

  const EvaluationPoint* newest = m_plotted.empty() ? nullptr : m_plotted.back();
  fillFromEvaluation(m_newest, newest);
  m_newest->setName(newest ? tr("step %1").arg(newest->step) : QString());
  for (int age = 1; age <= kEarlierShown; ++age) {
    const int index = static_cast<int>(m_plotted.size()) - 1 - age;
    fillFromEvaluation(earlierGraph(age), index >= 0 ? m_plotted[static_cast<std::size_t>(index)] : nullptr);
  }
  m_hint->setVisible(!newest);
  for (QCPItemText* text : m_binMeans) text->setVisible(false);
  if (newest) showBinMeans(*newest);
}

void AccuracyLengthView::showBinMeans(const EvaluationPoint& newest) {
  if (!m_experiment) return;
  const auto& bins = m_experiment->testBins;
  for (std::size_t b = 0; b < bins.size() && b < static_cast<std::size_t>(m_binMeans.size()); ++b) {
    const auto mean = binMean(newest, b, bins[b]);
    if (!mean) continue;
    QCPItemText* text = m_binMeans[static_cast<int>(b)];
    text->setText(tr("mean %1 %").arg(*mean, 0, 'f', 1));
    text->setVisible(true);
  }
}

void AccuracyLengthView::rebuildLegend() {
  QCPLegend* legend = plot()->legend;
  legend->clearItems();
  for (QCPGraph* graph : {m_newest, m_earlier[0], m_trainBand, m_paper, m_chance}) {
    if (!graph->data()->isEmpty()) graph->addToLegend();
  }
  legend->setWrap(0);  // one row; fitToSize wraps it if the plot is too narrow
  legend->setFillOrder(QCPLegend::foColumnsFirst, true);
}

// Fits the title, the percent steps and the legend (as few rows as the width allows) to the room
// the last layout gave, and lays the plot out again when that changed anything. It only
// measures, and changes an element only when it must, so that a steady plot is not re-laid out.
void AccuracyLengthView::fitToSize() {
  for (int pass = 0; pass < 3 && fitOnce(); ++pass) style::relayout(*plot());
}

bool AccuracyLengthView::fitOnce() {
  QCustomPlot& p = *plot();
  bool changed = false;
  const QString title = style::firstFitting(m_titles, m_title->font(), m_title->rect().width());
  if (title != m_title->text()) {
    m_title->setText(title);
    changed = true;
  }
  changed = style::fitTickStep(*p.yAxis, {20.0, 25.0, 50.0, 100.0}) || changed;
  changed = style::fitTickCount(*p.xAxis, 6) || changed;
  return style::wrapLegend(*p.legend, p.viewport().width() - 8) || changed;
}

QVector<long> AccuracyLengthView::plottedSteps() const {
  QVector<long> steps;
  for (const EvaluationPoint* evaluation : m_plotted) steps.push_back(evaluation->step);
  return steps;
}

bool AccuracyLengthView::saveData(const QString& path) {
  QString content;
  QTextStream out(&content);
  out << "length,trained,chance,paper";
  for (const EvaluationPoint* evaluation : m_plotted) out << ",step_" << evaluation->step;
  out << '\n';

  if (m_experiment) {
    const ExperimentSummary& e = *m_experiment;
    // Per evaluation, a cursor into its ascending lengths: one pass over everything.
    std::vector<std::size_t> cursor(m_plotted.size(), 0);
    for (int n = 1; n <= e.maxTestLength; ++n) {
      out << n << ',' << (n >= e.train.lo && n <= e.train.hi ? 1 : 0) << ','
          << csv::number(100.0 * e.randomBaseline) << ',';
      if (e.paperBins && e.testBins.size() == e.paperBins->size()) {
        for (std::size_t b = 0; b < e.testBins.size(); ++b) {
          if (n >= e.testBins[b].lo && n <= e.testBins[b].hi) {
            out << csv::number((*e.paperBins)[b]);
            break;
          }
        }
      }
      for (std::size_t k = 0; k < m_plotted.size(); ++k) {
        const EvaluationPoint& evaluation = *m_plotted[k];
        const std::size_t size = std::min(evaluation.lengths.size(), evaluation.lengthAccuracy.size());
        std::size_t& i = cursor[k];
        while (i < size && evaluation.lengths[i] < n) ++i;
        out << ',';
        if (i < size && evaluation.lengths[i] == n) out << csv::number(100.0 * evaluation.lengthAccuracy[i]);
      }
      out << '\n';
    }
  }
  out.flush();
  return writeData(path, content.toUtf8());
}

}  // namespace lengthlab
