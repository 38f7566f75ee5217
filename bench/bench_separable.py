#!/usr/bin/python3
"""Separable least squares: the share of default fits that reach the best known optimum, and
their evaluations and time per fit, with `--separable auto` (the default) and `off`.

Why it is built this way:
  * Suites: bootstrap resamples (rows drawn with replacement, numpy seeded by --seed) of the
    ParScale groups under the seed law (parallel_power) and under the parscale law, and of the
    Chinchilla data under Chinchilla's law; bench_synthetic.py's synthetic problems of every
    built-in law (--synthetic per law); the synthetic boundary suite of bench_boundary.py
    (B / (Dl + D^beta) + E with the optimum a millionth of Dl's box from its bound); SLDBench's
    MoE training data under that law. The resamples make many different problems of the real
    shapes, which the few real groups alone do not.
  * The best known optimum of each problem is the lowest objective of four slfit runs: the
    defaults with and without separable solving, and long runs (popsize 60, maxiter 4000) with and
    without. A fit reaches it when within 1e-6 relative (the issue's criterion).
  * Evaluations per fit are the DE's, L-BFGS-B's and the Newton polish's objective evaluations
    (a projected evaluation counts as one), the refinement's restarts included; the last column
    counts the fits whose refinement stalled and restarted from the DE's runners-up, and those
    where that lowered the objective by more than 1e-9 relative. Time is the batch's wall time on one thread, the two
    settings run back to back in one process run, so their ratio is what to read.

  * --before BINARY adds an older slfit's default fits (before separable solving and log
    scaling) as a third column, in the same run.

    /usr/bin/python3 bench/bench_separable.py --slfit build/slfit [--before OLD_SLFIT] [--resamples 100]
        [--synthetic 40] [--seed 3] [--results bench/RESULTS.md]
"""

import argparse
import datetime
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from bench_boundary import LAW as BOUNDARY_LAW
from bench_boundary import report, synthetic_suite
from bench_synthetic import DESIGNS, make_problems, write_csv
from law_numpy import NumpyLaw, load_builtin

REPO = Path(__file__).resolve().parent.parent
WITHIN = 1e-6
LONG = ["--popsize", "60", "--maxiter", "4000"]


def resamples(frame: pd.DataFrame, group: str | None, count: int, rng: np.random.Generator) -> pd.DataFrame:
    """`count` bootstrap resamples of each group of `frame`, each its own group named g<k>."""
    parts = []
    groups = frame.groupby(group, sort=False) if group else [("all", frame)]
    for name, rows in groups:
        for k in range(count):
            pick = rows.iloc[rng.integers(0, len(rows), len(rows))].copy()
            pick["group"] = f"{name}_{k:04d}"
            parts.append(pick)
    return pd.concat(parts, ignore_index=True)


def synthetic_laws(slfit: Path, count: int, rng: np.random.Generator, work: Path) -> dict[str, tuple[pd.DataFrame, str]]:
    """bench_synthetic.py's problems of each built-in law it designs: `count` per law."""
    suites = {}
    for name, design in DESIGNS.items():
        law = NumpyLaw(load_builtin(str(slfit), name))
        path = work / f"synthetic_{name}.csv"
        write_csv(str(path), law, make_problems(law, design, count, rng))
        suites[f"synthetic problems, {name}"] = (pd.read_csv(path, float_precision="round_trip"), name)
    return suites


def run(slfit: Path, data: Path, law: str, work: Path, *extra: str) -> dict:
    out = work / "fit.json"
    subprocess.run([str(slfit), "fit", "--data", str(data), "--law", law, "--group", "group", "--backend", "cpu",
                    "--threads", "1", "--format", "json", "--out", str(out), "--quiet", *extra], check=True)
    return json.loads(out.read_text())


def evaluations(fit: dict) -> int:
    return fit["de"]["evaluations"] + fit["lbfgsb"]["evaluations"] + fit["newton"]["evaluations"]


