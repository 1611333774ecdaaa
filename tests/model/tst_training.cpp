// Specification of training: a short run learns binary majority, runs repeat exactly from their
// seed, the configuration is validated with every problem named, and evaluation covers every
// length of every test bin.
#include "adamw.h"
#include "parallel.h"
#include "parameters.h"
#include "rng.h"
#include "task_registry.h"
#include "trainer.h"

#include <QtTest>

#include <cmath>

using namespace lengthlab;

namespace {

const Task& task(const char* id) {
  const Task* t = findTask(id);
  if (!t) throw std::logic_error(std::string("no task ") + id);
  return *t;
}

TrainingConfig quickMajority() {
  TrainingConfig c;
  c.task = "bin_majority";
  c.layers = 1;
  c.heads = 1;
  c.dModel = 16;
  c.learningRate = 1e-3;
  c.batchSize = 64;
  c.steps = 3000;
  c.evalEvery = 100;
  c.evalCount = 200;
  c.threads = 2;
  c.testBins = {{1, 50}, {51, 100}};
  return c;
}

ModelConfig smallModel() {
  ModelConfig config;
  config.vocabSize = config.outputSize = 5;
  config.tiedHead = false;
  config.layers = 1;
  config.heads = 2;
  config.dModel = 8;
  config.positions = 6;
  return config;
}

FloatBuffer filled(std::size_t size, Rng& rng, double scale) {
  FloatBuffer values(size);
  for (auto& v : values) v = static_cast<float>(scale * rng.normal());
  return values;
}

std::vector<double> lossCurve(const TrainingConfig& config, int steps) {
  Trainer trainer(task(config.task.c_str()), config);
  std::vector<double> losses;
  for (int i = 0; i < steps; ++i) losses.push_back(trainer.advance().loss);
  return losses;
}

}  // namespace

class TestTraining : public QObject {
  Q_OBJECT

 private slots:
  void adamWStepFollowsPyTorchsFormula() {
    const ParameterLayout layout(smallModel());
    AdamWSettings settings;
    settings.weightDecay = 0.1;
    settings.clipNorm = 0.0;
    AdamW optimizer(layout, settings);
    Rng rng(3);
    FloatBuffer parameters = filled(layout.totalSize(), rng, 1.0);
    std::vector<double> p(parameters.begin(), parameters.end()), m(p.size()), v(p.size());
    const double lr = 1e-2, b1 = settings.beta1, b2 = settings.beta2, eps = settings.epsilon;
    for (int t = 1; t <= 3; ++t) {
      FloatBuffer gradients = filled(layout.totalSize(), rng, 0.1);
      for (const TensorSlot& slot : layout.tensors()) {
        for (std::size_t i = slot.offset; i < slot.offset + slot.size; ++i) {
          const double g = gradients[i];
          if (slot.weightDecay) p[i] *= 1 - lr * settings.weightDecay;
          m[i] = b1 * m[i] + (1 - b1) * g;
          v[i] = b2 * v[i] + (1 - b2) * g * g;
          const double mHat = m[i] / (1 - std::pow(b1, t)), vHat = v[i] / (1 - std::pow(b2, t));
          p[i] -= lr * mHat / (std::sqrt(vHat) + eps);
        }
      }
      optimizer.step(parameters, gradients, lr);
      for (const TensorSlot& slot : layout.tensors()) {  // (the arena pads between tensors)
        for (std::size_t i = slot.offset; i < slot.offset + slot.size; ++i) {
          QVERIFY2(std::fabs(parameters[i] - p[i]) < 1e-5 * (1 + std::fabs(p[i])),
                   qPrintable(QString("step %1, %2").arg(t).arg(QString::fromStdString(slot.name))));
        }
      }
    }
  }

  void adamWClipsTheGlobalGradientNorm() {
    const ParameterLayout layout(smallModel());
    AdamWSettings settings;
    settings.clipNorm = 1.0;
    AdamW optimizer(layout, settings);
    Rng rng(4);
    FloatBuffer parameters = filled(layout.totalSize(), rng, 1.0);
    FloatBuffer gradients = filled(layout.totalSize(), rng, 1.0);
    const FloatBuffer original = gradients;
    double expectedNorm = 0;
    for (float g : original) expectedNorm += double(g) * g;
    expectedNorm = std::sqrt(expectedNorm);
    QVERIFY(expectedNorm > 5);
    const double norm = optimizer.step(parameters, gradients, 1e-3);
    QVERIFY(std::fabs(norm - expectedNorm) < 1e-6 * expectedNorm);
    const double scale = settings.clipNorm / (expectedNorm + 1e-6);
    for (std::size_t i = 0; i < gradients.size(); ++i) {
      QVERIFY(std::fabs(gradients[i] - original[i] * scale) < 1e-6);
    }
  }

