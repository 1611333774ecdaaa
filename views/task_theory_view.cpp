#include "task_theory_view.h"

#include "csv.h"

#include <QAbstractTextDocumentLayout>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QImage>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPainter>
#include <QPdfWriter>
#include <QScrollBar>
#include <QStackedWidget>
#include <QSvgGenerator>
#include <QTextBrowser>
#include <QTextDocument>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace lengthlab {
namespace {

// Sizes for the back row of a classroom; the figure uses the same ones.
constexpr int kBasePointSize = 13;
constexpr int kDocumentMargin = 18;
constexpr double kThreshold = 0.75;  // PAPER.md section 3 (tasks/verdict.h; views do not link tasks/)

// Okabe-Ito bluish green and vermillion, darkened so that white bold text on them stays readable
// on a washed-out projector. A tick or cross goes with every colour for colour-blind viewers.
const QString kGeneralizesColor = QStringLiteral("#00785a");
const QString kFailsColor = QStringLiteral("#b94a00");
const QString kNeutralBox = QStringLiteral("#eeeeee");
const QString kCodeBox = QStringLiteral("#f3f3f3");
const QString kMutedText = QStringLiteral("#555555");

QString emptyText() { return QObject::tr("Choose a task and press Start"); }
QString esc(const QString& s) { return s.toHtmlEscaped(); }
QString rangeText(const LengthBin& b) { return QStringLiteral("%1-%2").arg(b.lo).arg(b.hi); }
QString mark(bool yes) { return yes ? QStringLiteral("\u2713") : QStringLiteral("\u2717"); }
QString yesNo(bool yes) { return yes ? QStringLiteral("yes") : QStringLiteral("no"); }

QString positionalLabel(const QString& id) {
  if (id == "ape") return QObject::tr("APE (learned absolute positions)");
  if (id == "nope") return QObject::tr("NoPE (no positional encoding)");
  if (id == "ape-reg") return QObject::tr("APE + regulariser");
  return id;
}

QString shortPositionalLabel(const QString& id) {
  if (id == "ape") return QStringLiteral("APE");
  if (id == "nope") return QStringLiteral("NoPE");
  if (id == "ape-reg") return QObject::tr("APE + regulariser");
  return id;
}

QString familyLabel(const QString& family) {
  if (family == "algorithmic") return QObject::tr("Algorithmic task");
  if (family == "formal") return QObject::tr("Formal language");
  return family;
}

// The C-RASP fragment that decides the prediction: NoPE has only the causal mask, so no
// positional predicates; APE (with or without the regulariser) has periodic and local ones.
bool usesPlainCrasp(const ExperimentSummary& e) { return e.positional == "nope"; }

// The first test bin that starts after the training lengths: the one the verdict is taken on.
std::optional<LengthBin> verdictBin(const ExperimentSummary& e) {
  for (const LengthBin& b : e.testBins) {
    if (b.lo > e.train.hi) return b;
  }
  return std::nullopt;
}

// A full-width coloured box. Qt's rich text pads table cells, not paragraphs, hence the table.
QString box(const QString& innerHtml, const QString& background, const QString& color) {
  return QStringLiteral("<table width='100%' cellspacing='0' cellpadding='10' bgcolor='%2' "
                        "style='margin-top:6px; margin-bottom:6px'><tr><td style='color:%3'>%1"
                        "</td></tr></table>")
      .arg(innerHtml, background, color);
}

// Program text keeps its line breaks but still wraps a line too long for a narrow dock, so that
// the view never needs a horizontal scroll bar.
QString codeBox(const QString& text) {
  const QString family = QFontDatabase::systemFont(QFontDatabase::FixedFont).family();
  return box(QStringLiteral("<p style=\"font-family:'%1'; font-size:%2pt; white-space:pre-wrap; margin:0\">%3</p>")
                 .arg(family)
                 .arg(kBasePointSize - 1)
                 .arg(esc(text)),
             kCodeBox, "black");
}

// Keeps a short phrase ("C-RASP[periodic, local]", "lengths 1-50") on one line.
QString noWrap(const QString& text) {
  return QStringLiteral("<span style='white-space:nowrap'>%1</span>").arg(esc(text));
}

QString sectionHeading(const QString& title) {
  return QStringLiteral("<p style='font-size:%1pt; font-weight:bold; margin-top:14px; "
                        "margin-bottom:2px'>%2</p>")
      .arg(kBasePointSize + 2)
      .arg(esc(title));
}

QString headerHtml(const ExperimentSummary& e, bool withFigureTitle) {
  QString html;
  if (withFigureTitle) {
    html += QStringLiteral("<p style='color:%1; margin:0'>%2</p>")
                .arg(kMutedText, esc(QObject::tr("Task and theory")));
  }
  html += QStringLiteral("<p style='font-size:%1pt; font-weight:bold; margin:0'>%2</p>")
              .arg(kBasePointSize + 9)
              .arg(esc(e.taskName));
  html += QStringLiteral("<p style='color:%1; margin-top:2px'>%2 \u00b7 %3 \u00b7 %4 \u00b7 %5</p>")
              .arg(kMutedText, noWrap(familyLabel(e.family)), esc(e.taskId), noWrap(positionalLabel(e.positional)),
                   noWrap(QObject::tr("trained on lengths %1").arg(rangeText(e.train))));
  return html;
}

QString predictionHtml(const ExperimentSummary& e) {
  const bool yes = e.predictedToGeneralize;
  const QString headline =
      QObject::tr("%1 The theory predicts: %2")
          .arg(mark(yes), yes ? QObject::tr("generalizes beyond the training lengths")
                              : QObject::tr("does not generalize beyond the training lengths"));
  const QString fragment = usesPlainCrasp(e) ? "C-RASP[]" : "C-RASP[periodic, local]";
  const QString because = QObject::tr("because with %1 the task is %2")
                              .arg(esc(shortPositionalLabel(e.positional)),
                                   (yes ? QObject::tr("in") : QObject::tr("not in")) + ' ' + noWrap(fragment));
  QString html = box(QStringLiteral("<span style='font-size:%1pt; font-weight:bold'>%2</span><br>%3")
                         .arg(kBasePointSize + 3)
                         .arg(esc(headline), because),
                     yes ? kGeneralizesColor : kFailsColor, "white");
  if (e.paperBins && e.testBins.size() == 3) {
    QStringList percents, bins;
    for (int b = 0; b < 3; ++b) {
      percents << QString::number((*e.paperBins)[static_cast<std::size_t>(b)], 'f', 1);
      bins << rangeText(e.testBins[static_cast<std::size_t>(b)]);
    }
    html += QStringLiteral("<p style='margin-top:2px'>%1</p>")
                .arg(esc(QObject::tr("The paper measured %1% exact match on lengths %2.")
                             .arg(percents.join(" / "), bins.join(" / "))));
  }
  return html;
}

QString verdictHtml(const ExperimentSummary& e, const std::optional<Verdict>& v) {
  QString html;
  if (!v) {
    const auto bin = verdictBin(e);
    const QString waiting =
        bin ? QObject::tr("This run: no verdict yet. It comes with the first evaluation of lengths %1.")
                  .arg(rangeText(*bin))
            : QObject::tr("This run: no verdict, since no test bin lies beyond the training lengths.");
    html += box(esc(waiting), kNeutralBox, "black");
  } else if (!v->trainingLengthsLearned) {
    const QString pending =
        QObject::tr("This run: no verdict yet. The model gets %1% of lengths %2 right; the verdict waits "
                    "for %3%, since a model that has not learned its training lengths says nothing "
                    "about longer ones. So far: normalized accuracy %4 on lengths %5.")
            .arg(100 * v->inDistribution.value_or(0.0), 0, 'f', 1)
            .arg(rangeText(e.train))
            .arg(100 * v->learnedThreshold, 0, 'f', 0)
            .arg(v->normalized, 0, 'f', 2)
            .arg(rangeText(v->bin));
    html += box(esc(pending), kNeutralBox, "black");
  } else {
    const QString outcome = v->generalizes ? QObject::tr("%1 This run generalizes").arg(mark(true))
                                           : QObject::tr("%1 This run does not generalize").arg(mark(false));
    const QString agreement = v->agreesWithTheory ? QObject::tr("agrees with the theory")
                                                  : QObject::tr("DISAGREES with the theory");
    // Each number stays on one line with its name when the box wraps.
    const QString numbers =
        QObject::tr("%1 on lengths %2 (%3, %4)")
            .arg(noWrap(QObject::tr("normalized accuracy %1").arg(v->normalized, 0, 'f', 2)), noWrap(rangeText(v->bin)),
                 noWrap(QObject::tr("accuracy %1%").arg(100 * v->accuracy, 0, 'f', 1)),
                 noWrap(QObject::tr("chance %1%").arg(100 * e.randomBaseline, 0, 'f', 1)));
    html += box(QStringLiteral("<span style='font-size:%1pt; font-weight:bold'>%2 \u2014 %3</span><br>%4")
                    .arg(kBasePointSize + 3)
                    .arg(esc(outcome), esc(agreement), numbers),
                v->generalizes ? kGeneralizesColor : kFailsColor, "white");
  }
  html += QStringLiteral("<p style='color:%1; margin-top:2px'>%2</p>")
              .arg(kMutedText, esc(QObject::tr("Rule: a run generalizes when (accuracy \u2212 chance) / "
                                               "(1 \u2212 chance) \u2265 %1 on the first test bin beyond "
                                               "the training lengths.")
                                       .arg(kThreshold)));
  return html;
}

QString craspHtml(const ExperimentSummary& e) {
  const bool plain = usesPlainCrasp(e);
  // The fragment that decides this run's prediction is bold and says so.
  const auto row = [](bool thisRun, bool in, const QString& fragment, const QString& variant) {
    const QString line = QStringLiteral("%1 In %2: %3 \u2014 %4").arg(mark(in), fragment, yesNo(in), variant);
    // One weight per line: SVG viewers re-measure text, and mixed runs can then overlap.
    return thisRun ? QStringLiteral("<p style='margin:2px 0px'><b>%1</b></p>")
                         .arg(esc(line + ' ' + QObject::tr("(this run)")))
                   : QStringLiteral("<p style='margin:2px 0px'>%1</p>").arg(esc(line));
  };
  QString html = sectionHeading(QObject::tr("Where the task sits in C-RASP"));
  html += row(!plain, e.craspApe, "C-RASP[periodic, local]", QObject::tr("the prediction for APE"));
  html += row(plain, e.craspNope, "C-RASP[]", QObject::tr("the prediction for NoPE"));
  if (!e.craspProgram.isEmpty()) {
    html += codeBox(e.craspProgram);
  } else {
    const QString why = e.craspApe ? QObject::tr("none is written out for this task yet")
                                   : QObject::tr("the task lies outside C-RASP, so no program exists");
    html += QStringLiteral("<p style='margin-top:6px'><i>%1</i></p>")
                .arg(esc(QObject::tr("No C-RASP program: %1.").arg(why)));
  }
  return html;
}

QString experimentHtml(const ExperimentSummary& e, const std::optional<Verdict>& v, bool withFigureTitle) {
  QString html = headerHtml(e, withFigureTitle) + predictionHtml(e) + verdictHtml(e, v);
  html += sectionHeading(QObject::tr("The task"));
  html += QStringLiteral("<p style='margin-top:0px'>%1</p>").arg(esc(e.description));
  if (!e.exampleText.isEmpty()) {
    html += sectionHeading(QObject::tr("An example")) + codeBox(e.exampleText);
  }
  return html + craspHtml(e);
}

QString emptyHtml() {
  return QStringLiteral("<p align='center' style='font-size:%1pt; color:%2'>%3</p>")
      .arg(kBasePointSize + 5)
      .arg(kMutedText, esc(emptyText()));
}

QFont baseFont() {
  QFont font;
  font.setPointSize(kBasePointSize);
  return font;
}

bool sameVerdict(const std::optional<Verdict>& a, const std::optional<Verdict>& b) {
  if (a.has_value() != b.has_value()) return false;
  if (!a) return true;
  return a->bin.lo == b->bin.lo && a->bin.hi == b->bin.hi && a->accuracy == b->accuracy &&
         a->normalized == b->normalized && a->generalizes == b->generalizes &&
         a->agreesWithTheory == b->agreesWithTheory && a->inDistribution == b->inDistribution &&
         a->trainingLengthsLearned == b->trainingLengthsLearned;
}

}  // namespace

