// AccuracyLengthView: what it plots for the synthetic snapshot (the newest evaluation bold, earlier
// ones fading, the trained band, chance, the paper's bin averages), its fixed ranges, its empty
// state, that an unchanged snapshot is not redrawn, a title and tick labels that fit a laptop's
// dock, and its figure and CSV exports.
#include "accuracy_length_view.h"
#include "snapshot_fixture.h"

#include <QtTest>
#include <qcustomplot.h>

#include <cmath>

using namespace lengthlab;

Q_DECLARE_METATYPE(lengthlab::FigureFormat)

namespace {

const EvaluationPoint& newestOf(const TrainingSnapshot& s) { return s.evaluations->back(); }

// n evaluations at steps 100, 200, ..., each with accuracy k / n at every length.
std::shared_ptr<std::vector<EvaluationPoint>> evaluationsAtSteps(int n) {
  auto evaluations = std::make_shared<std::vector<EvaluationPoint>>();
  for (int k = 1; k <= n; ++k) {
    EvaluationPoint p;
    p.step = 100L * k;
    for (int length = 1; length <= 150; ++length) {
      p.lengths.push_back(length);
      p.lengthAccuracy.push_back(static_cast<double>(k) / n);
    }
    p.binAccuracy = {0.5, 0.5, 0.5};
    evaluations->push_back(p);
  }
  return evaluations;
}

QByteArray readAll(const QString& path) {
  QFile file(path);
  return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

}  // namespace

class TestAccuracyLengthView : public QObject {
  Q_OBJECT

 private slots:
  void newestEvaluationIsTheBoldGraphWithPercentPerLength() {
    AccuracyLengthView view;
    const TrainingSnapshot s = test::syntheticSnapshot();
    view.showSnapshot(s);
    const EvaluationPoint& newest = newestOf(s);
    QCPGraph* graph = view.newestGraph();
    QCOMPARE(graph->dataCount(), static_cast<int>(newest.lengths.size()));
    for (int i = 0; i < graph->dataCount(); ++i) {
      QCOMPARE(graph->data()->at(i)->key, double(newest.lengths[i]));
      QCOMPARE(graph->data()->at(i)->value, 100.0 * newest.lengthAccuracy[i]);
    }
    QCOMPARE(graph->name(), QString("step 3000"));
    QVERIFY(graph->pen().widthF() >= 2.5);
  }

  void earlierEvaluationsAreThinnerAndFadeWithAge() {
    AccuracyLengthView view;
    const TrainingSnapshot s = test::syntheticSnapshot();
    view.showSnapshot(s);
    QCOMPARE(view.earlierGraph(1)->data()->at(150 - 1)->value,
             100.0 * (*s.evaluations)[1].lengthAccuracy.back());
    QCOMPARE(view.earlierGraph(2)->data()->at(150 - 1)->value,
             100.0 * (*s.evaluations)[0].lengthAccuracy.back());
    for (int age = 3; age <= AccuracyLengthView::kEarlierShown; ++age)
      QVERIFY(view.earlierGraph(age)->data()->isEmpty());
    const double boldWidth = view.newestGraph()->pen().widthF();
    int previousAlpha = view.newestGraph()->pen().color().alpha();
    for (int age = 1; age <= AccuracyLengthView::kEarlierShown; ++age) {
      const QPen pen = view.earlierGraph(age)->pen();
      QVERIFY(pen.widthF() < boldWidth);
      QVERIFY2(pen.color().alpha() < previousAlpha, qPrintable(QString("age %1").arg(age)));
      previousAlpha = pen.color().alpha();
    }
  }

  void onlyTheNewestFewEvaluationsAreDrawnFromAFixedPool() {
    AccuracyLengthView view;
    TrainingSnapshot s = test::syntheticSnapshot();
    view.showSnapshot(s);
    const int graphs = view.plot()->graphCount();
    s.evaluations = evaluationsAtSteps(40);
    view.showSnapshot(s);
    QCOMPARE(view.plot()->graphCount(), graphs);
    QCOMPARE(view.plottedSteps(), (QVector<long>{3500, 3600, 3700, 3800, 3900, 4000}));
    QCOMPARE(view.newestGraph()->data()->at(0)->value, 100.0);
    QCOMPARE(view.earlierGraph(5)->data()->at(0)->value, 100.0 * 35 / 40);
  }

