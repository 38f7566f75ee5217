#!/usr/bin/python3
"""`slfit rescore` on a 1,000-entry leaderboard against scipy fitting the same entries.

Why it is built this way:
  * The leaderboard is 1,000 law variants on the ParScale task: eight families a researcher
    would try (the seed's law, the ParScale paper's, an additive P term, log-linear, saturating,
    effective parameters, no floor, quadratic in log P), each with 125 normalisations of N
    (N / s for s spread log-evenly over 1e8 .. 1e10). Every variant is a different formula, so
    slfit compiles 1,000 laws; bounds are the family's.
  * slfit is timed as a whole process (manifest, CSV, compile, 1,000 x 2 groups x 4 restarts =
    8,000 fits, three outputs) and its time divided by the number of fits.
  * scipy fits a sample of the same entries, one fit at a time in this process, with the seed
    program's global fitter: scipy.optimize.differential_evolution with the seed's settings and
    polish=True (scipy_baseline.DESettings), on each variant's MSE evaluated by law_numpy. That
    is the procedure `--pipeline de` (rescore's default) reproduces; the seed program's own
    fit_scaling_law cannot fit other laws (its bounds and start are the seed law's).
  * Quality: every sampled entry's kept slfit objective per group is compared with scipy's;
    slfit fits worse by more than 1e-9 relative are counted.

    /usr/bin/python3 bench/bench_rescore.py --slfit build/slfit [--entries 1000] [--restarts 4]
        [--scipy-entries 16] [--backend auto|cpu|cuda] [--results bench/RESULTS.md]
"""

import argparse
import datetime
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import scipy
from scipy.optimize import differential_evolution

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_fit  # noqa: E402  (machine description helpers)
import law_numpy  # noqa: E402
import scipy_baseline as sb  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
REL_TOL = 1e-9
TARGET_SPEEDUP = 30.0
INPUTS = {"N": "num_params", "P": "parallel_size"}

# (family, formula with {s} for N's normalisation, params as (name, lower, upper)).
FAMILIES = [
    ("seed", "a * (N / {s})^b / P^c + d",
     [("a", 1e-6, 1e3), ("b", -1, 1), ("c", 0, 0.5), ("d", "y_min - 0.5", "y_max + 0.5")]),
    ("paper", "E + (A * {s} / (N * (k * log(P) + 1)))^alpha",
     [("E", 0, "y_min"), ("A", 1e-4, 1e4), ("k", 0, 10), ("alpha", 0.01, 2)]),
    ("additive_p", "E + A * (N / {s})^(-alpha) + B * P^(-beta)",
     [("E", 0, "y_min"), ("A", 1e-4, 10), ("alpha", 0.01, 2), ("B", 0, 2), ("beta", 0, 2)]),
    ("log_linear", "a + b * log(N / {s}) + c * log(P)",
     [("a", -10, 10), ("b", -2, 2), ("c", -2, 2)]),
    ("saturating", "E + A * (N / {s} * (1 + k * (1 - 1 / P)))^(-alpha)",
     [("E", 0, "y_min"), ("A", 1e-4, 10), ("k", 0, 10), ("alpha", 0.01, 2)]),
    ("effective_params", "E + A * (N * P^gamma / {s})^(-alpha)",
     [("E", 0, "y_min"), ("A", 1e-4, 10), ("gamma", 0, 2), ("alpha", 0.01, 2)]),
    ("no_floor", "A * (N / {s})^(-alpha) * P^(-beta)",
     [("A", 1e-3, 10), ("alpha", 0, 2), ("beta", 0, 2)]),
    ("log_p_quadratic", "a + b * log(N / {s}) + c * log(P) + e * log(P)^2",
     [("a", -10, 10), ("b", -2, 2), ("c", -2, 2), ("e", -1, 1)]),
]


