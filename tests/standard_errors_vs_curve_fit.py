#!/usr/bin/python3
"""slfit fit's standard errors, covariance, AIC and BIC against scipy's curve_fit and lmfit's
definitions, on the bundled examples (ctest: StandardErrorsVsCurveFit).

curve_fit is started at slfit's optimum with a gtol it meets at once, so it reports its pcov
at that point (least_squares moves a parameter on a bound 1e-10 inside it first) instead of at
an optimum of its own: in a valley as flat as the ParScale law's, a 3e-5 move of the point
changes the errors by 1e-4, which would test the optimisers, not the covariance. scipy's
Jacobian is its 3-point difference (the 2-point default is itself off by ~3e-6).

A weighted case (`--sigma`, a column of per-row uncertainties, curve_fit's sigma) also checks
that slfit's optimum is one: curve_fit started there with its own tolerances finds no lower
weighted sum of squares.

Usage: standard_errors_vs_curve_fit.py SLFIT_BINARY [SOURCE_DIR]
"""

import csv
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from scipy.optimize import curve_fit

SOURCE = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "..")
sys.path.insert(0, os.path.join(SOURCE, "bench"))
from law_numpy import NumpyLaw, load_builtin  # noqa: E402

TOLERANCE = 1e-6
CASES = [("examples/parscale/train.csv", "parallel_power", "group"),
         ("examples/parscale/train.csv", "parscale", "group"),
         ("examples/chinchilla/train.csv", "chinchilla", None)]


def with_sigma_column(data: str, directory: str) -> str:
    """The data file with a column `sigma` of per-row uncertainties that differ by 4x."""
    with open(os.path.join(SOURCE, data), newline="") as f:
        rows = list(csv.reader(f))
    rows[0].append("sigma")
    for i, row in enumerate(rows[1:]):
        row.append(repr(0.01 * (1 + i % 4)))
    path = os.path.join(directory, "weighted.csv")
    with open(path, "w", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def check(slfit: str, data: str, law_name: str, group: str | None, sigma: bool = False) -> list[str]:
    path = data if os.path.isabs(data) else os.path.join(SOURCE, data)
    args = [slfit, "fit", "--data", path, "--law", law_name, "--format", "json", "--backend", "cpu"]
    args += ["--sigma", "sigma"] if sigma else []
    report = json.loads(subprocess.run(args + (["--group", group] if group else []),
                                       check=True, capture_output=True, text=True).stdout)
    law = NumpyLaw(load_builtin(slfit, law_name))
    names = law.param_names
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    failures = []
    for fit in report["fits"]:
        mine = [r for r in rows if group is None or r[group] == fit["group"]]
        X = {v: np.array([float(r[c]) for r in mine]) for v, c in zip(law.variables, law.columns)}
        y = np.array([float(r[law.target]) for r in mine])
        s = np.array([float(r["sigma"]) for r in mine]) if sigma else None
        lower, upper = zip(*law.bounds(X, y))
        p = np.array([fit["params"][n] for n in names])
        _, pcov = curve_fit(lambda _x, *q: law.predict(X, q), None, y, p0=p, sigma=s, bounds=(lower, upper),
                            method="trf", jac="3-point", gtol=1e300)

        u = fit["uncertainty"]
        se = np.sqrt(np.diag(pcov))
        ours_se = np.array([u["standard_errors"][n] for n in names])
        ours_cov = np.outer(ours_se, ours_se) * np.array(u["correlation"])
        scale = np.outer(se, se)
        n, k = len(y), len(names)
        weights = 1 / s if sigma else 1
        ssr = float(np.sum(((law.predict(X, p) - y) * weights) ** 2))
        aic = n * np.log(ssr / n) + 2 * k  # lmfit's definitions
        bic = n * np.log(ssr / n) + np.log(n) * k
        errors = {
            "standard errors": float(np.max(np.abs(ours_se - se) / se)),
            "covariance": float(np.max(np.abs(ours_cov - pcov) / scale)),
            "aic": abs(u["aic"] - aic) / abs(aic),
            "bic": abs(u["bic"] - bic) / abs(bic),
        }
        if sigma:  # the weighted optimum: curve_fit from it, with its own tolerances, gains nothing
            q, _ = curve_fit(lambda _x, *q: law.predict(X, q), None, y, p0=p, sigma=s, bounds=(lower, upper),
                             method="trf", jac="3-point", ftol=1e-15, xtol=1e-15, gtol=1e-15)
            theirs = float(np.sum(((law.predict(X, q) - y) / s) ** 2))
            errors["optimum (their gain)"] = max(0.0, (ssr - theirs) / ssr)
        where = f"{law_name} on {os.path.basename(data)}{' with --sigma' if sigma else ''}, group {fit['group']}"
        print(f"{where}: " + ", ".join(f"{what} {e:.1e}" for what, e in errors.items()))
        failures += [f"{where}: {what} differ by {e:.2e} relative" for what, e in errors.items() if not e <= TOLERANCE]
    return failures


def main() -> int:
    failures = [f for case in CASES for f in check(sys.argv[1], *case)]
    with tempfile.TemporaryDirectory() as directory:
        weighted = with_sigma_column("examples/parscale/train.csv", directory)
        failures += check(sys.argv[1], weighted, "parscale", "group", sigma=True)
        failures += check(sys.argv[1], weighted, "parallel_power", "group", sigma=True)
    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
