// lengthlab-cli: LengthLab's engine without a display. One command per file (cli_<command>.cpp);
// this file only dispatches and turns errors into exit codes (0 ok, 1 failure, 2 bad usage).
#include "cli_common.h"

#include "openmp_wait_policy.h"

#include <QCoreApplication>

#include <exception>
#include <functional>
#include <map>

using namespace lengthlab::cli;

namespace {

struct Command {
  std::function<int(const QStringList&)> run;
  const char* summary;
};

const std::map<QString, Command>& commands() {
  static const std::map<QString, Command> table = {
      {"tasks", {runTasksCommand, "list the tasks (--json for machines)"}},
      {"sample", {runSampleCommand, "print examples of a task at a length"}},
      {"train", {runTrainCommand, "train one model and write a run folder"}},
      {"inspect", {runInspectCommand, "run a trained model on an input: predictions and attention"}},
  };
  return table;
}

QString usage() {
  QString text = "usage: lengthlab-cli <command> [options]   (lengthlab-cli <command> --help)\n"
                 "commands:\n";
  for (const auto& [name, command] : commands()) {
    text += "  " + name.leftJustified(9) + command.summary + "\n";
  }
  return text.trimmed();
}

}  // namespace

int main(int argc, char** argv) {
  lengthlab::relaunchWithPassiveOpenMpWaiting(argv);
  QCoreApplication app(argc, argv);
  QCoreApplication::setApplicationName("lengthlab-cli");
  QCoreApplication::setApplicationVersion(LENGTHLAB_VERSION);
  QStringList arguments = QCoreApplication::arguments();
  if (arguments.size() < 2) {
    printError("lengthlab-cli: a command is required\n" + usage());
    return kExitUsage;
  }
  const QString name = arguments.at(1);
  if (name == "--help" || name == "-h" || name == "help") {
    printLine(usage());
    return kExitOk;
  }
  if (name == "--version") {
    printLine("lengthlab-cli " LENGTHLAB_VERSION);
    return kExitOk;
  }
  const auto it = commands().find(name);
  if (it == commands().end()) {
    QStringList names;
    for (const auto& entry : commands()) names << entry.first;
    printError("lengthlab-cli: unknown command '" + name + "'; commands: " + names.join(", "));
    return kExitUsage;
  }
  arguments.removeFirst();
  arguments.first() = "lengthlab-cli " + name;
  try {
    return it->second.run(arguments);
  } catch (const UsageError& e) {
    printError("lengthlab-cli " + name + ": " + QString::fromUtf8(e.what()));
    return kExitUsage;
  } catch (const std::exception& e) {
    printError("lengthlab-cli " + name + ": error: " + QString::fromUtf8(e.what()));
    return kExitFailure;
  }
}
