// Specification of data-parallel training steps: a batch splits into shards of whole sequences
// with balanced rows that keep every scored row and its target, and a step over the shards gives
// the loss and gradients of the whole batch, deterministically, without touching the caller's
// thread setting; a failure inside a shard reaches the caller.
#include "data_parallel_step.h"
#include "parallel.h"
#include "rng.h"
#include "transformer.h"

#include <QtTest>

#include <cmath>
#include <numeric>

using namespace lengthlab;

namespace {

ModelConfig smallConfig(OutputLoss loss = OutputLoss::SoftmaxCrossEntropy) {
  ModelConfig c;
  c.vocabSize = 7;
  c.outputSize = loss == OutputLoss::SigmoidBinary ? 3 : 7;
  c.tiedHead = false;
  c.layers = 2;
  c.heads = 2;
  c.dModel = 16;
  c.positions = 200;
  c.loss = loss;
  return c;
}

enum class Silent { None, FirstHalf, SecondHalf };

// Sequences of the given lengths with random tokens; the second half of each is scored (like the
// answer of an algorithmic task), except in the silent half of the sequences, which scores
// nothing (softmax tasks only: a sigmoid task scores every row). Aligned with filler token 0
// unless told not to.
Batch batchOf(const ModelConfig& c, const std::vector<int>& lengths, bool align = true,
              Silent silent = Silent::None) {
  Rng rng(5);
  Batch batch;
  batch.clear(c.outputSize);
  const std::size_t half = lengths.size() / 2;
  for (std::size_t s = 0; s < lengths.size(); ++s) {
    const int T = lengths[s];
    const bool quiet = (silent == Silent::FirstHalf && s < half) ||
                       (silent == Silent::SecondHalf && s >= half);
    EncodedSequence e;
    for (int t = 0; t < T; ++t) {
      e.tokens.push_back(static_cast<int>(rng.uniformInt(1, c.vocabSize - 1)));
      const bool isScored = !quiet && 2 * t >= T;
      if (c.loss == OutputLoss::SigmoidBinary) {
        for (int o = 0; o < c.outputSize; ++o) {
          e.labels.push_back(static_cast<std::uint8_t>(rng.uniformInt(0, 1)));
        }
      } else {
        e.targets.push_back(isScored ? static_cast<int>(rng.uniformInt(0, c.outputSize - 1)) : -1);
      }
    }
    batch.add(e, static_cast<int>(rng.uniformInt(0, c.positions - T)));
  }
  if (align) batch.alignRows(0);
  return batch;
}

Transformer randomModel(const ModelConfig& c, std::uint64_t seed = 11) {
  Transformer model(c);
  Rng rng(seed);
  for (auto& p : model.parameters()) p = static_cast<float>(0.2 * rng.normal());
  return model;
}

// Loss and gradients of the whole batch in one pass (every kernel split across the threads).
double wholeBatchStep(Transformer& model, const Batch& batch) {
  Workspace ws;
  model.forward(batch, ws);
  const double loss = model.loss(batch, ws);
  model.backward(batch, ws);
  return loss;
}

// Lengths 40..100, about 2100 rows: enough for every thread count used here to shard.
std::vector<int> unevenLengths() {
  std::vector<int> lengths;
  for (int i = 0; i < 30; ++i) lengths.push_back(40 + (i * 37) % 61);
  return lengths;
}

// Largest |a - b| over the arenas, relative to the largest |b|.
double relativeDifference(const FloatBuffer& a, const FloatBuffer& b) {
  double diff = 0, scale = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff = std::max(diff, std::fabs(double(a[i]) - b[i]));
    scale = std::max(scale, std::fabs(double(b[i])));
  }
  return diff / scale;
}

}  // namespace

class TestDataParallelStep : public QObject {
  Q_OBJECT

 private slots:
  void init() { useThreads(2); }

