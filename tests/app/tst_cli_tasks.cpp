// lengthlab-cli tasks and sample, run as a separate process (LENGTHLAB_CLI, set by CTest): the
// JSON shapes of the issue, the human table and lines, determinism for a seed, and exit code 2
// with a one-line message saying what is possible for every impossible request.
#include "cli_process.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QtTest>

namespace {

using lengthlab::test::CliResult;
using lengthlab::test::runCli;

QJsonDocument parseJson(const QString& text) {
  QJsonParseError error;
  const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &error);
  if (error.error != QJsonParseError::NoError) qWarning() << error.errorString();
  return document;
}

QStringList strings(const QJsonValue& array) {
  QStringList result;
  for (const QJsonValue& v : array.toArray()) result.append(v.toString());
  return result;
}

// JSON numbers as doubles ("100" may parse as an integer, which QJsonValue keeps distinct).
QList<double> numbers(const QJsonValue& array) {
  QList<double> result;
  for (const QJsonValue& v : array.toArray()) result.append(v.toDouble());
  return result;
}

QStringList outputLines(const CliResult& run) {
  return run.out.split('\n', Qt::SkipEmptyParts);
}

const QStringList kSpecialTokens = {"<bos>", "<sep>", "<eos>", "<pad>"};

}  // namespace

