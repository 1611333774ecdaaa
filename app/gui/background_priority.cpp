#include "background_priority.h"

#include <QThread>

#include <algorithm>

#ifdef Q_OS_LINUX
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace lengthlab {

bool lowerCurrentThreadPriority() {
#ifdef Q_OS_LINUX
  // Qt's thread priorities are no-ops under Linux's default scheduler; the nice value is per
  // thread there (setpriority on a thread id), and new threads start with their creator's.
  constexpr int kNiceIncrement = 10;
  const auto tid = static_cast<id_t>(syscall(SYS_gettid));
  const int current = getpriority(PRIO_PROCESS, tid);
  return setpriority(PRIO_PROCESS, tid, std::min(current + kNiceIncrement, 19)) == 0;
#else
  QThread::currentThread()->setPriority(QThread::LowPriority);
  return true;
#endif
}

}  // namespace lengthlab
