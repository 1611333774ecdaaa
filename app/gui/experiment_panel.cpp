#include "experiment_panel.h"

#include "experiment_json.h"
#include "length_ranges.h"
#include "task_registry.h"

#include <QApplication>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPainter>
#include <QRegularExpressionValidator>
#include <QScrollArea>
#include <QSpinBox>
#include <QStyledItemDelegate>
#include <QThread>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <cmath>

namespace lengthlab {
namespace {

// The command line evaluates 2000 examples per bin every 3000 steps, as the paper did: right for
// a table, far too slow for a class watching the accuracy curve. 300 examples per bin keep the
// standard error of a bin's accuracy under 3 points (enough to read the 0.75 threshold), and an
// evaluation every 200 steps redraws the curve every few seconds on a laptop while spending
// well under a tenth of the time on evaluation (three bins of 300 sequences cost about as much
// as a dozen training steps of 64 shorter ones).
constexpr int kGuiEvalCount = 300;
constexpr long kGuiEvalEvery = 200;

constexpr int kIdRole = Qt::UserRole;  // on task rows: the task id; group rows have none
const QColor kGeneralizesColor(0, 120, 90);  // Okabe-Ito bluish green, darkened
const QColor kFailsColor(185, 74, 0);        // Okabe-Ito vermillion, darkened
const QString kErrorStyle = QStringLiteral("color: #b00020");
const QString kBadFieldStyle = QStringLiteral("QLineEdit { border: 2px solid #b00020; }");

// Short numbers in the notation people type: 0.001, 1e-4, 3e-5.
QString formatNumber(double value) {
  if (value == 0 || std::abs(value) >= 1e-2) return QString::number(value, 'g', 6);
  const int exponent = static_cast<int>(std::floor(std::log10(std::abs(value))));
  const double mantissa = value / std::pow(10.0, exponent);
  return QString::number(mantissa, 'g', 6) + 'e' + QString::number(exponent);
}

// Numbers are read in the C locale whatever the desktop's, so "1e-4" and "0.001" always work.
std::optional<double> parseNumber(const QString& text) {
  bool ok = false;
  const double value = QLocale::c().toDouble(text.trimmed(), &ok);
  return ok && std::isfinite(value) ? std::optional<double>(value) : std::nullopt;
}

// Draws a task row's name, then its id in a smaller grey font in the room that is left.
class TaskNameDelegate : public QStyledItemDelegate {
 public:
  using QStyledItemDelegate::QStyledItemDelegate;

  void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override {
    const QString id = index.data(kIdRole).toString();
    if (id.isEmpty()) {
      QStyledItemDelegate::paint(painter, option, index);
      return;
    }
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QString name = opt.text;
    opt.text.clear();
    const QWidget* widget = opt.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);
    QRect rect = style->subElementRect(QStyle::SE_ItemViewItemText, &opt, widget).adjusted(2, 0, -2, 0);
    const bool selected = opt.state & QStyle::State_Selected;
    painter->save();
    painter->setPen(opt.palette.color(selected ? QPalette::HighlightedText : QPalette::Text));
    const QString shownName = opt.fontMetrics.elidedText(name, Qt::ElideRight, rect.width());
    painter->drawText(rect, Qt::AlignVCenter | Qt::AlignLeft, shownName);
    rect.setLeft(rect.left() + opt.fontMetrics.horizontalAdvance(shownName) + opt.fontMetrics.averageCharWidth());
    QFont small = opt.font;
    small.setPointSizeF(opt.font.pointSizeF() * 0.85);
    painter->setFont(small);
    const bool enabled = opt.state & QStyle::State_Enabled;
    const QColor grey = selected  ? opt.palette.color(QPalette::HighlightedText)
                        : enabled ? QColor(110, 110, 110)
                                  : opt.palette.color(QPalette::Disabled, QPalette::Text);
    painter->setPen(grey);
    painter->drawText(rect, Qt::AlignVCenter | Qt::AlignLeft, QFontMetrics(small).elidedText(id, Qt::ElideRight, rect.width()));
    painter->restore();
  }
};

QSpinBox* spinBox(const QString& name, int lo, int hi, QWidget* parent) {
  auto* box = new QSpinBox(parent);
  box->setObjectName(name);
  box->setRange(lo, hi);
  box->setGroupSeparatorShown(false);
  box->setAccelerated(true);
  return box;
}

QLineEdit* numberEdit(const QString& name, const QString& pattern, QWidget* parent) {
  auto* edit = new QLineEdit(parent);
  edit->setObjectName(name);
  edit->setValidator(new QRegularExpressionValidator(QRegularExpression(pattern), edit));
  return edit;
}

QLabel* errorLabel(const QString& name, QWidget* parent) {
  auto* label = new QLabel(parent);
  label->setObjectName(name);
  label->setStyleSheet(kErrorStyle);
  label->setWordWrap(true);
  label->hide();
  return label;
}

}  // namespace

