// Training must never make the window stutter: the trainer and its OpenMP helpers would otherwise
// take every core at the same priority as the GUI thread, and a repaint after a resize would wait
// its turn behind them.
#pragma once

namespace lengthlab {

// Lowers the calling thread's CPU priority below the GUI's (Linux: nice +10 for this thread, which
// the threads it starts afterwards inherit; elsewhere QThread::LowPriority). Training keeps the
// cores whenever the GUI is idle. Returns false when the system refused.
bool lowerCurrentThreadPriority();

}  // namespace lengthlab