  // Lengths are integers: the band runs from train.lo - 0.5 to train.hi + 0.5 so that it covers
  // exactly the points of the trained lengths, from 0 to 100 %.
  void trainedBandCoversExactlyTheTrainedLengths() {
    AccuracyLengthView view;
    const TrainingSnapshot s = test::syntheticSnapshot();
    view.showSnapshot(s);
    QCPGraph* band = view.trainRangeGraph();
    QCOMPARE(band->dataCount(), 2);
    QCOMPARE(band->data()->at(0)->key, s.experiment->train.lo - 0.5);
    QCOMPARE(band->data()->at(1)->key, s.experiment->train.hi + 0.5);
    QCOMPARE(band->data()->at(0)->value, 100.0);
    QCOMPARE(band->data()->at(1)->value, 100.0);
    QVERIFY(band->brush().style() != Qt::NoBrush);
    QCOMPARE(band->name(), QString("trained lengths"));
  }

  void axesCoverEveryTestLengthAndAFixedPercentRange() {
    AccuracyLengthView view;
    TrainingSnapshot s = test::syntheticSnapshot();
    view.showSnapshot(s);
    const QCPRange x = view.plot()->xAxis->range();
    QCOMPARE(x.lower, 0.5);
    QCOMPARE(x.upper, s.experiment->maxTestLength + 0.5);
    const QCPRange y = view.plot()->yAxis->range();
    QVERIFY(y.lower < 0.0 && y.upper > 100.0);
    s.evaluations = evaluationsAtSteps(2);  // other accuracies: the y range does not move
    view.showSnapshot(s);
    QCOMPARE(view.plot()->yAxis->range(), y);
    QCOMPARE(view.plot()->xAxis->label(), QString("input length n"));
    QCOMPARE(view.plot()->yAxis->label(), QString("exact match (%)"));
  }

  void paperSegmentsSitOverTheirBinsAtThePapersValues() {
    AccuracyLengthView view;
    const TrainingSnapshot s = test::syntheticSnapshot();
    view.showSnapshot(s);
    QCPGraph* paper = view.paperGraph();
    QCOMPARE(paper->name(), QString("paper (APE)"));
    QVector<QPair<double, double>> solid;
    int gaps = 0;
    for (auto it = paper->data()->constBegin(); it != paper->data()->constEnd(); ++it) {
      if (std::isnan(it->value))
        ++gaps;
      else
        solid.push_back({it->key, it->value});
    }
    QCOMPARE(gaps, 2);  // three separate segments
    const auto& bins = s.experiment->testBins;
    QCOMPARE(solid.size(), 6);
    for (int b = 0; b < 3; ++b) {
      const double expected = (*s.experiment->paperBins)[b];
      QCOMPARE(solid[2 * b], qMakePair(double(bins[b].lo), expected));
      QCOMPARE(solid[2 * b + 1], qMakePair(double(bins[b].hi), expected));
    }
  }

  void noPaperSegmentsWithoutPaperBins() {
    AccuracyLengthView view;
    TrainingSnapshot s = test::syntheticSnapshot();
    auto experiment = test::syntheticExperiment();
    experiment->paperBins.reset();
    s.experiment = experiment;
    view.showSnapshot(s);
    QVERIFY(view.paperGraph()->data()->isEmpty());
    QVERIFY(!view.plot()->legend->hasItemWithPlottable(view.paperGraph()));
  }

  void chanceLineIsAtTheRandomBaselineAcrossAllLengths() {
    AccuracyLengthView view;
    TrainingSnapshot s = test::syntheticSnapshot();
    auto experiment = test::syntheticExperiment();
    experiment->randomBaseline = 0.5;
    s.experiment = experiment;
    view.showSnapshot(s);
    QCPGraph* chance = view.chanceGraph();
    QCOMPARE(chance->dataCount(), 2);
    QCOMPARE(chance->data()->at(0)->value, 50.0);
    QCOMPARE(chance->data()->at(1)->value, 50.0);
    QCOMPARE(chance->data()->at(0)->key, 0.5);
    QCOMPARE(chance->data()->at(1)->key, 150.5);
    QCOMPARE(chance->pen().style(), Qt::DashLine);
  }

