#!/usr/bin/python3
"""slfit against scipy on the ParScale example: speed per fit and quality of every fit.

Why it is built this way:
  * slfit is timed as a whole process (start-up, CSV parsing and JSON output included) on a
    CSV in which one ParScale group is replicated N times, because that is how a user meets
    it; the in-process per-fit seconds from its JSON are reported beside it.
  * scipy runs in this process, one fit at a time, exactly as the reference does
    (scipy_baseline.py). Its fits are split into blocks interleaved with the slfit runs, so
    that drift in machine load hits both sides alike; medians are reported.
  * Quality is judged per fit, not on average: every slfit fit is compared with the best
    scipy objective, re-evaluated by the same Python MSE for both sides, and any slfit fit
    worse by more than 1e-9 relative is listed.
  * Test r2 (SLDBench's metric, all groups' predictions concatenated) is a sanity column.

Both pipelines are measured: `--pipeline de` against scipy differential_evolution + polish,
and `--pipeline seed` against the seed program's fit_scaling_law. `--backend` (every benchmark
has it) is passed to slfit; the report names the backend slfit's JSON says ran.

    /usr/bin/python3 bench/bench_fit.py --slfit build-bench/slfit [--quick] [--fits N]
        [--backend auto|cpu|cuda] [--results bench/RESULTS.md]
"""

import argparse
import collections
import dataclasses
import datetime
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

import numpy as np
import scipy

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scipy_baseline as sb  # noqa: E402  (sits next to this file)

REPO = Path(__file__).resolve().parent.parent
GROUPS = ("pile", "stack")
PIPELINES = ("de", "seed")
REL_TOL = 1e-9          # slfit may not be worse than the best scipy objective by more than this
TARGET_SPEEDUP = 30.0   # the goal: slfit at least this much faster per fit
LAW = "parallel_power"
BACKENDS = ("auto", "cpu", "cuda")


@dataclasses.dataclass
class Mode:
    """How much work one benchmark run does."""
    fits: int     # N: replicas of the group in each slfit run
    scipy: int    # K: scipy fits per case
    rounds: int   # R: slfit runs per case, each followed by a block of about K/R scipy fits


QUICK = Mode(fits=100, scipy=5, rounds=2)
FULL = Mode(fits=1000, scipy=20, rounds=4)


@dataclasses.dataclass
class SlfitFit:
    run: int
    name: str
    params: list[float]
    reported: float     # the objective slfit reports
    objective: float    # the same parameters re-evaluated by scipy_baseline.mse
    status: str
    seconds: float      # in-process seconds of this fit


@dataclasses.dataclass
class SlfitRun:
    wall: float         # whole process, wall-clock
    fits: list[SlfitFit]
    backend: str        # the backend slfit's JSON names


@dataclasses.dataclass
class Case:
    """One pipeline on one group: all slfit runs and all scipy fits."""
    pipeline: str
    group: str
    slfit: list[SlfitRun]
    scipy: list[sb.Record]


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--slfit", required=True, type=Path, help="the slfit executable")
    p.add_argument("--quick", action="store_true",
                   help=f"N={QUICK.fits}, K={QUICK.scipy}, R={QUICK.rounds} "
                        f"(default N={FULL.fits}, K={FULL.scipy}, R={FULL.rounds})")
    p.add_argument("--fits", type=int, help="N: replicas per slfit run")
    p.add_argument("--scipy-fits", type=int, help="K: scipy fits per pipeline and group")
    p.add_argument("--rounds", type=int, help="R: slfit runs per case (at least 2)")
    p.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)),
                   help="slfit --threads (default: the cores available, as nproc)")
    p.add_argument("--train", type=Path, default=REPO / "examples/parscale/train.csv")
    p.add_argument("--test", type=Path, default=REPO / "examples/parscale/test.csv")
    p.add_argument("--seed-program", help="seed program file (see scipy_baseline.py)")
    add_backend_option(p)
    p.add_argument("--results", type=Path, help="append a dated section to this markdown file")
    args = p.parse_args(argv)
    base = QUICK if args.quick else FULL
    args.mode = Mode(args.fits or base.fits, args.scipy_fits or base.scipy, args.rounds or base.rounds)
    if args.mode.fits < 1 or args.mode.scipy < 1 or args.mode.rounds < 2:
        p.error("need --fits >= 1, --scipy-fits >= 1 and --rounds >= 2")
    if not os.access(args.slfit, os.X_OK):
        p.error(f"--slfit {args.slfit}: not an executable file")
    return args


