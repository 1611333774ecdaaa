#include "parallel.h"

#include <omp.h>

#include <exception>
#include <vector>

namespace lengthlab {

int availableCores() { return omp_get_num_procs(); }

void useThreads(int n) { omp_set_num_threads(n > 0 ? n : availableCores()); }

int currentThreads() { return omp_get_max_threads(); }

void runOnePerThread(int count, void (*call)(const void* job, int k), const void* job) {
  // The calling thread's slots: inside the region, a thread_local name would mean each worker's.
  thread_local std::vector<std::exception_ptr> callersSlots;
  std::vector<std::exception_ptr>& failures = callersSlots;
  failures.assign(static_cast<std::size_t>(count), nullptr);
#pragma omp parallel num_threads(count)
  {
    // Inside the region only: the jobs' own parallel regions stay on this thread.
    useThreads(1);
    for (int k = omp_get_thread_num(); k < count; k += omp_get_num_threads()) {
      try {
        call(job, k);
      } catch (...) {
        failures[static_cast<std::size_t>(k)] = std::current_exception();
      }
    }
  }
  for (const auto& failure : failures) {
    if (failure) std::rethrow_exception(failure);
  }
}

}  // namespace lengthlab
