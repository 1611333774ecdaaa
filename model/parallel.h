// Thread control for the model's kernels and oneDNN (both run on the same OpenMP runtime).
#pragma once

namespace lengthlab {

// Cores available to this process.
int availableCores();

// Makes parallel regions started from the calling thread use n threads (0 = every core).
// OpenMP keeps this setting per thread, so the training thread calls it itself.
void useThreads(int n);

// Threads the calling thread's parallel regions will use.
int currentThreads();

// Runs job(0) ... job(count - 1) at the same time, one per OpenMP thread, each job's own kernels
// on that one thread (fewer threads, as in a nested call, each take several jobs in turn). Job 0
// runs on the calling thread. The first exception a job throws, in job order, is rethrown here
// once every job has finished. Allocates nothing once it has run with this many jobs.
void runOnePerThread(int count, void (*call)(const void* job, int k), const void* job);

template <typename Job>
void runOnePerThread(int count, const Job& job) {
  runOnePerThread(count, [](const void* j, int k) { (*static_cast<const Job*>(j))(k); }, &job);
}

}  // namespace lengthlab