class TestCliTasks : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    QVERIFY2(QFileInfo(qEnvironmentVariable("LENGTHLAB_CLI")).isExecutable(),
             "LENGTHLAB_CLI must name the lengthlab-cli binary");
  }

  void tasksJsonListsEveryTaskWithItsMetadata() {
    const CliResult run = runCli({"tasks", "--json"});
    QCOMPARE(run.exitCode, 0);
    const QJsonArray tasks = parseJson(run.out).array();
    QCOMPARE(tasks.size(), 25);
    int algorithmic = 0;
    for (const QJsonValue& value : tasks) {
      const QJsonObject task = value.toObject();
      for (const char* key : {"id", "name", "family", "alphabet", "crasp_ape", "crasp_nope",
                              "paper", "random_baseline", "description"}) {
        QVERIFY2(task.contains(key), key);
      }
      QVERIFY(task["family"] == "algorithmic" || task["family"] == "formal");
      algorithmic += task["family"] == "algorithmic";
      QVERIFY(task["crasp_ape"].isBool() && task["crasp_nope"].isBool());
      QVERIFY(!task["alphabet"].toArray().isEmpty());
      QVERIFY(!task["description"].toString().isEmpty());
      const QJsonObject paper = task["paper"].toObject();
      for (const char* variant : {"ape", "nope"}) QCOMPARE(paper[variant].toArray().size(), 3);
      QVERIFY(paper["reg"].isNull() || paper["reg"].toArray().size() == 3);
    }
    QCOMPARE(algorithmic, 8);
    QCOMPARE(tasks.first()["id"].toString(), QString("bin_majority"));
    QCOMPARE(tasks.last()["id"].toString(), QString("zot_z_t"));
  }

  void tasksJsonUsesThePapersPercentages() {
    const QJsonArray tasks = parseJson(runCli({"tasks", "--json"}).out).array();
    QMap<QString, QJsonObject> byId;
    for (const QJsonValue& value : tasks) byId[value["id"].toString()] = value.toObject();
    QCOMPARE(byId["bin_majority"]["random_baseline"].toDouble(), 49.8);
    QCOMPARE(byId["parity"]["random_baseline"].toDouble(), 52.3);
    QCOMPARE(byId["sort"]["random_baseline"].toDouble(), 0.0);
    QCOMPARE(numbers(byId["parity"]["paper"].toObject()["ape"]), (QList<double>{100, 83.0, 62.1}));
    QCOMPARE(numbers(byId["abab_star"]["paper"].toObject()["reg"]), (QList<double>{100, 100, 100}));
    QVERIFY(byId["tomita3"]["paper"].toObject()["reg"].isNull());
    QCOMPARE(byId["tomita4"]["crasp_ape"].toBool(), true);
    QCOMPARE(byId["tomita4"]["crasp_nope"].toBool(), false);
    QCOMPARE(strings(byId["addition"]["alphabet"]), (QStringList{"0", "1", "+", "="}));
  }

  void tasksTableHasAnAlignedRowPerTask() {
    const CliResult run = runCli({"tasks"});
    QCOMPARE(run.exitCode, 0);
    const QStringList lines = outputLines(run);
    QCOMPARE(lines.size(), 26);
    QVERIFY(lines.first().startsWith("id "));
    const qsizetype familyColumn = lines.first().indexOf("family");
    for (const QString& line : lines.mid(1)) {
      const QString family = line.mid(familyColumn).section(' ', 0, 0);
      QVERIFY2(family == "algorithmic" || family == "formal", qPrintable(line));
    }
    const auto row = [&lines](const QString& id) {
      for (const QString& line : lines) {
        if (line.startsWith(id + " ")) return line;
      }
      return QString();
    };
    QVERIFY(row("parity").contains("fails") && row("parity").contains("83.0%"));
    QVERIFY(row("tomita4").contains("generalizes") && row("tomita4").contains("85.4%"));
  }

  void sampleJsonGivesAlgorithmicExamples_data() {
    QTest::addColumn<QString>("task");
    QTest::addColumn<int>("length");
    QTest::newRow("bin_majority") << "bin_majority" << 7;
    QTest::newRow("interleave") << "bin_majority_interleave" << 10;
    QTest::newRow("unique_copy at its maximum") << "unique_copy" << 150;
    QTest::newRow("sort") << "sort" << 20;
    QTest::newRow("parity at 0") << "parity" << 0;
    QTest::newRow("addition") << "addition" << 9;
  }
  void sampleJsonGivesAlgorithmicExamples() {
    QFETCH(QString, task);
    QFETCH(int, length);
    const CliResult run = runCli(
        {"sample", "--task", task, "--length", QString::number(length), "--count", "4", "--json"});
    QCOMPARE(run.exitCode, 0);
    const QJsonObject root = parseJson(run.out).object();
    QCOMPARE(root["task"].toString(), task);
    QCOMPARE(root["length"].toInt(), length);
    const QJsonArray examples = root["examples"].toArray();
    QCOMPARE(examples.size(), 4);
    for (const QJsonValue& example : examples) {
      const QStringList input = strings(example["input"]);
      const QStringList output = strings(example["output"]);
      QCOMPARE(input.size(), length);
      QVERIFY(!output.isEmpty());
      for (const QString& special : kSpecialTokens) {
        QVERIFY(!input.contains(special) && !output.contains(special));
      }
      if (task == "addition") QCOMPARE(input.last(), QString("="));
      if (task == "sort") {
        for (qsizetype k = 1; k < output.size(); ++k) {
          QVERIFY(output[k - 1].toInt() < output[k].toInt());
        }
      }
    }
  }

  void sampleJsonGivesFormalExamplesWithTargets_data() {
    QTest::addColumn<QString>("task");
    QTest::addColumn<int>("length");
    QTest::newRow("(aa)*") << "aa_star" << 6;
    QTest::newRow("D-12") << "d12" << 20;
    QTest::newRow("{0,1,2}*02*") << "zot_z_t" << 5;
    QTest::newRow("Tomita-6 empty") << "tomita6" << 0;
  }
  void sampleJsonGivesFormalExamplesWithTargets() {
    QFETCH(QString, task);
    QFETCH(int, length);
    const CliResult run = runCli(
        {"sample", "--task", task, "--length", QString::number(length), "--count", "3", "--json"});
    QCOMPARE(run.exitCode, 0);
    const QJsonObject root = parseJson(run.out).object();
    QCOMPARE(root["task"].toString(), task);
    const QJsonArray examples = root["examples"].toArray();
    QCOMPARE(examples.size(), 3);
    for (const QJsonValue& example : examples) {
      const QStringList string = strings(example["string"]);
      const QJsonArray targets = example["targets"].toArray();
      QCOMPARE(string.size(), length);
      QCOMPARE(targets.size(), length + 1);  // the empty prefix, then every prefix
      for (int i = 0; i < length; ++i) {
        QVERIFY2(strings(targets[i]).contains(string[i]), "the next symbol must be allowed");
      }
      QVERIFY2(strings(targets.last()).contains("<eos>"), "a member may end");
    }
  }

  void sampleJsonTargetsOfAnExactString() {
    // (abab)* at length 4 has one member: every target is known.
    const CliResult run = runCli({"sample", "--task", "abab_star", "--length", "4", "--json"});
    const QJsonObject example = parseJson(run.out)["examples"][0].toObject();
    QCOMPARE(strings(example["string"]), (QStringList{"a", "b", "a", "b"}));
    const QJsonArray expected{QJsonArray{"a", "<eos>"}, QJsonArray{"b"}, QJsonArray{"a"},
                              QJsonArray{"b"}, QJsonArray{"a", "<eos>"}};
    QCOMPARE(example["targets"].toArray(), expected);
  }

  void sampleIsDeterministicForASeed() {
    const QStringList base = {"sample", "--task", "tomita7", "--length", "30", "--count", "5"};
    const QString first = runCli(base + QStringList{"--seed", "1"}).out;
    QCOMPARE(runCli(base + QStringList{"--seed", "1"}).out, first);
    QVERIFY(runCli(base + QStringList{"--seed", "2"}).out != first);
    QCOMPARE(runCli(base).out, runCli(base + QStringList{"--seed", "0"}).out);  // default seed 0
  }

  void sampleHumanOutputHasOneLinePerExample() {
    const CliResult algorithmic =
        runCli({"sample", "--task", "bin_majority", "--length", "4", "--count", "5"});
    QCOMPARE(algorithmic.exitCode, 0);
    const QStringList lines = outputLines(algorithmic);
    QCOMPARE(lines.size(), 5);
    for (const QString& line : lines) {
      QVERIFY2(QRegularExpression("^[01]( [01]){3} -> [01]$").match(line).hasMatch(),
               qPrintable(line));
    }
    const CliResult formal = runCli({"sample", "--task", "d2", "--length", "4", "--count", "3"});
    const QStringList formalLines = outputLines(formal);
    QCOMPARE(formalLines.size(), 4);  // a header with the number of members, then the examples
    QCOMPARE(formalLines.first(), QString("# d2: 2 strings of length 4, each equally likely"));
    for (const QString& line : formalLines.mid(1)) QVERIFY(line.contains("  targets: {a,<eos>} "));
  }

  void impossibleRequestsExitWithCode2_data() {
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("says");
    const auto sample = [](const QStringList& extra) { return QStringList{"sample"} + extra; };
    QTest::newRow("odd length of (aa)*")
        << sample({"--task", "aa_star", "--length", "7"}) << "even lengths from 0 to 1000";
    QTest::newRow("a..e below 5") << sample({"--task", "a_to_e", "--length", "4"})
                                  << "every length from 5 to 1000";
    QTest::newRow("sort beyond 150")
        << sample({"--task", "sort", "--length", "151"}) << "lengths 1 to 150";
    QTest::newRow("addition below 4")
        << sample({"--task", "addition", "--length", "3"}) << "lengths 4 to 1000";
    QTest::newRow("unknown task") << sample({"--task", "tomita8", "--length", "3"})
                                  << "known tasks: bin_majority, majority";
    QTest::newRow("count 0") << sample({"--task", "parity", "--length", "3", "--count", "0"})
                             << "--count must be an integer from 1 to 10000";
    QTest::newRow("count too large")
        << sample({"--task", "parity", "--length", "3", "--count", "10001"})
        << "--count must be an integer from 1 to 10000";
    QTest::newRow("no length") << sample({"--task", "majority"})
                               << "--length is required; majority allows lengths 1 to 1000";
    QTest::newRow("length not a number")
        << sample({"--task", "majority", "--length", "ten"}) << "--length must be an integer";
    QTest::newRow("negative seed")
        << sample({"--task", "majority", "--length", "3", "--seed", "-1"})
        << "--seed must be a non-negative integer";
    QTest::newRow("stray argument") << QStringList{"tasks", "all"} << "unexpected argument 'all'";
  }
  void impossibleRequestsExitWithCode2() {
    QFETCH(QStringList, arguments);
    QFETCH(QString, says);
    const CliResult run = runCli(arguments);
    QCOMPARE(run.exitCode, 2);
    QVERIFY(run.out.isEmpty());
    const QString message = run.err.trimmed();
    QVERIFY2(!message.contains('\n'), qPrintable(message));
    QVERIFY2(message.startsWith("lengthlab-cli " + arguments.first() + ": "), qPrintable(message));
    QVERIFY2(message.contains(says), qPrintable(message));
  }
};

QTEST_GUILESS_MAIN(TestCliTasks)
#include "tst_cli_tasks.moc"
