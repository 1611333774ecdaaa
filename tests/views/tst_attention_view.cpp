// Specification of the attention view: one colour map per head holding the probe's weights,
// query 0 on top, a fixed 0..1 colour range, token tick labels that never collide, the training
// boundary on every map, click-to-enlarge, the probe controls' signals, layers side by side when
// they have one head, texts that fit from a laptop's dock to a slide, and its exports.
#include "attention_view.h"
#include "snapshot_fixture.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QMouseEvent>
#include <QToolTip>
#include <QFile>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <qcustomplot.h>

#include <algorithm>
#include <utility>

using namespace lengthlab;

namespace {

QList<QCPColorMap*> colorMaps(QCustomPlot& plot) {
  QList<QCPColorMap*> maps;
  for (int k = 0; k < plot.plottableCount(); ++k) {
    if (auto* map = qobject_cast<QCPColorMap*>(plot.plottable(k))) maps.append(map);
  }
  return maps;
}

QStringList plotTexts(QCustomPlot& plot) {
  QStringList texts;
  for (auto* element : plot.findChildren<QCPTextElement*>()) texts.append(element->text());
  return texts;
}

// A probe of the given shape whose head attends uniformly over the keys up to the query.
std::shared_ptr<AttentionProbe> uniformProbe(int layers, int heads, int T, int trainBoundary) {
  auto probe = std::make_shared<AttentionProbe>();
  probe->inputLength = T / 2;
  probe->layers = layers;
  probe->heads = heads;
  probe->trainBoundary = trainBoundary;
  for (int t = 0; t < T; ++t) probe->tokens.append(QString::number(t % 10));
  probe->weights.resize(static_cast<std::size_t>(layers) * heads * T * T, 0.0f);
  for (int m = 0; m < layers * heads; ++m) {
    for (int i = 0; i < T; ++i) {
      for (int j = 0; j <= i; ++j) probe->weights[(static_cast<std::size_t>(m) * T + i) * T + j] = 1.0f / (i + 1);
    }
  }
  return probe;
}

// Where text is drawn: centred in its rect, and as wide as its longest line. Text elements clip
// to their rect unless told not to (a header over a tiny map may reach into the gaps beside it).
QRectF drawnRect(const QCPTextElement& text) {
  const QFontMetricsF metrics(text.font());
  double width = 0;
  for (const QString& line : text.text().split('\n')) width = std::max(width, metrics.horizontalAdvance(line));
  const QRectF rect(text.rect());
  return QRectF(rect.center().x() - width / 2, rect.top(), width, rect.height());
}

bool textFits(const QCPTextElement& text) {
  const QRectF drawn = drawnRect(text);
  if (text.textFlags() & Qt::TextDontClip) return text.parentPlot()->viewport().contains(drawn.toAlignedRect());
  return drawn.width() <= text.rect().width() + 0.5;
}

// The view at a given size showing a probe of the app's size (T = 123 tokens).
struct SizedView {
  AttentionView view;
  SizedView(QSize size, int layers, int heads) {
    view.resize(size);
    view.show();
    TrainingSnapshot snapshot = test::syntheticSnapshot();
    snapshot.attention = uniformProbe(layers, heads, 123, 102);
    view.showSnapshot(snapshot);
    view.plot()->replot();
  }
};

// A view fed the synthetic snapshot and laid out at a projector-like size.
struct Fixture {
  AttentionView view;
  TrainingSnapshot snapshot = test::syntheticSnapshot();
  Fixture() {
    view.resize(1600, 1000);
    view.show();  // lays the widgets out: the plot gets its real size
    view.showSnapshot(snapshot);
    view.plot()->replot();
  }
};

}  // namespace

class TestAttentionView : public QObject {
  Q_OBJECT

 private slots:
  void namesTheFigure() {
    AttentionView view;
    QCOMPARE(view.figureName(), QStringLiteral("attention"));
    QCOMPARE(view.figureTitle(), QStringLiteral("Attention"));
  }

  void showsAMessageBeforeAnyAttention() {
    AttentionView view;
    QCOMPARE(view.plot()->plottableCount(), 0);
    QCOMPARE(view.plot()->axisRectCount(), 0);
    QVERIFY(plotTexts(*view.plot()).join(' ').contains("No attention yet"));
  }

  void gridHasOneColourMapPerHead() {
    Fixture f;
    QCOMPARE(colorMaps(*f.view.plot()).size(), 2 * 2);
    for (int l = 0; l < 2; ++l) {
      for (int h = 0; h < 2; ++h) QVERIFY(f.view.colorMap(l, h));
    }
  }

