// Specification of the whole transformer: its forward pass equals an independent double-precision
// reference on random weights, packed sequences never see each other, and its backward pass
// (and the positional regulariser's) equals finite differences of the reference.
#include "gradient_check.h"
#include "parallel.h"
#include "positional_regularizer.h"
#include "reference_transformer.h"
#include "transformer.h"

#include <QtTest>

using namespace lengthlab;
using namespace lengthlab::test;

namespace {

ModelConfig smallConfig(PositionalEncoding pe, OutputLoss loss) {
  ModelConfig c;
  c.vocabSize = 6;
  c.outputSize = loss == OutputLoss::SigmoidBinary ? 3 : 6;
  c.tiedHead = loss == OutputLoss::SoftmaxCrossEntropy;
  c.layers = 2;
  c.heads = 2;
  c.dModel = 8;
  c.positions = 20;
  c.positional = pe;
  c.loss = loss;
  return c;
}

// Random weights of order 0.3 (larger than GPT-2's init) so every path carries a real gradient.
void randomize(Transformer& model, std::uint64_t seed) {
  Rng rng(seed);
  for (auto& p : model.parameters()) p = static_cast<float>(0.3 * rng.normal());
}

std::vector<double> asDouble(const FloatBuffer& v) { return {v.begin(), v.end()}; }

enum class Scored { SecondHalf, EveryPosition };

std::vector<ReferenceSequence> randomSequences(const ModelConfig& c, const std::vector<int>& lengths,
                                               const std::vector<int>& offsets, Scored scored) {
  Rng rng(77);
  std::vector<ReferenceSequence> out;
  for (std::size_t s = 0; s < lengths.size(); ++s) {
    ReferenceSequence seq;
    for (int t = 0; t < lengths[s]; ++t) {
      seq.tokens.push_back(static_cast<int>(rng.uniformInt(0, c.vocabSize - 1)));
      seq.positions.push_back(offsets[s] + t);
      const bool isScored = scored == Scored::EveryPosition || 2 * t >= lengths[s];
      seq.targets.push_back(isScored ? static_cast<int>(rng.uniformInt(0, c.outputSize - 1)) : -1);
      for (int o = 0; o < c.outputSize; ++o) seq.labels.push_back(static_cast<std::uint8_t>(rng.uniformInt(0, 1)));
    }
    out.push_back(seq);
  }
  return out;
}

// Three sequences of lengths 3, 5 and 8 at position offsets 2, 0 and 7, plus the row filler;
// the second half of each is scored, like the answer part of an algorithmic task.
std::vector<ReferenceSequence> threeSequences(const ModelConfig& c) {
  return randomSequences(c, {3, 5, 8}, {2, 0, 7}, Scored::SecondHalf);
}

// Four sequences filling one row block exactly, every position scored: the batch has no filler
// and the scored rows are all rows, in order (the case the engine serves without a gather).
std::vector<ReferenceSequence> fullyScoredSequences(const ModelConfig& c) {
  static_assert(Batch::kRowAlignment == 64);
  return randomSequences(c, {16, 16, 16, 16}, {0, 1, 2, 3}, Scored::EveryPosition);
}

Batch packed(const ModelConfig& c, const std::vector<ReferenceSequence>& sequences) {
  Batch batch;
  batch.clear(c.outputSize);
  for (const auto& s : sequences) {
    EncodedSequence e;
    e.tokens = s.tokens;
    if (c.loss == OutputLoss::SigmoidBinary) {
      e.labels = s.labels;
    } else {
      e.targets = s.targets;
    }
    batch.add(e, s.positions.front());
  }
  batch.alignRows(0);
  return batch;
}

void addVariants() {
  QTest::addColumn<int>("positional");
  QTest::addColumn<int>("loss");
  QTest::newRow("ape, tied head, softmax") << int(PositionalEncoding::Ape) << int(OutputLoss::SoftmaxCrossEntropy);
  QTest::newRow("nope, tied head, softmax") << int(PositionalEncoding::Nope) << int(OutputLoss::SoftmaxCrossEntropy);
  QTest::newRow("ape, untied head, sigmoid") << int(PositionalEncoding::Ape) << int(OutputLoss::SigmoidBinary);
}

}  // namespace

