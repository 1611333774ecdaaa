// ExperimentPanel: choosing a task (in code or in the tree) fills in its preset with the GUI's
// evaluation defaults; the positional variant brings its own model preset; the search hides
// other tasks but keeps the family headings; every problem (validation or syntax) is listed
// before Start; a locked panel cannot be edited; setConfig and config() round-trip.
#include "experiment_panel.h"
#include "task.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSpinBox>
#include <QThread>
#include <QTreeWidget>
#include <QtTest>

using namespace lengthlab;

namespace {

TrainingConfig configOf(const ExperimentPanel& panel) {
  const auto result = panel.config();
  if (const auto* problems = std::get_if<QStringList>(&result)) {
    qWarning() << "unexpected problems:" << *problems;
    return {};
  }
  return std::get<TrainingConfig>(result);
}

QStringList problemsOf(const ExperimentPanel& panel) {
  const auto result = panel.config();
  const auto* problems = std::get_if<QStringList>(&result);
  return problems ? *problems : QStringList{};
}

// The tree row showing this task name, or nullptr.
QTreeWidgetItem* rowNamed(QTreeWidget* tree, const QString& name) {
  for (QTreeWidgetItemIterator it(tree); *it; ++it) {
    if ((*it)->parent() && (*it)->text(0) == name) return *it;
  }
  return nullptr;
}

QStringList visibleTaskNames(QTreeWidget* tree) {
  QStringList names;
  for (QTreeWidgetItemIterator it(tree); *it; ++it) {
    if ((*it)->parent() && !(*it)->isHidden() && !(*it)->parent()->isHidden()) names << (*it)->text(0);
  }
  return names;
}

QTreeWidgetItem* group(QTreeWidget* tree, const QString& title) {
  for (int g = 0; g < tree->topLevelItemCount(); ++g) {
    if (tree->topLevelItem(g)->text(0) == title) return tree->topLevelItem(g);
  }
  return nullptr;
}

}  // namespace

class TestExperimentPanel : public QObject {
  Q_OBJECT

 private:
  template <typename T>
  T* field(ExperimentPanel& panel, const char* name) {
    T* widget = panel.findChild<T*>(name);
    if (!widget) qFatal("the panel has no field named %s", name);
    return widget;
  }

  void choosePositional(ExperimentPanel& panel, PositionalEncoding pe) {
    auto* combo = field<QComboBox>(panel, "positional");
    combo->setCurrentIndex(combo->findData(static_cast<int>(pe)));
  }

 private slots:
  void startsWithoutATask() {
    ExperimentPanel panel;
    QCOMPARE(panel.currentTask(), nullptr);
    QVERIFY(problemsOf(panel).contains("choose a task"));
  }

  void selectingATaskFillsItsPreset() {
    ExperimentPanel panel;
    QSignalSpy taskChanged(&panel, &ExperimentPanel::taskChanged);
    QSignalSpy edited(&panel, &ExperimentPanel::configEdited);
    QVERIFY(panel.selectTask("unique_copy"));
    QCOMPARE(QString::fromStdString(panel.currentTask()->id()), QString("unique_copy"));
    QCOMPARE(taskChanged.count(), 1);
    QCOMPARE(taskChanged.first().first().toString(), QString("unique_copy"));
    QCOMPARE(edited.count(), 0);  // code, not the user, changed the fields
    const TrainingConfig c = configOf(panel);
    QCOMPARE(c.task, std::string("unique_copy"));
    QCOMPARE(c.layers, 2);
    QCOMPARE(c.heads, 1);
    QCOMPARE(c.dModel, 64);
    QCOMPARE(c.learningRate, 1e-3);
    QCOMPARE(c.train, (LengthRange{1, 50}));
    QCOMPARE(c.testBins, (std::vector<LengthRange>{{1, 50}, {51, 100}, {101, 150}}));
    // The GUI's live-class evaluation defaults, not the command line's 2000 every 3000 steps.
    QCOMPARE(c.evalCount, 300);
    QCOMPARE(c.evalEvery, 200L);
  }

  void refusesAnUnknownTask() {
    ExperimentPanel panel;
    QVERIFY(panel.selectTask("sort"));
    QVERIFY(!panel.selectTask("no_such_task"));
    QCOMPARE(QString::fromStdString(panel.currentTask()->id()), QString("sort"));
  }

  void switchingToNopeLoadsItsPresetAndKeepsTheLengths() {
    ExperimentPanel panel;
    panel.selectTask("unique_copy");
    field<QSpinBox>(panel, "trainHi")->setValue(40);
    QSignalSpy edited(&panel, &ExperimentPanel::configEdited);
    choosePositional(panel, PositionalEncoding::Nope);
    QVERIFY(edited.count() >= 1);
    TrainingConfig c = configOf(panel);
    QCOMPARE(c.positional, PositionalEncoding::Nope);
    QCOMPARE(c.layers, 4);
    QCOMPARE(c.heads, 4);
    QCOMPARE(c.dModel, 256);
    QCOMPARE(c.train.hi, 40);
    choosePositional(panel, PositionalEncoding::Ape);
    c = configOf(panel);
    QCOMPARE(c.layers, 2);
    QCOMPARE(c.heads, 1);
    QCOMPARE(c.dModel, 64);
  }