TaskTheoryView::TaskTheoryView(QWidget* parent)
    : FigureView(parent),
      m_pages(new QStackedWidget(this)),
      m_emptyLabel(new QLabel(emptyText(), this)),
      m_browser(new QTextBrowser(this)) {
  QFont emptyFont = baseFont();
  emptyFont.setPointSize(kBasePointSize + 5);
  m_emptyLabel->setFont(emptyFont);
  m_emptyLabel->setAlignment(Qt::AlignCenter);
  m_emptyLabel->setWordWrap(true);
  m_emptyLabel->setStyleSheet(QStringLiteral("color: %1; background: white").arg(kMutedText));
  // White like the plots beside it, whatever the desktop theme: the colours below assume it.
  m_browser->setStyleSheet(QStringLiteral("QTextBrowser { background: white; color: black; }"));
  m_browser->setFont(baseFont());
  m_browser->document()->setDocumentMargin(kDocumentMargin);
  m_browser->setFrameShape(QFrame::NoFrame);
  m_browser->setOpenLinks(false);
  m_browser->setContextMenuPolicy(Qt::CustomContextMenu);
  connect(m_browser, &QWidget::customContextMenuRequested, this, &TaskTheoryView::showContextMenu);
  m_pages->addWidget(m_emptyLabel);
  m_pages->addWidget(m_browser);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(m_pages);
  setMinimumSize(260, 200);
}