def score(slfit: Path, before: Path | None, frame: pd.DataFrame, law: str, work: Path) -> dict:
    data = work / "data.csv"
    frame.to_csv(data, index=False, float_format="%.17g")
    runs = {"auto": run(slfit, data, law, work), "off": run(slfit, data, law, work, "--separable", "off")}
    if before:
        runs["before"] = run(before, data, law, work)
    long_auto = run(slfit, data, law, work, *LONG)
    long_off = run(slfit, data, law, work, "--separable", "off", *LONG)
    best = {}
    for r in (*runs.values(), long_auto, long_off):
        for f in r["fits"]:
            best[f["group"]] = min(best.get(f["group"], np.inf), f["objective"])
    out = {"fits": len(best), "separable": runs["auto"]["fits"][0]["separable"]}
    for setting, r in runs.items():
        misses = np.array([(f["objective"] - best[f["group"]]) / best[f["group"]] for f in r["fits"]])
        # The refinement's restarts from the DE's runners-up (absent from older binaries' JSON):
        # how many fits stalled and ran them, and in how many they lowered the objective.
        restarts = [f.get("restarts", {"ran": False, "gain": 0.0}) for f in r["fits"]]
        gained = sum(x["gain"] > 1e-9 * f["objective"] for x, f in zip(restarts, r["fits"]))
        out[setting] = {"reached": int((misses <= WITHIN).sum()), "worst": float(misses.max()),
                        "evaluations": float(np.mean([evaluations(f) for f in r["fits"]])),
                        "ms_per_fit": 1e3 * r["seconds"] / len(r["fits"]),
                        "restarts": f"{sum(x['ran'] for x in restarts)}/{gained}"}
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slfit", type=Path, default=REPO / "build" / "slfit")
    parser.add_argument("--before", type=Path, help="an older slfit binary, whose default fits are a third column")
    parser.add_argument("--resamples", type=int, default=100, help="resamples per real group")
    parser.add_argument("--synthetic", type=int, default=40, help="synthetic problems per built-in law")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--results", type=Path)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    parscale = pd.read_csv(REPO / "examples/parscale/train.csv", float_precision="round_trip")
    chinchilla = pd.read_csv(REPO / "examples/chinchilla/train.csv", float_precision="round_trip")
    moe = pd.read_csv(REPO / "examples/sldbench/moe/train.csv", float_precision="round_trip")
    moe = pd.DataFrame({"group": "moe", "D": moe["dense_parameter_count"], "loss": moe["loss_validation"]})
    boundary, _ = synthetic_suite(40, 1)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "boundary.json").write_text(json.dumps(BOUNDARY_LAW))
        suites = {
            "ParScale resamples, seed law": (resamples(parscale, "group", args.resamples, rng), "parallel_power"),
            "ParScale resamples, parscale law": (resamples(parscale, "group", args.resamples, rng), "parscale"),
            "Chinchilla resamples": (resamples(chinchilla, None, args.resamples, rng), "chinchilla"),
            **synthetic_laws(args.slfit, args.synthetic, rng, work),
            "boundary suite (synthetic)": (boundary, str(work / "boundary.json")),
            "SLDBench MoE": (moe, str(work / "boundary.json")),
        }
        results = {name: score(args.slfit, args.before, frame, law, work) for name, (frame, law) in suites.items()}
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    settings = ["auto", "off"] + (["before"] if args.before else [])
    names = " / ".join(settings)
    lines = [f"## {datetime.date.today().isoformat()}: separable least squares (`bench/bench_separable.py`)", "",
             f"- commit {commit}, binary {args.slfit}" + (f", before: {args.before}" if args.before else "") +
             f", {args.resamples} resamples per real group, {args.synthetic} synthetic problems per law, "
             f"seed {args.seed}, one thread, `--backend cpu`; "
             "ratios are off / auto" + (" and before / auto" if args.before else ""), "",
             f"| suite | fits | solved exactly | within 1e-6 ({names}) | worst miss ({names}) "
             f"| evaluations per fit ({names}) | ms per fit ({names}) | restarts ran/gained ({names}) |",
             "|---|---:|---|---:|---:|---:|---:|---:|"]

    def column(r: dict, key: str, form: str, ratio: bool) -> str:
        values = " / ".join(format(r[s][key], form) for s in settings)
        if not ratio:
            return values
        return values + " (" + ", ".join(f"{r[s][key] / r['auto'][key]:.1f}x" for s in settings[1:]) + ")"

    for name, r in results.items():
        lines.append(f"| {name} | {r['fits']} | {', '.join(r['separable']) or '-'} "
                     f"| {column(r, 'reached', 'd', False)} | {column(r, 'worst', '.2g', False)} "
                     f"| {column(r, 'evaluations', '.0f', True)} | {column(r, 'ms_per_fit', '.2f', True)} "
                     f"| {column(r, 'restarts', 's', False)} |")
    report(lines, args.results)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
