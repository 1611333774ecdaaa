#include "attention_view.h"

#include "csv.h"

#include "heatmap_grid.h"
#include "plot_style.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPushButton>
#include <QShortcut>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QToolTip>

#include <cmath>

namespace lengthlab {
namespace {

QFont headerFont() {
  QFont font = style::labelFont();
  font.setBold(true);
  return font;
}

}  // namespace

AttentionView::AttentionView(QWidget* parent)
    : PlotFigureView(parent), m_keyTicker(new heatmap::IndexTicker), m_queryTicker(new heatmap::IndexTicker) {
  addControls(createControls());
  setExperiment(nullptr);
  plot()->setMouseTracking(true);
  connect(plot(), &QCustomPlot::mouseMove, this, &AttentionView::showCellToolTip);
  connect(plot(), &QCustomPlot::mouseRelease, this, &AttentionView::handleClick);
  // Sizes are only known once QCustomPlot has laid the plot out, for the screen or for an export.
  connect(plot(), &QCustomPlot::afterLayout, this, &AttentionView::fitToSize);
  auto* escape = new QShortcut(QKeySequence(Qt::Key_Escape), this);
  escape->setContext(Qt::WidgetWithChildrenShortcut);
  connect(escape, &QShortcut::activated, this, &AttentionView::showAllHeads);
  showEmpty();
}

QWidget* AttentionView::createControls() {
  auto* controls = new QWidget(this);
  auto* row = new QHBoxLayout(controls);
  row->setContentsMargins(8, 4, 8, 4);
  auto* label = new QLabel(tr("Probe length"), controls);
  m_length = new QSpinBox(controls);
  m_length->setObjectName(QStringLiteral("probeLength"));
  m_length->setRange(1, 1);
  m_length->setKeyboardTracking(false);  // one request per chosen length, not one per digit typed
  m_length->setToolTip(tr("Task length n of the probe input; beyond the train range to see extrapolation"));
  label->setBuddy(m_length);
  m_rangeLabel = new QLabel(controls);
  m_rangeLabel->setObjectName(QStringLiteral("probeRange"));
  m_rangeLabel->setWordWrap(true);  // two lines rather than a row wider than a laptop's dock
  m_newExample = new QPushButton(tr("New example"), controls);
  m_back = new QPushButton(tr("Back to all heads"), controls);
  m_back->setToolTip(tr("Back to all heads (Esc)"));
  m_newExample->setObjectName(QStringLiteral("newExample"));
  m_back->setObjectName(QStringLiteral("backToAllHeads"));
  m_back->hide();
  row->addWidget(label);
  row->addWidget(m_length);
  row->addWidget(m_rangeLabel, 1);  // takes the spare width; wraps only without any
  row->addWidget(m_back);
  row->addWidget(m_newExample);
  connect(m_length, &QSpinBox::valueChanged, this, [this](int length) {
    updateRangeLabel();
    emit probeLengthChanged(length);
  });
  connect(m_newExample, &QPushButton::clicked, this, &AttentionView::newExampleRequested);
  connect(m_back, &QPushButton::clicked, this, &AttentionView::showAllHeads);
  return controls;
}

void AttentionView::setExperiment(std::shared_ptr<const ExperimentSummary> experiment) {
  m_experiment = std::move(experiment);
  m_probeLengthSynced = false;
  const QSignalBlocker blocker(m_length);
  m_length->setRange(1, std::max(1, m_experiment ? m_experiment->maxTestLength : 1));
  m_length->parentWidget()->setEnabled(m_experiment != nullptr);  // no lengths to pick before a run
  updateRangeLabel();
}

void AttentionView::updateRangeLabel() {
  if (!m_experiment) {
    m_rangeLabel->clear();
    return;
  }
  const LengthBin train = m_experiment->train;
  const int n = m_length->value();
  const bool inside = n >= train.lo && n <= train.hi;
  const QString where = inside ? tr("inside") : n > train.hi ? tr("beyond") : tr("below");
  // Word joiners around the dash: a narrow row wraps between words, never inside "1–50".
  const QString range = tr("%1\u2060–\u2060%2").arg(train.lo).arg(train.hi);
  const QString full = tr("%1 the train range %2").arg(where, range);
  // A narrow row (a laptop's dock, the extra button of an enlarged head) gets the brief forms,
  // rather than a label of three lines that would take the plot's height.
  m_back->setText(tr("Back to all heads"));
  QFont bold = m_rangeLabel->font();
  bold.setBold(true);
  const QLayout* row = m_rangeLabel->parentWidget()->layout();
  int others = row->contentsMargins().left() + row->contentsMargins().right();
  for (int i = 0; i < row->count(); ++i) {
    const QWidget* widget = row->itemAt(i)->widget();
    if (widget && widget != m_rangeLabel && !widget->isHidden()) others += widget->sizeHint().width() + row->spacing();
  }
  const bool roomy = QFontMetrics(bold).horizontalAdvance(full) <= width() - others;  // the row is as wide as the view
  m_rangeLabel->setText(roomy ? full : tr("%1 %2").arg(where, range));
  if (!roomy) m_back->setText(tr("All heads"));
  m_rangeLabel->setToolTip(full);
  const QColor color = inside ? QColor(0, 120, 86) : heatmap::boundaryColor();
  m_rangeLabel->setStyleSheet(QStringLiteral("color: %1; font-weight: bold").arg(color.name()));
}

void AttentionView::resizeEvent(QResizeEvent* event) {
  PlotFigureView::resizeEvent(event);
  updateRangeLabel();  // the long or the brief form, for the new width
}

void AttentionView::showSnapshot(const TrainingSnapshot& snapshot) {
  if (snapshot.experiment != m_experiment) setExperiment(snapshot.experiment);
  if (snapshot.attention == m_probe) return;  // the same picture: nothing to redo
  m_probe = snapshot.attention;
  const AttentionProbe* probe = m_probe.get();
  const auto T = static_cast<std::size_t>(probe ? probe->length() : 0);
  const bool usable = probe && T > 0 && probe->layers > 0 && probe->heads > 0;
  const std::size_t expected = usable ? static_cast<std::size_t>(probe->layers) * probe->heads * T * T : 0;
  Q_ASSERT(!usable || probe->weights.size() == expected);  // a malformed probe is the worker's bug
  if (!usable || probe->weights.size() != expected) {
    showEmpty();
    requestReplot();
    return;
  }
  if (!m_probeLengthSynced) {
    // The worker chose the first probe; later the spin box is the user's, never overwritten.
    const QSignalBlocker blocker(m_length);
    m_length->setValue(probe->inputLength);
    m_probeLengthSynced = true;
    updateRangeLabel();
  }
  if (!layoutMatchesProbe()) buildPanels();
  fillPanels();
  requestReplot();
}

void AttentionView::clear() {
  m_probe.reset();
  m_enlarged.reset();
  m_back->hide();
  setExperiment(nullptr);
  showEmpty();
  requestReplot();
}

void AttentionView::showEmpty() {
  heatmap::showMessage(*plot(), m_marginGroups,
                       tr("No attention yet.\nStart training: where each head looks on a probe input appears here."));
  m_panels.clear();
  m_shape = {};
  m_mapGrid = nullptr;
  plot()->plotLayout()->setMargins(QMargins());
  m_title = m_caption = m_hint = nullptr;
  m_headers.clear();
  m_scale = nullptr;
  m_builtLayers = m_builtHeads = 0;
}

// One head per layer: the layers side by side rather than stacked, so that each map can be as
// tall as the view instead of a fraction of it.
bool AttentionView::layersAcross() const { return !m_enlarged && m_builtHeads == 1 && m_builtLayers > 1; }

bool AttentionView::layoutMatchesProbe() const {
  if (m_panels.empty() || m_builtLayers != m_probe->layers || m_builtHeads != m_probe->heads) return false;
  return !m_enlarged || (m_enlarged->layer < m_probe->layers && m_enlarged->head < m_probe->heads);
}

void AttentionView::enlarge(int layer, int head) {
  if (!m_probe || m_panels.empty() || layer < 0 || head < 0 || layer >= m_probe->layers ||
      head >= m_probe->heads) {
    return;
  }
  m_enlarged = Head{layer, head};
  m_back->show();
  updateRangeLabel();  // one more button in the row
  buildPanels();
  fillPanels();
  requestReplot();
}

void AttentionView::showAllHeads() {
  if (!m_enlarged) return;
  m_enlarged.reset();
  m_back->hide();
  updateRangeLabel();
  if (m_panels.empty()) return;
  buildPanels();
  fillPanels();
  requestReplot();
}

QCPColorMap* AttentionView::colorMap(int layer, int head) const {
  for (const Panel& panel : m_panels) {
    if (panel.head.layer == layer && panel.head.head == head) return panel.map;
  }
  return nullptr;
}

std::pair<QCPItemStraightLine*, QCPItemStraightLine*> AttentionView::boundaryLines(int layer, int head) const {
  for (const Panel& panel : m_panels) {
    if (panel.head.layer == layer && panel.head.head == head) return {panel.keyLine, panel.queryLine};
  }
  return {nullptr, nullptr};
}

// Layout: title / [map grid | colour scale] / [caption | hint]. The map grid has a header row
// ("head 1", ...) above one row of maps per layer; with one head per layer, one row of layers;
// enlarged, one header and one map.
void AttentionView::buildPanels() {
  heatmap::resetPlot(*plot(), m_marginGroups);
  m_panels.clear();
  m_shape = {};
  m_builtLayers = m_probe->layers;
  m_builtHeads = m_probe->heads;
  QCPLayoutElement* body = buildFrame();
  addPanelTitles(*m_mapGrid);
  const bool across = layersAcross();
  if (m_enlarged) {
    m_panels.push_back(addPanel(*m_mapGrid, 1, 0, *m_enlarged));
  } else {
    for (int l = 0; l < m_builtLayers; ++l) {
      for (int h = 0; h < m_builtHeads; ++h) {
        m_panels.push_back(addPanel(*m_mapGrid, across ? 1 : 1 + l, across ? l : h, Head{l, h}));
      }
    }
  }
  const int rows = m_enlarged || across ? 1 : m_builtLayers;
  const int columns = m_enlarged ? 1 : across ? m_builtLayers : m_builtHeads;
  alignPanels(rows, columns);
  m_shape = heatmap::GridShape{m_mapGrid, 1, rows, columns, {}, body, m_scale, m_keyTicker.data(),
                               m_queryTicker.data(), m_probe->length()};
  for (const Panel& panel : m_panels) m_shape.rects.push_back(panel.rect);
}

// Everything but the maps: title, the body holding the (empty) map grid and the colour scale,
// and the footer. Returns the body.
QCPLayoutElement* AttentionView::buildFrame() {
  QCPLayoutGrid* layout = plot()->plotLayout();
  layout->setAutoMargins(QCP::msNone);  // set by heatmap::refineGrid()
  layout->setMargins(QMargins());
  m_title = new QCPTextElement(plot(), QString(), style::titleFont());
  layout->addElement(0, 0, m_title);
  auto* body = new QCPLayoutGrid;
  body->setAutoMargins(QCP::msNone);
  layout->addElement(1, 0, body);
  m_mapGrid = new QCPLayoutGrid;
  m_mapGrid->setColumnSpacing(10);
  m_mapGrid->setRowSpacing(10);
  body->addElement(0, 0, m_mapGrid);
  m_scale = heatmap::addColorScale(*plot(), style::sequentialGradient(), tr("attention weight"), QCPRange(0, 1));
  m_scale->setAutoMargins(QCP::msNone);  // aligned with the maps by heatmap::refineGrid()
  body->addElement(0, 1, m_scale);
  auto* footer = new QCPLayoutGrid;
  layout->addElement(2, 0, footer);
  m_caption = new QCPTextElement(plot(), QString(), style::legendFont());
  m_caption->setTextColor(heatmap::boundaryColor());
  m_hint = new QCPTextElement(plot(), QString(), style::legendFont());
  m_hint->setTextColor(QColor(90, 90, 90));
  footer->addElement(0, 0, m_caption);
  footer->addElement(0, 1, m_hint);
  footer->setColumnSpacing(24);
  return body;
}

// Aligned edges: a margin group per map column (left, right; its header joins) and per map
// row (top, bottom).
void AttentionView::alignPanels(int rows, int columns) {
  for (int c = 0; c < columns; ++c) m_marginGroups.push_back(new QCPMarginGroup(plot()));
  for (int r = 0; r < rows; ++r) m_marginGroups.push_back(new QCPMarginGroup(plot()));
  for (std::size_t k = 0; k < m_panels.size(); ++k) {
    const int r = static_cast<int>(k) / columns, c = static_cast<int>(k) % columns;
    m_panels[k].rect->setMarginGroup(QCP::msLeft | QCP::msRight, m_marginGroups[c]);
    m_panels[k].rect->setMarginGroup(QCP::msTop | QCP::msBottom, m_marginGroups[columns + r]);
  }
  for (int c = 0; c < columns; ++c) {  // headers centred over the maps, not over their labels
    QCPLayoutElement* header = m_mapGrid->element(0, c);
    header->setAutoMargins(QCP::msLeft | QCP::msRight);
    header->setMarginGroup(QCP::msLeft | QCP::msRight, m_marginGroups[c]);
  }
  m_mapGrid->setRowStretchFactor(0, 0.001);  // the header row keeps the height of its text
}

// Headers over the map columns, each with shorter forms for narrow maps ("head 1", "H1").
void AttentionView::addPanelTitles(QCPLayoutGrid& grid) {
  m_headers.clear();
  if (m_enlarged) {
    const int l = m_enlarged->layer + 1, h = m_enlarged->head + 1;
    m_headers.push_back({tr("layer %1, head %2").arg(l).arg(h), tr("L%1 H%2").arg(l).arg(h)});
  } else if (layersAcross()) {
    for (int l = 1; l <= m_builtLayers; ++l) m_headers.push_back({tr("layer %1").arg(l), tr("L%1").arg(l)});
  } else {
    for (int h = 1; h <= m_builtHeads; ++h) m_headers.push_back({tr("head %1").arg(h), tr("H%1").arg(h)});
  }
  for (std::size_t c = 0; c < m_headers.size(); ++c) {
    auto* header = new QCPTextElement(plot(), m_headers[c].first(), headerFont());
    header->setMinimumSize(1, 0);  // as wide as its map: fitTexts shortens the text instead
    // Centred over its map, and over tiny maps reaching into the gaps beside it.
    header->setTextFlags(Qt::AlignCenter | Qt::TextDontClip);
    grid.addElement(0, static_cast<int>(c), header);
  }
}

AttentionView::Panel AttentionView::addPanel(QCPLayoutGrid& grid, int row, int column, Head head) {
  Panel panel;
  panel.head = head;
  panel.rect = new QCPAxisRect(plot(), true);
  grid.addElement(row, column, panel.rect);
  heatmap::styleHeatmapRect(*panel.rect);
  panel.map = heatmap::addColorMap(*panel.rect, style::sequentialGradient());
  panel.map->setColorScale(m_scale);  // one fixed 0..1 scale: a colour means the same in every map
  QCPAxis* keys = panel.rect->axis(QCPAxis::atBottom);
  QCPAxis* queries = panel.rect->axis(QCPAxis::atLeft);
  keys->setTicker(m_keyTicker);
  queries->setTicker(m_queryTicker);
  keys->setTickLabelRotation(-90);  // upright labels would collide after two or three tokens
  // Every map shows the same tokens: label only the outer column and row, and leave the inner
  // maps without ticks, so that they sit close together.
  const bool single = m_enlarged || layersAcross();
  const bool leftColumn = column == 0, bottomRow = single || row == m_builtLayers;
  queries->setTickLabels(leftColumn);
  queries->setTicks(leftColumn);
  keys->setTickLabels(bottomRow);
  keys->setTicks(bottomRow);
  // Not QCustomPlot's 15 px around every map: just enough that the last query label of one row
  // and the first of the next (each half a line beyond its map) stay apart.
  panel.rect->setMinimumMargins(QMargins(0, 4, 0, 4));
  // Nor its 50 x 50 px minimum: sixteen maps in a laptop's dock would overflow the plot and
  // overlap; smaller maps still show where each head looks (and enlarge on a click).
  panel.rect->setMinimumSize(12, 12);
  if (leftColumn) queries->setLabel(single ? tr("query") : tr("layer %1\nquery").arg(head.layer + 1));
  if (bottomRow) keys->setLabel(tr("key"));
  panel.keyLine = heatmap::addBoundaryLine(*plot(), *panel.rect, Qt::Vertical, 0);
  panel.queryLine = heatmap::addBoundaryLine(*plot(), *panel.rect, Qt::Horizontal, 0);
  return panel;
}

void AttentionView::fillPanels() {
  const AttentionProbe& probe = *m_probe;
  const int T = probe.length();
  if (m_queryTicker->labels() != probe.tokens) {
    m_keyTicker->setLabels(m_numberedKeys ? QStringList() : probe.tokens);
    m_queryTicker->setLabels(probe.tokens);
  }
  m_shape.cells = T;  // a new probe length reuses the maps
  // The line sits between the last token the longest training sequence covers and the next.
  const bool boundaryInside = probe.trainBoundary > 0 && probe.trainBoundary < T;
  const double boundary = probe.trainBoundary - 0.5;
  for (Panel& panel : m_panels) {
    heatmap::setMatrix(*panel.map, probe.map(panel.head.layer, panel.head.head), T, T);
    panel.keyLine->point1->setCoords(boundary, 0);
    panel.keyLine->point2->setCoords(boundary, 1);
    panel.queryLine->point1->setCoords(0, boundary);
    panel.queryLine->point2->setCoords(1, boundary);
    panel.keyLine->setVisible(boundaryInside);
    panel.queryLine->setVisible(boundaryInside);
  }
  updateTitles();
}

void AttentionView::updateTitles() {
  const AttentionProbe& probe = *m_probe;
  const int n = probe.inputLength;
  const long step = probe.step;
  m_titles = QStringList{tr("Attention on a probe of length %1 (step %2)").arg(n).arg(step),
                         tr("Attention, probe length %1 (step %2)").arg(n).arg(step),
                         tr("Probe length %1, step %2").arg(n).arg(step)};
  const int boundary = probe.trainBoundary;
  const bool inside = boundary > 0 && boundary < probe.length();
  m_captions = inside ? QStringList{tr("– – –  end of the longest training sequence (%1 tokens)").arg(boundary),
                                    tr("– – –  longest training sequence: %1 tokens").arg(boundary),
                                    tr("– – –  trained up to %1 tokens").arg(boundary)}
                      : QStringList{tr("the whole probe fits in the longest training sequence"),
                                    tr("probe within the training length")};
  m_hintText = m_enlarged ? tr("click the map or press Esc to see all heads")
                          : tr("hover for weights · click a head to enlarge it");
  // The longest texts until fitTexts knows the room; it shortens them in the same layout pass.
  m_title->setText(m_titles.first());
  m_caption->setText(m_captions.first());
  m_hint->setText(m_hintText);
}

// Sizes are only known once QCustomPlot has laid the plot out: the maps settle first (their
// shape, tick steps, colour bar), then the texts that depend on the widths they leave; a text
// that changes height lets the maps settle again.
void AttentionView::fitToSize() {
  if (m_panels.empty()) return;
  for (int pass = 0; pass < 3; ++pass) {
    heatmap::refineGrid(*plot(), m_shape);
    if (!fitTexts()) return;
    style::relayout(*plot());
  }
}

// The most detailed title, headers and caption that fit; the hint beside the caption only when
// both fit on one line (else it lives in the maps' tooltips). True when a text changed.
bool AttentionView::fitTexts() {
  bool changed = false;
  auto show = [&changed](QCPTextElement& element, const QString& text) {
    if (element.text() == text) return;
    element.setText(text);
    changed = true;
  };
  const int width = plot()->viewport().width();
  show(*m_title, style::firstFitting(m_titles, m_title->font(), width - 8));
  for (std::size_t c = 0; c < m_headers.size(); ++c) {
    auto* header = static_cast<QCPTextElement*>(m_mapGrid->element(0, static_cast<int>(c)));
    const int room = header->rect().width() + m_mapGrid->columnSpacing() - 2;  // its map and a gap
    show(*header, style::firstFitting(m_headers[c], header->font(), room));
  }
  const QFontMetrics metrics(m_caption->font());
  const auto* footer = static_cast<QCPLayoutGrid*>(m_caption->layout());
  const int hintWidth = metrics.horizontalAdvance(m_hintText) + footer->columnSpacing() + 8;
  const bool withHint = metrics.horizontalAdvance(m_captions.first()) + hintWidth <= width - 8;
  show(*m_caption, style::firstFitting(m_captions, m_caption->font(), width - 8 - (withHint ? hintWidth : 0)));
  show(*m_hint, withHint ? m_hintText : QString());
  // Turned labels may reach past their map into the gap between rows, not into the next label.
  const double rowGap = m_mapGrid->rowSpacing();
  changed = style::fitAxisLabel(*m_scale->axis(), {tr("attention weight"), tr("weight")}, 2 * rowGap) || changed;
  const bool single = m_enlarged || layersAcross();
  for (const Panel& panel : m_panels) {
    QCPAxis* queries = panel.rect->axis(QCPAxis::atLeft);
    if (single || queries->label().isEmpty()) continue;  // "query" alone always fits
    const int l = panel.head.layer + 1;
    changed = style::fitAxisLabel(*queries, {tr("layer %1\nquery").arg(l), tr("layer %1").arg(l), tr("L%1").arg(l)},
                                  rowGap) ||
              changed;
  }
  changed = fitKeyLabels() || changed;
  if (changed) {
    // Caption and hint share the width; alone, the caption is centred under everything.
    static_cast<QCPLayoutGrid*>(m_caption->layout())->setColumnStretchFactors({1.0, withHint ? 1.0 : 0.001});
  }
  return changed;
}

// Turned key labels such as "100:<sep>" take more height than a short plot can spare: the keys
// then show positions only (the query axis and the tooltip still name the tokens), and go back
// to tokens once the maps would stay about as tall as those labels (80 %). True when that changed.
bool AttentionView::fitKeyLabels() {
  const QStringList& tokens = m_probe->tokens;
  const QFontMetricsF metrics(style::tickFont());
  double tokenLabels = 0, numberLabels = 0;  // their length, turned: the height they take
  for (int i = 0; i < tokens.size(); ++i) {
    tokenLabels = std::max(tokenLabels, metrics.horizontalAdvance(QStringLiteral("%1:%2").arg(i).arg(tokens.at(i))));
    numberLabels = std::max(numberLabels, metrics.horizontalAdvance(QString::number(i)));
  }
  const int map = m_panels.front().rect->rect().height();
  const double withTokens = m_numberedKeys ? map - (tokenLabels - numberLabels) : map;  // the maps' height
  const bool numbered = withTokens < 0.8 * tokenLabels;
  if (numbered == m_numberedKeys) return false;
  m_numberedKeys = numbered;
  m_keyTicker->setLabels(numbered ? QStringList() : tokens);
  return true;
}

const AttentionView::Panel* AttentionView::panelAt(const QPoint& position) const {
  for (const Panel& panel : m_panels) {
    if (panel.rect->rect().contains(position)) return &panel;
  }
  return nullptr;
}

void AttentionView::showCellToolTip(QMouseEvent* event) {
  const QPoint position = event->position().toPoint();
  const Panel* panel = m_probe ? panelAt(position) : nullptr;
  if (!panel) {
    QToolTip::hideText();
    return;
  }
  const int T = m_probe->length();
  const auto key = static_cast<int>(std::lround(panel->rect->axis(QCPAxis::atBottom)->pixelToCoord(position.x())));
  const auto query = static_cast<int>(std::lround(panel->rect->axis(QCPAxis::atLeft)->pixelToCoord(position.y())));
  if (key < 0 || query < 0 || key >= T || query >= T) {
    QToolTip::hideText();
    return;
  }
  const float weight = m_probe->map(panel->head.layer, panel->head.head)[query * T + key];
  QString text = tr("layer %1, head %2\nquery %3 (%4), key %5 (%6): weight %7")
                     .arg(panel->head.layer + 1)
                     .arg(panel->head.head + 1)
                     .arg(query)
                     .arg(m_probe->tokens.at(query))
                     .arg(key)
                     .arg(m_probe->tokens.at(key))
                     .arg(weight, 0, 'f', 2);
  if (key > query) text += tr("\n(a key after the query: hidden by the causal mask)");
  text += m_enlarged ? tr("\nclick or press Esc to see all heads") : tr("\nclick to enlarge this head");
  QToolTip::showText(event->globalPosition().toPoint(), text, plot(), panel->rect->rect());
}

void AttentionView::handleClick(QMouseEvent* event) {
  if (event->button() != Qt::LeftButton) return;
  const Panel* panel = panelAt(event->position().toPoint());
  if (!panel) return;
  if (m_enlarged) {
    showAllHeads();
  } else {
    const Head head = panel->head;  // enlarge() rebuilds the panels
    enlarge(head.layer, head.head);
  }
}

bool AttentionView::saveData(const QString& path) {
  QByteArray csv("layer,head,query,key,query_token,key_token,weight\n");
  if (m_probe && !m_panels.empty()) {
    const AttentionProbe& probe = *m_probe;
    const int T = probe.length();
    std::vector<QByteArray> tokens;
    for (const QString& token : probe.tokens) tokens.push_back(csv::field(token).toUtf8());
    csv.reserve(csv.size() + static_cast<qsizetype>(probe.weights.size()) * 32);
    for (int l = 0; l < probe.layers; ++l) {
      for (int h = 0; h < probe.heads; ++h) {
        const float* map = probe.map(l, h);
        const QByteArray prefix = QByteArray::number(l + 1) + ',' + QByteArray::number(h + 1) + ',';
        for (int i = 0; i < T; ++i) {
          for (int j = 0; j < T; ++j) {
            csv += prefix + QByteArray::number(i) + ',' + QByteArray::number(j) + ',' + tokens[i] + ',' +
                   tokens[j] + ',' + QByteArray::number(map[i * T + j], 'g', 6) + '\n';
          }
        }
      }
    }
  }
  return writeData(path, csv);
}

}  // namespace lengthlab
