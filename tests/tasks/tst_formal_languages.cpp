// The 17 formal languages of PAPER.md section 5, each checked against an independent definition
// written here (a regular expression or a direct rule, never the DFA under test):
// sampled strings are members; member counts and the continuation targets agree with brute
// force over all short strings; sampling is uniform (chi-square over all members at a small
// length); sampling is deterministic; lengths without members are refused with the rule.
#include "formal_language_task.h"
#include "sequence_codec.h"
#include "task_registry.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <regex>
#include <set>

using namespace lengthlab;

namespace {

using Membership = std::function<bool(const std::string&)>;

Membership regexRule(const char* pattern) {
  const std::regex re(pattern);
  return [re](const std::string& s) { return std::regex_match(s, re); };
}

int countOf(const std::string& s, char c) {
  return static_cast<int>(std::count(s.begin(), s.end(), c));
}

bool tomita3Rule(const std::string& s) {
  // Split into maximal runs; reject an odd run of 1s directly followed by an odd run of 0s.
  std::vector<std::pair<char, int>> runs;
  for (char c : s) {
    if (runs.empty() || runs.back().first != c) runs.push_back({c, 0});
    ++runs.back().second;
  }
  for (std::size_t k = 0; k + 1 < runs.size(); ++k) {
    if (runs[k].first == '1' && runs[k].second % 2 == 1 && runs[k + 1].second % 2 == 1) {
      return false;
    }
  }
  return true;
}

Membership dyckRule(int maxDepth) {
  return [maxDepth](const std::string& s) {
    int depth = 0;
    for (char c : s) {
      depth += c == 'a' ? 1 : -1;
      if (depth < 0 || depth > maxDepth) return false;
    }
    return depth == 0;
  };
}

Membership independentRule(const std::string& id) {
  static const std::map<std::string, Membership> rules = {
      {"aa_star", regexRule("(aa)*")},
      {"aaaa_star", regexRule("(aaaa)*")},
      {"abab_star", regexRule("(abab)*")},
      {"tomita1", regexRule("1*")},
      {"tomita2", regexRule("(10)*")},
      {"tomita3", tomita3Rule},
      {"tomita4", [](const std::string& s) { return s.find("000") == std::string::npos; }},
      {"tomita5",
       [](const std::string& s) { return countOf(s, '0') % 2 == 0 && countOf(s, '1') % 2 == 0; }},
      {"tomita6",
       [](const std::string& s) { return (countOf(s, '0') - countOf(s, '1')) % 3 == 0; }},
      {"tomita7", regexRule("0*1*0*1*")},
      {"d2", dyckRule(2)},
      {"d3", dyckRule(3)},
      {"d4", dyckRule(4)},
      {"d12", dyckRule(12)},
      {"a_to_e", regexRule("a+b+c+d+e+")},
      {"ab_d_bc", regexRule("[ab]*d[bc]*")},
      {"zot_z_t", regexRule("[012]*02*")},
  };
  return rules.at(id);
}

const FormalLanguageTask& language(const std::string& id) {
  const auto* task = dynamic_cast<const FormalLanguageTask*>(findTask(id));
  if (!task) throw std::runtime_error("no formal language " + id);
  return *task;
}

std::string text(const Task& task, const std::vector<int>& symbols) {
  std::string s;
  for (int id : symbols) s += task.info().alphabet[static_cast<std::size_t>(id)];
  return s;
}

// Every string over the alphabet of length exactly n, as symbol ids, in lexicographic order.
std::vector<std::vector<int>> allStrings(int alphabetSize, int n) {
  std::vector<std::vector<int>> strings{{}};
  for (int k = 0; k < n; ++k) {
    std::vector<std::vector<int>> longer;
    for (const auto& s : strings) {
      for (int c = 0; c < alphabetSize; ++c) {
        longer.push_back(s);
        longer.back().push_back(c);
      }
    }
    strings = std::move(longer);
  }
  return strings;
}

// Brute force over all strings up to maxLength: the members, and every prefix of a member.
struct BruteForce {
  std::set<std::string> members;
  std::set<std::string> prefixesOfMembers;
  std::vector<int> countByLength;
};

BruteForce bruteForce(const Task& task, int maxLength) {
  const Membership isMember = independentRule(task.id());
  BruteForce result;
  for (int n = 0; n <= maxLength; ++n) {
    int count = 0;
    for (const auto& symbols : allStrings(task.alphabetSize(), n)) {
      const std::string s = text(task, symbols);
      if (!isMember(s)) continue;
      ++count;
      result.members.insert(s);
      for (std::size_t k = 0; k <= s.size(); ++k) result.prefixesOfMembers.insert(s.substr(0, k));
    }
    result.countByLength.push_back(count);
  }
  return result;
}

std::vector<std::string> languageIds() {
  std::vector<std::string> ids;
  for (const Task* task : allTasks()) {
    if (task->family() == TaskFamily::Formal) ids.push_back(task->id());
  }
  return ids;
}

// Chi-square critical value at p = 1e-4 (z = 3.719) by the Wilson-Hilferty approximation,
// accurate to a few percent for the degrees of freedom used here.
double chiSquareCritical(int degreesOfFreedom) {
  const double k = degreesOfFreedom;
  const double term = 1.0 - 2.0 / (9.0 * k) + 3.719 * std::sqrt(2.0 / (9.0 * k));
  return k * term * term * term;
}

}  // namespace

