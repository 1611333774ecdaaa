// The 8 algorithmic tasks of PAPER.md section 4: the properties of many sampled examples, checked
// with rules written here (sortedness, distinctness, majority, parity, binary sums, no ties), the
// exact length, the sampling distributions the paper prescribes, determinism for a seed, and
// the answers of complete() on hand-made inputs.
#include "algorithmic_task.h"
#include "sequence_codec.h"
#include "task_registry.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

using namespace lengthlab;

namespace {

const Task& task(const std::string& id) {
  const Task* found = findTask(id);
  if (!found) throw std::runtime_error("no task " + id);
  return *found;
}

std::vector<Example> draw(const Task& t, int n, int count, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<Example> examples;
  for (int k = 0; k < count; ++k) examples.push_back(t.sample(n, rng));
  return examples;
}

// Symbol ids as their names, e.g. {"1", "0", "+", "1", "="}.
std::vector<std::string> names(const Task& t, const std::vector<int>& ids) {
  std::vector<std::string> result;
  for (int id : ids) result.push_back(t.info().alphabet.at(static_cast<std::size_t>(id)));
  return result;
}

std::vector<int> ids(const Task& t, const std::vector<std::string>& symbols) {
  std::vector<int> result;
  const auto& alphabet = t.info().alphabet;
  for (const auto& s : symbols) {
    result.push_back(
        static_cast<int>(std::find(alphabet.begin(), alphabet.end(), s) - alphabet.begin()));
  }
  return result;
}

int countOf(const std::vector<int>& values, int value) {
  return static_cast<int>(std::count(values.begin(), values.end(), value));
}

// Chi-square statistic of observed counts against equal expected counts.
double chiSquareUniform(const std::map<int, int>& counts, int total) {
  const double expected = static_cast<double>(total) / static_cast<double>(counts.size());
  double sum = 0;
  for (const auto& [value, count] : counts) {
    sum += (count - expected) * (count - expected) / expected;
  }
  return sum;
}

std::vector<std::string> algorithmicIds() {
  return {"bin_majority", "majority",    "bin_majority_interleave",
          "unique_copy",  "repeat_copy", "sort",
          "parity",       "addition"};
}

}  // namespace

class TestAlgorithmicTasks : public QObject {
  Q_OBJECT

 private slots:
  void registryHasTheEightTasksInPaperOrder() {
    std::vector<std::string> found;
    for (const Task* t : allTasks()) {
      if (t->family() == TaskFamily::Algorithmic) found.push_back(t->id());
    }
    QCOMPARE(found, algorithmicIds());
  }

  void lengthBoundsFollowThePaper_data() {
    QTest::addColumn<QString>("id");
    QTest::addColumn<int>("shortest");
    QTest::addColumn<int>("longest");
    QTest::newRow("bin_majority") << "bin_majority" << 1 << 1000;
    QTest::newRow("majority") << "majority" << 1 << 1000;
    QTest::newRow("interleave: a bit per stream") << "bin_majority_interleave" << 3 << 1000;
    QTest::newRow("unique_copy: 150 distinct") << "unique_copy" << 1 << 150;
    QTest::newRow("repeat_copy") << "repeat_copy" << 1 << 1000;
    QTest::newRow("sort: 150 distinct") << "sort" << 1 << 150;
    QTest::newRow("parity: n = 0 allowed") << "parity" << 0 << 1000;
    QTest::newRow("addition: 1 + 1 =") << "addition" << 4 << 1000;
  }
  void lengthBoundsFollowThePaper() {
    QFETCH(QString, id);
    QFETCH(int, shortest);
    QFETCH(int, longest);
    const Task& t = task(id.toStdString());
    QVERIFY(t.hasLength(shortest));
    QVERIFY(t.hasLength(longest));
    QVERIFY(!t.hasLength(shortest - 1));
    QVERIFY(!t.hasLength(longest + 1));
    Rng rng(1);
    for (int n : {shortest - 1, longest + 1}) {
      try {
        t.sample(n, rng);
        QFAIL("sample() accepted a length outside the rule");
      } catch (const LengthError& e) {
        QVERIFY2(std::string(e.what()).find(t.lengthRule()) != std::string::npos, e.what());
      }
    }
  }

