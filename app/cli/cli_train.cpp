#include "cli_common.h"
namespace lengthlab::cli {
int runTrainCommand(const QStringList&) { throw UsageError("train: under construction"); }
}
