#include "cli_common.h"
namespace lengthlab::cli {
int runInspectCommand(const QStringList&) { throw UsageError("inspect: under construction"); }
}
