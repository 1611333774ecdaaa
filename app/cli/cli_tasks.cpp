// lengthlab-cli tasks [--json]: every task of the registry with its theory metadata.
// The table is for people (the theory's prediction for APE next to the paper's number on
// [51, 100]); the JSON is for scripts and carries everything, accuracies in percent as in PAPER.md.
#include "cli_common.h"

#include "task_registry.h"

#include <QJsonArray>
#include <QJsonObject>

#include <cmath>

namespace lengthlab::cli {
namespace {

QString familyText(TaskFamily family) {
  const std::string_view id = familyId(family);
  return QString::fromUtf8(id.data(), static_cast<qsizetype>(id.size()));
}

QJsonValue binsJson(const std::optional<BinPercents>& bins) {
  if (!bins) return QJsonValue(QJsonValue::Null);
  return QJsonArray{(*bins)[0], (*bins)[1], (*bins)[2]};
}

QJsonObject presetJson(const ModelPreset& preset) {
  return QJsonObject{{"layers", preset.layers},
                     {"heads", preset.heads},
                     {"d_model", preset.dModel},
                     {"learning_rate", preset.learningRate}};
}

// Percent with at most two decimals, so that 0.498 prints as 49.8 and not 49.800000000000004.
double percent(double fraction) { return std::round(fraction * 1e4) / 100.0; }

QJsonObject taskJson(const Task& task) {
  const TaskInfo& info = task.info();
  QJsonArray alphabet;
  for (const auto& symbol : info.alphabet) alphabet.append(QString::fromStdString(symbol));
  const QJsonObject paper{{"ape", binsJson(info.paper.ape)},
                          {"nope", binsJson(info.paper.nope)},
                          {"reg", binsJson(info.paper.reg)}};
  const QJsonValue program = info.craspProgram.empty()
                                 ? QJsonValue(QJsonValue::Null)
                                 : QJsonValue(QString::fromStdString(info.craspProgram));
  return QJsonObject{
      {"id", QString::fromStdString(info.id)},
      {"name", QString::fromStdString(info.name)},
      {"family", familyText(info.family)},
      {"alphabet", alphabet},
      {"crasp_ape", info.craspApe},
      {"crasp_nope", info.craspNope},
      {"crasp_program", program},
      {"paper", paper},
      {"random_baseline", percent(info.randomBaseline)},
      {"description", QString::fromStdString(info.description)},
      {"lengths", QString::fromStdString(task.lengthRule())},
      {"preset_ape", presetJson(info.presetApe)},
      {"preset_nope", presetJson(info.presetNope)},
  };
}

QString paperApeMiddleBin(const TaskInfo& info) {
  if (!info.paper.ape) return "-";
  return QString::number((*info.paper.ape)[1], 'f', 1) + "%";
}

// One row per task, columns padded to the widest entry.
QStringList tableLines() {
  QList<QStringList> rows{{"id", "name", "family", "APE prediction", "paper APE [51,100]"}};
  for (const Task* task : allTasks()) {
    const TaskInfo& info = task->info();
    rows.append({QString::fromStdString(info.id), QString::fromStdString(info.name),
                 familyText(info.family), info.craspApe ? "generalizes" : "fails",
                 paperApeMiddleBin(info)});
  }
  QList<qsizetype> widths(rows.first().size(), 0);
  for (const auto& row : rows) {
    for (qsizetype c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  QStringList lines;
  for (const auto& row : rows) {
    QString line;
    for (qsizetype c = 0; c < row.size(); ++c) {
      line += c + 1 < row.size() ? row[c].leftJustified(widths[c] + 2) : row[c];
    }
    lines.append(line);
  }
  return lines;
}

}  // namespace

int runTasksCommand(const QStringList& arguments) {
  QCommandLineParser parser;
  parser.setApplicationDescription(
      "List LengthLab's tasks: the 8 algorithmic tasks and 17 formal languages of the paper, "
      "with the theory's prediction (C-RASP) and the paper's accuracies.");
  const QCommandLineOption json("json", "Print a JSON array with every task's metadata.");
  parser.addOption(json);
  if (!parseOrThrow(parser, arguments)) return kExitOk;

  if (parser.isSet(json)) {
    QJsonArray tasks;
    for (const Task* task : allTasks()) tasks.append(taskJson(*task));
    printJson(QJsonDocument(tasks));
    return kExitOk;
  }
  for (const QString& line : tableLines()) printLine(line);
  return kExitOk;
}

}  // namespace lengthlab::cli
