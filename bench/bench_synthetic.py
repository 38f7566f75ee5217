#!/usr/bin/python3
"""slfit against scipy on synthetic problems for every built-in law.

Each problem is a law's formula at known parameters (drawn inside the law's bounds) on a grid of
inputs, plus Gaussian noise. slfit fits all problems as one batch (`slfit fit --group`); scipy's
differential_evolution (best1bin, deferred, popsize 20, maxiter 500, tol = atol = 1e-11, polish
on) fits each one. Every problem's two objectives are compared: slfit must not be worse than
scipy by more than 1e-9 relative, and any problem where it is gets listed by name.

    /usr/bin/python3 bench/bench_synthetic.py --slfit build/slfit [--quick] [--problems K]
        [--backend auto|cpu|cuda]
"""

import argparse
import csv
import json
import os
import sys
import tempfile
import time

import numpy as np
from scipy.optimize import differential_evolution

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_fit import add_backend_option, backend_line, run_slfit_process  # noqa: E402
from law_numpy import NumpyLaw, load_builtin  # noqa: E402

TOLERANCE = 1e-9

# Input grids and true-parameter ranges per built-in law (inside each law's bounds).
DESIGNS = {
    "parallel_power": {
        "grid": {"num_params": np.geomspace(5e8, 5e9, 6), "parallel_size": np.array([1.0, 2, 4, 8])},
        "truth": {"a": (10, 60), "b": (-0.2, -0.05), "c": (0.02, 0.2), "d": (0.5, 1.5)},
        "noise": 0.002,
    },
    "parscale": {
        "grid": {"num_params": np.geomspace(5e8, 5e9, 6), "parallel_size": np.array([1.0, 2, 4, 8])},
        "truth": {"E": (1.0, 1.8), "A": (0.5, 3.0), "k": (0.1, 0.6), "alpha": (0.1, 0.4)},
        "noise": 0.002,
    },
    "chinchilla": {
        "grid": {"num_params": np.geomspace(1e8, 1e10, 8), "tokens": np.geomspace(1e9, 1e11, 6)},
        "truth": {"E": (1.5, 2.0), "A": (200, 600), "alpha": (0.3, 0.4), "B": (1000, 3000), "beta": (0.3, 0.4)},
        "noise": 0.01,
    },
}


def make_problems(law: NumpyLaw, design: dict, count: int, rng: np.random.Generator):
    """`count` data sets: the grid's full cross product, the law at random true parameters, noise."""
    mesh = np.meshgrid(*design["grid"].values(), indexing="ij")
    columns = {name: m.ravel() for name, m in zip(design["grid"].keys(), mesh)}
    X = {v: columns[c] for v, c in zip(law.variables, law.columns)}
    problems = []
    for k in range(count):
        truth = [rng.uniform(*design["truth"][p]) for p in law.param_names]
        y = law.predict(X, truth) + rng.normal(0.0, design["noise"], size=len(X[law.variables[0]]))
        problems.append({"name": f"p{k:03d}", "X": X, "columns": columns, "y": y, "truth": truth})
    return problems


def write_csv(path: str, law: NumpyLaw, problems) -> None:
    names = list(problems[0]["columns"].keys())
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["group", *names, law.target])
        for p in problems:
            for i in range(len(p["y"])):
                w.writerow([p["name"], *(repr(float(p["columns"][c][i])) for c in names), repr(float(p["y"][i]))])


def run_slfit(slfit: str, data: str, law_name: str, threads: int, backend: str):
    """(seconds, fits by group, the backend slfit's JSON names)."""
    seconds, stdout = run_slfit_process([slfit, "fit", "--data", data, "--group", "group", "--law", law_name,
                                         "--threads", str(threads), "--backend", backend])
    output = json.loads(stdout)
    return seconds, {f["group"]: f for f in output["fits"]}, output["backend"]


def run_scipy(law: NumpyLaw, problem, seed: int):
    bounds = law.bounds(problem["X"], problem["y"])
    start = time.perf_counter()
    res = differential_evolution(lambda p: law.objective(problem["X"], problem["y"], p), bounds,
                                 maxiter=500, popsize=20, tol=1e-11, atol=1e-11, updating="deferred",
                                 strategy="best1bin", polish=True, seed=seed)
    return time.perf_counter() - start, float(res.fun)


def bench_law(slfit: str, name: str, count: int, threads: int, backend: str, rng):
    law = NumpyLaw(load_builtin(slfit, name))
    problems = make_problems(law, DESIGNS[name], count, rng)
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, f"{name}.csv")
        write_csv(data, law, problems)
        slfit_seconds, fits, ran = run_slfit(slfit, data, name, threads, backend)
    scipy_seconds, worse = [], []
    for k, p in enumerate(problems):
        seconds, scipy_obj = run_scipy(law, p, seed=k)
        scipy_seconds.append(seconds)
        ours = law.objective(p["X"], p["y"], list(fits[p["name"]]["params"].values()))
        if ours > scipy_obj * (1 + TOLERANCE):
            worse.append((p["name"], ours, scipy_obj))
    per_fit = slfit_seconds / count
    scipy_per_fit = float(np.median(scipy_seconds))
    return {"law": name, "problems": count, "points": len(problems[0]["y"]), "scipy_s": scipy_per_fit,
            "slfit_s": per_fit, "ratio": scipy_per_fit / per_fit, "worse": worse, "backend": ran}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slfit", required=True)
    parser.add_argument("--quick", action="store_true", help="4 problems per law (default 20)")
    parser.add_argument("--problems", type=int, help="problems per law")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--seed", type=int, default=2026)
    add_backend_option(parser)
    args = parser.parse_args()
    count = args.problems or (4 if args.quick else 20)
    rng = np.random.default_rng(args.seed)

    rows = [bench_law(args.slfit, name, count, args.threads, args.backend, rng) for name in DESIGNS]
    print(backend_line(args.threads, args.backend, [r["backend"] for r in rows]) + "\n")
    print("| law | problems | points | scipy s/fit (median) | slfit s/fit (process wall / problems) | ratio | slfit worse than scipy by > 1e-9 rel |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for r in rows:
        worse = ", ".join(f"{n} ({o:.12e} vs {s:.12e})" for n, o, s in r["worse"]) or "none"
        print(f"| {r['law']} | {r['problems']} | {r['points']} | {r['scipy_s']:.4f} | {r['slfit_s']:.5f} | "
              f"{r['ratio']:.0f}x | {worse} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