def replica_names(group: str, n: int) -> list[str]:
    """pile_000, pile_001, ...: distinct group names, so slfit gives each its own stream."""
    width = max(3, len(str(n - 1)))
    return [f"{group}_{k:0{width}d}" for k in range(n)]


def write_replicated_csv(problem: sb.Problem, n: int, path: Path) -> list[str]:
    """The group's rows written n times under replica names; returns the names in file order."""
    names = replica_names(problem.name, n)
    rows = [f"{num_params!r},{parallel!r},{loss!r}"
            for (num_params, parallel), loss in zip(problem.X.tolist(), problem.y.tolist())]
    with open(path, "w") as f:
        f.write("group,num_params,parallel_size,loss\n")
        for name in names:
            f.writelines(f"{name},{row}\n" for row in rows)
    return names


def add_backend_option(parser: argparse.ArgumentParser) -> None:
    """Every benchmark's --backend, passed as slfit's --backend to each slfit run."""
    parser.add_argument("--backend", choices=BACKENDS, default="auto",
                        help="slfit --backend (default auto: the GPU when slfit was built with "
                             "CUDA and one is usable, else the CPU)")


def run_slfit_process(command: list) -> tuple[float, str]:
    """Runs one slfit command; returns its wall-clock and stdout. Fails loudly with slfit's
    stderr (e.g. why --backend cuda cannot run) when it exits non-zero."""
    command = [str(c) for c in command]
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"error: {shlex.join(command)} exited {done.returncode}:\n"
                         f"{done.stderr.strip()}")
    return wall, done.stdout


def run_slfit_json(slfit: Path, args: list[str], out: Path, backend: str) -> tuple[float, dict]:
    """Runs `slfit fit ARGS --backend BACKEND --out OUT --format json`; returns its
    wall-clock and the parsed output."""
    wall, _ = run_slfit_process([slfit, "fit", "--law", LAW, "--group", "group", *args,
                                 "--backend", backend, "--out", out, "--format", "json"])
    return wall, json.loads(out.read_text())


def backend_line(threads: int | str, asked: str, ran: list[str], what: str = "") -> str:
    """The report's slfit line: its threads, the backend every slfit run's JSON names and the
    one asked for. Fails loudly when the runs name different backends (or none ran)."""
    seen = sorted(set(ran))
    if len(seen) != 1:
        raise SystemExit(f"error: slfit runs (--backend {asked}) reported backends {seen}, "
                         "expected one for all")
    return f"- slfit{what} --threads {threads}, backend {seen[0]} (asked: {asked})"


def pipeline_backend(pipeline: str, asked: str) -> str:
    """The backend to ask slfit for: the GPU runs the de pipeline only, so the seed pipeline's
    runs stay on the CPU whatever was asked."""
    return asked if pipeline == "de" else "cpu"


def params_in_order(fit: dict) -> list[float]:
    return [float(fit["params"][k]) for k in ("a", "b", "c", "d")]


def run_slfit_case(args: argparse.Namespace, csv: Path, names: list[str], problem: sb.Problem,
                   pipeline: str, run: int, out: Path) -> SlfitRun:
    """One timed slfit run on the replicated CSV (--seed = run, so runs differ)."""
    wall, output = run_slfit_json(
        args.slfit, ["--data", str(csv), "--pipeline", pipeline, "--seed", str(run),
                     "--threads", str(args.threads)], out, pipeline_backend(pipeline, args.backend))
    got = [f["group"] for f in output["fits"]]
    if got != names:
        raise RuntimeError(f"slfit returned groups {got[:3]}... for {csv}, expected {names[:3]}...")
    fits = []
    for f in output["fits"]:
        params = params_in_order(f)
        fits.append(SlfitFit(run, f["group"], params, float(f["objective"]), sb.mse(problem, params),
                             f["status"], float(f["seconds"])))
    return SlfitRun(wall, fits, output["backend"])


def run_scipy_block(problem: sb.Problem, pipeline: str, seeds: list[int],
                    seed_module: ModuleType) -> list[sb.Record]:
    """scipy DE+polish once per seed, or the seed program once per entry (it fixes its own
    DE seed, so repeats only add timing samples)."""
    if pipeline == "de":
        return [sb.fit_de(problem, s) for s in seeds]
    return [sb.fit_seed(problem, seed_module) for _ in seeds]


