#include "experiment_json.h"

#include "sequence_codec.h"
#include "verdict.h"

#include <QJsonArray>

namespace lengthlab {
namespace {

QJsonArray rangeArray(const std::vector<LengthRange>& ranges) {
  QJsonArray array;
  for (const auto& r : ranges) array.append(QJsonArray{r.lo, r.hi});
  return array;
}

QJsonArray stringArray(const std::vector<std::string>& items) {
  QJsonArray array;
  for (const auto& s : items) array.append(QString::fromStdString(s));
  return array;
}

// Field access that names the field when it is missing or of the wrong type.
class Reader {
 public:
  Reader(const QJsonObject& object, QString where) : m_object(object), m_where(std::move(where)) {}

  QJsonValue require(const QString& key) const {
    const QJsonValue v = m_object.value(key);
    if (v.isUndefined() || v.isNull()) throw RunFormatError(m_where + " has no \"" + key + "\"");
    return v;
  }
  double number(const QString& key) const {
    const QJsonValue v = require(key);
    if (!v.isDouble()) throw RunFormatError(m_where + ": \"" + key + "\" is not a number");
    return v.toDouble();
  }
  long integer(const QString& key) const {
    const double v = number(key);
    if (v != static_cast<double>(static_cast<long>(v))) {
      throw RunFormatError(m_where + ": \"" + key + "\" is not a whole number");
    }
    return static_cast<long>(v);
  }
  bool boolean(const QString& key) const {
    const QJsonValue v = require(key);
    if (!v.isBool()) throw RunFormatError(m_where + ": \"" + key + "\" is not true or false");
    return v.toBool();
  }
  QString string(const QString& key) const {
    const QJsonValue v = require(key);
    if (!v.isString()) throw RunFormatError(m_where + ": \"" + key + "\" is not a string");
    return v.toString();
  }
  Reader object(const QString& key) const {
    const QJsonValue v = require(key);
    if (!v.isObject()) throw RunFormatError(m_where + ": \"" + key + "\" is not an object");
    return Reader(v.toObject(), m_where + "." + key);
  }
  std::vector<LengthRange> ranges(const QString& key) const {
    const QJsonValue v = require(key);
    std::vector<LengthRange> out;
    for (const auto& item : v.toArray()) {
      const QJsonArray pair = item.toArray();
      if (pair.size() != 2 || !pair[0].isDouble() || !pair[1].isDouble()) {
        throw RunFormatError(m_where + ": \"" + key + "\" must hold [lo, hi] pairs");
      }
      out.push_back({pair[0].toInt(), pair[1].toInt()});
    }
    return out;
  }

