// sort: n distinct tokens out of 150, answered in ascending order of their ids (PAPER.md
// section 4). Distinct tokens keep the task inside C-RASP: "the next output is the smallest
// input token above the one just written" only asks whether tokens occur, never where.
#include "algorithmic_task.h"

#include <algorithm>

namespace lengthlab {
namespace {

constexpr int kSortVocabulary = 150;

class SortTask final : public AlgorithmicTask {
 public:
  SortTask() : AlgorithmicTask(makeInfo(), 1) {}

  bool hasLength(int n) const override { return n >= 1 && n <= kSortVocabulary; }
  std::string lengthRule() const override {
    return "lengths 1 to " + std::to_string(kSortVocabulary) +
           " (the tokens must be distinct and there are " + std::to_string(kSortVocabulary) + ")";
  }
  int maxOutputLength(int n) const override { return n; }

  std::optional<Example> complete(const std::vector<int>& input) const override {
    if (input.empty() || !symbolsInRange(input)) return std::nullopt;
    std::vector<int> sorted = input;
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) return std::nullopt;
    return Example{input, sorted, {}};
  }

 protected:
  Example sampleValidLength(int n, Rng& rng) const override {
    return *complete(sampleDistinct(n, kSortVocabulary, rng));
  }

 private:
  static TaskInfo makeInfo() {
    TaskInfo info;
    info.id = "sort";
    info.name = "Sort";
    info.family = TaskFamily::Algorithmic;
    info.alphabet = numberedSymbols(kSortVocabulary);
    info.description =
        "Write n distinct tokens (numbered 0 to 149) in ascending order. After writing token c, "
        "the next output is the smallest input token above c, which only asks which tokens "
        "occur, never where, so C-RASP expresses it without positions and the theory predicts "
        "length generalization with and without positional encodings.";
    info.craspApe = true;
    info.craspNope = true;
    info.craspProgram =
        "# for every pair of tokens c < b (finitely many: the vocabulary is fixed)\n"
        "HAS_b := #[j <= i] Q_b(j) >= 1               # b occurs in the input\n"
        "GAP_cb := #[j <= i] (Q_d(j) for some d with c < d < b) == 0\n"
        "# having just written c, write the smallest input token above c\n"
        "NEXT_b := HAS_b and (Q_c(i) and GAP_cb for some c < b)\n"
        "# at <sep> (nothing written yet) treat c as below every token";
    info.paper.ape = BinPercents{100, 100, 99.4};
    info.paper.nope = BinPercents{100, 99.8, 80.6};
    info.paper.reg = BinPercents{100, 100, 99.6};
    info.randomBaseline = 0.0;
    info.presetApe = {1, 2, 256, 1e-4};
    info.presetNope = {1, 1, 256, 1e-3};
    return info;
  }
};

}  // namespace

std::unique_ptr<Task> makeSortTask() { return std::make_unique<SortTask>(); }

}  // namespace lengthlab
