#include "cli_common.h"

#include "task_registry.h"

#include <QCoreApplication>
#include <QTextStream>

#include <cmath>
#include <cstdio>

namespace lengthlab::cli {

bool parseOrThrow(QCommandLineParser& parser, const QStringList& arguments) {
  parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
  const QCommandLineOption help({"h", "help"}, "Show this help.");
  parser.addOption(help);
  if (!parser.parse(arguments)) throw UsageError(parser.errorText());
  if (parser.isSet(help)) {
    // Qt names the program by its path; name the command instead ("lengthlab-cli train").
    QString text = parser.helpText().trimmed();
    text.replace(QCoreApplication::arguments().constFirst(), arguments.constFirst());
    printLine(text);
    return false;
  }
  if (!parser.positionalArguments().isEmpty()) {
    throw UsageError("unexpected argument '" + parser.positionalArguments().first() +
                     "' (options start with --; see --help)");
  }
  return true;
}

const Task& requireTask(const QString& id) {
  if (id.isEmpty()) {
    throw UsageError("--task is required; known tasks: " + QString::fromStdString(taskIdList()));
  }
  const Task* task = findTask(id.toStdString());
  if (!task) {
    throw UsageError("unknown task '" + id + "'; known tasks: " +
                     QString::fromStdString(taskIdList()));
  }
  return *task;
}

int parseIntOption(const QString& option, const QString& value, int min, int max) {
  bool ok = false;
  const qlonglong parsed = value.trimmed().toLongLong(&ok);
  if (!ok || parsed < min || parsed > max) {
    throw UsageError("--" + option + " must be an integer from " + QString::number(min) + " to " +
                     QString::number(max) + ", got '" + value + "'");
  }
  return static_cast<int>(parsed);
}

double parseRealOption(const QString& option, const QString& value, bool allowZero) {
  bool ok = false;
  const double parsed = value.trimmed().toDouble(&ok);
  if (!ok || !std::isfinite(parsed) || parsed < 0 || (!allowZero && parsed == 0)) {
    throw UsageError("--" + option + " must be a number " + (allowZero ? ">= 0" : "> 0") +
                     ", got '" + value + "'");
  }
  return parsed;
}

void printJson(const QJsonDocument& document) {
  QTextStream(stdout) << document.toJson(QJsonDocument::Indented);
}

void printLine(const QString& line) {
  QTextStream out(stdout);
  out << line << '\n';
  out.flush();
}

void printError(const QString& line) {
  QTextStream err(stderr);
  err << line << '\n';
  err.flush();
}

}  // namespace lengthlab::cli