  void examplesHaveTheRequestedLengthAndAreConsistent_data() {
    QTest::addColumn<QString>("id");
    for (const auto& id : algorithmicIds()) QTest::newRow(id.c_str()) << QString::fromStdString(id);
  }
  void examplesHaveTheRequestedLengthAndAreConsistent() {
    // Exact length, symbols in the alphabet, an output within maxOutputLength, and complete()
    // gives the same answer for the sampled input.
    QFETCH(QString, id);
    const Task& t = task(id.toStdString());
    Rng rng(2);
    for (int n = 0; n <= 160; n += (n < 30 ? 1 : 10)) {
      if (!t.hasLength(n)) continue;
      for (int k = 0; k < 10; ++k) {
        const Example example = t.sample(n, rng);
        QCOMPARE(example.length(), n);
        QVERIFY(!example.output.empty());
        QVERIFY(static_cast<int>(example.output.size()) <= t.maxOutputLength(n));
        QVERIFY(example.continuations.empty());
        for (int s : example.input) QVERIFY(s >= 0 && s < t.alphabetSize());
        const std::optional<Example> completed = t.complete(example.input);
        QVERIFY(completed);
        QCOMPARE(completed->output, example.output);
      }
    }
  }

  void samplingIsDeterministicForASeed_data() {
    examplesHaveTheRequestedLengthAndAreConsistent_data();
  }
  void samplingIsDeterministicForASeed() {
    QFETCH(QString, id);
    const Task& t = task(id.toStdString());
    const auto inputs = [&t](std::uint64_t seed) {
      std::vector<std::vector<int>> result;
      for (const Example& e : draw(t, 40, 20, seed)) result.push_back(e.input);
      return result;
    };
    QCOMPARE(inputs(7), inputs(7));
    QVERIFY(inputs(7) != inputs(8));
  }

  void encodedExamplesFitTheModelsSequenceLength_data() {
    examplesHaveTheRequestedLengthAndAreConsistent_data();
  }
  void encodedExamplesFitTheModelsSequenceLength() {
    // The codec sizes position tables from maxOutputLength: no example may exceed it.
    QFETCH(QString, id);
    const Task& t = task(id.toStdString());
    const SequenceCodec codec(t);
    Rng rng(11);
    for (int n : {0, 1, 3, 4, 10, 50, 100, 150, 1000}) {
      if (!t.hasLength(n)) continue;
      for (int k = 0; k < 5; ++k) {
        const EncodedSequence encoded = codec.encode(t.sample(n, rng));
        QVERIFY(static_cast<int>(encoded.tokens.size()) <= codec.maxSequenceLength(n));
        QCOMPARE(encoded.targets.back(), codec.eos());
      }
    }
  }

  void binMajorityAnswersTheMajorityWithoutTies() {
    const Task& t = task("bin_majority");
    for (int n = 1; n <= 60; ++n) {
      for (const Example& e : draw(t, n, 20, 100 + n)) {
        const int ones = countOf(e.input, 1);
        const int zeros = countOf(e.input, 0);
        QCOMPARE(ones + zeros, n);
        QVERIFY(ones != zeros);
        QCOMPARE(e.output, std::vector<int>{ones > zeros ? 1 : 0});
      }
    }
  }

  void binMajorityZeroCountIsUniform() {
    // n = 10: zeros uniform over {0..10} minus the tie 5: 10 values, 20000 draws,
    // 9 degrees of freedom, critical value 33.7 at p = 1e-4.
    std::map<int, int> counts;
    for (const Example& e : draw(task("bin_majority"), 10, 20000, 3)) ++counts[countOf(e.input, 0)];
    QCOMPARE(counts.size(), std::size_t{10});
    QVERIFY(!counts.count(5));
    QVERIFY2(chiSquareUniform(counts, 20000) < 33.7, "zero counts are not uniform");
  }

  void majorityAnswersTheUniqueMostFrequentLetter() {
    const Task& t = task("majority");
    QCOMPARE(t.alphabetSize(), 26);
    for (int n = 1; n <= 60; ++n) {
      for (const Example& e : draw(t, n, 10, 200 + n)) {
        std::map<int, int> counts;
        for (int letter : e.input) ++counts[letter];
        int top = 0;
        for (const auto& [letter, count] : counts) top = std::max(top, count);
        int lettersAtTop = 0;
        for (const auto& [letter, count] : counts) lettersAtTop += count == top;
        QCOMPARE(lettersAtTop, 1);
        QCOMPARE(e.output.size(), std::size_t{1});
        QCOMPARE(counts[e.output[0]], top);
      }
    }
  }