  void regulariserCoefficientOnlyForApeReg() {
    ExperimentPanel panel;
    panel.selectTask("majority");
    auto* coef = field<QLineEdit>(panel, "regCoef");
    QVERIFY(!coef->isEnabled());
    choosePositional(panel, PositionalEncoding::ApeReg);
    QVERIFY(coef->isEnabled());
    QCOMPARE(coef->text(), QString("1e-4"));
    coef->setText("3e-5");
    QCOMPARE(configOf(panel).regCoef, 3e-5);
    QCOMPARE(configOf(panel).positional, PositionalEncoding::ApeReg);
  }

  void choosingInTheTreeSelectsTheTask() {
    ExperimentPanel panel;
    QSignalSpy taskChanged(&panel, &ExperimentPanel::taskChanged);
    QSignalSpy edited(&panel, &ExperimentPanel::configEdited);
    auto* tree = field<QTreeWidget>(panel, "taskTree");
    tree->setCurrentItem(rowNamed(tree, "Sort"));
    QCOMPARE(QString::fromStdString(panel.currentTask()->id()), QString("sort"));
    QCOMPARE(taskChanged.count(), 1);
    QCOMPARE(edited.count(), 1);
    QCOMPARE(configOf(panel).dModel, 256);  // the paper's 1L2H256d, lr 1e-4 for sort with APE
    QCOMPARE(configOf(panel).learningRate, 1e-4);
  }

  void treeGroupsTasksByFamilyWithTheApePrediction() {
    ExperimentPanel panel;
    auto* tree = field<QTreeWidget>(panel, "taskTree");
    QCOMPARE(rowNamed(tree, "Unique copy")->parent()->text(0), QString("Algorithmic tasks"));
    QCOMPARE(rowNamed(tree, "Tomita-4")->parent()->text(0), QString("Formal languages"));
    QVERIFY(rowNamed(tree, "Unique copy")->text(1).contains("generalizes"));
    QVERIFY(rowNamed(tree, "Parity")->text(1).contains("fails"));
    QVERIFY(rowNamed(tree, "Tomita-3")->text(1).contains("fails"));
    QCOMPARE(visibleTaskNames(tree).size(), 25);
  }

  void searchHidesOtherTasksAndKeepsGroups() {
    ExperimentPanel panel;
    auto* tree = field<QTreeWidget>(panel, "taskTree");
    auto* search = field<QLineEdit>(panel, "taskSearch");
    search->setText("copy");
    QCOMPARE(visibleTaskNames(tree), (QStringList{"Unique copy", "Repeat copy"}));
    QVERIFY(!group(tree, "Algorithmic tasks")->isHidden());
    QVERIFY(group(tree, "Formal languages")->isHidden());
    search->setText("TOMITA");  // case-insensitive, and ids match too
    QCOMPARE(visibleTaskNames(tree).size(), 7);
    QVERIFY(!group(tree, "Formal languages")->isHidden());
    search->setText("bin_majority_inter");
    QCOMPARE(visibleTaskNames(tree), QStringList{"Interleaved binary majority"});
    search->setText("xyz");
    QVERIFY(visibleTaskNames(tree).isEmpty());
    search->clear();
    QCOMPARE(visibleTaskNames(tree).size(), 25);
  }

  void invalidWidthForTheHeadsIsShown() {
    ExperimentPanel panel;
    panel.selectTask("unique_copy");
    field<QSpinBox>(panel, "dModel")->setValue(10);
    field<QSpinBox>(panel, "heads")->setValue(3);
    const QString expected = "d-model (10) must be divisible by the number of heads (3)";
    QVERIFY2(problemsOf(panel).contains(expected), qPrintable(problemsOf(panel).join('\n')));
    auto* shown = field<QLabel>(panel, "problems");
    QVERIFY(!shown->isHidden());
    QVERIFY(shown->text().contains(expected));
    field<QSpinBox>(panel, "dModel")->setValue(12);
    QVERIFY(problemsOf(panel).isEmpty());
    QVERIFY(shown->isHidden());
  }

  void testBinSyntaxErrorsAreShownAtTheField_data() {
    QTest::addColumn<QString>("bins");
    QTest::addColumn<QString>("message");
    QTest::newRow("empty bin") << "1-50,,51-100" << "has an empty bin";
    QTest::newRow("not a range") << "1-50,abc" << "is not a length range";
    QTest::newRow("backwards") << "1-50,100-51" << "is empty";
  }
  void testBinSyntaxErrorsAreShownAtTheField() {
    QFETCH(QString, bins);
    QFETCH(QString, message);
    ExperimentPanel panel;
    panel.selectTask("majority");
    field<QLineEdit>(panel, "testBins")->setText(bins);
    auto* error = field<QLabel>(panel, "testBinsError");
    QVERIFY(!error->isHidden());
    QVERIFY2(error->text().contains(message), qPrintable(error->text()));
    QVERIFY(problemsOf(panel).contains(error->text()));
    field<QLineEdit>(panel, "testBins")->setText("1-50,51-100");
    QVERIFY(error->isHidden());
    QCOMPARE(configOf(panel).testBins, (std::vector<LengthRange>{{1, 50}, {51, 100}}));
  }

