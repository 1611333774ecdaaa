// majority and bin_majority_interleave (PAPER.md section 4); bin_majority is in its own file.
// majority counts 26 letters, which needs no positions; the interleaved variant must count only
// every third bit, which needs the position mod 3: the pair shows what a periodic predicate adds.
#include "algorithmic_task.h"

#include <array>

namespace lengthlab {
namespace {

constexpr int kLetters = 26;
constexpr int kStreams = 3;

class MajorityTask final : public AlgorithmicTask {
 public:
  MajorityTask() : AlgorithmicTask(makeInfo(), 1) {}

  int maxOutputLength(int) const override { return 1; }

  std::optional<Example> complete(const std::vector<int>& input) const override {
    if (input.empty() || !symbolsInRange(input)) return std::nullopt;
    std::array<int, kLetters> counts{};
    for (int letter : input) ++counts[static_cast<std::size_t>(letter)];
    int best = 0;
    bool tied = false;
    for (int letter = 1; letter < kLetters; ++letter) {
      const int count = counts[static_cast<std::size_t>(letter)];
      const int bestCount = counts[static_cast<std::size_t>(best)];
      if (count == bestCount) tied = true;
      if (count > bestCount) {
        best = letter;
        tied = false;
      }
    }
    if (tied) return std::nullopt;
    return Example{input, {best}, {}};
  }

 protected:
  Example sampleValidLength(int n, Rng& rng) const override {
    // i.i.d. letters; a tie for the most frequent letter has no answer, so the whole string is
    // redrawn (likely only for very short strings: at n = 2 all but 1 in 26 draws tie).
    std::vector<int> letters(static_cast<std::size_t>(n));
    for (;;) {
      for (auto& letter : letters) letter = static_cast<int>(rng.uniformInt(0, kLetters - 1));
      if (auto example = complete(letters)) return *example;
    }
  }

 private:
  static TaskInfo makeInfo() {
    TaskInfo info;
    info.id = "majority";
    info.name = "Majority";
    info.family = TaskFamily::Algorithmic;
    for (char c = 'a'; c <= 'z'; ++c) info.alphabet.emplace_back(1, c);
    info.description =
        "Read a string of letters a..z and answer with the letter that occurs most often. Each "
        "letter's count needs no knowledge of positions and comparing counts is a C-RASP "
        "operation, so the theory predicts length generalization with and without positional "
        "encodings.";
    info.craspApe = true;
    info.craspNope = true;
    info.craspProgram =
        "# for every letter x\n"
        "C_x := #Q_x\n"
        "# answer x when its count beats every other letter's (the data has no ties)\n"
        "NEXT_x := C_x > C_a and ... and C_x > C_z    (all letters other than x)";
    info.paper.ape = BinPercents{100, 99.6, 97.8};
    info.paper.nope = BinPercents{100, 99.9, 98.5};
    info.paper.reg = BinPercents{100, 99.9, 99.0};
    info.randomBaseline = 0.041;
    info.presetApe = {1, 2, 256, 1e-3};
    info.presetNope = {1, 1, 64, 1e-3};
    return info;
  }
};

// Stream k (0, 1, 2) holds the input positions j (0-based) with j mod 3 == k, so for a total
// length n the streams have ceil(n/3), ceil((n-1)/3), ceil((n-2)/3) bits.
int streamLength(int n, int stream) { return (n - stream + kStreams - 1) / kStreams; }

class BinMajorityInterleaveTask final : public AlgorithmicTask {
 public:
  // Every stream needs at least one bit to have a majority.
  BinMajorityInterleaveTask() : AlgorithmicTask(makeInfo(), kStreams) {}

  int maxOutputLength(int) const override { return kStreams; }

  std::optional<Example> complete(const std::vector<int>& input) const override {
    const int n = static_cast<int>(input.size());
    if (!hasLength(n) || !symbolsInRange(input)) return std::nullopt;
    std::vector<int> answer;
    for (int stream = 0; stream < kStreams; ++stream) {
      std::vector<int> bits;
      for (int j = stream; j < n; j += kStreams) bits.push_back(input[static_cast<std::size_t>(j)]);
      const std::optional<int> majority = majorityBit(bits);
      if (!majority) return std::nullopt;
      answer.push_back(*majority);
    }
    return Example{input, answer, {}};
  }

 protected:
  Example sampleValidLength(int n, Rng& rng) const override {
    // Each stream is drawn like bin_majority (uniform count of zeros, ties redrawn), then the
    // streams are interleaved s1 s2 s3 s1 s2 s3 ...
    std::vector<int> input(static_cast<std::size_t>(n));
    for (int stream = 0; stream < kStreams; ++stream) {
      const std::vector<int> bits = sampleUntiedBits(streamLength(n, stream), rng);
      for (std::size_t t = 0; t < bits.size(); ++t) {
        input[t * kStreams + static_cast<std::size_t>(stream)] = bits[t];
      }
    }
    return *complete(input);
  }

 private:
  static TaskInfo makeInfo() {
    TaskInfo info;
    info.id = "bin_majority_interleave";
    info.name = "Interleaved binary majority";
    info.family = TaskFamily::Algorithmic;
    info.alphabet = {"0", "1"};
    info.description =
        "Three bit strings are interleaved (s1 s2 s3 s1 s2 s3 ...) and the answer is the majority "
        "bit of each, three bits in all. Counting only one stream's bits needs the position mod "
        "3, a periodic predicate that learned absolute positions can represent, so the theory "
        "predicts generalization with APE; without positions (NoPE) the streams cannot be told "
        "apart and it predicts failure.";
    info.craspApe = true;
    info.craspNope = false;
    info.craspProgram =
        "# x_j sits at position j (<bos> is 0); stream k = 1, 2, 3 holds the x_j with\n"
        "# j mod 3 == k mod 3\n"
        "IN(j) := #[m <= j] Q_<sep>(m) == 0           # j lies in the input\n"
        "S_k(j) := j mod 3 == k mod 3                 # periodic predicate\n"
        "ONES_k := #[j <= i] (IN(j) and S_k(j) and Q_1(j))\n"
        "ZEROS_k := #[j <= i] (IN(j) and S_k(j) and Q_0(j))\n"
        "W := #[j <= i] not IN(j)                     # 1 at <sep>, then 2, 3 at the answer bits\n"
        "NEXT_1 := (W == 1 and ZEROS_1 < ONES_1) or (W == 2 and ZEROS_2 < ONES_2)\n"
        "       or (W == 3 and ZEROS_3 < ONES_3)";
    info.paper.ape = BinPercents{100, 96.8, 84.7};
    info.paper.nope = BinPercents{96.2, 68.8, 39.5};
    info.paper.reg = BinPercents{100, 97.3, 86.2};
    // PAPER.md leaves this baseline blank. Each answer bit is a fair coin for a guesser (zero
    // counts are symmetric around n/2), so chance gets all three right with probability 1/8.
    info.randomBaseline = 0.125;
    info.presetApe = {2, 4, 256, 1e-4};
    // The paper's NoPE architecture; it names no learning rate, so LengthLab's default 1e-3.
    info.presetNope = {12, 12, 768, 1e-3};
    return info;
  }
};

}  // namespace

std::unique_ptr<Task> makeMajorityTask() { return std::make_unique<MajorityTask>(); }
std::unique_ptr<Task> makeBinMajorityInterleaveTask() {
  return std::make_unique<BinMajorityInterleaveTask>();
}

}  // namespace lengthlab
