// Lengths of a range that a task can produce: what a sampler over [1, 50] draws from, and the
// report of the lengths it skips (odd lengths for (aa)*, nothing for bin_majority).
#include "task_lengths.h"
#include "task_registry.h"

#include <QtTest>

using namespace lengthlab;

class TestTaskLengths : public QObject {
  Q_OBJECT

 private slots:
  void keepsOnlyLengthsWithExamples() {
    const std::vector<int> lengths = lengthsWithExamples(*findTask("aa_star"), 1, 10);
    QCOMPARE(lengths, (std::vector<int>{2, 4, 6, 8, 10}));
    QCOMPARE(lengthsWithExamples(*findTask("a_to_e"), 1, 6), (std::vector<int>{5, 6}));
    QCOMPARE(lengthsWithExamples(*findTask("parity"), 0, 2), (std::vector<int>{0, 1, 2}));
    QVERIFY(lengthsWithExamples(*findTask("bin_majority"), 5, 4).empty());
  }

  void reportsSkippedLengths() {
    QCOMPARE(skippedLengthsReport(*findTask("aa_star"), 1, 50),
             std::string("aa_star has no example at 25 of the 50 lengths in [1, 50] (allowed: "
                         "even lengths from 0 to 1000); they are skipped"));
    QCOMPARE(skippedLengthsReport(*findTask("abab_star"), 51, 100),
             std::string("abab_star has no example at 37 of the 50 lengths in [51, 100] "
                         "(allowed: multiples of 4 from 0 to 1000); they are skipped"));
  }

  void reportsARangeWithoutAnyExample() {
    QCOMPARE(skippedLengthsReport(*findTask("a_to_e"), 1, 4),
             std::string("a_to_e has no example at any length in [1, 4] (allowed: every length "
                         "from 5 to 1000)"));
  }

  void saysNothingWhenNothingIsSkipped() {
    QCOMPARE(skippedLengthsReport(*findTask("bin_majority"), 1, 50), std::string());
    QCOMPARE(skippedLengthsReport(*findTask("tomita4"), 51, 150), std::string());
  }
};

QTEST_APPLESS_MAIN(TestTaskLengths)
#include "tst_task_lengths.moc"
