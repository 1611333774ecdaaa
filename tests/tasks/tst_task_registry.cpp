// The task registry and the theory metadata of all 25 tasks: the list in PAPER.md order, the
// C-RASP status of PAPER.md's tables, the paper's numbers agreeing with the theory under the
// verdict rule of PAPER.md section 3, random baselines, presets and descriptions.
#include "task_registry.h"
#include "verdict.h"

#include <QtTest>

#include <regex>
#include <set>

using namespace lengthlab;

namespace {

const Task& task(const std::string& id) {
  const Task* found = findTask(id);
  if (!found) throw std::runtime_error("no task " + id);
  return *found;
}

// PAPER.md section 3's verdict (verdict.h) applied to the paper's [51, 100] number.
bool paperGeneralizes(const BinPercents& bins, double randomBaseline) {
  return generalizes(bins[1] / 100.0, randomBaseline);
}

void addTaskRows() {
  QTest::addColumn<QString>("id");
  for (const Task* t : allTasks()) {
    QTest::newRow(t->id().c_str()) << QString::fromStdString(t->id());
  }
}

}  // namespace

class TestTaskRegistry : public QObject {
  Q_OBJECT

 private slots:
  void listsTheTwentyFiveTasksInPaperOrder() {
    std::vector<std::string> ids;
    for (const Task* t : allTasks()) ids.push_back(t->id());
    const std::vector<std::string> expected = {
        "bin_majority", "majority",    "bin_majority_interleave",
        "unique_copy",  "repeat_copy", "sort",
        "parity",       "addition",    "aa_star",
        "aaaa_star",    "abab_star",   "tomita3",
        "tomita5",      "tomita6",     "d2",
        "d3",           "d4",          "d12",
        "tomita1",      "tomita2",     "tomita4",
        "tomita7",      "a_to_e",      "ab_d_bc",
        "zot_z_t"};
    QCOMPARE(ids, expected);
  }

  void findsTasksByIdOnly() {
    QCOMPARE(findTask("tomita4")->id(), std::string("tomita4"));
    QVERIFY(findTask("Tomita4") == nullptr);
    QVERIFY(findTask("") == nullptr);
    QVERIFY(taskIdList().starts_with("bin_majority, majority, bin_majority_interleave, "));
    QVERIFY(taskIdList().ends_with(", ab_d_bc, zot_z_t"));
  }

  void craspStatusFollowsThePaper_data() {
    QTest::addColumn<QString>("id");
    QTest::addColumn<bool>("ape");
    QTest::addColumn<bool>("nope");
    const std::vector<std::tuple<const char*, bool, bool>> rows = {
        {"bin_majority", true, true},
        {"majority", true, true},
        {"bin_majority_interleave", true, false},
        {"unique_copy", true, false},
        {"repeat_copy", false, false},
        {"sort", true, true},
        {"parity", false, false},
        {"addition", false, false},
        {"aa_star", true, false},
        {"aaaa_star", true, false},
        {"abab_star", true, false},
        {"tomita3", false, false},
        {"tomita5", false, false},
        {"tomita6", false, false},
        {"d2", true, true},
        {"d3", true, true},
        {"d4", true, true},
        {"d12", true, true},
        {"tomita1", true, true},
        {"tomita2", true, true},
        {"tomita4", true, false},
        {"tomita7", true, true},
        {"a_to_e", true, true},
        {"ab_d_bc", true, true},
        {"zot_z_t", false, false}};
    for (const auto& [id, ape, nope] : rows) QTest::newRow(id) << QString(id) << ape << nope;
  }
  void craspStatusFollowsThePaper() {
    QFETCH(QString, id);
    QFETCH(bool, ape);
    QFETCH(bool, nope);
    const TaskInfo& info = task(id.toStdString()).info();
    QCOMPARE(info.craspApe, ape);
    QCOMPARE(info.craspNope, nope);
  }

  void paperNumbersAgreeWithTheTheory_data() { addTaskRows(); }
  void paperNumbersAgreeWithTheTheory() {
    // PAPER.md section 3 claims its verdict rule reproduces the prediction for all 25 tasks.
    QFETCH(QString, id);
    const TaskInfo& info = task(id.toStdString()).info();
    QVERIFY(info.paper.ape && info.paper.nope);
    QCOMPARE(paperGeneralizes(*info.paper.ape, info.randomBaseline), info.craspApe);
    QCOMPARE(paperGeneralizes(*info.paper.nope, info.randomBaseline), info.craspNope);
  }

  void regulariserNumbersOnlyWhereThePaperHasThem_data() { addTaskRows(); }
  void regulariserNumbersOnlyWhereThePaperHasThem() {
    QFETCH(QString, id);
    const Task& t = task(id.toStdString());
    const bool expected =
        t.family() == TaskFamily::Algorithmic || t.id() == "aaaa_star" || t.id() == "abab_star";
    QCOMPARE(t.info().paper.reg.has_value(), expected);
  }

