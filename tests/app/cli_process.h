// Runs lengthlab-cli (path from the LENGTHLAB_CLI environment variable, set by CTest) as a
// separate process and collects its exit code and output, the way a user or script sees it.
#pragma once

#include <QProcess>
#include <QString>
#include <QStringList>

namespace lengthlab::test {

struct CliResult {
  int exitCode = -1;
  QString out;
  QString err;
};

inline CliResult runCli(const QStringList& arguments, int timeoutMs = 120000) {
  QProcess process;
  process.start(qEnvironmentVariable("LENGTHLAB_CLI"), arguments);
  CliResult result;
  if (!process.waitForFinished(timeoutMs)) {
    process.kill();
    process.waitForFinished();
    result.err = "timed out";
    return result;
  }
  result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
  result.out = QString::fromUtf8(process.readAllStandardOutput());
  result.err = QString::fromUtf8(process.readAllStandardError());
  return result;
}

}  // namespace lengthlab::test