// The fields read back into a config; the ones that do not parse keep m_base's value and say why.
struct ExperimentPanel::Parsed {
  TrainingConfig config;
  QString binsError;
  QStringList numberErrors;
};

ExperimentPanel::ExperimentPanel(QWidget* parent) : QWidget(parent) {
  auto* content = new QWidget;
  // Bold group titles let the eye find "Model" or "Training" at a glance; style sheets do not
  // pass fonts on to children, so the fields stay regular.
  content->setStyleSheet(QStringLiteral("QGroupBox { font-weight: bold; }"));
  auto* column = new QVBoxLayout(content);
  column->setContentsMargins(6, 6, 6, 6);
  column->addWidget(buildTaskGroup());
  column->addWidget(buildLengthsGroup());
  column->addWidget(buildModelGroup());
  column->addWidget(buildTrainingGroup());
  column->addStretch(1);
  // A 1366x768 laptop does not fit every field: the groups scroll, the problems stay in view.
  auto* scroll = new QScrollArea(this);
  scroll->setWidget(content);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  m_note = new QLabel(this);
  m_note->setObjectName("note");
  m_note->setWordWrap(true);
  m_problems = errorLabel("problems", this);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(scroll, 1);
  layout->addWidget(m_note);
  layout->addWidget(m_problems);
  for (QLabel* label : {m_note, m_problems}) label->setContentsMargins(8, 4, 8, 6);
  connectEdits();
  m_base.evalCount = kGuiEvalCount;
  m_base.evalEvery = kGuiEvalEvery;
  showConfig(m_base);
}

QWidget* ExperimentPanel::buildTaskGroup() {
  auto* group = new QGroupBox(tr("Task"));
  m_search = new QLineEdit(group);
  m_search->setObjectName("taskSearch");
  m_search->setPlaceholderText(tr("Search tasks (name or id)"));
  m_search->setClearButtonEnabled(true);
  m_tree = new QTreeWidget(group);
  m_tree->setObjectName("taskTree");
  m_tree->setColumnCount(2);
  m_tree->setHeaderLabels({tr("Task"), tr("With APE")});
  m_tree->setItemDelegateForColumn(0, new TaskNameDelegate(m_tree));
  m_tree->setRootIsDecorated(false);
  m_tree->setIndentation(10);
  m_tree->setUniformRowHeights(true);
  m_tree->header()->setStretchLastSection(false);
  m_tree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
  m_tree->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
  m_tree->setMinimumHeight(fontMetrics().height() * 14);
  m_noMatch = new QLabel(group);
  m_noMatch->hide();
  fillTaskTree();
  auto* layout = new QVBoxLayout(group);
  layout->addWidget(m_search);
  layout->addWidget(m_tree);
  layout->addWidget(m_noMatch);
  return group;
}

