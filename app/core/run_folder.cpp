#include "run_folder.h"

#include "experiment_json.h"
#include "safetensors.h"
#include "task_registry.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>

namespace lengthlab {

void RunFolder::checkCanCreate(const QString& dir) {
  if (dir.trimmed().isEmpty()) throw RunIoError("the output folder name is empty");
  const QFileInfo info(dir);
  if (info.exists()) {
    if (!info.isDir()) throw RunIoError(dir + " exists and is not a folder");
    if (!QDir(dir).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System)) {
      throw RunIoError(dir + " already exists and is not empty; LengthLab never overwrites a run, "
                             "so choose a new folder");
    }
    if (!info.isWritable()) throw RunIoError(dir + " is not writable");
    return;
  }
  // Walk up to the nearest existing ancestor: that is where mkpath would start creating.
  QFileInfo ancestor(info.absoluteFilePath());
  while (!ancestor.exists()) {
    const QString parent = ancestor.absolutePath();
    if (parent == ancestor.absoluteFilePath()) break;
    ancestor = QFileInfo(parent);
  }
  if (!ancestor.isDir()) {
    throw RunIoError("cannot create " + dir + ": " + ancestor.absoluteFilePath() + " is not a folder");
  }
  if (!ancestor.isWritable()) {
    throw RunIoError("cannot create " + dir + ": " + ancestor.absoluteFilePath() + " is not writable");
  }
}

RunFolder::RunFolder(const QString& dir, const TrainingConfig& config, const Task& task)
    : m_dir(QDir(dir).absolutePath()) {
  checkCanCreate(dir);
  if (!QDir().mkpath(m_dir)) throw RunIoError("cannot create the folder " + m_dir);
  writeJsonFile(filePath("config.json"), configToJson(config, task));
}

QString RunFolder::filePath(const QString& name) const { return QDir(m_dir).filePath(name); }

void RunFolder::appendMetrics(const QJsonObject& line) {
  QFile file(filePath("metrics.jsonl"));
  if (!file.open(QIODevice::WriteOnly | QIODevice::Append)) {
    throw RunIoError("cannot append to " + file.fileName() + ": " + file.errorString());
  }
  const QByteArray bytes = QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n';
  if (file.write(bytes) != bytes.size() || !file.flush()) {
    throw RunIoError("cannot append to " + file.fileName() + ": " + file.errorString());
  }
}

void RunFolder::writeEvaluation(const QJsonObject& evaluation) {
  writeJsonFile(filePath("eval.json"), evaluation);
}

void RunFolder::writeModel(const Transformer& model) {
  std::vector<TensorView> views;
  for (const auto& slot : model.layout().tensors()) {
    views.push_back({slot.name, {slot.shape.begin(), slot.shape.end()},
                     model.parameters().data() + slot.offset});
  }
  writeSafetensors(filePath("model.safetensors"), views, {{"format", "pt"}, {"producer", "LengthLab"}});
}

void writeJsonFile(const QString& path, const QJsonObject& object) {
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly)) throw RunIoError("cannot write " + path + ": " + file.errorString());
  file.write(QJsonDocument(object).toJson(QJsonDocument::Indented));
  if (!file.commit()) throw RunIoError("cannot write " + path + ": " + file.errorString());
}

QJsonObject readJsonFile(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) throw RunIoError("cannot read " + path + ": " + file.errorString());
  QJsonParseError error;
  const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
  if (!doc.isObject()) {
    throw RunFormatError(path + " is not a JSON object" +
                         (error.error != QJsonParseError::NoError ? " (" + error.errorString() + ")" : QString()));
  }
  return doc.object();
}

LoadedRun loadRun(const QString& dir) {
  const QDir folder(dir);
  if (!folder.exists()) throw RunIoError("there is no run folder at " + dir);
  LoadedRun run;
  run.config = configFromJson(readJsonFile(folder.filePath("config.json")));
  run.task = findTask(run.config.task);
  if (!run.task) {
    throw RunFormatError(folder.filePath("config.json") + " names the task '" +
                         QString::fromStdString(run.config.task) + "', which this LengthLab does not know");
  }
  const ModelConfig modelConfig = modelConfigFor(run.config, *run.task);
  try {
    run.model = std::make_unique<Transformer>(modelConfig);
  } catch (const std::invalid_argument& e) {
    throw RunFormatError(folder.filePath("config.json") + " describes an invalid model: " + e.what());
  }
  const QString weightsPath = folder.filePath("model.safetensors");
  const auto tensors = readSafetensors(weightsPath);
  for (const auto& slot : run.model->layout().tensors()) {
    const auto it = tensors.find(slot.name);
    if (it == tensors.end()) {
      throw RunFormatError(weightsPath + " has no tensor " + QString::fromStdString(slot.name));
    }
    const std::vector<std::int64_t> expected(slot.shape.begin(), slot.shape.end());
    if (it->second.shape != expected) {
      throw RunFormatError(weightsPath + ": tensor " + QString::fromStdString(slot.name) +
                           " does not have the shape config.json implies");
    }
    std::copy(it->second.data.begin(), it->second.data.end(),
              run.model->parameters().begin() + static_cast<long>(slot.offset));
  }
  return run;
}

}  // namespace lengthlab
