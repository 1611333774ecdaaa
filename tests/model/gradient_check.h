// Helpers for checking hand-written backward passes against central finite differences.
// The kernels run in float, so differences use a step of 1e-2 on inputs of order 1 (the
// truncation error is O(step^2) while float rounding stays far below it) and vectors are
// compared by their relative error norm: a wrong formula shows up as an error of order 1.
#pragma once

#include "rng.h"

#include <cmath>
#include <functional>
#include <vector>

namespace lengthlab::test {

inline std::vector<float> randomVector(std::size_t n, Rng& rng, double scale = 1.0) {
  std::vector<float> v(n);
  for (auto& x : v) x = static_cast<float>(scale * rng.normal());
  return v;
}

// Sum of a[i] * b[i] in double: the scalar "loss" whose gradient with respect to a is b.
inline double dot(const float* a, const std::vector<float>& b) {
  double s = 0;
  for (std::size_t i = 0; i < b.size(); ++i) s += static_cast<double>(a[i]) * b[i];
  return s;
}

// Central differences of loss() with respect to every entry of x (x is restored afterwards).
inline std::vector<double> numericGradient(std::vector<float>& x, const std::function<double()>& loss,
                                           float step = 1e-2f) {
  std::vector<double> g(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const float saved = x[i];
    x[i] = saved + step;
    const double up = loss();
    x[i] = saved - step;
    const double down = loss();
    x[i] = saved;
    g[i] = (up - down) / (2.0 * static_cast<double>(step));
  }
  return g;
}

// ||a - b|| / max(||a||, ||b||, tiny)
inline double relativeError(const std::vector<float>& analytic, const std::vector<double>& numeric) {
  double diff = 0, na = 0, nb = 0;
  for (std::size_t i = 0; i < numeric.size(); ++i) {
    diff += (analytic[i] - numeric[i]) * (analytic[i] - numeric[i]);
    na += static_cast<double>(analytic[i]) * analytic[i];
    nb += numeric[i] * numeric[i];
  }
  return std::sqrt(diff) / std::max({std::sqrt(na), std::sqrt(nb), 1e-12});
}

inline double norm(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x * x;
  return std::sqrt(s);
}

}  // namespace lengthlab::test
