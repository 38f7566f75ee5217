#!/usr/bin/python3
"""slfit against scipy on bootstrap resamples of the ParScale groups: speed per fit and quality
of every fit scipy also made.

Why it is built this way:
  * The problems are case resamples (drawn with replacement) of the pile and stack groups of
    examples/parscale/train.csv, built here with numpy: each group has its own Generator seeded
    by (--seed, group), so a resample's name (pile_r0007) names the same data whatever
    --resamples is. Unlike bench_fit.py's replicas, every problem differs, with its own
    data-driven bounds (d depends on the resample's loss range), as a bootstrap by full refits
    meets them.
  * Every resample is written as its own group in ONE CSV, and one `slfit fit` process fits them
    all as one batch with the default DE pipeline (popsize 20, maxiter 500, tol = atol = 1e-11,
    then L-BFGS-B). slfit is timed as a whole process (start-up, CSV parsing, JSON output); the
    in-process per-fit seconds from its JSON are reported beside it.
  * scipy (scipy_baseline.py: differential_evolution with the same settings and polish=True)
    takes about 0.4 s a fit, so it fits a seeded sample of K resamples per group, in this process,
    in blocks interleaved with the slfit runs (each run with its own --seed), so that drift in
    machine load hits both sides alike; medians are reported.
  * Quality is judged per resample, not on average: for every resample scipy fitted, both sides'
    parameters are re-evaluated by the same Python MSE (scipy_baseline.mse), and every slfit fit
    of it (one per run) worse than scipy's by more than 1e-9 relative is listed by name; scipy
    fits worse than slfit's by the same rule are counted too. The resamples scipy did not fit
    are checked against themselves: slfit runs with different seeds should agree.

    /usr/bin/python3 bench/bench_resamples.py --slfit build-bench/slfit [--quick]
        [--resamples R] [--scipy-fits K] [--seed S] [--backend auto|cpu|cuda]
        [--results bench/RESULTS.md]
"""

import argparse
import collections
import dataclasses
import datetime
import os
import statistics
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scipy_baseline as sb  # noqa: E402  (sits next to this file)
from bench_fit import (GROUPS, REL_TOL, add_backend_option, backend_line,  # noqa: E402
                       environment_lines, load_average, params_in_order, publish, relative_gap,
                       run_slfit_json, split)

REPO = Path(__file__).resolve().parent.parent


@dataclasses.dataclass
class Mode:
    """How much work one benchmark run does."""
    resamples: int  # R: resamples per group (the slfit batch holds 2R problems)
    scipy: int      # K: resamples per group that scipy also fits
    rounds: int     # slfit runs, each followed by a block of about 2K/rounds scipy fits


QUICK = Mode(resamples=100, scipy=3, rounds=2)
FULL = Mode(resamples=2000, scipy=40, rounds=4)


@dataclasses.dataclass
class SlfitFit:
    run: int
    name: str
    objective: float    # slfit's parameters re-evaluated by scipy_baseline.mse
    reported: float     # the objective slfit reports
    status: str
    seconds: float      # in-process seconds of this fit


@dataclasses.dataclass
class SlfitRun:
    wall: float         # whole process, wall-clock
    fits: dict[str, SlfitFit]
    backend: str        # the backend slfit's JSON names


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--slfit", required=True, type=Path, help="the slfit executable")
    p.add_argument("--quick", action="store_true",
                   help=f"R={QUICK.resamples}, K={QUICK.scipy}, {QUICK.rounds} rounds "
                        f"(default R={FULL.resamples}, K={FULL.scipy}, {FULL.rounds} rounds)")
    p.add_argument("--resamples", type=int, help="R: resamples per group")
    p.add_argument("--scipy-fits", type=int, help="K: resamples per group that scipy fits too")
    p.add_argument("--rounds", type=int, help="slfit runs (at least 2)")
    p.add_argument("--seed", type=int, default=0, help="numpy seed of the resamples and the sample")
    p.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)),
                   help="slfit --threads (default: the cores available, as nproc)")
    p.add_argument("--train", type=Path, default=REPO / "examples/parscale/train.csv")
    p.add_argument("--results", type=Path, help="append a dated section to this markdown file")
    add_backend_option(p)
    args = p.parse_args(argv)
    base = QUICK if args.quick else FULL
    args.mode = Mode(args.resamples or base.resamples, args.scipy_fits or base.scipy,
                     args.rounds or base.rounds)
    if args.mode.resamples < 1 or args.mode.scipy < 1 or args.mode.rounds < 2:
        p.error("need --resamples >= 1, --scipy-fits >= 1 and --rounds >= 2")
    args.mode.scipy = min(args.mode.scipy, args.mode.resamples)
    if not os.access(args.slfit, os.X_OK):
        p.error(f"--slfit {args.slfit}: not an executable file")
    return args


