#!/usr/bin/python3
"""The scipy reference that slfit is measured against.

slfit claims to reproduce two scipy procedures on the seed program's parallel_power law, only
faster: (a) scipy.optimize.differential_evolution with the seed's settings and polish=True, and
(b) the seed program's own fit_scaling_law. This module runs both exactly as the reference does,
so that bench_fit.py (and anyone checking a number by hand) compares against the real thing
rather than a re-implementation. The seed program is imported from its file, never copied, so
the baseline cannot drift from it.

Usage as a CLI (one JSON record per line on stdout):
    /usr/bin/python3 bench/scipy_baseline.py --data examples/parscale/train.csv \
        --group pile --method de --seeds 0 1 2
"""

import argparse
import csv
import dataclasses
import importlib.util
import json
import os
import sys
import time
from types import ModuleType

import numpy as np
from scipy.optimize import differential_evolution

SEED_PROGRAM_ENV = "SLFIT_SEED_PROGRAM"
DEFAULT_SEED_PROGRAM = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seed_program.py")
EPS = 1e-10  # the seed program's epsilon guard, in both max() and the denominator


@dataclasses.dataclass(frozen=True)
class Problem:
    """One group's data: X columns are (num_params, parallel_size), y is the loss."""
    name: str
    X: np.ndarray
    y: np.ndarray


@dataclasses.dataclass(frozen=True)
class DESettings:
    """The seed program's differential_evolution call, plus polish=True (scipy's default)."""
    maxiter: int = 500
    popsize: int = 20
    tol: float = 1e-11
    atol: float = 1e-11
    updating: str = "deferred"
    strategy: str = "best1bin"
    polish: bool = True


@dataclasses.dataclass
class Record:
    """What one fit produced. nit is None where the procedure does not report iterations
    (fit_scaling_law returns only parameters)."""
    name: str
    method: str
    seed: int | None
    seconds: float
    objective: float
    nit: int | None
    nfev: int
    params: list[float]


def parallel_power(X: np.ndarray, params) -> np.ndarray:
    """The seed's law a*max(N,eps)^b/(max(P,eps)^c+eps)+d, written the same way so that
    floating-point results match the seed program's scaling_law_func."""
    a, b, c, d = (float(p) for p in params)
    numerator = a * np.power(np.maximum(X[:, 0], EPS), b)
    denominator = np.power(np.maximum(X[:, 1], EPS), c)
    return numerator / (denominator + EPS) + d


def mse(problem: Problem, params) -> float:
    """The fitting objective: mean squared error, +inf when any prediction is not finite
    (the same convention slfit's Objective uses)."""
    pred = parallel_power(problem.X, params)
    if not np.all(np.isfinite(pred)):
        return float("inf")
    return float(np.mean((pred - problem.y) ** 2))


def bounds(problem: Problem) -> list[tuple[float, float]]:
    """The seed program's data-driven bounds (d depends on the group's loss range)."""
    y_min, y_max = float(problem.y.min()), float(problem.y.max())
    return [(1e-6, 1e3), (-0.2, 0.2), (0.0, 0.5), (y_min - 0.5, y_max + 0.5)]


