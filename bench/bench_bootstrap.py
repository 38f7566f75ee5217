#!/usr/bin/python3
"""`slfit bootstrap --search local` against scipy doing the same refits.

The case of the issue: 4,000 resamples of a 240-point, 5-parameter law. Chinchilla's law
L = E + A/N^alpha + B/D^beta by MSE on examples/chinchilla/train.csv (Hoffmann et al.'s runs as
extracted by Epoch AI, the 5 highest-loss runs dropped, D = FLOP / 6N), every resample refitted
from the full-data optimum.

  * slfit is timed as a whole process (start-up, the full-data DE fit, 4,000 local refits,
    intervals, JSON and replicates CSV), wall-clock.
  * scipy: scipy.optimize.minimize(method="BFGS") with the analytic gradient of the same MSE,
    from the same full-data optimum (slfit's, read from its JSON), on 4,000 case resamples drawn
    with numpy (the same kind and number of refits; slfit's Philox resamples are not exported),
    one after another in this process, as a researcher's script does it.
  * Quality: both sides' bootstrap standard errors per parameter and the median objective of
    the refits (each side's own resamples), so that a faster but sloppier refit would show.

    /usr/bin/python3 bench/bench_bootstrap.py --slfit build/slfit [--resamples 4000]
        [--backend auto|cpu|cuda] [--results bench/RESULTS.md]
"""

import argparse
import csv
import datetime
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import scipy
from scipy.optimize import minimize

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_fit import add_backend_option, backend_line, publish, run_slfit_process  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "examples" / "chinchilla" / "train.csv"
PARAMS = ("E", "A", "alpha", "B", "beta")
TARGET_SPEEDUP = 25.0  # issue #19: bootstrap --search local at 25x scipy's refits on the same cores


def load(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    n = np.array([float(r["num_params"]) for r in rows])
    d = np.array([float(r["tokens"]) for r in rows])
    y = np.array([float(r["loss"]) for r in rows])
    return n, d, y


def mse_and_gradient(p, log_n, log_d, y):
    """MSE of E + A N^-alpha + B D^-beta and its exact gradient."""
    e, a, alpha, b, beta = p
    tn = np.exp(-alpha * log_n)
    td = np.exp(-beta * log_d)
    r = e + a * tn + b * td - y
    m = len(y)
    g = np.array([np.sum(r), np.sum(r * tn), -a * np.sum(r * tn * log_n), np.sum(r * td), -b * np.sum(r * td * log_d)])
    return float(np.mean(r * r)), 2.0 * g / m


def run_slfit(binary, resamples, threads, backend, workdir):
    out = Path(workdir) / "bootstrap.json"
    replicates = Path(workdir) / "replicates.csv"
    command = [binary, "bootstrap", "--data", str(DATA), "--law", "chinchilla", "--resamples", str(resamples),
               "--search", "local", "--method", "percentile", "--quiet", "--out", str(out),
               "--save-replicates", str(replicates), "--backend", backend]
    if threads:
        command += ["--threads", str(threads)]
    wall, _ = run_slfit_process(command)
    output = json.loads(out.read_text())
    with open(replicates, newline="") as f:
        objectives = [float(r["objective"]) for r in csv.DictReader(f)]
    return wall, output["groups"][0], objectives, command, output["backend"]


def run_scipy(x0, n, d, y, resamples, seed, gtol):
    """BFGS in coordinates scaled by the start, x = x0 (1 + v), as slfit's local search: in the
    raw coordinates BFGS's gradient test is met at the start (dMSE/dA ~ 1e-9 with A ~ 570) and
    no parameter moves, which is no refit at all. gtol is chosen so that the refits converge."""
    rng = np.random.default_rng(seed)
    log_n, log_d = np.log(n), np.log(d)
    scale = np.abs(x0)

    def scaled(v, log_n, log_d, y):
        f, g = mse_and_gradient(x0 + scale * v, log_n, log_d, y)
        return f, g * scale

    params, objectives, failed = [], [], 0
    start = time.perf_counter()
    for _ in range(resamples):
        i = rng.integers(0, len(y), len(y))
        res = minimize(scaled, np.zeros_like(x0), args=(log_n[i], log_d[i], y[i]), jac=True, method="BFGS",
                       options={"gtol": gtol})
        if not np.isfinite(res.fun):
            failed += 1
            continue
        params.append(x0 + scale * res.x)
        objectives.append(res.fun)
    wall = time.perf_counter() - start
    return wall, np.array(params), objectives, failed


def git_commit():
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
                                check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=REPO, capture_output=True, text=True).stdout.strip()
        return commit + (" (+ uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--slfit", default=str(REPO / "build" / "slfit"))
    p.add_argument("--resamples", type=int, default=4000)
    p.add_argument("--threads", type=int, default=0, help="slfit --threads (0: every core)")
    p.add_argument("--seed", type=int, default=0, help="numpy seed of scipy's resamples")
    p.add_argument("--gtol", type=float, default=1e-9, help="scipy BFGS gtol (on the scaled gradient)")
    p.add_argument("--results", help="append a dated section to this Markdown file")
    p.add_argument("--quick", action="store_true", help="200 resamples (for bench/run_all.py --quick)")
    add_backend_option(p)
    args = p.parse_args(argv)
    if args.quick:
        args.resamples = 200

    n, d, y = load(DATA)
    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        slfit_wall, slfit, slfit_objectives, command, ran = run_slfit(args.slfit, args.resamples, args.threads,
                                                                      args.backend, tmp)
    x0 = np.array([slfit["fit"]["params"][k] for k in PARAMS])
    scipy_wall, scipy_params, scipy_objectives, scipy_failed = run_scipy(x0, n, d, y, args.resamples, args.seed, args.gtol)
    load_end = os.getloadavg()[0]
    speedup = scipy_wall / slfit_wall

    lines = [f"## {datetime.date.today().isoformat()}: bootstrap, --search local, {args.resamples} resamples",
             "",
             f"- machine: nproc {os.cpu_count()}, load average (1 min) {load_start:.2f} at start, {load_end:.2f} at end",
             f"- commit: {git_commit()}",
             f"- python {sys.version.split()[0]}, numpy {np.__version__}, scipy {scipy.__version__}",
             f"- command: `/usr/bin/python3 bench/bench_bootstrap.py {' '.join(shlex.quote(a) for a in argv)}`",
             f"- slfit command: `{' '.join(shlex.quote(str(c)) for c in command)}`",
             backend_line(args.threads or "0 (all cores)", args.backend, [ran]),
             "",
             "| | wall s | refits | failed | median refit objective | " + " | ".join(f"se {k}" for k in PARAMS) + " |",
             "|---|---:|---:|---:|---:|" + "---:|" * len(PARAMS)]
    slfit_se = [slfit["params"][k]["se"] for k in PARAMS]
    scipy_se = np.std(scipy_params, axis=0, ddof=1)
    lines.append(f"| slfit (whole process) | {slfit_wall:.2f} | {args.resamples} | {slfit['failed']} | "
                 f"{np.median(slfit_objectives):.6e} | " + " | ".join(f"{v:.4g}" for v in slfit_se) + " |")
    lines.append(f"| scipy BFGS, analytic gradient, gtol {args.gtol:g} | {scipy_wall:.2f} | {args.resamples} | {scipy_failed} | "
                 f"{np.median(scipy_objectives):.6e} | " + " | ".join(f"{v:.4g}" for v in scipy_se) + " |")
    lines += ["", f"Speedup: {speedup:.1f}x (target {TARGET_SPEEDUP:.0f}x)."]
    publish(lines, args.results)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