def draw_resamples(problem: sb.Problem, group_index: int, n: int, seed: int) -> list[sb.Problem]:
    """n case resamples of the group (rows drawn with replacement), named GROUP_r0000..."""
    rng = np.random.default_rng([seed, group_index])
    width = max(4, len(str(n - 1)))
    rows = len(problem.y)
    out = []
    for r in range(n):
        i = rng.integers(0, rows, rows)
        out.append(sb.Problem(f"{problem.name}_r{r:0{width}d}", problem.X[i].copy(), problem.y[i].copy()))
    return out


def write_csv(problems: list[sb.Problem], path: Path) -> None:
    """Every problem as its own group of one CSV, in list order."""
    with open(path, "w") as f:
        f.write("group,num_params,parallel_size,loss\n")
        for p in problems:
            f.writelines(f"{p.name},{n!r},{par!r},{loss!r}\n"
                         for (n, par), loss in zip(p.X.tolist(), p.y.tolist()))


def scipy_sample(resamples: dict[str, list[sb.Problem]], k: int, seed: int) -> list[sb.Problem]:
    """K resamples of each group, chosen by a seeded Generator, groups alternating so that every
    scipy block holds both."""
    rng = np.random.default_rng([seed, len(GROUPS)])
    picks = {g: sorted(rng.choice(len(resamples[g]), size=k, replace=False).tolist()) for g in GROUPS}
    return [resamples[g][picks[g][j]] for j in range(k) for g in GROUPS]


def run_slfit(args: argparse.Namespace, csv: Path, problems: dict[str, sb.Problem], run: int,
              out: Path) -> SlfitRun:
    """One timed slfit run on the resamples' CSV (--seed = run, so runs differ)."""
    wall, output = run_slfit_json(
        args.slfit, ["--data", str(csv), "--seed", str(run), "--threads", str(args.threads)], out,
        args.backend)
    got = [f["group"] for f in output["fits"]]
    if got != list(problems):
        raise RuntimeError(f"slfit returned groups {got[:3]}... for {csv}, "
                           f"expected {list(problems)[:3]}...")
    fits = {f["group"]: SlfitFit(run, f["group"], sb.mse(problems[f["group"]], params_in_order(f)),
                                 float(f["objective"]), f["status"], float(f["seconds"]))
            for f in output["fits"]}
    return SlfitRun(wall, fits, output["backend"])


def group_of(name: str) -> str:
    return name.rsplit("_r", 1)[0]


@dataclasses.dataclass
class Quality:
    """slfit against scipy on one group's resamples that scipy fitted."""
    compared: int                             # resamples
    pairs: int                                # (slfit run, resample) pairs
    slfit_worse: list[tuple[SlfitFit, float, float]]  # (fit, scipy objective, relative gap)
    scipy_worse: list[tuple[str, int, float]]         # (resample, runs it lost to, largest gap)
    largest_gap: float                        # max over pairs of (slfit - scipy) / scipy


def quality(runs: list[SlfitRun], scipy: dict[str, sb.Record], group: str) -> Quality:
    worse, scipy_worse, gaps = [], [], []
    names = [n for n in scipy if group_of(n) == group]
    for name in names:
        ref = scipy[name].objective
        lost = []
        for run in runs:
            fit = run.fits[name]
            gap = relative_gap(fit.objective, ref)
            gaps.append(gap)
            if not gap <= REL_TOL:
                worse.append((fit, ref, gap))
            if not relative_gap(ref, fit.objective) <= REL_TOL:
                lost.append(relative_gap(ref, fit.objective))
        if lost:
            scipy_worse.append((name, len(lost), max(lost)))
    worse.sort(key=lambda item: item[2], reverse=True)
    return Quality(len(names), len(names) * len(runs), worse, scipy_worse, max(gaps))