class TestFormalLanguages : public QObject {
  Q_OBJECT

 private slots:
  void registryHasTheSeventeenLanguages() {
    const std::vector<std::string> expected = {
        "aa_star", "aaaa_star", "abab_star", "tomita3", "tomita5", "tomita6",
        "d2",      "d3",        "d4",        "d12",     "tomita1", "tomita2",
        "tomita4", "tomita7",   "a_to_e",    "ab_d_bc", "zot_z_t"};
    QCOMPARE(languageIds(), expected);
  }

  void sampledStringsAreMembers_data() { addLanguageRows(); }
  void sampledStringsAreMembers() {
    QFETCH(QString, id);
    const FormalLanguageTask& task = language(id.toStdString());
    const Membership isMember = independentRule(task.id());
    Rng rng(11);
    std::vector<int> lengths;
    for (int n = 0; n <= 60; ++n) lengths.push_back(n);
    for (int n : {99, 100, 101, 150, 500}) lengths.push_back(n);
    int sampled = 0;
    for (int n : lengths) {
      if (!task.hasLength(n)) continue;
      for (int k = 0; k < 5; ++k) {
        const Example example = task.sample(n, rng);
        QCOMPARE(example.length(), n);
        QVERIFY2(isMember(text(task, example.input)), text(task, example.input).c_str());
        QVERIFY(example.output.empty());
        ++sampled;
      }
    }
    QVERIFY(sampled >= 5 * 16);  // every language has members at 16 or more of these lengths
  }

  void memberCountsMatchBruteForce_data() { addLanguageRows(); }
  void memberCountsMatchBruteForce() {
    QFETCH(QString, id);
    QFETCH(int, enumerationLength);
    const FormalLanguageTask& task = language(id.toStdString());
    const BruteForce brute = bruteForce(task, enumerationLength);
    for (int n = 0; n <= enumerationLength; ++n) {
      const int expected = brute.countByLength[static_cast<std::size_t>(n)];
      QCOMPARE(task.memberCount(n).toU64(), std::uint64_t(expected));
      QCOMPARE(task.hasLength(n), expected > 0);
    }
  }

  void targetsMatchBruteForce_data() { addLanguageRows(); }
  void targetsMatchBruteForce() {
    // After prefix p: c is allowed iff pc is a prefix of a member, the end bit iff p is a member.
    // Brute force sees members up to enumerationLength only; the rows pick prefixLength so that
    // every possible continuation of a prefix that short is completed well within that bound.
    QFETCH(QString, id);
    QFETCH(int, enumerationLength);
    QFETCH(int, prefixLength);
    const FormalLanguageTask& task = language(id.toStdString());
    const BruteForce brute = bruteForce(task, enumerationLength);
    const int width = task.alphabetSize() + 1;
    for (int n = 0; n <= prefixLength; ++n) {
      for (const auto& symbols : allStrings(task.alphabetSize(), n)) {
        const std::optional<Example> example = task.complete(symbols);
        QVERIFY(example);
        QCOMPARE(example->continuations.size(), std::size_t((n + 1) * width));
        for (int i = 0; i <= n; ++i) {
          const std::string prefix = text(task, {symbols.begin(), symbols.begin() + i});
          for (int c = 0; c < task.alphabetSize(); ++c) {
            const bool allowed = brute.prefixesOfMembers.count(prefix + task.info().alphabet[c]);
            QVERIFY2(example->continuations[std::size_t(i * width + c)] == allowed,
                     (prefix + " then " + task.info().alphabet[c]).c_str());
          }
          const bool member = brute.members.count(prefix);
          QVERIFY2(example->continuations[std::size_t(i * width + width - 1)] == member,
                   (prefix + " then <eos>").c_str());
        }
      }
    }
  }

