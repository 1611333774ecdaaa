#include "data_parallel_step.h"

#include "check.h"
#include "parallel.h"

#include <algorithm>
#include <chrono>

namespace lengthlab {
namespace {

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int DataParallelStep::shardCount(const Batch& batch, int threads) {
  // One shard per thread or none: with fewer shards than threads, some cores would sit idle
  // while the kernel-parallel path keeps them all busy.
  const bool everyThreadGetsAShard = threads > 1 && batch.exampleCount >= threads &&
                                     batch.rows() / kMinRowsPerShard >= threads;
  return batch.lossRowCount() > 0 && everyThreadGetsAShard ? threads : 1;
}

double DataParallelStep::run(Transformer& model, const Batch& batch) {
  const int shards = shardCount(batch, currentThreads());
  m_lastShards = shards;
  if (m_workspaces.size() < static_cast<std::size_t>(shards)) m_workspaces.resize(shards);
  // Once per step, split over the threads, rather than once per shard and product.
  model.transposeWeights(m_transposedWeights);
  return shards == 1 ? runWhole(model, batch) : runShards(model, batch, shards);
}

double DataParallelStep::runWhole(Transformer& model, const Batch& batch) {
  Workspace& ws = m_workspaces[0];
  const auto start = std::chrono::steady_clock::now();
  model.forward(batch, ws);
  const double loss = model.loss(batch, ws);
  m_timing.forwardSeconds = secondsSince(start);
  model.backward(batch, ws, model.gradients().data(), m_transposedWeights.data());
  m_timing.backwardSeconds = secondsSince(start) - m_timing.forwardSeconds;
  return loss;
}

double DataParallelStep::runShards(Transformer& model, const Batch& batch, int shards) {
  m_shards.resize(static_cast<std::size_t>(shards));
  splitBatch(batch, m_shards);
  m_gradients.resize(static_cast<std::size_t>(shards));
  for (int k = 1; k < shards; ++k) m_gradients[k].resize(model.parameters().size());

  m_losses.assign(static_cast<std::size_t>(shards), 0.0);
  const auto start = std::chrono::steady_clock::now();
  const Transformer& shared = model;
  auto shardStep = [&](int k) {
    const Batch& shard = m_shards[k];
    Workspace& ws = m_workspaces[k];
    float* gradients = k == 0 ? model.gradients().data() : m_gradients[k].data();
    if (shard.lossRowCount() == 0) {
      // Nothing scored: no gradient, so no work.
      std::fill_n(gradients, model.parameters().size(), 0.0f);
      if (k == 0) m_timing.forwardSeconds = secondsSince(start);
      return;
    }
    shared.forward(shard, ws);
    m_losses[k] = shared.loss(shard, ws);
    if (k == 0) m_timing.forwardSeconds = secondsSince(start);
    shared.backward(shard, ws, gradients, m_transposedWeights.data());
  };
  runOnePerThread(shards, shardStep);
  m_weights.assign(static_cast<std::size_t>(shards), 0.0);
  double loss = 0.0;
  const double scored = batch.lossRowCount();
  for (int k = 0; k < shards; ++k) {
    m_weights[k] = m_shards[k].lossRowCount() / scored;
    if (m_weights[k] > 0) loss += m_weights[k] * m_losses[k];
  }
  sumGradients(model, shards);
  m_timing.backwardSeconds = secondsSince(start) - m_timing.forwardSeconds;
  return loss;
}

// gradients = sum over shards of (scored rows of the shard / scored rows of the batch) * the
// shard's gradient of its own mean loss, in shard order whatever the thread count. In blocks
// that stay in L1, one vector loop per shard (a loop over shards inside the loop over floats
// would not vectorise).
void DataParallelStep::sumGradients(Transformer& model, int shards) {
  constexpr long kBlock = 2048;
  float* total = model.gradients().data();
  const auto size = static_cast<long>(model.parameters().size());
  const long blocks = (size + kBlock - 1) / kBlock;
#pragma omp parallel for schedule(static)
  for (long b = 0; b < blocks; ++b) {
    const long begin = b * kBlock, end = std::min(size, begin + kBlock);
    const auto first = static_cast<float>(m_weights[0]);
    for (long i = begin; i < end; ++i) total[i] *= first;
    for (int k = 1; k < shards; ++k) {
      const float* part = m_gradients[k].data();
      const auto weight = static_cast<float>(m_weights[k]);
      for (long i = begin; i < end; ++i) total[i] += weight * part[i];
    }
  }
}

std::size_t DataParallelStep::bytes() const {
  std::size_t total = 0;
  for (const auto& ws : m_workspaces) total += ws.bytes();
  for (const auto& g : m_gradients) total += g.capacity() * sizeof(float);
  total += m_transposedWeights.capacity() * sizeof(float);
  return total;
}

}  // namespace lengthlab