  void mapCellsHoldTheProbeWeights() {
    Fixture f;
    const int T = f.snapshot.attention->length();
    for (int l = 0; l < 2; ++l) {
      for (int h = 0; h < 2; ++h) {
        QCPColorMapData* data = f.view.colorMap(l, h)->data();
        QCOMPARE(data->keySize(), T);
        QCOMPARE(data->valueSize(), T);
        for (int i = 0; i < T; ++i) {
          // The fixture's head (l, h) looks from query i at key max(0, i - 1 - h - l) only.
          const int key = std::max(0, i - 1 - h - l);
          for (int j = 0; j < T; ++j) QCOMPARE(data->cell(j, i), j == key ? 1.0 : 0.0);
        }
      }
    }
  }

  void queryZeroIsOnTop() {
    Fixture f;
    QCPColorMap* map = f.view.colorMap(0, 0);
    QVERIFY(map->valueAxis()->rangeReversed());
    QCOMPARE(map->valueAxis()->orientation(), Qt::Vertical);
    QVERIFY(map->valueAxis()->coordToPixel(0) < map->valueAxis()->coordToPixel(5));
    QCOMPARE(map->keyAxis()->orientation(), Qt::Horizontal);  // keys across
  }

  void colourRangeIsFixedFromZeroToOne() {
    Fixture f;
    TrainingSnapshot faint = f.snapshot;
    auto probe = uniformProbe(2, 2, 12, 8);  // weights well below 1 in most rows
    faint.attention = probe;
    f.view.showSnapshot(faint);
    for (QCPColorMap* map : colorMaps(*f.view.plot())) {
      QCOMPARE(map->dataRange(), QCPRange(0, 1));
      QVERIFY(map->colorScale());
      QCOMPARE(map->colorScale()->dataRange(), QCPRange(0, 1));
      QCOMPARE(map->colorScale()->label(), QStringLiteral("attention weight"));
    }
  }

  void tickLabelsShowPositionsAndTokens() {
    Fixture f;
    QCPColorMap* map = f.view.colorMap(1, 0);  // bottom-left map: both axes labelled
    const QVector<QString> keys = map->keyAxis()->tickVectorLabels();
    const QVector<QString> queries = map->valueAxis()->tickVectorLabels();
    QVERIFY2(keys.contains("6:<sep>"), qPrintable(QStringList(keys.begin(), keys.end()).join(' ')));
    QVERIFY(queries.contains("0:<bos>"));
    QCOMPARE(keys.size(), 12);  // twelve tokens fit a 1600 x 1000 view
  }

  void tickLabelsThinOutSoTheyNeverOverlap() {
    AttentionView view;
    view.resize(900, 560);
    view.show();
    TrainingSnapshot snapshot = test::syntheticSnapshot();
    snapshot.attention = uniformProbe(4, 4, 300, 103);
    view.showSnapshot(snapshot);
    view.plot()->replot();
    QCPAxis* queries = view.colorMap(0, 0)->valueAxis();
    const QVector<double> ticks = queries->tickVector();
    QVERIFY(ticks.size() >= 2);
    QVERIFY(ticks.size() < 300);
    const double gap = std::abs(queries->coordToPixel(ticks[1]) - queries->coordToPixel(ticks[0]));
    QVERIFY2(gap >= QFontMetricsF(queries->tickLabelFont()).height(), qPrintable(QString::number(gap)));
  }

  void boundaryLinesSitAtTheTrainBoundary() {
    Fixture f;
    // trainBoundary = 8: tokens 0..7 are within the longest training sequence.
    for (int l = 0; l < 2; ++l) {
      for (int h = 0; h < 2; ++h) {
        auto [keyLine, queryLine] = f.view.boundaryLines(l, h);
        QVERIFY(keyLine && queryLine);
        QVERIFY(keyLine->visible() && queryLine->visible());
        QCOMPARE(keyLine->point1->coords().x(), 7.5);
        QCOMPARE(keyLine->point2->coords().x(), 7.5);
        QCOMPARE(queryLine->point1->coords().y(), 7.5);
        QCOMPARE(queryLine->point2->coords().y(), 7.5);
        QCOMPARE(keyLine->clipAxisRect(), f.view.colorMap(l, h)->keyAxis()->axisRect());
      }
    }
    QVERIFY(plotTexts(*f.view.plot()).join(' ').contains("longest training sequence"));
  }