def speed_table(args: argparse.Namespace, runs: list[SlfitRun], scipy: dict[str, sb.Record]) -> list[str]:
    """Per group: in-process slfit seconds (the process holds both groups, so its wall is only
    split in the 'all' row)."""
    m = args.mode
    lines = [f"| group | resamples (slfit batch) | slfit fits/s, process wall (median of {m.rounds} runs) "
             "| slfit s/fit, process wall / fits | slfit in-process s/fit (mean) "
             "| scipy fits | scipy s/fit (median) | ratio scipy / slfit, process wall "
             "| ratio scipy / slfit, in-process |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    wall_per_fit = statistics.median(run.wall / len(run.fits) for run in runs)
    for group in (*GROUPS, "all"):
        chosen = [n for n in runs[0].fits if group == "all" or group_of(n) == group]
        inprocess = statistics.fmean(run.fits[n].seconds for run in runs for n in chosen)
        scipy_s = statistics.median(r.seconds for n, r in scipy.items()
                                    if group == "all" or group_of(n) == group)
        if group == "all":
            wall_cols = f"{1 / wall_per_fit:.0f} | {wall_per_fit:.6f}"
            wall_ratio = f"{scipy_s / wall_per_fit:.0f}×"
        else:
            wall_cols, wall_ratio = "— | —", "—"
        lines.append(f"| {group} | {len(chosen)} | {wall_cols} | {inprocess:.6f} "
                     f"| {sum(1 for n in scipy if group == 'all' or group_of(n) == group)} "
                     f"| {scipy_s:.4f} | {wall_ratio} | {scipy_s / inprocess:.0f}× |")
    return lines


def quality_table(qualities: dict[str, Quality], rounds: int) -> list[str]:
    lines = [f"| group | resamples scipy fitted | slfit fits compared ({rounds} runs each) "
             f"| slfit fits worse than scipy's by > {REL_TOL:g} rel (resamples) "
             f"| scipy fits worse than slfit's by the same rule (resamples) "
             "| largest (slfit − scipy) / scipy |",
             "|---|---:|---:|---:|---:|---:|"]
    for group, q in qualities.items():
        lines.append(f"| {group} | {q.compared} | {q.pairs} "
                     f"| {len(q.slfit_worse)} ({len({f.name for f, _, _ in q.slfit_worse})}) "
                     f"| {sum(k for _, k, _ in q.scipy_worse)} ({len(q.scipy_worse)}) "
                     f"| {q.largest_gap:+.2e} |")
    return lines


def findings(runs: list[SlfitRun], qualities: dict[str, Quality]) -> list[str]:
    """Every slfit fit worse than scipy's, by name; then slfit's statuses, its run-to-run
    agreement on all resamples, and a check that its reported objectives match its parameters."""
    lines = []
    for q in qualities.values():
        lines.extend(f"- **worse than scipy** {f.name} (run {f.run}): {f.objective:.12e} vs scipy "
                     f"{ref:.12e} (+{gap:.2e}), status {f.status}" for f, ref, gap in q.slfit_worse)
    if not any(q.slfit_worse for q in qualities.values()):
        lines.append(f"- no slfit fit is worse than scipy's by more than {REL_TOL:g} relative")
    names = list(runs[0].fits)
    spread = {n: relative_gap(max(r.fits[n].objective for r in runs),
                              min(r.fits[n].objective for r in runs)) for n in names}
    disagree = sorted((n for n in names if not spread[n] <= REL_TOL), key=spread.get, reverse=True)
    lines.append(f"- slfit runs (seeds 0–{len(runs) - 1}) differ by more than {REL_TOL:g} relative "
                 f"on {len(disagree)} of {len(names)} resamples"
                 + (f"; largest: {', '.join(f'{n} {spread[n]:.2e}' for n in disagree[:5])}"
                    if disagree else ""))
    statuses = collections.Counter(f.status for r in runs for f in r.fits.values())
    report_gap = max(abs(relative_gap(f.reported, f.objective)) for r in runs for f in r.fits.values())
    lines.append(f"- slfit statuses: {', '.join(f'{k} {v}' for k, v in sorted(statuses.items()))}; "
                 f"largest |reported − re-evaluated| objective {report_gap:.1e} relative")
    return lines


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    load_at_start = load_average()
    train = sb.load_problems(str(args.train))
    missing = [g for g in GROUPS if g not in train]
    if missing:
        raise SystemExit(f"error: group(s) {', '.join(missing)} missing from {args.train}")
    m = args.mode
    resamples = {g: draw_resamples(train[g], i, m.resamples, args.seed) for i, g in enumerate(GROUPS)}
    problems = {p.name: p for g in GROUPS for p in resamples[g]}
    sample = scipy_sample(resamples, m.scipy, args.seed)

    runs: list[SlfitRun] = []
    scipy: dict[str, sb.Record] = {}
    with tempfile.TemporaryDirectory(prefix="slfit-bench-") as tmp:
        csv = Path(tmp) / "resamples.csv"
        write_csv(list(problems.values()), csv)
        for run, block in enumerate(split(list(range(len(sample))), m.rounds)):
            runs.append(run_slfit(args, csv, problems, run, Path(tmp) / "fits.json"))
            for j in block:   # DE seed j: the j-th problem of the sample
                scipy[sample[j].name] = sb.fit_de(sample[j], j)
            print(f"  round {run + 1}/{m.rounds} done", file=sys.stderr, flush=True)

    qualities = {g: quality(runs, scipy, g) for g in GROUPS}
    section = [f"## {datetime.date.today().isoformat()}: ParScale bootstrap resamples, "
               f"{'quick' if args.quick else 'full'} run",
               "", *environment_lines(argv, load_at_start),
               f"{backend_line(args.threads, args.backend, [run.backend for run in runs])}; "
               f"resamples: numpy seed {args.seed}, "
               f"{m.resamples} per group; scipy: {m.scipy} per group, DE seeds 0–{len(sample) - 1}",
               "", *speed_table(args, runs, scipy), "", *quality_table(qualities, m.rounds), "",
               "Findings:", "", *findings(runs, qualities)]
    publish(section, args.results)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