  void shardsHoldEveryExampleOnceInOrder() {
    const ModelConfig c = smallConfig();
    const Batch batch = batchOf(c, {5, 9, 3, 12, 7, 4, 8});
    std::vector<Batch> shards(3);
    splitBatch(batch, shards);
    std::vector<int> tokens, positions, targets, lossTokens;
    int examples = 0;
    for (const Batch& shard : shards) {
      QVERIFY(shard.exampleCount >= 1);
      const int rows = shard.sequenceStart[shard.exampleCount];
      tokens.insert(tokens.end(), shard.tokens.begin(), shard.tokens.begin() + rows);
      positions.insert(positions.end(), shard.positions.begin(), shard.positions.begin() + rows);
      targets.insert(targets.end(), shard.targets.begin(), shard.targets.end());
      for (const int r : shard.lossRows) lossTokens.push_back(shard.tokens[r]);
      for (int s = 0; s < shard.exampleCount; ++s) {
        QCOMPARE(shard.sequenceLength(s), batch.sequenceLength(examples + s));
      }
      for (int r = 0; r < shard.lossRowCount(); ++r) {
        QVERIFY(shard.lossRows[r] >= shard.sequenceStart[shard.lossSequence[r]]);
        QVERIFY(shard.lossRows[r] < shard.sequenceStart[shard.lossSequence[r] + 1]);
      }
      examples += shard.exampleCount;
    }
    const int exampleRows = batch.sequenceStart[batch.exampleCount];
    QCOMPARE(examples, batch.exampleCount);
    QCOMPARE(tokens, std::vector<int>(batch.tokens.begin(), batch.tokens.begin() + exampleRows));
    QCOMPARE(positions,
             std::vector<int>(batch.positions.begin(), batch.positions.begin() + exampleRows));
    QCOMPARE(targets, batch.targets);
    std::vector<int> batchLossTokens;
    for (const int r : batch.lossRows) batchLossTokens.push_back(batch.tokens[r]);
    QCOMPARE(lossTokens, batchLossTokens);
  }

  void shardsCutAtTheSequenceBoundaryNearestAnEqualShareOfRows() {
    const ModelConfig c = smallConfig();
    std::vector<Batch> shards(2);
    splitBatch(batchOf(c, {10, 10, 10, 10, 10, 10}), shards);
    QCOMPARE(shards[0].exampleCount, 3);
    QCOMPARE(shards[1].exampleCount, 3);
    splitBatch(batchOf(c, {50, 10, 10, 10, 10, 10}), shards);
    QCOMPARE(shards[0].exampleCount, 1);
    QCOMPARE(shards[1].exampleCount, 5);
  }

  void everyShardGetsASequenceEvenWhenOneDominates() {
    const ModelConfig c = smallConfig();
    std::vector<Batch> shards(3);
    splitBatch(batchOf(c, {2, 2, 90}), shards);
    for (const Batch& shard : shards) QCOMPARE(shard.exampleCount, 1);
  }

  void shardsAreAlignedOnlyWhenTheBatchWas() {
    const ModelConfig c = smallConfig();
    std::vector<Batch> shards(2);
    splitBatch(batchOf(c, {30, 45, 20}), shards);
    for (const Batch& shard : shards) {
      QCOMPARE(shard.rows() % Batch::kRowAlignment, 0);
      QCOMPARE(shard.fillerToken, 0);
    }
    splitBatch(batchOf(c, {30, 45, 20}, false), shards);
    QCOMPARE(shards[0].rows() + shards[1].rows(), 95);
    for (const Batch& shard : shards) QCOMPARE(shard.sequences(), shard.exampleCount);
  }

  void shardsCarryTheLabelsOfTheirScoredRows() {
    const ModelConfig c = smallConfig(OutputLoss::SigmoidBinary);
    const Batch batch = batchOf(c, {6, 4, 9, 5});
    std::vector<Batch> shards(2);
    splitBatch(batch, shards);
    std::vector<std::uint8_t> labels;
    for (const Batch& shard : shards) {
      QCOMPARE(shard.labels.size(), static_cast<std::size_t>(shard.lossRowCount() * c.outputSize));
      labels.insert(labels.end(), shard.labels.begin(), shard.labels.end());
    }
    QCOMPARE(labels, batch.labels);
  }