  void noBoundaryLineWhenTheWholeProbeWasSeenInTraining() {
    Fixture f;
    TrainingSnapshot inside = f.snapshot;
    inside.attention = uniformProbe(2, 2, 12, 12);
    f.view.showSnapshot(inside);
    auto [keyLine, queryLine] = f.view.boundaryLines(0, 0);
    QVERIFY(!keyLine->visible() && !queryLine->visible());
  }

  void clickingAHeadEnlargesItAndClickingAgainRestoresTheGrid() {
    Fixture f;
    QCPAxisRect* rect = f.view.colorMap(1, 0)->keyAxis()->axisRect();
    QTest::mouseClick(f.view.plot(), Qt::LeftButton, {}, rect->rect().center());
    QVERIFY(f.view.isEnlarged());
    QCOMPARE(colorMaps(*f.view.plot()).size(), 1);
    QVERIFY(f.view.colorMap(1, 0));
    QVERIFY(!f.view.colorMap(0, 0));
    f.view.plot()->replot();
    rect = f.view.colorMap(1, 0)->keyAxis()->axisRect();
    QTest::mouseClick(f.view.plot(), Qt::LeftButton, {}, rect->rect().center());
    QVERIFY(!f.view.isEnlarged());
    QCOMPARE(colorMaps(*f.view.plot()).size(), 4);
  }

  void escapeGoesBackToAllHeads() {
    Fixture f;
    f.view.enlarge(1, 1);
    QApplication::setActiveWindow(&f.view);
    QVERIFY(QTest::qWaitForWindowActive(&f.view));
    QTest::keyClick(f.view.plot(), Qt::Key_Escape);
    QVERIFY(!f.view.isEnlarged());
    QCOMPARE(colorMaps(*f.view.plot()).size(), 4);
  }

  void hoverShowsQueryKeyAndWeight() {
    Fixture f;
    QCPColorMap* map = f.view.colorMap(0, 0);
    // Query 3 ("12") looks at key 2 ("3") with weight 1 in head (0, 0).
    const QPoint cell(static_cast<int>(map->keyAxis()->coordToPixel(2)),
                      static_cast<int>(map->valueAxis()->coordToPixel(3)));
    QMouseEvent move(QEvent::MouseMove, cell, f.view.plot()->mapToGlobal(cell), Qt::NoButton, Qt::NoButton,
                     Qt::NoModifier);
    QApplication::sendEvent(f.view.plot(), &move);
    QTRY_VERIFY(QToolTip::isVisible());
    QVERIFY2(QToolTip::text().contains("query 3 (12), key 2 (3): weight 1.00"), qPrintable(QToolTip::text()));
  }

  void enlargedHeadKeepsItsDataAndTheBackButtonRestores() {
    Fixture f;
    f.view.enlarge(0, 1);
    QCOMPARE(colorMaps(*f.view.plot()).size(), 1);
    QCPColorMapData* data = f.view.colorMap(0, 1)->data();
    QCOMPARE(data->cell(std::max(0, 5 - 2), 5), 1.0);  // head (0, 1): key i - 2
    auto* back = f.view.findChild<QPushButton*>("backToAllHeads");
    QVERIFY(back && back->isVisibleTo(&f.view));
    back->click();
    QCOMPARE(colorMaps(*f.view.plot()).size(), 4);
    QVERIFY(!back->isVisibleTo(&f.view));
  }

  void enlargedHeadStaysEnlargedWhileTrainingGoesOn() {
    Fixture f;
    f.view.enlarge(1, 1);
    TrainingSnapshot next = f.snapshot;
    next.attention = std::make_shared<AttentionProbe>(*f.snapshot.attention);
    f.view.showSnapshot(next);
    QVERIFY(f.view.isEnlarged());
    QCOMPARE(colorMaps(*f.view.plot()).size(), 1);
  }

  void probeLengthChangesAreEmitted() {
    Fixture f;
    auto* length = f.view.findChild<QSpinBox*>("probeLength");
    QVERIFY(length);
    QCOMPARE(length->maximum(), f.snapshot.experiment->maxTestLength);
    QCOMPARE(length->value(), f.snapshot.attention->inputLength);  // taken from the first probe
    QSignalSpy spy(&f.view, &AttentionView::probeLengthChanged);
    length->setValue(80);
    QCOMPARE(spy.size(), 1);
    QCOMPARE(spy.at(0).at(0).toInt(), 80);
    QVERIFY(f.view.findChild<QLabel*>("probeRange")->text().contains("beyond"));
    length->setValue(20);
    QVERIFY(f.view.findChild<QLabel*>("probeRange")->text().contains("inside"));
  }

