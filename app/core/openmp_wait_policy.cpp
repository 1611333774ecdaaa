#include "openmp_wait_policy.h"

#include <cstdlib>
#include <unistd.h>

namespace lengthlab {

void relaunchWithPassiveOpenMpWaiting(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr) return;
  if (setenv("OMP_WAIT_POLICY", "PASSIVE", 1) != 0) return;
  execv("/proc/self/exe", argv);
  // Still here: exec failed; run on with libgomp's default policy.
}

}  // namespace lengthlab
