// Specification of the model's kernels: every backward pass agrees with central finite
// differences of its forward pass, and the fast kernels agree with naive twins written here.
#include "aligned_buffer.h"
#include "gradient_check.h"
#include "kernels.h"
#include "matmul.h"
#include "parallel.h"

#include <QtTest>

#include <limits>

#include <cmath>
#include <cstdint>

using namespace lengthlab;
using namespace lengthlab::test;

namespace {

constexpr double kGradientTolerance = 2e-3;

// Four sequences packed end to end (lengths 1, 4, 7 and 70, the last spanning several of the
// kernel's query blocks), the shape attention sees in training.
struct PackedLayout {
  std::vector<int> starts{0, 1, 5, 12, 82};
  std::vector<std::size_t> probOffsets;
  AttentionLayout layout;
  int rows() const { return starts.back(); }

  explicit PackedLayout(int heads) {
    probOffsets.push_back(0);
    for (std::size_t s = 0; s + 1 < starts.size(); ++s) {
      probOffsets.push_back(probOffsets.back() + heads * attentionProbFloats(starts[s + 1] - starts[s]));
    }
    layout.sequenceStart = starts.data();
    layout.probOffset = probOffsets.data();
    layout.sequences = static_cast<int>(starts.size()) - 1;
    layout.longest = 70;
  }
};

// Linear layers: dW is formed directly when the layer widens (In <= Out), through its transpose
// when it narrows; W^T and dW^T go by 8 x 8 blocks, so some shapes have whole blocks and ragged
// edges on both sides.
void addLinearShapes() {
  QTest::addColumn<int>("In");
  QTest::addColumn<int>("Out");
  QTest::newRow("widening") << 5 << 7;
  QTest::newRow("narrowing") << 7 << 5;
  QTest::newRow("square") << 6 << 6;
  QTest::newRow("widening, several blocks") << 12 << 21;
  QTest::newRow("narrowing, several blocks") << 21 << 12;
}

// LayerNorm goes by 16-float vectors with a scalar rest: rest only, vectors only, both.
void addLayerNormWidths() {
  QTest::addColumn<int>("C");
  QTest::newRow("width 8") << 8;
  QTest::newRow("width 32") << 32;
  QTest::newRow("width 37") << 37;
}

// Head widths 4 and 24 take the kernels' padded-copy path, 16, 32 and 64 read heads in place;
// 24, 32 and 64 (padded widths that are multiples of 32) use 16-float blocks where the CPU has
// AVX-512, 64 with two of them per row.
void addHeadWidths() {
  QTest::addColumn<int>("C");
  QTest::addColumn<int>("H");
  QTest::newRow("head width 4") << 8 << 2;
  QTest::newRow("head width 16") << 32 << 2;
  QTest::newRow("head width 24") << 48 << 2;
  QTest::newRow("head width 32") << 32 << 1;
  QTest::newRow("head width 64") << 64 << 1;
}

// A dense [rows x width] matrix laid out with rows ld floats apart; the padding holds NaN, so a
// kernel that reads it spoils its results and one that writes it is caught by paddingIsIntact.
std::vector<float> withRowStride(const std::vector<float>& dense, int rows, int width, int ld) {
  std::vector<float> strided(static_cast<std::size_t>(rows) * ld, std::nanf(""));
  for (int r = 0; r < rows; ++r) {
    std::copy_n(dense.begin() + static_cast<long>(r) * width, width, strided.begin() + static_cast<long>(r) * ld);
  }
  return strided;
}

std::vector<float> withoutRowStride(const std::vector<float>& strided, int rows, int width, int ld) {
  std::vector<float> dense(static_cast<std::size_t>(rows) * width);
  for (int r = 0; r < rows; ++r) {
    std::copy_n(strided.begin() + static_cast<long>(r) * ld, width, dense.begin() + static_cast<long>(r) * width);
  }
  return dense;
}

bool paddingIsIntact(const std::vector<float>& strided, int rows, int width, int ld) {
  for (int r = 0; r < rows; ++r) {
    for (int c = width; c < ld; ++c) {
      if (!std::isnan(strided[static_cast<std::size_t>(r) * ld + c])) return false;
    }
  }
  return true;
}

bool closeTo(const std::vector<float>& actual, const std::vector<float>& expected, double tolerance = 1e-5) {
  if (actual.size() != expected.size()) return false;
  for (std::size_t i = 0; i < actual.size(); ++i) {
    if (!(std::fabs(actual[i] - expected[i]) <= tolerance * (1.0 + std::fabs(expected[i])))) return false;
  }
  return true;
}

// Straightforward causal attention for one packed batch, in double.
std::vector<double> naiveAttention(const std::vector<float>& qkv, const PackedLayout& p, int C, int H) {
  const int D = C / H;
  std::vector<double> out(static_cast<std::size_t>(p.rows()) * C, 0.0);
  for (int s = 0; s + 1 < static_cast<int>(p.starts.size()); ++s) {
    for (int h = 0; h < H; ++h) {
      for (int i = p.starts[s]; i < p.starts[s + 1]; ++i) {
        std::vector<double> scores;
        for (int j = p.starts[s]; j <= i; ++j) {
          double dotQK = 0;
          for (int d = 0; d < D; ++d) dotQK += double(qkv[i * 3 * C + h * D + d]) * qkv[j * 3 * C + C + h * D + d];
          scores.push_back(dotQK / std::sqrt(double(D)));
        }
        double maxScore = *std::max_element(scores.begin(), scores.end()), total = 0;
        for (auto& x : scores) total += (x = std::exp(x - maxScore));
        for (int j = p.starts[s]; j <= i; ++j) {
          const double w = scores[j - p.starts[s]] / total;
          for (int d = 0; d < D; ++d) out[i * C + h * D + d] += w * qkv[j * 3 * C + 2 * C + h * D + d];
        }
      }
    }
  }
  return out;
}

}  // namespace

