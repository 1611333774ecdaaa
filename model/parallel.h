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

}  // namespace lengthlab
