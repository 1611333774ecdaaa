// TrainingCurvesView: the loss history on a logarithmic axis (leaving out what a log axis cannot
// show), one accuracy graph per test bin with one point per evaluation, the shared and aligned
// step axis, texts and tick labels that fit from a laptop's tab to a slide, the empty state, that
// an unchanged snapshot is not redrawn, and the exports.
#include "plot_style.h"
#include "training_curves_view.h"
#include "snapshot_fixture.h"

#include <QtTest>
#include <qcustomplot.h>

#include <cmath>
#include <limits>
#include <utility>

using namespace lengthlab;

Q_DECLARE_METATYPE(lengthlab::FigureFormat)

namespace {

QByteArray readAll(const QString& path) {
  QFile file(path);
  return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QCPAxis* lossAxis(const TrainingCurvesView& view) { return view.lossRect()->axis(QCPAxis::atLeft); }

// The vertical extent of a left axis's turned label: centred on its rect, as long as its text.
std::pair<double, double> labelExtent(const QCPAxis& axis) {
  const double length = QFontMetricsF(axis.labelFont()).horizontalAdvance(axis.label());
  const double centre = axis.axisRect()->rect().center().y();
  return {centre - length / 2, centre + length / 2};
}

// True when neighbouring tick labels of axis keep apart: side by side by half their widths each,
// one above the other by a line.
bool tickLabelsApart(const QCPAxis& axis) {
  const QVector<double> ticks = axis.tickVector();
  const QVector<QString> labels = axis.tickVectorLabels();
  const QFontMetricsF metrics(axis.tickLabelFont());
  for (int k = 1; k < ticks.size(); ++k) {
    const double distance = std::abs(axis.coordToPixel(ticks[k]) - axis.coordToPixel(ticks[k - 1]));
    const double needed = axis.orientation() == Qt::Horizontal
                              ? (metrics.horizontalAdvance(labels[k - 1]) + metrics.horizontalAdvance(labels[k])) / 2
                              : metrics.height();
    if (distance < needed) return false;
  }
  return true;
}

}  // namespace

class TestTrainingCurvesView : public QObject {
  Q_OBJECT

 private slots:
  void lossAxisIsLogarithmic() {
    TrainingCurvesView view;
    view.showSnapshot(test::syntheticSnapshot());
    QCOMPARE(lossAxis(view)->scaleType(), QCPAxis::stLogarithmic);
    QVERIFY(!lossAxis(view)->ticker().dynamicCast<QCPAxisTickerLog>().isNull());
  }

  void lossGraphHoldsTheWholeHistory() {
    TrainingCurvesView view;
    const TrainingSnapshot s = test::syntheticSnapshot();
    view.showSnapshot(s);
    const auto& history = *s.lossHistory;
    QCPGraph* graph = view.lossGraph();
    QCOMPARE(graph->valueAxis(), lossAxis(view));
    QCOMPARE(graph->dataCount(), static_cast<int>(history.size()));
    for (int i = 0; i < graph->dataCount(); ++i) {
      QCOMPARE(graph->data()->at(i)->key, double(history[i].step));
      QCOMPARE(graph->data()->at(i)->value, history[i].loss);
    }
  }

  // The range is whole decades around the data: it only moves when the loss crosses a power of 10.
  void lossRangeIsTheDecadesAroundTheHistory() {
    TrainingCurvesView view;
    view.showSnapshot(test::syntheticSnapshot());  // loss from 5.01 down to about 0.02
    QCOMPARE(lossAxis(view)->range().lower, 0.01);
    QCOMPARE(lossAxis(view)->range().upper, 10.0);
  }

  void lossesALogAxisCannotShowAreLeftOut() {
    TrainingCurvesView view;
    TrainingSnapshot s = test::syntheticSnapshot();
    s.lossHistory = std::make_shared<std::vector<LossPoint>>(
        std::vector<LossPoint>{{1, 2.0},
                               {2, 0.0},
                               {3, -1.0},
                               {4, std::numeric_limits<double>::quiet_NaN()},
                               {5, std::numeric_limits<double>::infinity()},
                               {6, 0.5}});
    view.showSnapshot(s);
    QCOMPARE(view.lossGraph()->dataCount(), 2);
    QCOMPARE(view.lossGraph()->data()->at(1)->key, 6.0);
    QVERIFY(lossAxis(view)->range().lower > 0.0);
  }

