#include "task.h"

namespace lengthlab {

std::string_view familyId(TaskFamily family) {
  return family == TaskFamily::Algorithmic ? "algorithmic" : "formal";
}

Example Task::sample(int n, Rng& rng) const {
  if (!hasLength(n)) {
    throw LengthError(id() + " has no example of length " + std::to_string(n) + "; allowed: " +
                      lengthRule());
  }
  return sampleValidLength(n, rng);
}

}  // namespace lengthlab