QString TaskTheoryView::text() const {
  return m_experiment ? m_browser->toPlainText() : emptyText();
}

void TaskTheoryView::showSnapshot(const TrainingSnapshot& snapshot) {
  if (!snapshot.experiment) {
    if (m_experiment) clear();
    return;
  }
  // Ten snapshots a second mostly differ in the step: only a new experiment or verdict is news.
  if (snapshot.experiment == m_experiment && sameVerdict(snapshot.verdict, m_verdict)) return;
  const bool sameExperiment = snapshot.experiment == m_experiment;
  m_experiment = snapshot.experiment;
  m_verdict = snapshot.verdict;
  // A reader scrolled down to the program keeps their place when a new verdict arrives.
  const int scroll = m_browser->verticalScrollBar()->value();
  rebuild();
  if (sameExperiment) m_browser->verticalScrollBar()->setValue(scroll);
}

void TaskTheoryView::clear() {
  m_experiment.reset();
  m_verdict.reset();
  m_browser->clear();
  m_pages->setCurrentWidget(m_emptyLabel);
}

void TaskTheoryView::rebuild() {
  ++m_rebuilds;
  m_browser->setHtml(experimentHtml(*m_experiment, m_verdict, false));
  m_pages->setCurrentWidget(m_browser);
}

bool TaskTheoryView::paintFigure(QPaintDevice& device, const QSize& logical) const {
  QTextDocument document;
  document.setDefaultFont(baseFont());
  document.setDocumentMargin(kDocumentMargin);
  // Lay the text out for the target's resolution, not the screen's, so that sizes in points
  // come out the same on every device.
  document.documentLayout()->setPaintDevice(&device);
  document.setHtml(m_experiment ? experimentHtml(*m_experiment, m_verdict, true) : emptyHtml());
  // Shrink the whole page (wider layout, smaller scale) until the text fits the height.
  double scale = 1.0;
  for (int attempt = 0; attempt < 40; ++attempt) {
    document.setTextWidth(logical.width() / scale);
    if (document.size().height() * scale <= logical.height()) break;
    scale *= 0.93;
  }
  QPainter painter;
  if (!painter.begin(&device)) return false;
  painter.setRenderHint(QPainter::Antialiasing);
  painter.fillRect(QRect(QPoint(0, 0), logical), Qt::white);
  painter.scale(scale, scale);
  document.drawContents(&painter);
  return painter.end();
}

