// lengthlab-bench: the speed of one training step (forward + backward + AdamW) on the standard
// configuration of the PyTorch reference (../shared/bench/torch_baseline.py): batch 32, length
// 100, width 128, 2 layers, 4 heads, vocabulary 30, learned positions, untied head,
// cross-entropy over every position, synthetic tokens. Prints median / p10 / p90 ms per step over
// the timed steps, GFLOP/s (the reference's FLOP count), the share of each phase and of matrix
// products, and memory; --sweep adds how the step time grows with length and width.
// A benchmark, not a test: CTest never runs it.
#include "adamw.h"
#include "data_parallel_step.h"
#include "matmul.h"
#include "parallel.h"
#include "transformer.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

using namespace lengthlab;

namespace {

struct Shape {
  int B = 32, T = 100, C = 128, layers = 2, heads = 4, vocab = 30;
};

struct Result {
  Shape shape;
  int threads = 1;
  int shards = 1;  // data-parallel shards per step (1: the kernels split instead)
  int steps = 0;
  double medianMs = 0, p10Ms = 0, p90Ms = 0;
  double forwardMs = 0, backwardMs = 0, optimizerMs = 0;  // medians per phase
  double matmulShare = 0;                                 // of the whole step
  double gflops = 0;
  double modelMegabytes = 0, peakRssMegabytes = 0;
  double finalLoss = 0;
};

// The reference's count: matrix-product FLOPs of one step, attention counted dense.
double trainFlops(const Shape& s) {
  const double N = double(s.B) * s.T;
  const double forward = s.layers * (2 * N * 12 * s.C * s.C + 2.0 * 2 * s.B * double(s.T) * s.T * s.C) +
                         2 * N * s.C * s.vocab;
  return 3 * forward;
}

double percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double position = q * (v.size() - 1);
  const auto lower = static_cast<std::size_t>(position);
  const std::size_t upper = std::min(lower + 1, v.size() - 1);
  return v[lower] + (v[upper] - v[lower]) * (position - lower);
}

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

Result run(const Shape& s, int threads, int warmup, int steps) {
  useThreads(threads);
  ModelConfig config;
  config.vocabSize = config.outputSize = s.vocab;
  config.tiedHead = false;
  config.layers = s.layers;
  config.heads = s.heads;
  config.dModel = s.C;
  config.positions = s.T;
  Transformer model(config);
  Rng rng(0);
  model.initialize(rng);
  AdamWSettings settings;
  settings.weightDecay = 0.0;  // the reference uses plain Adam
  AdamW optimizer(model.layout(), settings);

  Rng data(1);
  Batch batch;
  batch.clear(s.vocab);
  for (int b = 0; b < s.B; ++b) {
    EncodedSequence sequence;
    for (int t = 0; t < s.T; ++t) {
      sequence.tokens.push_back(static_cast<int>(data.uniformInt(0, s.vocab - 1)));
      sequence.targets.push_back(static_cast<int>(data.uniformInt(0, s.vocab - 1)));
    }
    batch.add(sequence, 0);
  }
  batch.alignRows(0);

  DataParallelStep step;
  std::vector<double> total, forward, backward, update, matmulTime;
  setMatmulTiming(true);
  double loss = 0;
  for (int i = 0; i < warmup + steps; ++i) {
    resetMatmulSeconds();
    const auto start = std::chrono::steady_clock::now();
    loss = step.run(model, batch);
    const double tForward = step.lastTiming().forwardSeconds;
    const double tBackward = secondsSince(start) - tForward;
    optimizer.step(model.parameters(), model.gradients(), 3e-4);
    const double tTotal = secondsSince(start);
    if (i < warmup) continue;
    total.push_back(tTotal);
    forward.push_back(tForward);
    backward.push_back(tBackward);
    update.push_back(tTotal - tForward - tBackward);
    matmulTime.push_back(matmulSeconds());
  }
  setMatmulTiming(false);
  Result r;
  r.shape = s;
  r.threads = currentThreads();
  r.shards = step.lastShardCount();
  r.steps = steps;
  r.medianMs = percentile(total, 0.5) * 1e3;
  r.p10Ms = percentile(total, 0.1) * 1e3;
  r.p90Ms = percentile(total, 0.9) * 1e3;
  r.forwardMs = percentile(forward, 0.5) * 1e3;
  r.backwardMs = percentile(backward, 0.5) * 1e3;
  r.optimizerMs = percentile(update, 0.5) * 1e3;
  double matmulSum = 0, totalSum = 0;
  for (std::size_t i = 0; i < total.size(); ++i) {
    matmulSum += matmulTime[i];
    totalSum += total[i];
  }
  r.matmulShare = matmulSum / totalSum;
  r.gflops = trainFlops(s) / (r.medianMs / 1e3) / 1e9;
  r.modelMegabytes = (model.parameters().size() * 4 * sizeof(float) + step.bytes()) / 1048576.0;
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  r.peakRssMegabytes = usage.ru_maxrss / 1024.0;
  r.finalLoss = loss;
  return r;
}

QString describe(const Shape& s) {
  return QString("B=%1 T=%2 C=%3 L=%4 H=%5 V=%6").arg(s.B).arg(s.T).arg(s.C).arg(s.layers).arg(s.heads).arg(s.vocab);
}

