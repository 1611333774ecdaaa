// Specification of the positional-encoding view: the norm curve with one point per position, the
// positional product of the chosen head (band for head k, stripes, causal part only, colours
// symmetric around 0), the cosine map on -1..1, the NoPE message, big tables, texts and tick
// labels that fit from a laptop's dock to a slide, and its exports.
#include "positional_view.h"
#include "snapshot_fixture.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

using namespace lengthlab;

namespace {

QString plotText(QCustomPlot& plot) {
  QStringList texts;
  for (auto* element : plot.findChildren<QCPTextElement*>()) texts.append(element->text());
  return texts.join(' ');
}

// A P x P table whose product for every head is i - j and whose cosine is 1 on the diagonal.
std::shared_ptr<PositionalPicture> bigPicture(int P) {
  auto picture = std::make_shared<PositionalPicture>();
  picture->positions = P;
  picture->layers = 1;
  picture->heads = 2;
  picture->longestTrainingSequence = P / 3;
  picture->offsetReach = P;
  const auto n = static_cast<std::size_t>(P);
  picture->norms.assign(n, 1.0f);
  picture->cosine.assign(n * n, 0.0f);
  for (std::size_t i = 0; i < n; ++i) picture->cosine[i * n + i] = 1.0f;
  std::vector<float> product(n * n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) product[i * n + j] = static_cast<float>(i) - static_cast<float>(j);
  }
  picture->products = {product, product};
  return picture;
}

// True when every line of text fits the width the layout gave it: nothing is cut off.
bool textFits(const QCPTextElement& text) {
  const QFontMetricsF metrics(text.font());
  const QStringList lines = text.text().split('\n');
  return std::all_of(lines.begin(), lines.end(),
                     [&](const QString& line) { return metrics.horizontalAdvance(line) <= text.rect().width() + 0.5; });
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

// The view at a given size, fed a table as long as the app's (P = 301).
struct SizedView {
  PositionalView view;
  explicit SizedView(QSize size) {
    view.resize(size);
    view.show();
    TrainingSnapshot snapshot = test::syntheticSnapshot();
    snapshot.positional = bigPicture(301);
    view.showSnapshot(snapshot);
    view.plot()->replot();
  }
};

struct Fixture {
  PositionalView view;
  TrainingSnapshot snapshot = test::syntheticSnapshot();
  Fixture() {
    view.resize(1600, 1000);
    view.show();  // lays the widgets out: the plot gets its real size
    view.showSnapshot(snapshot);
    view.plot()->replot();
  }
};

}  // namespace

class TestPositionalView : public QObject {
  Q_OBJECT

 private slots:
  void namesTheFigure() {
    PositionalView view;
    QCOMPARE(view.figureName(), QStringLiteral("positional-encodings"));
    QCOMPARE(view.figureTitle(), QStringLiteral("Positional encodings"));
  }

  void normGraphHoldsOnePointPerPosition() {
    Fixture f;
    QCPGraph* graph = f.view.normGraph();
    QVERIFY(graph);
    QCOMPARE(graph->dataCount(), 40);
    QCOMPARE(graph->data()->at(0)->value, 1.0);
    QCOMPARE(graph->data()->at(39)->key, 39.0);
    QVERIFY(std::abs(graph->data()->at(39)->value - 1.39) < 1e-6);
  }

  void normPanelNamesTheTrainingAndOffsetRanges() {
    Fixture f;
    QStringList names;
    for (int k = 0; k < f.view.plot()->graphCount(); ++k) names.append(f.view.plot()->graph(k)->name());
    const QString legend = names.join(' ');
    QVERIFY2(legend.contains("training lengths (0–23)"), qPrintable(legend));
    QVERIFY2(legend.contains("reached only via random offsets (24–39)"), qPrintable(legend));
  }

  void productMapShowsTheChosenHead() {
    Fixture f;
    for (int l = 0; l < 2; ++l) {
      for (int h = 0; h < 2; ++h) {
        f.view.selectHead(l, h);
        const int k = l * 2 + h;  // the fixture's head k has its band at i - j == k
        QCPColorMapData* data = f.view.productMap()->data();
        QCOMPARE(data->keySize(), 40);
        for (int i = 0; i < 40; ++i) {
          for (int j = 0; j <= i; ++j) {
            const double expected = i - j == k ? 2.0 : (i - j) % 4 == 0 ? -1.0 : 0.0;
            QCOMPARE(data->cell(j, i), expected);
          }
        }
      }
    }
  }

