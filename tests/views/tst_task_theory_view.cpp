// TaskTheoryView: fed the synthetic snapshot, it shows the task, a live example, the C-RASP
// status and program, the theory's prediction for the run's positional variant and, once there
// is one, the verdict with its agreement; it rebuilds its text only when the experiment or the
// verdict changes; its figure and CSV exports write real files (the CSV quoted properly).
#include "snapshot_fixture.h"
#include "task_theory_view.h"

#include <QFile>
#include <QImage>
#include <QTemporaryDir>
#include <QtTest>

using namespace lengthlab;

namespace {

TrainingSnapshot snapshotWith(std::shared_ptr<ExperimentSummary> experiment, std::optional<Verdict> verdict) {
  TrainingSnapshot s = test::syntheticSnapshot();
  s.experiment = std::move(experiment);
  s.verdict = verdict;
  return s;
}

// A minimal RFC 4180 reader: rows of fields, quotes doubled inside quoted fields.
QList<QStringList> readCsv(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) return {};
  const QString text = QString::fromUtf8(file.readAll());
  QList<QStringList> rows{{}};
  QString field;
  bool quoted = false;
  for (int i = 0; i < text.size(); ++i) {
    const QChar c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') field += c, ++i;
      else if (c == '"') quoted = false;
      else field += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.last() << field, field.clear();
    } else if (c == '\n') {
      rows.last() << field, field.clear();
      rows << QStringList{};
    } else {
      field += c;
    }
  }
  if (rows.last().isEmpty()) rows.removeLast();
  return rows;
}

QString valueOf(const QList<QStringList>& rows, const QString& field) {
  for (const QStringList& row : rows) {
    if (row.size() == 2 && row[0] == field) return row[1];
  }
  return QStringLiteral("<missing>");
}

}  // namespace

class TestTaskTheoryView : public QObject {
  Q_OBJECT

 private slots:
  void namesTheFigure() {
    TaskTheoryView view;
    QCOMPARE(view.figureName(), QString("task-and-theory"));
    QCOMPARE(view.figureTitle(), QString("Task and theory"));
  }

  void emptyStateAsksForATask() {
    TaskTheoryView view;
    QCOMPARE(view.text(), QString("Choose a task and press Start"));
    view.showSnapshot(TrainingSnapshot{});  // no experiment yet
    QCOMPARE(view.text(), QString("Choose a task and press Start"));
  }

  void showsTheTaskDescriptionAndExample() {
    TaskTheoryView view;
    view.showSnapshot(test::syntheticSnapshot());
    const QString text = view.text();
    QVERIFY(text.contains("Unique copy"));
    QVERIFY(text.contains("unique_copy"));
    QVERIFY(text.contains("Algorithmic task"));
    QVERIFY(text.contains("Copy a string of distinct tokens."));
    QVERIFY(text.contains("7 3 12 -> 7 3 12"));
    QVERIFY(text.contains("trained on lengths 1-50"));
  }

  void showsCraspStatusAndProgramLineByLine() {
    auto e = test::syntheticExperiment();
    e->craspProgram = "C0 := #Q_0\nC1 := #Q_1\nNEXT_1 := C0 < C1";
    TaskTheoryView view;
    view.showSnapshot(snapshotWith(e, std::nullopt));
    const QString text = view.text();
    QVERIFY(text.contains("In C-RASP[periodic, local]: yes"));
    QVERIFY(text.contains("In C-RASP[]: no"));
    QVERIFY2(text.contains("C0 := #Q_0\nC1 := #Q_1\nNEXT_1 := C0 < C1"), qPrintable(text));
  }

  void saysWhyThereIsNoProgram() {
    auto e = test::syntheticExperiment();
    e->taskName = "Parity";
    e->craspProgram.clear();
    e->craspApe = false;
    e->predictedToGeneralize = false;
    TaskTheoryView view;
    view.showSnapshot(snapshotWith(e, std::nullopt));
    QVERIFY(view.text().contains("No C-RASP program: "));
    QVERIFY(view.text().contains("In C-RASP[periodic, local]: no"));
  }

