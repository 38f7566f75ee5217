#pragma once
// The stopping test both bounded optimizers share (L-BFGS-B and the Newton polish), with scipy's
// meaning of gtol: the largest component of the projected gradient, the step x - g clipped to
// the bounds.

#include <Eigen/Core>

namespace slfit {

inline double projected_gradient_norm(const Eigen::VectorXd& x, const Eigen::VectorXd& g, const Eigen::VectorXd& lb,
                                      const Eigen::VectorXd& ub) {
  return ((x - g).cwiseMax(lb).cwiseMin(ub) - x).cwiseAbs().maxCoeff();
}

}  // namespace slfit
