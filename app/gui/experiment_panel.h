// The left dock of the main window: what to train and how. A task picker with search (grouped
// by family, each task marked with the theory's prediction for APE), the train and test lengths,
// the model size and positional variant, and the optimiser and evaluation settings. Choosing a
// task or a positional variant fills in the preset; every field stays editable afterwards, and
// problems (a width the heads do not divide, a malformed bin list) show under the fields before
// the user presses Start.
// Left out: starting and stopping runs (the transport bar) and anything a run reports back.
#pragma once

#include "training_config.h"

#include <QStringList>
#include <QWidget>

#include <variant>

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QTreeWidget;
class QTreeWidgetItem;

namespace lengthlab {

class Task;

class ExperimentPanel : public QWidget {
  Q_OBJECT

 public:
  explicit ExperimentPanel(QWidget* parent = nullptr);

  // Selects a task by id and fills in its preset; false when the id is unknown.
  bool selectTask(const QString& id);
  // Overrides fields from a complete config (e.g. the scripted demo's command-line flags).
  void setConfig(const TrainingConfig& config);
  // The configuration the fields describe, or the list of problems (every field checked:
  // lengthlab::validate(config, task) plus the fields that do not parse).
  std::variant<TrainingConfig, QStringList> config() const;
  // While a run is active the fields are read-only (a run's settings cannot change mid-run).
  void setLocked(bool locked);
  const Task* currentTask() const { return m_task; }

 signals:
  void taskChanged(const QString& taskId);
  void configEdited();  // any field changed by the user

 private:
  struct Parsed;  // the fields read back, with the ones that do not parse

  QWidget* buildTaskGroup();
  QWidget* buildLengthsGroup();
  QWidget* buildModelGroup();
  QWidget* buildTrainingGroup();
  void fillTaskTree();
  void connectEdits();

  void applyFilter(const QString& text);
  void onTaskItemChanged(QTreeWidgetItem* item);
  void onPositionalChanged();
  void onFieldEdited();
  // Puts a config into the fields without emitting configEdited.
  void showConfig(const TrainingConfig& config);
  void setCurrentTask(const Task* task);
  Parsed parseFields() const;
  void refreshProblems();
  void refreshNote();

  const Task* m_task = nullptr;
  // What the fields do not show (optimiser, early stop, offsets) comes from here.
  TrainingConfig m_base;
  bool m_updating = false;  // fields are being filled by code, not edited by the user
  bool m_locked = false;

  QLineEdit* m_search = nullptr;
  QTreeWidget* m_tree = nullptr;
  QLabel* m_noMatch = nullptr;
  QSpinBox* m_trainLo = nullptr;
  QSpinBox* m_trainHi = nullptr;
  QLineEdit* m_testBins = nullptr;
  QLabel* m_testBinsError = nullptr;
  QSpinBox* m_layers = nullptr;
  QSpinBox* m_heads = nullptr;
  QSpinBox* m_dModel = nullptr;
  QComboBox* m_positional = nullptr;
  QLineEdit* m_regCoef = nullptr;
  QLineEdit* m_learningRate = nullptr;
  QSpinBox* m_batch = nullptr;
  QSpinBox* m_steps = nullptr;
  QLineEdit* m_seed = nullptr;
  QSpinBox* m_threads = nullptr;
  QSpinBox* m_evalEvery = nullptr;
  QSpinBox* m_evalCount = nullptr;
  QLabel* m_numberErrors = nullptr;
  QLabel* m_note = nullptr;
  QLabel* m_problems = nullptr;
};

}  // namespace lengthlab
