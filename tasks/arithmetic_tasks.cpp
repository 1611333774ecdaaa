// parity and addition (PAPER.md section 4): the two arithmetic tasks the theory predicts to fail.
// Both can be fit at every fixed length, but parity needs a count modulo 2 and addition needs to
// align digits by their distance from the end, and neither is a C-RASP operation.
#include "algorithmic_task.h"

#include <algorithm>

namespace lengthlab {
namespace {

// Symbol ids (the order of the alphabets below).
constexpr int kBit0 = 0;
constexpr int kBit1 = 1;
constexpr int kEven = 2;  // parity's answers
constexpr int kOdd = 3;
constexpr int kPlus = 2;  // addition's operators
constexpr int kEquals = 3;

class ParityTask final : public AlgorithmicTask {
 public:
  // The empty string is a valid input (zero 1s: even), as in PAPER.md.
  ParityTask() : AlgorithmicTask(makeInfo(), 0) {}

  int maxOutputLength(int) const override { return 1; }

  std::optional<Example> complete(const std::vector<int>& input) const override {
    // Only bits may appear in the input; e and o are answers.
    if (!std::all_of(input.begin(), input.end(), [](int s) { return s == kBit0 || s == kBit1; })) {
      return std::nullopt;
    }
    const auto ones = std::count(input.begin(), input.end(), kBit1);
    return Example{input, {ones % 2 == 0 ? kEven : kOdd}, {}};
  }

 protected:
  Example sampleValidLength(int n, Rng& rng) const override {
    // A uniform count of 1s (not i.i.d. bits) so that both answers are as likely at every n.
    const std::int64_t ones = rng.uniformInt(0, n);
    return *complete(shuffledBits(n, n - ones, rng));
  }

 private:
  static TaskInfo makeInfo() {
    TaskInfo info;
    info.id = "parity";
    info.name = "Parity";
    info.family = TaskFamily::Algorithmic;
    info.alphabet = {"0", "1", "e", "o"};
    info.description =
        "Read a string of bits and answer e if it holds an even number of 1s, o if odd. That is "
        "counting modulo 2: C-RASP can count, but not take a count modulo 2 (a periodic "
        "predicate sees positions, not counts), so the theory predicts failure beyond the "
        "training lengths; each length can be fit, but only by a model that grows with it.";
    info.craspApe = false;
    info.craspNope = false;
    info.paper.ape = BinPercents{100, 83.0, 62.1};
    info.paper.nope = BinPercents{97.5, 74.5, 63.3};
    info.paper.reg = BinPercents{100, 83.4, 64.2};
    info.randomBaseline = 0.523;
    info.presetApe = {4, 2, 256, 1e-4};
    info.presetNope = {12, 12, 768, 3e-5};
    return info;
  }
};

// Binary a + b, both most significant bit first; the result has no leading zeros.
std::vector<int> binarySum(const std::vector<int>& a, const std::vector<int>& b) {
  std::vector<int> sum;  // least significant bit first while building
  int carry = 0;
  for (std::size_t k = 0; k < std::max(a.size(), b.size()) || carry; ++k) {
    const int digitA = k < a.size() ? a[a.size() - 1 - k] : 0;
    const int digitB = k < b.size() ? b[b.size() - 1 - k] : 0;
    const int total = digitA + digitB + carry;
    sum.push_back(total % 2);
    carry = total / 2;
  }
  while (sum.size() > 1 && sum.back() == 0) sum.pop_back();
  std::reverse(sum.begin(), sum.end());
  return sum;
}

// A binary numeral of the given length, uniform among those without a leading zero: "0" or "1"
// for one digit, else a 1 followed by uniform bits (so its value is uniform in
// [2^(length-1), 2^length - 1]).
std::vector<int> sampleOperand(int length, Rng& rng) {
  std::vector<int> digits(static_cast<std::size_t>(length));
  for (auto& digit : digits) digit = static_cast<int>(rng.uniformInt(kBit0, kBit1));
  if (length > 1) digits.front() = kBit1;
  return digits;
}

class AdditionTask final : public AlgorithmicTask {
 public:
  // The shortest input is "a + b =" with one digit each.
  AdditionTask() : AlgorithmicTask(makeInfo(), 4) {}

  std::string lengthRule() const override {
    return AlgorithmicTask::lengthRule() + " (the length counts both operands plus the + and =)";
  }
  // The sum has at most one digit more than the longer operand, which has at most n - 3 digits.
  int maxOutputLength(int n) const override { return std::max(n - 2, 1); }

  // Any "a + b =" with non-empty binary operands (leading zeros are accepted: the sum is still
  // defined; sampled operands never have them).
  std::optional<Example> complete(const std::vector<int>& input) const override {
    if (input.size() < 4 || input.back() != kEquals) return std::nullopt;
    const auto plus = std::find(input.begin(), input.end(), kPlus);
    const bool operandsPresent =
        plus != input.end() && plus != input.begin() && plus + 2 != input.end();
    if (!operandsPresent) return std::nullopt;
    const std::vector<int> a(input.begin(), plus);
    const std::vector<int> b(plus + 1, input.end() - 1);
    const auto isBit = [](int s) { return s == kBit0 || s == kBit1; };
    if (!std::all_of(a.begin(), a.end(), isBit) || !std::all_of(b.begin(), b.end(), isBit)) {
      return std::nullopt;
    }
    return Example{input, binarySum(a, b), {}};
  }

 protected:
  Example sampleValidLength(int n, Rng& rng) const override {
    const int lengthA = static_cast<int>(rng.uniformInt(1, n - 3));
    const int lengthB = n - 2 - lengthA;
    std::vector<int> input = sampleOperand(lengthA, rng);
    input.push_back(kPlus);
    const std::vector<int> b = sampleOperand(lengthB, rng);
    input.insert(input.end(), b.begin(), b.end());
    input.push_back(kEquals);
    return *complete(input);
  }

 private:
  static TaskInfo makeInfo() {
    TaskInfo info;
    info.id = "addition";
    info.name = "Binary addition";
    info.family = TaskFamily::Algorithmic;
    info.alphabet = {"0", "1", "+", "="};
    info.description =
        "Add two binary numbers written most significant bit first, as in 1 0 1 + 1 1 =, and "
        "write the sum. Each sum bit pairs digits at the same distance from the end of their "
        "operands and depends on a carry that may come from far away; this is beyond C-RASP, so "
        "the theory predicts failure beyond the training lengths.";
    info.craspApe = false;
    info.craspNope = false;
    info.paper.ape = BinPercents{99.7, 26.8, 0};
    info.paper.nope = BinPercents{99.5, 27.7, 0};
    info.paper.reg = BinPercents{99.8, 25.8, 0};
    info.randomBaseline = 0.0;
    info.presetApe = {12, 12, 768, 1e-4};
    info.presetNope = {12, 12, 768, 1e-4};
    return info;
  }
};

}  // namespace

std::unique_ptr<Task> makeParityTask() { return std::make_unique<ParityTask>(); }
std::unique_ptr<Task> makeAdditionTask() { return std::make_unique<AdditionTask>(); }

}  // namespace lengthlab
