// The forward and backward passes of one training step, split across the threads by data.
// With n threads the batch is cut into n shards of whole sequences with about equal rows; each
// thread runs the whole model on its shard with single-threaded kernels into its own gradient
// arena, and the arenas are summed, weighted by each shard's share of the scored rows, so the
// result is the gradient of the batch's mean loss (up to float rounding).
// Why not split every kernel across the threads instead: the kernels of this model are small
// (the standard step runs 27 products and dozens of element-wise and attention passes), and each
// split pays a fork and a join while every core gets half a kernel. Whole shards keep each core
// on its own data from the first layer to the last: the standard configuration at 2 threads takes
// ~6% less per step (tests/bench/lengthlab-bench), twice the 1-thread speed within noise.
// Batches too small to give every thread a sequence and kMinRowsPerShard rows (the alignment
// filler included) keep the kernel-parallel path.
#pragma once

#include "aligned_buffer.h"
#include "batch.h"
#include "transformer.h"

#include <cstddef>
#include <vector>

namespace lengthlab {

class DataParallelStep {
 public:
  // One block of the batch's row alignment: a shard of fewer rows would be mostly filler. Even
  // this small, shards beat splitting every kernel (2 threads, 4 sequences of 32 tokens:
  // 2.7-2.9 ms per step against 3.5-3.6).
  static constexpr int kMinRowsPerShard = Batch::kRowAlignment;

  // Where the calling thread's shard spent its time in the last run (the whole batch when it
  // ran unsplit), for the benchmark's breakdown. The gradient sum is part of backward.
  struct Timing {
    double forwardSeconds = 0.0;
    double backwardSeconds = 0.0;
  };

  // Forward, loss and backward of batch on the calling thread's currentThreads() threads:
  // leaves d(mean loss)/d(parameters) in model.gradients() and returns the mean loss over the
  // batch's scored rows. An exception in any shard is rethrown here; model.gradients() is then
  // unspecified (the next run overwrites it).
  double run(Transformer& model, const Batch& batch);

  // How many shards run() would cut this batch into with the given number of threads: one per
  // thread, or 1 (the unsplit batch, every kernel split across the threads).
  static int shardCount(const Batch& batch, int threads);

  int lastShardCount() const { return m_lastShards; }
  const Timing& lastTiming() const { return m_timing; }
  // Bytes held by the shards' workspaces and gradient arenas, for the memory report.
  std::size_t bytes() const;

 private:
  double runWhole(Transformer& model, const Batch& batch);
  double runShards(Transformer& model, const Batch& batch, int shards);
  void sumGradients(Transformer& model, int shards);

  std::vector<Batch> m_shards;
  std::vector<Workspace> m_workspaces;  // one per shard; [0] also serves the unsplit batch
  std::vector<FloatBuffer> m_gradients; // shards 1..n-1; shard 0 writes into the model's own
  FloatBuffer m_transposedWeights;       // W^T of the step's weights, shared by every shard
  std::vector<double> m_losses;         // each shard's mean loss
  std::vector<double> m_weights;        // each shard's share of the scored rows
  int m_lastShards = 0;
  Timing m_timing;
};

}  // namespace lengthlab
