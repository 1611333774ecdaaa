#include "positional_view.h"

#include "heatmap.h"
#include "plot_style.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSpinBox>

namespace lengthlab {
namespace {

// Beyond this many cells a side, heatmaps pool blocks of positions (P reaches ~2000).
constexpr int kMaxCells = 500;

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
  m_normRect = nullptr;
  m_normGraph = m_trainKey = m_offsetKey = nullptr;
  m_trainShade = m_offsetShade = nullptr;
  m_legend = nullptr;
  m_productMap = m_cosineMap = nullptr;
  m_productScale = m_cosineScale = nullptr;
  m_productTitle = m_cosineTitle = nullptr;
  m_layer->parentWidget()->hide();  // nothing to choose: no clutter either
}

// Layout: norm title / legend / norm panel (full width) / [product | scale | cosine | scale].
void PositionalView::buildPanels() {
  heatmap::resetPlot(*plot(), m_marginGroups);
  QCPLayoutGrid* layout = plot()->plotLayout();
  m_normRect = addNormPanel(*layout);
  auto* heatmaps = new QCPLayoutGrid;
  heatmaps->setColumnSpacing(12);
  layout->addElement(3, 0, heatmaps);
  QCPAxisRect* product = addHeatmapPanel(*heatmaps, 0, tr("pᵢ·Wq·Wkᵀ·pⱼ"), m_productMap, m_productScale,
                                         m_productTitle);
  QCPAxisRect* cosine = addHeatmapPanel(*heatmaps, 2, tr("cosine"), m_cosineMap, m_cosineScale, m_cosineTitle);
  product->axis(QCPAxis::atLeft)->setLabel(tr("query position i"));
  product->axis(QCPAxis::atBottom)->setLabel(tr("key position j"));
  cosine->axis(QCPAxis::atLeft)->setLabel(tr("position i"));
  cosine->axis(QCPAxis::atBottom)->setLabel(tr("position j"));
  m_cosineScale->setDataRange(QCPRange(-1, 1));
  m_cosineTitle->setText(tr("Cosine similarity cos(pᵢ, pⱼ)"));
  heatmaps->setRowStretchFactors({0.001, 1.0});

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
  layout->setRowStretchFactors({0.001, 0.001, 0.36, 0.64});  // text rows keep their own height
  m_layer->parentWidget()->show();
}

QCPAxisRect* PositionalView::addNormPanel(QCPLayoutGrid& layout) {
  layout.addElement(0, 0, new QCPTextElement(plot(), tr("Norm of each position vector"), panelTitleFont()));
  auto* legendRow = new QCPLayoutGrid;
  layout.addElement(1, 0, legendRow);
  auto* legend = m_legend = new QCPLegend;
  legendRow->addElement(0, 1, legend);  // in a layout first: its items need the plot
  legendRow->addElement(0, 0, new QCPLayoutElement(plot()));
  legendRow->addElement(0, 2, new QCPLayoutElement(plot()));
  legend->setLayer(QStringLiteral("legend"));
  legend->setFillOrder(QCPLegend::foColumnsFirst);
  legend->setBorderPen(Qt::NoPen);
  legend->setFont(style::legendFont());
  legend->setIconSize(32, 16);
  legend->setMargins(QMargins(0, 0, 0, 0));

  auto* rect = new QCPAxisRect(plot(), true);
  layout.addElement(2, 0, rect);
  style::applyTo(*rect);
  heatmap::useStandardLayers(*rect);
  rect->axis(QCPAxis::atBottom)->setLabel(tr("position i"));
  rect->axis(QCPAxis::atLeft)->setLabel(tr("‖pᵢ‖"));
  rect->axis(QCPAxis::atLeft)->ticker()->setTickCount(4);  // a short panel: few, readable ticks
  m_offsetShade = addBand(*plot(), *rect, QBrush(offsetColor(), Qt::BDiagPattern));
  m_trainShade = addBand(*plot(), *rect, style::trainRangeColor());
  m_normGraph = new QCPGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
  m_normGraph->setPen(QPen(style::seriesColor(0), style::kLineWidth));
  m_normGraph->setName(tr("norm ‖pᵢ‖"));
  QColor trainKeyColor = style::trainRangeColor();
  trainKeyColor.setAlpha(110);  // the band's tint is too faint for a small legend swatch
  m_trainKey = addLegendKey(*rect, trainKeyColor);
  m_offsetKey = addLegendKey(*rect, QBrush(offsetColor(), Qt::BDiagPattern));
  for (QCPGraph* graph : {m_normGraph, m_trainKey, m_offsetKey}) graph->addToLegend(legend);
  return rect;
}

QCPAxisRect* PositionalView::addHeatmapPanel(QCPLayoutGrid& grid, int column, const QString& scaleLabel,
                                             QCPColorMap*& map, QCPColorScale*& scale, QCPTextElement*& title) {
  title = new QCPTextElement(plot(), QString(), panelTitleFont());
  grid.addElement(0, column, title);
  auto* rect = new QCPAxisRect(plot(), true);
  grid.addElement(1, column, rect);
  heatmap::styleHeatmapRect(*rect);
  QCPColorGradient gradient = style::divergingGradient();
  gradient.setNanHandling(QCPColorGradient::nhNanColor);  // masked cells: key after query
  gradient.setNanColor(QColor(200, 200, 200));
  map = heatmap::addColorMap(*rect, gradient);
  scale = heatmap::addColorScale(*plot(), gradient, scaleLabel, QCPRange(-1, 1));
  grid.addElement(1, column + 1, scale);
  map->setColorScale(scale);
  return rect;
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
  m_trainKey->setName(tr("training lengths (0–%1)").arg(train - 1));
  m_offsetKey->setName(reach > train ? tr("reached only via random offsets (%1–%2)").arg(train).arg(reach - 1)
                                     : tr("random offsets reach no further"));
  // The legend is as wide as its entries, centred by the spacers around it.
  m_legend->setMaximumSize(m_legend->minimumOuterSizeHint().width(), QWIDGETSIZE_MAX);
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
  QString title = tr("pᵢᵀ·Wq·Wkᵀ·pⱼ of layer %1, head %2").arg(layer + 1).arg(head + 1);
  title += pooled.block > 1 ? tr("\ngrey: masked (key after query) · 1 cell = %1×%1 positions").arg(pooled.block)
                            : tr("\ngrey: masked (key after query)");
  m_productTitle->setText(title);
}

void PositionalView::fillCosine() {
  const PositionalPicture& picture = *m_picture;
  const int P = picture.positions;
  const bool present = picture.cosine.size() == static_cast<std::size_t>(P) * P;
  Q_ASSERT(present);
  if (!present) return;
  const heatmap::Pooled pooled = heatmap::setSquareMatrix(*m_cosineMap, picture.cosine.data(), P, kMaxCells, false);
  m_cosineTitle->setText(pooled.block > 1
                             ? tr("Cosine similarity cos(pᵢ, pⱼ)\n1 cell = %1×%1 positions").arg(pooled.block)
                             : tr("Cosine similarity cos(pᵢ, pⱼ)"));
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
  QString error;
  if (!heatmap::writeFile(path, csv, &error)) {
    setLastError(error);
    return false;
  }
  return true;
}

}  // namespace lengthlab