  void malformedNumbersAreProblems() {
    ExperimentPanel panel;
    panel.selectTask("majority");
    field<QLineEdit>(panel, "learningRate")->setText("1e-");
    QVERIFY(problemsOf(panel).join('\n').contains("learning rate"));
    field<QLineEdit>(panel, "learningRate")->setText("2.5e-4");
    QCOMPARE(configOf(panel).learningRate, 2.5e-4);
    field<QLineEdit>(panel, "seed")->setText("");
    QVERIFY(problemsOf(panel).join('\n').contains("seed"));
  }

  void userEditsAreSignalled() {
    ExperimentPanel panel;
    panel.selectTask("majority");
    QSignalSpy edited(&panel, &ExperimentPanel::configEdited);
    field<QSpinBox>(panel, "steps")->setValue(500);
    QCOMPARE(edited.count(), 1);
    QCOMPARE(configOf(panel).steps, 500L);
  }

  void threadsShowTheCoreCount() {
    ExperimentPanel panel;
    auto* threads = field<QSpinBox>(panel, "threads");
    QCOMPARE(threads->minimum(), 0);
    QVERIFY(threads->specialValueText().contains(QString::number(QThread::idealThreadCount())));
  }

  void lockingMakesEveryFieldReadOnly() {
    ExperimentPanel panel;
    panel.selectTask("unique_copy");
    panel.setLocked(true);
    for (QSpinBox* box : panel.findChildren<QSpinBox*>()) QVERIFY2(box->isReadOnly(), qPrintable(box->objectName()));
    for (QLineEdit* edit : panel.findChildren<QLineEdit*>()) {
      if (edit->parent() && qobject_cast<QSpinBox*>(edit->parent())) continue;  // a spin box's own editor
      QVERIFY2(edit->isReadOnly() || !edit->isEnabled(), qPrintable(edit->objectName()));
    }
    QVERIFY(!field<QComboBox>(panel, "positional")->isEnabled());
    QVERIFY(!field<QTreeWidget>(panel, "taskTree")->isEnabled());
    panel.setLocked(false);
    QVERIFY(!field<QSpinBox>(panel, "layers")->isReadOnly());
    QVERIFY(field<QComboBox>(panel, "positional")->isEnabled());
    QVERIFY(field<QTreeWidget>(panel, "taskTree")->isEnabled());
  }

  void setConfigRoundTripsThroughConfig() {
    TrainingConfig in;
    in.task = "majority";
    in.train = {2, 40};
    in.testBins = {{1, 40}, {41, 80}, {81, 120}};
    in.layers = 3;
    in.heads = 2;
    in.dModel = 48;
    in.learningRate = 3e-4;
    in.batchSize = 32;
    in.steps = 1234;
    in.positional = PositionalEncoding::ApeReg;
    in.regCoef = 2.5e-4;
    in.seed = (1ULL << 40) + 7;
    in.threads = 3;
    in.evalEvery = 77;
    in.evalCount = 123;
    in.earlyStop = false;
    in.randomOffsets = false;
    in.optimizer.weightDecay = 0.05;
    ExperimentPanel panel;
    QSignalSpy taskChanged(&panel, &ExperimentPanel::taskChanged);
    QSignalSpy edited(&panel, &ExperimentPanel::configEdited);
    panel.setConfig(in);
    QCOMPARE(taskChanged.count(), 1);
    QCOMPARE(edited.count(), 0);
    const TrainingConfig out = configOf(panel);
    QCOMPARE(out.task, in.task);
    QCOMPARE(out.train, in.train);
    QCOMPARE(out.testBins, in.testBins);
    QCOMPARE(out.layers, in.layers);
    QCOMPARE(out.heads, in.heads);
    QCOMPARE(out.dModel, in.dModel);
    QCOMPARE(out.learningRate, in.learningRate);
    QCOMPARE(out.batchSize, in.batchSize);
    QCOMPARE(out.steps, in.steps);
    QCOMPARE(out.positional, in.positional);
    QCOMPARE(out.regCoef, in.regCoef);
    QCOMPARE(out.seed, in.seed);
    QCOMPARE(out.threads, in.threads);
    QCOMPARE(out.evalEvery, in.evalEvery);
    QCOMPARE(out.evalCount, in.evalCount);
    QCOMPARE(out.earlyStop, in.earlyStop);
    QCOMPARE(out.randomOffsets, in.randomOffsets);
    QCOMPARE(out.optimizer.weightDecay, in.optimizer.weightDecay);
  }

  void setConfigWithAnUnknownTaskIsAProblem() {
    TrainingConfig in;
    in.task = "no_such_task";
    ExperimentPanel panel;
    panel.setConfig(in);
    QCOMPARE(panel.currentTask(), nullptr);
    QVERIFY(problemsOf(panel).join('\n').contains("no_such_task"));
  }
};

QTEST_MAIN(TestExperimentPanel)
#include "tst_experiment_panel.moc"
