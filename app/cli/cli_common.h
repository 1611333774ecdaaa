// Shared pieces of lengthlab-cli's commands: the usage error (exit code 2 with a one-line reason),
// option parsing that names what is allowed, and JSON output.
#pragma once

#include "task.h"

#include <QCommandLineParser>
#include <QJsonDocument>
#include <QString>
#include <QStringList>

#include <stdexcept>

namespace lengthlab::cli {

// Bad usage: main() prints "lengthlab-cli: <message>" on one line and exits with code 2.
class UsageError : public std::runtime_error {
 public:
  explicit UsageError(const QString& message) : std::runtime_error(message.toStdString()) {}
};

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;  // the command ran and failed (I/O error, NaN loss, ...)
constexpr int kExitUsage = 2;

// Parses arguments (arguments[0] is the command's display name) with parser. Returns false when
// --help was given (the help text is already printed); throws UsageError on unknown options,
// missing values or stray positional arguments.
bool parseOrThrow(QCommandLineParser& parser, const QStringList& arguments);

// The task with this id; throws UsageError listing the known ids.
const Task& requireTask(const QString& id);

// Integer option value within [min, max]; throws UsageError naming the option and the range.
int parseIntOption(const QString& option, const QString& value, int min, int max);
// Floating-point option value, > 0 unless allowZero (and finite).
double parseRealOption(const QString& option, const QString& value, bool allowZero = false);

// Writes the document to stdout, indented, followed by a newline.
void printJson(const QJsonDocument& document);
// Writes a line to stdout / stderr.
void printLine(const QString& line);
void printError(const QString& line);

// The commands; each returns the process exit code or throws UsageError.
int runTasksCommand(const QStringList& arguments);
int runSampleCommand(const QStringList& arguments);
int runTrainCommand(const QStringList& arguments);
int runInspectCommand(const QStringList& arguments);

}  // namespace lengthlab::cli