void ExperimentPanel::fillTaskTree() {
  QFont groupFont = m_tree->font();
  groupFont.setBold(true);
  QTreeWidgetItem* groups[2] = {new QTreeWidgetItem(m_tree, {tr("Algorithmic tasks")}),
                                new QTreeWidgetItem(m_tree, {tr("Formal languages")})};
  for (QTreeWidgetItem* group : groups) {
    group->setFlags(Qt::ItemIsEnabled);  // a heading, not a choice
    group->setFont(0, groupFont);
    group->setFirstColumnSpanned(true);
  }
  for (const Task* task : allTasks()) {
    const TaskInfo& info = task->info();
    auto* item = new QTreeWidgetItem(groups[info.family == TaskFamily::Formal ? 1 : 0]);
    item->setText(0, QString::fromStdString(info.name));
    item->setData(0, kIdRole, QString::fromStdString(info.id));
    item->setToolTip(0, QStringLiteral("<b>%1</b> (%2)<br>%3")
                            .arg(QString::fromStdString(info.name).toHtmlEscaped(), QString::fromStdString(info.id),
                                 QString::fromStdString(info.description).toHtmlEscaped()));
    // A tick or cross with the colour, for colour-blind readers.
    item->setText(1, info.craspApe ? tr("\u2713 generalizes") : tr("\u2717 fails"));
    item->setForeground(1, info.craspApe ? kGeneralizesColor : kFailsColor);
    item->setToolTip(1, info.craspApe ? tr("In C-RASP[periodic, local]: the theory predicts that APE generalizes")
                                      : tr("Not in C-RASP[periodic, local]: the theory predicts that APE fails"));
  }
  m_tree->expandAll();
}

QWidget* ExperimentPanel::buildLengthsGroup() {
  auto* group = new QGroupBox(tr("Lengths"));
  m_trainLo = spinBox("trainLo", 0, 100000, group);
  m_trainHi = spinBox("trainHi", 0, 100000, group);
  auto* range = new QHBoxLayout;
  range->addWidget(m_trainLo, 1);
  range->addWidget(new QLabel(tr("to"), group));
  range->addWidget(m_trainHi, 1);
  m_testBins = new QLineEdit(group);
  m_testBins->setObjectName("testBins");
  m_testBins->setPlaceholderText("1-50,51-100,101-150");
  m_testBins->setToolTip(tr("Test lengths as ranges LO-HI separated by commas; each bin is evaluated on its own"));
  m_testBinsError = errorLabel("testBinsError", group);
  auto* form = new QFormLayout(group);
  form->addRow(tr("Train"), range);
  form->addRow(tr("Test bins"), m_testBins);
  form->addRow(m_testBinsError);
  return group;
}

QWidget* ExperimentPanel::buildModelGroup() {
  auto* group = new QGroupBox(tr("Model"));
  m_layers = spinBox("layers", 1, 48, group);
  m_heads = spinBox("heads", 1, 64, group);
  m_dModel = spinBox("dModel", 1, 4096, group);
  m_dModel->setToolTip(tr("The width d-model of the residual stream; the heads split it evenly"));
  m_positional = new QComboBox(group);
  m_positional->setObjectName("positional");
  m_positional->addItem(tr("APE"), static_cast<int>(PositionalEncoding::Ape));
  m_positional->addItem(tr("NoPE"), static_cast<int>(PositionalEncoding::Nope));
  m_positional->addItem(tr("APE + regulariser"), static_cast<int>(PositionalEncoding::ApeReg));
  m_positional->setItemData(0, tr("Learned absolute position embeddings"), Qt::ToolTipRole);
  m_positional->setItemData(1, tr("No positional encoding: the causal mask is the only source of position"), Qt::ToolTipRole);
  m_positional->setItemData(2, tr("APE, plus a penalty on the purely positional attention logits"), Qt::ToolTipRole);
  m_regCoef = numberEdit("regCoef", R"([0-9]*\.?[0-9]*([eE][-+]?[0-9]*)?)", group);
  m_regCoef->setToolTip(tr("Weight of the regulariser, e.g. 1e-4 (the paper's value)"));
  auto* form = new QFormLayout(group);
  form->addRow(tr("Layers"), m_layers);
  form->addRow(tr("Heads"), m_heads);
  // "d-model" is the word the validation messages use.
  form->addRow(tr("Width (d-model)"), m_dModel);
  form->addRow(tr("Positional encoding"), m_positional);
  form->addRow(tr("Regulariser weight"), m_regCoef);
  return group;
}