bool TaskTheoryView::saveFigure(const QString& path, FigureFormat format, const FigureSize& size) {
  const QSize logical = size.logical;
  bool ok = false;
  switch (format) {
    case FigureFormat::Png: {
      const double scale = size.dpi / 96.0;
      QImage image(logical * scale, QImage::Format_ARGB32_Premultiplied);
      image.setDevicePixelRatio(scale);
      // Points become pixels at 96 dpi while painting, whatever the screen; the requested dpi
      // is only written into the file afterwards.
      image.setDotsPerMeterX(qRound(96 / 0.0254));
      image.setDotsPerMeterY(qRound(96 / 0.0254));
      ok = paintFigure(image, logical);
      image.setDotsPerMeterX(qRound(size.dpi / 0.0254));
      image.setDotsPerMeterY(qRound(size.dpi / 0.0254));
      ok = ok && image.save(path, "PNG");
      break;
    }
    case FigureFormat::Svg: {
      QSvgGenerator generator;
      generator.setFileName(path);
      generator.setSize(logical);
      generator.setViewBox(QRect(QPoint(0, 0), logical));
      generator.setResolution(96);
      generator.setTitle(figureTitle());
      ok = paintFigure(generator, logical);
      break;
    }
    case FigureFormat::Pdf: {
      QPdfWriter writer(path);
      writer.setTitle(figureTitle());
      writer.setResolution(96);
      writer.setPageMargins(QMarginsF(0, 0, 0, 0));
      // 96 dpi pixels to 72 dpi points: the page is exactly the logical size.
      writer.setPageSize(QPageSize(QSizeF(logical) * 0.75, QPageSize::Point, QString(), QPageSize::ExactMatch));
      ok = paintFigure(writer, logical);
      break;
    }
  }
  // Neither QSvgGenerator nor QPdfWriter reports a failed write: check that the file is there.
  ok = ok && QFileInfo(path).size() > 0;
  if (!ok) setLastError(tr("could not write %1").arg(path));
  return ok;
}