  void oneAccuracyGraphPerBinWithOnePointPerEvaluation() {
    TrainingCurvesView view;
    const TrainingSnapshot s = test::syntheticSnapshot();
    view.showSnapshot(s);
    const auto& evaluations = *s.evaluations;
    QCOMPARE(view.binGraphCount(), 3);
    const QStringList names{"1-50", "51-100", "101-150"};
    for (int b = 0; b < 3; ++b) {
      QCPGraph* graph = view.binGraph(b);
      QCOMPARE(graph->name(), names[b]);
      QCOMPARE(graph->pen().color(), style::seriesColor(b));
      QVERIFY(graph->scatterStyle().shape() != QCPScatterStyle::ssNone);
      QCOMPARE(graph->valueAxis(), view.accuracyRect()->axis(QCPAxis::atLeft));
      QCOMPARE(graph->dataCount(), static_cast<int>(evaluations.size()));
      for (int k = 0; k < graph->dataCount(); ++k) {
        QCOMPARE(graph->data()->at(k)->key, double(evaluations[k].step));
        QCOMPARE(graph->data()->at(k)->value, 100.0 * evaluations[k].binAccuracy[b]);
      }
      QVERIFY(view.plot()->legend->hasItemWithPlottable(graph));
    }
  }

  void chanceLineIsAtTheRandomBaselineAcrossAllSteps() {
    TrainingCurvesView view;
    TrainingSnapshot s = test::syntheticSnapshot();
    auto experiment = test::syntheticExperiment();
    experiment->randomBaseline = 0.5;
    s.experiment = experiment;
    view.showSnapshot(s);
    QCPGraph* chance = view.chanceGraph();
    const QCPRange steps = view.accuracyRect()->axis(QCPAxis::atBottom)->range();
    QCOMPARE(chance->valueAxis(), view.accuracyRect()->axis(QCPAxis::atLeft));
    QCOMPARE(chance->dataCount(), 2);
    QCOMPARE(chance->data()->at(0)->key, steps.lower);
    QCOMPARE(chance->data()->at(1)->key, steps.upper);
    QCOMPARE(chance->data()->at(0)->value, 50.0);
    QCOMPARE(chance->data()->at(1)->value, 50.0);
    QCOMPARE(chance->pen().style(), Qt::DashLine);
  }

  void accuracyAxisIsAFixedPercentRange() {
    TrainingCurvesView view;
    view.showSnapshot(test::syntheticSnapshot());
    const QCPRange range = view.accuracyRect()->axis(QCPAxis::atLeft)->range();
    QVERIFY(range.lower < 0.0 && range.lower > -10.0);
    QVERIFY(range.upper > 100.0 && range.upper < 110.0);
  }

  void bothRectsShareAStepAxisFromZeroToTheStepsSoFar() {
    TrainingCurvesView view;
    TrainingSnapshot s = test::syntheticSnapshot();  // steps up to 3000, the run's step limit
    view.showSnapshot(s);
    const QCPRange top = view.lossRect()->axis(QCPAxis::atBottom)->range();
    const QCPRange bottom = view.accuracyRect()->axis(QCPAxis::atBottom)->range();
    QCOMPARE(top, bottom);
    QCOMPARE(top.lower, 0.0);
    QVERIFY(top.upper >= 3000.0 && top.upper < 3100.0);  // the limit, with room for the last marker

    // A run far from its limit fills the axis: 0 to the next 1-2-5 step past the newest step.
    auto experiment = std::make_shared<ExperimentSummary>(*s.experiment);
    experiment->maxSteps = 30000;
    s.experiment = experiment;
    view.showSnapshot(s);
    const QCPRange early = view.accuracyRect()->axis(QCPAxis::atBottom)->range();
    QVERIFY2(early.upper >= 5000.0 && early.upper < 5200.0, qPrintable(QString::number(early.upper)));
    QVERIFY(!view.lossRect()->axis(QCPAxis::atBottom)->tickLabels());  // labels once, at the bottom
    QCOMPARE(view.accuracyRect()->axis(QCPAxis::atBottom)->label(), QString("training step"));
  }