class TestKernels : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { useThreads(2); }

  void matmulMatchesNaiveProductForEveryTransposition_data() {
    QTest::addColumn<bool>("transA");
    QTest::addColumn<bool>("transB");
    QTest::addColumn<bool>("accumulate");
    for (bool ta : {false, true}) {
      for (bool tb : {false, true}) {
        for (bool acc : {false, true}) {
          QTest::addRow("A%s B%s %s", ta ? "t" : "n", tb ? "t" : "n", acc ? "accumulate" : "overwrite")
              << ta << tb << acc;
        }
      }
    }
  }
  void matmulMatchesNaiveProductForEveryTransposition() {
    QFETCH(bool, transA);
    QFETCH(bool, transB);
    QFETCH(bool, accumulate);
    const int M = 13, N = 7, K = 9;
    Rng rng(1);
    const auto A = randomVector(M * K, rng), B = randomVector(K * N, rng);
    const auto initial = randomVector(M * N, rng);
    auto C = initial;
    matmul(A.data(), transA ? Transpose::Yes : Transpose::No, B.data(),
           transB ? Transpose::Yes : Transpose::No, C.data(), M, N, K, accumulate);
    for (int i = 0; i < M; ++i) {
      for (int j = 0; j < N; ++j) {
        double expected = accumulate ? initial[i * N + j] : 0.0;
        for (int k = 0; k < K; ++k) {
          const float a = transA ? A[k * M + i] : A[i * K + k];
          const float b = transB ? B[j * K + k] : B[k * N + j];
          expected += double(a) * b;
        }
        QVERIFY(std::fabs(C[i * N + j] - expected) < 1e-4);
      }
    }
  }

  void matmulReadsAndWritesColumnSlicesWithLeadingDimensions() {
    // C[:, 2:5] += A[:, 1:4] @ B, the way the regulariser multiplies one head's columns.
    const int M = 6, K = 3, N = 3, lda = 8, ldc = 9;
    Rng rng(2);
    const auto A = randomVector(M * lda, rng), B = randomVector(K * N, rng);
    auto C = randomVector(M * ldc, rng);
    const auto before = C;
    matmul(A.data() + 1, Transpose::No, lda, B.data(), Transpose::No, N, C.data() + 2, ldc, M, N, K, true);
    for (int i = 0; i < M; ++i) {
      for (int j = 0; j < ldc; ++j) {
        double expected = before[i * ldc + j];
        if (j >= 2 && j < 5) {
          for (int k = 0; k < K; ++k) expected += double(A[i * lda + 1 + k]) * B[k * N + (j - 2)];
        }
        QVERIFY(std::fabs(C[i * ldc + j] - expected) < 1e-4);
      }
    }
  }

  void layerNormForwardMatchesItsFormula_data() { addLayerNormWidths(); }
  void layerNormForwardMatchesItsFormula() {
    QFETCH(int, C);
    const int N = 4;
    Rng rng(26);
    const auto x = randomVector(N * C, rng, 3.0), w = randomVector(C, rng), b = randomVector(C, rng);
    std::vector<float> out(N * C), mean(N), rstd(N);
    layerNormForward(out.data(), mean.data(), rstd.data(), x.data(), w.data(), b.data(), N, C);
    for (int n = 0; n < N; ++n) {
      double m = 0, v = 0;
      for (int c = 0; c < C; ++c) m += x[n * C + c];
      m /= C;
      for (int c = 0; c < C; ++c) v += (x[n * C + c] - m) * (x[n * C + c] - m);
      const double r = 1 / std::sqrt(v / C + 1e-5);
      QVERIFY(std::fabs(mean[n] - m) < 1e-5);
      QVERIFY(std::fabs(rstd[n] - r) < 1e-5 * r);
      for (int c = 0; c < C; ++c) {
        const double expected = (x[n * C + c] - m) * r * w[c] + b[c];
        QVERIFY2(std::fabs(out[n * C + c] - expected) < 1e-5, qPrintable(QString("row %1 column %2").arg(n).arg(c)));
      }
    }
  }

  void layerNormBackwardMatchesFiniteDifferences_data() { addLayerNormWidths(); }
  void layerNormBackwardMatchesFiniteDifferences() {
    QFETCH(int, C);
    const int N = 5;
    Rng rng(3);
    auto x = randomVector(N * C, rng), w = randomVector(C, rng), b = randomVector(C, rng);
    const auto probe = randomVector(N * C, rng);
    std::vector<float> out(N * C), mean(N), rstd(N);
    const auto loss = [&] {
      layerNormForward(out.data(), mean.data(), rstd.data(), x.data(), w.data(), b.data(), N, C);
      return dot(out.data(), probe);
    };
    loss();
    std::vector<float> dx(N * C, 0.0f), dw(C, 0.0f), db(C, 0.0f);
    layerNormBackward(dx.data(), C, dw.data(), db.data(), probe.data(), x.data(), mean.data(), rstd.data(),
                      w.data(), N, C);
    QVERIFY(relativeError(dx, numericGradient(x, loss)) < kGradientTolerance);
    QVERIFY(relativeError(dw, numericGradient(w, loss)) < kGradientTolerance);
    QVERIFY(relativeError(db, numericGradient(b, loss)) < kGradientTolerance);
  }

  void layerNormBackwardAddsToTheInputGradient() {
    const int N = 2, C = 4;
    Rng rng(4);
    auto x = randomVector(N * C, rng), w = randomVector(C, rng), b = randomVector(C, rng);
    const auto dy = randomVector(N * C, rng);
    std::vector<float> out(N * C), mean(N), rstd(N), dw(C), db(C);
    layerNormForward(out.data(), mean.data(), rstd.data(), x.data(), w.data(), b.data(), N, C);
    std::vector<float> fresh(N * C, 0.0f), accumulated(N * C, 1.0f);
    layerNormBackward(fresh.data(), C, dw.data(), db.data(), dy.data(), x.data(), mean.data(), rstd.data(), w.data(), N, C);
    layerNormBackward(accumulated.data(), C, dw.data(), db.data(), dy.data(), x.data(), mean.data(), rstd.data(), w.data(), N, C);
    for (int i = 0; i < N * C; ++i) QCOMPARE(accumulated[i], fresh[i] + 1.0f);
  }

  void layerNormBackwardHonoursTheRowStrideOfItsInputGradient() {
    const int N = 7, C = 12, ld = C + 4;
    Rng rng(24);
    const auto x = randomVector(N * C, rng), w = randomVector(C, rng), b = randomVector(C, rng);
    const auto dy = randomVector(N * C, rng);
    std::vector<float> out(N * C), mean(N), rstd(N), dw(C, 0.0f), db(C, 0.0f), dws(C, 0.0f), dbs(C, 0.0f);
    layerNormForward(out.data(), mean.data(), rstd.data(), x.data(), w.data(), b.data(), N, C);
    std::vector<float> dense(N * C, 0.5f);
    auto strided = withRowStride(dense, N, C, ld);
    layerNormBackward(dense.data(), C, dw.data(), db.data(), dy.data(), x.data(), mean.data(), rstd.data(), w.data(), N, C);
    layerNormBackward(strided.data(), ld, dws.data(), dbs.data(), dy.data(), x.data(), mean.data(), rstd.data(), w.data(), N, C);
    QCOMPARE(withoutRowStride(strided, N, C, ld), dense);
    QVERIFY(paddingIsIntact(strided, N, C, ld));
    QCOMPARE(dws, dw);
    QCOMPARE(dbs, db);
  }

  void linearBackwardMatchesFiniteDifferences_data() { addLinearShapes(); }
  void linearBackwardMatchesFiniteDifferences() {
    QFETCH(int, In);
    QFETCH(int, Out);
    const int N = 6;
    Rng rng(5);
    auto x = randomVector(N * In, rng), w = randomVector(In * Out, rng), b = randomVector(Out, rng);
    const auto probe = randomVector(N * Out, rng);
    std::vector<float> out(N * Out);
    const auto loss = [&] {
      linearForward(out.data(), x.data(), In, w.data(), b.data(), N, In, Out);
      return dot(out.data(), probe);
    };
    std::vector<float> dx(N * In), dw(In * Out, 0.0f), db(Out, 0.0f);
    linearBackward(dx.data(), dw.data(), db.data(), probe.data(), Out, x.data(), In, w.data(), N, In, Out);
    QVERIFY(relativeError(dx, numericGradient(x, loss)) < kGradientTolerance);
    QVERIFY(relativeError(dw, numericGradient(w, loss)) < kGradientTolerance);
    QVERIFY(relativeError(db, numericGradient(b, loss)) < kGradientTolerance);
  }

  void linearBackwardAddsToTheParameterGradients_data() { addLinearShapes(); }
  void linearBackwardAddsToTheParameterGradients() {
    QFETCH(int, In);
    QFETCH(int, Out);
    const int N = 9;
    Rng rng(27);
    const auto x = randomVector(N * In, rng), w = randomVector(In * Out, rng), dy = randomVector(N * Out, rng);
    const auto dwBefore = randomVector(In * Out, rng), dbBefore = randomVector(Out, rng);
    std::vector<float> dx(N * In), dwFresh(In * Out, 0.0f), dbFresh(Out, 0.0f);
    linearBackward(dx.data(), dwFresh.data(), dbFresh.data(), dy.data(), Out, x.data(), In, w.data(), N, In, Out);
    auto dw = dwBefore, db = dbBefore;
    linearBackward(dx.data(), dw.data(), db.data(), dy.data(), Out, x.data(), In, w.data(), N, In, Out);
    for (int i = 0; i < In * Out; ++i) QVERIFY(std::fabs(dw[i] - (dwBefore[i] + dwFresh[i])) < 1e-5);
    for (int o = 0; o < Out; ++o) QVERIFY(std::fabs(db[o] - (dbBefore[o] + dbFresh[o])) < 1e-5);
  }

  void linearForwardAddsTheResidual() {
    const int N = 3, In = 2, Out = 4;
    Rng rng(6);
    const auto x = randomVector(N * In, rng), w = randomVector(In * Out, rng), residual = randomVector(N * Out, rng);
    std::vector<float> plain(N * Out), withResidual(N * Out);
    linearForward(plain.data(), x.data(), In, w.data(), nullptr, N, In, Out);
    linearForward(withResidual.data(), x.data(), In, w.data(), nullptr, N, In, Out, residual.data());
    for (int i = 0; i < N * Out; ++i) QVERIFY(std::fabs(withResidual[i] - plain[i] - residual[i]) < 1e-6);
  }

  void geluMatchesItsFormula() {
    const std::vector<float> x{-3.0f, -1.0f, -0.1f, 0.0f, 0.5f, 2.0f, 6.0f};
    std::vector<float> y(x.size());
    geluForward(y.data(), nullptr, x.data(), x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double v = x[i];
      const double expected = 0.5 * v * (1 + std::tanh(std::sqrt(2 / M_PI) * (v + 0.044715 * v * v * v)));
      QVERIFY2(std::fabs(y[i] - expected) < 1e-6, qPrintable(QString::number(v)));
    }
  }

  void geluAndItsSlopeMatchTheirFormulasAcrossTheRange() {
    // Every 0.01 from -12 to 12: past tanh's clamp at +-8 and through the vector loop and the
    // padded last vector alike.
    std::vector<float> x;
    for (int i = -1200; i <= 1200; ++i) x.push_back(0.01f * static_cast<float>(i));
    std::vector<float> y(x.size()), slope(x.size());
    geluForward(y.data(), slope.data(), x.data(), x.size());
    const double s = std::sqrt(2 / M_PI), k = 0.044715;
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double v = x[i], t = std::tanh(s * (v + k * v * v * v));
      const double expected = 0.5 * v * (1 + t);
      const double expectedSlope = 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * s * (1 + 3 * k * v * v);
      QVERIFY2(std::fabs(y[i] - expected) <= 1e-6 * (1 + std::fabs(expected)), qPrintable(QString::number(v)));
      // tanh's approximation error near -5 (where 1 + t is small) reaches the slope multiplied by
      // x s (1 + 3 k x^2), about 17: 3.5e-6 at worst, the same before and after the one-pass loop.
      QVERIFY2(std::fabs(slope[i] - expectedSlope) <= 1e-5 * (1 + std::fabs(expectedSlope)), qPrintable(QString::number(v)));
    }
  }

  void geluKeepsNaNAndInfinityVisible() {
    const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
    std::vector<float> x(40, 1.0f);
    x[3] = nan;   // in a whole vector
    x[37] = nan;  // in the padded last one
    x[20] = inf;
    x[21] = -inf;
    std::vector<float> y(x.size()), slope(x.size());
    geluForward(y.data(), slope.data(), x.data(), x.size());
    QVERIFY(std::isnan(y[3]) && std::isnan(slope[3]));
    QVERIFY(std::isnan(y[37]) && std::isnan(slope[37]));
    QCOMPARE(y[20], inf);
    for (const int i : {20, 21}) {  // an infinite input never turns into a finite value or slope
      QVERIFY(!std::isfinite(slope[i]));
      if (i == 21) QVERIFY(!std::isfinite(y[i]));
    }
    QVERIFY(std::fabs(y[0] - 0.841192f) < 1e-5f);  // neighbours untouched
  }

  void geluDerivativeMatchesFiniteDifferences() {
    Rng rng(8);
    // Longer than one of geluForward's chunks, so that a chunk boundary is crossed.
    const auto x = randomVector(5000, rng, 3.0);
    std::vector<float> y(x.size()), slope(x.size()), up(1), down(1);
    geluForward(y.data(), slope.data(), x.data(), x.size());
    const float h = 1e-2f;
    for (std::size_t i = 0; i < x.size(); i += 97) {
      const float above = x[i] + h, below = x[i] - h;
      geluForward(up.data(), nullptr, &above, 1);
      geluForward(down.data(), nullptr, &below, 1);
      const double numeric = (double(up[0]) - double(down[0])) / (double(above) - double(below));
      QVERIFY2(std::fabs(slope[i] - numeric) < 2e-3, qPrintable(QString::number(x[i])));
    }
  }

  void geluBackwardMultipliesByTheSlope() {
    Rng rng(7);
    const int N = 4, C = 50;
    const auto x = randomVector(N * C, rng, 2.0);
    const auto probe = randomVector(x.size(), rng);
    std::vector<float> y(x.size()), slope(x.size()), dx(x.size());
    geluForward(y.data(), slope.data(), x.data(), x.size());
    geluBackward(dx.data(), nullptr, slope.data(), probe.data(), C, N, C);
    auto input = x;
    const auto loss = [&] {
      geluForward(y.data(), nullptr, input.data(), input.size());
      return dot(y.data(), probe);
    };
    QVERIFY(relativeError(dx, numericGradient(input, loss, 1e-3f)) < kGradientTolerance);
  }

  void geluBackwardAddsTheBiasGradient() {
    Rng rng(17);
    const int N = 37, C = 24;
    const auto slope = randomVector(N * C, rng), dy = randomVector(N * C, rng);
    std::vector<float> dx(N * C), dbias(C, 1.0f);
    geluBackward(dx.data(), dbias.data(), slope.data(), dy.data(), C, N, C);
    for (int c = 0; c < C; ++c) {
      double expected = 1.0;
      for (int n = 0; n < N; ++n) {
        QCOMPARE(dx[n * C + c], dy[n * C + c] * slope[n * C + c]);
        expected += dx[n * C + c];
      }
      QVERIFY(std::fabs(dbias[c] - expected) < 1e-4);
    }
  }

  void linearGeluForwardIsLinearThenGelu() {
    const int N = 9, In = 6, Out = 20;
    Rng rng(18);
    const auto x = randomVector(N * In, rng), w = randomVector(In * Out, rng), b = randomVector(Out, rng);
    std::vector<float> linear(N * Out), expected(N * Out), expectedSlope(N * Out), act(N * Out),
        slope(N * Out);
    linearForward(linear.data(), x.data(), In, w.data(), b.data(), N, In, Out);
    geluForward(expected.data(), expectedSlope.data(), linear.data(), expected.size());
    linearGeluForward(act.data(), slope.data(), Out, x.data(), w.data(), b.data(), N, In, Out);
    for (int i = 0; i < N * Out; ++i) {
      QVERIFY(std::fabs(act[i] - expected[i]) < 1e-5);
      QVERIFY(std::fabs(slope[i] - expectedSlope[i]) < 1e-5);
    }
  }

  void linearKernelsHonourRowStrides_data() { addLinearShapes(); }
  void linearKernelsHonourRowStrides() {
    QFETCH(int, In);
    QFETCH(int, Out);
    const int N = 6, ldIn = In + 3, ldOut = Out + 5;
    Rng rng(20);
    const auto x = randomVector(N * In, rng), w = randomVector(In * Out, rng), b = randomVector(Out, rng);
    const auto dy = randomVector(N * Out, rng);
    std::vector<float> out(N * Out), dx(N * In), dw(In * Out, 0.0f), db(Out, 0.0f);
    linearForward(out.data(), x.data(), In, w.data(), b.data(), N, In, Out);
    linearBackward(dx.data(), dw.data(), db.data(), dy.data(), Out, x.data(), In, w.data(), N, In, Out);

    const auto xs = withRowStride(x, N, In, ldIn), dys = withRowStride(dy, N, Out, ldOut);
    auto dxs = withRowStride(std::vector<float>(N * In), N, In, ldIn);
    std::vector<float> outs(N * Out), dws(In * Out, 0.0f), dbs(Out, 0.0f);
    linearForward(outs.data(), xs.data(), ldIn, w.data(), b.data(), N, In, Out);
    linearBackward(dxs.data(), dws.data(), dbs.data(), dys.data(), ldOut, xs.data(), ldIn, w.data(), N, In, Out);
    QVERIFY(closeTo(outs, out));
    QVERIFY(closeTo(withoutRowStride(dxs, N, In, ldIn), dx));
    QVERIFY(paddingIsIntact(dxs, N, In, ldIn));
    QVERIFY(closeTo(dws, dw));
    QVERIFY(closeTo(dbs, db));
  }

  void geluKernelsHonourTheRowStride() {
    const int N = 9, In = 6, Out = 20, ld = Out + 12;
    Rng rng(21);
    const auto x = randomVector(N * In, rng), w = randomVector(In * Out, rng), b = randomVector(Out, rng);
    const auto dy = randomVector(N * Out, rng);
    std::vector<float> act(N * Out), slope(N * Out), dx(N * Out), db(Out, 0.0f);
    linearGeluForward(act.data(), slope.data(), Out, x.data(), w.data(), b.data(), N, In, Out);
    geluBackward(dx.data(), db.data(), slope.data(), dy.data(), Out, N, Out);

    auto acts = withRowStride(act, N, Out, ld), slopes = acts, dxs = acts;
    const auto dys = withRowStride(dy, N, Out, ld);
    std::vector<float> dbs(Out, 0.0f);
    linearGeluForward(acts.data(), slopes.data(), ld, x.data(), w.data(), b.data(), N, In, Out);
    geluBackward(dxs.data(), dbs.data(), slopes.data(), dys.data(), ld, N, Out);
    QVERIFY(closeTo(withoutRowStride(acts, N, Out, ld), act));
    QVERIFY(closeTo(withoutRowStride(slopes, N, Out, ld), slope));
    QVERIFY(closeTo(withoutRowStride(dxs, N, Out, ld), dx));
    QVERIFY(closeTo(dbs, db));
    for (const auto* m : {&acts, &slopes, &dxs}) QVERIFY(paddingIsIntact(*m, N, Out, ld));
  }

  void columnSumsSkipTheRowPadding() {
    const int N = 40, C = 13, ld = 16;
    Rng rng(22);
    const auto x = randomVector(N * C, rng);
    std::vector<float> dense(C, 0.0f), strided(C, 0.0f);
    addColumnSums(dense.data(), x.data(), C, N, C);
    addColumnSums(strided.data(), withRowStride(x, N, C, ld).data(), ld, N, C);
    QCOMPARE(strided, dense);
  }

  void attentionBackwardWritesGradientRowsAtTheirStride() {
    const int C = 32, H = 2, ld = 3 * C + 16;
    PackedLayout p(H);
    Rng rng(23);
    const auto qkv = randomVector(static_cast<std::size_t>(p.rows()) * 3 * C, rng);
    const auto probe = randomVector(static_cast<std::size_t>(p.rows()) * C, rng);
    std::vector<float> out(p.rows() * C), probs(p.probOffsets.back());
    std::vector<float> scratch(attentionScratchPerThread(70, C / H) * currentThreads());
    attentionForward(out.data(), probs.data(), qkv.data(), p.layout, C, H, scratch.data());
    std::vector<float> dense(qkv.size());
    attentionBackward(dense.data(), 3 * C, probe.data(), qkv.data(), probs.data(), p.layout, C, H, scratch.data());
    auto strided = withRowStride(std::vector<float>(qkv.size()), p.rows(), 3 * C, ld);
    attentionBackward(strided.data(), ld, probe.data(), qkv.data(), probs.data(), p.layout, C, H, scratch.data());
    QCOMPARE(withoutRowStride(strided, p.rows(), 3 * C, ld), dense);
    QVERIFY(paddingIsIntact(strided, p.rows(), 3 * C, ld));
  }

  void floatBuffersStartOnACacheLine() {
    for (std::size_t size : {1, 17, 3200 * 512}) {
      const FloatBuffer buffer(size);
      QCOMPARE(reinterpret_cast<std::uintptr_t>(buffer.data()) % 64, std::uintptr_t{0});
    }
  }

  void columnSumsMatchANaiveSum() {
    const int N = 101, C = 45;
    Rng rng(19);
    const auto x = randomVector(N * C, rng);
    std::vector<float> sums(C, 2.0f);
    addColumnSums(sums.data(), x.data(), C, N, C);
    for (int c = 0; c < C; ++c) {
      double expected = 2.0;
      for (int n = 0; n < N; ++n) expected += x[n * C + c];
      QVERIFY(std::fabs(sums[c] - expected) < 1e-4);
    }
  }

  void attentionForwardMatchesNaiveAttentionWithinEachSequence_data() { addHeadWidths(); }
  void attentionForwardMatchesNaiveAttentionWithinEachSequence() {
    QFETCH(int, C);
    QFETCH(int, H);
    PackedLayout p(H);
    Rng rng(8);
    const auto qkv = randomVector(static_cast<std::size_t>(p.rows()) * 3 * C, rng);
    std::vector<float> out(p.rows() * C), probs(p.probOffsets.back());
    std::vector<float> scratch(attentionScratchPerThread(70, C / H) * currentThreads());
    attentionForward(out.data(), probs.data(), qkv.data(), p.layout, C, H, scratch.data());
    const auto expected = naiveAttention(qkv, p, C, H);
    for (std::size_t i = 0; i < out.size(); ++i) QVERIFY(std::fabs(out[i] - expected[i]) < 1e-5);
  }

  void attentionProbabilitiesAreCausalRowsSummingToOne() {
    const int C = 8, H = 2;
    PackedLayout p(H);
    Rng rng(9);
    const auto qkv = randomVector(static_cast<std::size_t>(p.rows()) * 3 * C, rng);
    std::vector<float> out(p.rows() * C), probs(p.probOffsets.back(), -1.0f);
    std::vector<float> scratch(attentionScratchPerThread(70, C / H) * currentThreads());
    attentionForward(out.data(), probs.data(), qkv.data(), p.layout, C, H, scratch.data());
    const int s = 3, T = 70, rows = attentionProbRows(T), stride = attentionProbStride(T);
    QVERIFY(rows >= T && stride >= T);
    for (int h = 0; h < H; ++h) {
      const float* P = probs.data() + p.probOffsets[s] + h * attentionProbFloats(T);
      for (int i = 0; i < rows; ++i) {
        double rowSum = 0;
        for (int j = 0; j < stride; ++j) {
          if (j > i || i >= T) QCOMPARE(P[i * stride + j], 0.0f);  // future keys and padding
          rowSum += P[i * stride + j];
        }
        if (i < T) QVERIFY(std::fabs(rowSum - 1.0) < 1e-5);
      }
    }
  }

  void attentionSoftmaxHoldsWhenScoresAreFarApart() {
    // Scaled scores more than 100 apart within a row: past exp's clamp, so the smallest weights
    // are approximations of zero; the output must still be naive attention's, and finite.
    const int C = 16, H = 2, D = C / H;
    PackedLayout p(H);
    Rng rng(12);
    auto qkv = randomVector(static_cast<std::size_t>(p.rows()) * 3 * C, rng);
    for (auto& v : qkv) v *= 12.0f;
    double widestRow = 0;  // in the 70-token sequence, head 0
    for (int i = 0; i < 70; ++i) {
      double low = 1e300, high = -1e300;
      for (int j = 0; j <= i; ++j) {
        double score = 0;
        for (int d = 0; d < D; ++d) {
          score += double(qkv[(12 + i) * 3 * C + d]) * qkv[(12 + j) * 3 * C + C + d];
        }
        low = std::min(low, score / std::sqrt(double(D)));
        high = std::max(high, score / std::sqrt(double(D)));
      }
      widestRow = std::max(widestRow, high - low);
    }
    QVERIFY(widestRow > 100);
    std::vector<float> out(p.rows() * C), probs(p.probOffsets.back());
    std::vector<float> scratch(attentionScratchPerThread(70, D) * currentThreads());
    attentionForward(out.data(), probs.data(), qkv.data(), p.layout, C, H, scratch.data());
    const auto expected = naiveAttention(qkv, p, C, H);
    for (std::size_t i = 0; i < out.size(); ++i) {
      QVERIFY(std::isfinite(out[i]));
      QVERIFY2(std::fabs(out[i] - expected[i]) < 1e-4 * 12,
               qPrintable(QString("%1 vs %2 at %3").arg(out[i]).arg(expected[i]).arg(i)));
    }
  }

  void attentionPassesNaNAndInfinityOnAsNaN_data() {
    QTest::addColumn<float>("poison");
    QTest::newRow("NaN") << std::numeric_limits<float>::quiet_NaN();
    QTest::newRow("infinity") << std::numeric_limits<float>::infinity();
  }
  void attentionPassesNaNAndInfinityOnAsNaN() {
    // A diverging run must show up as NaN, never as a quietly finite (uniform) attention row.
    QFETCH(float, poison);
    const int C = 16, H = 2;
    PackedLayout p(H);
    Rng rng(13);
    auto qkv = randomVector(static_cast<std::size_t>(p.rows()) * 3 * C, rng);
    const int query = 12 + 40;  // row 40 of the 70-token sequence
    qkv[static_cast<std::size_t>(query) * 3 * C] = poison;  // its query, head 0
    std::vector<float> out(p.rows() * C), probs(p.probOffsets.back());
    std::vector<float> scratch(attentionScratchPerThread(70, C / H) * currentThreads());
    attentionForward(out.data(), probs.data(), qkv.data(), p.layout, C, H, scratch.data());
    QVERIFY(std::isnan(out[static_cast<std::size_t>(query) * C]));         // head 0 of that row
    QVERIFY(std::isfinite(out[static_cast<std::size_t>(query) * C + C / H]));  // head 1 untouched
    QVERIFY(std::isfinite(out[static_cast<std::size_t>(query - 1) * C]));      // earlier rows too
  }

  void attentionBackwardMatchesFiniteDifferences_data() { addHeadWidths(); }
  void attentionBackwardMatchesFiniteDifferences() {
    QFETCH(int, C);
    QFETCH(int, H);
    PackedLayout p(H);
    Rng rng(10);
    auto qkv = randomVector(static_cast<std::size_t>(p.rows()) * 3 * C, rng);
    const auto probe = randomVector(static_cast<std::size_t>(p.rows()) * C, rng);
    std::vector<float> out(p.rows() * C), probs(p.probOffsets.back());
    std::vector<float> scratch(attentionScratchPerThread(70, C / H) * currentThreads());
    const auto loss = [&] {
      attentionForward(out.data(), probs.data(), qkv.data(), p.layout, C, H, scratch.data());
      return dot(out.data(), probe);
    };
    loss();
    std::vector<float> dqkv(qkv.size(), 0.0f);
    attentionBackward(dqkv.data(), 3 * C, probe.data(), qkv.data(), probs.data(), p.layout, C, H, scratch.data());
    QVERIFY(relativeError(dqkv, numericGradient(qkv, loss)) < kGradientTolerance);
  }

  void softmaxCrossEntropyMatchesItsDefinition() {
    const int R = 4, O = 5;
    Rng rng(11);
    const auto logits = randomVector(R * O, rng, 3.0);
    const std::vector<int> targets{0, 4, 2, 2};
    std::vector<float> dlogits(R * O), rowLoss(R);
    const double loss = softmaxCrossEntropy(dlogits.data(), rowLoss.data(), logits.data(), targets.data(), R, O);
    double expected = 0;
    for (int r = 0; r < R; ++r) {
      double total = 0;
      for (int k = 0; k < O; ++k) total += std::exp(double(logits[r * O + k]));
      expected += -std::log(std::exp(double(logits[r * O + targets[r]])) / total);
    }
    QVERIFY(std::fabs(loss - expected / R) < 1e-5);
  }

  void softmaxCrossEntropyGradientMatchesFiniteDifferences() {
    const int R = 4, O = 5;
    Rng rng(12);
    auto logits = randomVector(R * O, rng, 2.0);
    const std::vector<int> targets{1, 3, 0, 4};
    std::vector<float> dlogits(R * O), rowLoss(R), scratch(R * O);
    softmaxCrossEntropy(dlogits.data(), rowLoss.data(), logits.data(), targets.data(), R, O);
    const auto loss = [&] {
      return softmaxCrossEntropy(scratch.data(), rowLoss.data(), logits.data(), targets.data(), R, O);
    };
    QVERIFY(relativeError(dlogits, numericGradient(logits, loss)) < kGradientTolerance);
  }

  void sigmoidBinaryCrossEntropyMatchesItsDefinitionAndGradient() {
    const int R = 3, O = 4;
    Rng rng(13);
    auto logits = randomVector(R * O, rng, 3.0);
    const std::vector<std::uint8_t> labels{1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 1, 0};
    std::vector<float> dlogits(R * O), rowLoss(R), scratch(R * O);
    const double loss = sigmoidBinaryCrossEntropy(dlogits.data(), rowLoss.data(), logits.data(), labels.data(), R, O);
    double expected = 0;
    for (int i = 0; i < R * O; ++i) {
      const double p = 1 / (1 + std::exp(-double(logits[i])));
      expected += labels[i] ? -std::log(p) : -std::log(1 - p);
    }
    QVERIFY(std::fabs(loss - expected / (R * O)) < 1e-5);
    const auto lossFn = [&] {
      return sigmoidBinaryCrossEntropy(scratch.data(), rowLoss.data(), logits.data(), labels.data(), R, O);
    };
    QVERIFY(relativeError(dlogits, numericGradient(logits, lossFn)) < kGradientTolerance);
  }

  void sigmoidBinaryCrossEntropyStaysFiniteForHugeLogits() {
    const std::vector<float> logits{200.0f, -200.0f};
    const std::vector<std::uint8_t> labels{0, 1};
    std::vector<float> dlogits(2), rowLoss(1);
    const double loss = sigmoidBinaryCrossEntropy(dlogits.data(), rowLoss.data(), logits.data(), labels.data(), 1, 2);
    QVERIFY(std::isfinite(loss));
    QVERIFY(std::fabs(loss - 200.0) < 1e-3);
  }

  void embeddingBackwardScattersIntoRepeatedTokensAndPositions() {
    const int N = 4, C = 3, V = 2, P = 3;
    const std::vector<int> tokens{1, 0, 1, 1}, positions{0, 1, 2, 0};
    Rng rng(14);
    const auto dout = randomVector(N * C, rng);
    std::vector<float> dwte(V * C, 0.0f), dwpe(P * C, 0.0f);
    embeddingBackward(dwte.data(), dwpe.data(), dout.data(), C, tokens.data(), positions.data(), N, C);
    for (int c = 0; c < C; ++c) {
      QVERIFY(std::fabs(dwte[1 * C + c] - (dout[0 * C + c] + dout[2 * C + c] + dout[3 * C + c])) < 1e-6);
      QVERIFY(std::fabs(dwte[0 * C + c] - dout[1 * C + c]) < 1e-6);
      QVERIFY(std::fabs(dwpe[0 * C + c] - (dout[0 * C + c] + dout[3 * C + c])) < 1e-6);
    }
  }

  void embeddingBackwardHonoursTheRowStride() {
    const int N = 6, C = 5, V = 3, P = 4, ld = C + 3;
    const std::vector<int> tokens{2, 0, 2, 1, 0, 2}, positions{0, 1, 2, 3, 0, 1};
    Rng rng(25);
    const auto dout = randomVector(N * C, rng);
    std::vector<float> dwte(V * C, 0.0f), dwpe(P * C, 0.0f), dwtes(V * C, 0.0f), dwpes(P * C, 0.0f);
    embeddingBackward(dwte.data(), dwpe.data(), dout.data(), C, tokens.data(), positions.data(), N, C);
    embeddingBackward(dwtes.data(), dwpes.data(), withRowStride(dout, N, C, ld).data(), ld, tokens.data(),
                      positions.data(), N, C);
    QCOMPARE(dwtes, dwte);
    QCOMPARE(dwpes, dwpe);
  }

  void kernelsGiveTheSameBitsWithOneOrTwoThreads() {
    const int C = 8, H = 2;
    PackedLayout p(H);
    Rng rng(15);
    const auto qkv = randomVector(static_cast<std::size_t>(p.rows()) * 3 * C, rng);
    const auto probe = randomVector(static_cast<std::size_t>(p.rows()) * C, rng);
    std::vector<float> probs(p.probOffsets.back()), scratch(attentionScratchPerThread(70, C / H) * 2);
    const auto run = [&](int threads) {
      useThreads(threads);
      std::vector<float> out(p.rows() * C), dqkv(qkv.size());
      attentionForward(out.data(), probs.data(), qkv.data(), p.layout, C, H, scratch.data());
      attentionBackward(dqkv.data(), 3 * C, probe.data(), qkv.data(), probs.data(), p.layout, C, H, scratch.data());
      out.insert(out.end(), dqkv.begin(), dqkv.end());
      return out;
    };
    const auto one = run(1), two = run(2);
    useThreads(2);
    QCOMPARE(one, two);
  }
};

QTEST_APPLESS_MAIN(TestKernels)
#include "tst_kernels.moc"