QWidget* ExperimentPanel::buildTrainingGroup() {
  auto* group = new QGroupBox(tr("Training"));
  m_learningRate = numberEdit("learningRate", R"([0-9]*\.?[0-9]*([eE][-+]?[0-9]*)?)", group);
  m_learningRate->setToolTip(tr("Peak learning rate of AdamW, decayed linearly to 0, e.g. 1e-3"));
  m_batch = spinBox("batch", 1, 4096, group);
  m_steps = spinBox("steps", 1, 10'000'000, group);
  m_steps->setToolTip(tr("The most steps to train; the run stops earlier once it is perfect in distribution"));
  m_seed = numberEdit("seed", R"(\d{0,20})", group);
  m_seed->setToolTip(tr("The same seed and thread count give the same run"));
  m_threads = spinBox("threads", 0, 256, group);
  m_threads->setSpecialValueText(tr("all %1 cores").arg(QThread::idealThreadCount()));
  m_threads->setToolTip(tr("0 uses every core of this computer (%1)").arg(QThread::idealThreadCount()));
  m_evalEvery = spinBox("evalEvery", 1, 10'000'000, group);
  m_evalEvery->setSuffix(tr(" steps"));
  m_evalCount = spinBox("evalCount", 1, 100000, group);
  m_evalCount->setToolTip(tr("Test examples per bin at every evaluation"));
  auto* form = new QFormLayout(group);
  form->addRow(tr("Learning rate"), m_learningRate);
  form->addRow(tr("Batch"), m_batch);
  form->addRow(tr("Steps"), m_steps);
  form->addRow(tr("Seed"), m_seed);
  form->addRow(tr("Threads"), m_threads);
  form->addRow(tr("Evaluate every"), m_evalEvery);
  form->addRow(tr("Examples per bin"), m_evalCount);
  return group;
}

void ExperimentPanel::connectEdits() {
  connect(m_search, &QLineEdit::textChanged, this, &ExperimentPanel::applyFilter);
  connect(m_tree, &QTreeWidget::currentItemChanged, this, &ExperimentPanel::onTaskItemChanged);
  connect(m_positional, &QComboBox::currentIndexChanged, this, &ExperimentPanel::onPositionalChanged);
  for (QSpinBox* box : {m_trainLo, m_trainHi, m_layers, m_heads, m_dModel, m_batch, m_steps, m_threads,
                        m_evalEvery, m_evalCount}) {
    connect(box, &QSpinBox::valueChanged, this, &ExperimentPanel::onFieldEdited);
  }
  for (QLineEdit* edit : {m_testBins, m_regCoef, m_learningRate, m_seed}) {
    connect(edit, &QLineEdit::textChanged, this, &ExperimentPanel::onFieldEdited);
  }
}

void ExperimentPanel::applyFilter(const QString& text) {
  const QString needle = text.trimmed();
  int shown = 0;
  for (int g = 0; g < m_tree->topLevelItemCount(); ++g) {
    QTreeWidgetItem* group = m_tree->topLevelItem(g);
    int shownInGroup = 0;
    for (int i = 0; i < group->childCount(); ++i) {
      QTreeWidgetItem* item = group->child(i);
      const bool match = item->text(0).contains(needle, Qt::CaseInsensitive) ||
                         item->data(0, kIdRole).toString().contains(needle, Qt::CaseInsensitive);
      item->setHidden(!match);
      shownInGroup += match ? 1 : 0;
    }
    group->setHidden(shownInGroup == 0);  // matches stay under their family's heading
    shown += shownInGroup;
  }
  m_noMatch->setText(tr("No task matches \u201c%1\u201d").arg(needle));
  m_noMatch->setVisible(shown == 0);
}

bool ExperimentPanel::selectTask(const QString& id) {
  const Task* task = findTask(id.toStdString());
  if (!task) return false;
  // A new task starts from its preset as the paper ran it, at the GUI's evaluation pace; only
  // the positional variant (the student's question) and the thread count carry over.
  TrainingConfig config = defaultTrainingConfig(*task, static_cast<PositionalEncoding>(m_positional->currentData().toInt()));
  config.evalCount = kGuiEvalCount;
  config.evalEvery = kGuiEvalEvery;
  config.threads = m_threads->value();  // a property of the computer, not of the task
  setConfig(config);
  return true;
}

