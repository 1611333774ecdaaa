// Specification of the window as a whole: it builds with the five views docked, a tiny
// experiment started from the panel feeds every view, every view exports valid PNG, SVG and PDF
// files and its CSV data, closing mid-training is prompt, and the scripted-demo flags of the
// lengthlab binary produce the figure folder.
#include "experiment_panel.h"
#include "figure_view.h"
#include "main_window.h"

#include <QDir>
#include <QAction>
#include <QDockWidget>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace lengthlab;

namespace {

TrainingConfig tinyRun() {
  TrainingConfig c;
  c.task = "bin_majority";
  c.layers = 1;
  c.heads = 1;
  c.dModel = 16;
  c.batchSize = 32;
  c.steps = 100000;
  c.evalEvery = 40;
  c.evalCount = 40;
  c.threads = 1;
  c.earlyStop = false;
  return c;
}

bool waitForEvaluations(MainWindow& window, int count, int timeoutMs = 60000) {
  QElapsedTimer clock;
  clock.start();
  while (clock.elapsed() < timeoutMs) {
    const auto s = window.controller()->latest();
    if (s->evaluations && int(s->evaluations->size()) >= count && s->attention && s->positional) return true;
    QTest::qWait(20);
  }
  return false;
}

QByteArray head(const QString& path, int bytes) {
  QFile file(path);
  return file.open(QIODevice::ReadOnly) ? file.read(bytes) : QByteArray();
}

int lineCount(const QString& path) {
  QFile file(path);
  return file.open(QIODevice::ReadOnly) ? file.readAll().trimmed().count('\n') + 1 : 0;
}

}  // namespace

class TestMainWindow : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    QVERIFY2(!qEnvironmentVariable("LENGTHLAB_GUI").isEmpty(), "run through CTest, which sets LENGTHLAB_GUI");
  }

  void theWindowShowsTheFiveViewsAsDocks() {
    MainWindow window;
    window.resize(1600, 1000);
    window.show();
    QCOMPARE(window.views().size(), 5);
    QStringList names;
    for (FigureView* view : window.views()) {
      names << view->figureName();
      auto* dock = qobject_cast<QDockWidget*>(view->parentWidget());
      // Open (shown, or a tab one click away), never closed by default.
      QVERIFY2(dock && dock->toggleViewAction()->isChecked(), qPrintable(view->figureName()));
    }
    QCOMPARE(names.size(), QSet<QString>(names.begin(), names.end()).size());  // distinct file names
  }

  void aViewBehindATabCanBeBroughtToTheFront() {
    MainWindow window;
    window.resize(1600, 1000);
    window.show();
    FigureView* curves = nullptr;
    for (FigureView* view : window.views()) {
      if (view->figureName() == "training-curves") curves = view;
    }
    QVERIFY(curves);
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    // Qt parks a dock whose tab is not current outside the window.
    const auto onScreen = [&] { return window.rect().intersects(curves->parentWidget()->geometry()); };
    QTRY_VERIFY(!onScreen());  // behind the task and theory by default
    QVERIFY(window.bringToFront("training-curves"));
    QTRY_VERIFY(onScreen());
    QVERIFY(!window.bringToFront("no-such-view"));
  }

  void aTinyExperimentFeedsEveryView() {
    MainWindow window;
    window.show();
    window.experimentPanel()->setConfig(tinyRun());
    QVERIFY(window.startTraining());
    QVERIFY(waitForEvaluations(window, 2));
    QTemporaryDir dir;
    for (FigureView* view : window.views()) {
      const QString csv = dir.filePath(view->figureName() + ".csv");
      QVERIFY2(view->saveData(csv), qPrintable(view->lastError()));
      QVERIFY2(lineCount(csv) >= 2, qPrintable(view->figureName() + " received no data"));
    }
  }

  void everyViewExportsValidPngSvgAndPdf() {
    MainWindow window;
    window.show();
    window.experimentPanel()->setConfig(tinyRun());
    QVERIFY(window.startTraining());
    QVERIFY(waitForEvaluations(window, 1));
    QTemporaryDir dir;
    const QStringList problems = window.exportFigures(dir.path());
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
    for (FigureView* view : window.views()) {
      const QString stem = dir.filePath(view->figureName());
      QCOMPARE(head(stem + ".png", 8), QByteArray("\x89PNG\r\n\x1a\n"));
      QVERIFY(head(stem + ".svg", 4096).contains("<svg"));
      QCOMPARE(head(stem + ".pdf", 5), QByteArray("%PDF-"));
      for (const char* extension : {".png", ".svg", ".pdf"}) {
        QVERIFY2(QFileInfo(stem + extension).size() > 2000, qPrintable(stem + extension));
      }
    }
  }

  void closingMidTrainingIsPrompt() {
    auto* window = new MainWindow;
    window->show();
    TrainingConfig run = tinyRun();
    run.task = "unique_copy";
    run.layers = 2;
    run.dModel = 64;
    window->experimentPanel()->setConfig(run);
    QVERIFY(window->startTraining());
    QTest::qWait(1500);
    QElapsedTimer clock;
    clock.start();
    window->close();
    delete window;
    qInfo("closing mid-training took %lld ms", clock.elapsed());
    QVERIFY2(clock.elapsed() < 5000, "closing must not wait for the run to end");
  }

  void theScriptedDemoWritesTheFigureFolder() {
    QTemporaryDir dir;
    const QString figures = dir.filePath("figures");
    QProcess app;
    app.start(qEnvironmentVariable("LENGTHLAB_GUI"),
              {"--task", "bin_majority", "--steps", "100000", "--eval-every", "20", "--eval-count", "40",
               "--threads", "1", "--autostart", "--stop-after-steps", "30", "--export-figures", figures,
               "--screenshot", dir.filePath("window.png"), "--quit"});
    QVERIFY(app.waitForFinished(120000));
    QVERIFY2(app.exitCode() == 0, app.readAllStandardError().constData());
    const QStringList files = QDir(figures).entryList(QDir::Files);
    QCOMPARE(files.size(), 5 * 4);  // five views, each as PNG, SVG, PDF and CSV
    QCOMPARE(head(dir.filePath("window.png"), 4), QByteArray("\x89PNG"));
  }

  void badDemoFlagsExitTwoWithAReason() {
    QProcess app;
    app.start(qEnvironmentVariable("LENGTHLAB_GUI"), {"--task", "no_such_task", "--quit"});
    QVERIFY(app.waitForFinished(30000));
    QCOMPARE(app.exitCode(), 2);
    QVERIFY(app.readAllStandardError().contains("unknown task 'no_such_task'"));
  }

  void anUnknownFrontViewExitsTwoNamingTheViews() {
    QProcess app;
    app.start(qEnvironmentVariable("LENGTHLAB_GUI"), {"--front", "curves", "--quit"},
              QIODevice::ReadOnly);
    app.setProcessEnvironment(QProcessEnvironment::systemEnvironment());
    QVERIFY(app.waitForFinished(30000));
    QCOMPARE(app.exitCode(), 2);
    const QByteArray error = app.readAllStandardError();
    QVERIFY2(error.contains("--front must name a view: accuracy-vs-length, training-curves"), error.constData());
  }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