void print(const Result& r) {
  const QString split = r.shards > 1 ? QString("batch split into %1 shards, one per thread (phases and "
                                                "product share: the calling thread's shard)").arg(r.shards)
                        : r.threads > 1 ? QString("every kernel split across the threads")
                                        : QString("one thread");
  std::printf("lengthlab threads=%d %s, %s\n", r.threads, qPrintable(describe(r.shape)),
              qPrintable(split));
  std::printf("step median %.2f ms (p10 %.2f, p90 %.2f) over %d steps -> %.2f steps/s, %.0f tokens/s, "
              "%.1f GFLOP/s (%.2f GFLOP/step), final loss %.4f\n",
              r.medianMs, r.p10Ms, r.p90Ms, r.steps, 1e3 / r.medianMs,
              r.shape.B * r.shape.T / (r.medianMs / 1e3), r.gflops, trainFlops(r.shape) / 1e9, r.finalLoss);
  const double phases = r.forwardMs + r.backwardMs + r.optimizerMs;
  std::printf("phases (median ms): forward %.2f (%.0f%%), backward %.2f (%.0f%%), optimiser %.2f (%.0f%%); "
              "matrix products %.0f%% of the step, everything else %.0f%%\n",
              r.forwardMs, 100 * r.forwardMs / phases, r.backwardMs, 100 * r.backwardMs / phases,
              r.optimizerMs, 100 * r.optimizerMs / phases, 100 * r.matmulShare, 100 * (1 - r.matmulShare));
  std::printf("memory: model, gradients, moments and activations %.1f MiB; process peak %.1f MiB\n",
              r.modelMegabytes, r.peakRssMegabytes);
}

QJsonObject toJson(const Result& r) {
  return QJsonObject{{"impl", "lengthlab"}, {"threads", r.threads}, {"shards", r.shards},
                     {"B", r.shape.B}, {"T", r.shape.T},
                     {"C", r.shape.C}, {"layers", r.shape.layers}, {"heads", r.shape.heads},
                     {"vocab", r.shape.vocab}, {"median_ms", r.medianMs}, {"p10_ms", r.p10Ms},
                     {"p90_ms", r.p90Ms}, {"gflops", r.gflops}, {"steps", r.steps},
                     {"forward_ms", r.forwardMs}, {"backward_ms", r.backwardMs},
                     {"optimizer_ms", r.optimizerMs}, {"matmul_share", r.matmulShare},
                     {"model_mib", r.modelMegabytes}, {"peak_rss_mib", r.peakRssMegabytes}};
}

}  // namespace

int main(int argc, char** argv) {
  QCoreApplication app(argc, argv);
  QCommandLineParser parser;
  parser.setApplicationDescription("Training-step benchmark of LengthLab's engine.");
  parser.addHelpOption();
  parser.addOptions({{"B", "Batch size.", "n", "32"},
                     {"T", "Sequence length.", "n", "100"},
                     {"C", "Model width.", "n", "128"},
                     {"layers", "Layers.", "n", "2"},
                     {"heads", "Heads.", "n", "4"},
                     {"vocab", "Vocabulary.", "n", "30"},
                     {"threads", "Threads.", "n", "1"},
                     {"warmup", "Untimed steps first.", "n", "5"},
                     {"steps", "Timed steps (at least 50 for the report).", "n", "50"},
                     {"sweep", "Also time lengths 100/200/300 and widths 64/128/256."},
                     {"json", "Print one JSON line with the figures last."}});
  parser.process(app);
  const auto number = [&](const char* name) { return parser.value(name).toInt(); };
  Shape shape{number("B"), number("T"), number("C"), number("layers"), number("heads"), number("vocab")};
  if (shape.B < 1 || shape.T < 1 || shape.C < 1 || shape.layers < 1 || shape.heads < 1 || shape.vocab < 1 ||
      shape.C % shape.heads != 0 || number("steps") < 1 || number("threads") < 0) {
    std::fprintf(stderr, "lengthlab-bench: every size must be >= 1 and C divisible by heads\n");
    return 2;
  }
  const Result main = run(shape, number("threads"), number("warmup"), number("steps"));
  print(main);
  if (parser.isSet("sweep")) {
    std::printf("\nscaling (median ms per step, %d threads):\n", main.threads);
    for (int T : {100, 200, 300}) {
      Shape s = shape;
      s.T = T;
      const Result r = run(s, number("threads"), 3, std::max(10, number("steps") / 3));
      std::printf("  length %3d: %8.2f ms  (%.1f GFLOP/s)\n", T, r.medianMs, r.gflops);
    }
    for (int C : {64, 128, 256}) {
      Shape s = shape;
      s.C = C;
      const Result r = run(s, number("threads"), 3, std::max(10, number("steps") / 3));
      std::printf("  width  %3d: %8.2f ms  (%.1f GFLOP/s)\n", C, r.medianMs, r.gflops);
    }
  }
  if (parser.isSet("json")) {
    std::printf("%s\n", QJsonDocument(toJson(main)).toJson(QJsonDocument::Compact).constData());
  }
  return 0;
}