  void sampledTargetsDescribeTheSampledString_data() { addLanguageRows(); }
  void sampledTargetsDescribeTheSampledString() {
    // For long strings brute force is out of reach; the table must still be the table of the
    // string, allow every symbol the string actually continues with, and end with the end bit.
    QFETCH(QString, id);
    const FormalLanguageTask& task = language(id.toStdString());
    const int width = task.alphabetSize() + 1;
    Rng rng(12);
    for (int n = 95; n <= 150; ++n) {
      if (!task.hasLength(n)) continue;
      const Example example = task.sample(n, rng);
      QCOMPARE(example.continuations, task.complete(example.input)->continuations);
      for (int i = 0; i < n; ++i) {
        QVERIFY(example.continuations[std::size_t(i * width + example.input[std::size_t(i)])]);
      }
      QVERIFY(example.continuations.back());
    }
  }

  void examplesEncodeForTheModel_data() { addLanguageRows(); }
  void examplesEncodeForTheModel() {
    // <bos> s1..sn with one label row per position, the <bos> row being the empty prefix.
    QFETCH(QString, id);
    const FormalLanguageTask& task = language(id.toStdString());
    const SequenceCodec codec(task);
    QCOMPARE(codec.outputSize(), task.alphabetSize() + 1);
    Rng rng(15);
    for (int n = 40; n <= 44; ++n) {
      if (!task.hasLength(n)) continue;
      const Example example = task.sample(n, rng);
      const EncodedSequence encoded = codec.encode(example);
      QCOMPARE(static_cast<int>(encoded.tokens.size()), codec.maxSequenceLength(n));
      QCOMPARE(encoded.labels, example.continuations);
    }
  }

  void samplingIsUniform_data() {
    QTest::addColumn<QString>("id");
    QTest::addColumn<int>("length");
    // Lengths where each language has between 1 and ~100 members.
    const std::vector<std::pair<const char*, int>> rows = {
        {"aa_star", 6}, {"aaaa_star", 8}, {"abab_star", 8}, {"tomita3", 6}, {"tomita5", 8},
        {"tomita6", 7}, {"d2", 8},        {"d3", 8},        {"d4", 8},      {"d12", 10},
        {"tomita1", 7}, {"tomita2", 8},   {"tomita4", 6},   {"tomita7", 7}, {"a_to_e", 9},
        {"ab_d_bc", 4}, {"zot_z_t", 4}};
    for (const auto& [id, length] : rows) QTest::newRow(id) << QString(id) << length;
  }
  void samplingIsUniform() {
    // Every member of that length (found by brute force with the independent rule) is drawn
    // about equally often: chi-square against the uniform distribution at p = 1e-4.
    QFETCH(QString, id);
    QFETCH(int, length);
    const FormalLanguageTask& task = language(id.toStdString());
    const Membership isMember = independentRule(task.id());
    std::map<std::string, int> counts;
    for (const auto& symbols : allStrings(task.alphabetSize(), length)) {
      if (isMember(text(task, symbols))) counts[text(task, symbols)] = 0;
    }
    QVERIFY(!counts.empty());
    const int expectedPerMember = 200;
    const int draws = expectedPerMember * static_cast<int>(counts.size());
    Rng rng(13);
    for (int k = 0; k < draws; ++k) {
      const auto it = counts.find(text(task, task.sample(length, rng).input));
      QVERIFY(it != counts.end());
      ++it->second;
    }
    if (counts.size() == 1) return;  // a single member: drawn every time, nothing to test
    double chiSquare = 0;
    for (const auto& [member, count] : counts) {
      chiSquare +=
          (count - expectedPerMember) * double(count - expectedPerMember) / expectedPerMember;
    }
    const double critical = chiSquareCritical(static_cast<int>(counts.size()) - 1);
    QVERIFY2(chiSquare < critical, qPrintable(QString("chi-square %1 over %2 members, critical %3")
                                                  .arg(chiSquare)
                                                  .arg(counts.size())
                                                  .arg(critical)));
  }

