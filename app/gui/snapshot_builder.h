// Turns the trainer's state into the plain values the views draw (views/training_snapshot.h).
// Runs on the training thread, the only thread that may read the model; what it returns holds
// no pointer into the model, so the GUI thread can keep it as long as it likes.
#pragma once

#include "inspection.h"
#include "trainer.h"
#include "training_snapshot.h"

#include <memory>
#include <optional>

namespace lengthlab {

// The fixed facts of a run: task, theory, protocol, model shape, one example to read.
std::shared_ptr<const ExperimentSummary> summarizeExperiment(const Trainer& trainer, Rng& rng);

EvaluationPoint toEvaluationPoint(const EvaluationResult& result);

// PAPER.md section 3's verdict on the first test bin beyond the train range, if there is one.
std::optional<Verdict> verdictFor(const EvaluationResult& result, const Trainer& trainer);

// Every head's attention while the model reads `example` (teacher-forced, at positions 0..T-1).
std::shared_ptr<const AttentionProbe> probeAttention(const Trainer& trainer, const Example& example,
                                                     Workspace& ws);

// Norms, cosine similarities and positional products of the position table (empty for NoPE).
std::shared_ptr<const PositionalPicture> picturePositions(const Trainer& trainer);

// "0 1 1 -> 1" for algorithmic tasks; "a a b b  (a member)" for formal languages.
QString renderExample(const Task& task, const Example& example);

}  // namespace lengthlab
