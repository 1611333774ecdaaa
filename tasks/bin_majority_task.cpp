// bin_majority: n bits whose number of zeros is uniform in [0, n] (ties redrawn); answer: the
// majority bit. Uniform counts rather than i.i.d. bits so that clear and narrow majorities are
// equally common at every length.
#include "algorithmic_task.h"

namespace lengthlab {
namespace {

class BinMajorityTask final : public AlgorithmicTask {
 public:
  BinMajorityTask() : AlgorithmicTask(makeInfo(), 1) {}

  int maxOutputLength(int) const override { return 1; }

  std::optional<Example> complete(const std::vector<int>& input) const override {
    if (!symbolsInRange(input)) return std::nullopt;
    const std::optional<int> answer = majorityBit(input);  // nullopt on a tie or empty input
    if (!answer) return std::nullopt;
    return Example{input, {*answer}, {}};
  }

 protected:
  Example sampleValidLength(int n, Rng& rng) const override {
    return *complete(sampleUntiedBits(n, rng));
  }

 private:
  static TaskInfo makeInfo() {
    TaskInfo info;
    info.id = "bin_majority";
    info.name = "Binary majority";
    info.family = TaskFamily::Algorithmic;
    info.alphabet = {"0", "1"};
    info.description =
        "Read a string of bits and answer with the bit that occurs more often. Counting how many "
        "0s and 1s have been seen needs no knowledge of positions, so the task is a three-line "
        "C-RASP program and the theory predicts length generalization with and without "
        "positional encodings.";
    info.craspApe = true;
    info.craspNope = true;
    info.craspProgram = "C0 := #Q_0\nC1 := #Q_1\nNEXT_1 := C0 < C1";
    info.paper.ape = BinPercents{100, 100, 100};
    info.paper.nope = BinPercents{100, 100, 100};
    info.paper.reg = BinPercents{100, 100, 99.9};
    info.randomBaseline = 0.498;
    info.presetApe = {1, 1, 16, 1e-3};
    info.presetNope = {1, 1, 16, 1e-3};
    return info;
  }
};

}  // namespace

std::unique_ptr<Task> makeBinMajorityTask() { return std::make_unique<BinMajorityTask>(); }

}  // namespace lengthlab
