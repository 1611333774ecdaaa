// LL_CHECK: a programmer-error check that stays on in every build (shape checks at kernel entry
// are cheap next to the kernels). It throws std::logic_error instead of aborting, so that a
// training thread can turn it into a "run failed" message rather than take the app down.
#pragma once

#include <stdexcept>
#include <string>

namespace lengthlab {

[[noreturn]] inline void failCheck(const char* condition, const char* file, int line) {
  throw std::logic_error(std::string("internal check failed: ") + condition + " (" + file + ":" +
                         std::to_string(line) + ")");
}

}  // namespace lengthlab

#define LL_CHECK(condition)                                                         \
  do {                                                                              \
    if (!(condition)) ::lengthlab::failCheck(#condition, __FILE__, __LINE__);      \
  } while (0)