def sld_r2(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """SLDBench's r2: 1 - MSE / var(y), np.var with ddof=0, over all test rows at once."""
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    return float(1.0 - np.mean((y_true - y_pred) ** 2) / np.var(y_true))


def load_problems(path: str, group_column: str = "group") -> dict[str, Problem]:
    """Reads a ParScale-style CSV (group,num_params,parallel_size,loss) into one Problem per
    group, keeping the file's group order and row order."""
    rows: dict[str, list[tuple[float, float, float]]] = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            point = (float(row["num_params"]), float(row["parallel_size"]), float(row["loss"]))
            rows.setdefault(row[group_column], []).append(point)
    if not rows:
        raise ValueError(f"{path}: no data rows")
    problems = {}
    for name, points in rows.items():
        a = np.array(points, dtype=np.float64)
        problems[name] = Problem(name, a[:, :2].copy(), a[:, 2].copy())
    return problems


def fit_de(problem: Problem, seed: int, settings: DESettings = DESettings()) -> Record:
    """scipy differential_evolution (+ L-BFGS-B polish) on the MSE, timed end to end."""
    start = time.perf_counter()
    result = differential_evolution(
        lambda p: mse(problem, p), bounds(problem), seed=seed, **dataclasses.asdict(settings))
    seconds = time.perf_counter() - start
    return Record(problem.name, "scipy_de", seed, seconds, float(result.fun), int(result.nit),
                  int(result.nfev), [float(v) for v in result.x])


def seed_program_path(path: str | None = None) -> str:
    """The seed program's file: the argument, else $SLFIT_SEED_PROGRAM, else the shared copy."""
    return path or os.environ.get(SEED_PROGRAM_ENV) or DEFAULT_SEED_PROGRAM


def load_seed_program(path: str | None = None) -> ModuleType:
    """Imports the seed program from its file, so the baseline is its code and not a copy."""
    path = seed_program_path(path)
    spec = importlib.util.spec_from_file_location("slfit_seed_program", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import the seed program from {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _CountingLaw:
    """Wraps the seed module's scaling_law_func to count objective evaluations; the seed's
    objective looks the function up in its module at each call, so this sees every one."""

    def __init__(self, law):
        self.law = law
        self.calls = 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.law(*args, **kwargs)


def fit_seed(problem: Problem, seed_module: ModuleType) -> Record:
    """The seed program's fit_scaling_law, timed end to end. Its objective is reported as our
    MSE at the returned parameters (identical to the seed's own where finite)."""
    original = seed_module.scaling_law_func
    counter = _CountingLaw(original)
    seed_module.scaling_law_func = counter
    try:
        start = time.perf_counter()
        params = seed_module.fit_scaling_law(problem.X, problem.y)
        seconds = time.perf_counter() - start
    finally:
        seed_module.scaling_law_func = original
    return Record(problem.name, "seed_program", None, seconds, mse(problem, params), None,
                  counter.calls, [float(v) for v in params])


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Fit ParScale-style groups with the scipy reference.")
    p.add_argument("--data", required=True, help="CSV with group,num_params,parallel_size,loss")
    p.add_argument("--group", action="append",
                   help="group to fit (repeatable; default: every group in the file)")
    p.add_argument("--method", choices=["de", "seed"], default="de",
                   help="de: differential_evolution+polish; seed: the seed's fit_scaling_law")
    p.add_argument("--seeds", type=int, nargs="+", default=[42], help="DE seeds (method de)")
    p.add_argument("--seed-program", help=f"seed program file (default: ${SEED_PROGRAM_ENV} "
                                          f"or {DEFAULT_SEED_PROGRAM})")
    defaults = DESettings()
    p.add_argument("--maxiter", type=int, default=defaults.maxiter)
    p.add_argument("--popsize", type=int, default=defaults.popsize)
    p.add_argument("--tol", type=float, default=defaults.tol)
    p.add_argument("--atol", type=float, default=defaults.atol)
    p.add_argument("--no-polish", action="store_true", help="DE without the L-BFGS-B polish")
    return p.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    problems = load_problems(args.data)
    names = args.group or list(problems)
    missing = [n for n in names if n not in problems]
    if missing:
        raise SystemExit(f"error: group(s) not in {args.data}: {', '.join(missing)}")
    if args.method == "seed":
        module = load_seed_program(args.seed_program)
        records = [fit_seed(problems[n], module) for n in names]
    else:
        settings = DESettings(maxiter=args.maxiter, popsize=args.popsize, tol=args.tol,
                              atol=args.atol, polish=not args.no_polish)
        records = [fit_de(problems[n], s, settings) for n in names for s in args.seeds]
    for r in records:
        print(json.dumps(dataclasses.asdict(r)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