bool TaskTheoryView::saveData(const QString& path) {
  QList<std::pair<QString, QString>> rows;
  if (m_experiment) {
    const ExperimentSummary& e = *m_experiment;
    rows = {{"task_id", e.taskId},
            {"task_name", e.taskName},
            {"family", e.family},
            {"description", e.description},
            {"example", e.exampleText},
            {"positional", e.positional},
            {"train_lengths", rangeText(e.train)},
            {"in_crasp_periodic_local", yesNo(e.craspApe)},
            {"in_crasp_plain", yesNo(e.craspNope)},
            {"crasp_program", e.craspProgram},
            {"predicted_to_generalize", yesNo(e.predictedToGeneralize)},
            {"random_baseline", QString::number(e.randomBaseline, 'g', 6)},
            {"threshold", QString::number(kThreshold)}};
    if (m_verdict) {
      rows += {{"verdict_bin", rangeText(m_verdict->bin)},
               {"verdict_accuracy", QString::number(m_verdict->accuracy, 'g', 6)},
               {"verdict_normalized", QString::number(m_verdict->normalized, 'g', 6)},
               {"verdict_training_lengths_learned", yesNo(m_verdict->trainingLengthsLearned)},
               {"verdict_generalizes", yesNo(m_verdict->generalizes)},
               {"verdict_agrees_with_theory", yesNo(m_verdict->agreesWithTheory)}};
    }
  }
  QString content = QStringLiteral("field,value\n");
  for (const auto& [field, value] : rows) content += field + ',' + csv::field(value) + '\n';
  return writeData(path, content.toUtf8());
}

void TaskTheoryView::showContextMenu(const QPoint& position) {
  std::unique_ptr<QMenu> menu(m_browser->createStandardContextMenu());
  menu->addSeparator();
  menu->addAction(tr("Export as PNG…"), this, [this] { exportInteractively(FigureFormat::Png); });
  menu->addAction(tr("Export as SVG…"), this, [this] { exportInteractively(FigureFormat::Svg); });
  menu->addAction(tr("Export as PDF…"), this, [this] { exportInteractively(FigureFormat::Pdf); });
  menu->addAction(tr("Export data as CSV…"), this, [this] { exportDataInteractively(); });
  menu->exec(m_browser->viewport()->mapToGlobal(position));
}

void TaskTheoryView::exportInteractively(FigureFormat format) {
  // A text figure is exported as the reader sees it: the view's width, tall enough for all of
  // the text; 192 dpi keeps PNG text sharp on slides.
  FigureSize size;
  const int width = std::max(600, m_browser->viewport()->width());
  const int height = static_cast<int>(std::ceil(m_browser->document()->size().height()));
  size.logical = QSize(width, std::max(400, height));
  size.dpi = 192;
  const QString extension = figureExtension(format);
  const QString path = QFileDialog::getSaveFileName(
      this, tr("Export %1").arg(figureTitle()), figureName() + "." + extension,
      tr("%1 files (*.%2)").arg(extension.toUpper(), extension));
  if (path.isEmpty()) return;
  if (!saveFigure(path, format, size)) QMessageBox::warning(this, tr("Export failed"), lastError());
}

void TaskTheoryView::exportDataInteractively() {
  const QString path = QFileDialog::getSaveFileName(this, tr("Export data of %1").arg(figureTitle()),
                                                    figureName() + ".csv", tr("CSV files (*.csv)"));
  if (path.isEmpty()) return;
  if (!saveData(path)) QMessageBox::warning(this, tr("Export failed"), lastError());
}

}  // namespace lengthlab
