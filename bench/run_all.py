#!/usr/bin/python3
"""Every slfit benchmark in one command: builds nothing, runs each benchmark script against the
given slfit binary, prints their tables, and with --results appends one dated section holding
all of them to bench/RESULTS.md.

    /usr/bin/python3 bench/run_all.py --slfit build/slfit [--quick] [--backend auto|cpu|cuda]
        [--results bench/RESULTS.md]

--quick passes --quick to every benchmark (the whole suite then finishes in about two minutes
on a 2-core machine); without it each runs its full size. --backend (default auto) is passed to
every benchmark, each of which names the backend that ran: on a GPU machine, `--backend cpu` and
`--backend cuda` give the two sides.
"""

import argparse
import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_fit import add_backend_option, environment_lines, load_average, write_results  # noqa: E402

BENCH = Path(__file__).resolve().parent

# (script, title): each takes --slfit, --quick and --backend and prints markdown on stdout.
BENCHMARKS = [
    ("bench_fit.py", "ParScale: slfit against scipy, fit by fit"),
    ("bench_synthetic.py", "Synthetic problems for every built-in law"),
    ("bench_growth.py", "Throughput growth"),
    ("bench_bootstrap.py", "Bootstrap, --search local, against scipy's BFGS"),
    ("bench_resamples.py", "ParScale bootstrap resamples: slfit against scipy, fit by fit"),
    ("bench_rescore.py", "Leaderboard rescoring against the seed program's fitter"),
]


def run(script: str, args: argparse.Namespace) -> tuple[str, float]:
    """One benchmark's stdout and wall time; its stderr (the error) when it fails."""
    command = [sys.executable, str(BENCH / script), "--slfit", args.slfit, "--backend", args.backend]
    command += ["--quick"] if args.quick else []
    start = time.perf_counter()
    out = subprocess.run(command, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"error: bench/{script} exited {out.returncode}:\n{out.stderr.strip()}")
    return out.stdout.strip(), time.perf_counter() - start


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slfit", required=True)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--results", type=Path)
    add_backend_option(parser)
    args = parser.parse_args(argv)
    load_at_start = load_average()
    parts = []
    for script, title in BENCHMARKS:
        text, seconds = run(script, args)
        parts += [f"### {title} (`bench/{script}`, {seconds:.0f} s)", "", text, ""]
        print("\n".join(parts[-4:]), flush=True)
    section = [f"## {datetime.date.today().isoformat()}: benchmark suite ({'quick' if args.quick else 'full'})",
               "", *environment_lines(argv, load_at_start), "", *parts]
    if args.results:
        write_results(args.results, section)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