  void paperNumbersSpotChecks() {
    QCOMPARE(*task("bin_majority_interleave").info().paper.nope, (BinPercents{96.2, 68.8, 39.5}));
    QCOMPARE(*task("parity").info().paper.reg, (BinPercents{100, 83.4, 64.2}));
    QCOMPARE(*task("tomita7").info().paper.nope, (BinPercents{100, 87.5, 76.2}));
    QCOMPARE(*task("zot_z_t").info().paper.ape, (BinPercents{99.7, 24.4, 1.2}));
    QCOMPARE(*task("abab_star").info().paper.reg, (BinPercents{100, 100, 100}));
  }

  void randomBaselines_data() {
    QTest::addColumn<QString>("id");
    QTest::addColumn<double>("baseline");
    QTest::newRow("bin_majority") << "bin_majority" << 0.498;
    QTest::newRow("majority") << "majority" << 0.041;
    QTest::newRow("interleave: three fair bits") << "bin_majority_interleave" << 0.125;
    QTest::newRow("parity") << "parity" << 0.523;
    for (const char* id : {"unique_copy", "repeat_copy", "sort", "addition", "tomita3", "d12"}) {
      QTest::newRow(id) << id << 0.0;
    }
  }
  void randomBaselines() {
    QFETCH(QString, id);
    QFETCH(double, baseline);
    QCOMPARE(task(id.toStdString()).info().randomBaseline, baseline);
  }

  void presetsAreThePapersArchitectures_data() {
    QTest::addColumn<QString>("id");
    QTest::addColumn<QList<double>>("ape");  // layers, heads, width, learning rate
    QTest::addColumn<QList<double>>("nope");
    using L = QList<double>;
    QTest::newRow("bin_majority") << "bin_majority" << L{1, 1, 16, 1e-3} << L{1, 1, 16, 1e-3};
    QTest::newRow("majority") << "majority" << L{1, 2, 256, 1e-3} << L{1, 1, 64, 1e-3};
    QTest::newRow("interleave") << "bin_majority_interleave" << L{2, 4, 256, 1e-4}
                                << L{12, 12, 768, 1e-3};
    QTest::newRow("unique_copy") << "unique_copy" << L{2, 1, 64, 1e-3} << L{4, 4, 256, 1e-3};
    QTest::newRow("repeat_copy") << "repeat_copy" << L{4, 4, 256, 1e-3} << L{4, 4, 256, 1e-3};
    QTest::newRow("sort") << "sort" << L{1, 2, 256, 1e-4} << L{1, 1, 256, 1e-3};
    QTest::newRow("parity") << "parity" << L{4, 2, 256, 1e-4} << L{12, 12, 768, 3e-5};
    QTest::newRow("addition") << "addition" << L{12, 12, 768, 1e-4} << L{12, 12, 768, 1e-4};
  }
  void presetsAreThePapersArchitectures() {
    QFETCH(QString, id);
    QFETCH(QList<double>, ape);
    QFETCH(QList<double>, nope);
    const TaskInfo& info = task(id.toStdString()).info();
    const auto asList = [](const ModelPreset& p) {
      return QList<double>{double(p.layers), double(p.heads), double(p.dModel), p.learningRate};
    };
    QCOMPARE(asList(info.presetApe), ape);
    QCOMPARE(asList(info.presetNope), nope);
  }

  void metadataIsComplete_data() { addTaskRows(); }
  void metadataIsComplete() {
    QFETCH(QString, id);
    const Task& t = task(id.toStdString());
    const TaskInfo& info = t.info();
    QVERIFY(!info.name.empty());
    QVERIFY(!info.alphabet.empty());
    QCOMPARE(std::set<std::string>(info.alphabet.begin(), info.alphabet.end()).size(),
             info.alphabet.size());
    QVERIFY(!t.lengthRule().empty());
    // C-RASP[] is a fragment of C-RASP[periodic, local]; a program exists exactly for the latter.
    QVERIFY(!info.craspNope || info.craspApe);
    QCOMPARE(!info.craspProgram.empty(), info.craspApe);
    for (const ModelPreset& p : {info.presetApe, info.presetNope}) {
      QVERIFY(p.layers >= 1 && p.heads >= 1 && p.dModel % p.heads == 0);
      QVERIFY(p.learningRate > 0 && p.learningRate <= 1e-3);
    }
  }

  void descriptionsAreTwoOrThreeSentences_data() { addTaskRows(); }
  void descriptionsAreTwoOrThreeSentences() {
    QFETCH(QString, id);
    const std::string& description = task(id.toStdString()).info().description;
    const std::regex sentenceEnd("[.!?](\\s|$)");
    const auto sentences =
        std::distance(std::sregex_iterator(description.begin(), description.end(), sentenceEnd),
                      std::sregex_iterator());
    QVERIFY2(sentences >= 2 && sentences <= 3, description.c_str());
    // Each description says what the theory predicts.
    QVERIFY2(description.find("predict") != std::string::npos, description.c_str());
  }
};

QTEST_APPLESS_MAIN(TestTaskRegistry)
#include "tst_task_registry.moc"