 private:
  QJsonObject m_object;
  QString m_where;
};

}  // namespace

TrainingConfig defaultTrainingConfig(const Task& task, PositionalEncoding positional) {
  TrainingConfig c;
  c.task = task.id();
  c.positional = positional;
  const ModelPreset& preset =
      positional == PositionalEncoding::Nope ? task.info().presetNope : task.info().presetApe;
  c.layers = preset.layers;
  c.heads = preset.heads;
  c.dModel = preset.dModel;
  c.learningRate = preset.learningRate;
  // The paper's train range starts at 1; a task whose shortest example is longer starts there.
  while (!task.hasLength(c.train.lo) && c.train.lo < c.train.hi) ++c.train.lo;
  return c;
}

QJsonObject configToJson(const TrainingConfig& c, const Task& task) {
  const SequenceCodec codec(task);
  const ModelConfig m = modelConfigFor(c, task);
  QJsonObject training{
      {"train_lengths", QJsonArray{c.train.lo, c.train.hi}},
      {"test_bins", rangeArray(c.testBins)},
      {"learning_rate", c.learningRate},
      {"batch_size", c.batchSize},
      {"steps", static_cast<qint64>(c.steps)},
      {"reg_coef", c.regCoef},
      {"seed", QString::number(c.seed)},  // a string: JSON numbers lose 64-bit integers
      {"threads", c.threads},
      {"eval_every", static_cast<qint64>(c.evalEvery)},
      {"eval_count", c.evalCount},
      {"early_stop", c.earlyStop},
      {"random_offsets", c.randomOffsets},
      {"optimizer", QJsonObject{{"name", "adamw"},
                                {"beta1", c.optimizer.beta1},
                                {"beta2", c.optimizer.beta2},
                                {"epsilon", c.optimizer.epsilon},
                                {"weight_decay", c.optimizer.weightDecay},
                                {"clip_norm", c.optimizer.clipNorm},
                                {"schedule", "linear decay to 0, no warmup"}}},
  };
  QJsonObject model{
      {"layers", m.layers},         {"heads", m.heads},
      {"d_model", m.dModel},        {"positions", m.positions},
      {"positional", QString::fromUtf8(positionalEncodingId(m.positional).data())},
      {"vocab_size", m.vocabSize},  {"output_size", m.outputSize},
      {"tied_head", m.tiedHead},
      {"loss", m.loss == OutputLoss::SigmoidBinary ? "sigmoid_bce" : "softmax_cross_entropy"},
  };
  QJsonObject json{
      {"format", "lengthlab-run"},
      {"format_version", 1},
      {"task", QString::fromStdString(task.id())},
      {"family", QString::fromUtf8(familyId(task.family()).data())},
      {"vocabulary", stringArray(codec.tokenNames())},
      {"outputs", stringArray(codec.outputNames())},
      {"model", model},
      {"training", training},
      // Hugging Face GPT-2 configuration keys (ignored by LengthLab when reading).
      {"model_type", "gpt2"},
      {"architectures", QJsonArray{"GPT2LMHeadModel"}},
      {"n_layer", m.layers},
      {"n_head", m.heads},
      {"n_embd", m.dModel},
      {"n_positions", m.positions},
      {"vocab_size", m.vocabSize},
      {"activation_function", "gelu_new"},
      {"layer_norm_epsilon", 1e-5},
      {"tie_word_embeddings", m.tiedHead},
      {"resid_pdrop", 0.0},
      {"embd_pdrop", 0.0},
      {"attn_pdrop", 0.0},
      {"bos_token_id", codec.bos()},
  };
  if (codec.eos() >= 0) json.insert("eos_token_id", codec.eos());
  return json;
}

TrainingConfig configFromJson(const QJsonObject& json) {
  const Reader root(json, "config.json");
  if (json.value("format").toString() != "lengthlab-run") {
    throw RunFormatError("config.json is not a LengthLab run configuration (no \"format\": \"lengthlab-run\")");
  }
  TrainingConfig c;
  c.task = root.string("task").toStdString();
  const Reader model = root.object("model");
  c.layers = static_cast<int>(model.integer("layers"));
  c.heads = static_cast<int>(model.integer("heads"));
  c.dModel = static_cast<int>(model.integer("d_model"));
  const auto positional = parsePositionalEncoding(model.string("positional").toStdString());
  if (!positional) throw RunFormatError("config.json: model.positional must be ape, nope or ape-reg");
  c.positional = *positional;
  const Reader training = root.object("training");
  const auto train = training.require("train_lengths").toArray();
  if (train.size() != 2) throw RunFormatError("config.json: training.train_lengths must be [lo, hi]");
  c.train = {train[0].toInt(), train[1].toInt()};
  c.testBins = training.ranges("test_bins");
  c.learningRate = training.number("learning_rate");
  c.batchSize = static_cast<int>(training.integer("batch_size"));
  c.steps = training.integer("steps");
  c.regCoef = training.number("reg_coef");
  bool seedOk = false;
  c.seed = training.string("seed").toULongLong(&seedOk);
  if (!seedOk) throw RunFormatError("config.json: training.seed is not a whole number");
  c.threads = static_cast<int>(training.integer("threads"));
  c.evalEvery = training.integer("eval_every");
  c.evalCount = static_cast<int>(training.integer("eval_count"));
  c.earlyStop = training.boolean("early_stop");
  c.randomOffsets = training.boolean("random_offsets");
  const Reader optimizer = training.object("optimizer");
  c.optimizer.beta1 = optimizer.number("beta1");
  c.optimizer.beta2 = optimizer.number("beta2");
  c.optimizer.epsilon = optimizer.number("epsilon");
  c.optimizer.weightDecay = optimizer.number("weight_decay");
  c.optimizer.clipNorm = optimizer.number("clip_norm");
  return c;
}

QJsonObject evaluationToJson(const EvaluationResult& result) {
  QJsonArray bins;
  for (const auto& b : result.bins) {
    bins.append(QJsonObject{{"lo", b.bin.lo},
                            {"hi", b.bin.hi},
                            {"accuracy", b.tally.accuracy()},
                            {"correct", b.tally.correct},
                            {"total", b.tally.total}});
  }
  QJsonObject byLength;
  for (const auto& l : result.lengths) byLength.insert(QString::number(l.length), l.tally.accuracy());
  return QJsonObject{{"step", static_cast<qint64>(result.step)}, {"bins", bins}, {"by_length", byLength}};
}

std::optional<double> inDistributionAccuracy(const EvaluationResult& result, const TrainingConfig& config) {
  long correct = 0, total = 0;
  for (const auto& bin : result.bins) {
    if (bin.bin.lo < config.train.lo || bin.bin.hi > config.train.hi) continue;
    correct += bin.tally.correct;
    total += bin.tally.total;
  }
  if (total == 0) return std::nullopt;
  return static_cast<double>(correct) / static_cast<double>(total);
}

QJsonObject verdictToJson(const EvaluationResult& result, const TrainingConfig& config, const Task& task) {
  const std::optional<double> inDistribution = inDistributionAccuracy(result, config);
  for (const auto& bin : result.bins) {
    if (bin.bin.lo <= config.train.hi) continue;
    const double baseline = task.info().randomBaseline;
    const bool predicted = config.positional == PositionalEncoding::Nope ? task.info().craspNope
                                                                           : task.info().craspApe;
    const double normalized = normalizedAccuracy(bin.tally.accuracy(), baseline);
    const bool observed = normalized >= kGeneralizationThreshold;
    QJsonObject verdict{{"bin", QJsonArray{bin.bin.lo, bin.bin.hi}},
                        {"accuracy", bin.tally.accuracy()},
                        {"random_baseline", baseline},
                        {"normalized_accuracy", normalized},
                        {"threshold", kGeneralizationThreshold},
                        {"generalizes", observed},
                        {"theory_predicts_generalization", predicted},
                        {"agrees_with_theory", observed == predicted},
                        {"learned_threshold", kLearnedThreshold},
                        {"training_lengths_learned", !inDistribution || learnedTrainingLengths(*inDistribution)}};
    if (inDistribution) verdict.insert("in_distribution_accuracy", *inDistribution);
    return verdict;
  }
  return {};
}

}  // namespace lengthlab
