// unique_copy and repeat_copy: the classic pair. Copying distinct tokens needs only an induction
// head ("find where the current token stood, output its successor"), a C-RASP[periodic, local]
// program; copying a string with repeats needs to know absolute positions, which no C-RASP
// program can track beyond the lengths seen in training.
#include "algorithmic_task.h"

#include <set>

namespace lengthlab {
namespace {

constexpr int kUniqueCopyVocabulary = 150;

class UniqueCopyTask final : public AlgorithmicTask {
 public:
  UniqueCopyTask() : AlgorithmicTask(makeInfo(), 1) {}

  bool hasLength(int n) const override { return n >= 1 && n <= kUniqueCopyVocabulary; }
  std::string lengthRule() const override {
    return "lengths 1 to " + std::to_string(kUniqueCopyVocabulary) +
           " (the tokens must be distinct and there are " + std::to_string(kUniqueCopyVocabulary) +
           ")";
  }
  int maxOutputLength(int n) const override { return n; }

  std::optional<Example> complete(const std::vector<int>& input) const override {
    if (input.empty() || !symbolsInRange(input)) return std::nullopt;
    if (std::set<int>(input.begin(), input.end()).size() != input.size()) return std::nullopt;
    return Example{input, input, {}};
  }

 protected:
  Example sampleValidLength(int n, Rng& rng) const override {
    std::vector<int> tokens = sampleDistinct(n, kUniqueCopyVocabulary, rng);
    return Example{tokens, tokens, {}};
  }

 private:
  static TaskInfo makeInfo() {
    TaskInfo info;
    info.id = "unique_copy";
    info.name = "Unique copy";
    info.family = TaskFamily::Algorithmic;
    info.alphabet = numberedSymbols(kUniqueCopyVocabulary);
    info.description =
        "Copy a string of distinct tokens. Because no token repeats, the model can find where the "
        "token it just wrote stood in the input and copy the one after it (an induction head); "
        "that only needs to recognise the previous position, a local relation, so the theory "
        "predicts length generalization with learned absolute positions.";
    info.craspApe = true;
    info.craspNope = false;
    info.craspProgram =
        "# for every symbol a, a predicate marking the position right after an a\n"
        "PREV_a(i) := #[j <= i, j = i - 1] Q_a(j) >= 1\n"
        "# having just output symbol c, output the symbol b whose position has PREV_c:\n"
        "NEXT_b := #[j <= i] (PREV_c(j) and Q_b(j)) >= 1";
    info.paper.ape = BinPercents{100, 99.9, 98.7};
    info.paper.nope = BinPercents{100, 18.0, 0};
    info.paper.reg = BinPercents{100, 99.8, 99.3};
    info.randomBaseline = 0.0;
    info.presetApe = {2, 1, 64, 1e-3};
    info.presetNope = {4, 4, 256, 1e-3};
    return info;
  }
};

class RepeatCopyTask final : public AlgorithmicTask {
 public:
  RepeatCopyTask() : AlgorithmicTask(makeInfo(), 1) {}

  int maxOutputLength(int n) const override { return n; }

  std::optional<Example> complete(const std::vector<int>& input) const override {
    if (input.empty() || !symbolsInRange(input)) return std::nullopt;
    return Example{input, input, {}};
  }

 protected:
  Example sampleValidLength(int n, Rng& rng) const override {
    std::vector<int> tokens(static_cast<std::size_t>(n));
    for (auto& t : tokens) t = static_cast<int>(rng.uniformInt(0, 1));
    return Example{tokens, tokens, {}};
  }

 private:
  static TaskInfo makeInfo() {
    TaskInfo info;
    info.id = "repeat_copy";
    info.name = "Repeat copy";
    info.family = TaskFamily::Algorithmic;
    info.alphabet = {"a", "b"};
    info.description =
        "Copy a string over {a, b}, where tokens repeat. Looking up \"the token after the one I "
        "just wrote\" is now ambiguous, so the model must track absolute positions; the copy "
        "needs as much communication as the string is long, more than any C-RASP program can "
        "carry, and the theory predicts failure beyond the training lengths.";
    info.craspApe = false;
    info.craspNope = false;
    info.paper.ape = BinPercents{100, 25.6, 0};
    info.paper.nope = BinPercents{100, 28.0, 0};
    info.paper.reg = BinPercents{100, 25.1, 0};
    info.randomBaseline = 0.0;
    info.presetApe = {4, 4, 256, 1e-3};
    info.presetNope = {4, 4, 256, 1e-3};
    return info;
  }
};

}  // namespace

std::unique_ptr<Task> makeUniqueCopyTask() { return std::make_unique<UniqueCopyTask>(); }
std::unique_ptr<Task> makeRepeatCopyTask() { return std::make_unique<RepeatCopyTask>(); }

}  // namespace lengthlab