  void majorityLettersAreUniform() {
    // The first letter of each string (independent across strings; redrawing ties is symmetric
    // in the letters): 26 values, 26000 draws, 25 degrees of freedom, critical 59.0 at p = 1e-4.
    std::map<int, int> counts;
    for (const Example& e : draw(task("majority"), 20, 26000, 4)) ++counts[e.input[0]];
    QCOMPARE(counts.size(), std::size_t{26});
    QVERIFY2(chiSquareUniform(counts, 26000) < 59.0, "letters are not uniform");
  }

  void interleaveAnswersTheMajorityOfEachStream() {
    const Task& t = task("bin_majority_interleave");
    for (int n = 3; n <= 60; ++n) {
      for (const Example& e : draw(t, n, 10, 300 + n)) {
        std::vector<int> expected;
        for (int stream = 0; stream < 3; ++stream) {
          int ones = 0, zeros = 0;
          for (int j = stream; j < n; j += 3) (e.input[std::size_t(j)] == 1 ? ones : zeros)++;
          QVERIFY2(ones != zeros, "a stream is tied");
          QVERIFY(ones + zeros == (n - stream + 2) / 3);  // ceil((n - stream) / 3)
          expected.push_back(ones > zeros ? 1 : 0);
        }
        QCOMPARE(e.output, expected);
      }
    }
  }

  void interleaveStreamZeroCountIsUniform() {
    // n = 12: four bits per stream, zeros uniform over {0, 1, 3, 4} (2 is a tie) in each stream:
    // 3 degrees of freedom, critical value 21.1 at p = 1e-4.
    for (int stream = 0; stream < 3; ++stream) {
      std::map<int, int> counts;
      for (const Example& e : draw(task("bin_majority_interleave"), 12, 8000, 5)) {
        int zeros = 0;
        for (int j = stream; j < 12; j += 3) zeros += e.input[std::size_t(j)] == 0;
        ++counts[zeros];
      }
      QCOMPARE(counts.size(), std::size_t{4});
      QVERIFY(!counts.count(2));
      QVERIFY2(chiSquareUniform(counts, 8000) < 21.1, "stream zero counts are not uniform");
    }
  }

  void uniqueCopyCopiesDistinctTokens() {
    const Task& t = task("unique_copy");
    QCOMPARE(t.alphabetSize(), 150);
    for (int n : {1, 2, 10, 50, 149, 150}) {
      for (const Example& e : draw(t, n, 10, 400 + n)) {
        QCOMPARE(std::set<int>(e.input.begin(), e.input.end()).size(), std::size_t(n));
        QCOMPARE(e.output, e.input);
      }
    }
  }

  void repeatCopyCopiesStringsWithRepeats() {
    const Task& t = task("repeat_copy");
    QCOMPARE(t.info().alphabet, (std::vector<std::string>{"a", "b"}));
    int as = 0;
    for (const Example& e : draw(t, 1000, 10, 6)) {
      QCOMPARE(e.output, e.input);
      as += countOf(e.input, 0);
    }
    QVERIFY2(as > 4700 && as < 5300, "tokens are not i.i.d. uniform");  // 10000 fair coins
  }

  void sortWritesTheInputInAscendingOrder() {
    const Task& t = task("sort");
    for (int id = 0; id < t.alphabetSize(); ++id) {
      QCOMPARE(t.info().alphabet[std::size_t(id)], std::to_string(id));  // id order = numeric
    }
    for (int n : {1, 2, 3, 10, 50, 100, 150}) {
      for (const Example& e : draw(t, n, 10, 500 + n)) {
        QCOMPARE(std::set<int>(e.input.begin(), e.input.end()).size(), std::size_t(n));
        QVERIFY(std::is_sorted(e.output.begin(), e.output.end()));
        QVERIFY(
            std::is_permutation(e.output.begin(), e.output.end(), e.input.begin(), e.input.end()));
      }
    }
  }

