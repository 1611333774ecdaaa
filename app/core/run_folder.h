// A run on disk (DESIGN.md section 7): config.json (everything needed to repeat the run),
// metrics.jsonl (one line per evaluation), eval.json (the final evaluation) and
// model.safetensors (Hugging Face GPT-2 tensor names). Whole files are written atomically;
// metrics.jsonl grows a line at a time so an interrupted run keeps its history.
#pragma once

#include "run_errors.h"
#include "task.h"
#include "trainer.h"

#include <QJsonObject>
#include <QString>

#include <memory>

namespace lengthlab {

class RunFolder {
 public:
  // Whether dir can receive a new run: it must not exist or be an empty folder (a run is never
  // overwritten) and the nearest existing parent must be a writable folder. Creates nothing.
  // Throws RunIoError with the reason.
  static void checkCanCreate(const QString& dir);

  // Creates the folder and writes config.json. Throws RunIoError.
  RunFolder(const QString& dir, const TrainingConfig& config, const Task& task);

  void appendMetrics(const QJsonObject& line);
  void writeEvaluation(const QJsonObject& evaluation);
  void writeModel(const Transformer& model);

  const QString& path() const { return m_dir; }
  QString filePath(const QString& name) const;

 private:
  QString m_dir;
};

// Writes a JSON document atomically (QSaveFile). Throws RunIoError.
void writeJsonFile(const QString& path, const QJsonObject& object);
// Reads a JSON object; throws RunIoError (unreadable) or RunFormatError (not a JSON object).
QJsonObject readJsonFile(const QString& path);

struct LoadedRun {
  TrainingConfig config;
  const Task* task = nullptr;
  std::unique_ptr<Transformer> model;
};

// Opens a finished run: its config and trained weights. Throws RunIoError or RunFormatError
// naming the file and what is wrong (missing, damaged, from another task or shape).
LoadedRun loadRun(const QString& dir);

}  // namespace lengthlab