  void rectsAreStackedAndAligned() {
    TrainingCurvesView view;
    view.resize(900, 560);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.showSnapshot(test::syntheticSnapshot());
    view.plot()->replot();
    const QRect loss = view.lossRect()->rect(), accuracy = view.accuracyRect()->rect();
    QVERIFY(loss.bottom() < accuracy.top());
    QCOMPARE(loss.left(), accuracy.left());
    QCOMPARE(loss.right(), accuracy.right());
    QVERIFY(!view.plot()->legend->outerRect().intersects(accuracy));
  }

  void textsFitFromALaptopTabToASlide_data() {
    QTest::addColumn<QSize>("size");
    QTest::newRow("laptop") << QSize(480, 300);
    QTest::newRow("tab") << QSize(680, 330);
    QTest::newRow("slide") << QSize(1600, 1000);
  }
  void textsFitFromALaptopTabToASlide() {
    QFETCH(QSize, size);
    TrainingCurvesView view;
    view.resize(size);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    TrainingSnapshot s = test::syntheticSnapshot();
    auto experiment = std::make_shared<ExperimentSummary>(*s.experiment);
    experiment->taskName = "Interleaved binary majority";  // the longest name
    experiment->positional = "ape-reg";
    experiment->maxSteps = 30000;
    s.experiment = experiment;
    view.showSnapshot(s);
    view.plot()->replot();
    QCPTextElement* title = view.titleElement();
    QVERIFY(QFontMetricsF(title->font()).horizontalAdvance(title->text()) <= title->rect().width());
    QVERIFY(title->text().contains("Interleaved binary majority"));
    // The turned labels of the stacked rects do not run into each other.
    QVERIFY(labelExtent(*lossAxis(view)).second < labelExtent(*view.accuracyRect()->axis(QCPAxis::atLeft)).first);
    for (QCPAxisRect* rect : {view.lossRect(), view.accuracyRect()}) {
      for (QCPAxis* axis : rect->axes()) {
        if (axis->visible() && axis->tickLabels()) {
          QVERIFY2(tickLabelsApart(*axis), qPrintable(QStringList(axis->tickVectorLabels().toList()).join(' ')));
        }
      }
    }
    // The last step label and the legend stay inside the plot.
    QCPAxis* steps = view.accuracyRect()->axis(QCPAxis::atBottom);
    const double last = steps->coordToPixel(steps->tickVector().last());
    QVERIFY(last + QFontMetricsF(steps->tickLabelFont()).horizontalAdvance(steps->tickVectorLabels().last()) / 2 <=
            size.width());
    const QRect legend = view.plot()->legend->outerRect();
    QVERIFY(view.plot()->viewport().contains(legend));
    for (int i = 0; i < view.plot()->legend->itemCount(); ++i) {
      if (QCPAbstractLegendItem* item = view.plot()->legend->item(i)) {
        QVERIFY(item->outerRect().width() >= item->minimumOuterSizeHint().width());
      }
    }
  }

  void titleNamesTheTaskAndThePositionalVariant() {
    TrainingCurvesView view;
    view.showSnapshot(test::syntheticSnapshot());
    QVERIFY(view.titleElement()->text().contains("Unique copy"));
    QVERIFY(view.titleElement()->text().contains("APE"));
  }

  void emptySnapshotShowsTheHintAndNoData() {
    TrainingCurvesView view;
    view.showSnapshot(TrainingSnapshot{});
    QVERIFY(view.hintItem()->visible());
    QVERIFY(view.lossGraph()->data()->isEmpty());
    QCOMPARE(view.binGraphCount(), 0);
    view.showSnapshot(test::syntheticSnapshot());
    QVERIFY(!view.hintItem()->visible());
    view.clear();
    QVERIFY(view.hintItem()->visible());
    QVERIFY(view.lossGraph()->data()->isEmpty());
  }

  void sameSnapshotTwiceDuplicatesNothing() {
    TrainingCurvesView view;
    const TrainingSnapshot s = test::syntheticSnapshot();
    view.showSnapshot(s);
    const int graphs = view.plot()->graphCount(), entries = view.plot()->legend->itemCount();
    view.showSnapshot(s);
    QCOMPARE(view.plot()->graphCount(), graphs);
    QCOMPARE(view.plot()->legend->itemCount(), entries);
    QCOMPARE(view.binGraph(0)->dataCount(), 3);
    QCOMPARE(view.lossGraph()->dataCount(), static_cast<int>(s.lossHistory->size()));
  }

