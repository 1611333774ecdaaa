#include "positional_view.h"

#include "heatmap.h"
#include "plot_style.h"

#include <QFontMetricsF>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QToolTip>

#include <array>
#include <cmath>

namespace lengthlab {
namespace {

// Beyond this many cells a side, heatmaps pool blocks of positions (P reaches ~2000).
constexpr int kMaxCells = 500;
// From this plot height on (exports, big windows) the heatmap titles get a second line of detail
// (what grey means, pooling); below it that detail is in the hover read-out only.
constexpr int kDetailHeight = 600;
// Below this plot height the norm panel's x axis goes without its label ("position i").
constexpr int kCompactHeight = 330;

QFont panelTitleFont() {
  QFont font = style::labelFont();
  font.setBold(true);
  return font;
}

QColor offsetColor() { return QColor(86, 180, 233); }

// A shaded band over positions [0, end) of rect, the full height of the panel.
QCPItemRect* addBand(QCustomPlot& plot, QCPAxisRect& rect, const QBrush& brush) {
  auto* band = new QCPItemRect(&plot);
  band->setLayer(QStringLiteral("background"));  // under the grid and the curve
  band->setClipAxisRect(&rect);
  band->setPen(Qt::NoPen);
  band->setBrush(brush);
  band->setSelectable(false);
  for (QCPItemPosition* p : {band->topLeft, band->bottomRight}) {
    p->setAxisRect(&rect);
    p->setAxes(rect.axis(QCPAxis::atBottom), rect.axis(QCPAxis::atLeft));
    p->setTypeX(QCPItemPosition::ptPlotCoords);
    p->setTypeY(QCPItemPosition::ptAxisRectRatio);
  }
  return band;
}

// Shows positions [begin, end) as a band, hidden when that range is empty.
void setBand(QCPItemRect& band, int begin, int end) {
  band.topLeft->setCoords(begin - 0.5, 0);
  band.bottomRight->setCoords(end - 0.5, 1);
  band.setVisible(end > begin);
}

// An axis of positions 0..P-1 with its own ticker, so that its step fits its own length.
void usePositionTicks(QCPAxis& axis) { axis.setTicker(QSharedPointer<heatmap::IndexTicker>::create()); }

heatmap::IndexTicker& positionTicker(const QCPAxis& axis) {
  return *static_cast<heatmap::IndexTicker*>(axis.ticker().data());
}

// Shows the first of candidates that fits title's width (two-line ones only in a tall plot);
// true when the text changed.
bool fitTitle(QCPTextElement& title, QStringList candidates) {
  if (title.parentPlot()->viewport().height() < kDetailHeight && candidates.size() > 1) {
    candidates.removeIf([](const QString& text) { return text.contains(QLatin1Char('\n')); });
  }
  const QString text = style::firstFitting(candidates, title.font(), title.rect().width());
  if (text == title.text()) return false;
  title.setText(text);
  return true;
}

// A symmetric colour bar -m..m labelled where it ends and at 0 (white: no preference), and
// halfway when it is tall enough: readable at any height, unlike round steps that may leave only
// "0" on a short bar. True when the labels changed.
bool fitSymmetricTicks(QCPColorScale& scale) {
  QCPAxis* axis = scale.axis();
  auto ticker = axis->ticker().dynamicCast<QCPAxisTickerText>();
  const double m = axis->range().upper;
  const double line = QFontMetricsF(axis->tickLabelFont()).height() * 1.2;
  const int height = axis->axisRect()->height();
  const int intervals = height >= 4 * line ? 4 : height >= 2 * line ? 2 : 1;
  auto label = [](double value) {
    return std::abs(value) >= 100 ? QString::number(value, 'f', 0) : QString::number(value, 'g', 2);
  };
  QMap<double, QString> ticks;
  for (int k = 0; k <= intervals; ++k) {
    const double value = -m + 2 * m * k / intervals;
    ticks.insert(value, label(std::abs(value) < 1e-12 * m ? 0.0 : value));
  }
  if (ticks == ticker->ticks()) return false;
  ticker->setTicks(ticks);
  return true;
}

// An empty graph that only lends its look to a legend entry (items have none).
QCPGraph* addLegendKey(QCPAxisRect& rect, const QBrush& brush) {
  auto* key = new QCPGraph(rect.axis(QCPAxis::atBottom), rect.axis(QCPAxis::atLeft));
  key->setPen(Qt::NoPen);
  key->setBrush(brush);
  key->setSelectable(QCP::stNone);
  return key;
}

}  // namespace

PositionalView::PositionalView(QWidget* parent) : PlotFigureView(parent) {
  addControls(createControls());
  plot()->setAutoAddPlottableToLegend(false);  // the legend explains the bands only
  plot()->setMouseTracking(true);
  connect(plot(), &QCustomPlot::mouseMove, this, &PositionalView::showCellToolTip);
  // Sizes are only known once QCustomPlot has laid the plot out, for the screen or for an export.
  connect(plot(), &QCustomPlot::afterLayout, this, &PositionalView::fitToSize);
  showMessage(tr("No position table yet.\nStart training: the learned positional encodings appear here."));
}

QWidget* PositionalView::createControls() {
  auto* controls = new QWidget(this);
  auto* row = new QHBoxLayout(controls);
  row->setContentsMargins(8, 4, 8, 4);
  m_layer = new QSpinBox(controls);
  m_head = new QSpinBox(controls);
  m_layer->setObjectName(QStringLiteral("layer"));
  m_head->setObjectName(QStringLiteral("head"));
  for (QSpinBox* box : {m_layer, m_head}) {
    box->setRange(1, 1);
    connect(box, &QSpinBox::valueChanged, this, [this] {
      fillProduct();
      requestReplot();
    });
  }
  auto* intro = new QLabel(tr("Positional product of"), controls);
  auto* layerLabel = new QLabel(tr("layer"), controls);
  auto* headLabel = new QLabel(tr("head"), controls);
  layerLabel->setBuddy(m_layer);
  headLabel->setBuddy(m_head);
  row->addWidget(intro);
  row->addWidget(layerLabel);
  row->addWidget(m_layer);
  row->addWidget(headLabel);
  row->addWidget(m_head);
  row->addStretch(1);
  return controls;
}

int PositionalView::selectedLayer() const { return m_layer->value() - 1; }
int PositionalView::selectedHead() const { return m_head->value() - 1; }

void PositionalView::selectHead(int layer, int head) {
  if (layer < 0 || head < 0 || layer >= m_layer->maximum() || head >= m_head->maximum()) return;
  {
    const QSignalBlocker blockLayer(m_layer), blockHead(m_head);
    m_layer->setValue(layer + 1);
    m_head->setValue(head + 1);
  }
  fillProduct();
  requestReplot();
}

void PositionalView::showSnapshot(const TrainingSnapshot& snapshot) {
  if (snapshot.positional == m_picture && snapshot.experiment == m_experiment) return;
  m_experiment = snapshot.experiment;
  m_picture = snapshot.positional;
  const bool nope = (m_experiment && m_experiment->positional == QLatin1String("nope")) ||
                    (m_picture && m_picture->positions <= 0);
  if (nope) {
    showMessage(tr("NoPE: this model has no position table; the causal mask is its only source of position.\n"
                   "The attention view shows how its heads tell positions apart all the same."));
  } else if (!m_picture) {
    showMessage(tr("No position table yet.\nStart training: the learned positional encodings appear here."));
  } else {
    if (!m_normRect) buildPanels();
    updateHeadRanges();
    fillNorms();
    fillProduct();
    fillCosine();
  }
  requestReplot();
}

void PositionalView::clear() {
  m_picture.reset();
  m_experiment.reset();
  showMessage(tr("No position table yet.\nStart training: the learned positional encodings appear here."));
  requestReplot();
}

void PositionalView::showMessage(const QString& message) {
  heatmap::showMessage(*plot(), m_marginGroups, message);
  m_normTitle = nullptr;
  m_normRect = nullptr;
  m_heatmaps = nullptr;
  m_positionAxes.clear();
  m_normGraph = m_trainKey = m_offsetKey = nullptr;
  m_trainShade = m_offsetShade = nullptr;
  m_legend = nullptr;
  m_productMap = m_cosineMap = nullptr;
  m_productScale = m_cosineScale = nullptr;
  m_productTitle = m_cosineTitle = nullptr;
  m_layer->parentWidget()->hide();  // nothing to choose: no clutter either
}

// Layout: norm title and legend / norm panel (full width) / the heatmaps: a row of titles over
// a row of [map | colour scale] pairs, so that a title may use the width of both.
void PositionalView::buildPanels() {
  heatmap::resetPlot(*plot(), m_marginGroups);
  m_positionAxes.clear();
  QCPLayoutGrid* layout = plot()->plotLayout();
  m_normRect = addNormPanel(*layout);
  m_heatmaps = new QCPLayoutGrid;
  m_heatmaps->setColumnSpacing(16);
  layout->addElement(2, 0, m_heatmaps);
  QCPAxisRect* product = addHeatmapPanel(*m_heatmaps, 0, tr("pᵢ·Wq·Wkᵀ·pⱼ"), m_productMap, m_productScale,
                                         m_productTitle);
  QCPAxisRect* cosine = addHeatmapPanel(*m_heatmaps, 1, tr("cosine"), m_cosineMap, m_cosineScale, m_cosineTitle);
  product->axis(QCPAxis::atLeft)->setLabel(tr("query position i"));
  product->axis(QCPAxis::atBottom)->setLabel(tr("key position j"));
  cosine->axis(QCPAxis::atLeft)->setLabel(tr("position i"));
  cosine->axis(QCPAxis::atBottom)->setLabel(tr("position j"));
  m_cosineScale->setDataRange(QCPRange(-1, 1));

  // The norm panel and the product panel share their left edge; maps and colour bars their height.
  auto* left = new QCPMarginGroup(plot());
  auto* vertical = new QCPMarginGroup(plot());
  m_marginGroups = {left, vertical};
  m_normRect->setMarginGroup(QCP::msLeft, left);
  product->setMarginGroup(QCP::msLeft, left);
  for (QCPLayoutElement* element : {static_cast<QCPLayoutElement*>(product), static_cast<QCPLayoutElement*>(cosine),
                                    static_cast<QCPLayoutElement*>(m_productScale),
                                    static_cast<QCPLayoutElement*>(m_cosineScale)}) {
    element->setMarginGroup(QCP::msTop | QCP::msBottom, vertical);
  }
  layout->setRowSpacing(4);
  layout->setRowStretchFactors({0.001, 0.33, 0.67});  // the header keeps the height of its text
  m_layer->parentWidget()->show();
}

QCPAxisRect* PositionalView::addNormPanel(QCPLayoutGrid& layout) {
  // Header: the title and the legend of the bands side by side, centred between two stretching
  // cells; fitNormHeader picks texts that fit and wraps the legend if even the shortest do not.
  auto* header = new QCPLayoutGrid;
  header->setColumnSpacing(0);
  layout.addElement(0, 0, header);
  m_normTitle = new QCPTextElement(plot(), tr("Norm of each position vector"), panelTitleFont());
  m_normTitle->setMargins(QMargins(2, 2, 14, 2));  // apart from the legend
  auto* legend = m_legend = new QCPLegend;
  header->addElement(0, 2, legend);  // in a layout first: its items need the plot
  header->addElement(0, 0, new QCPLayoutElement(plot()));
  header->addElement(0, 1, m_normTitle);
  header->addElement(0, 3, new QCPLayoutElement(plot()));
  header->setColumnStretchFactors({1.0, 0.001, 0.001, 1.0});
  legend->setLayer(QStringLiteral("legend"));
  legend->setFillOrder(QCPLegend::foColumnsFirst);
  legend->setBorderPen(Qt::NoPen);
  legend->setFont(style::legendFont());
  legend->setIconSize(28, 14);
  legend->setIconTextPadding(5);
  legend->setMargins(QMargins(0, 2, 0, 2));
  legend->setRowSpacing(0);
  legend->setColumnSpacing(12);

  auto* rect = new QCPAxisRect(plot(), true);
  layout.addElement(1, 0, rect);
  rect->setMinimumMargins(QMargins(0, 8, 22, 0));  // room for the end labels, not more
  rect->setMinimumSize(24, 24);
  style::applyTo(*rect);
  heatmap::useStandardLayers(*rect);
  rect->axis(QCPAxis::atBottom)->setLabel(tr("position i"));
  rect->axis(QCPAxis::atLeft)->setLabel(tr("‖pᵢ‖"));
  usePositionTicks(*rect->axis(QCPAxis::atBottom));
  m_positionAxes.push_back(rect->axis(QCPAxis::atBottom));
  m_offsetShade = addBand(*plot(), *rect, QBrush(offsetColor(), Qt::BDiagPattern));
  m_trainShade = addBand(*plot(), *rect, style::trainRangeColor());
  m_normGraph = new QCPGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
  m_normGraph->setPen(QPen(style::seriesColor(0), style::kLineWidth));
  m_normGraph->setName(tr("norm ‖pᵢ‖"));  // the title and the y axis name it: no legend entry
  QColor trainKeyColor = style::trainRangeColor();
  trainKeyColor.setAlpha(110);  // the band's tint is too faint for a small legend swatch
  m_trainKey = addLegendKey(*rect, trainKeyColor);
  m_offsetKey = addLegendKey(*rect, QBrush(offsetColor(), Qt::BDiagPattern));
  for (QCPGraph* graph : {m_trainKey, m_offsetKey}) graph->addToLegend(legend);
  return rect;
}

QCPAxisRect* PositionalView::addHeatmapPanel(QCPLayoutGrid& heatmaps, int column, const QString& scaleLabel,
                                             QCPColorMap*& map, QCPColorScale*& scale, QCPTextElement*& title) {
  title = new QCPTextElement(plot(), QString(), panelTitleFont());
  title->setMinimumSize(1, 0);  // as wide as the panel: fitToSize picks a text that fits
  heatmaps.addElement(0, column, title);
  auto* body = new QCPLayoutGrid;
  body->setColumnSpacing(4);
  heatmaps.addElement(1, column, body);
  heatmaps.setRowStretchFactors({0.001, 1.0});
  auto* rect = new QCPAxisRect(plot(), true);
  body->addElement(0, 0, rect);
  heatmap::styleHeatmapRect(*rect);
  rect->setMinimumMargins(QMargins(0, 8, 0, 0));  // half a tick label above the map
  rect->setMinimumSize(24, 24);  // below QCustomPlot's 50 px the layout shrinks maps, not overlaps
  for (QCPAxis::AxisType type : {QCPAxis::atBottom, QCPAxis::atLeft}) {
    usePositionTicks(*rect->axis(type));
    m_positionAxes.push_back(rect->axis(type));
  }
  QCPColorGradient gradient = style::divergingGradient();
  gradient.setNanHandling(QCPColorGradient::nhNanColor);  // masked cells: key after query
  gradient.setNanColor(QColor(200, 200, 200));
  map = heatmap::addColorMap(*rect, gradient);
  scale = heatmap::addColorScale(*plot(), gradient, scaleLabel, QCPRange(-1, 1));
  scale->axis()->setTicker(QSharedPointer<QCPAxisTickerText>::create());  // see fitSymmetricTicks
  body->addElement(0, 1, scale);
  body->setColumnStretchFactors({1.0, 0.001});
  map->setColorScale(scale);
  return rect;
}

void PositionalView::fitToSize() {
  if (!m_normRect || !m_picture) return;
  // Each fit depends a little on the others (a wrapped legend leaves less height, a shorter
  // title no longer widens its panel): a few passes settle.
  for (int pass = 0; pass < 6 && fitOnce(); ++pass) style::relayout(*plot());
}

// One pass of fitting texts, ticks and map shapes to the current layout; true when something
// changed, so that the plot needs laying out again.
bool PositionalView::fitOnce() {
  bool changed = fitNormHeader();
  // A short plot (a laptop's dock) keeps its height for the data: the norm panel's title says
  // that its x axis is the position.
  const QString positionLabel = plot()->viewport().height() < kCompactHeight ? QString() : tr("position i");
  if (m_normRect->axis(QCPAxis::atBottom)->label() != positionLabel) {
    m_normRect->axis(QCPAxis::atBottom)->setLabel(positionLabel);
    changed = true;
  }
  QCPAxisRect* product = m_productMap->keyAxis()->axisRect();
  QCPAxisRect* cosine = m_cosineMap->keyAxis()->axisRect();
  // A turned label may reach a little past its map: the title row above and the x axis below
  // leave the corner beside them empty.
  const double slack = 1.5 * QFontMetricsF(style::labelFont()).height();
  changed = style::fitAxisLabel(*product->axis(QCPAxis::atLeft), {tr("query position i"), tr("query i")}, slack) ||
            changed;
  changed = style::fitAxisLabel(*cosine->axis(QCPAxis::atLeft), {tr("position i"), tr("i")}, slack) || changed;
  changed = fitTitle(*m_productTitle, m_productTitles) || changed;
  changed = fitTitle(*m_cosineTitle, m_cosineTitles) || changed;
  for (QCPAxis* axis : m_positionAxes) {
    changed = heatmap::fitIndexTicks(*axis, positionTicker(*axis), m_picture->positions) || changed;
  }
  changed = style::fitTickCount(*m_normRect->axis(QCPAxis::atLeft), 5) || changed;
  for (QCPColorScale* scale : {m_productScale, m_cosineScale}) changed = fitSymmetricTicks(*scale) || changed;
  changed = balanceMaps() || changed;
  return squareMaps() || changed;
}

// The norm panel's header with the most detailed title and legend texts that fit side by side in
// one row; the legend wraps only when even the shortest do not. True when something changed.
bool PositionalView::fitNormHeader() {
  const PositionalPicture& picture = *m_picture;
  const int P = picture.positions;
  const int train = std::min(P, picture.longestTrainingSequence), reach = std::min(P, picture.offsetReach);
  const QString title = tr("Norm of each position vector"), shortTitle = tr("Norm ‖pᵢ‖");
  const QString trainName = tr("training lengths (0–%1)").arg(train - 1);
  const QString shortTrainName = tr("trained (0–%1)").arg(train - 1);
  const QString offsetName = reach > train ? tr("reached only via random offsets (%1–%2)").arg(train).arg(reach - 1)
                                           : tr("random offsets reach no further");
  const QString shortOffsetName =
      reach > train ? tr("random offsets only (%1–%2)").arg(train).arg(reach - 1) : tr("no offsets beyond");
  const QString shortestOffsetName =
      reach > train ? tr("offsets only (%1–%2)").arg(train).arg(reach - 1) : tr("no offsets beyond");
  const std::array<std::array<QString, 3>, 4> options{{{title, trainName, offsetName},
                                                       {title, shortTrainName, shortOffsetName},
                                                       {shortTitle, shortTrainName, shortOffsetName},
                                                       {shortTitle, shortTrainName, shortestOffsetName}}};
  const int width = plot()->viewport().width() - 8;
  const QFontMetrics metrics(m_normTitle->font());
  auto titleWidth = [&](const QString& text) {
    return metrics.horizontalAdvance(text) + m_normTitle->margins().left() + m_normTitle->margins().right();
  };
  const QString oldTitle = m_normTitle->text(), oldTrain = m_trainKey->name(), oldOffset = m_offsetKey->name();
  const std::array<QString, 3>* chosen = &options.back();
  for (const auto& option : options) {
    m_trainKey->setName(option[1]);
    m_offsetKey->setName(option[2]);
    int legendWidth = -m_legend->columnSpacing();  // one row of every entry
    for (int i = 0; i < m_legend->itemCount(); ++i) {
      if (QCPAbstractLegendItem* item = m_legend->item(i)) {
        legendWidth += item->minimumOuterSizeHint().width() + m_legend->columnSpacing();
      }
    }
    if (titleWidth(option[0]) + legendWidth <= width) {
      chosen = &option;
      break;
    }
  }
  m_normTitle->setText((*chosen)[0]);
  m_trainKey->setName((*chosen)[1]);
  m_offsetKey->setName((*chosen)[2]);
  const bool changed = m_normTitle->text() != oldTitle || m_trainKey->name() != oldTrain ||
                       m_offsetKey->name() != oldOffset;
  return style::wrapLegend(*m_legend, width - titleWidth(m_normTitle->text())) || changed;
}

// Both maps equally wide although their labels and colour bars are not (the product's numbers
// are longer): the panels' widths are shared out accordingly.
bool PositionalView::balanceMaps() {
  const int product = m_productMap->keyAxis()->axisRect()->rect().width();
  const int cosine = m_cosineMap->keyAxis()->axisRect()->rect().width();
  if (std::abs(product - cosine) <= 2) return false;
  const int productPanel = m_heatmaps->element(0, 0)->outerRect().width();
  const int cosinePanel = m_heatmaps->element(0, 1)->outerRect().width();
  const double map = (product + cosine) / 2.0;
  m_heatmaps->setColumnStretchFactors({productPanel - product + map, cosinePanel - cosine + map});
  return true;
}

// Square maps (a diagonal at 45 degrees, a band of constant width) when the panels are taller
// than wide: their row is capped, and the height left over goes to the norm curve.
bool PositionalView::squareMaps() {
  const QRect map = m_productMap->keyAxis()->axisRect()->rect();
  const int outer = m_heatmaps->outerRect().height();
  const int cap = m_heatmaps->maximumSize().height();
  const int wanted = outer - map.height() + map.width();  // the row's height with square maps
  // Wider than tall: a cap that holds the row back grows; one that does not (the stretch gives
  // less) stays. A few pixels either way are not worth another layout pass.
  if ((wanted > outer && outer < cap - 1) || std::abs(wanted - outer) <= 4) return false;
  m_heatmaps->setMaximumSize(QWIDGETSIZE_MAX, wanted);
  return true;
}

void PositionalView::updateHeadRanges() {
  const QSignalBlocker blockLayer(m_layer), blockHead(m_head);
  m_layer->setRange(1, std::max(1, m_picture->layers));
  m_head->setRange(1, std::max(1, m_picture->heads));
}

void PositionalView::fillNorms() {
  const PositionalPicture& picture = *m_picture;
  const int P = picture.positions;
  Q_ASSERT(picture.norms.size() == static_cast<std::size_t>(P));
  QVector<double> keys, values;
  double top = 0;
  for (int i = 0; i < P && i < static_cast<int>(picture.norms.size()); ++i) {
    keys.push_back(i);
    values.push_back(picture.norms[static_cast<std::size_t>(i)]);
    top = std::max(top, values.back());
  }
  m_normGraph->setData(keys, values, true);
  m_normRect->axis(QCPAxis::atBottom)->setRange(-0.5, P - 0.5);
  m_normRect->axis(QCPAxis::atLeft)->setRange(0, top > 0 ? top * 1.1 : 1.0);
  const int train = std::min(P, picture.longestTrainingSequence);
  const int reach = std::min(P, picture.offsetReach);
  // Offsets matter for the positions that training sequences at offset 0 never reach.
  setBand(*m_trainShade, 0, train);
  setBand(*m_offsetShade, train, reach);
  fitNormHeader();  // names the bands in the legend (their texts depend on the width)
}

void PositionalView::fillProduct() {
  if (!m_productMap || !m_picture) return;
  const PositionalPicture& picture = *m_picture;
  const int P = picture.positions, layer = selectedLayer(), head = selectedHead();
  const auto index = static_cast<std::size_t>(layer * picture.heads + head);
  const bool present = index < picture.products.size() &&
                       picture.products[index].size() == static_cast<std::size_t>(P) * P;
  Q_ASSERT(present);
  if (!present) return;
  const heatmap::Pooled pooled = heatmap::setSquareMatrix(*m_productMap, picture.products[index].data(), P,
                                                          kMaxCells, true);
  // Symmetric around 0, so that white always means "no positional preference".
  const double m = pooled.maxAbs > 0 ? pooled.maxAbs : 1.0;
  m_productScale->setDataRange(QCPRange(-m, m));
  const QString full = tr("pᵢᵀ·Wq·Wkᵀ·pⱼ of layer %1, head %2").arg(layer + 1).arg(head + 1);
  const QString detail = pooled.block > 1
                             ? tr("grey: masked (key after query) · 1 cell = %1×%1 positions").arg(pooled.block)
                             : tr("grey: masked (key after query)");
  m_productTitles = QStringList{full + QLatin1Char('\n') + detail, full,
                                tr("pᵢᵀ·Wq·Wkᵀ·pⱼ, layer %1 head %2").arg(layer + 1).arg(head + 1),
                                tr("pᵢᵀWqWkᵀpⱼ, L%1 H%2").arg(layer + 1).arg(head + 1)};
  m_productTitle->setText(full);  // fitToSize picks the text that fits
}

void PositionalView::fillCosine() {
  const PositionalPicture& picture = *m_picture;
  const int P = picture.positions;
  const bool present = picture.cosine.size() == static_cast<std::size_t>(P) * P;
  Q_ASSERT(present);
  if (!present) return;
  const heatmap::Pooled pooled = heatmap::setSquareMatrix(*m_cosineMap, picture.cosine.data(), P, kMaxCells, false);
  m_cosineTitles = QStringList{tr("Cosine similarity cos(pᵢ, pⱼ)"), tr("cos(pᵢ, pⱼ)")};
  if (pooled.block > 1) {
    m_cosineTitles.prepend(m_cosineTitles.first() + tr("\n1 cell = %1×%1 positions").arg(pooled.block));
  }
  m_cosineTitle->setText(m_cosineTitles.first());
}

// The exact value under the mouse (a pooled map only shows a block's extreme), and what grey means.
void PositionalView::showCellToolTip(QMouseEvent* event) {
  const QPoint position = event->position().toPoint();
  QCPColorMap* map = nullptr;
  for (QCPColorMap* candidate : {m_productMap, m_cosineMap}) {
    if (candidate && candidate->keyAxis()->axisRect()->rect().contains(position)) map = candidate;
  }
  if (!map || !m_picture) {
    QToolTip::hideText();
    return;
  }
  const PositionalPicture& picture = *m_picture;
  const int P = picture.positions;
  const auto j = static_cast<int>(std::lround(map->keyAxis()->pixelToCoord(position.x())));
  const auto i = static_cast<int>(std::lround(map->valueAxis()->pixelToCoord(position.y())));
  if (i < 0 || j < 0 || i >= P || j >= P) {
    QToolTip::hideText();
    return;
  }
  const auto cell = static_cast<std::size_t>(i) * P + j;
  QString text;
  if (map == m_cosineMap) {
    if (cell >= picture.cosine.size()) return;
    text = tr("positions i = %1, j = %2\ncos(pᵢ, pⱼ) = %3").arg(i).arg(j).arg(picture.cosine[cell], 0, 'f', 3);
  } else {
    const auto index = static_cast<std::size_t>(selectedLayer() * picture.heads + selectedHead());
    if (index >= picture.products.size() || cell >= picture.products[index].size()) return;
    text = tr("query position i = %1, key position j = %2\n").arg(i).arg(j);
    text += j > i ? tr("grey: the key comes after the query, masked by causal attention")
                  : tr("pᵢᵀ·Wq·Wkᵀ·pⱼ = %1 (layer %2, head %3)")
                        .arg(picture.products[index][cell], 0, 'g', 3)
                        .arg(selectedLayer() + 1)
                        .arg(selectedHead() + 1);
  }
  QToolTip::showText(event->globalPosition().toPoint(), text, plot(), map->keyAxis()->axisRect()->rect());
}

bool PositionalView::saveData(const QString& path) {
  QByteArray csv("kind,layer,head,i,j,value\n");
  if (m_picture && m_normGraph) {
    const PositionalPicture& picture = *m_picture;
    const int P = picture.positions;
    const auto n = static_cast<std::size_t>(P);
    for (std::size_t i = 0; i < picture.norms.size(); ++i) {
      csv += "norm,,," + QByteArray::number(static_cast<qulonglong>(i)) + ",," +
             QByteArray::number(picture.norms[i], 'g', 6) + '\n';
    }
    const auto index = static_cast<std::size_t>(selectedLayer() * picture.heads + selectedHead());
    if (index < picture.products.size() && picture.products[index].size() == n * n) {
      const QByteArray prefix = "product," + QByteArray::number(selectedLayer() + 1) + ',' +
                                QByteArray::number(selectedHead() + 1) + ',';
      for (int i = 0; i < P; ++i) {
        for (int j = 0; j <= i; ++j) {  // the causal part: what attention can use
          csv += prefix + QByteArray::number(i) + ',' + QByteArray::number(j) + ',' +
                 QByteArray::number(picture.products[index][i * n + j], 'g', 6) + '\n';
        }
      }
    }
    if (picture.cosine.size() == n * n) {
      for (int i = 0; i < P; ++i) {
        for (int j = 0; j < P; ++j) {
          csv += "cosine,,," + QByteArray::number(i) + ',' + QByteArray::number(j) + ',' +
                 QByteArray::number(picture.cosine[i * n + j], 'g', 6) + '\n';
        }
      }
    }
  }
  return writeData(path, csv);
}

}  // namespace lengthlab