  void productMapMasksKeysAfterTheQuery() {
    Fixture f;
    QCPColorMapData* data = f.view.productMap()->data();
    QVERIFY(std::isnan(data->cell(5, 4)));
    QVERIFY(!std::isnan(data->cell(4, 4)));
  }

  void layerAndHeadBoxesPickTheProduct() {
    Fixture f;
    f.view.findChild<QSpinBox*>("layer")->setValue(2);
    f.view.findChild<QSpinBox*>("head")->setValue(2);
    QCOMPARE(f.view.selectedLayer(), 1);
    QCOMPARE(f.view.selectedHead(), 1);
    QCOMPARE(f.view.productMap()->data()->cell(0, 3), 2.0);  // head k = 3: band at i - j == 3
  }

  void productColoursAreSymmetricAroundZero() {
    Fixture f;
    const QCPRange range = f.view.productMap()->dataRange();
    QCOMPARE(range.lower, -range.upper);
    QCOMPARE(range.upper, 2.0);
    QCOMPARE(f.view.productMap()->colorScale()->label(), QStringLiteral("pᵢ·Wq·Wkᵀ·pⱼ"));
  }

  void heatmapsPutPositionZeroOnTop() {
    Fixture f;
    for (QCPColorMap* map : {f.view.productMap(), f.view.cosineMap()}) {
      QVERIFY(map->valueAxis()->rangeReversed());
      QCOMPARE(map->valueAxis()->orientation(), Qt::Vertical);
      QCOMPARE(map->keyAxis()->orientation(), Qt::Horizontal);
    }
  }

  void cosineMapSpansMinusOneToOne() {
    Fixture f;
    QCPColorMap* map = f.view.cosineMap();
    QCOMPARE(map->dataRange(), QCPRange(-1, 1));
    QCOMPARE(map->colorScale()->label(), QStringLiteral("cosine"));
    QCOMPARE(map->data()->cell(7, 7), 1.0);
    QCOMPARE(static_cast<float>(map->data()->cell(9, 7)), 1.0f / 3.0f);  // 1 / (1 + |i - j|)
  }

  void nopeShowsItsMessageAndNoMaps() {
    PositionalView view;
    TrainingSnapshot snapshot = test::syntheticSnapshot();
    auto picture = std::make_shared<PositionalPicture>();
    picture->positions = 0;
    snapshot.positional = picture;
    view.showSnapshot(snapshot);
    QCOMPARE(view.plot()->plottableCount(), 0);
    QCOMPARE(view.plot()->axisRectCount(), 0);
    QVERIFY(!view.productMap());
    QVERIFY(plotText(*view.plot()).contains(
        "NoPE: this model has no position table; the causal mask is its only source of position"));
  }

  void showsAMessageBeforeAnyTable() {
    PositionalView view;
    QCOMPARE(view.plot()->plottableCount(), 0);
    QVERIFY(plotText(*view.plot()).contains("No position table yet"));
  }

  void largeTablesArePooledAndFast() {
    PositionalView view;
    view.resize(1600, 1000);
    view.show();
    TrainingSnapshot snapshot = test::syntheticSnapshot();
    snapshot.positional = bigPicture(2000);
    QElapsedTimer timer;
    timer.start();
    view.showSnapshot(snapshot);
    view.plot()->replot();
    QVERIFY2(timer.elapsed() < 2000, qPrintable(QString::number(timer.elapsed())));
    QCPColorMapData* data = view.productMap()->data();
    QVERIFY(data->keySize() <= 500);
    // Axes stay in positions: the last cell ends at the last position.
    QVERIFY(std::abs(view.productMap()->keyAxis()->range().upper - 1999.5) < 1e-9);
    QCOMPARE(view.productMap()->dataRange().upper, 1999.0);  // pooling keeps the extreme
  }

  void sameSnapshotTwiceAddsNothing() {
    Fixture f;
    const int plottables = f.view.plot()->plottableCount();
    const int items = f.view.plot()->itemCount();
    f.view.showSnapshot(f.snapshot);
    TrainingSnapshot next = f.snapshot;
    next.positional = std::make_shared<PositionalPicture>(*f.snapshot.positional);
    f.view.showSnapshot(next);
    QCOMPARE(f.view.plot()->plottableCount(), plottables);
    QCOMPARE(f.view.plot()->itemCount(), items);
  }