  void samplingIsDeterministicForASeed_data() { addLanguageRows(); }
  void samplingIsDeterministicForASeed() {
    QFETCH(QString, id);
    const FormalLanguageTask& task = language(id.toStdString());
    const auto draw = [&task](std::uint64_t seed) {
      Rng rng(seed);
      std::vector<std::vector<int>> strings;
      for (int n = 20; n <= 60; ++n) {
        if (task.hasLength(n)) strings.push_back(task.sample(n, rng).input);
      }
      return strings;
    };
    QCOMPARE(draw(42), draw(42));
    const bool oneMemberPerLength = task.memberCount(40) == BigUint(1);
    if (!oneMemberPerLength) QVERIFY(draw(42) != draw(43));
  }

  void countsAreExactAtLength500() {
    // Closed forms, computed here without the DFA:
    //   {a,b}*d{b,c}*: the d at position p, 2^(p-1) strings before it, 2^(n-p) after: n 2^(n-1)
    //   aa*bb*cc*dd*ee*: compositions of n into 5 positive parts: C(n-1, 4)
    //   {0,1,2}*02*: the last 0 at position p, anything before it: sum of 3^(p-1), p = 1..n
    //   Tomita-5 at even n >= 2: half of all strings have an even number of 0s: 2^(n-1)
    BigUint power2(1), power3(1), geometric3;
    for (int p = 1; p <= 500; ++p) {
      geometric3 += power3;
      const BigUint copy3 = power3;
      power3 += copy3;
      power3 += copy3;
      if (p < 500) {
        const BigUint copy2 = power2;
        power2 += copy2;  // ends as 2^499
      }
    }
    BigUint nTimesPower2;
    for (int k = 0; k < 500; ++k) nTimesPower2 += power2;
    QCOMPARE(language("ab_d_bc").memberCount(500), nTimesPower2);
    QCOMPARE(language("a_to_e").memberCount(500), BigUint(2552446876ull));  // Python: comb(499, 4)
    QCOMPARE(language("zot_z_t").memberCount(500), geometric3);
    QCOMPARE(language("tomita5").memberCount(500), power2);
    QCOMPARE(language("zot_z_t").memberCount(500).toString().size(), std::size_t{239});
  }

  void lengthsWithoutMembersAreRefused_data() {
    QTest::addColumn<QString>("id");
    QTest::addColumn<int>("length");
    QTest::newRow("(aa)* odd") << "aa_star" << 7;
    QTest::newRow("(aaaa)* 6") << "aaaa_star" << 6;
    QTest::newRow("(abab)* 2") << "abab_star" << 2;
    QTest::newRow("Tomita-2 odd") << "tomita2" << 3;
    QTest::newRow("Tomita-6 1") << "tomita6" << 1;
    QTest::newRow("D-2 odd") << "d2" << 51;
    QTest::newRow("a..e below 5") << "a_to_e" << 4;
    QTest::newRow("ab_d_bc empty") << "ab_d_bc" << 0;
    QTest::newRow("zot empty") << "zot_z_t" << 0;
    QTest::newRow("beyond the maximum") << "tomita4" << 1001;
    QTest::newRow("negative") << "tomita1" << -1;
  }
  void lengthsWithoutMembersAreRefused() {
    QFETCH(QString, id);
    QFETCH(int, length);
    const FormalLanguageTask& task = language(id.toStdString());
    QVERIFY(!task.hasLength(length));
    Rng rng(14);
    try {
      task.sample(length, rng);
      QFAIL("sample() accepted a length without members");
    } catch (const LengthError& e) {
      QVERIFY2(std::string(e.what()).find(task.lengthRule()) != std::string::npos, e.what());
    }
  }

