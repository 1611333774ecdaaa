// Shared shape of the algorithmic tasks (PAPER.md section 4): every length from a minimum up is
// possible, and the answer is a function of the input.
#pragma once

#include "task.h"

#include <memory>

namespace lengthlab {

class AlgorithmicTask : public Task {
 public:
  AlgorithmicTask(TaskInfo info, int minLength) : Task(std::move(info)), m_minLength(minLength) {}

  bool hasLength(int n) const override { return n >= m_minLength && n <= kMaxLength; }
  std::string lengthRule() const override {
    return "lengths " + std::to_string(m_minLength) + " to " + std::to_string(kMaxLength);
  }
  int minLength() const { return m_minLength; }

  static constexpr int kMaxLength = kMaxTaskLength;

 protected:
  // True when every symbol id of input lies in the alphabet.
  bool symbolsInRange(const std::vector<int>& input) const {
    for (int s : input) {
      if (s < 0 || s >= alphabetSize()) return false;
    }
    return true;
  }

 private:
  int m_minLength;
};

// Sampling pieces shared by several tasks (algorithmic_task.cpp).

// "0", "1", .., "count-1": the alphabet of the tasks over many interchangeable tokens.
std::vector<std::string> numberedSymbols(int count);
// n distinct ids from [0, vocabulary), a uniformly random n-subset in uniformly random order.
std::vector<int> sampleDistinct(int n, int vocabulary, Rng& rng);
// n bits (ids 0 and 1) with exactly `zeros` zeros, in uniformly random order.
std::vector<int> shuffledBits(int n, std::int64_t zeros, Rng& rng);
// n >= 1 bits whose number of zeros is uniform over [0, n] except n/2 (a tie is redrawn), so that
// clear and narrow majorities are equally common at every length.
std::vector<int> sampleUntiedBits(int n, Rng& rng);
// The majority bit of bits, or nullopt on a tie (including the empty string).
std::optional<int> majorityBit(const std::vector<int>& bits);

// Factories of the algorithmic tasks, in the order of PAPER.md section 4.
std::unique_ptr<Task> makeBinMajorityTask();
std::unique_ptr<Task> makeMajorityTask();
std::unique_ptr<Task> makeBinMajorityInterleaveTask();
std::unique_ptr<Task> makeUniqueCopyTask();
std::unique_ptr<Task> makeRepeatCopyTask();
std::unique_ptr<Task> makeSortTask();
std::unique_ptr<Task> makeParityTask();
std::unique_ptr<Task> makeAdditionTask();

}  // namespace lengthlab