def split(items: list[int], parts: int) -> list[list[int]]:
    """items cut into `parts` consecutive blocks of near-equal size (some may be empty)."""
    return [items[len(items) * i // parts: len(items) * (i + 1) // parts] for i in range(parts)]


def run_case(args: argparse.Namespace, problem: sb.Problem, pipeline: str,
             seed_module: ModuleType, workdir: Path) -> Case:
    """Alternates slfit runs and scipy blocks: slfit, scipy, slfit, scipy, ..."""
    csv = workdir / f"{problem.name}_x{args.mode.fits}.csv"
    names = write_replicated_csv(problem, args.mode.fits, csv)
    case = Case(pipeline, problem.name, [], [])
    for run, seeds in enumerate(split(list(range(args.mode.scipy)), args.mode.rounds)):
        case.slfit.append(run_slfit_case(args, csv, names, problem, pipeline, run,
                                         workdir / "out.json"))
        case.scipy.extend(run_scipy_block(problem, pipeline, seeds, seed_module))
        print(f"  {pipeline}/{problem.name}: round {run + 1}/{args.mode.rounds} done",
              file=sys.stderr, flush=True)
    return case


def relative_gap(value: float, reference: float) -> float:
    """How much worse `value` is than `reference`, relative to |reference|."""
    return (value - reference) / abs(reference) if reference != 0 else value - reference


@dataclasses.dataclass
class Summary:
    pipeline: str
    group: str
    scipy_seconds: float       # median per fit
    slfit_wall: float          # median over runs of wall / N
    slfit_inprocess: float     # mean in-process seconds per fit
    best_scipy: float
    worst_scipy: float         # context: how far scipy's own fits spread
    scipy_worse: int           # scipy fits worse than best_scipy beyond REL_TOL
    worst_slfit: float
    worse: list[tuple[SlfitFit, float]]   # slfit fits worse than best_scipy beyond REL_TOL
    n_slfit: int
    n_scipy: int
    statuses: dict[str, int]
    report_gap: float          # largest |reported - re-evaluated| / re-evaluated slfit objective

    @property
    def speedup(self) -> float:
        return self.scipy_seconds / self.slfit_wall


def summarize(case: Case) -> Summary:
    fits = [f for run in case.slfit for f in run.fits]
    best_scipy = min(r.objective for r in case.scipy)
    gaps = sorted(((f, relative_gap(f.objective, best_scipy)) for f in fits),
                  key=lambda item: item[1], reverse=True)
    return Summary(
        pipeline=case.pipeline, group=case.group,
        scipy_seconds=statistics.median(r.seconds for r in case.scipy),
        slfit_wall=statistics.median(run.wall / len(run.fits) for run in case.slfit),
        slfit_inprocess=statistics.fmean(f.seconds for f in fits),
        best_scipy=best_scipy,
        worst_scipy=max(r.objective for r in case.scipy),
        scipy_worse=sum(not relative_gap(r.objective, best_scipy) <= REL_TOL for r in case.scipy),
        worst_slfit=max(f.objective for f in fits),
        worse=[(f, gap) for f, gap in gaps if not gap <= REL_TOL],
        n_slfit=len(fits), n_scipy=len(case.scipy),
        statuses=dict(collections.Counter(f.status for f in fits)),
        report_gap=max(abs(relative_gap(f.reported, f.objective)) for f in fits))


def predict_concatenated(test: dict[str, sb.Problem], params_of: dict[str, list[float]]):
    """SLDBench's way: every test group predicted by its own fit, rows concatenated."""
    y = np.concatenate([test[g].y for g in test])
    pred = np.concatenate([sb.parallel_power(test[g].X, params_of[g]) for g in test])
    return y, pred


def test_r2_values(test: dict[str, sb.Problem], fit_sets: list[dict[str, list[float]]]) -> list[float]:
    return [sb.sld_r2(*predict_concatenated(test, params_of)) for params_of in fit_sets]


def scipy_fit_sets(cases: dict[tuple[str, str], Case], pipeline: str) -> list[dict[str, list[float]]]:
    """The k-th scipy fit of each group together (same DE seed across groups)."""
    per_group = [cases[(pipeline, g)].scipy for g in GROUPS]
    return [{g: rec.params for g, rec in zip(GROUPS, recs)} for recs in zip(*per_group)]


def slfit_fit_sets(cases: dict[tuple[str, str], Case], pipeline: str) -> list[dict[str, list[float]]]:
    """Replica k of run r of each group together."""
    per_group = [[f for run in cases[(pipeline, g)].slfit for f in run.fits] for g in GROUPS]
    return [{g: f.params for g, f in zip(GROUPS, fits)} for fits in zip(*per_group)]


def slfit_own_test_r2(args: argparse.Namespace, pipeline: str, test: dict[str, sb.Problem],
                      workdir: Path) -> tuple[float, float, str]:
    """slfit's own `--test` r2 on the real train/test files, and the same r2 recomputed here
    from its parameters: a check of slfit's metric, not a timing. Third: the backend that ran."""
    _, output = run_slfit_json(
        args.slfit, ["--data", str(args.train), "--test", str(args.test), "--pipeline", pipeline,
                     "--threads", str(args.threads)], workdir / "own_test.json",
        pipeline_backend(pipeline, args.backend))
    params_of = {f["group"]: params_in_order(f) for f in output["fits"]}
    return float(output["test"]["r2"]), test_r2_values(test, [params_of])[0], output["backend"]


def span(values: list[float], digits: int) -> str:
    lo, hi = min(values), max(values)
    return f"{lo:.{digits}f}" if f"{lo:.{digits}f}" == f"{hi:.{digits}f}" else f"{lo:.{digits}f} – {hi:.{digits}f}"


def timing_table(summaries: list[Summary], mode: Mode) -> list[str]:
    lines = [
        f"| pipeline | group | scipy s/fit (median of {mode.scipy}) "
        f"| slfit s/fit, process wall / N (median of {mode.rounds} runs × {mode.fits}) "
        "| slfit in-process s/fit (mean) | speedup | best scipy objective | worst slfit objective "
        f"| slfit fits worse than best scipy by > {REL_TOL:g} rel | worst scipy objective "
        "| scipy fits worse than best scipy by the same rule |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for s in summaries:
        lines.append(
            f"| {s.pipeline} | {s.group} | {s.scipy_seconds:.4f} | {s.slfit_wall:.6f} "
            f"| {s.slfit_inprocess:.6f} | {s.speedup:.0f}× | {s.best_scipy:.12e} "
            f"| {s.worst_slfit:.12e} | {len(s.worse)} of {s.n_slfit} | {s.worst_scipy:.12e} "
            f"| {s.scipy_worse} of {s.n_scipy} |")
    return lines


def r2_table(rows: list[tuple[str, list[float], list[float], tuple[float, float, str]]]) -> list[str]:
    lines = ["| pipeline | scipy test r2 | slfit test r2 (benchmark fits) "
             "| slfit `--test` r2 (own / recomputed) |",
             "|---|---:|---:|---:|"]
    for pipeline, scipy_r2, slfit_r2, (own, recomputed, _) in rows:
        lines.append(f"| {pipeline} | {span(scipy_r2, 6)} | {span(slfit_r2, 6)} "
                     f"| {own:.9f} / {recomputed:.9f} |")
    return lines


def findings(summaries: list[Summary], examples: int = 3) -> list[str]:
    """Plain statements of every way slfit misses the issue's goals (fits worse than scipy,
    with the worst few named; speed below the goal), then the statuses and a check that
    slfit's reported objectives match its parameters."""
    lines = []
    for s in summaries:
        tag = f"{s.pipeline}/{s.group}"
        if s.worse:
            gaps = [gap for _, gap in s.worse]
            lines.append(f"- **worse than scipy** {tag}: {len(s.worse)} of {s.n_slfit} slfit fits; "
                         f"relative gap median {statistics.median(gaps):.2e}, max {gaps[0]:.2e}")
            lines.extend(f"  - run {f.run} {f.name}: {f.objective:.12e} vs best scipy "
                         f"{s.best_scipy:.12e} (+{gap:.2e}), status {f.status}"
                         for f, gap in s.worse[:examples])
        if s.speedup < TARGET_SPEEDUP:
            lines.append(f"- **below the {TARGET_SPEEDUP:.0f}× goal** {tag}: {s.speedup:.1f}×")
    for s in summaries:
        statuses = ", ".join(f"{k} {v}" for k, v in sorted(s.statuses.items()))
        lines.append(f"- {s.pipeline}/{s.group}: slfit statuses: {statuses}; largest |reported − "
                     f"re-evaluated| objective {s.report_gap:.1e} relative")
    return lines


def git_commit() -> str:
    """Short HEAD, marked when the working tree has uncommitted changes (numbers then belong
    to the tree as built, not to the commit alone)."""
    head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                          check=True, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain"],
                           check=True, capture_output=True, text=True).stdout.strip()
    return f"{head} (+ uncommitted changes)" if dirty else head


def cpu_model() -> str:
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown"


def load_average() -> str:
    """The 1-minute load average: other work on the machine slows both sides and widens the
    spread, so a section records how busy the machine was."""
    return f"{os.getloadavg()[0]:.2f}"


def environment_lines(argv: list[str], load_at_start: str) -> list[str]:
    nproc = subprocess.run(["nproc"], check=True, capture_output=True, text=True).stdout.strip()
    command = shlex.join([sys.executable, *([sys.argv[0]] + argv)])
    return [f"- date: {datetime.date.today().isoformat()}",
            f"- machine: nproc {nproc}, CPU {cpu_model()}",
            f"- commit: {git_commit()}",
            f"- load average (1 min): {load_at_start} at start, {load_average()} at end",
            f"- python {sys.version.split()[0]}, numpy {np.__version__}, scipy {scipy.__version__}",
            f"- command: `{command}`"]


RESULTS_HEADER = """# slfit benchmark results

Dated sections appended by the benchmarks in `bench/`: `bench/run_all.py --results
bench/RESULTS.md` runs them all (each script also takes `--results`). Every section names the
machine, date, commit and command. Speed is compared with scipy inside one run, as ratios (never
across runs); quality is judged fit by fit, and any slfit fit worse than scipy's by more than 1e-9
relative is listed by name.

`bench_fit.py` times `slfit fit` (whole process, wall-clock, divided by the number of fits N; the
ParScale group replicated N times as groups GROUP_000…) against scipy run in the same Python
process (`bench/scipy_baseline.py`: `differential_evolution` with the seed program's settings and
`polish=True` for `--pipeline de`; the seed program's `fit_scaling_law` for `--pipeline seed`),
the two interleaved and reported as medians. Test r2 is SLDBench's metric on
`examples/parscale/test.csv`, predictions of both groups concatenated.

GPU: no benchmark has run on a GPU yet (no device has been lent to this project's tasks so far).
Every GPU figure the issues ask for (the H200 throughput and end-to-end times, the fp64 rate and
the DE kernel's fraction of it, the time split) is unverified; `bench/gpu_check.sh` measures them
in one call on a GPU machine.
"""


def write_results(path: Path, section: list[str]) -> None:
    """Appends the section, creating the file with its explanatory header when absent."""
    text = "" if path.exists() else RESULTS_HEADER
    with open(path, "a") as f:
        f.write(text + "\n" + "\n".join(section) + "\n")


def publish(section: list[str], results: Path | str | None) -> None:
    """Every benchmark's ending: the section on stdout and, with --results, appended there."""
    print("\n".join(section))
    if results:
        write_results(Path(results), section)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    load_at_start = load_average()
    train = sb.load_problems(str(args.train))
    test = sb.load_problems(str(args.test))
    for name in GROUPS:
        if name not in train or name not in test:
            raise SystemExit(f"error: group {name} missing from {args.train} or {args.test}")
    test = {g: test[g] for g in test if g in GROUPS}
    seed_module = sb.load_seed_program(args.seed_program)

    with tempfile.TemporaryDirectory(prefix="slfit-bench-") as tmp:
        workdir = Path(tmp)
        cases = {(p, g): run_case(args, train[g], p, seed_module, workdir)
                 for p in PIPELINES for g in GROUPS}
        r2_rows = [(p, test_r2_values(test, scipy_fit_sets(cases, p)),
                    test_r2_values(test, slfit_fit_sets(cases, p)),
                    slfit_own_test_r2(args, p, test, workdir)) for p in PIPELINES]

    summaries = [summarize(cases[(p, g)]) for p in PIPELINES for g in GROUPS]
    backend_lines = [
        backend_line(args.threads, pipeline_backend(p, args.backend),
                     [run.backend for g in GROUPS for run in cases[(p, g)].slfit]
                     + [own[2] for q, _, _, own in r2_rows if q == p], f" --pipeline {p}")
        for p in PIPELINES]
    section = [f"## {datetime.date.today().isoformat()}: {'quick' if args.quick else 'full'} run",
               "", *environment_lines(argv, load_at_start), *backend_lines, "",
               *timing_table(summaries, args.mode), "", *r2_table(r2_rows), "",
               "Findings:", "", *findings(summaries)]
    publish(section, args.results)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