  void lengthRulesSayWhichLengthsExist_data() {
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("rule");
    const QString even = "even lengths from 0 to 1000";
    const QString every = "every length from 0 to 1000";
    QTest::newRow("aa_star") << "aa_star" << even;
    QTest::newRow("aaaa_star") << "aaaa_star"
                               << "multiples of 4 from 0 to 1000";
    QTest::newRow("abab_star") << "abab_star"
                               << "multiples of 4 from 0 to 1000";
    QTest::newRow("tomita3") << "tomita3" << every;
    QTest::newRow("tomita5") << "tomita5" << even;
    QTest::newRow("tomita6") << "tomita6"
                             << "length 0 and every length from 2 to 1000";
    QTest::newRow("d12") << "d12" << even;
    QTest::newRow("tomita1") << "tomita1" << every;
    QTest::newRow("tomita2") << "tomita2" << even;
    QTest::newRow("a_to_e") << "a_to_e"
                            << "every length from 5 to 1000";
    QTest::newRow("ab_d_bc") << "ab_d_bc"
                             << "every length from 1 to 1000";
    QTest::newRow("zot_z_t") << "zot_z_t"
                             << "every length from 1 to 1000";
  }
  void lengthRulesSayWhichLengthsExist() {
    QFETCH(QString, id);
    QFETCH(QString, rule);
    QCOMPARE(QString::fromStdString(language(id.toStdString()).lengthRule()), rule);
  }

  void describeLengthsFindsThePattern_data() {
    QTest::addColumn<QString>("pattern");  // '1' where a length has members, from length 0
    QTest::addColumn<QString>("rule");
    QTest::newRow("odd") << "0101010101"
                         << "odd lengths from 1 to 9";
    QTest::newRow("mod 3 = 1") << "0100100100"
                               << "lengths n from 1 to 7 with n mod 3 = 1";
    QTest::newRow("two residues") << "1101101101"
                                  << "lengths n from 0 to 9 with n mod 3 in {0, 1}";
    QTest::newRow("exceptions") << "1010111111"
                                << "lengths 0, 2 and every length from 4 to 9";
    QTest::newRow("none") << "0000"
                          << "none (no member of any length from 0 to 3)";
  }
  void describeLengthsFindsThePattern() {
    QFETCH(QString, pattern);
    QFETCH(QString, rule);
    std::vector<bool> hasMember;
    for (QChar c : pattern) hasMember.push_back(c == '1');
    QCOMPARE(QString::fromStdString(describeLengths(hasMember)), rule);
  }

  void languagesDoNotProduceOutputTokens() {
    for (const std::string& id : languageIds()) QCOMPARE(language(id).maxOutputLength(50), 0);
  }

  void completeRejectsSymbolsOutsideTheAlphabet() {
    QVERIFY(!language("d2").complete({0, 2}));
    QVERIFY(!language("d2").complete({-1}));
    QVERIFY(language("d2").complete({1, 1}));  // not a prefix of a member, but well-formed
  }

 private:
  // One row per language with the brute-force bounds: all strings up to enumerationLength are
  // enumerated; targets are checked for all strings up to prefixLength. The gap covers the
  // longest completion a live prefix can need (e.g. D-k: one b per open a; a..e: "bcde").
  void addLanguageRows() {
    QTest::addColumn<QString>("id");
    QTest::addColumn<int>("enumerationLength");
    QTest::addColumn<int>("prefixLength");
    const std::vector<std::tuple<const char*, int, int>> rows = {
        {"aa_star", 14, 10}, {"aaaa_star", 14, 10}, {"abab_star", 14, 9}, {"tomita3", 14, 10},
        {"tomita5", 14, 10}, {"tomita6", 14, 10},   {"d2", 14, 10},       {"d3", 14, 9},
        {"d4", 14, 8},       {"d12", 14, 6},        {"tomita1", 14, 10},  {"tomita2", 14, 10},
        {"tomita4", 14, 10}, {"tomita7", 14, 10},   {"a_to_e", 8, 3},     {"ab_d_bc", 8, 6},
        {"zot_z_t", 9, 7}};
    for (const auto& [id, enumeration, prefix] : rows) {
      QTest::newRow(id) << QString(id) << enumeration << prefix;
    }
  }
};

QTEST_APPLESS_MAIN(TestFormalLanguages)
#include "tst_formal_languages.moc"
