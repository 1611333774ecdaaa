// Which lengths of a range a task can produce. A sampler that draws n uniformly from a range (the
// training range [1, 50], a test bin [51, 100]) draws from these lengths only, so (aa)* trained
// on [1, 50] sees 2, 4, .., 50: the odd lengths are skipped, never failed on, and reported.
#pragma once

#include "task.h"

#include <string>
#include <vector>

namespace lengthlab {

// The n in [lo, hi] with task.hasLength(n), ascending (empty when lo > hi or none).
std::vector<int> lengthsWithExamples(const Task& task, int lo, int hi);

// One line about the lengths of [lo, hi] that have no example, e.g. "aa_star has no example at
// 25 of the 50 lengths in [1, 50] (allowed: even lengths from 0 to 1000); they are skipped";
// the empty string when every length has examples.
std::string skippedLengthsReport(const Task& task, int lo, int hi);

}  // namespace lengthlab
