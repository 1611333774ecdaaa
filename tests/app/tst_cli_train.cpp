// Specification of `lengthlab-cli train` and `lengthlab-cli inspect` as a user runs them: bad
// usage exits 2 with one line naming the problem and leaves no folder behind; a run folder holds
// config.json, metrics.jsonl, eval.json and model.safetensors in their documented formats; inspect
// reads it back.
#include "cli_process.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using lengthlab::test::runCli;

namespace {

QJsonObject readObject(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) return {};
  return QJsonDocument::fromJson(file.readAll()).object();
}

const QStringList kTinyRun = {"--task", "bin_majority", "--steps", "40", "--eval-every", "20",
                              "--eval-count", "30", "--threads", "2"};

}  // namespace

class TestCliTrain : public QObject {
  Q_OBJECT

  QTemporaryDir m_dir;
  QString m_run;  // a finished tiny run shared by the read-back tests

 private slots:
  void initTestCase() {
    QVERIFY(m_dir.isValid());
    m_run = m_dir.filePath("tiny");
    const auto result = runCli(QStringList{"train", "--out", m_run} + kTinyRun);
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
  }

  void badUsageExitsTwoWithOneLineAndCreatesNothing_data() {
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    const QStringList base{"--steps", "5"};
    QTest::newRow("unknown task") << (QStringList{"--task", "copy_everything"} + base) << "unknown task 'copy_everything'; known tasks: bin_majority";
    QTest::newRow("missing task") << base << "--task is required";
    QTest::newRow("malformed range") << (QStringList{"--task", "bin_majority", "--train-len", "5-"} + base) << "write LO-HI";
    QTest::newRow("malformed bins") << (QStringList{"--task", "bin_majority", "--test-bins", "1-50,,60-70"} + base) << "empty bin";
    QTest::newRow("train range not below the bins") << (QStringList{"--task", "bin_majority", "--train-len", "1-200"} + base) << "must reach beyond the train range";
    QTest::newRow("zero batch") << (QStringList{"--task", "bin_majority", "--batch", "0"} + base) << "--batch must be a whole number from 1 to 4096";
    QTest::newRow("negative layers") << (QStringList{"--task", "bin_majority", "--layers", "-2"} + base) << "--layers must be a whole number from 1 to 48";
    QTest::newRow("zero width") << (QStringList{"--task", "bin_majority", "--d-model", "0"} + base) << "--d-model must be a whole number from 1";
    QTest::newRow("width not divisible by heads") << (QStringList{"--task", "bin_majority", "--d-model", "10", "--heads", "3"} + base) << "d-model (10) must be divisible by the number of heads (3)";
    QTest::newRow("negative learning rate") << (QStringList{"--task", "bin_majority", "--lr", "-1"} + base) << "--lr must be a number > 0";
    QTest::newRow("unknown variant") << (QStringList{"--task", "bin_majority", "--pe", "rope2"} + base) << "--pe must be ape, nope or ape-reg";
    QTest::newRow("impossible length") << (QStringList{"--task", "unique_copy", "--test-bins", "1-50,151-200"} + base) << "holds no possible length";
  }
  void badUsageExitsTwoWithOneLineAndCreatesNothing() {
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const QString out = m_dir.filePath("should-not-exist");
    const auto result = runCli(QStringList{"train", "--out", out} + arguments);
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(message), qPrintable(result.err));
    QCOMPARE(result.err.trimmed().count('\n'), 0);
    QVERIFY(!QFileInfo::exists(out));
  }

  void anUnwritableOutputFolderIsBadUsage() {
    QFile blocker(m_dir.filePath("a-file"));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    const auto result = runCli(QStringList{"train", "--out", m_dir.filePath("a-file/run")} + kTinyRun);
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains("is not a folder"), qPrintable(result.err));
  }

  void anExistingRunIsNeverOverwritten() {
    const auto before = readObject(m_run + "/eval.json");
    const auto result = runCli(QStringList{"train", "--out", m_run} + kTinyRun);
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains("never overwrites a run"), qPrintable(result.err));
    QCOMPARE(readObject(m_run + "/eval.json"), before);
  }

  void theRunFolderHoldsTheFourFiles() {
    for (const char* name : {"config.json", "metrics.jsonl", "eval.json", "model.safetensors"}) {
      QVERIFY2(QFileInfo(m_run + "/" + name).size() > 0, name);
    }
  }

  void configJsonRecordsTaskModelTrainingAndVocabulary() {
    const QJsonObject config = readObject(m_run + "/config.json");
    QCOMPARE(config["task"].toString(), QString("bin_majority"));
    QCOMPARE(config["vocabulary"].toArray(), (QJsonArray{"0", "1", "<bos>", "<sep>", "<eos>", "<pad>"}));
    const QJsonObject model = config["model"].toObject();
    QCOMPARE(model["layers"].toInt(), 1);  // the task's preset: the paper's 1L1H16d
    QCOMPARE(model["heads"].toInt(), 1);
    QCOMPARE(model["d_model"].toInt(), 16);
    QCOMPARE(model["positional"].toString(), QString("ape"));
    QCOMPARE(config["training"].toObject()["steps"].toInt(), 40);
    QCOMPARE(config["n_embd"].toInt(), 16);  // Hugging Face GPT-2 keys
    QCOMPARE(config["model_type"].toString(), QString("gpt2"));
  }

  void metricsHaveOneLinePerEvaluation() {
    QFile file(m_run + "/metrics.jsonl");
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
    QVERIFY(lines.size() >= 1 && lines.size() <= 2);  // steps 20 and 40, fewer on an early stop
    const QJsonObject first = QJsonDocument::fromJson(lines.first()).object();
    QCOMPARE(first["step"].toInt(), 20);
    QVERIFY(first["loss"].isDouble());
    QCOMPARE(first["bins"].toArray().size(), 3);
  }

  void evalJsonHasAccuracyPerBinAndPerLength() {
    const QJsonObject eval = readObject(m_run + "/eval.json");
    const QJsonArray bins = eval["bins"].toArray();
    QCOMPARE(bins.size(), 3);
    QCOMPARE(bins[1].toObject()["lo"].toInt(), 51);
    QCOMPARE(bins[1].toObject()["hi"].toInt(), 100);
    const double accuracy = bins[1].toObject()["accuracy"].toDouble();
    QVERIFY(accuracy >= 0.0 && accuracy <= 1.0);
    const QJsonObject byLength = eval["by_length"].toObject();
    QCOMPARE(byLength.size(), 90);  // 30 examples per bin over 50 lengths: 30 + 30 + 30 lengths
    QVERIFY(eval["verdict"].toObject().contains("generalizes"));
  }

  void theVerdictSaysWhetherTheTrainingLengthsWereLearned() {
    const QJsonObject eval = readObject(m_run + "/eval.json");
    const QJsonObject verdict = eval["verdict"].toObject();
    const double inDistribution = eval["bins"].toArray()[0].toObject()["accuracy"].toDouble();
    QCOMPARE(verdict["in_distribution_accuracy"].toDouble(), inDistribution);
    QCOMPARE(verdict["learned_threshold"].toDouble(), 0.95);
    QCOMPARE(verdict["training_lengths_learned"].toBool(), inDistribution >= 0.95);
  }

  void theCheckpointUsesGpt2TensorNamesAndLayouts() {
    QFile file(m_run + "/model.safetensors");
    QVERIFY(file.open(QIODevice::ReadOnly));
    quint64 headerSize = 0;
    QCOMPARE(file.read(reinterpret_cast<char*>(&headerSize), 8), 8);
    const QJsonObject header = QJsonDocument::fromJson(file.read(qint64(headerSize))).object();
    const auto shape = [&](const char* name) { return header[name].toObject()["shape"].toArray(); };
    QCOMPARE(shape("transformer.wte.weight"), (QJsonArray{6, 16}));
    QCOMPARE(shape("transformer.wpe.weight"), (QJsonArray{153, 16}));  // <bos> 150 bits <sep> 1 answer
    QCOMPARE(shape("transformer.h.0.attn.c_attn.weight"), (QJsonArray{16, 48}));
    QCOMPARE(shape("transformer.h.0.mlp.c_fc.weight"), (QJsonArray{16, 64}));
    QCOMPARE(shape("transformer.h.0.mlp.c_proj.weight"), (QJsonArray{64, 16}));
    QVERIFY(!header.contains("lm_head.weight"));  // tied to the token embedding
    QCOMPARE(header["transformer.ln_f.bias"].toObject()["dtype"].toString(), QString("F32"));
  }

  void theSameSeedWritesTheSameResults() {
    const QString again = m_dir.filePath("tiny-again");
    QCOMPARE(runCli(QStringList{"train", "--out", again} + kTinyRun).exitCode, 0);
    QJsonObject a = readObject(m_run + "/eval.json"), b = readObject(again + "/eval.json");
    a.remove("wall_time_s");
    b.remove("wall_time_s");
    QCOMPARE(a, b);
  }

  void inspectShowsTokensPredictionsLogitsAndAttention() {
    const auto result = runCli({"inspect", "--run", m_run, "--input", "0 1 1", "--json"});
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    const QJsonObject json = QJsonDocument::fromJson(result.out.toUtf8()).object();
    const QJsonArray tokens = json["tokens"].toArray();
    QCOMPARE(tokens.first().toString(), QString("<bos>"));
    QCOMPARE(tokens[4].toString(), QString("<sep>"));
    const int T = tokens.size();
    QCOMPARE(json["predictions"].toArray().size(), T);
    QCOMPARE(json["logits"].toArray().size(), T);
    QCOMPARE(json["logits"].toArray()[0].toArray().size(), 6);
    const QJsonArray attention = json["attention"].toArray();
    QCOMPARE(attention.size(), 1);                                  // layers
    QCOMPARE(attention[0].toArray().size(), 1);                     // heads
    QCOMPARE(attention[0].toArray()[0].toArray().size(), T);        // queries
    QCOMPARE(attention[0].toArray()[0].toArray()[0].toArray().size(), T);  // keys
    QCOMPARE(json["expected"].toArray(), (QJsonArray{"1", "<eos>"}));
  }

  void inspectRefusesUnknownSymbols() {
    const auto result = runCli({"inspect", "--run", m_run, "--input", "0 2"});
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains("unknown symbol '2'"), qPrintable(result.err));
  }

  void inspectOfAMissingRunIsBadUsage() {
    const auto result = runCli({"inspect", "--run", m_dir.filePath("nothing-here"), "--input", "0"});
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains("no run folder"), qPrintable(result.err));
  }

  void aDamagedCheckpointGivesAClearMessage() {
    const QString damaged = m_dir.filePath("damaged");
    QVERIFY(QDir().mkpath(damaged));
    QVERIFY(QFile::copy(m_run + "/config.json", damaged + "/config.json"));
    QFile weights(damaged + "/model.safetensors");
    QVERIFY(weights.open(QIODevice::WriteOnly));
    weights.write("\x10\x00\x00\x00\x00\x00\x00\x00{\"a\":", 13);  // a header cut short
    weights.close();
    const auto result = runCli({"inspect", "--run", damaged, "--input", "0"});
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.err.contains("model.safetensors is not a valid safetensors file"), qPrintable(result.err));
  }
};

QTEST_GUILESS_MAIN(TestCliTrain)
#include "tst_cli_train.moc"