  void textsFitFromALaptopDockToASlide_data() {
    QTest::addColumn<QSize>("size");
    QTest::newRow("laptop dock") << QSize(480, 300);
    QTest::newRow("projector dock") << QSize(600, 430);
    QTest::newRow("slide") << QSize(1600, 1000);
  }
  void textsFitFromALaptopDockToASlide() {
    QFETCH(QSize, size);
    SizedView f(size);
    QCustomPlot& plot = *f.view.plot();
    for (auto* text : plot.findChildren<QCPTextElement*>()) QVERIFY2(textFits(*text), qPrintable(text->text()));
    auto* legend = plot.findChild<QCPLegend*>();
    QVERIFY(legend);
    QVERIFY(plot.viewport().contains(legend->outerRect()));
    QVERIFY(!legend->outerRect().intersects(f.view.normGraph()->keyAxis()->axisRect()->rect()));
    for (int i = 0; i < legend->itemCount(); ++i) {
      if (QCPAbstractLegendItem* item = legend->item(i)) {
        QVERIFY2(item->outerRect().width() >= item->minimumOuterSizeHint().width(), qPrintable(QString::number(i)));
      }
    }
  }

  void tickLabelsNeverTouchAndFollowTheWidth_data() { textsFitFromALaptopDockToASlide_data(); }
  void tickLabelsNeverTouchAndFollowTheWidth() {
    QFETCH(QSize, size);
    SizedView f(size);
    for (QCPAxisRect* rect : f.view.plot()->axisRects()) {
      for (QCPAxis* axis : rect->axes()) {
        if (axis->visible() && axis->tickLabels()) {
          QVERIFY2(tickLabelsApart(*axis), qPrintable(QStringList(axis->tickVectorLabels().toList()).join(' ')));
        }
      }
    }
    for (QCPColorMap* map : {f.view.productMap(), f.view.cosineMap()}) {
      QVERIFY(tickLabelsApart(*map->colorScale()->axis()));
      QVERIFY(map->colorScale()->axis()->tickVector().size() >= 2);  // a scale, not a lone "0"
      QVERIFY(map->keyAxis()->tickVector().size() >= 2);
    }
    // Wider maps get more labels.
    SizedView slide(QSize(1600, 1000));
    QVERIFY(f.view.productMap()->keyAxis()->tickVector().size() <=
            slide.view.productMap()->keyAxis()->tickVector().size());
    if (size.width() < 600) {
      QVERIFY(f.view.productMap()->keyAxis()->tickVector().size() <
              slide.view.productMap()->keyAxis()->tickVector().size());
    }
  }

  void mapsStaySquareWhenThereIsHeightToSpare() {
    SizedView f(QSize(600, 430));
    const QRect map = f.view.productMap()->keyAxis()->axisRect()->rect();
    QVERIFY2(std::abs(map.width() - map.height()) <= 8,
             qPrintable(QString("%1 x %2").arg(map.width()).arg(map.height())));
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
    const QString path = dir.filePath("positional." + figureExtension(figureFormat));
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

  void savesOneCsvTableOfNormsProductAndCosine() {
    Fixture f;
    f.view.selectHead(1, 0);
    QTemporaryDir dir;
    const QString path = dir.filePath("positional.csv");
    QVERIFY(f.view.saveData(path));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly | QIODevice::Text));
    QList<QByteArray> lines = file.readAll().split('\n');
    QCOMPARE(lines.takeFirst(), QByteArray("kind,layer,head,i,j,value"));
    QCOMPARE(lines.takeLast(), QByteArray());
    QCOMPARE(lines.size(), 40 + 40 * 41 / 2 + 40 * 40);  // norms, causal product, cosine
    for (const QByteArray& line : lines) QCOMPARE(line.count(','), 5);
    QVERIFY(lines.contains("norm,,,0,,1"));
    QVERIFY(lines.contains("product,2,1,2,0,2"));  // layer 2 head 1 is head k = 2
    QVERIFY(lines.contains("cosine,,,3,3,1"));
  }

  void csvFailureIsReported() {
    Fixture f;
    QVERIFY(!f.view.saveData("/nonexistent-directory/positional.csv"));
    QVERIFY(!f.view.lastError().isEmpty());
  }
};

QTEST_MAIN(TestPositionalView)
#include "tst_positional_view.moc"
