// lengthlab-cli inspect: run a trained model on one input and show what it predicts and where
// every head attends. Algorithmic tasks are decoded greedily after <bos> input <sep>; formal
// languages get their continuation bits at every prefix.
#include "cli_common.h"

#include "inspection.h"
#include "run_folder.h"
#include "sequence_codec.h"

#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>

namespace lengthlab::cli {
namespace {

QJsonArray names(const std::vector<int>& ids, const std::vector<std::string>& vocabulary) {
  QJsonArray array;
  for (int id : ids) array.append(QString::fromStdString(vocabulary[static_cast<std::size_t>(id)]));
  return array;
}

QString joined(const QJsonArray& array) {
  QStringList parts;
  for (const auto& v : array) parts << v.toString();
  return parts.join(' ');
}

// The output units whose bit is on in row r of a [T x O] matrix of logits or labels.
template <typename T, typename On>
QJsonArray activeUnits(const T* row, int O, const std::vector<std::string>& outputs, On on) {
  QJsonArray active;
  for (int k = 0; k < O; ++k) {
    if (on(row[k])) active.append(QString::fromStdString(outputs[static_cast<std::size_t>(k)]));
  }
  return active;
}

}  // namespace

int runInspectCommand(const QStringList& arguments) {
  QCommandLineParser parser;
  parser.setApplicationDescription("Run a trained model on one input: predictions, logits and attention.");
  parser.addOptions({{"run", "A run folder written by `lengthlab-cli train`.", "dir"},
                     {"input", "The input symbols, separated by spaces (e.g. \"0 1 1 0\").", "symbols"},
                     {"json", "Print JSON: tokens, predictions, logits and attention[layer][head][query][key]."}});
  if (!parseOrThrow(parser, arguments)) return kExitOk;
  if (!parser.isSet("run")) throw UsageError("--run DIR is required");
  if (!parser.isSet("input")) throw UsageError("--input is required, e.g. --input \"0 1 1 0\"");

  LoadedRun run;
  try {
    run = loadRun(parser.value("run"));
  } catch (const RunIoError& e) {
    throw UsageError("--run: " + QString::fromUtf8(e.what()));
  }
  const Task& task = *run.task;
  const SequenceCodec codec(task);
  std::vector<int> input;
  try {
    input = codec.parseSymbols(parser.value("input").toStdString());
  } catch (const std::invalid_argument& e) {
    throw UsageError("--input: " + QString::fromUtf8(e.what()));
  }
  const Transformer& model = *run.model;
  const int n = static_cast<int>(input.size());
  const int needed = codec.maxSequenceLength(n);
  if (model.config().hasPositionTable() && needed > model.config().positions) {
    throw UsageError(QString("--input: an input of length %1 needs %2 positions, but this model's position "
                             "table has %3 (it was sized for test lengths up to %4)")
                         .arg(n).arg(needed).arg(model.config().positions).arg(run.config.testBins.back().hi));
  }

  Workspace ws;
  const auto& vocabulary = codec.tokenNames();
  const auto& outputs = codec.outputNames();
  const std::optional<Example> expected = task.complete(input);
  std::vector<int> seen = codec.encodePrompt(input);
  QJsonObject json{{"task", QString::fromStdString(task.id())}, {"input", names(input, task.info().alphabet)}};
  QString humanAnswer;
  if (!codec.multiLabel()) {
    const int promptLength = static_cast<int>(seen.size());
    const std::vector<int> decoded =
        greedyDecode(model, seen, codec.eos(), task.maxOutputLength(n) + 1, ws);
    const std::vector<int> answer(decoded.begin() + promptLength, decoded.end());
    // The model consumed every token but the last one it produced.
    seen.assign(decoded.begin(), decoded.end() - 1);
    json.insert("output", names(answer, vocabulary));
    if (expected) {
      std::vector<int> target = expected->output;
      target.push_back(codec.eos());
      json.insert("expected", names(target, vocabulary));
      json.insert("correct", answer == target);
    }
    humanAnswer = "model output: " + joined(names(answer, vocabulary));
    if (expected) {
      humanAnswer += QString("\nexpected:     %1\n%2").arg(joined(json["expected"].toArray()),
                                                        json["correct"].toBool() ? "correct" : "wrong");
    }
  }
  const SequenceInspection inspection = inspectSequence(model, seen, ws);
  const int T = inspection.length, O = inspection.outputs;
  QJsonArray predictions, logits;
  for (int t = 0; t < T; ++t) {
    const float* row = inspection.logits.data() + static_cast<std::size_t>(t) * O;
    if (codec.multiLabel()) {
      predictions.append(activeUnits(row, O, outputs, [](float z) { return z > 0.0f; }));
    } else {
      predictions.append(QString::fromStdString(outputs[static_cast<std::size_t>(std::max_element(row, row + O) - row)]));
    }
    QJsonArray values;
    for (int k = 0; k < O; ++k) values.append(row[k]);
    logits.append(values);
  }
  if (codec.multiLabel() && expected) {
    QJsonArray targets;
    bool allRight = true;
    for (int t = 0; t < T; ++t) {
      const std::uint8_t* row = expected->continuations.data() + static_cast<std::size_t>(t) * O;
      targets.append(activeUnits(row, O, outputs, [](std::uint8_t bit) { return bit != 0; }));
      allRight = allRight && targets.last() == predictions[t];
    }
    json.insert("expected", targets);
    json.insert("correct", allRight);
    QStringList lines;
    for (int t = 0; t < T; ++t) {
      lines << QString("after %1: predicted {%2}, expected {%3}")
                   .arg(t == 0 ? QString("the empty prefix") : "\"" + joined(names({input.begin(), input.begin() + t}, task.info().alphabet)) + "\"")
                   .arg(joined(predictions[t].toArray()).replace(' ', ','))
                   .arg(joined(targets[t].toArray()).replace(' ', ','));
    }
    humanAnswer = lines.join('\n') + (allRight ? "\ncorrect at every prefix" : "\nwrong at some prefix");
  }
  QJsonArray attention;
  for (int l = 0; l < inspection.layers; ++l) {
    QJsonArray layer;
    for (int h = 0; h < inspection.heads; ++h) {
      const float* map = inspection.attentionMap(l, h);
      QJsonArray rows;
      for (int i = 0; i < T; ++i) {
        QJsonArray row;
        for (int j = 0; j < T; ++j) row.append(map[static_cast<std::size_t>(i) * T + j]);
        rows.append(row);
      }
      layer.append(rows);
    }
    attention.append(layer);
  }
  json.insert("tokens", names(seen, vocabulary));
  json.insert("predictions", predictions);
  json.insert("logits", logits);
  json.insert("attention", attention);
  if (parser.isSet("json")) {
    printJson(QJsonDocument(json));
  } else {
    printLine("task " + QString::fromStdString(task.id()) + ", model input: " + joined(json["tokens"].toArray()));
    printLine(humanAnswer);
  }
  return kExitOk;
}

}  // namespace lengthlab::cli