  void parityAnswersEvenOrOdd() {
    const Task& t = task("parity");
    QCOMPARE(t.info().alphabet, (std::vector<std::string>{"0", "1", "e", "o"}));
    for (int n = 0; n <= 60; ++n) {
      for (const Example& e : draw(t, n, 10, 600 + n)) {
        QCOMPARE(countOf(e.input, 0) + countOf(e.input, 1), n);  // bits only, no answer tokens
        const std::string expected = countOf(e.input, 1) % 2 == 0 ? "e" : "o";
        QCOMPARE(names(t, e.output), std::vector<std::string>{expected});
      }
    }
    QCOMPARE(names(t, draw(t, 0, 1, 7).front().output), std::vector<std::string>{"e"});
  }

  void parityOneCountIsUniform() {
    // n = 7: ones uniform over {0..7}: 7 degrees of freedom, critical value 29.9 at p = 1e-4.
    std::map<int, int> counts;
    for (const Example& e : draw(task("parity"), 7, 16000, 8)) ++counts[countOf(e.input, 1)];
    QCOMPARE(counts.size(), std::size_t{8});
    QVERIFY2(chiSquareUniform(counts, 16000) < 29.9, "one counts are not uniform");
  }

  void additionWritesTheBinarySum() {
    const Task& t = task("addition");
    QCOMPARE(t.info().alphabet, (std::vector<std::string>{"0", "1", "+", "="}));
    for (int n = 4; n <= 62; ++n) {  // operands of at most 59 bits: the sum fits in 64 bits
      for (const Example& e : draw(t, n, 10, 700 + n)) {
        const std::vector<std::string> input = names(t, e.input);
        QCOMPARE(input.back(), std::string("="));
        const auto plus = std::find(input.begin(), input.end(), "+");
        QVERIFY(plus != input.end());
        const std::vector<std::string> a(input.begin(), plus), b(plus + 1, input.end() - 1);
        QCOMPARE(static_cast<int>(a.size() + b.size()) + 2, n);  // the length counts + and =
        QVERIFY(!a.empty() && !b.empty());
        std::uint64_t valueA = 0, valueB = 0;
        for (const auto& digit : a) valueA = 2 * valueA + (digit == "1");
        for (const auto& digit : b) valueB = 2 * valueB + (digit == "1");
        if (a.size() > 1) QCOMPARE(a.front(), std::string("1"));  // no leading zero
        if (b.size() > 1) QCOMPARE(b.front(), std::string("1"));
        std::vector<std::string> sum;  // most significant bit first, no leading zeros
        for (std::uint64_t s = valueA + valueB; s > 0; s /= 2) {
          sum.insert(sum.begin(), s % 2 ? "1" : "0");
        }
        if (sum.empty()) sum = {"0"};
        QCOMPARE(names(t, e.output), sum);
      }
    }
  }

  void additionFirstOperandLengthIsUniform() {
    // n = 10: the first operand has 1..7 digits, uniformly: 6 degrees of freedom, critical
    // value 27.9 at p = 1e-4.
    const Task& t = task("addition");
    std::map<int, int> counts;
    for (const Example& e : draw(t, 10, 14000, 9)) {
      const auto plus = std::find(e.input.begin(), e.input.end(), ids(t, {"+"})[0]);
      ++counts[static_cast<int>(plus - e.input.begin())];
    }
    QCOMPARE(counts.size(), std::size_t{7});
    QVERIFY2(chiSquareUniform(counts, 14000) < 27.9, "operand lengths are not uniform");
  }

  void additionOperandValuesAreUniformAmongNumerals() {
    // A 3-digit operand is one of 100, 101, 110, 111, equally likely: 3 degrees of freedom,
    // critical value 21.1 at p = 1e-4.
    const Task& t = task("addition");
    std::map<int, int> counts;
    int total = 0;
    for (const Example& e : draw(t, 6, 24000, 10)) {  // 3-digit first operand in 1/3 of draws
      if (e.input[3] != ids(t, {"+"})[0]) continue;
      ++counts[4 * e.input[0] + 2 * e.input[1] + e.input[2]];
      ++total;
    }
    QCOMPARE(counts.size(), std::size_t{4});
    QVERIFY(!counts.count(0) && !counts.count(1));
    QVERIFY2(chiSquareUniform(counts, total) < 21.1, "operand values are not uniform");
  }