  void laterProbesDoNotOverrideTheChosenLength() {
    Fixture f;
    auto* length = f.view.findChild<QSpinBox*>("probeLength");
    length->setValue(120);
    QSignalSpy spy(&f.view, &AttentionView::probeLengthChanged);
    TrainingSnapshot next = f.snapshot;
    next.attention = std::make_shared<AttentionProbe>(*f.snapshot.attention);  // still the old length
    f.view.showSnapshot(next);
    QCOMPARE(length->value(), 120);
    QCOMPARE(spy.size(), 0);
  }

  void newExampleButtonRequestsOne() {
    Fixture f;
    QSignalSpy spy(&f.view, &AttentionView::newExampleRequested);
    f.view.findChild<QPushButton*>("newExample")->click();
    QCOMPARE(spy.size(), 1);
  }

  void sameSnapshotTwiceAddsNothing() {
    Fixture f;
    const int plottables = f.view.plot()->plottableCount();
    const int items = f.view.plot()->itemCount();
    QCPColorMapData* data = f.view.colorMap(0, 0)->data();
    f.view.showSnapshot(f.snapshot);
    QCOMPARE(f.view.plot()->plottableCount(), plottables);
    QCOMPARE(f.view.plot()->itemCount(), items);
    QCOMPARE(f.view.colorMap(0, 0)->data(), data);  // not even refilled
  }

  void newProbeOfTheSameShapeReusesTheMaps() {
    Fixture f;
    QCPColorMap* map = f.view.colorMap(1, 1);
    const int items = f.view.plot()->itemCount();
    TrainingSnapshot next = f.snapshot;
    next.attention = uniformProbe(2, 2, 12, 8);
    f.view.showSnapshot(next);
    QCOMPARE(f.view.colorMap(1, 1), map);
    QCOMPARE(f.view.plot()->itemCount(), items);
    QCOMPARE(map->data()->cell(0, 1), 0.5);
  }

  void longerProbeRelabelsTheSameMaps() {
    Fixture f;
    QCPColorMap* map = f.view.colorMap(1, 0);
    TrainingSnapshot longer = f.snapshot;
    longer.attention = uniformProbe(2, 2, 60, 40);  // tokens "0".."9" repeated
    f.view.showSnapshot(longer);
    f.view.plot()->replot();
    QCOMPARE(f.view.colorMap(1, 0), map);
    QCOMPARE(map->data()->keySize(), 60);
    QCOMPARE(map->keyAxis()->range().upper, 59.5);
    const QVector<QString> labels = map->keyAxis()->tickVectorLabels();
    QVERIFY2(labels.contains("55:5"), qPrintable(QStringList(labels.begin(), labels.end()).join(' ')));
    QCOMPARE(f.view.boundaryLines(1, 0).first->point1->coords().x(), 39.5);
  }

  void bigGridStaysResponsive() {
    AttentionView view;
    view.resize(1600, 1000);
    view.show();
    TrainingSnapshot snapshot = test::syntheticSnapshot();
    snapshot.attention = uniformProbe(4, 4, 300, 103);
    view.showSnapshot(snapshot);
    view.plot()->replot();
    QElapsedTimer timer;
    timer.start();
    for (int k = 0; k < 5; ++k) {
      snapshot.attention = uniformProbe(4, 4, 300, 103);
      view.showSnapshot(snapshot);
      view.plot()->replot();
    }
    // Generous: this catches a rebuild of everything per snapshot, not a slow machine.
    QVERIFY2(timer.elapsed() < 5 * 400, qPrintable(QString::number(timer.elapsed())));
  }

  void oneHeadPerLayerPutsTheLayersSideBySide() {
    SizedView f(QSize(600, 430), 2, 1);
    const QRect first = f.view.colorMap(0, 0)->keyAxis()->axisRect()->rect();
    const QRect second = f.view.colorMap(1, 0)->keyAxis()->axisRect()->rect();
    QCOMPARE(first.top(), second.top());
    QVERIFY(first.right() < second.left());
    // As tall as the view allows, rather than half of it: over 40 % of the plot's height.
    QVERIFY2(first.height() > 0.4 * f.view.plot()->viewport().height(), qPrintable(QString::number(first.height())));
    QVERIFY(plotTexts(*f.view.plot()).contains("layer 2"));
  }

