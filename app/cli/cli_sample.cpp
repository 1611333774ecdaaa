#include "cli_common.h"
namespace lengthlab::cli {
int runSampleCommand(const QStringList&) { throw UsageError("sample: under construction"); }
}
