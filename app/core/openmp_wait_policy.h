// Makes OpenMP threads sleep rather than spin while they wait. LengthLab shares the CPU with
// its own GUI thread and with whatever else runs on a laptop; spinning threads then steal the
// core that the thread they wait for needs, and training slows down several times (measured here:
// 4.8 steps/s spinning vs 10.1 passive with one busy core; the same 15 steps/s on an idle machine).
// libgomp reads OMP_WAIT_POLICY once, when it is loaded, before main() runs, so the only way to
// set it from the program is to set the variable and start the program again.
#pragma once

namespace lengthlab {

// Call first thing in main(). When OMP_WAIT_POLICY is unset, sets it to PASSIVE and re-executes
// the program with the same arguments (returning only if that fails); otherwise returns at once,
// which keeps a user's explicit choice.
void relaunchWithPassiveOpenMpWaiting(char** argv);

}  // namespace lengthlab