  void predictsForTheChosenVariant_data() {
    QTest::addColumn<QString>("positional");
    QTest::addColumn<bool>("predicted");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<QString>("fragment");
    QTest::newRow("ape generalizes") << "ape" << true
                                     << "The theory predicts: generalizes beyond the training lengths"
                                     << "is in C-RASP[periodic, local]";
    QTest::newRow("nope fails") << "nope" << false << "The theory predicts: does not generalize"
                                << "is not in C-RASP[]";
    QTest::newRow("ape-reg generalizes") << "ape-reg" << true << "The theory predicts: generalizes"
                                         << "APE + regulariser the task is in C-RASP[periodic, local]";
  }
  void predictsForTheChosenVariant() {
    QFETCH(QString, positional);
    QFETCH(bool, predicted);
    QFETCH(QString, expected);
    QFETCH(QString, fragment);
    auto e = test::syntheticExperiment();
    e->positional = positional;
    e->predictedToGeneralize = predicted;
    TaskTheoryView view;
    view.showSnapshot(snapshotWith(e, std::nullopt));
    QVERIFY2(view.text().contains(expected), qPrintable(view.text()));
    QVERIFY2(view.text().contains(fragment), qPrintable(view.text()));
  }

  void waitsForTheFirstBinBeyondTraining() {
    TaskTheoryView view;
    view.showSnapshot(snapshotWith(test::syntheticExperiment(), std::nullopt));
    QVERIFY(view.text().contains("no verdict yet"));
    QVERIFY(view.text().contains("first evaluation of lengths 51-100"));
    QVERIFY(view.text().contains("(accuracy \u2212 chance) / (1 \u2212 chance) \u2265 0.75"));
  }

  void showsTheVerdictAndItsAgreement() {
    TaskTheoryView view;
    view.showSnapshot(test::syntheticSnapshot());
    QVERIFY(view.text().contains("This run generalizes"));
    QVERIFY(view.text().contains("agrees with the theory"));
    QVERIFY(view.text().contains("normalized accuracy 0.90 on lengths 51-100"));

    Verdict failed{.bin = {51, 100}, .accuracy = 0.3, .normalized = 0.3, .generalizes = false,
                   .agreesWithTheory = false, .inDistribution = 1.0};
    view.showSnapshot(snapshotWith(test::syntheticExperiment(), failed));
    QVERIFY(view.text().contains("This run does not generalize"));
    QVERIFY(view.text().contains("DISAGREES with the theory"));
    QVERIFY(view.text().contains("normalized accuracy 0.30"));
  }

  void withholdsTheVerdictUntilTheTrainingLengthsAreLearned() {
    TrainingSnapshot s = test::syntheticSnapshot();
    s.verdict->accuracy = s.verdict->normalized = 0.0;
    s.verdict->generalizes = s.verdict->agreesWithTheory = false;
    s.verdict->inDistribution = 0.4;
    s.verdict->trainingLengthsLearned = false;
    TaskTheoryView view;
    view.showSnapshot(s);
    QVERIFY2(view.text().contains("no verdict yet"), qPrintable(view.text()));
    QVERIFY(view.text().contains("The model gets 40.0% of lengths 1-50 right; the verdict waits for 95%"));
    QVERIFY(!view.text().contains("DISAGREES"));
    QVERIFY(!view.text().contains("does not generalize"));
  }

  void rebuildsOnlyWhenExperimentOrVerdictChange() {
    TaskTheoryView view;
    TrainingSnapshot s = test::syntheticSnapshot();
    view.showSnapshot(s);
    QCOMPARE(view.rebuildCount(), 1);
    s.step += 10;
    s.loss = 0.01;
    view.showSnapshot(s);
    QCOMPARE(view.rebuildCount(), 1);
    s.verdict->accuracy = 0.95;
    s.verdict->normalized = 0.95;
    view.showSnapshot(s);
    QCOMPARE(view.rebuildCount(), 2);
    s.experiment = test::syntheticExperiment();  // a new run
    view.showSnapshot(s);
    QCOMPARE(view.rebuildCount(), 3);
  }

  void clearReturnsToTheEmptyState() {
    TaskTheoryView view;
    view.showSnapshot(test::syntheticSnapshot());
    view.clear();
    QCOMPARE(view.text(), QString("Choose a task and press Start"));
  }

