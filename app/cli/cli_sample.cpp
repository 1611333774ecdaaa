// lengthlab-cli sample --task ID --length N [--count K] [--seed S] [--json]: K examples of
// length N, exactly as training and testing draw them (the same Rng stream for a given seed).
// Examples are shown in the task's own symbols, without the model's special tokens; a formal
// language's targets use "<eos>" for the end bit.
#include "cli_common.h"

#include "formal_language_task.h"

#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>
#include <limits>

namespace lengthlab::cli {
namespace {

constexpr int kMaxCount = 10000;

QStringList symbolNames(const TaskInfo& info, const std::vector<int>& ids) {
  QStringList names;
  for (int id : ids) {
    names.append(QString::fromStdString(info.alphabet[static_cast<std::size_t>(id)]));
  }
  return names;
}

// Row i of the continuation table as names: the symbols that may follow, then "<eos>".
QStringList targetNames(const TaskInfo& info, const Example& example, int row) {
  const std::size_t width = info.alphabet.size() + 1;
  const std::uint8_t* bits = example.continuations.data() + static_cast<std::size_t>(row) * width;
  QStringList names;
  for (std::size_t c = 0; c < info.alphabet.size(); ++c) {
    if (bits[c]) names.append(QString::fromStdString(info.alphabet[c]));
  }
  if (bits[info.alphabet.size()]) names.append("<eos>");
  return names;
}

QJsonObject exampleJson(const Task& task, const Example& example) {
  const TaskInfo& info = task.info();
  if (task.family() == TaskFamily::Algorithmic) {
    return QJsonObject{{"input", QJsonArray::fromStringList(symbolNames(info, example.input))},
                       {"output", QJsonArray::fromStringList(symbolNames(info, example.output))}};
  }
  QJsonArray targets;
  for (int row = 0; row <= example.length(); ++row) {
    targets.append(QJsonArray::fromStringList(targetNames(info, example, row)));
  }
  return QJsonObject{{"string", QJsonArray::fromStringList(symbolNames(info, example.input))},
                     {"targets", targets}};
}

// Symbols separated by spaces, or run together when each is one character ("aabb").
QString joinSymbols(const QStringList& symbols) {
  if (symbols.isEmpty()) return "(empty)";
  const bool singleChars =
      std::all_of(symbols.begin(), symbols.end(), [](const QString& s) { return s.size() == 1; });
  return symbols.join(singleChars ? "" : " ");
}

// "0 1 1 0 -> 1" or "aabb  targets: {a,b} {a,b} {b} {b} {<eos>}".
QString exampleLine(const Task& task, const Example& example) {
  const TaskInfo& info = task.info();
  if (task.family() == TaskFamily::Algorithmic) {
    const QStringList input = symbolNames(info, example.input);
    return (input.isEmpty() ? "(empty)" : input.join(" ")) + " -> " +
           symbolNames(info, example.output).join(" ");
  }
  QStringList sets;
  for (int row = 0; row <= example.length(); ++row) {
    sets.append("{" + targetNames(info, example, row).join(",") + "}");
  }
  return joinSymbols(symbolNames(info, example.input)) + "  targets: " + sets.join(" ");
}

QString allowedLengths(const Task& task) {
  return QString::fromStdString(task.id()) + " allows " + QString::fromStdString(task.lengthRule());
}

int parseLength(const Task& task, const QString& value) {
  if (value.isEmpty()) throw UsageError("--length is required; " + allowedLengths(task));
  bool ok = false;
  const qlonglong n = value.trimmed().toLongLong(&ok);
  if (!ok) {
    throw UsageError("--length must be an integer, got '" + value + "'; " + allowedLengths(task));
  }
  if (n < 0 || n > std::numeric_limits<int>::max() || !task.hasLength(static_cast<int>(n))) {
    throw UsageError(QString::fromStdString(task.id()) + " has no example of length " +
                     QString::number(n) +
                     "; allowed: " + QString::fromStdString(task.lengthRule()));
  }
  return static_cast<int>(n);
}

std::uint64_t parseSeed(const QString& value) {
  bool ok = false;
  const qulonglong seed = value.trimmed().toULongLong(&ok);
  if (!ok) throw UsageError("--seed must be a non-negative integer, got '" + value + "'");
  return seed;
}

// "# d2: 2 strings of length 4, each equally likely" above a formal language's examples.
QString memberCountLine(const Task& task, int n) {
  const auto* language = dynamic_cast<const FormalLanguageTask*>(&task);
  if (!language) return {};
  const BigUint count = language->memberCount(n);
  const QString strings = count == BigUint(1) ? " string" : " strings";
  return "# " + QString::fromStdString(task.id()) + ": " +
         QString::fromStdString(count.toString()) + strings + " of length " + QString::number(n) +
         ", each equally likely";
}

}  // namespace

int runSampleCommand(const QStringList& arguments) {
  QCommandLineParser parser;
  parser.setApplicationDescription(
      "Print examples of a task at one length, as training and testing draw them. Algorithmic "
      "tasks show input -> output; formal languages show the string and, after each prefix, the "
      "symbols that may follow (<eos>: the prefix is itself in the language).");
  const QCommandLineOption taskOption("task", "Task id (see lengthlab-cli tasks).", "id");
  const QCommandLineOption lengthOption(
      "length", "Input length n as PAPER.md defines it (addition: both operands plus + and =).",
      "n");
  const QCommandLineOption countOption("count", "Number of examples, 1 to 10000.", "k", "1");
  const QCommandLineOption seedOption("seed", "Random seed (same seed, same examples).", "s", "0");
  const QCommandLineOption jsonOption("json", "Print JSON instead of one example per line.");
  parser.addOptions({taskOption, lengthOption, countOption, seedOption, jsonOption});
  if (!parseOrThrow(parser, arguments)) return kExitOk;

  const Task& task = requireTask(parser.value(taskOption));
  const int length = parseLength(task, parser.value(lengthOption));
  const int count = parseIntOption("count", parser.value(countOption), 1, kMaxCount);
  Rng rng(parseSeed(parser.value(seedOption)));

  std::vector<Example> examples;
  examples.reserve(static_cast<std::size_t>(count));
  for (int k = 0; k < count; ++k) examples.push_back(task.sample(length, rng));

  if (parser.isSet(jsonOption)) {
    QJsonArray items;
    for (const Example& example : examples) items.append(exampleJson(task, example));
    printJson(QJsonDocument(QJsonObject{
        {"task", QString::fromStdString(task.id())}, {"length", length}, {"examples", items}}));
    return kExitOk;
  }
  QStringList lines;
  if (const QString header = memberCountLine(task, length); !header.isEmpty()) lines.append(header);
  for (const Example& example : examples) lines.append(exampleLine(task, example));
  printLine(lines.join('\n'));
  return kExitOk;
}

}  // namespace lengthlab::cli