  void aBigBatchSplitsOnePerThread() {
    const ModelConfig c = smallConfig();
    const Batch batch = batchOf(c, unevenLengths());
    QCOMPARE(DataParallelStep::shardCount(batch, 1), 1);
    QCOMPARE(DataParallelStep::shardCount(batch, 2), 2);
    QCOMPARE(DataParallelStep::shardCount(batch, 4), 4);
  }

  void shardsOnlyWhenEveryThreadGetsOne() {
    ModelConfig c = smallConfig();
    c.positions = 1000;
    const Batch twoLong = batchOf(c, {700, 700});
    QCOMPARE(DataParallelStep::shardCount(twoLong, 2), 2);
    QCOMPARE(DataParallelStep::shardCount(twoLong, 3), 1);  // a thread would have no sequence
    // 100 rows, aligned to 128: two blocks of kMinRowsPerShard, one per thread at most 2.
    static_assert(DataParallelStep::kMinRowsPerShard == 64);
    const Batch tenShort = batchOf(c, std::vector<int>(10, 10));
    QCOMPARE(DataParallelStep::shardCount(tenShort, 2), 2);
    QCOMPARE(DataParallelStep::shardCount(tenShort, 3), 1);
  }

  void aSmallBatchKeepsTheKernelParallelPath() {
    const ModelConfig c = smallConfig();
    const Batch batch = batchOf(c, {20, 30, 10});  // 64 rows aligned: one shard's worth
    QCOMPARE(DataParallelStep::shardCount(batch, 2), 1);
    Transformer model = randomModel(c);
    const double expectedLoss = wholeBatchStep(model, batch);
    const FloatBuffer expected = model.gradients();
    DataParallelStep step;
    QCOMPARE(step.run(model, batch), expectedLoss);
    QCOMPARE(step.lastShardCount(), 1);
    QVERIFY(model.gradients() == expected);
  }

  void shardedStepGivesTheWholeBatchsLossAndGradients_data() {
    QTest::addColumn<int>("threads");
    QTest::addColumn<int>("loss");
    QTest::newRow("2 threads, softmax") << 2 << int(OutputLoss::SoftmaxCrossEntropy);
    QTest::newRow("3 threads, softmax") << 3 << int(OutputLoss::SoftmaxCrossEntropy);
    QTest::newRow("2 threads, sigmoid") << 2 << int(OutputLoss::SigmoidBinary);
  }
  void shardedStepGivesTheWholeBatchsLossAndGradients() {
    QFETCH(int, threads);
    QFETCH(int, loss);
    const ModelConfig c = smallConfig(OutputLoss(loss));
    const Batch batch = batchOf(c, unevenLengths());
    Transformer model = randomModel(c);
    const double expectedLoss = wholeBatchStep(model, batch);
    const FloatBuffer expected = model.gradients();
    std::fill(model.gradients().begin(), model.gradients().end(), 0.0f);

    useThreads(threads);
    DataParallelStep step;
    const double got = step.run(model, batch);
    QCOMPARE(step.lastShardCount(), threads);
    QVERIFY2(std::fabs(got - expectedLoss) < 1e-6 * std::fabs(expectedLoss),
             qPrintable(QString("%1 vs %2").arg(got, 0, 'g', 10).arg(expectedLoss, 0, 'g', 10)));
    const double difference = relativeDifference(model.gradients(), expected);
    QVERIFY2(difference < 1e-5, qPrintable(QString("relative difference %1").arg(difference)));
  }