  void exportsEachFigureFormat_data() {
    QTest::addColumn<int>("format");
    QTest::newRow("png") << static_cast<int>(FigureFormat::Png);
    QTest::newRow("svg") << static_cast<int>(FigureFormat::Svg);
    QTest::newRow("pdf") << static_cast<int>(FigureFormat::Pdf);
  }
  void exportsEachFigureFormat() {
    QFETCH(int, format);
    const auto f = static_cast<FigureFormat>(format);
    QTemporaryDir dir;
    TaskTheoryView view;
    view.showSnapshot(test::syntheticSnapshot());
    const QString path = dir.filePath("theory." + figureExtension(f));
    QVERIFY2(view.saveFigure(path, f, FigureSize{{900, 700}, 96}), qPrintable(view.lastError()));
    QVERIFY(QFileInfo(path).size() > 1000);
    if (f == FigureFormat::Svg) {
      QFile svg(path);
      QVERIFY(svg.open(QIODevice::ReadOnly));
      QVERIFY(svg.readAll().contains("viewBox=\"0 0 900 700\""));
    }
  }

  void pngHasTheRequestedPixelsOnWhite() {
    QTemporaryDir dir;
    TaskTheoryView view;
    view.showSnapshot(test::syntheticSnapshot());
    const QString path = dir.filePath("theory.png");
    QVERIFY(view.saveFigure(path, FigureFormat::Png, FigureSize{{700, 500}, 192}));
    const QImage image(path);
    QCOMPARE(image.size(), QSize(1400, 1000));
    QCOMPARE(image.pixelColor(1, 1), QColor(Qt::white));
    QCOMPARE(image.pixelColor(1399, 999), QColor(Qt::white));
    int dark = 0;
    for (int y = 0; y < image.height(); y += 4) {
      for (int x = 0; x < image.width(); x += 4) dark += qGray(image.pixel(x, y)) < 128 ? 1 : 0;
    }
    QVERIFY2(dark > 500, "the figure should hold text and coloured badges");
  }

  void exportsTheEmptyStateToo() {
    QTemporaryDir dir;
    TaskTheoryView view;
    QVERIFY(view.saveFigure(dir.filePath("empty.png"), FigureFormat::Png, FigureSize{{400, 300}, 96}));
    QVERIFY(view.saveData(dir.filePath("empty.csv")));
    QCOMPARE(readCsv(dir.filePath("empty.csv")), (QList<QStringList>{{"field", "value"}}));
  }

  void reportsAnUnwritablePath() {
    TaskTheoryView view;
    view.showSnapshot(test::syntheticSnapshot());
    QVERIFY(!view.saveFigure("/nonexistent-dir/theory.png", FigureFormat::Png, FigureSize{}));
    QVERIFY(!view.lastError().isEmpty());
    QVERIFY(!view.saveData("/nonexistent-dir/theory.csv"));
  }

  void writesFieldValueRowsQuotedWhereNeeded() {
    auto e = test::syntheticExperiment();
    e->description = "Copy tokens, \"distinct\" ones,\nin order.";
    e->craspProgram = "A := #Q_a\nB := A > 0";
    QTemporaryDir dir;
    TaskTheoryView view;
    view.showSnapshot(snapshotWith(e, test::syntheticSnapshot().verdict));
    const QString path = dir.filePath("theory.csv");
    QVERIFY(view.saveData(path));
    const QList<QStringList> rows = readCsv(path);
    QCOMPARE(rows.first(), (QStringList{"field", "value"}));
    for (const QStringList& row : rows) QCOMPARE(row.size(), 2);
    QCOMPARE(valueOf(rows, "task_id"), QString("unique_copy"));
    QCOMPARE(valueOf(rows, "positional"), QString("ape"));
    QCOMPARE(valueOf(rows, "description"), e->description);
    QCOMPARE(valueOf(rows, "crasp_program"), e->craspProgram);
    QCOMPARE(valueOf(rows, "in_crasp_periodic_local"), QString("yes"));
    QCOMPARE(valueOf(rows, "in_crasp_plain"), QString("no"));
    QCOMPARE(valueOf(rows, "predicted_to_generalize"), QString("yes"));
    QCOMPARE(valueOf(rows, "verdict_bin"), QString("51-100"));
    QCOMPARE(valueOf(rows, "verdict_normalized").toDouble(), 0.9);
    QCOMPARE(valueOf(rows, "threshold").toDouble(), 0.75);
    QCOMPARE(valueOf(rows, "verdict_generalizes"), QString("yes"));
    QCOMPARE(valueOf(rows, "verdict_agrees_with_theory"), QString("yes"));
  }
};

QTEST_MAIN(TestTaskTheoryView)
#include "tst_task_theory_view.moc"
