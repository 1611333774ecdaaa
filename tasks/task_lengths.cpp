#include "task_lengths.h"

namespace lengthlab {

std::vector<int> lengthsWithExamples(const Task& task, int lo, int hi) {
  std::vector<int> lengths;
  for (int n = lo; n <= hi; ++n) {
    if (task.hasLength(n)) lengths.push_back(n);
  }
  return lengths;
}

std::string skippedLengthsReport(const Task& task, int lo, int hi) {
  if (lo > hi) return "";
  const int total = hi - lo + 1;
  const int skipped = total - static_cast<int>(lengthsWithExamples(task, lo, hi).size());
  if (skipped == 0) return "";
  const std::string range = "[" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  const std::string allowed = " (allowed: " + task.lengthRule() + ")";
  if (skipped == total) {
    return task.id() + " has no example at any length in " + range + allowed;
  }
  return task.id() + " has no example at " + std::to_string(skipped) + " of the " +
         std::to_string(total) + " lengths in " + range + allowed + "; they are skipped";
}

}  // namespace lengthlab