  void completeAnswersHandMadeInputs_data() {
    QTest::addColumn<QString>("id");
    QTest::addColumn<QStringList>("input");
    QTest::addColumn<QStringList>("output");
    QTest::newRow("bin_majority") << "bin_majority" << QStringList{"0", "0", "1"}
                                  << QStringList{"0"};
    QTest::newRow("majority") << "majority" << QStringList{"b", "a", "b"} << QStringList{"b"};
    QTest::newRow("interleave") << "bin_majority_interleave"
                                << QStringList{"1", "0", "0", "1", "0", "0", "1", "1", "1"}
                                << QStringList{"1", "0", "0"};
    QTest::newRow("unique_copy") << "unique_copy" << QStringList{"7", "3"} << QStringList{"7", "3"};
    QTest::newRow("repeat_copy") << "repeat_copy" << QStringList{"a", "a", "b"}
                                 << QStringList{"a", "a", "b"};
    QTest::newRow("sort numerically")
        << "sort" << QStringList{"12", "3", "100"} << QStringList{"3", "12", "100"};
    QTest::newRow("parity empty") << "parity" << QStringList{} << QStringList{"e"};
    QTest::newRow("parity odd") << "parity" << QStringList{"1", "1", "1"} << QStringList{"o"};
    QTest::newRow("addition 5 + 3") << "addition" << QStringList{"1", "0", "1", "+", "1", "1", "="}
                                    << QStringList{"1", "0", "0", "0"};
    QTest::newRow("addition 0 + 0")
        << "addition" << QStringList{"0", "+", "0", "="} << QStringList{"0"};
  }
  void completeAnswersHandMadeInputs() {
    QFETCH(QString, id);
    QFETCH(QStringList, input);
    QFETCH(QStringList, output);
    const Task& t = task(id.toStdString());
    std::vector<std::string> in, out;
    for (const QString& s : input) in.push_back(s.toStdString());
    for (const QString& s : output) out.push_back(s.toStdString());
    const std::optional<Example> example = t.complete(ids(t, in));
    QVERIFY(example);
    QCOMPARE(names(t, example->output), out);
  }

  void completeRejectsInputsWithoutAnAnswer_data() {
    QTest::addColumn<QString>("id");
    QTest::addColumn<QStringList>("input");
    QTest::newRow("bin_majority tie") << "bin_majority" << QStringList{"0", "1"};
    QTest::newRow("bin_majority empty") << "bin_majority" << QStringList{};
    QTest::newRow("majority tie") << "majority" << QStringList{"a", "b"};
    QTest::newRow("interleave tied stream")
        << "bin_majority_interleave" << QStringList{"0", "0", "0", "1"};
    QTest::newRow("interleave too short") << "bin_majority_interleave" << QStringList{"0", "1"};
    QTest::newRow("unique_copy repeat") << "unique_copy" << QStringList{"4", "4"};
    QTest::newRow("sort repeat") << "sort" << QStringList{"4", "9", "4"};
    QTest::newRow("parity answer token") << "parity" << QStringList{"1", "e"};
    QTest::newRow("addition no =") << "addition" << QStringList{"1", "+", "1", "1"};
    QTest::newRow("addition no +") << "addition" << QStringList{"1", "0", "1", "="};
    QTest::newRow("addition empty a") << "addition" << QStringList{"+", "1", "1", "="};
    QTest::newRow("addition empty b") << "addition" << QStringList{"1", "1", "+", "="};
    QTest::newRow("addition two +") << "addition" << QStringList{"1", "+", "1", "+", "1", "="};
  }
  void completeRejectsInputsWithoutAnAnswer() {
    QFETCH(QString, id);
    QFETCH(QStringList, input);
    const Task& t = task(id.toStdString());
    std::vector<std::string> in;
    for (const QString& s : input) in.push_back(s.toStdString());
    QVERIFY(!t.complete(ids(t, in)));
  }

  void completeRejectsSymbolsOutsideTheAlphabet_data() {
    examplesHaveTheRequestedLengthAndAreConsistent_data();
  }
  void completeRejectsSymbolsOutsideTheAlphabet() {
    QFETCH(QString, id);
    const Task& t = task(id.toStdString());
    QVERIFY(!t.complete({0, 1, t.alphabetSize(), 0}));
    QVERIFY(!t.complete({0, -1, 1, 0}));
  }
};

QTEST_APPLESS_MAIN(TestAlgorithmicTasks)
#include "tst_algorithmic_tasks.moc"