def law_variants(count: int) -> list[dict]:
    """`count` law specs, cycling through the families, each with its own normalisation."""
    per_family = -(-count // len(FAMILIES))
    scales = np.logspace(8, 10, per_family)
    specs = []
    for k in range(count):
        family, formula, params = FAMILIES[k % len(FAMILIES)]
        scale = float(scales[k // len(FAMILIES)])
        specs.append({"name": f"{family}_{k // len(FAMILIES):03d}", "formula": formula.format(s=repr(scale)),
                      "inputs": INPUTS, "target": "loss",
                      "params": [{"name": n, "lower": lo, "upper": hi} for n, lo, hi in params]})
    return specs


def write_manifest(path: Path, specs: list[dict], train: Path, test: Path) -> None:
    manifest = {"tasks": {"parallel": {"train": str(train), "test": str(test), "group": "group"}},
                "entries": [{"id": s["name"], "task": "parallel", "law": s} for s in specs]}
    path.write_text(json.dumps(manifest, indent=1))


def run_slfit(args: argparse.Namespace, manifest: Path, workdir: Path) -> tuple[float, dict]:
    out = workdir / "scores.json"
    wall, _ = bench_fit.run_slfit_process(
        [args.slfit, "rescore", "--manifest", manifest, "--restarts", str(args.restarts),
         "--threads", str(args.threads), "--backend", args.backend, "--quiet",
         "--out", workdir / "scores.csv", "--json", out])
    return wall, json.loads(out.read_text())


def scipy_fit(law: law_numpy.NumpyLaw, problem: sb.Problem, seed: int) -> tuple[float, float]:
    """The seed program's DE settings with polish on one group: (seconds, objective)."""
    X = {"N": problem.X[:, 0], "P": problem.X[:, 1]}
    start = time.perf_counter()
    result = differential_evolution(lambda p: law.objective(X, problem.y, p), law.bounds(X, problem.y), seed=seed,
                                    **vars(sb.DESettings()))
    return time.perf_counter() - start, float(result.fun)


def sample_indices(count: int, sample: int) -> list[int]:
    """Evenly spread over the entries, so every family is sampled."""
    return sorted({round(k * (count - 1) / max(sample - 1, 1)) for k in range(sample)})


def relative_gap(value: float, reference: float) -> float:
    return (value - reference) / abs(reference) if reference != 0 else value - reference


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--slfit", required=True, type=Path, help="the slfit executable")
    p.add_argument("--entries", type=int, default=1000)
    p.add_argument("--restarts", type=int, default=4)
    p.add_argument("--scipy-entries", type=int, default=16, help="entries scipy fits (each group once)")
    p.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    p.add_argument("--train", type=Path, default=REPO / "examples/parscale/train.csv")
    p.add_argument("--test", type=Path, default=REPO / "examples/parscale/test.csv")
    p.add_argument("--results", type=Path, help="append a dated section to this markdown file")
    p.add_argument("--quick", action="store_true", help="40 entries, 2 restarts, scipy on 4 (for run_all.py --quick)")
    bench_fit.add_backend_option(p)
    args = p.parse_args(argv)
    if args.quick:
        args.entries, args.restarts, args.scipy_entries = 40, 2, 4
    load_at_start = bench_fit.load_average()

    specs = law_variants(args.entries)
    problems = sb.load_problems(str(args.train))
    with tempfile.TemporaryDirectory(prefix="slfit-rescore-bench-") as tmp:
        workdir = Path(tmp)
        manifest = workdir / "leaderboard.json"
        write_manifest(manifest, specs, args.train.resolve(), args.test.resolve())
        wall, scores = run_slfit(args, manifest, workdir)

    entries = {e["id"]: e for e in scores["entries"]}
    scored = sum(e["error"] is None for e in entries.values())
    fits = sum(len(e["fits"]) for e in entries.values()) * args.restarts
    slfit_per_fit = wall / fits

    scipy_seconds, worse, compared = [], [], 0
    for k in sample_indices(len(specs), args.scipy_entries):
        law = law_numpy.NumpyLaw(specs[k])
        entry = entries[specs[k]["name"]]
        for group, fit in zip(problems, entry["fits"]):
            seconds, objective = scipy_fit(law, problems[group], seed=k)
            scipy_seconds.append(seconds)
            compared += 1
            gap = relative_gap(fit["objective"], objective)
            if not gap <= REL_TOL:
                worse.append((specs[k]["name"], group, fit["objective"], objective, gap))
    scipy_per_fit = statistics.median(scipy_seconds)
    speedup = scipy_per_fit / slfit_per_fit

    section = [
        f"## {datetime.date.today().isoformat()}: rescore, {args.entries} entries x {args.restarts} restarts", "",
        *bench_fit.environment_lines(argv, load_at_start),
        bench_fit.backend_line(args.threads, args.backend, [scores["backend"]]), "",
        "| entries | scored | slfit fits (entries x groups x restarts) | slfit wall s (whole process) "
        "| slfit s/fit | scipy fits (sampled entries x groups) | scipy s/fit (median) | speedup per fit "
        f"| slfit fits worse than scipy by > {REL_TOL:g} rel |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {len(entries)} | {scored} | {fits} | {wall:.2f} | {slfit_per_fit:.6f} | {compared} "
        f"| {scipy_per_fit:.4f} | {speedup:.0f}x | {len(worse)} of {compared} |", ""]
    if speedup < TARGET_SPEEDUP:
        section.append(f"- **below the {TARGET_SPEEDUP:.0f}x goal**: {speedup:.1f}x")
    section += [f"- worse: {name} {group}: slfit {ours:.12e} vs scipy {theirs:.12e} (+{gap:.2e})"
                for name, group, ours, theirs, gap in worse]
    bench_fit.publish(section, args.results)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