  void aLaterStepUsesTheWeightsAsTheyAreThen() {
    // The shards share W^T made by the step: after the weights change, the next step's gradients
    // must be those of the new weights, not of a copy kept from before.
    const ModelConfig c = smallConfig(OutputLoss::SoftmaxCrossEntropy);
    const Batch batch = batchOf(c, unevenLengths());
    Transformer model = randomModel(c);
    useThreads(2);
    DataParallelStep step;
    step.run(model, batch);
    Rng rng(31);
    for (auto& p : model.parameters()) p += static_cast<float>(0.05 * rng.normal());
    Transformer updated = model;
    useThreads(1);
    wholeBatchStep(updated, batch);
    useThreads(2);
    step.run(model, batch);
    QCOMPARE(step.lastShardCount(), 2);
    const double difference = relativeDifference(model.gradients(), updated.gradients());
    QVERIFY2(difference < 1e-5, qPrintable(QString("relative difference %1").arg(difference)));
  }

  void aShardWithNothingScoredAddsNoGradient_data() {
    QTest::addColumn<int>("silent");
    QTest::newRow("first shard silent") << int(Silent::FirstHalf);
    QTest::newRow("second shard silent") << int(Silent::SecondHalf);
  }
  void aShardWithNothingScoredAddsNoGradient() {
    // Half the sequences score nothing: their shard must neither count nor divide by 0.
    QFETCH(int, silent);
    const ModelConfig c = smallConfig();
    const Batch batch = batchOf(c, std::vector<int>(12, 100), true, Silent(silent));
    Transformer model = randomModel(c);
    const double expectedLoss = wholeBatchStep(model, batch);
    const FloatBuffer expected = model.gradients();
    DataParallelStep step;
    const double got = step.run(model, batch);
    QCOMPARE(step.lastShardCount(), 2);
    QVERIFY(std::isfinite(got));
    QVERIFY(std::fabs(got - expectedLoss) < 1e-6 * std::fabs(expectedLoss));
    QVERIFY(relativeDifference(model.gradients(), expected) < 1e-5);
  }

  void theShardedStepRepeatsBitForBit() {
    const ModelConfig c = smallConfig();
    const Batch batch = batchOf(c, unevenLengths());
    Transformer model = randomModel(c);
    DataParallelStep step;
    const double first = step.run(model, batch);
    QCOMPARE(step.lastShardCount(), 2);
    const FloatBuffer gradients = model.gradients();
    DataParallelStep another;
    QCOMPARE(another.run(model, batch), first);
    QVERIFY(model.gradients() == gradients);
  }

  void theCallersThreadSettingSurvivesAStep() {
    const ModelConfig c = smallConfig();
    Transformer model = randomModel(c);
    DataParallelStep step;
    step.run(model, batchOf(c, unevenLengths()));
    QCOMPARE(step.lastShardCount(), 2);
    QCOMPARE(currentThreads(), 2);
  }

  void aFailureInsideAShardReachesTheCaller_data() {
    QTest::addColumn<int>("sequence");
    QTest::newRow("in the first shard") << 3;
    QTest::newRow("in the second shard") << 25;
  }
  void aFailureInsideAShardReachesTheCaller() {
    QFETCH(int, sequence);
    const ModelConfig c = smallConfig();
    Batch batch = batchOf(c, unevenLengths());
    batch.tokens[batch.sequenceStart[sequence]] = c.vocabSize;  // out of range
    Transformer model = randomModel(c);
    DataParallelStep step;
    QVERIFY_THROWS_EXCEPTION(std::logic_error, step.run(model, batch));
    QCOMPARE(step.lastShardCount(), 2);
  }

  void runOnePerThreadRethrowsTheFirstFailureInJobOrder() {
    std::vector<int> ran(4, 0);
    try {
      runOnePerThread(4, [&](int k) {
        ran[k] = 1;
        if (k >= 2) throw std::runtime_error("job " + std::to_string(k));
      });
      QFAIL("no exception");
    } catch (const std::runtime_error& e) {
      QCOMPARE(std::string(e.what()), std::string("job 2"));
    }
    QCOMPARE(ran, std::vector<int>(4, 1));  // the other jobs still ran
  }
};

QTEST_APPLESS_MAIN(TestDataParallelStep)
#include "tst_data_parallel_step.moc"