  void titleNamesTheTaskAndThePositionalVariant() {
    AccuracyLengthView view;
    view.showSnapshot(test::syntheticSnapshot());
    QVERIFY(view.titleElement()->text().contains("Unique copy"));
    QVERIFY(view.titleElement()->text().contains("APE"));
  }

  void emptySnapshotShowsTheHintAndNoData() {
    AccuracyLengthView view;
    view.showSnapshot(TrainingSnapshot{});
    QVERIFY(view.hintItem()->visible());
    QVERIFY(view.hintItem()->text().contains("Start training"));
    for (int i = 0; i < view.plot()->graphCount(); ++i) QVERIFY(view.plot()->graph(i)->data()->isEmpty());
    QCOMPARE(view.plot()->xAxis->range().lower, 0.5);
  }

  void experimentWithoutEvaluationsStillShowsTheHint() {
    AccuracyLengthView view;
    TrainingSnapshot s;
    s.experiment = test::syntheticExperiment();
    view.showSnapshot(s);
    QVERIFY(view.hintItem()->visible());
    QVERIFY(view.newestGraph()->data()->isEmpty());
    QCOMPARE(view.trainRangeGraph()->dataCount(), 2);
    s.evaluations = test::syntheticEvaluations();
    view.showSnapshot(s);
    QVERIFY(!view.hintItem()->visible());
  }

  void clearReturnsToTheEmptyState() {
    AccuracyLengthView view;
    view.showSnapshot(test::syntheticSnapshot());
    view.clear();
    QVERIFY(view.hintItem()->visible());
    QVERIFY(view.newestGraph()->data()->isEmpty());
    QVERIFY(view.trainRangeGraph()->data()->isEmpty());
    QVERIFY(view.plottedSteps().isEmpty());
  }

  void sameSnapshotTwiceDuplicatesNothing() {
    AccuracyLengthView view;
    const TrainingSnapshot s = test::syntheticSnapshot();
    view.showSnapshot(s);
    const int graphs = view.plot()->graphCount(), items = view.plot()->itemCount();
    const int points = view.newestGraph()->dataCount(), entries = view.plot()->legend->itemCount();
    view.showSnapshot(s);
    QCOMPARE(view.plot()->graphCount(), graphs);
    QCOMPARE(view.plot()->itemCount(), items);
    QCOMPARE(view.newestGraph()->dataCount(), points);
    QCOMPARE(view.plot()->legend->itemCount(), entries);
  }

  // Ten snapshots a second share their evaluation history: an unchanged pointer is not redrawn.
  void unchangedEvaluationsAreNotRedrawn() {
    AccuracyLengthView view;
    TrainingSnapshot s = test::syntheticSnapshot();
    view.showSnapshot(s);
    view.newestGraph()->data()->clear();  // a marker: only a redraw would refill it
    s.step += 10;
    s.loss = 0.01;
    view.showSnapshot(s);
    QVERIFY(view.newestGraph()->data()->isEmpty());
    s.evaluations = test::syntheticEvaluations();  // a new pointer: redrawn
    view.showSnapshot(s);
    QCOMPARE(view.newestGraph()->dataCount(), 150);
  }