  void adamWGivenTheNormStepsAsIfItHadComputedIt() {
    const ParameterLayout layout(smallModel());
    AdamW computing(layout, AdamWSettings{}), told(layout, AdamWSettings{});
    Rng rng(5);
    FloatBuffer parameters = filled(layout.totalSize(), rng, 1.0), sameParameters = parameters;
    FloatBuffer gradients = filled(layout.totalSize(), rng, 1.0), sameGradients = gradients;
    const double norm = told.gradientNorm(sameGradients);
    QVERIFY(norm > AdamWSettings{}.clipNorm);  // so that clipping, which uses the norm, happens
    QCOMPARE(told.step(sameParameters, sameGradients, 1e-3, norm),
             computing.step(parameters, gradients, 1e-3));
    QCOMPARE(sameParameters, parameters);
    QCOMPARE(sameGradients, gradients);
  }

  void binaryMajorityReachesPerfectInDistributionAccuracy() {
    Trainer trainer(task("bin_majority"), quickMajority());
    QElapsedTimer clock;
    clock.start();
    StepReport report;
    while (!trainer.finished()) report = trainer.advance();
    QCOMPARE(report.stop, StopReason::EarlyStop);
    QVERIFY(report.evaluation.has_value());
    QCOMPARE(report.evaluation->bins[0].tally.accuracy(), 1.0);
    qInfo("bin_majority: 100%% in distribution after %ld steps, %.1f s; [51,100]: %.1f%%", trainer.step(),
          clock.elapsed() / 1000.0, 100 * report.evaluation->bins[1].tally.accuracy());
  }

  void lossFallsOnUniqueCopyInAFewHundredSteps() {
    TrainingConfig c;
    c.task = "unique_copy";
    c.layers = 2;
    c.heads = 1;
    c.dModel = 64;
    c.steps = 30000;
    c.evalEvery = 1000;
    c.evalCount = 50;
    c.threads = 2;
    c.train = {1, 10};
    c.testBins = {{1, 10}, {11, 20}};
    const auto losses = lossCurve(c, 300);
    // log(154) = 5.04 at the start: a uniform guess over the vocabulary.
    QVERIFY2(std::fabs(losses.front() - std::log(154.0)) < 0.3, qPrintable(QString::number(losses.front())));
    QVERIFY2(losses.back() < 0.7 * losses.front(), qPrintable(QString::number(losses.back())));
  }

  void theSameSeedGivesTheSameLossCurveBitForBit() {
    TrainingConfig c = quickMajority();
    c.positional = PositionalEncoding::ApeReg;
    QCOMPARE(lossCurve(c, 25), lossCurve(c, 25));
  }

  void anotherSeedGivesAnotherRun() {
    TrainingConfig a = quickMajority(), b = quickMajority();
    b.seed = 1;
    QVERIFY(lossCurve(a, 5) != lossCurve(b, 5));
  }

  void evaluationCoversEveryLengthOfEveryBinEvenly() {
    TrainingConfig c = quickMajority();
    c.evalCount = 100;
    Trainer trainer(task("bin_majority"), c);
    const EvaluationResult result = trainer.evaluate();
    QCOMPARE(int(result.bins.size()), 2);
    QCOMPARE(result.bins[0].tally.total, 100);
    QCOMPARE(result.bins[1].tally.total, 100);
    QCOMPARE(int(result.lengths.size()), 100);
    QCOMPARE(result.lengths.front().length, 1);
    QCOMPARE(result.lengths.back().length, 100);
    for (const auto& l : result.lengths) QCOMPARE(l.tally.total, 2);
  }

  void evaluationGivesTheSameScoresWhateverTheThreadCount_data() {
    QTest::addColumn<int>("threads");
    for (const int t : {2, 3}) QTest::addRow("%d threads", t) << t;
  }
  void evaluationGivesTheSameScoresWhateverTheThreadCount() {
    // 2 x 150 examples of lengths 1-100 after a few steps, so some answers are right; batches
    // side by side, and at 3 threads a last round too short to fill every thread.
    QFETCH(int, threads);
    TrainingConfig c = quickMajority();
    c.threads = 1;
    Trainer trainer(task("bin_majority"), c);
    for (int i = 0; i < 40; ++i) trainer.advance();
    const EvaluationSet set(trainer.task(), trainer.codec(), c.testBins, 150,
                            Trainer::kEvaluationSeed);
    std::vector<Workspace> one, several;
    useThreads(1);
    const EvaluationResult expected = set.evaluate(trainer.model(), one);
    useThreads(threads);
    int rounds = 0;
    const EvaluationResult got = set.evaluate(trainer.model(), several, 4096, [&] {
      ++rounds;
      return true;
    });
    QCOMPARE(several.size(), static_cast<std::size_t>(threads));
    QCOMPARE(rounds, 2);  // four batches: 2 + 2, or 3 and then a lone one
    QVERIFY(expected.bins[0].tally.correct > 0);
    QCOMPARE(got.bins.size(), expected.bins.size());
    for (std::size_t b = 0; b < got.bins.size(); ++b) {
      QCOMPARE(got.bins[b].tally.total, 150);
      QCOMPARE(got.bins[b].tally.correct, expected.bins[b].tally.correct);
    }
    QCOMPARE(got.lengths.size(), expected.lengths.size());
    for (std::size_t l = 0; l < got.lengths.size(); ++l) {
      QCOMPARE(got.lengths[l].length, expected.lengths[l].length);
      QCOMPARE(got.lengths[l].tally.total, 3);  // 150 examples over the 50 lengths of each bin
      QCOMPARE(got.lengths[l].tally.correct, expected.lengths[l].tally.correct);
    }
  }

