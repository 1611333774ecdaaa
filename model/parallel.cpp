#include "parallel.h"

#include <omp.h>

namespace lengthlab {

int availableCores() { return omp_get_num_procs(); }

void useThreads(int n) { omp_set_num_threads(n > 0 ? n : availableCores()); }

int currentThreads() { return omp_get_max_threads(); }

}  // namespace lengthlab
