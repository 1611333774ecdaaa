// The seven Tomita grammars (Tomita 1982), all over {0, 1}, as used in PAPER.md section 5. They
// split cleanly under the theory: 1, 2, 4 and 7 have C-RASP programs (4 needs a local relation,
// so only with positions), while 3, 5 and 6 need counting modulo 2 or 3, which C-RASP lacks.
// C-RASP programs compute, at the position i ending the prefix s1..si (<bos> is position 0),
// NEXT_c for every symbol c and END (see formal_languages.cpp).
#include "formal_language_task.h"

#include <stdexcept>
#include <string>

namespace lengthlab {
namespace {

constexpr int kDead = Dfa::kDead;

TaskInfo tomitaInfo(int number, std::string description, bool craspApe, bool craspNope,
                    std::string program, BinPercents ape, BinPercents nope) {
  TaskInfo info;
  info.id = "tomita" + std::to_string(number);
  info.name = "Tomita-" + std::to_string(number);
  info.alphabet = {"0", "1"};
  info.description = std::move(description);
  info.craspApe = craspApe;
  info.craspNope = craspNope;
  info.craspProgram = std::move(program);
  info.paper.ape = ape;
  info.paper.nope = nope;
  return info;
}

std::unique_ptr<Task> makeTomita1() {
  TaskInfo info = tomitaInfo(
      1,
      "Strings of 1s only, the empty string included. A single 0 rules out every continuation, "
      "and whether one has appeared is a count (#Q_0 == 0), so C-RASP expresses the language "
      "without positions and the theory predicts generalization with and without positional "
      "encodings.",
      true, true,
      "OK := #Q_0 == 0\n"
      "NEXT_0 := false\n"
      "NEXT_1 := OK\n"
      "END := OK",
      {100, 100, 100}, {100, 100, 100});
  return makeFormalLanguageTask(std::move(info), {{kDead, 0}}, 0, {0});
}

std::unique_ptr<Task> makeTomita2() {
  TaskInfo info = tomitaInfo(
      2,
      "Repetitions of 10. A prefix is right as long as, at every point, the number of 1s equals "
      "the number of 0s or exceeds it by one; those are comparisons of counts, so C-RASP "
      "expresses the language without positions and the theory predicts generalization with and "
      "without positional encodings.",
      true, true,
      "C1 := #Q_1\n"
      "C0 := #Q_0\n"
      "OK := #[C1 < C0 or C1 > C0 + 1] == 0\n"
      "NEXT_1 := OK and C1 == C0\n"
      "NEXT_0 := OK and C1 == C0 + 1\n"
      "END := OK and C1 == C0",
      {100, 100, 100}, {100, 100, 100});
  // States: whole 10 blocks read (accepting), a 1 waiting for its 0.
  return makeFormalLanguageTask(std::move(info), {{kDead, 1}, {0, kDead}}, 0, {0});
}

std::unique_ptr<Task> makeTomita3() {
  TaskInfo info = tomitaInfo(
      3,
      "Strings over {0, 1} in which no maximal run of 1s of odd length is immediately followed "
      "by a maximal run of 0s of odd length. Telling odd runs from even ones needs counting "
      "modulo 2, which C-RASP cannot express, so the theory predicts failure beyond the training "
      "lengths with any positional encoding.",
      false, false, "", {60.5, 7.7, 0}, {21.1, 0, 0});
  // States: 0 no pending odd run of 1s (start, or 0s after an even run of 1s); 1 an odd run of
  // 1s; 2 an even run of 1s; 3 an odd run of 0s after an odd run of 1s (rejecting: that run must
  // grow to even length before the next 1); 4 an even run of 0s after an odd run of 1s.
  return makeFormalLanguageTask(std::move(info), {{0, 1}, {3, 2}, {0, 1}, {4, kDead}, {3, 1}}, 0,
                                {0, 1, 2, 4});
}

std::unique_ptr<Task> makeTomita4() {
  TaskInfo info = tomitaInfo(
      4,
      "Strings over {0, 1} that never contain three 0s in a row. Spotting 000 only needs to look "
      "one and two positions back, a local relation that learned absolute positions can "
      "represent, so the theory predicts generalization with APE; without positions (NoPE) the "
      "neighbours cannot be found and the theory predicts failure.",
      true, false,
      "PREV0(i) := #[j <= i, j = i - 1] Q_0(j) == 1     # local\n"
      "PREV0_2(i) := #[j <= i, j = i - 2] Q_0(j) == 1   # local\n"
      "OK := #[j <= i] (Q_0(j) and PREV0(j) and PREV0_2(j)) == 0\n"
      "NEXT_0 := OK and not (Q_0(i) and PREV0(i))\n"
      "NEXT_1 := OK\n"
      "END := OK",
      {100, 85.4, 84.4}, {100, 16.5, 0});
  // State: the number of 0s at the end of the string (0, 1 or 2).
  return makeFormalLanguageTask(std::move(info), {{1, 0}, {2, 0}, {kDead, 0}}, 0, {0, 1, 2});
}

std::unique_ptr<Task> makeTomita5() {
  TaskInfo info = tomitaInfo(
      5,
      "Strings over {0, 1} with an even number of 0s and an even number of 1s. The end bit needs "
      "the parity of two counts, modular counting that C-RASP cannot express (a periodic "
      "predicate sees the position, not a count), so as for parity the theory predicts failure "
      "beyond the training lengths.",
      false, false, "", {54.4, 0, 0}, {7.1, 0, 0});
  // State: (#0 mod 2) + 2 * (#1 mod 2).
  return makeFormalLanguageTask(std::move(info), {{1, 2}, {0, 3}, {3, 0}, {2, 1}}, 0, {0});
}

std::unique_ptr<Task> makeTomita6() {
  TaskInfo info = tomitaInfo(
      6,
      "Strings over {0, 1} in which the number of 0s minus the number of 1s is divisible by 3. "
      "That is counting modulo 3, which C-RASP cannot express, so the theory predicts failure "
      "beyond the training lengths; in the paper the models did not even fit the training "
      "lengths.",
      false, false, "", {59.6, 0, 0}, {2.4, 0, 0});
  // State: (#0 - #1) mod 3.
  return makeFormalLanguageTask(std::move(info), {{1, 2}, {2, 0}, {0, 1}}, 0, {0});
}

std::unique_ptr<Task> makeTomita7() {
  TaskInfo info = tomitaInfo(
      7,
      "Strings of the form 0*1*0*1*: no 1, 0, 1, 0 appear in this order, adjacent or not. "
      "Whether that pattern has appeared builds up from nested "
      "counts (a 0 after some 1, a 1 after such a 0, ...), which C-RASP expresses without "
      "positions, so the theory predicts generalization with and without positional encodings.",
      true, true,
      "C1 := #Q_1\n"
      "C10 := #[Q_0 and C1 > 0]        # 0s that follow some 1\n"
      "C101 := #[Q_1 and C10 > 0]      # 1s that follow such a 0\n"
      "OK := #[Q_0 and C101 > 0] == 0  # no 1, 0, 1, 0 in this order\n"
      "NEXT_0 := OK and C101 == 0\n"
      "NEXT_1 := OK\n"
      "END := OK",
      {100, 94.2, 93.2}, {100, 87.5, 76.2});
  // States: in the first 0s, the first 1s, the second 0s, the second 1s; all accepting.
  return makeFormalLanguageTask(std::move(info), {{0, 1}, {2, 1}, {2, 3}, {kDead, 3}}, 0,
                                {0, 1, 2, 3});
}

}  // namespace

std::unique_ptr<Task> makeTomitaTask(int number) {
  switch (number) {
    case 1: return makeTomita1();
    case 2: return makeTomita2();
    case 3: return makeTomita3();
    case 4: return makeTomita4();
    case 5: return makeTomita5();
    case 6: return makeTomita6();
    case 7: return makeTomita7();
    default: throw std::invalid_argument("there is no Tomita-" + std::to_string(number));
  }
}

}  // namespace lengthlab