void ExperimentPanel::onTaskItemChanged(QTreeWidgetItem* item) {
  if (m_updating || !item) return;
  const QString id = item->data(0, kIdRole).toString();
  if (id.isEmpty() || (m_task && id == QString::fromStdString(m_task->id()))) return;
  selectTask(id);
  emit configEdited();
}

void ExperimentPanel::onPositionalChanged() {
  const auto pe = static_cast<PositionalEncoding>(m_positional->currentData().toInt());
  m_regCoef->setEnabled(pe == PositionalEncoding::ApeReg);
  if (m_updating) return;
  // The paper chose different architectures for APE and NoPE: a new variant brings its model
  // preset; the lengths and training settings the user chose stay.
  if (m_task) {
    const TrainingConfig preset = defaultTrainingConfig(*m_task, pe);
    m_updating = true;
    m_layers->setValue(preset.layers);
    m_heads->setValue(preset.heads);
    m_dModel->setValue(preset.dModel);
    m_learningRate->setText(formatNumber(preset.learningRate));
    m_updating = false;
  }
  onFieldEdited();
}

void ExperimentPanel::onFieldEdited() {
  if (m_updating) return;
  refreshProblems();
  emit configEdited();
}

void ExperimentPanel::setConfig(const TrainingConfig& config) {
  m_base = config;
  showConfig(config);
  setCurrentTask(findTask(config.task));
}

void ExperimentPanel::showConfig(const TrainingConfig& c) {
  m_updating = true;
  m_trainLo->setValue(c.train.lo);
  m_trainHi->setValue(c.train.hi);
  m_testBins->setText(toString(c.testBins));
  m_layers->setValue(c.layers);
  m_heads->setValue(c.heads);
  m_dModel->setValue(c.dModel);
  m_positional->setCurrentIndex(m_positional->findData(static_cast<int>(c.positional)));
  m_regCoef->setText(formatNumber(c.regCoef));
  m_learningRate->setText(formatNumber(c.learningRate));
  m_batch->setValue(c.batchSize);
  m_steps->setValue(static_cast<int>(std::min<long>(c.steps, m_steps->maximum())));
  m_seed->setText(QString::number(c.seed));
  m_threads->setValue(c.threads);
  m_evalEvery->setValue(static_cast<int>(std::min<long>(c.evalEvery, m_evalEvery->maximum())));
  m_evalCount->setValue(c.evalCount);
  m_updating = false;
  m_regCoef->setEnabled(c.positional == PositionalEncoding::ApeReg);
  refreshProblems();
}

void ExperimentPanel::setCurrentTask(const Task* task) {
  const bool changed = task != m_task;
  m_task = task;
  const QString id = task ? QString::fromStdString(task->id()) : QString();
  QTreeWidgetItem* item = nullptr;
  for (QTreeWidgetItemIterator it(m_tree); *it && !id.isEmpty(); ++it) {
    if ((*it)->data(0, kIdRole).toString() == id) item = *it;
  }
  if (m_tree->currentItem() != item) {
    m_updating = true;
    m_tree->setCurrentItem(item);
    m_updating = false;
  }
  refreshProblems();
  if (changed && task) emit taskChanged(id);
}