class TestTransformer : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { useThreads(2); }

  void forwardMatchesTheIndependentReference_data() { addVariants(); }
  void forwardMatchesTheIndependentReference() {
    QFETCH(int, positional);
    QFETCH(int, loss);
    const ModelConfig c = smallConfig(PositionalEncoding(positional), OutputLoss(loss));
    Transformer model(c);
    randomize(model, 1);
    const auto sequences = threeSequences(c);
    const Batch batch = packed(c, sequences);
    QCOMPARE(batch.rows() % Batch::kRowAlignment, 0);
    Workspace ws;
    model.forward(batch, ws, Transformer::Rows::All);
    const auto params = asDouble(model.parameters());
    const ReferenceTransformer reference(c, model.layout(), params);
    for (int s = 0; s < 3; ++s) {
      const auto expected = reference.logits(sequences[s].tokens, sequences[s].positions);
      const float* got = ws.logits() + static_cast<std::size_t>(batch.sequenceStart[s]) * c.outputSize;
      for (std::size_t i = 0; i < expected.size(); ++i) {
        QVERIFY2(std::fabs(got[i] - expected[i]) < 1e-4,
                 qPrintable(QString("sequence %1 logit %2: %3 vs %4").arg(s).arg(i).arg(got[i]).arg(expected[i])));
      }
    }
  }

  void packedSequencesDoNotSeeEachOther() {
    const ModelConfig c = smallConfig(PositionalEncoding::Ape, OutputLoss::SoftmaxCrossEntropy);
    Transformer model(c);
    randomize(model, 2);
    const auto sequences = threeSequences(c);
    Workspace together, alone;
    model.forward(packed(c, sequences), together, Transformer::Rows::All);
    model.forward(packed(c, {sequences[2]}), alone, Transformer::Rows::All);
    const std::size_t first = (3 + 5) * c.outputSize;
    for (int i = 0; i < 8 * c.outputSize; ++i) {
      QVERIFY(std::fabs(together.logits()[first + i] - alone.logits()[i]) < 1e-5);
    }
  }

  void scoredRowsGetTheSameLogitsAsInTheFullPass() {
    const ModelConfig c = smallConfig(PositionalEncoding::Ape, OutputLoss::SoftmaxCrossEntropy);
    Transformer model(c);
    randomize(model, 3);
    const Batch batch = packed(c, threeSequences(c));
    Workspace all, scored;
    model.forward(batch, all, Transformer::Rows::All);
    model.forward(batch, scored, Transformer::Rows::Scored);
    QCOMPARE(scored.logitRows(), batch.lossRowCount());
    for (int r = 0; r < batch.lossRowCount(); ++r) {
      for (int o = 0; o < c.outputSize; ++o) {
        QVERIFY(std::fabs(scored.logits()[r * c.outputSize + o] -
                          all.logits()[batch.lossRows[r] * c.outputSize + o]) < 1e-6);
      }
    }
  }

  void lossMatchesTheReferenceLoss_data() { addVariants(); }
  void lossMatchesTheReferenceLoss() {
    QFETCH(int, positional);
    QFETCH(int, loss);
    const ModelConfig c = smallConfig(PositionalEncoding(positional), OutputLoss(loss));
    Transformer model(c);
    randomize(model, 4);
    const auto sequences = threeSequences(c);
    const Batch batch = packed(c, sequences);
    Workspace ws;
    model.forward(batch, ws);
    const double got = model.loss(batch, ws);
    const auto params = asDouble(model.parameters());
    const double expected = referenceLoss(ReferenceTransformer(c, model.layout(), params), c, sequences);
    QVERIFY2(std::fabs(got - expected) < 1e-5, qPrintable(QString("%1 vs %2").arg(got).arg(expected)));
  }

  void backwardMatchesFiniteDifferencesOfTheReference_data() { addVariants(); }
  void backwardMatchesFiniteDifferencesOfTheReference() {
    QFETCH(int, positional);
    QFETCH(int, loss);
    const ModelConfig c = smallConfig(PositionalEncoding(positional), OutputLoss(loss));
    checkBackwardAgainstReference(c, threeSequences(c));
  }

  void sharedTransposedWeightsGiveTheSameGradientsBitForBit() {
    // What data-parallel shards use: W^T made once per step instead of once per product.
    const ModelConfig c = smallConfig(PositionalEncoding::Ape, OutputLoss::SigmoidBinary);
    Transformer model(c);
    randomize(model, 6);
    const Batch batch = packed(c, threeSequences(c));
    Workspace ws;
    model.forward(batch, ws);
    model.loss(batch, ws);
    model.backward(batch, ws);
    const FloatBuffer ownCopies = model.gradients();
    FloatBuffer transposed;
    model.transposeWeights(transposed);
    FloatBuffer shared(model.parameters().size(), 0.0f);
    model.backward(batch, ws, shared.data(), transposed.data());
    QVERIFY(std::equal(shared.begin(), shared.end(), ownCopies.begin(), ownCopies.end()));
    // and the copy is the transpose: [C x 3C] in, [3C x C] out
    const ModelTensors w = model.weights(), t = model.layout().bind(transposed.data());
    const int C = c.dModel;
    for (int l = 0; l < c.layers; ++l) {
      for (int i = 0; i < C; ++i) {
        for (int j = 0; j < 3 * C; ++j) {
          QCOMPARE(t.layers[l].qkvWeight[j * C + i], w.layers[l].qkvWeight[i * 3 * C + j]);
        }
      }
    }
  }

  void backwardWithEveryRowScoredMatchesFiniteDifferences() {
    const ModelConfig c = smallConfig(PositionalEncoding::Ape, OutputLoss::SoftmaxCrossEntropy);
    const auto sequences = fullyScoredSequences(c);
    const Batch batch = packed(c, sequences);
    QCOMPARE(batch.lossRowCount(), batch.rows());
    checkBackwardAgainstReference(c, sequences);
  }

 private:
  // The analytic gradient of every tensor against central differences of the double-precision
  // reference's loss.
  void checkBackwardAgainstReference(const ModelConfig& c, const std::vector<ReferenceSequence>& sequences) {
    Transformer model(c);
    randomize(model, 5);
    const Batch batch = packed(c, sequences);
    Workspace ws;
    model.forward(batch, ws);
    model.loss(batch, ws);
    model.backward(batch, ws);
    // Numeric gradient of the double-precision reference, one tensor at a time so a failure
    // names the tensor; up to 64 entries per tensor spread over it keep the test fast.
    std::vector<double> params = asDouble(model.parameters());
    const ReferenceTransformer reference(c, model.layout(), params);
    for (const auto& slot : model.layout().tensors()) {
      const std::size_t stride = std::max<std::size_t>(1, slot.size / 64);
      std::vector<float> analytic;
      std::vector<double> numeric;
      for (std::size_t i = 0; i < slot.size; i += stride) {
        analytic.push_back(model.gradients()[slot.offset + i]);
        double& p = params[slot.offset + i];
        const double saved = p, step = 1e-5;
        p = saved + step;
        const double up = referenceLoss(reference, c, sequences);
        p = saved - step;
        const double down = referenceLoss(reference, c, sequences);
        p = saved;
        numeric.push_back((up - down) / (2 * step));
      }
      const double error = relativeError(analytic, numeric);
      QVERIFY2(error < 1e-3 || norm(numeric) < 1e-6,
               qPrintable(QString::fromStdString(slot.name) + ": relative error " + QString::number(error)));
    }
  }

 private slots:

  void regulariserMatchesItsDefinition() {
    ModelConfig c = smallConfig(PositionalEncoding::ApeReg, OutputLoss::SoftmaxCrossEntropy);
    Transformer model(c);
    randomize(model, 6);
    PositionalScratch scratch;
    const double got = positionalRegularizer(c, model.weights(), nullptr, 1.0f, scratch);
    const ModelTensors w = model.weights();
    const int P = c.positions, C = c.dModel, D = c.dHead();
    double expected = 0;
    for (int l = 0; l < c.layers; ++l) {
      for (int h = 0; h < c.heads; ++h) {
        for (int j = 0; j < P; ++j) {
          double column = 0;
          for (int i = j; i < P; ++i) {
            double m = 0;
            for (int d = 0; d < D; ++d) {
              double q = 0, k = 0;
              for (int x = 0; x < C; ++x) {
                q += double(w.positionEmbedding[i * C + x]) * w.layers[l].qkvWeight[x * 3 * C + h * D + d];
                k += double(w.positionEmbedding[j * C + x]) * w.layers[l].qkvWeight[x * 3 * C + C + h * D + d];
              }
              m += q * k;
            }
            column += m * m;
          }
          expected += column / P;
        }
      }
    }
    QVERIFY2(std::fabs(got - expected) < 1e-4 * std::max(1.0, expected),
             qPrintable(QString("%1 vs %2").arg(got).arg(expected)));
  }

  void regulariserGradientMatchesFiniteDifferences() {
    ModelConfig c = smallConfig(PositionalEncoding::ApeReg, OutputLoss::SoftmaxCrossEntropy);
    c.positions = 6;
    Transformer model(c);
    randomize(model, 7);
    PositionalScratch scratch;
    const float coef = 0.5f;
    std::fill(model.gradients().begin(), model.gradients().end(), 0.0f);
    const ModelTensors grads = model.weightGradients();
    positionalRegularizer(c, model.weights(), &grads, coef, scratch);
    for (const char* name : {"transformer.wpe.weight", "transformer.h.1.attn.c_attn.weight"}) {
      const TensorSlot* slot = model.layout().find(name);
      std::vector<float> values(model.parameters().begin() + long(slot->offset),
                                model.parameters().begin() + long(slot->offset + slot->size));
      const auto lossFn = [&] {
        std::copy(values.begin(), values.end(), model.parameters().begin() + long(slot->offset));
        return coef * positionalRegularizer(c, model.weights(), nullptr, coef, scratch);
      };
      const auto numeric = numericGradient(values, lossFn, 1e-2f);
      lossFn();
      const std::vector<float> analytic(model.gradients().begin() + long(slot->offset),
                                        model.gradients().begin() + long(slot->offset + slot->size));
      QVERIFY2(relativeError(analytic, numeric) < 2e-3, name);
    }
  }

  void initialisationFollowsGpt2() {
    ModelConfig c = smallConfig(PositionalEncoding::Ape, OutputLoss::SoftmaxCrossEntropy);
    c.dModel = 64;
    c.heads = 4;
    Transformer model(c);
    Rng rng(8);
    model.initialize(rng);
    const auto stdOf = [&](const char* name) {
      const TensorSlot* s = model.layout().find(name);
      double sum = 0;
      for (std::size_t i = 0; i < s->size; ++i) sum += double(model.parameters()[s->offset + i]) * model.parameters()[s->offset + i];
      return std::sqrt(sum / s->size);
    };
    QVERIFY(std::fabs(stdOf("transformer.h.0.mlp.c_fc.weight") - 0.02) < 0.002);
    QVERIFY(std::fabs(stdOf("transformer.h.0.attn.c_proj.weight") - 0.02 / 2) < 0.002);  // 0.02 / sqrt(2 L)
    const TensorSlot* ln = model.layout().find("transformer.ln_f.weight");
    QCOMPARE(model.parameters()[ln->offset], 1.0f);
    const TensorSlot* bias = model.layout().find("transformer.h.1.attn.c_attn.bias");
    QCOMPARE(model.parameters()[bias->offset + 5], 0.0f);
  }

  void invalidShapesAreRefusedWithEveryProblemNamed() {
    ModelConfig c = smallConfig(PositionalEncoding::Ape, OutputLoss::SoftmaxCrossEntropy);
    c.dModel = 10;
    c.heads = 3;
    c.layers = 0;
    try {
      Transformer model(c);
      QFAIL("an invalid configuration was accepted");
    } catch (const std::invalid_argument& e) {
      const QString message = e.what();
      QVERIFY2(message.contains("divisible"), qPrintable(message));
      QVERIFY2(message.contains("layers"), qPrintable(message));
    }
  }
};

QTEST_APPLESS_MAIN(TestTransformer)
#include "tst_transformer.moc"
