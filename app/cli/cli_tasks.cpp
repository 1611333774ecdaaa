#include "cli_common.h"
namespace lengthlab::cli {
int runTasksCommand(const QStringList&) { throw UsageError("tasks: under construction"); }
}