  void legendLiesOutsideTheDataAndFitsTheWidth_data() {
    QTest::addColumn<QSize>("size");
    QTest::newRow("narrow dock") << QSize(560, 400);
    QTest::newRow("projector") << QSize(800, 500);
    QTest::newRow("slide") << QSize(1600, 1000);
  }
  void legendLiesOutsideTheDataAndFitsTheWidth() {
    QFETCH(QSize, size);
    AccuracyLengthView view;
    view.resize(size);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.showSnapshot(test::syntheticSnapshot());
    view.plot()->replot();
    QCOMPARE(view.plot()->viewport().size(), size);
    const QRect legend = view.plot()->legend->outerRect();
    QVERIFY(!legend.intersects(view.plot()->axisRect()->rect()));
    QVERIFY2(legend.left() >= 0 && legend.right() < size.width(),
             qPrintable(QString::number(legend.width())));
    int entries = 0;  // a wrapped legend also counts its empty cells as items
    for (int i = 0; i < view.plot()->legend->itemCount(); ++i)
      entries += view.plot()->legend->item(i) ? 1 : 0;
    QCOMPARE(entries, 5);
  }

  void titleAndTickLabelsFitALaptopDock() {
    AccuracyLengthView view;
    view.resize(480, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    TrainingSnapshot s = test::syntheticSnapshot();
    auto experiment = std::make_shared<ExperimentSummary>(*s.experiment);
    experiment->taskName = "Interleaved binary majority";  // the longest name
    experiment->positional = "ape-reg";
    s.experiment = experiment;
    view.showSnapshot(s);
    view.plot()->replot();
    QCPTextElement* title = view.titleElement();
    QVERIFY(QFontMetricsF(title->font()).horizontalAdvance(title->text()) <= title->rect().width());
    QVERIFY(title->text().contains("Interleaved binary majority"));
    QVERIFY(title->text().contains("APE + reg."));
    // Percent labels one above the other, a line apart at least.
    const QCPAxis* y = view.plot()->yAxis;
    const QVector<double> percent = y->tickVector();
    QVERIFY(percent.size() >= 3);
    for (int k = 1; k < percent.size(); ++k) {
      const double distance = std::abs(y->coordToPixel(percent[k]) - y->coordToPixel(percent[k - 1]));
      QVERIFY(distance >= QFontMetricsF(y->tickLabelFont()).height());
    }
  }

  void binMeansOfTheNewestEvaluationAreWrittenOverTheBins() {
    AccuracyLengthView view;
    const TrainingSnapshot s = test::syntheticSnapshot();
    view.showSnapshot(s);
    QStringList texts;
    for (int i = 0; i < view.plot()->itemCount(); ++i) {
      auto* text = qobject_cast<QCPItemText*>(view.plot()->item(i));
      if (text && text != view.hintItem() && text->visible()) texts << text->text();
    }
    QCOMPARE(texts, (QStringList{"mean 100.0 %", "mean 100.0 %", "mean 90.0 %"}));
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
    AccuracyLengthView view;
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

  void savesOneCsvRowPerLengthWithOneColumnPerPlottedStep() {
    QTemporaryDir dir;
    AccuracyLengthView view;
    const TrainingSnapshot s = test::syntheticSnapshot();
    view.showSnapshot(s);
    const QString path = dir.filePath("accuracy.csv");
    QVERIFY2(view.saveData(path), qPrintable(view.lastError()));
    const QStringList lines = QString::fromUtf8(readAll(path)).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 1 + 150);
    QCOMPARE(lines[0], QString("length,trained,chance,paper,step_1000,step_2000,step_3000"));
    QCOMPARE(lines[1], QString("1,1,0,100,100,100,100"));
    QCOMPARE(lines[51], QString("51,0,0,99.9,99,100,100"));
    QCOMPARE(lines[150], QString("150,0,0,98.7,0,50,100"));
  }

  void csvOfAnEmptyViewIsJustTheHeader() {
    QTemporaryDir dir;
    AccuracyLengthView view;
    const QString path = dir.filePath("empty.csv");
    QVERIFY(view.saveData(path));
    QCOMPARE(readAll(path), QByteArray("length,trained,chance,paper\n"));
  }

  void saveDataReportsAnUnwritablePath() {
    AccuracyLengthView view;
    view.showSnapshot(test::syntheticSnapshot());
    QVERIFY(!view.saveData("/nonexistent-dir/accuracy.csv"));
    QVERIFY(!view.lastError().isEmpty());
  }
};

QTEST_MAIN(TestAccuracyLengthView)
#include "tst_accuracy_length_view.moc"