ExperimentPanel::Parsed ExperimentPanel::parseFields() const {
  Parsed p{m_base, {}, {}};
  TrainingConfig& c = p.config;
  c.task = m_task ? m_task->id() : m_base.task;
  c.train = {m_trainLo->value(), m_trainHi->value()};
  try {
    c.testBins = parseLengthBins(m_testBins->text());
  } catch (const RangeSyntaxError& e) {
    p.binsError = QString::fromStdString(e.what());
  }
  c.layers = m_layers->value();
  c.heads = m_heads->value();
  c.dModel = m_dModel->value();
  c.positional = static_cast<PositionalEncoding>(m_positional->currentData().toInt());
  const auto number = [&](QLineEdit* edit, const QString& what, double& out) {
    if (const auto v = parseNumber(edit->text())) {
      out = *v;
    } else {
      p.numberErrors << tr("the %1 \u201c%2\u201d is not a number; write e.g. 1e-3 or 0.001").arg(what, edit->text());
    }
  };
  number(m_learningRate, tr("learning rate"), c.learningRate);
  if (c.positional == PositionalEncoding::ApeReg) number(m_regCoef, tr("regulariser coefficient"), c.regCoef);
  c.batchSize = m_batch->value();
  c.steps = m_steps->value();
  bool seedOk = false;
  const quint64 seed = m_seed->text().toULongLong(&seedOk);
  if (seedOk) c.seed = seed;
  else p.numberErrors << tr("the seed \u201c%1\u201d must be a whole number from 0 to 18446744073709551615").arg(m_seed->text());
  c.threads = m_threads->value();
  c.evalEvery = m_evalEvery->value();
  c.evalCount = m_evalCount->value();
  return p;
}

std::variant<TrainingConfig, QStringList> ExperimentPanel::config() const {
  const Parsed p = parseFields();
  QStringList problems;
  if (!p.binsError.isEmpty()) problems << p.binsError;
  problems << p.numberErrors;
  if (!m_task) {
    problems << (m_base.task.empty() ? tr("choose a task")
                                     : tr("unknown task \u201c%1\u201d").arg(QString::fromStdString(m_base.task)));
  } else {
    for (const std::string& problem : validate(p.config, *m_task)) problems << QString::fromStdString(problem);
  }
  if (!problems.isEmpty()) return problems;
  return p.config;
}

void ExperimentPanel::refreshProblems() {
  const Parsed p = parseFields();
  m_testBinsError->setText(p.binsError);
  m_testBinsError->setVisible(!p.binsError.isEmpty());
  m_testBins->setStyleSheet(p.binsError.isEmpty() ? QString() : kBadFieldStyle);
  for (QLineEdit* edit : {m_learningRate, m_regCoef, m_seed}) {
    const bool bad = edit->isEnabled() && !edit->hasAcceptableInput();
    edit->setStyleSheet(bad ? kBadFieldStyle : QString());
  }
  // Everything config() would refuse, except the bins' syntax, already shown under its field.
  QStringList shown;
  const auto result = config();
  if (const auto* problems = std::get_if<QStringList>(&result); problems && m_task) {
    for (const QString& problem : *problems) {
      if (problem != p.binsError) shown << "\u2022 " + problem;
    }
  }
  m_problems->setText(shown.join('\n'));
  m_problems->setVisible(!shown.isEmpty());
  refreshNote();
}

// A neutral line under the fields: why they cannot be edited, or where to begin.
void ExperimentPanel::refreshNote() {
  if (m_locked) {
    m_note->setText(tr("Settings are locked while a run is active: press Stop or Reset to change them."));
  } else if (!m_task) {
    m_note->setText(tr("Choose a task in the list: its preset fills in the settings."));
  } else {
    m_note->clear();
  }
  m_note->setVisible(!m_note->text().isEmpty());
}

void ExperimentPanel::setLocked(bool locked) {
  if (locked == m_locked) return;
  m_locked = locked;
  m_search->setEnabled(!locked);
  m_tree->setEnabled(!locked);
  m_positional->setEnabled(!locked);
  // Read-only rather than disabled: the settings of the running experiment stay legible.
  for (QSpinBox* box : {m_trainLo, m_trainHi, m_layers, m_heads, m_dModel, m_batch, m_steps, m_threads,
                        m_evalEvery, m_evalCount}) {
    box->setReadOnly(locked);
    box->setButtonSymbols(locked ? QAbstractSpinBox::NoButtons : QAbstractSpinBox::UpDownArrows);
  }
  for (QLineEdit* edit : {m_testBins, m_regCoef, m_learningRate, m_seed}) edit->setReadOnly(locked);
  refreshNote();
}

}  // namespace lengthlab