  void unchangedHistoryIsNotRedrawn() {
    TrainingCurvesView view;
    TrainingSnapshot s = test::syntheticSnapshot();
    view.showSnapshot(s);
    view.lossGraph()->data()->clear();  // a marker: only a redraw would refill it
    s.step += 10;
    view.showSnapshot(s);
    QVERIFY(view.lossGraph()->data()->isEmpty());
    auto longer = std::make_shared<std::vector<LossPoint>>(*s.lossHistory);
    longer->push_back({3005, 0.02});
    s.lossHistory = longer;
    view.showSnapshot(s);
    QCOMPARE(view.lossGraph()->dataCount(), static_cast<int>(longer->size()));
  }

  void aNewExperimentWithOtherBinsGetsItsOwnGraphs() {
    TrainingCurvesView view;
    view.showSnapshot(test::syntheticSnapshot());
    TrainingSnapshot s;
    auto experiment = test::syntheticExperiment();
    experiment->testBins = {{1, 20}, {21, 40}};
    s.experiment = experiment;
    view.showSnapshot(s);
    QCOMPARE(view.binGraphCount(), 2);
    QCOMPARE(view.binGraph(1)->name(), QString("21-40"));
    QCOMPARE(view.plot()->legend->itemCount(), 2 + 1);  // and chance
    QVERIFY(view.binGraph(0)->data()->isEmpty());
  }

  void exportsTheFigure_data() {
    QTest::addColumn<FigureFormat>("format");
    QTest::addColumn<QByteArray>("signature");
    QTest::newRow("png") << FigureFormat::Png << QByteArray("\x89PNG\r\n\x1a\n");
    QTest::newRow("svg") << FigureFormat::Svg << QByteArray("<svg");
    QTest::newRow("pdf") << FigureFormat::Pdf << QByteArray("%PDF-");
  }
  void exportsTheFigure() {
    QFETCH(FigureFormat, format);
    QFETCH(QByteArray, signature);
    QTemporaryDir dir;
    TrainingCurvesView view;
    view.showSnapshot(test::syntheticSnapshot());
    const QString path = dir.filePath(view.figureName() + "." + figureExtension(format));
    QVERIFY2(view.saveFigure(path, format, FigureSize{{900, 560}, 96}), qPrintable(view.lastError()));
    const QByteArray bytes = readAll(path);
    QVERIFY2(bytes.size() > 5000, qPrintable(QString::number(bytes.size())));
    if (format == FigureFormat::Svg)
      QVERIFY(bytes.startsWith("<?xml") || bytes.contains(signature));
    else
      QVERIFY(bytes.startsWith(signature));
  }

  // One row per step with a loss point or an evaluation; accuracy cells empty between evaluations.
  void savesStepLossAndAccuracyPerBinAsCsv() {
    QTemporaryDir dir;
    TrainingCurvesView view;
    const TrainingSnapshot s = test::syntheticSnapshot();
    view.showSnapshot(s);
    const QString path = dir.filePath("curves.csv");
    QVERIFY2(view.saveData(path), qPrintable(view.lastError()));
    const QStringList lines = QString::fromUtf8(readAll(path)).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines[0], QString("step,loss,acc_1-50,acc_51-100,acc_101-150"));
    QCOMPARE(lines.size(), 1 + static_cast<int>(s.lossHistory->size()) + 3);  // no loss at steps 1000..3000
    QVERIFY(lines[1].startsWith("1,5.00"));
    QVERIFY(lines[1].endsWith(",,,"));
    QVERIFY(lines.contains("1000,,50,40,30"));
    QVERIFY(lines.contains("3000,,100,100,90"));
    long previous = -1;
    for (int i = 1; i < lines.size(); ++i) {
      const long step = lines[i].section(',', 0, 0).toLong();
      QVERIFY(step > previous);
      previous = step;
    }
  }

  void saveDataReportsAnUnwritablePath() {
    TrainingCurvesView view;
    view.showSnapshot(test::syntheticSnapshot());
    QVERIFY(!view.saveData("/nonexistent-dir/curves.csv"));
    QVERIFY(!view.lastError().isEmpty());
  }
};

QTEST_MAIN(TestTrainingCurvesView)
#include "tst_training_curves_view.moc"