  void textsFitFromALaptopDockToASlide_data() {
    QTest::addColumn<QSize>("size");
    QTest::addColumn<int>("layers");
    QTest::addColumn<int>("heads");
    for (const QSize size : {QSize(480, 300), QSize(600, 430), QSize(1600, 1000)}) {
      for (const auto& [layers, heads] : {std::pair{2, 1}, std::pair{2, 4}, std::pair{4, 4}}) {
        const QString name = QString("%1x%2, %3x%4 heads").arg(size.width()).arg(size.height()).arg(layers).arg(heads);
        QTest::newRow(qPrintable(name)) << size << layers << heads;
      }
    }
  }
  void textsFitFromALaptopDockToASlide() {
    QFETCH(QSize, size);
    QFETCH(int, layers);
    QFETCH(int, heads);
    SizedView f(size, layers, heads);
    QCustomPlot& plot = *f.view.plot();
    QList<QRectF> texts;
    for (auto* text : plot.findChildren<QCPTextElement*>()) {
      QVERIFY2(textFits(*text), qPrintable(text->text()));
      if (!text->text().isEmpty()) texts.append(drawnRect(*text));
    }
    for (int i = 0; i < texts.size(); ++i) {
      for (int j = i + 1; j < texts.size(); ++j) QVERIFY(!texts[i].intersects(texts[j]));
    }
    QVERIFY(plotTexts(plot).join(' ').contains("training sequence"));
    // Maps never overlap each other, nor the colour bar.
    QList<QRect> maps;
    for (QCPColorMap* map : colorMaps(plot)) maps.append(map->keyAxis()->axisRect()->rect());
    maps.append(colorMaps(plot).first()->colorScale()->axis()->axisRect()->rect());
    for (int i = 0; i < maps.size(); ++i) {
      QVERIFY(maps[i].width() > 0 && maps[i].height() > 0);
      for (int j = i + 1; j < maps.size(); ++j) QVERIFY(!maps[i].intersects(maps[j]));
    }
  }

  void clearGoesBackToTheMessage() {
    Fixture f;
    f.view.clear();
    QCOMPARE(f.view.plot()->plottableCount(), 0);
    QVERIFY(plotTexts(*f.view.plot()).join(' ').contains("No attention yet"));
  }

  void exportsFigures_data() {
    QTest::addColumn<int>("format");
    QTest::addColumn<QByteArray>("signature");
    QTest::newRow("png") << static_cast<int>(FigureFormat::Png) << QByteArray("\x89PNG");
    QTest::newRow("svg") << static_cast<int>(FigureFormat::Svg) << QByteArray("<svg");
    QTest::newRow("pdf") << static_cast<int>(FigureFormat::Pdf) << QByteArray("%PDF-");
  }
  void exportsFigures() {
    QFETCH(int, format);
    QFETCH(QByteArray, signature);
    Fixture f;
    QTemporaryDir dir;
    const auto figureFormat = static_cast<FigureFormat>(format);
    const QString path = dir.filePath("attention." + figureExtension(figureFormat));
    QVERIFY2(f.view.saveFigure(path, figureFormat, FigureSize{}), qPrintable(f.view.lastError()));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray content = file.readAll();
    QVERIFY(content.size() > 5000);
    if (figureFormat == FigureFormat::Svg) {
      QVERIFY(content.contains(signature));
    } else {
      QVERIFY(content.startsWith(signature));
    }
  }

  void savesTheProbeAsCsv() {
    Fixture f;
    QTemporaryDir dir;
    const QString path = dir.filePath("attention.csv");
    QVERIFY(f.view.saveData(path));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly | QIODevice::Text));
    const QList<QByteArray> lines = file.readAll().split('\n');
    QCOMPARE(lines.first(), QByteArray("layer,head,query,key,query_token,key_token,weight"));
    QCOMPARE(lines.size(), 1 + 2 * 2 * 12 * 12 + 1);  // header, rows, empty after the last newline
    // Layer 1, head 1 looks from query 3 ("12") at key 2 ("3").
    QVERIFY(lines.contains("1,1,3,2,12,3,1"));
    QVERIFY(lines.contains("2,2,3,0,12,<bos>,1"));
  }

  void csvFailureIsReported() {
    Fixture f;
    QVERIFY(!f.view.saveData("/nonexistent-directory/attention.csv"));
    QVERIFY(!f.view.lastError().isEmpty());
  }
};

QTEST_MAIN(TestAttentionView)
#include "tst_attention_view.moc"
