// Dfa: the appended dead state, co-accessibility, exact member counts at length 500, uniform
// sampling, and the continuation table, on small automata whose answers are known in closed form.
#include "dfa.h"

#include <QtTest>

#include <map>
#include <stdexcept>

using namespace lengthlab;

namespace {

constexpr int kDead = Dfa::kDead;

// Binary strings without two adjacent 1s. State 0: last symbol not 1; state 1: last symbol 1.
Dfa noTwoOnes(int maxLength = 500) { return Dfa(2, {{0, 1}, {0, kDead}}, 0, {0, 1}, maxLength); }

// Every binary string.
Dfa allBinaryStrings(int maxLength = 500) { return Dfa(2, {{0, 0}}, 0, {0}, maxLength); }

// "ab" only, plus a state 3 that is reachable but can never reach acceptance (not live).
Dfa abWithTrap() { return Dfa(2, {{1, 3}, {kDead, 2}, {kDead, kDead}, {3, 3}}, 0, {2}, 10); }

}  // namespace

class TestDfa : public QObject {
  Q_OBJECT

 private slots:
  void appendsARejectingDeadState() {
    const Dfa dfa = noTwoOnes();
    QCOMPARE(dfa.stateCount(), 3);
    QCOMPARE(dfa.deadState(), 2);
    QCOMPARE(dfa.next(1, 1), dfa.deadState());
    QVERIFY(!dfa.accepting(dfa.deadState()));
    QVERIFY(!dfa.live(dfa.deadState()));
    for (int c = 0; c < 2; ++c) QCOMPARE(dfa.next(dfa.deadState(), c), dfa.deadState());
  }

  void liveMeansAcceptanceIsReachable() {
    const Dfa dfa = abWithTrap();
    QVERIFY(dfa.live(0));
    QVERIFY(dfa.live(1));
    QVERIFY(dfa.live(2));
    QVERIFY(!dfa.live(3));  // a rejecting sink the definition wrote out by hand
  }

  void runsAndAccepts() {
    const Dfa dfa = noTwoOnes();
    QVERIFY(dfa.accepts({}));
    QVERIFY(dfa.accepts({1, 0, 1, 0, 0, 1}));
    QVERIFY(!dfa.accepts({0, 1, 1}));
    QCOMPARE(dfa.run({0, 7}), dfa.deadState());  // a symbol out of range
  }

  void countsEveryStringExactlyAtLength500() {
    // 2^500 has 151 digits: no 64-bit or floating-point count survives this.
    const Dfa dfa = allBinaryStrings();
    BigUint expected(1);
    for (int n = 0; n <= 500; ++n) {
      QCOMPARE(dfa.memberCount(n), expected);
      const BigUint twice = expected;
      expected += twice;
    }
  }

  void countsFollowFibonacci() {
    // Strings without 11 of length n: F(n + 2) with F(1) = F(2) = 1.
    const Dfa dfa = noTwoOnes();
    BigUint previous(1), current(2);  // F(2), F(3): lengths 0 and 1
    QCOMPARE(dfa.memberCount(0), previous);
    for (int n = 1; n <= 500; ++n) {
      QCOMPARE(dfa.memberCount(n), current);
      BigUint next = current;
      next += previous;
      previous = current;
      current = next;
    }
    QCOMPARE(dfa.memberCount(90).toU64(), 7540113804746346429ull);  // F(92), from a table
  }

  void completionsCountFromAnyState() {
    const Dfa dfa = abWithTrap();
    QCOMPARE(dfa.completions(0, 2), BigUint(1));
    QCOMPARE(dfa.completions(1, 1), BigUint(1));
    QCOMPARE(dfa.completions(2, 0), BigUint(1));
    QVERIFY(dfa.completions(3, 5).isZero());
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, dfa.completions(0, 11));
  }

  void samplesOnlyMembersOfTheRequestedLength() {
    const Dfa dfa = noTwoOnes();
    Rng rng(5);
    for (int n : {0, 1, 2, 17, 150, 500}) {
      const std::vector<int> member = dfa.sampleMember(n, rng);
      QCOMPARE(static_cast<int>(member.size()), n);
      QVERIFY(dfa.accepts(member));
    }
  }

  void samplesUniformly() {
    // All 13 strings of length 5 without 11, 13000 draws: chi-square with 12 degrees of freedom,
    // critical value 36.5 at p = 1e-4.
    const Dfa dfa = noTwoOnes();
    Rng rng(6);
    std::map<std::vector<int>, int> counts;
    const int draws = 13000;
    for (int k = 0; k < draws; ++k) ++counts[dfa.sampleMember(5, rng)];
    QCOMPARE(counts.size(), std::size_t{13});
    double chiSquare = 0;
    for (const auto& [member, count] : counts) {
      chiSquare += (count - 1000.0) * (count - 1000.0) / 1000.0;
    }
    QVERIFY2(chiSquare < 36.5, qPrintable(QString::number(chiSquare)));
  }

  void refusesLengthsWithoutMembers() {
    const Dfa dfa = abWithTrap();
    Rng rng(7);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, dfa.sampleMember(3, rng));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, dfa.sampleMember(11, rng));
    QCOMPARE(dfa.sampleMember(2, rng), (std::vector<int>{0, 1}));
  }

  void continuationTableMarksLiveSymbolsAndMembership() {
    // Over {a, b}: after "", a may follow (b leads to the trap); after "a", b; after "ab",
    // nothing may follow but the string may end.
    const Dfa dfa = abWithTrap();
    const std::vector<std::uint8_t> expected = {1, 0, 0,  //
                                                0, 1, 0,  //
                                                0, 0, 1};
    QCOMPARE(dfa.continuationTable({0, 1}), expected);
    // A prefix no member starts with gets all-zero rows from there on.
    const std::vector<std::uint8_t> dead = {1, 0, 0, 0, 0, 0, 0, 0, 0};
    QCOMPARE(dfa.continuationTable({1, 1}), dead);
    QCOMPARE(dfa.continuationTable({}), (std::vector<std::uint8_t>{1, 0, 0}));
  }

  void rejectsMalformedTables() {
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Dfa(2, {{0}}, 0, {0}, 5));     // short row
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Dfa(2, {{0, 4}}, 0, {0}, 5));  // bad target
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Dfa(2, {{0, 0}}, 1, {0}, 5));  // bad start
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Dfa(2, {{0, 0}}, 0, {1}, 5));  // accepting
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Dfa(0, {{}}, 0, {0}, 5));      // no symbols
  }
};

QTEST_APPLESS_MAIN(TestDfa)
#include "tst_dfa.moc"