  void aStopDuringEvaluationInterruptsItAndLeavesTheTrainerUsable() {
    TrainingConfig c = quickMajority();
    c.evalCount = 150;
    Trainer trainer(task("bin_majority"), c);
    int asked = 0;
    trainer.setInterruptCheck([&] { return ++asked < 2; });  // stop after the first round
    QVERIFY_THROWS_EXCEPTION(EvaluationInterrupted, trainer.evaluate());
    QCOMPARE(asked, 2);
    trainer.setInterruptCheck({});
    QCOMPARE(trainer.evaluate().bins[1].tally.total, 150);
  }

  void theEvaluationSetDoesNotDependOnTheTrainingSeed() {
    // An untrained model's answers are a fixed function of its weights; with the same weights
    // seed but different data seeds the evaluation must give the same numbers.
    TrainingConfig a = quickMajority();
    Trainer first(task("bin_majority"), a);
    Trainer second(task("bin_majority"), a);
    QCOMPARE(first.evaluate().bins[1].tally.correct, second.evaluate().bins[1].tally.correct);
  }

  void earlyStopOffRunsToTheStepLimit() {
    TrainingConfig c = quickMajority();
    c.earlyStop = false;
    c.steps = 30;
    c.evalEvery = 10;
    Trainer trainer(task("bin_majority"), c);
    StepReport report;
    int evaluations = 0;
    while (!trainer.finished()) {
      report = trainer.advance();
      evaluations += report.evaluation ? 1 : 0;
    }
    QCOMPARE(report.stop, StopReason::MaxSteps);
    QCOMPARE(trainer.step(), 30L);
    QCOMPARE(evaluations, 3);
  }

  void aNonFiniteLossEndsTheRunWithoutUpdatingTheWeights() {
    Trainer trainer(task("bin_majority"), quickMajority());
    trainer.model().parameters()[3] = std::nanf("");
    const auto before = trainer.model().parameters();
    const StepReport report = trainer.advance();
    QVERIFY(!report.finite);
    QCOMPARE(report.stop, StopReason::Diverged);
    QVERIFY(trainer.finished());
    for (std::size_t i = 0; i < before.size(); ++i) {
      if (i != 3) QCOMPARE(trainer.model().parameters()[i], before[i]);
    }
  }

  void theRegulariserIsReportedOnlyForApeReg() {
    TrainingConfig c = quickMajority();
    QCOMPARE(Trainer(task("bin_majority"), c).advance().regularizer, 0.0);
    c.positional = PositionalEncoding::ApeReg;
    QVERIFY(Trainer(task("bin_majority"), c).advance().regularizer > 0.0);
  }

  void theLearningRateDecaysLinearlyToZero() {
    TrainingConfig c = quickMajority();
    c.steps = 4;
    c.earlyStop = false;
    Trainer trainer(task("bin_majority"), c);
    std::vector<double> rates;
    while (!trainer.finished()) rates.push_back(trainer.advance().learningRate);
    QCOMPARE(rates, (std::vector<double>{1e-3, 0.75e-3, 0.5e-3, 0.25e-3}));
  }

  void invalidConfigurationsNameEveryProblem_data() {
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("expected");
    QTest::newRow("empty train range") << "train" << "train range 50-10 is empty";
    QTest::newRow("overlapping bins") << "bins" << "increasing order without overlap";
    QTest::newRow("nothing beyond training") << "beyond" << "must reach beyond the train range";
    QTest::newRow("width not divisible") << "heads" << "divisible";
    QTest::newRow("zero batch") << "batch" << "batch must be from 1";
    QTest::newRow("impossible bin") << "impossible" << "holds no possible length";
    QTest::newRow("beyond the supported lengths") << "huge" << "beyond the lengths LengthLab supports (0 to 1000)";
  }
  void invalidConfigurationsNameEveryProblem() {
    QFETCH(QString, field);
    QFETCH(QString, expected);
    TrainingConfig c = quickMajority();
    if (field == "train") c.train = {50, 10};
    if (field == "bins") c.testBins = {{1, 60}, {51, 100}};
    if (field == "beyond") c.testBins = {{1, 50}};
    if (field == "heads") c.heads = 3;
    if (field == "batch") c.batchSize = 0;
    if (field == "impossible") c.testBins = {{0, 0}, {51, 100}};
    if (field == "huge") c.testBins = {{1, 50}, {51, 2000}};
    try {
      Trainer trainer(task("bin_majority"), c);
      QFAIL("an invalid configuration was accepted");
    } catch (const ConfigError& e) {
      QVERIFY2(QString(e.what()).contains(expected), e.what());
    }
  }
};

QTEST_APPLESS_MAIN(TestTraining)
#include "tst_training.moc"
